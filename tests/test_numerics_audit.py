"""Training under numerical stress (the audit of overflowing costs, weights, moments and
schedules, defects 3 to 12): each test here failed before the fix it names."""

import re
import warnings

import numpy as np
import pytest
from sklearn.datasets import make_moons

from nnscratch import LogisticRegression, NeuralNetworkClassifier, save
from nnscratch.callbacks import LambdaCallback
from nnscratch.exceptions import (
    ConvergenceWarning,
    InvalidParameterError,
    NonFiniteWeightsError,
    OutputOverflowError,
)
from nnscratch.streaming import fit_streaming, open_chunks


def _xy(n=60, d=5, scale=1.0, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.randn(n, d) * scale
    return X, (X[:, 0] + X[:, 1] > 0).astype(int)


@pytest.fixture(autouse=True)
def _no_numpy_warnings():
    # the errors below are the only report: no RuntimeWarning of NumPy's before them
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        yield


# -------------------------------------------------- D3: an epoch cost of inf is a divergence


def test_costs_that_overflow_in_mini_batches_are_a_divergence_not_a_curve_of_inf():
    # loss_curve_ was [6.5e305, 3.1e306, inf, inf, 3.5e306], and save() then refused it
    X = np.random.RandomState(0).uniform(0.5, 1.0, (40, 3))
    y = (np.arange(40) % 4 == 0).astype(int)
    est = NeuralNetworkClassifier((1,), solver="momentum", learning_rate=1.7e308,
                                  batch_size=8, max_iter=5, random_state=2)
    with pytest.raises(NonFiniteWeightsError, match=r"^training diverged at iteration 0 "
                                                    r"\(cost .*Lower learning_rate"):
        est.fit(X, y)
    assert not hasattr(est, "params_")  # left unfitted, as for any divergence


def test_an_l2_term_beyond_float64_is_refused_naming_alpha():
    # alpha=1e308 with Adam gave loss_curve_ [inf, inf, inf] and frozen weights, silently
    X, y = _xy()
    est = NeuralNetworkClassifier((8,), solver="adam", learning_rate=0.1, alpha=1e308,
                                  max_iter=3, random_state=0)
    with pytest.raises(NonFiniteWeightsError, match=r"^the cost is .* with the initial "
                                                    r"weights, before any step: the L2 term "
                                                    r"of alpha=1e\+308 .*; lower alpha$"):
        est.fit(X, y)
    assert not hasattr(est, "params_")


def test_a_stream_whose_costs_overflow_is_a_divergence_and_restores_the_estimator():
    X, y = _xy(400)
    est = NeuralNetworkClassifier((8,), solver="adam", learning_rate=0.1, alpha=1e308,
                                  batch_size=50, max_iter=2, random_state=0)
    with open_chunks(X, y, batch_size=50, chunk_rows=100) as feeder:
        with pytest.raises(NonFiniteWeightsError, match="alpha"):
            fit_streaming(est, feeder)
    assert not hasattr(est, "params_")


# ----------------------------------------- D4: a cost a model file cannot hold is a divergence


def test_a_cost_beyond_what_a_model_file_holds_is_a_divergence_naming_the_learning_rate(
        tmp_path):
    # the fit only warned, then save() said "invalid model file: loss_curve holds values
    # outside the costs' range"
    X, y = make_moons(300, noise=0.2, random_state=0)
    est = LogisticRegression(learning_rate=1e302, max_iter=5)
    with pytest.raises(NonFiniteWeightsError, match=r"^training diverged at iteration \d+ "
                                                    r"\(cost [\d.e+]+, more than the 1e\+300 "
                                                    r"a model can hold\).*Lower learning_rate "
                                                    r"\(now 1e\+302\)"):
        est.fit(X, y)
    # a rate that stays within a model's range trains (and warns), and saves
    with pytest.warns(ConvergenceWarning, match="the cost rose"):
        est = LogisticRegression(learning_rate=1e300, max_iter=5).fit(X, y)
    save(est, tmp_path / "m.npz")


# ---------------------------------------- D5: float32 weights whose float32 sum overflows


@pytest.mark.parametrize("how", ["sample_weight", "class_weight"])
def test_float32_weights_whose_sum_overflows_float32_are_refused_before_training(how):
    # each weight fits float32, their sum (6e38) does not: "diverged at iteration 0 ...
    # Lower learning_rate"
    X, y = _xy()
    X = X.astype(np.float32)
    est = NeuralNetworkClassifier((8,), learning_rate=0.1, max_iter=10, random_state=0)
    kwargs = {"sample_weight": np.full(60, 1e37)}
    if how == "class_weight":
        est.set_params(class_weight={0: 1e37, 1: 1e37})
        kwargs = {}
    with pytest.raises(ValueError, match=r"^the sample weights are too large for float32 "
                                         r"data .*their sum must stay below 3\.4e\+38"):
        est.fit(X, y, **kwargs)
    est.fit(X.astype(np.float64), y, **kwargs)  # float64 holds the sum: trains


# ------------------------------------------ D6: an overflow before any step blames the data


@pytest.mark.parametrize("scale, dtype", [(1e37, np.float32), (1e307, np.float64)])
def test_data_that_overflow_before_any_step_are_named_not_the_learning_rate(scale, dtype):
    # "training diverged at iteration 0 (cost inf): the weights are no longer finite.
    # Lower learning_rate" with the initial weights, before any step
    X, y = _xy(scale=scale)
    est = NeuralNetworkClassifier((8,), solver="adam", learning_rate=0.01, max_iter=20,
                                  random_state=0)
    with pytest.raises(OutputOverflowError) as caught:
        est.fit(X.astype(dtype), y)
    text = str(caught.value)
    assert "\n" not in text and "learning_rate" not in text, text
    assert text.startswith("the training data hold values too large for the network: with "
                           "its initial weights, before any step, its "), text
    assert f"overflow{'s' if 'cost' in text else ''} {np.dtype(dtype).name}" in text, text
    assert text.endswith("scale the features (standardise them, divide pixel values by 255)"
                         + (" or pass float64 data" if dtype == np.float32 else "")), text
    assert not hasattr(est, "params_")


# --------------------------------------- D7: float32 Adam/RMSProp moments that overflow


@pytest.mark.parametrize("solver, name", [("adam", "Adam"), ("rmsprop", "RMSProp")])
def test_float32_moments_that_overflow_are_a_divergence_naming_float32(solver, name):
    # the average of the squared gradients overflowed to inf: those weights' steps were 0
    # for the rest of the fit, silently (accuracy 0.7 against float64's 0.85)
    X, y = _xy(scale=1e20)
    est = NeuralNetworkClassifier((8,), solver=solver, learning_rate=0.01, max_iter=20,
                                  random_state=0)
    est.fit(X, y)  # float64: fine
    assert all(np.isfinite(s).all() for s in est.optimizer_.s.values())
    with pytest.raises(NonFiniteWeightsError, match=(
            rf"^training diverged at iteration \d+: the gradients grew too large for float32 "
            rf"\({name}'s average of their squares overflows, and the weights stop moving\)\. "
            r"Scale the input features .* or pass float64 data\.$")):
        NeuralNetworkClassifier((8,), solver=solver, learning_rate=0.01, max_iter=20,
                                random_state=0).fit(X.astype(np.float32), y)


def test_a_continued_fit_with_overflowed_moments_keeps_the_model_it_had():
    X, y = _xy(scale=1e20)
    est = NeuralNetworkClassifier((8,), solver="adam", learning_rate=0.01, random_state=0)
    est.partial_fit(X[:5].astype(np.float32) * 1e-20, y[:5], classes=[0, 1])
    before = {k: v.copy() for k, v in est.params_.items()}
    with pytest.raises(NonFiniteWeightsError, match="too large for float32"):
        est.partial_fit(X.astype(np.float32), y)
    assert est.n_iter_ == 1
    assert all(np.array_equal(before[k], est.params_[k]) for k in before)
    assert all(np.isfinite(s).all() for s in est.optimizer_.s.values())


# ----------------------------------------------- D8: a cost that exploded on the way warns


def test_a_cost_that_exploded_mid_run_warns_though_it_fell_back():
    # [1.3e5, 1.1e9, 7e13, 3.7e20, 2.6e14, 3.38]: no ConvergenceWarning
    X, y = _xy(400)
    est = NeuralNetworkClassifier((8,), learning_rate=30, batch_size=50, max_iter=6,
                                  random_state=0)
    with pytest.warns(ConvergenceWarning, match=r"the cost rose from 1\.327e\+05 at the "
                                                r"start to 3\.716e\+20 in epoch 4 of 6 \(it "
                                                r"ended at 3\.385\): training diverged; "
                                                r"lower learning_rate \(it is 30\)"):
        est.fit(X, y)


def test_an_ordinary_noisy_curve_does_not_warn():
    X, y = _xy(400)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        NeuralNetworkClassifier((8,), learning_rate=0.5, batch_size=16, max_iter=30,
                                random_state=0).fit(X, y)
    from nnscratch.estimators import _climbing_cost

    assert _climbing_cost([0.7, 0.5, 5.0, 0.4], 1.0) is None  # 7 times: a bump, no warning
    assert "in epoch 3 of 4" in _climbing_cost([0.7, 0.5, 8.0, 0.4], 1.0)


# ------------------------------------------------- D9: the divergence error names alpha


def test_the_divergence_error_names_alpha_where_the_l2_term_overshoots():
    # lr would have had to be below 2m/alpha = 1.2e-8: the cause was alpha
    X, y = _xy()
    with pytest.raises(NonFiniteWeightsError, match=r"Lower learning_rate \(now 0\.1\) or "
                                                    r"alpha \(now 1e\+10\) or scale"):
        NeuralNetworkClassifier((8,), learning_rate=0.1, alpha=1e10, max_iter=30,
                                random_state=0).fit(X, y)
    # a small alpha is not the cause of a divergence: not named
    with pytest.raises(NonFiniteWeightsError) as caught:
        NeuralNetworkClassifier((4,), init="he", learning_rate=10.0, alpha=1e-4, max_iter=50,
                                random_state=0).fit(*_xy(50, 3, scale=1e150))
    assert "alpha" not in str(caught.value)


# ------------------------------------------- D10: a schedule that decays to 0 is refused


@pytest.mark.parametrize("learning_rate, decay_rate, zero", [(1e-320, 1.0, 4047),
                                                             (1e-3, 1e306, 180)])
def test_a_schedule_that_decays_to_zero_is_refused_before_training(learning_rate, decay_rate,
                                                                   zero):
    # it failed thousands of epochs in with "GradientDescent: learning_rate must be a
    # positive finite number, got 0.0", the work discarded
    X, y = _xy(80)
    seen = []
    est = NeuralNetworkClassifier(
        (8,), learning_rate=learning_rate, learning_rate_schedule="inverse_time",
        decay_rate=decay_rate, max_iter=5000, random_state=0,
        callbacks=[LambdaCallback(on_iteration_end=lambda e, i, logs: seen.append(i))])
    with pytest.raises(InvalidParameterError, match=(
            rf"^learning_rate=[\d.e+-]+ falls to 0 \(below the smallest float\) by iteration "
            rf"{zero} under learning_rate_schedule='inverse_time' with decay_rate=[\d.e+]+, "
            r"and this run goes on to iteration 4999: raise learning_rate or lower "
            r"decay_rate$")):
        est.fit(X, y)
    assert seen == [] and not hasattr(est, "params_")
    est.set_params(max_iter=zero)  # the iterations before it: trained
    if zero < 1000:
        est.set_params(callbacks=None).fit(X, y)


def test_a_stream_whose_schedule_decays_to_zero_is_refused_before_the_first_chunk():
    X, y = _xy(200)
    est = NeuralNetworkClassifier((8,), learning_rate=1e-20, learning_rate_schedule="step",
                                  decay_rate=1e306, decay_interval=2, random_state=0)
    with open_chunks(X, y, chunk_rows=100) as feeder:
        with pytest.raises(InvalidParameterError, match=r"falls to 0 .* by iteration 2 .*"
                                                        r"every decay_interval=2"):
            fit_streaming(est, feeder, epochs=4)
    assert not hasattr(est, "params_")


# ------------------------------------ D11: streaming's cost lines and its divergence epoch


def test_a_diverging_stream_prints_short_costs_and_names_its_epoch(capsys):
    # 300-digit cost lines, then "diverged at iteration 8" (the chunks' count) in epoch 3
    X, y = _xy(400)
    est = NeuralNetworkClassifier((8,), learning_rate=1e10, batch_size=50, shuffle=False,
                                  max_iter=6, random_state=0)
    with open_chunks(X, y, batch_size=50, chunk_rows=100) as feeder:
        with pytest.raises(NonFiniteWeightsError, match=(
                r"^training diverged at iteration 2 \(the stream's epoch 3/6, its chunk 1 "
                r"of 4; cost nan\): the weights are no longer finite\. Lower learning_rate")):
            fit_streaming(est, feeder, progress="lines")
    lines = capsys.readouterr().err.splitlines()
    assert [line.split(",")[0] for line in lines] == ["epoch 1/6: cost 4.944460e+128",
                                                      "epoch 2/6: cost 4.688855e+276"]
    # an ordinary stream's lines keep their 6 decimals
    est = NeuralNetworkClassifier((8,), batch_size=50, max_iter=1, random_state=0)
    with open_chunks(X, y, batch_size=50, chunk_rows=100) as feeder:
        fit_streaming(est, feeder, progress="lines")
    assert re.match(r"epoch 1/1: cost 0\.\d{6}, 400 rows", capsys.readouterr().err)


# -------------------------------------------- D12: huge uniform weights change nothing


def test_huge_sample_weights_train_as_weights_of_one():
    # 7e305 each (sum 1.8e308, accepted): "diverged at iteration 0 (cost inf)", or, with
    # gradient descent's rate folded in, gradients of 0 and a curve that never moved
    rng = np.random.RandomState(0)
    X = rng.randn(256, 4)
    y = np.digitize(X[:, 0], [-1, 0, 1])  # 4 classes
    est = NeuralNetworkClassifier((8,), learning_rate=1e-2, max_iter=50, random_state=0)
    ones = est.fit(X, y, sample_weight=np.full(256, 1.0)).loss_curve_
    huge = est.fit(X, y, sample_weight=np.full(256, 7e305)).loss_curve_
    np.testing.assert_allclose(huge, ones, rtol=1e-12)
    assert huge[-1] < huge[0]


@pytest.mark.parametrize("alpha", [0.0, 0.3])
@pytest.mark.parametrize("batch_size", [None, 64])
def test_weights_scaled_by_a_power_of_two_give_the_same_bits(alpha, batch_size):
    # weights times 2**1014 (sum 1.3e308): the weighted sums overflowed; scaled back by a
    # power of two, every rounding is the one of weights that do not overflow
    rng = np.random.RandomState(0)
    X = rng.randn(300, 6)
    y = np.digitize(X[:, 2], [-0.5, 0.5])
    w = rng.uniform(0.1, 3, 300)
    fits = [NeuralNetworkClassifier((7,), max_iter=10, random_state=0, learning_rate=0.01,
                                    alpha=alpha * scale, batch_size=batch_size).fit(
                X, y, sample_weight=w * scale) for scale in (1.0, 2.0 ** 1014)]
    assert fits[0].loss_curve_ == fits[1].loss_curve_
    for key, value in fits[0].params_.items():
        np.testing.assert_array_equal(value, fits[1].params_[key])
