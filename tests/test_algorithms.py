"""Each training path gives the same costs and weights as the plain one."""

import numpy as np
import pytest
from sklearn.base import clone

from nnscratch import LogisticRegression, NeuralNetworkClassifier, _engine, _rowspace, training
from nnscratch.callbacks import LambdaCallback


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
@pytest.mark.parametrize("workspace_min_size", [0, _engine.WORKSPACE_MIN_SIZE])
@pytest.mark.slow
def test_rowspace_equals_plain(wide, settings, workspace_min_size, monkeypatch):
    monkeypatch.setattr(_engine, "WORKSPACE_MIN_SIZE", workspace_min_size)
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


@pytest.mark.slow
def test_the_cat_model_on_both_paths(cat_data):
    X_train, y_train, _, _ = cat_data
    settings = {"hidden_layer_sizes": (20, 7, 5), "init": "lecun", "learning_rate": 0.0075,
                    "max_iter": 150, "random_state": 1}
    plain = NeuralNetworkClassifier(**settings, algorithm="plain").fit(X_train, y_train)
    rowspace = NeuralNetworkClassifier(**settings, algorithm="rowspace").fit(X_train, y_train)
    assert_same_fit(rowspace, plain)


@pytest.mark.slow
def test_auto_picks_rowspace_only_where_it_is_exact_and_faster(wide, monkeypatch):
    X, y = wide
    built = []
    real = _rowspace.RowSpaceLinear
    monkeypatch.setattr(_rowspace, "RowSpaceLinear", lambda *a: built.append(1) or real(*a))
    NeuralNetworkClassifier((8,), max_iter=200, random_state=0).fit(X, y)
    NeuralNetworkClassifier((8,), max_iter=200, early_stopping=True, validation_fraction=0.2,
                            random_state=0).fit(X, y)  # early stopping only reads W1
    assert built == [1, 1]
    NeuralNetworkClassifier((8,), solver="adam", max_iter=200, random_state=0).fit(X, y)
    NeuralNetworkClassifier((8,), max_iter=200, random_state=0).fit(X[:, :40], y)  # m > n_x
    NeuralNetworkClassifier((8,), max_iter=200, random_state=0,  # may write W1
                            callbacks=[LambdaCallback(on_iteration_end=print)]).fit(X, y)
    assert built == [1, 1]
    with pytest.raises(ValueError, match="algorithm='rowspace' cannot be used here: "
                       "solver='adam' is not linear"):
        NeuralNetworkClassifier((8,), solver="adam", algorithm="rowspace").fit(X, y)


@pytest.mark.parametrize("settings", [{}, {"batch_size": 16, "alpha": 0.1}])
def test_rowspace_with_early_stopping_equals_plain(wide, settings):
    X, y = wide
    plain = NeuralNetworkClassifier((8, 4), init="lecun", learning_rate=0.05, max_iter=300,
                                    early_stopping=True, validation_fraction=0.25,
                                    n_iter_no_change=20, random_state=1, algorithm="plain",
                                    **settings).fit(X, y)
    rowspace = clone(plain).set_params(algorithm="rowspace").fit(X, y)
    assert plain.n_iter_ < 300  # it did stop early, and restored the best weights
    assert rowspace.n_iter_ == plain.n_iter_
    np.testing.assert_allclose(rowspace.validation_scores_, plain.validation_scores_)
    np.testing.assert_allclose(rowspace.validation_losses_, plain.validation_losses_,
                               rtol=1e-9)
    assert rowspace.best_validation_score_ == plain.best_validation_score_
    assert_same_fit(rowspace, plain)


def test_rowspace_computes_w1_only_for_callbacks_that_read_it(wide, monkeypatch):
    X, y = wide
    materialized = []
    real = _rowspace.RowSpaceLinear.weights
    monkeypatch.setattr(_rowspace.RowSpaceLinear, "weights",
                        lambda self: materialized.append(1) or real(self))
    NeuralNetworkClassifier((8,), max_iter=50, random_state=0, algorithm="rowspace",
                            verbose=True).fit(X, y)
    assert len(materialized) == 1  # at the end only: History and the printer read logs
    materialized.clear()
    clf = NeuralNetworkClassifier((8,), learning_rate=0.05, max_iter=300, early_stopping=True,
                                  validation_fraction=0.25, n_iter_no_change=20,
                                  random_state=1, algorithm="rowspace").fit(X, y)
    best, improvements = -np.inf, 0
    for score in clf.validation_scores_:
        if score > best + clf.tol:
            best, improvements = score, improvements + 1
    # early stopping reads the weights when it keeps them (each improvement), then the end
    assert 1 < improvements < clf.n_iter_
    assert len(materialized) == improvements + 1


def test_rowspace_product_and_forward_logits_from_it(wide):
    from nnscratch._engine import forward_logits
    from nnscratch._rowspace import RowSpaceLinear

    X, _ = wide
    rng = np.random.RandomState(4)
    W1_0 = rng.randn(5, X.shape[1])
    first = RowSpaceLinear(W1_0, X[:40].T)
    first.step(rng.randn(5, 40), lr=0.3, weight_decay=0.01)
    W1X = first.product(X[40:].T)
    np.testing.assert_allclose(W1X(), first.weights() @ X[40:].T, rtol=1e-10, atol=1e-12)
    params = {"W1": first.weights(), "b1": rng.randn(5, 1), "W2": rng.randn(1, 5),
              "b2": rng.randn(1, 1)}
    np.testing.assert_allclose(forward_logits(None, params, "relu", chunk_size=7, W1X=W1X()),
                               forward_logits(X[40:].T, params, "relu", chunk_size=7),
                               rtol=1e-10)


# ------------------------------------------------ the mini-batch path's fast kernels


def seeds_minibatch_fit(X, y, hidden, *, learning_rate, epochs, batch_size, seed):
    """The seeds' loop on the public functions, with none of the training loop's
    speed-ups (no workspace, no gathering into buffers, no folded learning rate, the
    weights in their initial C order): what the estimator's mini-batch path must equal.
    """
    from nnscratch.initializers import check_random_state, initialize_parameters
    from nnscratch.network import L_model_backward, L_model_forward, update_parameters
    from nnscratch.training import minibatches

    rng = check_random_state(seed)
    params = initialize_parameters([X.shape[1], *hidden, 1], "he", rng, X.dtype)
    XT, Y = X.T, y.reshape(1, -1).astype(X.dtype)
    for _ in range(epochs):
        for batch in minibatches(X.shape[0], batch_size, True, rng):
            AL, caches = L_model_forward(XT[:, batch], params, "relu")
            grads = L_model_backward(AL, Y[:, batch], caches, "relu")
            update_parameters(params, grads, learning_rate)
    return params


@pytest.mark.parametrize("workspace_min_size", [0, _engine.WORKSPACE_MIN_SIZE])
@pytest.mark.parametrize("dtype, rtol", [(np.float64, 1e-10), (np.float32, 2e-4)])
def test_minibatch_fit_equals_the_seeds_loop(dtype, rtol, workspace_min_size, monkeypatch):
    monkeypatch.setattr(_engine, "WORKSPACE_MIN_SIZE", workspace_min_size)
    rng = np.random.RandomState(0)
    X = rng.rand(500, 30).astype(dtype)
    y = (X[:, :15].sum(axis=1) > X[:, 15:].sum(axis=1)).astype(int)
    clf = NeuralNetworkClassifier((16, 8), learning_rate=0.1, batch_size=64, max_iter=5,
                                  random_state=0).fit(X, y)
    expected = seeds_minibatch_fit(X, y, (16, 8), learning_rate=0.1, epochs=5,
                                   batch_size=64, seed=0)
    for key, value in expected.items():
        assert clf.params_[key].dtype == dtype
        np.testing.assert_allclose(clf.params_[key], value, rtol=rtol, atol=rtol * 1e-2)


@pytest.mark.parametrize("batch_size", [16, None])
@pytest.mark.parametrize("workspace_min_size", [0, _engine.WORKSPACE_MIN_SIZE])
def test_training_on_some_rows_equals_training_on_their_copy(
    batch_size, workspace_min_size, monkeypatch
):
    """Early stopping's training set is a list of rows of the data, never a copy."""
    from nnscratch.initializers import initialize_parameters
    from nnscratch.network import hidden_activations
    from nnscratch.optimizers import GradientDescent, make_schedule

    monkeypatch.setattr(_engine, "WORKSPACE_MIN_SIZE", workspace_min_size)
    rng = np.random.RandomState(0)
    X = rng.rand(90, 12)  # (m, n_x) rows, as the estimators get them
    rows = np.sort(rng.choice(90, 70, replace=False))
    Y = (X[rows, :1].T > 0.5).astype(float)
    fits = []
    for problem in [
        training.Problem(X=X.T, Y=Y, sample_weight=None, rows=rows,
                         activations=hidden_activations("relu", 1)),
        training.Problem(X=X[rows].T, Y=Y, sample_weight=None,
                         activations=hidden_activations("relu", 1)),
    ]:
        params = initialize_parameters([12, 8, 1], "he", 0)
        training.train(problem, params, GradientDescent(0.1), max_iter=4,
                       batch_size=batch_size, shuffle=True, rng=np.random.RandomState(1),
                       schedule=make_schedule("constant"), learning_rate_init=0.1)
        fits.append(params)
    for key, value in fits[0].items():
        np.testing.assert_array_equal(value, fits[1][key])
