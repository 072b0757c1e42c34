"""The one table of hyper-parameters, and everything that reads it."""

import math

import numpy as np
import pytest

from nnscratch import LogisticRegression, NeuralNetworkClassifier
from nnscratch._params import PARAMETERS, check, choices
from nnscratch.activations import ACTIVATIONS
from nnscratch.callbacks import Callback
from nnscratch.exceptions import InvalidParameterError
from nnscratch.initializers import INITIALIZERS
from nnscratch.optimizers import OPTIMIZERS, SCHEDULES, Adam, Momentum, make_schedule


def test_every_estimator_parameter_is_in_the_table():
    for cls in (LogisticRegression, NeuralNetworkClassifier):
        assert set(cls().get_params()) <= set(PARAMETERS)
    assert set(NeuralNetworkClassifier().get_params()) | set(LogisticRegression().get_params()) \
        == set(PARAMETERS)


def test_choices_come_from_the_library_tables():
    assert choices("solver") == tuple(OPTIMIZERS)
    assert choices("learning_rate_schedule") == tuple(SCHEDULES)
    assert choices("activation") == tuple(ACTIVATIONS)
    assert choices("init") == tuple(INITIALIZERS)


def test_defaults_pass_the_table():
    for cls in (LogisticRegression, NeuralNetworkClassifier):
        cls()._validate_hyperparameters()


@pytest.mark.parametrize("name", ["learning_rate", "alpha", "momentum", "epsilon", "tol",
                                  "validation_fraction", "leaky_relu_slope", "dropout"])
@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_nan_and_inf_are_refused_where_a_finite_number_is_required(name, bad):
    with pytest.raises(InvalidParameterError, match=f"{name}="):
        check(name, bad)


def test_one_error_type_a_value_error_everywhere():
    assert issubclass(InvalidParameterError, ValueError)
    for build in (lambda: Adam("0.1"), lambda: Momentum(0.1, beta=2.0),
                  lambda: make_schedule("step", 1.0, 2.5),
                  lambda: NeuralNetworkClassifier(momentum=1.0).fit([[0.0], [1.0]], [0, 1]),
                  lambda: LogisticRegression(max_iter=2.5).fit([[0.0], [1.0]], [0, 1])):
        with pytest.raises(ValueError) as info:
            build()
        assert isinstance(info.value, InvalidParameterError)


def test_optimizers_and_estimators_share_the_ranges():
    # the same value is refused by both, with each one's name for it
    with pytest.raises(ValueError, match=r"momentum=1.0 is not valid: it must be in \[0, 1\)"):
        NeuralNetworkClassifier(solver="momentum", momentum=1.0)._validate_hyperparameters()
    with pytest.raises(ValueError, match=r"Momentum: beta must be in \[0, 1\), got 1.0"):
        Momentum(0.1, beta=1.0)


def test_bool_and_object_parameters():
    with pytest.raises(ValueError, match="shuffle='yes'"):
        check("shuffle", "yes")
    assert check("early_stopping", np.bool_(True))
    with pytest.raises(ValueError, match="callbacks="):
        check("callbacks", "History")

    class Noop(Callback):
        pass

    assert check("callbacks", [Noop()])
    assert check("class_weight", {0: 2.0}) == {0: 2.0}
    assert not PARAMETERS["callbacks"].stored


@pytest.mark.parametrize("args, fragment", [
    (["--learning-rate", "nan"], "'nan' is not a positive finite number"),
    (["--learning-rate", "inf"], "'inf' is not a positive finite number"),
    (["--alpha", "-inf"], "--alpha"),
    (["--hidden", "4,,2"], "'4,,2' is not a list of positive layer sizes"),
    (["--hidden", "0"], "--hidden"),
    (["--hidden", ""], "--hidden"),
    (["--iterations", "1.5"], "--iterations"),
    (["--seed", "-1"], "--seed"),
    (["--solver", "sgd"], "--solver"),
    (["--activation", "softplus"], "--activation"),
    (["--hidden", "3", "--dropout", "inf"], "'inf' is not in [0, 1)"),
])
def test_cli_options_read_the_table_and_refuse_before_any_work(tmp_path, capsys, args,
                                                               fragment):
    from nnscratch.cli import run

    code = run(["train", "flower", "-o", str(tmp_path / "m.npz"), *args])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1 and err[0].startswith("nnscratch: error: ")
    assert fragment in err[0]
    assert list(tmp_path.iterdir()) == []


def test_the_registered_choices_are_known_before_their_module_is_imported():
    # in a fresh interpreter, choices("solver") was () until nnscratch.optimizers had been
    # imported: a refusal read "give one of " with nothing after it
    import subprocess
    import sys

    code = ("import sys; from nnscratch._params import choices; "
            "assert 'nnscratch.optimizers' not in sys.modules; "
            "print(choices('solver'), choices('learning_rate_schedule'))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == ("('gd', 'momentum', 'rmsprop', 'adam') "
                           "('constant', 'inverse_time', 'step')")
