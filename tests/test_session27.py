"""Session 27's fixes: each test fails on the code before it."""

from __future__ import annotations

import numpy as np

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
