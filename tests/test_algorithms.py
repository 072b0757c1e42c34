"""Each training path gives the same costs and weights as the plain one."""

import numpy as np
import pytest
from sklearn.base import clone

from nnscratch import LogisticRegression, NeuralNetworkClassifier, training


@pytest.fixture(scope="module")
def wide():
    """Fewer examples than features, the regime of the cat pictures."""
    rng = np.random.RandomState(0)
    X = rng.rand(60, 900)
    y = (X[:, :450].sum(axis=1) > X[:, 450:].sum(axis=1)).astype(int)
    return X, y


def assert_same_fit(a, b, rtol=1e-9):
    np.testing.assert_allclose(a.loss_curve_, b.loss_curve_, rtol=rtol)
    for key in a.params_:
        scale = np.linalg.norm(b.params_[key])
        assert np.linalg.norm(a.params_[key] - b.params_[key]) <= rtol * max(scale, 1e-300)


@pytest.mark.parametrize("settings", [
    {},
    {"alpha": 0.7},
    {"solver": "momentum", "momentum": 0.9},
    {"batch_size": 16},
    {"batch_size": 16, "shuffle": False, "alpha": 0.1, "solver": "momentum"},
    {"dropout": 0.2, "class_weight": "balanced"},
    {"learning_rate_schedule": "inverse_time", "decay_rate": 0.01},
])
def test_rowspace_equals_plain(wide, settings):
    X, y = wide
    plain = NeuralNetworkClassifier((8, 4), init="lecun", learning_rate=0.05, max_iter=200,
                                    random_state=1, algorithm="plain", **settings).fit(X, y)
    rowspace = clone(plain).set_params(algorithm="rowspace").fit(X, y)
    assert_same_fit(rowspace, plain)


def test_rowspace_equals_plain_for_logistic_regression_with_weights(wide):
    X, y = wide
    w = np.random.RandomState(3).rand(len(y)) * 2
    plain = LogisticRegression(learning_rate=0.1, max_iter=300, alpha=0.3, algorithm="plain")
    plain.fit(X, y, sample_weight=w)
    rowspace = clone(plain).set_params(algorithm="rowspace").fit(X, y, sample_weight=w)
    assert_same_fit(rowspace, plain)


def test_rowspace_in_float32_stays_close_and_float32(wide):
    X, y = wide
    X32 = X.astype(np.float32)
    plain = NeuralNetworkClassifier((8,), learning_rate=0.05, max_iter=100, random_state=0,
                                    algorithm="plain").fit(X32, y)
    rowspace = clone(plain).set_params(algorithm="rowspace").fit(X32, y)
    assert all(v.dtype == np.float32 for v in rowspace.params_.values())
    assert_same_fit(rowspace, plain, rtol=1e-4)


def test_warm_start_with_momentum_continues_the_velocity(wide):
    X, y = wide
    full = NeuralNetworkClassifier((6,), solver="momentum", learning_rate=0.05, max_iter=100,
                                   random_state=2, algorithm="rowspace").fit(X, y)
    warm = clone(full).set_params(max_iter=50, warm_start=True, algorithm="auto")
    warm.fit(X, y)  # rowspace ...
    warm.fit(X, y)  # ... then plain, since the velocity of W1 now exists
    assert_same_fit(warm, full)


def test_the_cat_model_on_both_paths(cat_data):
    X_train, y_train, _, _ = cat_data
    settings = {"hidden_layer_sizes": (20, 7, 5), "init": "lecun", "learning_rate": 0.0075,
                    "max_iter": 150, "random_state": 1}
    plain = NeuralNetworkClassifier(**settings, algorithm="plain").fit(X_train, y_train)
    rowspace = NeuralNetworkClassifier(**settings, algorithm="rowspace").fit(X_train, y_train)
    assert_same_fit(rowspace, plain)


def test_auto_picks_rowspace_only_where_it_is_exact_and_faster(wide, monkeypatch):
    X, y = wide
    built = []
    real = training.RowSpaceLinear
    monkeypatch.setattr(training, "RowSpaceLinear", lambda *a: built.append(1) or real(*a))
    NeuralNetworkClassifier((8,), max_iter=200, random_state=0).fit(X, y)
    assert built == [1]
    NeuralNetworkClassifier((8,), solver="adam", max_iter=200, random_state=0).fit(X, y)
    NeuralNetworkClassifier((8,), max_iter=200, random_state=0).fit(X[:, :40], y)  # m > n_x
    NeuralNetworkClassifier((8,), max_iter=200, early_stopping=True, validation_fraction=0.2,
                            random_state=0).fit(X, y)
    assert built == [1]
    with pytest.raises(ValueError, match="algorithm='rowspace' cannot be used here: "
                       "solver='adam' is not linear"):
        NeuralNetworkClassifier((8,), solver="adam", algorithm="rowspace").fit(X, y)
