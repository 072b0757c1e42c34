"""The training step in two halves on two threads (nnscratch._split), used on a busy
machine: the same training as the serial step, and no thread left behind."""

from __future__ import annotations

import threading

import numpy as np
import pytest
import scipy.sparse as sp
from threadpoolctl import threadpool_info, threadpool_limits

from nnscratch import NeuralNetworkClassifier, _split, _threads


def data(m=1000, n=30, classes=2, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((m, n))
    score = X[:, 0] + 0.5 * X[:, 1] - 0.3 * X[:, 2]
    y = np.digitize(score, np.quantile(score, np.linspace(0, 1, classes + 1)[1:-1]))
    return X, y


def helper_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("nnscratch-half")]


@pytest.fixture
def machine(monkeypatch):
    """Every product counts as big; ``machine.busy = True`` makes the machine look busy
    (one free CPU of two: the steps split), False quiet. ``machine.steps`` counts the
    split steps."""
    monkeypatch.setattr(_threads, "MIN_FLOPS", 0.0)
    monkeypatch.setattr(_threads, "MIN_DIM", 1)
    monkeypatch.setattr(_threads, "n_cpus", lambda: 2)
    monkeypatch.delenv("NNSCRATCH_BLAS_THREADS", raising=False)

    class Machine:
        busy = False
        steps = 0

    state = Machine()
    monkeypatch.setattr(_threads, "free_cpus", lambda: 1 if state.busy else 2)
    real = _split.Halves.step

    def counted(self, *args, **kwargs):
        state.steps += 1
        return real(self, *args, **kwargs)

    monkeypatch.setattr(_split.Halves, "step", counted)
    return state


def fit_quiet_and_busy(machine, X, y, sample_weight=None, **params):
    settings = {"hidden_layer_sizes": (64, 32), "batch_size": 256, "max_iter": 4,
                "random_state": 0, **params}
    with threadpool_limits(limits=2, user_api="blas"):
        machine.busy = False
        quiet = NeuralNetworkClassifier(**settings).fit(X, y, sample_weight=sample_weight)
        assert machine.steps == 0
        machine.busy = True
        busy = NeuralNetworkClassifier(**settings).fit(X, y, sample_weight=sample_weight)
    assert not helper_threads()
    return quiet, busy


def assert_same_training(quiet, busy):
    np.testing.assert_allclose(busy.loss_curve_, quiet.loss_curve_, rtol=1e-12)
    assert quiet.params_.keys() == busy.params_.keys()
    for key in quiet.params_:
        np.testing.assert_allclose(busy.params_[key], quiet.params_[key], rtol=1e-10,
                                   atol=1e-13, err_msg=key)


@pytest.mark.parametrize("params", [
    {"solver": "gd", "learning_rate": 0.1},
    {"solver": "adam", "alpha": 0.01},
    {"solver": "momentum", "learning_rate": 0.05, "activation": "tanh", "alpha": 0.5},
    {"solver": "gd", "learning_rate": 0.1, "activation": "sigmoid", "shuffle": False},
], ids=["gd", "adam-l2", "momentum-tanh-l2", "sigmoid-in-order"])
def test_a_split_step_trains_as_the_serial_step(machine, params):
    X, y = data()
    quiet, busy = fit_quiet_and_busy(machine, X, y, **params)
    assert machine.steps == 4 * 4  # 1000 examples: batches of 256, 256, 256 and 232
    assert_same_training(quiet, busy)


def test_a_split_step_with_sample_weights_and_three_classes(machine):
    X, y = data(classes=3)
    w = np.random.default_rng(1).uniform(0.2, 3.0, len(y))
    quiet, busy = fit_quiet_and_busy(machine, X, y, sample_weight=w, alpha=0.1)
    assert machine.steps == 16
    assert_same_training(quiet, busy)
    np.testing.assert_allclose(busy.predict_proba(X), quiet.predict_proba(X), rtol=1e-10)


def test_a_last_batch_too_small_to_split_runs_whole_and_early_stopping_rows(machine):
    X, y = data(m=1100)
    # 10 % held out: 990 training rows, batches of 320, 320, 320 and 30 (not split)
    quiet, busy = fit_quiet_and_busy(machine, X, y, batch_size=320, early_stopping=True,
                                     validation_fraction=0.1, n_iter_no_change=50)
    assert machine.steps == 3 * 4
    assert_same_training(quiet, busy)
    np.testing.assert_allclose(busy.validation_scores_, quiet.validation_scores_)


@pytest.mark.parametrize("case", ["dropout", "rowspace", "fixed-threads", "users-limit-1",
                                  "sparse"])
def test_steps_that_are_not_split(machine, monkeypatch, case):
    X, y = data()
    params = {"hidden_layer_sizes": (64,), "batch_size": 256, "max_iter": 2, "random_state": 0}
    limit = 2
    if case == "dropout":
        params["dropout"] = 0.2
    elif case == "rowspace":
        params["algorithm"] = "rowspace"
    elif case == "fixed-threads":
        monkeypatch.setenv("NNSCRATCH_BLAS_THREADS", "1")
    elif case == "users-limit-1":
        limit = 1
    else:
        X = sp.random(1000, 300, density=0.05, format="csr", random_state=0)
    machine.busy = True
    with threadpool_limits(limits=limit, user_api="blas"):
        NeuralNetworkClassifier(**params).fit(X, y)
    assert machine.steps == 0


def test_an_error_in_the_helpers_half_is_raised_and_leaves_no_thread(machine, monkeypatch):
    X, y = data()
    real = _split.Halves._half

    def failing(*args):
        if threading.current_thread().name.startswith("nnscratch-half"):
            raise MemoryError("the helper's half failed")
        return real(*args)

    monkeypatch.setattr(_split.Halves, "_half", staticmethod(failing))
    machine.busy = True
    with threadpool_limits(limits=2, user_api="blas"):
        with pytest.raises(MemoryError, match="helper's half"):
            NeuralNetworkClassifier((64,), batch_size=256, max_iter=2).fit(X, y)
        assert {lib["num_threads"] for lib in threadpool_info()
                if lib["user_api"] == "blas"} <= {2}
    assert not helper_threads()


def test_an_interrupt_keeps_the_last_whole_step_and_leaves_no_thread(machine, monkeypatch):
    X, y = data()
    real = _split.Halves._half
    calls = {"main": 0}
    seen = {}

    def interrupted(first, *args):
        if not threading.current_thread().name.startswith("nnscratch-half"):
            calls["main"] += 1
            if calls["main"] == 6:  # the second step of the second epoch
                seen["W1"] = first.W1.copy()
                raise KeyboardInterrupt
        return real(first, *args)

    monkeypatch.setattr(_split.Halves, "_half", staticmethod(interrupted))
    machine.busy = True
    with pytest.warns(UserWarning, match="interrupted"):
        clf = NeuralNetworkClassifier((64,), batch_size=256, max_iter=3,
                                      random_state=0).fit(X, y)
    assert not helper_threads()
    # the weights of the last step that ended: nothing of the interrupted one applied
    np.testing.assert_array_equal(clf.params_["W1"], seen["W1"])
    assert np.isfinite(clf.params_["W1"]).all()
