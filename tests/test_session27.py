"""Session 27's fixes: each test fails on the code before it."""

from __future__ import annotations

import numpy as np
import pytest

from nnscratch import NeuralNetworkClassifier
from nnscratch.streaming import evaluate_streaming, open_chunks, predict_streaming


def _tied_model():
    """A fitted binary network whose logit is 1e-20 on every row: σ(z) rounds to 0.5,
    while ``predict`` (``z > 0``, as in the seeds) says ``classes_[1]``."""
    rng = np.random.RandomState(0)
    X = rng.randn(40, 3)
    y = (X[:, 0] > 0).astype(int)
    est = NeuralNetworkClassifier(hidden_layer_sizes=(4,), max_iter=20, random_state=0)
    est.fit(X, y)
    est.params_["W2"][...] = 0.0
    est.params_["b2"][...] = 1e-20
    return est, X, y


def test_streamed_predictions_are_predict_at_a_tie():
    est, X, _ = _tied_model()
    assert (est.predict(X) == 1).all()
    labels = np.concatenate([lab for _, lab, _ in
                             predict_streaming(est, open_chunks(X, chunk_rows=16))])
    np.testing.assert_array_equal(labels, est.predict(X))


def test_streamed_evaluation_scores_predict_at_a_tie():
    est, X, y = _tied_model()
    result = evaluate_streaming(est, open_chunks(X, y, chunk_rows=16))
    assert result["accuracy"] == np.mean(est.predict(X) == y)


def test_predict_with_proba_is_one_forward_pass(monkeypatch):
    est, X, _ = _tied_model()
    calls = []
    logits = type(est)._logits
    monkeypatch.setattr(type(est), "_logits", lambda self, X: calls.append(1) or logits(self, X))
    labels, proba = est._predict_with_proba(X)
    assert len(calls) == 1
    np.testing.assert_array_equal(labels, est.predict(X))
    np.testing.assert_array_equal(proba, est.predict_proba(X))


def _plain_logits(params, X):
    """The seeds' forward pass in float64: relu hidden layers, the last linear."""
    A = X.T.astype(np.float64)
    L = len(params) // 2
    for l in range(1, L):
        A = np.maximum(params[f"W{l}"].astype(np.float64) @ A + params[f"b{l}"], 0)
    return (params[f"W{L}"].astype(np.float64) @ A + params[f"b{L}"])[0]


def test_a_dead_unit_s_large_negative_bias_is_not_carried_into_the_next_layer():
    # carried, b1 = -1e7 added W·1e7 to the next layer and took it away again: in
    # float32 the logits were off by 1.46 (of 6.7); now by float32's rounding
    rng = np.random.RandomState(0)
    X = rng.randn(200, 5).astype(np.float32)
    y = (X[:, 0] > 0).astype(int)
    est = NeuralNetworkClassifier(hidden_layer_sizes=(8, 8), max_iter=50, random_state=0)
    est.fit(X, y)
    est.params_["b1"][0] = -1e7
    expected = _plain_logits(est.params_, X)
    np.testing.assert_allclose(est.decision_function(X), expected, rtol=0, atol=1e-4)


def test_a_model_trained_with_a_huge_learning_rate_predicts_its_training_data():
    # fit succeeded, then predict said the rows "hold values too large for the network":
    # the carried biases (~1e63) overflowed, where the plain forward pass is finite
    rng = np.random.RandomState(0)
    X = rng.randn(80, 5)
    y = (X[:, 0] + X[:, 1] > 0).astype(int)
    est = NeuralNetworkClassifier((16, 16, 16, 16), learning_rate=100, batch_size=16,
                                  max_iter=3, random_state=0).fit(X, y)
    assert np.isfinite(est.decision_function(X)).all()
    np.testing.assert_allclose(est.decision_function(X), _plain_logits(est.params_, X),
                               rtol=1e-9)


def _one_huge_cell(dtype, value):
    rng = np.random.RandomState(0)
    m, n = 120, 300
    X = np.zeros((m, n), dtype)
    X[np.arange(m), rng.randint(0, n - 1, m)] = 1.0
    y = (np.arange(m) % 3 == 0).astype(int)
    y[7] = 1
    X[7, n - 1] = value
    return X, y


@pytest.mark.parametrize("dtype, value", [(np.float32, 1e20), (np.float64, 1e200)])
def test_auto_trains_what_plain_trains_where_the_gram_matrix_overflows(dtype, value):
    # algorithm="auto" chose the row-space form, whose X.T @ X overflowed unnoticed:
    # "training diverged at iteration 0", where "plain" trains
    X, y = _one_huge_cell(dtype, value)
    fits = {alg: NeuralNetworkClassifier((16,), learning_rate=0.1, max_iter=50,
                                         random_state=0, algorithm=alg).fit(X, y)
            for alg in ("plain", "auto")}
    np.testing.assert_array_equal(fits["auto"].predict(X), fits["plain"].predict(X))
    np.testing.assert_allclose(fits["auto"].loss_curve_, fits["plain"].loss_curve_)


def test_a_forced_rowspace_form_refuses_an_overflowing_gram_matrix_in_one_line():
    X, y = _one_huge_cell(np.float32, 1e20)
    est = NeuralNetworkClassifier((16,), max_iter=5, random_state=0, algorithm="rowspace")
    with pytest.raises(ValueError, match=r"^the row-space form cannot train this X: X.T @ X "
                       r"overflows float32 \(values up to 1e\+20\); use algorithm='plain'"):
        est.fit(X, y)
    assert not hasattr(est, "params_")


def test_a_streamed_nan_is_named_by_its_row_in_the_file_through_a_preprocessor(tmp_path):
    # the preprocessor's own refusal (new this session) named the row within the chunk
    # ("row 2712" for X[15000]) and no file
    import h5py

    from nnscratch.exceptions import DatasetError
    from nnscratch.preprocessing import Preprocessor

    X = np.random.RandomState(0).randn(20000, 2)
    X[15000, 0] = np.inf
    path = tmp_path / "lab.h5"
    with h5py.File(path, "w") as f:
        f["X"] = X
        f["y"] = (X[:, 0] > 0).astype(int)
    prep = Preprocessor.fit_tabular(np.random.RandomState(1).randn(50, 2), ["a", "b"])
    with open_chunks(path, chunk_rows=4096, preprocessor=prep) as feeder, \
            pytest.raises(DatasetError, match=r"lab\.h5: row X\[15000\] holds an infinite"):
        for _ in feeder.chunks():
            pass


def test_command_lines_run_in_threads_give_the_program_its_showwarning_back():
    # each run saved and restored warnings.showwarning alone: of two runs in threads,
    # the one that ended last put the one-line form back for good
    import warnings

    from nnscratch import cli

    own = warnings.showwarning
    try:
        cli._warnings_as_lines(True)  # a run in one thread begins,
        cli._warnings_as_lines(True)  # one in another thread,
        cli._warnings_as_lines(False)  # the first ends: the second still runs
        assert warnings.showwarning is cli._show_warning
        cli._warnings_as_lines(False)
        assert warnings.showwarning is own
    finally:
        warnings.showwarning = own
