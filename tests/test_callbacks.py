"""Tests of nnscratch.callbacks, driven by a fake estimator and a fake training loop."""

import copy
import io
import math
import pickle
import sys

import numpy as np
import pytest
from sklearn.base import BaseEstimator, clone

from nnscratch import NeuralNetworkClassifier
from nnscratch.callbacks import (
    Callback,
    CallbackList,
    EarlyStopping,
    History,
    LambdaCallback,
    ProgressBar,
)


class FakeEstimator(BaseEstimator):
    """Holds callbacks in a constructor parameter, like the real estimators."""

    def __init__(self, callbacks=None, max_iter=10):
        self.callbacks = callbacks
        self.max_iter = max_iter


def fit(est, costs, *, val_scores=None, val_losses=None, interrupt_at=None, callbacks=None):
    """The training loop of the contract, with scripted metrics.

    After iteration ``i`` every weight equals ``i + 1``, so the weights tell which
    iteration they come from. Returns the train-end logs.
    """
    callbacks = CallbackList(est.callbacks if callbacks is None else callbacks)
    est.params_ = {"W1": np.zeros((2, 3), dtype=np.float32), "b1": np.zeros((2, 1))}
    callbacks.on_train_begin(est, {"max_iter": len(costs), "n_samples": 7})
    n_iter, stopped_early, interrupted = 0, False, False
    try:
        for i, cost in enumerate(costs):
            if i == interrupt_at:
                raise KeyboardInterrupt
            for W in est.params_.values():
                W += 1
            n_iter = i + 1
            logs = {"cost": cost, "learning_rate": 0.1 / (1 + i)}
            if val_scores is not None:
                logs["val_score"] = val_scores[i]
            if val_losses is not None:
                logs["val_loss"] = val_losses[i]
            if callbacks.on_iteration_end(est, i, logs):
                stopped_early = True
                break
    except KeyboardInterrupt:
        interrupted = True
    finally:
        end_logs = {"n_iter": n_iter, "stopped_early": stopped_early, "interrupted": interrupted}
        callbacks.on_train_end(est, end_logs)
    est.n_iter_ = n_iter
    return end_logs


def weights_iteration(est):
    """The iteration the weights come from (-1 for the initial zeros)."""
    values = {float(v) for W in est.params_.values() for v in W.ravel()}
    assert len(values) == 1
    return int(values.pop()) - 1


class Recorder(Callback):
    """Records the events it receives."""

    def __init__(self, stop_at=None):
        self.stop_at = stop_at
        self.events = []

    def on_train_begin(self, estimator, logs):
        self.events.append(("begin", dict(logs)))

    def on_iteration_end(self, estimator, iteration, logs):
        self.events.append(("iteration", iteration))
        return iteration == self.stop_at

    def on_train_end(self, estimator, logs):
        self.events.append(("end", dict(logs)))


def record_iteration(estimator, iteration, logs):
    """A module-level function (picklable) for LambdaCallback."""
    estimator.seen = [*getattr(estimator, "seen", []), iteration]


# ----------------------------------------------------------------------- History


@pytest.mark.parametrize(
    "cost_every, n_iter, expected_iterations",
    [
        (1, 4, [0, 1, 2, 3]),
        (3, 10, [0, 3, 6, 9]),
        (3, 9, [0, 3, 6]),
        (100, 250, [0, 100, 200]),
        (100, 1, [0]),
    ],
)
def test_history_keeps_cost_every_n_iterations_from_zero(cost_every, n_iter, expected_iterations):
    history = History(cost_every=cost_every)
    costs = [1.0 / (i + 1) for i in range(n_iter)]
    fit(FakeEstimator(), costs, callbacks=[history])
    assert history.loss_curve == costs
    assert history.costs == [costs[i] for i in expected_iterations]
    assert history.learning_rates == pytest.approx([0.1 / (1 + i) for i in range(n_iter)])
    assert history.validation_scores == [] and history.validation_losses == []


def test_history_records_validation_metrics_and_resets_each_fit():
    history = History(cost_every=2)
    est = FakeEstimator()
    fit(
        est,
        [5.0, 4.0, 3.0],
        val_scores=[0.5, 0.6, 0.7],
        val_losses=[0.9, 0.8, 0.7],
        callbacks=[history],
    )
    assert history.validation_scores == [0.5, 0.6, 0.7]
    assert history.validation_losses == [0.9, 0.8, 0.7]
    assert history.costs == [5.0, 3.0]
    fit(est, [2.0, 1.0], callbacks=[history])
    assert history.loss_curve == [2.0, 1.0]
    assert history.costs == [2.0]
    assert history.validation_scores == []


def test_history_stores_python_floats():
    history = History(cost_every=1)
    fit(FakeEstimator(), [np.float32(0.5), np.float64(0.25)], callbacks=[history])
    assert all(type(c) is float for c in history.loss_curve + history.costs)


@pytest.mark.parametrize(
    "bad, error",
    [(0, ValueError), (-5, ValueError), (2.5, TypeError), ("10", TypeError), (True, TypeError)],
)
def test_history_rejects_bad_cost_every(bad, error):
    with pytest.raises(error, match="History: cost_every must be"):
        History(cost_every=bad)


# ----------------------------------------------------------------- EarlyStopping

SCENARIOS = {
    # best 0.6 at 1; 0.6 (not better), 0.55, 0.6: three without improvement -> stop at 4
    "max, tol=0": (
        {"monitor": "val_score", "n_iter_no_change": 3, "tol": 0.0},
        {"val_scores": [0.5, 0.6, 0.6, 0.55, 0.6, 0.7, 0.7]},
        1,
        4,
    ),
    # strictly increasing, but by less than tol=0.05 at 1, 3, 5, 6: 0.56 at 2 and 0.62 at
    # 4 beat the last improvement by more than tol; 0.64 and 0.66 do not beat 0.62 + 0.05
    # -> stop at 6, whose 0.66 is the best value seen: its weights are kept (they were
    # 4's, whose 0.62 best_score_ did not report either)
    "max, tol=0.05": (
        {"monitor": "val_score", "n_iter_no_change": 2, "tol": 0.05},
        {"val_scores": [0.5, 0.54, 0.56, 0.6, 0.62, 0.64, 0.66, 0.9]},
        6,
        6,
    ),
    # the same scores never stop with tol=0
    "max, tol=0, increasing": (
        {"monitor": "val_score", "n_iter_no_change": 2, "tol": 0.0},
        {"val_scores": [0.5, 0.54, 0.56, 0.6, 0.62, 0.64, 0.66, 0.9]},
        7,
        None,
    ),
    # lower is better: best 0.8 at 1, then 0.7 at 4, then 3 worse -> stop at 7
    "min val_loss": (
        {"monitor": "val_loss", "n_iter_no_change": 3, "tol": 0.0},
        {"val_losses": [1.0, 0.8, 0.9, 0.85, 0.7, 0.75, 0.72, 0.71, 0.1]},
        4,
        7,
    ),
    # mode overrides the direction inferred from the name
    "val_score with mode=min": (
        {"monitor": "val_score", "n_iter_no_change": 3, "tol": 0.0, "mode": "min"},
        {"val_scores": [1.0, 0.8, 0.9, 0.85, 0.7, 0.75, 0.72, 0.71, 0.1]},
        4,
        7,
    ),
    # the training cost; runs to the end (0.99995 at 5 is lower than 1.0, but not by more
    # than tol: no improvement, yet the best value seen, whose weights are kept)
    "cost, runs to max_iter": (
        {"monitor": "cost", "n_iter_no_change": 7, "tol": 1e-4},
        {},
        5,
        None,
    ),
    # NaN never counts as an improvement
    "NaN": (
        {"monitor": "val_loss", "n_iter_no_change": 2, "tol": 0.0},
        {"val_losses": [0.5, math.nan, math.nan, 0.1]},
        0,
        2,
    ),
}
SCENARIO_COSTS = [3.0, 2.0, 1.0, 1.5, 1.2, 0.99995, 1.1, 1.3, 1.4]


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_early_stopping_stops_at_the_right_iteration_and_restores_the_best(name):
    kwargs, metrics, best_iteration, stopped_iteration = SCENARIOS[name]
    n = len(next(iter(metrics.values()))) if metrics else len(SCENARIO_COSTS)
    stopper = EarlyStopping(**kwargs)
    est = FakeEstimator(callbacks=[stopper])
    end_logs = fit(est, SCENARIO_COSTS[:n], **metrics)
    assert stopper.best_iteration_ == best_iteration
    assert stopper.stopped_iteration_ == stopped_iteration
    expected_n_iter = n if stopped_iteration is None else stopped_iteration + 1
    assert end_logs["n_iter"] == expected_n_iter
    assert end_logs["stopped_early"] is (stopped_iteration is not None)
    assert weights_iteration(est) == best_iteration
    values = metrics.get("val_scores") or metrics.get("val_losses") or SCENARIO_COSTS
    assert stopper.best_score_ == values[best_iteration]


def test_early_stopping_restores_into_the_same_arrays_keeping_dtypes():
    stopper = EarlyStopping(monitor="val_score", n_iter_no_change=2)
    est = FakeEstimator(callbacks=[stopper])
    arrays = {}

    def keep_arrays(estimator, logs):
        arrays.update(estimator.params_)

    fit(
        est,
        [1.0] * 6,
        val_scores=[0.1, 0.9, 0.2, 0.3, 0.4, 0.5],
        callbacks=[LambdaCallback(on_train_begin=keep_arrays), stopper],
    )
    assert all(est.params_[k] is arrays[k] for k in arrays)
    assert est.params_["W1"].dtype == np.float32
    np.testing.assert_array_equal(est.params_["W1"], np.full((2, 3), 2.0))
    np.testing.assert_array_equal(est.params_["b1"], np.full((2, 1), 2.0))
    # the kept copy is not the live array
    assert stopper.best_params_["W1"] is not est.params_["W1"]


def test_early_stopping_without_restore_leaves_the_last_weights():
    stopper = EarlyStopping(monitor="val_score", n_iter_no_change=2, restore_best_weights=False)
    est = FakeEstimator(callbacks=[stopper])
    fit(est, [1.0] * 6, val_scores=[0.1, 0.9, 0.2, 0.3, 0.4, 0.5])
    assert stopper.stopped_iteration_ == 3
    assert weights_iteration(est) == 3
    assert stopper.best_params_ is None


def test_early_stopping_restores_after_an_interruption():
    stopper = EarlyStopping(monitor="val_score", n_iter_no_change=10)
    est = FakeEstimator(callbacks=[stopper])
    end_logs = fit(est, [1.0] * 6, val_scores=[0.1, 0.9, 0.2, 0.3, 0.4, 0.5], interrupt_at=4)
    assert end_logs == {"n_iter": 4, "stopped_early": False, "interrupted": True}
    assert weights_iteration(est) == 1


def test_early_stopping_state_is_reset_by_a_new_fit():
    stopper = EarlyStopping(monitor="val_score", n_iter_no_change=1)
    est = FakeEstimator(callbacks=[stopper])
    fit(est, [1.0] * 3, val_scores=[0.9, 0.1, 0.1])
    assert (stopper.best_iteration_, stopper.stopped_iteration_) == (0, 1)
    fit(est, [1.0] * 3, val_scores=[0.1, 0.2, 0.3])
    assert (stopper.best_iteration_, stopper.stopped_iteration_) == (2, None)
    assert stopper.best_score_ == 0.3
    assert weights_iteration(est) == 2


@pytest.mark.parametrize("monitor", ["val_score", "val_loss"])
def test_early_stopping_on_a_missing_key_says_what_is_missing(monitor):
    est = FakeEstimator(callbacks=[EarlyStopping(monitor=monitor)])
    with pytest.raises(
        ValueError,
        match=rf"monitors '{monitor}' .*logged: cost, learning_rate"
        r".*needs a validation set",
    ):
        fit(est, [1.0, 0.5])


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"monitor": "accuracy"}, ValueError, "pass mode='min' or mode='max'"),
        ({"mode": "up"}, ValueError, "mode must be 'min', 'max' or None"),
        ({"n_iter_no_change": 0}, ValueError, "n_iter_no_change must be >= 1"),
        ({"n_iter_no_change": 2.0}, TypeError, "n_iter_no_change must be an integer"),
        ({"tol": -0.1}, ValueError, "tol must be a number >= 0"),
        ({"tol": "0"}, TypeError, "tol must be a number"),
    ],
)
def test_early_stopping_rejects_bad_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        EarlyStopping(**kwargs)


def test_early_stopping_accepts_any_key_with_an_explicit_mode():
    stopper = EarlyStopping(monitor="learning_rate", mode="max", n_iter_no_change=2)
    est = FakeEstimator(callbacks=[stopper])
    fit(est, [1.0] * 5)  # the fake loop's learning rate decreases every iteration
    assert (stopper.best_iteration_, stopper.stopped_iteration_) == (0, 2)


# ------------------------------------------------------------------- ProgressBar


class FakeTerminal(io.StringIO):
    def isatty(self):
        return True


def test_progress_bar_draws_when_forced():
    stream = io.StringIO()
    bar = ProgressBar(stream=stream, force=True, mininterval=0.0)
    fit(FakeEstimator(callbacks=[bar]), [0.5, 0.25, 0.125])
    out = stream.getvalue()
    assert "FakeEstimator" in out
    assert "3/3" in out
    assert "cost=0.125" in out
    assert bar._bar is None  # closed


def test_progress_bar_is_silent_when_the_stream_is_not_a_terminal():
    stream = io.StringIO()
    fit(FakeEstimator(callbacks=[ProgressBar(stream=stream)]), [0.5, 0.25])
    assert stream.getvalue() == ""


def test_progress_bar_draws_on_a_terminal_and_shows_the_validation_score():
    stream = FakeTerminal()
    fit(
        FakeEstimator(callbacks=[ProgressBar(stream=stream, mininterval=0.0)]),
        [0.5, 0.25],
        val_scores=[0.75, 0.8],
    )
    assert "2/2" in stream.getvalue()
    assert "val_score=0.8" in stream.getvalue()


def test_progress_bar_redraws_are_throttled():
    stream = io.StringIO()
    n = 500
    fit(
        FakeEstimator(callbacks=[ProgressBar(stream=stream, force=True, mininterval=1e9)]),
        [1.0 / (i + 1) for i in range(n)],
    )
    out = stream.getvalue()
    # drawn when created and when closed, never per iteration
    assert out.count("\r") <= 3
    assert f"{n}/{n}" in out and "cost=0.002" in out


def test_progress_bar_is_closed_after_an_interruption():
    stream = io.StringIO()
    bar = ProgressBar(stream=stream, force=True)
    end_logs = fit(FakeEstimator(callbacks=[bar]), [1.0] * 10, interrupt_at=3)
    assert end_logs["interrupted"]
    assert bar._bar is None
    assert "3/10" in stream.getvalue()
    assert stream.getvalue().endswith("\n")


def test_progress_bar_pickles_and_copies_without_its_live_bar():
    stream = io.StringIO()
    bar = ProgressBar(stream=stream, force=True, mininterval=0.5)
    bar.on_train_begin(FakeEstimator(), {"max_iter": 5})
    assert bar._bar is not None
    unpickled = pickle.loads(pickle.dumps(bar))
    assert unpickled._bar is None and unpickled.stream is None
    assert (unpickled.force, unpickled.mininterval) == (True, 0.5)
    copied = copy.deepcopy(bar)
    assert copied._bar is None and copied.stream is stream
    bar.on_train_end(FakeEstimator(), {})


# ------------------------------------------------------------------ CallbackList


def test_callback_list_stops_when_any_asks_but_calls_them_all():
    first, second = Recorder(stop_at=2), Recorder()
    end_logs = fit(FakeEstimator(callbacks=[first, second]), [1.0] * 6)
    assert end_logs == {"n_iter": 3, "stopped_early": True, "interrupted": False}
    expected = [("begin", {"max_iter": 6, "n_samples": 7})]
    expected += [("iteration", i) for i in range(3)]
    expected += [("end", end_logs)]
    assert first.events == expected
    assert second.events == expected


@pytest.mark.parametrize(
    "answers, expected",
    [((None, None), False), ((False, True), True), ((True, None), True), ((np.True_, 0), True)],
)
def test_callback_list_returns_true_if_any_callback_asked(answers, expected):
    callbacks = CallbackList(
        [LambdaCallback(on_iteration_end=lambda e, i, logs, a=a: a) for a in answers]
    )
    assert callbacks.on_iteration_end(None, 0, {}) is expected


def test_callback_list_accepts_none_or_a_single_callback():
    assert len(CallbackList(None)) == 0
    assert CallbackList(None).on_iteration_end(None, 0, {}) is False
    history = History()
    assert list(CallbackList(history)) == [history]


def test_callback_list_rejects_plain_functions():
    with pytest.raises(TypeError, match="wrap a function in LambdaCallback"):
        CallbackList([record_iteration])


def test_callback_list_ends_every_callback_even_if_one_fails():
    def fail(estimator, logs):
        raise RuntimeError("boom")

    stream = io.StringIO()
    bar = ProgressBar(stream=stream, force=True)
    with pytest.raises(RuntimeError, match="boom"):
        fit(FakeEstimator(callbacks=[LambdaCallback(on_train_end=fail), bar]), [1.0, 0.5])
    assert bar._bar is None


# ---------------------------------------------------------------- LambdaCallback


def test_lambda_callback_calls_the_functions_with_the_event_arguments():
    calls = []
    cb = LambdaCallback(
        on_train_begin=lambda est, logs: calls.append(("begin", est, logs["max_iter"])),
        on_iteration_end=lambda est, i, logs: calls.append(("iteration", i, logs["cost"])),
        on_train_end=lambda est, logs: calls.append(("end", logs["n_iter"])),
    )
    est = FakeEstimator(callbacks=[cb])
    fit(est, [0.75, 0.5])
    assert calls == [("begin", est, 2), ("iteration", 0, 0.75), ("iteration", 1, 0.5), ("end", 2)]


def test_lambda_callback_can_stop_training():
    cb = LambdaCallback(on_iteration_end=lambda est, i, logs: np.float64(logs["cost"]) < 0.3)
    end_logs = fit(FakeEstimator(callbacks=[cb]), [0.9, 0.5, 0.2, 0.1, 0.05])
    assert end_logs["n_iter"] == 3 and end_logs["stopped_early"]


def test_lambda_callback_with_no_functions_does_nothing():
    end_logs = fit(FakeEstimator(callbacks=[LambdaCallback()]), [0.9, 0.5])
    assert end_logs["n_iter"] == 2 and not end_logs["stopped_early"]


def test_lambda_callback_rejects_non_callables():
    with pytest.raises(TypeError, match="LambdaCallback: on_iteration_end must be callable"):
        LambdaCallback(on_iteration_end="print")


# ---------------------------------------------------------- clone and pickle


def make_callbacks():
    return [
        History(cost_every=5),
        EarlyStopping(monitor="val_loss", n_iter_no_change=3, tol=0.01),
        ProgressBar(stream=sys.stderr),
        LambdaCallback(on_iteration_end=record_iteration),
    ]


@pytest.mark.parametrize("trained", [False, True])
def test_callbacks_survive_sklearn_clone(trained):
    est = FakeEstimator(callbacks=make_callbacks())
    if trained:
        fit(est, [3.0, 2.0, 1.0, 2.0], val_losses=[1.0, 0.5, 0.6, 0.7])
    cloned = clone(est)
    assert repr(cloned) == repr(est)
    for original, twin in zip(est.callbacks, cloned.callbacks, strict=True):
        assert type(twin) is type(original) and twin is not original
        assert repr(twin) == repr(original)
    history, stopper, bar, lam = cloned.callbacks
    assert bar.stream is sys.stderr and bar._bar is None
    assert lam.functions["on_iteration_end"] is record_iteration
    # the clone trains on its own
    fit(cloned, [4.0, 3.0, 2.0, 1.0, 0.5, 0.4], val_losses=[1.0, 0.9, 0.8, 0.9, 0.95, 0.97])
    assert history.loss_curve == [4.0, 3.0, 2.0, 1.0, 0.5, 0.4]
    assert (stopper.best_iteration_, stopper.stopped_iteration_) == (2, 5)
    assert cloned.seen == [0, 1, 2, 3, 4, 5]
    assert est.callbacks[0].loss_curve == ([3.0, 2.0, 1.0, 2.0] if trained else [])


def test_callbacks_survive_pickle_with_their_state():
    est = FakeEstimator(callbacks=make_callbacks())
    fit(est, [3.0, 2.0, 1.0, 2.0], val_losses=[1.0, 0.5, 0.6, 0.7])
    restored = pickle.loads(pickle.dumps(est))
    history, stopper, bar, lam = restored.callbacks
    assert history.loss_curve == [3.0, 2.0, 1.0, 2.0] and history.costs == [3.0]
    assert history.validation_losses == [1.0, 0.5, 0.6, 0.7]
    assert stopper.best_iteration_ == 1 and stopper.best_score_ == 0.5
    np.testing.assert_array_equal(stopper.best_params_["W1"], np.full((2, 3), 2.0))
    assert bar.stream is None and bar._bar is None
    assert lam.functions["on_iteration_end"] is record_iteration
    np.testing.assert_array_equal(restored.params_["W1"], est.params_["W1"])


def test_reprs_show_the_arguments():
    assert repr(History(cost_every=5)) == "History(cost_every=5)"
    assert repr(EarlyStopping()) == (
        "EarlyStopping(monitor='val_score', n_iter_no_change=10, tol=0.0001, "
        "restore_best_weights=True, mode=None)"
    )
    assert repr(ProgressBar(force=True)) == "ProgressBar(stream=None, force=True, mininterval=0.1)"
    assert repr(LambdaCallback(on_iteration_end=record_iteration)).startswith(
        "LambdaCallback(on_iteration_end=<function record_iteration"
    )


def test_repr_of_a_subclass_that_stores_its_arguments_elsewhere():
    class Custom(Callback):
        def __init__(self, every=5, *args, **kwargs):
            self._every = every

    assert repr(Custom()) == "Custom()"
    assert repr(Recorder(stop_at=3)) == "Recorder(stop_at=3)"


def test_a_monitor_the_loop_never_logs_is_refused_before_training():
    # with X_val given it failed after the first epoch, saying the fit "needs a
    # validation set (early_stopping=True or validation data)"
    rng = np.random.default_rng(0)
    X = rng.random((80, 3))
    y = (X[:, 0] > 0.5).astype(int)
    seen = []
    spy = LambdaCallback(on_train_begin=lambda est, logs: seen.append("began"))
    for fit_kwargs in ({"X_val": X, "y_val": y}, {}):
        est = NeuralNetworkClassifier((4,), max_iter=5, callbacks=[
            History(), EarlyStopping(monitor="val_acc", mode="max")])
        with pytest.raises(ValueError, match=r"^callbacks: EarlyStopping\(monitor='val_acc'\) "
                                             r"monitors a value the training loop does not "
                                             r"log; it logs cost, learning_rate, val_loss, "
                                             r"val_score; did you mean 'val_score'\?$"):
            est.fit(X, y, **fit_kwargs)
        assert not hasattr(est, "params_")
    # a callback of one's own may log the key before EarlyStopping reads it
    def log_mine(est, iteration, logs):
        logs["mine"] = -iteration

    est = NeuralNetworkClassifier((4,), max_iter=30, callbacks=[
        spy, LambdaCallback(on_iteration_end=log_mine),
        EarlyStopping(monitor="mine", mode="max", n_iter_no_change=3)]).fit(X, y)
    assert seen == ["began"] and est.n_iter_ == 4
    # and where none does, the error at the first epoch names the close key
    est = NeuralNetworkClassifier((4,), max_iter=5, callbacks=[
        spy, EarlyStopping(monitor="val_acc", mode="max")])
    with pytest.raises(ValueError, match=r"did not log it \(logged: cost, learning_rate, "
                                         r"val_loss, val_score\); did you mean 'val_score'\?$"):
        est.fit(X, y, X_val=X, y_val=y)


@pytest.mark.parametrize("typo, meant", [("val_los", "val_loss"), ("valscore", "val_score"),
                                         ("val_acc", "val_score")])
def test_a_monitor_misspelt_without_mode_is_named_with_the_key_it_meant(typo, meant):
    """Without mode=, a typo was refused for the mode ("pass mode='min' or 'max'"), which
    sent the learner to the wrong fix."""
    with pytest.raises(ValueError, match=rf"^EarlyStopping: monitor='{typo}' is not a value "
                                         r"the training loop logs \(cost, learning_rate, "
                                         rf"val_loss, val_score\); did you mean '{meant}'\? "
                                         r"\(to monitor a value that a callback of your own "
                                         r"logs, pass mode='min' or mode='max' too\)$"):
        EarlyStopping(monitor=typo)
    with pytest.raises(ValueError, match=r"cannot tell whether higher or lower is better "
                                         r"for monitor='f1'; pass mode='min' or mode='max'"):
        EarlyStopping(monitor="f1")  # nothing close: the mode is what it needs


def test_early_stopping_on_the_cost_keeps_the_weights_that_cost_was_computed_with():
    # the cost of an iteration is computed before its update: the weights after it were
    # kept, and the restored model never had the best_score_ it reported (0.7443, the
    # next iteration's cost, against 0.6441)
    from sklearn.datasets import make_classification
    from sklearn.metrics import log_loss

    from nnscratch import NeuralNetworkClassifier

    X, y = make_classification(300, 5, n_informative=3, n_redundant=0, random_state=0)
    stopper = EarlyStopping(monitor="cost", n_iter_no_change=3, tol=0)
    clf = NeuralNetworkClassifier((16,), max_iter=200, learning_rate=3.0, random_state=0,
                                  callbacks=[stopper]).fit(X, y)
    assert 0 < stopper.best_iteration_ < clf.n_iter_ - 1  # a best inside the run
    assert stopper.best_score_ == min(clf.loss_curve_)
    assert log_loss(y, clf.predict_proba(X)) == pytest.approx(stopper.best_score_, rel=1e-9)


def test_early_stopping_keeps_the_best_value_seen_whatever_tol():
    # with tol=0.02 an epoch that beat the best by less than tol was not kept: the model
    # came back with 0.8 and best_validation_score_ 0.8 where 0.815 had been seen
    from sklearn.datasets import make_classification

    from nnscratch import NeuralNetworkClassifier

    X, y = make_classification(600, 10, n_informative=5, random_state=0, flip_y=0.1)
    clf = NeuralNetworkClassifier((32,), max_iter=200, learning_rate=0.05, random_state=0,
                                  early_stopping=True, tol=0.02)
    clf.fit(X[:400], y[:400], X_val=X[400:], y_val=y[400:])
    assert clf.best_validation_score_ == max(clf.validation_scores_)
    assert clf.score(X[400:], y[400:]) == clf.best_validation_score_


@pytest.mark.parametrize("batch_size, full_batch", [(None, True), (300, True), (64, False)])
def test_the_loop_says_whether_an_iteration_is_one_step_on_all_the_examples(batch_size,
                                                                            full_batch):
    from nnscratch import NeuralNetworkClassifier

    seen = []
    X = np.random.default_rng(0).normal(size=(300, 3))
    y = (X[:, 0] > 0).astype(int)
    NeuralNetworkClassifier((3,), max_iter=1, batch_size=batch_size, callbacks=[
        LambdaCallback(on_train_begin=lambda est, logs: seen.append(logs))]).fit(X, y)
    assert seen == [{"max_iter": 1, "n_samples": 300, "full_batch": full_batch}]


_CHECKPOINTS: list = []


def _checkpoint(est, iteration, logs):  # module-level: a pickled estimator refers to it
    import pickle

    _CHECKPOINTS.append((est.n_iter_, len(est.loss_curve_), len(est.costs_),
                         pickle.dumps(est)))


def test_a_checkpoint_taken_by_a_callback_is_the_model_so_far_without_the_data():
    # a pickle from a callback held the training data (the live weights' first layer
    # reads X: 35 MB for a 13 kB model) and said n_iter_ 0 of weights trained 3 epochs,
    # so that a model resumed from it numbered its epochs from 0 again
    import pickle

    from nnscratch import NeuralNetworkClassifier

    X = np.random.default_rng(0).normal(size=(4000, 50))
    y = (X[:, 0] > 0).astype(int)
    seen = _CHECKPOINTS
    seen.clear()
    clf = NeuralNetworkClassifier((4,), max_iter=3, cost_every=2, random_state=0,
                                  callbacks=[LambdaCallback(on_iteration_end=_checkpoint)])
    clf.fit(X, y)
    assert [s[:3] for s in seen] == [(1, 1, 1), (2, 2, 1), (3, 3, 2)]
    assert max(len(s[3]) for s in seen) < X.nbytes / 10
    last = pickle.loads(seen[-1][3])
    assert type(last.params_) is dict
    for k, v in clf.params_.items():
        np.testing.assert_array_equal(last.params_[k], v)
    resumed = last.set_params(callbacks=None, warm_start=True).fit(X, y)
    assert resumed.n_iter_ == 6 and len(resumed.loss_curve_) == 6
    # and a fit that fails leaves the curves as they were
    before = list(clf.loss_curve_)

    def fails(est, iteration, logs):
        raise RuntimeError("a callback of one's own fails")

    with pytest.raises(RuntimeError):
        clf.set_params(warm_start=True, callbacks=[LambdaCallback(on_iteration_end=fails)]).fit(X, y)
    assert clf.loss_curve_ == before and clf.n_iter_ == 3


@pytest.mark.parametrize("weighting", ["sample_weight", "class_weight"])
def test_early_stopping_weighs_the_held_out_rows_as_training_does(monkeypatch, weighting):
    # the held-out rows' weights were dropped: rows the user left out with weight 0, or
    # class weights, still decided when to stop and which epoch to keep
    from sklearn.datasets import make_classification
    from sklearn.metrics import accuracy_score, log_loss
    from sklearn.utils.class_weight import compute_sample_weight

    from nnscratch import NeuralNetworkClassifier, estimators

    X, y = make_classification(1000, 5, n_informative=3, weights=[0.8], random_state=0)
    rng = np.random.RandomState(1)
    bad = rng.rand(1000) < 0.4
    y = np.where(bad, rng.randint(0, 2, 1000), y)  # junk labels ...
    split = {}
    own = estimators._BaseNetwork._validation_split
    monkeypatch.setattr(estimators._BaseNetwork, "_validation_split",
                        lambda self, yi, r: split.setdefault("rows", own(self, yi, r)))
    clf = NeuralNetworkClassifier((16,), max_iter=60, learning_rate=0.5, random_state=0,
                                  early_stopping=True)
    if weighting == "sample_weight":
        w = np.where(bad, 0.0, 1.0)  # ... left out with weight 0
        clf.fit(X, y, sample_weight=w)
    else:
        clf.set_params(class_weight="balanced").fit(X, y)
        w = compute_sample_weight("balanced", y)
    held = split["rows"][1]
    assert clf.best_validation_score_ == max(clf.validation_scores_)
    assert clf.best_validation_score_ == pytest.approx(
        accuracy_score(y[held], clf.predict(X[held]), sample_weight=w[held]), abs=1e-12)
    assert clf.best_validation_score_ != pytest.approx(
        accuracy_score(y[held], clf.predict(X[held])), abs=1e-6)
    best = int(np.argmax(clf.validation_scores_))
    assert clf.validation_losses_[best] == pytest.approx(
        log_loss(y[held], clf.predict_proba(X[held]), sample_weight=w[held]), rel=1e-9)


def test_early_stopping_refuses_a_held_out_part_that_weighs_nothing():
    from nnscratch import NeuralNetworkClassifier

    X = np.random.default_rng(0).normal(size=(40, 2))
    y = np.repeat([0, 1], 20)
    w = np.zeros(40)
    w[:2], w[20:22] = 1, 1  # 4 rows of weight: the 10 % held out weigh nothing
    clf = NeuralNetworkClassifier((3,), max_iter=5, early_stopping=True, random_state=0)
    with pytest.raises(ValueError, match="set aside for validation all weigh zero"):
        clf.fit(X, y, sample_weight=w)


def test_a_warm_start_fit_holds_out_the_same_rows_and_never_ends_below_its_start(monkeypatch):
    # the split was drawn again from the continued generator (the second fit validated
    # on 88 of 100 rows the first had trained on), and a second fit whose epochs all
    # scored below its starting weights ended worse than it began (0.8325 after 0.8475)
    from sklearn.datasets import make_classification

    from nnscratch import NeuralNetworkClassifier, estimators

    X, y = make_classification(1000, 20, n_informative=6, flip_y=0.15, random_state=0)
    held = []
    own = estimators._BaseNetwork._validation_split

    def spy(self, y_index, rng):
        train, val = own(self, y_index, rng)
        held.append(val.tolist())
        return train, val

    monkeypatch.setattr(estimators._BaseNetwork, "_validation_split", spy)
    clf = NeuralNetworkClassifier((8,), max_iter=5, random_state=0, early_stopping=True,
                                  warm_start=True)
    clf.fit(X, y).fit(X, y)
    assert held[0] == held[1]

    Xt, yt, Xv, yv = X[:600], y[:600], X[600:], y[600:]
    clf = NeuralNetworkClassifier((128, 128), solver="adam", learning_rate=1e-3,
                                  batch_size=32, max_iter=300, early_stopping=True,
                                  n_iter_no_change=5, random_state=4, warm_start=True)
    first = clf.fit(Xt, yt, X_val=Xv, y_val=yv).score(Xv, yv)
    n_first = clf.n_iter_
    clf.fit(Xt, yt, X_val=Xv, y_val=yv)
    assert max(clf.validation_scores_[n_first:]) < first  # no epoch of fit 2 beat it ...
    assert clf.score(Xv, yv) == clf.best_validation_score_ == first  # ... so it is kept


def test_set_params_of_the_layers_after_fit_leaves_the_fitted_model_predicting():
    # predict rebuilt the activations from the current hidden_layer_sizes: "activation
    # has 1 entries for 2 hidden layers", of a model given one activation name
    from sklearn.datasets import make_classification

    from nnscratch import NeuralNetworkClassifier

    X, y = make_classification(200, 4, random_state=0)
    clf = NeuralNetworkClassifier((8, 8), max_iter=20, random_state=0).fit(X, y)
    before = clf.predict_proba(X)
    clf.set_params(hidden_layer_sizes=(32,))  # the next experiment's
    np.testing.assert_array_equal(clf.predict_proba(X), before)
    assert clf.hidden_layer_activations(X, 2).shape == (200, 8)
