"""Training beyond the seeds: solvers, mini-batches, regularisation, multi-class,
early stopping, weights, warm starts, float32 and callbacks."""

import pickle
import tracemalloc
import warnings

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import load_iris, make_blobs, make_moons

from nnscratch import LogisticRegression, NeuralNetworkClassifier
from nnscratch.callbacks import Callback, EarlyStopping, LambdaCallback
from nnscratch.optimizers import OPTIMIZERS


@pytest.fixture(scope="module")
def moons():
    return make_moons(n_samples=300, noise=0.2, random_state=0)


def snapshots():
    """A callback that keeps a copy of the weights after every iteration."""
    kept = []
    callback = LambdaCallback(
        on_iteration_end=lambda est, i, logs: kept.append(
            {k: v.copy() for k, v in est.params_.items()}
        )
    )
    return callback, kept


def assert_same_params(a, b, **tolerance):
    assert a.keys() == b.keys()
    for key in a:
        np.testing.assert_allclose(a[key], b[key], **tolerance)


@pytest.mark.parametrize("solver, learning_rate",
                         [("gd", 0.3), ("momentum", 0.3), ("rmsprop", 0.01), ("adam", 0.01)])
@pytest.mark.slow
def test_every_solver_learns(moons, solver, learning_rate):
    X, y = moons
    clf = NeuralNetworkClassifier((10,), solver=solver, learning_rate=learning_rate,
                                  batch_size=32, max_iter=150, random_state=0).fit(X, y)
    assert clf.loss_curve_[-1] < 0.5 * clf.loss_curve_[0]
    assert clf.score(X, y) > 0.9
    assert isinstance(clf.optimizer_, OPTIMIZERS[solver])


def test_minibatch_epoch_is_one_pass_and_cost_is_the_mean_over_batches(moons):
    X, y = moons
    steps = []

    class CountSteps(Callback):
        def on_iteration_end(self, estimator, iteration, logs):
            steps.append(estimator.optimizer_.v if hasattr(estimator.optimizer_, "v") else None)

    clf = NeuralNetworkClassifier((4,), solver="adam", batch_size=64, max_iter=3,
                                  random_state=0, callbacks=[CountSteps()]).fit(X, y)
    assert clf.n_iter_ == 3 and len(clf.loss_curve_) == 3 and len(steps) == 3
    assert clf.optimizer_.t == 3 * 5  # ceil(300 / 64) = 5 updates per epoch


def test_learning_rate_schedule_is_applied_per_epoch(moons):
    X, y = moons
    rates = []
    record = LambdaCallback(on_iteration_end=lambda est, i, logs: rates.append(logs["learning_rate"]))
    NeuralNetworkClassifier((4,), learning_rate=0.1, learning_rate_schedule="inverse_time",
                            decay_rate=0.5, max_iter=4, random_state=0,
                            callbacks=[record]).fit(X, y)
    np.testing.assert_allclose(rates, [0.1 / (1 + 0.5 * e) for e in range(4)])


@pytest.mark.slow
def test_l2_shrinks_the_weights_and_is_in_the_cost(moons):
    X, y = moons
    plain = NeuralNetworkClassifier((20,), learning_rate=0.3, max_iter=500, random_state=0)
    ridge = clone(plain).set_params(alpha=5.0)
    plain.fit(X, y), ridge.fit(X, y)
    norm = lambda clf: sum(np.sum(W**2) for k, W in clf.params_.items() if k[0] == "W")
    assert norm(ridge) < 0.5 * norm(plain)
    assert ridge.costs_[0] > plain.costs_[0]  # same initial weights, plus the penalty


@pytest.mark.slow
def test_dropout_trains_and_prediction_is_deterministic(moons):
    X, y = moons
    clf = NeuralNetworkClassifier((32, 16), dropout=(0.3, 0.1), solver="adam", learning_rate=0.01,
                                  max_iter=300, random_state=0).fit(X, y)
    assert clf.score(X, y) > 0.9
    np.testing.assert_array_equal(clf.predict_proba(X), clf.predict_proba(X))
    again = clone(clf).fit(X, y)
    assert_same_params(clf.params_, again.params_, rtol=0, atol=0)
    with pytest.raises(ValueError, match="dropout=1.0"):
        clone(clf).set_params(dropout=1.0).fit(X, y)
    with pytest.raises(ValueError, match="one per hidden layer"):
        clone(clf).set_params(dropout=(0.1, 0.2, 0.3)).fit(X, y)


@pytest.mark.slow
def test_per_layer_activations_and_leaky_slope(moons):
    X, y = moons
    clf = NeuralNetworkClassifier((8, 8), activation=("tanh", "leaky_relu"), learning_rate=0.1,
                                  max_iter=300, random_state=0).fit(X, y)
    assert clf.score(X, y) > 0.85
    steeper = clone(clf).set_params(leaky_relu_slope=0.3).fit(X, y)
    assert not np.allclose(steeper.predict_proba(X), clf.predict_proba(X))
    with pytest.raises(ValueError, match="give one name or 2"):
        clone(clf).set_params(activation=("tanh",)).fit(X, y)


@pytest.mark.parametrize("Estimator", [LogisticRegression, NeuralNetworkClassifier])
@pytest.mark.slow
def test_multiclass_softmax(Estimator):
    X, y = load_iris(return_X_y=True)
    labels = np.array(["setosa", "versicolor", "virginica"])[y]
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    clf = Estimator(learning_rate=0.1, max_iter=500, random_state=0).fit(X, labels)
    assert clf.params_[f"W{len(clf.params_) // 2}"].shape[0] == 3
    proba = clf.predict_proba(X)
    assert proba.shape == (150, 3)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert clf.decision_function(X).shape == (150, 3)
    np.testing.assert_array_equal(clf.predict(X), clf.classes_[proba.argmax(axis=1)])
    assert clf.score(X, labels) > 0.9
    assert clf.costs_[0] == pytest.approx(np.log(3), rel=0.2)


@pytest.mark.slow
def test_early_stopping_restores_the_best_weights():
    X, y = make_blobs(n_samples=400, centers=2, cluster_std=4.0, random_state=0)
    watch, kept = snapshots()
    clf = NeuralNetworkClassifier((64, 64), solver="adam", learning_rate=0.05, max_iter=500,
                                  early_stopping=True, validation_fraction=0.2,
                                  n_iter_no_change=8, tol=1e-4, random_state=0,
                                  callbacks=[watch]).fit(X, y)
    scores = clf.validation_scores_
    assert len(scores) == clf.n_iter_ == len(kept) and clf.n_iter_ < 500
    best, best_i = -np.inf, None
    for i, score in enumerate(scores):
        if score > best + 1e-4:
            best, best_i = score, i
    assert clf.best_validation_score_ == best
    assert clf.n_iter_ == best_i + 8 + 1
    assert_same_params(clf.params_, kept[best_i], rtol=0, atol=0)
    assert not np.array_equal(clf.params_["W1"], kept[-1]["W1"])
    assert len(clf.validation_losses_) == clf.n_iter_


@pytest.mark.parametrize("settings", [
    {"solver": "gd"},
    {"solver": "adam", "batch_size": 32, "dropout": 0.2},
])
@pytest.mark.slow
def test_warm_start_50_plus_50_equals_100(moons, settings):
    X, y = moons
    full = NeuralNetworkClassifier((6,), learning_rate=0.05, max_iter=100, random_state=2,
                                   **settings).fit(X, y)
    warm = NeuralNetworkClassifier((6,), learning_rate=0.05, max_iter=50, random_state=2,
                                   warm_start=True, **settings).fit(X, y)
    warm.fit(X, y)
    assert warm.n_iter_ == 100 and warm.costs_ == full.costs_
    assert_same_params(warm.params_, full.params_, rtol=1e-12, atol=0)
    np.testing.assert_allclose(warm.loss_curve_, full.loss_curve_, rtol=1e-12)


def test_partial_fit_equals_full_batch_epochs_and_needs_classes(moons):
    X, y = moons
    clf = NeuralNetworkClassifier((6,), learning_rate=0.1, random_state=1)
    with pytest.raises(ValueError, match="classes must be passed"):
        clone(clf).partial_fit(X, y)
    for _ in range(20):
        clf.partial_fit(X, y, classes=[0, 1])
    full = clone(clf).set_params(max_iter=20).fit(X, y)
    assert_same_params(clf.params_, full.params_, rtol=1e-12, atol=0)
    assert clf.n_iter_ == 20
    # Out of core: chunks that each lack a class still train one model.
    stream = NeuralNetworkClassifier((6,), learning_rate=0.1, random_state=1)
    order = np.argsort(y, kind="stable")
    for chunk in np.array_split(order, 6):
        stream.partial_fit(X[chunk], y[chunk], classes=[0, 1])
    assert list(stream.classes_) == [0, 1]
    with pytest.raises(ValueError, match="not in classes_"):
        stream.partial_fit(X[:5], np.full(5, 7))


def test_integer_sample_weights_equal_repeated_rows(moons):
    X, y = moons
    w = np.random.RandomState(0).randint(0, 4, len(y))
    weighted = NeuralNetworkClassifier((5,), learning_rate=0.1, max_iter=200, random_state=0)
    weighted.fit(X, y, sample_weight=w)
    repeated = clone(weighted).fit(np.repeat(X, w, axis=0), np.repeat(y, w))
    assert_same_params(weighted.params_, repeated.params_, rtol=1e-9, atol=1e-12)
    assert weighted.costs_ == pytest.approx(repeated.costs_, rel=1e-12)


def test_class_weight_balanced_and_dict(moons):
    X, y = moons
    keep = np.r_[np.flatnonzero(y == 0), np.flatnonzero(y == 1)[:30]]  # 150 vs 30
    X, y = X[keep], y[keep]
    plain = LogisticRegression(learning_rate=0.5, max_iter=300).fit(X, y)
    balanced = clone(plain).set_params(class_weight="balanced").fit(X, y)
    explicit = clone(plain).set_params(class_weight={0: 180 / 300, 1: 180 / 60}).fit(X, y)
    assert_same_params(balanced.params_, explicit.params_, rtol=1e-12, atol=1e-15)
    recall = lambda clf: np.mean(clf.predict(X[y == 1]) == 1)
    assert recall(balanced) > recall(plain)


def peak_memory_of_fit(clf, X, y) -> int:
    """The peak of the memory ``clf.fit(X, y)`` allocates (tracemalloc, which NumPy
    reports its arrays to)."""
    tracemalloc.start()
    try:
        clf.fit(X, y)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.slow
def test_float32_stays_float32_without_copying_the_data():
    rng = np.random.RandomState(0)
    X = rng.randn(20000, 200).astype(np.float32)
    y = (X[:, 0] + X[:, 1] > 0).astype(int)
    clf = NeuralNetworkClassifier((16,), solver="adam", learning_rate=0.01, max_iter=3,
                                  random_state=0)
    assert peak_memory_of_fit(clf, X, y) <= 0.5 * X.nbytes
    assert all(v.dtype == np.float32 for v in clf.params_.values())
    assert all(v.dtype == np.float32 for v in clf.optimizer_.v.values())
    assert clf.predict_proba(X[:10]).dtype == np.float32


@pytest.mark.slow
def test_early_stopping_with_minibatches_does_not_copy_the_training_data():
    rng = np.random.RandomState(0)
    X = rng.rand(20000, 200).astype(np.float32)
    y = (X[:, 0] > X[:, 1]).astype(int)
    clf = NeuralNetworkClassifier((32,), solver="adam", learning_rate=0.01, batch_size=256,
                                  max_iter=3, early_stopping=True, validation_fraction=0.1,
                                  random_state=0)
    clf.fit(X[:1000], y[:1000])  # once first: what a process allocates once is not counted
    # The validation tenth is copied (0.1 x X), the training rows are read in place (a
    # copy would be 0.9 x X); the rest is indices of 20000 rows and a chunk's arrays.
    assert peak_memory_of_fit(clf, X, y) <= 0.25 * X.nbytes
    assert clf.score(X, y) > 0.9


def test_ctrl_c_stops_cleanly_and_keeps_the_weights(moons):
    X, y = moons

    class Interrupt(Callback):
        def on_iteration_end(self, estimator, iteration, logs):
            if iteration == 4:
                raise KeyboardInterrupt

    clf = NeuralNetworkClassifier((5,), max_iter=100, random_state=0, callbacks=[Interrupt()])
    with pytest.warns(UserWarning, match="interrupted after 5 iterations"):
        clf.fit(X, y)
    assert clf.n_iter_ == 5 and len(clf.loss_curve_) == 5
    assert clf.predict(X).shape == (300,)


def test_estimators_with_callbacks_clone_and_pickle(moons):
    X, y = moons
    clf = NeuralNetworkClassifier((5,), max_iter=30, random_state=0, verbose=True,
                                  callbacks=[EarlyStopping("cost", n_iter_no_change=3)])
    copy = clone(clf)
    assert copy.callbacks[0] is not clf.callbacks[0]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        clf.fit(X, y)
    restored = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(restored.predict_proba(X), clf.predict_proba(X))
    restored.set_params(warm_start=True).fit(X, y)
    assert restored.n_iter_ > clf.n_iter_


@pytest.mark.parametrize("params, message", [
    ({"solver": "sgd"}, "solver='sgd'"),
    ({"batch_size": 0}, "batch_size=0"),
    ({"alpha": -1}, "alpha=-1"),
    ({"momentum": 1.0}, "momentum=1.0"),
    ({"learning_rate_schedule": "cosine"}, "learning_rate_schedule='cosine'"),
    ({"validation_fraction": 1.0}, "validation_fraction=1.0"),
    ({"class_weight": "auto"}, "class_weight='auto'"),
    ({"callbacks": [print]}, "callbacks="),
])
def test_bad_training_settings_get_a_clear_error(moons, params, message):
    X, y = moons
    with pytest.raises(ValueError, match=message):
        NeuralNetworkClassifier((3,), max_iter=2, **params).fit(X, y)


def test_interruption_is_reported_through_the_estimator(moons):
    X, y = moons

    class Interrupt(Callback):
        def on_iteration_end(self, estimator, iteration, logs):
            if iteration == 2:
                raise KeyboardInterrupt

    clf = NeuralNetworkClassifier((5,), max_iter=10, random_state=0, callbacks=[Interrupt()])
    with pytest.warns(UserWarning):
        clf.fit(X, y)
    assert clf.interrupted_ is True and clf.n_iter_ == 3
    assert clf.set_params(callbacks=None).fit(X, y).interrupted_ is False
