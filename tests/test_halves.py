"""Training on a busy machine: each mini-batch split over two threads (nnscratch._halves).

The machine is made to look busy (no CPU free) and every product big, so that the
training loop takes the two-halves path; its results must be those of one pass over
each batch, and its helper thread must end with the fit, whatever ends it."""

import threading

import numpy as np
import pytest
from threadpoolctl import threadpool_info, threadpool_limits

from nnscratch import NeuralNetworkClassifier, _halves, _threads
from nnscratch.callbacks import Callback
from nnscratch.exceptions import NonFiniteWeightsError

needs_blas = pytest.mark.skipif(
    not [i for i in threadpool_info() if i["user_api"] == "blas"],
    reason="threadpoolctl sees no BLAS library in this NumPy")

PARAMS = {"hidden_layer_sizes": (160, 32), "max_iter": 4, "batch_size": 120, "random_state": 1}


def data(m=600, n=24, classes=2, seed=0, dtype=np.float64):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((m, n)).astype(dtype)
    score = X[:, 0] + 0.3 * X[:, 1]
    y = np.digitize(score, np.quantile(score, np.linspace(0, 1, classes + 1)[1:-1]))
    return X, y


@pytest.fixture
def counted(monkeypatch):
    """Counts the steps the two halves took (and those they declined)."""
    seen = {"split": 0, "declined": 0}
    real = _halves.TwoHalves.step

    def step(self, *args, **kwargs):
        out = real(self, *args, **kwargs)
        seen["split" if out is not None else "declined"] += 1
        return out

    monkeypatch.setattr(_halves.TwoHalves, "step", step)
    return seen


@pytest.fixture
def busy(monkeypatch):
    """A machine with two CPUs and four threads of other processes running (two
    neighbours with two BLAS threads each); every product counts as big."""
    monkeypatch.delenv("NNSCRATCH_BLAS_THREADS", raising=False)
    monkeypatch.setattr(_threads, "MIN_FLOPS", 0.0)
    monkeypatch.setattr(_threads, "MIN_DIM", 1)
    monkeypatch.setattr(_threads, "n_cpus", lambda: 2)
    state = {"others": 4.0}
    monkeypatch.setattr(_threads, "other_threads", lambda: state["others"])
    return state


def fit_both(busy, X, y, sample_weight=None, **params):
    """The same fit on a quiet machine and on a busy one."""
    kwargs = {**PARAMS, **params}
    with threadpool_limits(limits=2, user_api="blas"):
        busy["others"] = 0.0
        quiet = NeuralNetworkClassifier(**kwargs).fit(X, y, sample_weight=sample_weight)
        busy["others"] = 4.0
        split = NeuralNetworkClassifier(**kwargs).fit(X, y, sample_weight=sample_weight)
    return quiet, split


def assert_same_fit(a, b, rtol=1e-10):
    for key in a.params_:
        np.testing.assert_allclose(b.params_[key], a.params_[key], rtol=rtol, atol=rtol,
                                   err_msg=key)
    np.testing.assert_allclose(b.loss_curve_, a.loss_curve_, rtol=rtol)


@needs_blas
@pytest.mark.parametrize("params", [
    {},
    {"solver": "adam"},
    {"solver": "momentum"},
    {"alpha": 0.3},
    {"activation": "tanh"},
    {"shuffle": False},
    {"batch_size": 121},  # halves of 60 and 61 examples, a last batch of 116
    {"early_stopping": True, "n_iter_no_change": 50},
], ids=repr)
@pytest.mark.slow
def test_the_two_halves_train_as_one_pass_over_each_batch(busy, counted, params):
    X, y = data()
    quiet, split = fit_both(busy, X, y, **params)
    assert counted["split"] > 0 and counted["declined"] == 0
    assert_same_fit(quiet, split)
    if params.get("early_stopping"):
        np.testing.assert_allclose(split.validation_scores_, quiet.validation_scores_)


@needs_blas
def test_several_classes_and_sample_weights(busy, counted):
    X, y = data(classes=3)
    w = np.random.default_rng(2).uniform(0.0, 2.0, len(y))
    quiet, split = fit_both(busy, X, y, sample_weight=w, alpha=0.1)
    assert counted["split"] > 0
    assert_same_fit(quiet, split)


@needs_blas
@pytest.mark.slow
def test_a_half_whose_examples_weigh_nothing_takes_the_one_pass_step(busy, counted):
    X, y = data()
    w = np.ones(len(y))
    w[:60] = 0.0  # the first half of the first batch (shuffle=False: batches in order)
    quiet, split = fit_both(busy, X, y, sample_weight=w, shuffle=False)
    assert counted["declined"] == PARAMS["max_iter"] and counted["split"] > 0
    assert_same_fit(quiet, split)


@needs_blas
def test_float32_data_stay_close(busy, counted):
    X, y = data(dtype=np.float32)
    quiet, split = fit_both(busy, X, y)
    assert counted["split"] > 0
    assert split.params_["W1"].dtype == np.float32
    assert_same_fit(quiet, split, rtol=1e-4)


@needs_blas
@pytest.mark.parametrize("why", ["the user's limit of one thread", "a fixed thread count",
                                 "dropout", "a quiet machine", "one busy neighbour thread",
                                 "as many busy threads as CPUs"])
def test_no_second_thread_where_it_does_not_belong(busy, counted, monkeypatch, why):
    X, y = data()
    params, limit = dict(PARAMS), 2
    if why == "the user's limit of one thread":
        limit = 1  # a joblib worker, OPENBLAS_NUM_THREADS=1
    elif why == "a fixed thread count":
        monkeypatch.setenv("NNSCRATCH_BLAS_THREADS", "1")
    elif why == "dropout":
        params["dropout"] = 0.2
    elif why == "a quiet machine":
        busy["others"] = 0.0
    elif why == "one busy neighbour thread":  # one thread of ours gets a CPU of its own
        busy["others"] = 1.0
    else:
        busy["others"] = 2.0
    with threadpool_limits(limits=limit, user_api="blas"):
        NeuralNetworkClassifier(**params).fit(X, y)
    assert counted == {"split": 0, "declined": 0}


def helpers():
    return [t for t in threading.enumerate() if t.name == "nnscratch-half"]


class Boom(Callback):
    def __init__(self, exc):
        self.exc = exc

    def on_iteration_end(self, estimator, iteration, logs):
        assert helpers(), "the two halves were not used"
        raise self.exc


@needs_blas
def test_the_helper_thread_ends_with_the_fit_however_it_ends(busy):
    X, y = data()
    with threadpool_limits(limits=2, user_api="blas"):
        NeuralNetworkClassifier(**PARAMS).fit(X, y)
        assert not helpers()
        with pytest.raises(RuntimeError, match="x"):
            NeuralNetworkClassifier(**PARAMS, callbacks=[Boom(RuntimeError("x"))]).fit(X, y)
        assert not helpers()
        with pytest.warns(UserWarning, match="interrupted"):
            NeuralNetworkClassifier(**PARAMS, callbacks=[Boom(KeyboardInterrupt())]).fit(X, y)
        assert not helpers()
        assert {i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"} == {2}


@needs_blas
def test_an_error_in_the_helpers_half_is_raised_by_fit(busy, monkeypatch):
    X, y = data()
    real = _halves.TwoHalves._half

    def half(self, i, *args):
        if i == 1:
            raise MemoryError("the helper's half")
        return real(self, i, *args)

    monkeypatch.setattr(_halves.TwoHalves, "_half", half)
    with threadpool_limits(limits=2, user_api="blas"):
        with pytest.raises(MemoryError, match="the helper's half"):
            NeuralNetworkClassifier(**PARAMS).fit(X, y)
    assert not helpers()


@needs_blas
@pytest.mark.filterwarnings("error")  # the helper thread keeps fit's NumPy errstate
def test_divergence_in_the_two_halves_is_the_usual_error(busy):
    X, y = data()
    with threadpool_limits(limits=2, user_api="blas"):
        with pytest.raises(NonFiniteWeightsError, match="diverged"):
            NeuralNetworkClassifier(**{**PARAMS, "learning_rate": 10.0}).fit(X * 1e150, y)
    assert not helpers()
