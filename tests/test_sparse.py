"""scipy.sparse input: the same weights as on the dense copy, and never made dense."""

import numpy as np
import pytest
import scipy.sparse as sp

from nnscratch import LogisticRegression, NeuralNetworkClassifier

TOL = dict(rtol=1e-10, atol=1e-12)


def _sparse_problem(m=120, n=300, density=0.03, n_classes=2, seed=0, dtype=np.float64):
    rng = np.random.default_rng(seed)
    X = sp.random(m, n, density=density, format="csr", random_state=seed, dtype=dtype)
    X.data = (X.data * 4 - 2).astype(dtype)  # signed values
    w = rng.standard_normal((n, n_classes))
    y = np.argmax(X @ w + 0.1 * rng.standard_normal((m, n_classes)), axis=1)
    return X, y


@pytest.fixture(scope="module")
def binary():
    return _sparse_problem()


def _assert_same_weights(a, b):
    assert sorted(a.params_) == sorted(b.params_)
    for key in a.params_:
        np.testing.assert_allclose(a.params_[key], b.params_[key], **TOL, err_msg=key)


@pytest.mark.parametrize("cls, kwargs", [
    (NeuralNetworkClassifier, {"hidden_layer_sizes": (6,)}),
    (LogisticRegression, {}),
], ids=["network", "logistic"])
def test_default_solver_fit_predict_on_csr_equal_dense(binary, cls, kwargs):
    X, y = binary
    est = cls(**kwargs, learning_rate=0.5, max_iter=15, random_state=0)
    sparse_fit = est.fit(X, y)
    W_sparse = {k: v.copy() for k, v in sparse_fit.params_.items()}
    proba = sparse_fit.predict_proba(X)
    pred = sparse_fit.predict(X)
    score = sparse_fit.score(X, y)
    dense = cls(**kwargs, learning_rate=0.5, max_iter=15, random_state=0).fit(X.toarray(), y)
    for key, W in W_sparse.items():
        np.testing.assert_allclose(W, dense.params_[key], **TOL, err_msg=key)
    np.testing.assert_allclose(proba, dense.predict_proba(X.toarray()), **TOL)
    np.testing.assert_array_equal(pred, dense.predict(X.toarray()))
    assert score == dense.score(X.toarray(), y)
    np.testing.assert_allclose(dense.decision_function(X), dense.decision_function(X.toarray()),
                               **TOL)
