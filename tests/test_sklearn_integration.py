"""scikit-learn integration (issue 11): a validation set of one's own, scikit-learn's
callback protocol, hidden layers' activations for new data."""

import numpy as np
import pytest
from sklearn.datasets import make_blobs, make_classification
from sklearn.exceptions import NotFittedError

from nnscratch import LogisticRegression, NeuralNetworkClassifier
from nnscratch.callbacks import LambdaCallback
from nnscratch.network import L_model_forward, compute_cost


@pytest.fixture(scope="module")
def blobs():
    X, y = make_blobs(n_samples=300, centers=2, cluster_std=3.0, random_state=0)
    return X[:200], y[:200], X[200:], y[200:]


@pytest.fixture(scope="module")
def wide():
    """Fewer examples than features: where the row-space path pays."""
    X, y = make_classification(n_samples=120, n_features=300, n_informative=10,
                               random_state=0)
    return X[:80], y[:80], X[80:], y[80:]


def _targets(clf, y):
    index = np.searchsorted(clf.classes_, y)
    if len(clf.classes_) == 2:
        return index.reshape(1, -1).astype(float)
    Y = np.zeros((len(clf.classes_), len(y)))
    Y[index, np.arange(len(y))] = 1
    return Y


def _by_hand(X_val, y_val):
    """A callback scoring the model on (X_val, y_val) after every epoch with the
    course's public functions and the estimator's public ``score``."""
    losses, scores = [], []

    def score(est, iteration, logs):
        params = dict(est.params_)
        output = "sigmoid" if len(est.classes_) == 2 else "softmax"
        _, caches = L_model_forward(X_val.T, params, est._activations(params), output)
        ZL = caches[-1][1].Z
        losses.append(compute_cost(ZL, _targets(est, y_val), output))
        scores.append(est.score(X_val, y_val))

    return LambdaCallback(on_iteration_end=score), losses, scores


# ------------------------------------------------------------- validation set


@pytest.mark.parametrize("make", [
    lambda: NeuralNetworkClassifier((8, 4), learning_rate=0.1, max_iter=40, random_state=0),
    lambda: NeuralNetworkClassifier((6,), solver="adam", learning_rate=0.01, batch_size=32,
                                    max_iter=10, random_state=1),
    lambda: LogisticRegression(learning_rate=0.05, max_iter=30),
])
def test_validation_history_equals_scoring_by_hand(blobs, make):
    X, y, X_val, y_val = blobs
    watch, losses, scores = _by_hand(X_val, y_val)
    clf = make().set_params(callbacks=[watch]).fit(X, y, X_val=X_val, y_val=y_val)
    assert len(clf.validation_losses_) == len(clf.validation_scores_) == clf.n_iter_
    np.testing.assert_allclose(clf.validation_losses_, losses, rtol=1e-10)
    np.testing.assert_allclose(clf.validation_scores_, scores, rtol=0, atol=0)


def test_validation_history_for_three_classes():
    X, y = make_blobs(n_samples=240, centers=3, cluster_std=2.5, random_state=3)
    X, y, X_val, y_val = X[:160], y[:160], X[160:], y[160:]
    watch, losses, scores = _by_hand(X_val, y_val)
    clf = NeuralNetworkClassifier((5,), learning_rate=0.1, max_iter=25, random_state=0,
                                  callbacks=[watch]).fit(X, y, X_val=X_val, y_val=y_val)
    np.testing.assert_allclose(clf.validation_losses_, losses, rtol=1e-10)
    np.testing.assert_allclose(clf.validation_scores_, scores, rtol=0, atol=0)


def test_a_validation_set_keeps_the_row_space_path(wide):
    """X_val does not force the plain path: algorithm="rowspace" (which refuses where
    it cannot be used) trains with it, and its history is the plain path's."""
    X, y, X_val, y_val = wide
    kwargs = {"hidden_layer_sizes": (10,), "learning_rate": 0.05, "max_iter": 30,
              "random_state": 0}
    fast = NeuralNetworkClassifier(algorithm="rowspace", **kwargs).fit(X, y, X_val=X_val,
                                                                       y_val=y_val)
    plain = NeuralNetworkClassifier(algorithm="plain", **kwargs).fit(X, y, X_val=X_val,
                                                                     y_val=y_val)
    assert len(fast.validation_losses_) == 30
    np.testing.assert_allclose(fast.validation_losses_, plain.validation_losses_, rtol=1e-9)
    np.testing.assert_allclose(fast.validation_scores_, plain.validation_scores_)
    np.testing.assert_allclose(fast.params_["W1"], plain.params_["W1"], rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("algorithm", ["plain", "rowspace"])
def test_early_stopping_on_the_validation_set_restores_the_best_epoch(wide, algorithm):
    X, y, X_val, y_val = wide
    kwargs = {"hidden_layer_sizes": (16,), "learning_rate": 0.2, "random_state": 0,
              "algorithm": algorithm}
    clf = NeuralNetworkClassifier(max_iter=400, early_stopping=True, n_iter_no_change=5,
                                  tol=0.0, **kwargs).fit(X, y, X_val=X_val, y_val=y_val)
    scores = clf.validation_scores_
    assert clf.n_iter_ < 400 and len(scores) == clf.n_iter_
    best, best_i = -np.inf, None
    for i, score in enumerate(scores):
        if score > best:
            best, best_i = score, i
    assert clf.best_validation_score_ == best
    assert clf.n_iter_ == best_i + 5 + 1
    # The validation set is X_val, not a split of X: all of X trained, as a refit for
    # exactly the best epoch's number of iterations shows.
    refit = NeuralNetworkClassifier(max_iter=best_i + 1, **kwargs).fit(X, y)
    for key in clf.params_:
        np.testing.assert_allclose(clf.params_[key], refit.params_[key], rtol=1e-9,
                                   atol=1e-12)
    assert clf.score(X_val, y_val) == best


def test_without_x_val_early_stopping_still_splits(blobs):
    X, y, _, _ = blobs
    clf = NeuralNetworkClassifier((4,), learning_rate=0.1, max_iter=20, early_stopping=True,
                                  validation_fraction=0.2, n_iter_no_change=50,
                                  random_state=0).fit(X, y)
    assert len(clf.validation_scores_) == 20
    assert all(round(s * 40) == s * 40 for s in clf.validation_scores_)  # 40 held out


def test_string_labels_in_y_val(blobs):
    X, y, X_val, y_val = blobs
    names = np.array(["ham", "spam"])
    clf = LogisticRegression(learning_rate=0.05, max_iter=5).fit(
        X, names[y], X_val=X_val, y_val=names[y_val])
    assert clf.validation_scores_[-1] == clf.score(X_val, names[y_val])


@pytest.mark.parametrize("kwargs, match", [
    ({"X_val": "X_val"}, "X_val and y_val go together"),
    ({"y_val": "y_val"}, "X_val and y_val go together"),
    ({"X_val": "narrow", "y_val": "y_val"}, "X_val has 1 features but X has 2"),
    ({"X_val": "X_val", "y_val": "short"}, "X_val has 100 rows but y_val has 99 labels"),
    ({"X_val": "X_val", "y_val": "unseen"}, r"y_val contains labels \[7\] that are not"),
])
def test_bad_validation_sets_get_one_clear_error(blobs, kwargs, match):
    X, y, X_val, y_val = blobs
    values = {"X_val": X_val, "y_val": y_val, "narrow": X_val[:, :1], "short": y_val[:-1],
              "unseen": np.where(np.arange(len(y_val)) == 3, 7, y_val)}
    clf = NeuralNetworkClassifier((4,), max_iter=3)
    with pytest.raises(ValueError, match=match) as info:
        clf.fit(X, y, **{k: values[v] for k, v in kwargs.items()})
    assert "\n" not in str(info.value)
    with pytest.raises(NotFittedError):  # refused before training: no half-fitted model
        clf.predict(X)


# ------------------------------------------------- scikit-learn's callback protocol

sk_callback = pytest.importorskip("sklearn.callback", reason="scikit-learn < 1.9")


def _estimators():
    return [
        NeuralNetworkClassifier((6,), learning_rate=0.2, max_iter=12, random_state=0),
        LogisticRegression(learning_rate=0.05, max_iter=12),
    ]


def _epoch_rows(log):
    return [row for row in log.data if row["task_name"] == "epoch"]


class _StopAt:
    """A scikit-learn FitCallback asking to stop at the end of one epoch."""

    def __init__(self, task_id):
        self.task_id = task_id

    def setup(self, estimator, context):
        pass

    def teardown(self, estimator, context):
        pass

    def on_fit_task_begin(self, estimator, context):
        pass

    def on_fit_task_end(self, estimator, context):
        return context.task_name == "epoch" and context.task_id == self.task_id


@pytest.mark.parametrize("clf", _estimators(), ids=lambda c: type(c).__name__)
def test_progress_bar_and_scoring_monitor_on_the_estimator(blobs, clf):
    pytest.importorskip("rich")
    X, y, _, _ = blobs
    by_hand = []
    monitor = sk_callback.ScoringMonitor(scoring=["accuracy", "neg_log_loss"])
    clf.set_params(callbacks=[LambdaCallback(
        on_iteration_end=lambda est, i, logs: by_hand.append(est.score(X, y)))])
    clf.set_callbacks(sk_callback.ProgressBar(), monitor).fit(X, y)
    log = monitor.get_logs()
    assert log.estimator_name == type(clf).__name__
    epochs = _epoch_rows(log)
    assert [row["task_id"] for row in epochs] == list(range(12))
    # The monitor scores the model after each epoch's update: the accuracy the
    # library's own callback sees then, and the cost the next epoch starts from.
    np.testing.assert_array_equal([row["accuracy"] for row in epochs], by_hand)
    np.testing.assert_allclose([-row["neg_log_loss"] for row in epochs[:-1]],
                               clf.loss_curve_[1:], rtol=1e-9)
    root = [row for row in log.data if row["task_name"] == "fit"]
    assert len(root) == 1 and root[0]["accuracy"] == clf.score(X, y)


@pytest.mark.parametrize("clf", _estimators(), ids=lambda c: type(c).__name__)
def test_callbacks_propagate_inside_grid_search(blobs, clf):
    pytest.importorskip("rich")
    from sklearn.model_selection import GridSearchCV

    X, y, _, _ = blobs
    monitor = sk_callback.ScoringMonitor(scoring="accuracy")
    search = GridSearchCV(clf.set_callbacks(monitor), {"learning_rate": [0.01, 0.1]}, cv=2)
    search.set_callbacks(sk_callback.ProgressBar()).fit(X, y)
    log = monitor.get_logs()
    assert log.estimator_name == "GridSearchCV"
    fits = [row for row in log.data if row["task_name"] == "fit"]
    assert len(fits) == 2 * 2 + 1  # 2 candidates x 2 folds, and the refit
    assert all(row["estimator_name"] == type(clf).__name__ for row in log.data)
    assert len(_epoch_rows(log)) == 5 * 12
    assert np.isclose(fits[0]["accuracy"], search.best_estimator_.score(X, y))


def test_a_search_with_callbacks_of_its_own_only(blobs):
    """Callbacks on the search that are not propagated: the networks join its task tree
    (one fit task each) and train without epoch subtasks."""
    from sklearn.model_selection import GridSearchCV

    X, y, _, _ = blobs
    monitor = sk_callback.ScoringMonitor(scoring="accuracy")
    search = GridSearchCV(NeuralNetworkClassifier((3,), max_iter=5, random_state=0),
                          {"learning_rate": [0.01, 0.1]}, cv=2).set_callbacks(monitor)
    search.fit(X, y)
    assert search.best_estimator_.n_iter_ == 5
    assert not hasattr(search.best_estimator_, "_skl_callbacks")


def test_a_scikit_learn_callback_can_stop_training(blobs):
    X, y, _, _ = blobs
    clf = NeuralNetworkClassifier((4,), max_iter=50, random_state=0)
    clf.set_callbacks(_StopAt(3)).fit(X, y)
    assert clf.n_iter_ == 4 and len(clf.loss_curve_) == 4


def test_with_early_stopping_and_the_row_space_path(wide):
    """scikit-learn's callbacks leave the fast path on (algorithm="rowspace" refuses
    where it cannot be used) and see every epoch that early stopping lets run."""
    X, y, X_val, y_val = wide
    monitor = sk_callback.ScoringMonitor(scoring="accuracy")
    clf = NeuralNetworkClassifier((16,), learning_rate=0.2, max_iter=400, random_state=0,
                                  early_stopping=True, n_iter_no_change=5, tol=0.0,
                                  algorithm="rowspace")
    clf.set_callbacks(monitor).fit(X, y, X_val=X_val, y_val=y_val)
    assert clf.n_iter_ < 400
    log = monitor.get_logs()
    epochs = _epoch_rows(log)
    assert len(epochs) == clf.n_iter_
    assert [row["task_name"] for row in log.data].count("fit") == 1


def test_set_callbacks_rejects_what_is_not_a_callback():
    with pytest.raises(TypeError, match="FitCallback protocol"):
        LogisticRegression().set_callbacks(object())


@pytest.mark.slow
def test_without_sklearn_callback_everything_else_works():
    """Where scikit-learn has no sklearn.callback, fit works and set_callbacks says so."""
    import subprocess
    import sys

    script = (
        # scikit-learn 1.9 itself imports sklearn.callback: load it all first, then
        # make the module unimportable for nnscratch as in an older scikit-learn.
        "import sys, sklearn.linear_model, sklearn.model_selection, sklearn.pipeline\n"
        "sys.modules['sklearn.callback'] = None\n"
        "import numpy as np\n"
        "from nnscratch import LogisticRegression\n"
        "X = np.array([[0.0], [1.0], [2.0], [3.0]]); y = np.array([0, 0, 1, 1])\n"
        "clf = LogisticRegression(learning_rate=0.5, max_iter=50).fit(X, y)\n"
        "assert clf.score(X, y) == 1.0\n"
        "try:\n"
        "    clf.set_callbacks()\n"
        "except ImportError as e:\n"
        "    print(e)\n"
    )
    import os

    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(__import__("pathlib").Path(__file__).parents[1] / "src"),
         os.environ.get("PYTHONPATH", "")])}
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         env=env, timeout=120, check=False)
    assert out.returncode == 0, out.stderr
    message = out.stdout.strip()
    assert message.count("\n") == 0
    assert "scikit-learn 1.9" in message and "set_callbacks" in message


# ------------------------------------------------------------ hidden layers


@pytest.fixture(scope="module")
def moons_net():
    from sklearn.datasets import make_moons

    X, y = make_moons(300, noise=0.15, random_state=0)
    net = NeuralNetworkClassifier((8, 5), activation=("tanh", "relu"), learning_rate=0.3,
                                  max_iter=400, random_state=0).fit(X, y)
    return X, y, net


def test_hidden_layer_activations_are_the_course_forward_pass(moons_net):
    X, _, net = moons_net
    p = net.params_
    A1 = np.tanh(p["W1"] @ X.T + p["b1"])
    A2 = np.maximum(0, p["W2"] @ A1 + p["b2"])
    np.testing.assert_allclose(net.hidden_layer_activations(X, 1), A1.T, rtol=1e-12)
    np.testing.assert_allclose(net.hidden_layer_activations(X, 2), A2.T, rtol=1e-12)
    np.testing.assert_allclose(net.hidden_layer_activations(X), A2.T, rtol=1e-12)
    np.testing.assert_allclose(net.hidden_layer_activations(X, -2), A1.T, rtol=1e-12)
    every = net.hidden_layer_activations(X, None)
    assert [a.shape for a in every] == [(300, 8), (300, 5)]
    # The output layer reads the last one: its logits follow from it.
    np.testing.assert_allclose(every[-1] @ p["W3"].T + p["b3"].T,
                               net.decision_function(X)[:, None], rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("layer", [0, 3, -3, 1.0, True, "1"])
def test_hidden_layer_out_of_range_is_one_clear_error(moons_net, layer):
    X, _, net = moons_net
    with pytest.raises(ValueError, match="is not a hidden layer of this network: give 1 to 2"):
        net.hidden_layer_activations(X, layer)


def test_logistic_regression_has_no_hidden_layer(blobs):
    X, y, _, _ = blobs
    clf = LogisticRegression(max_iter=3).fit(X, y)
    with pytest.raises(ValueError, match="has no hidden layer"):
        clf.hidden_layer_activations(X)
    assert not hasattr(clf, "transform") and not hasattr(NeuralNetworkClassifier(), "transform")


@pytest.mark.slow
def test_hidden_layer_features_in_a_pipeline(moons_net):
    from sklearn.linear_model import LogisticRegression as SkLogisticRegression
    from sklearn.model_selection import cross_val_score
    from sklearn.pipeline import make_pipeline

    from nnscratch import HiddenLayerTransformer

    X, y, net = moons_net
    pipe = make_pipeline(HiddenLayerTransformer(net, layer=-1), SkLogisticRegression())
    pipe.fit(X, y)
    hidden = pipe[0]
    np.testing.assert_allclose(hidden.transform(X), net.hidden_layer_activations(X))
    assert hidden.get_feature_names_out().tolist() == [
        f"hiddenlayertransformer{i}" for i in range(5)]
    assert pipe.score(X, y) > 0.95  # the learned features separate the moons linearly
    assert min(cross_val_score(pipe, X, y, cv=3)) > 0.9
    # A trained network as is (nothing refitted): the same features.
    prefit = HiddenLayerTransformer(net, layer=1, prefit=True).fit(X)
    np.testing.assert_array_equal(prefit.transform(X), net.hidden_layer_activations(X, 1))
    assert prefit.get_feature_names_out().shape == (8,)


@pytest.mark.parametrize("kwargs, error, match", [
    ({"estimator": LogisticRegression()}, ValueError, "has no hidden layer"),
    ({"layer": 5}, ValueError, "layer=5 is not a hidden layer"),
    ({"layer": None}, ValueError, "needs one layer"),
    ({"estimator": "net"}, TypeError, "needs an nnscratch network"),
])
def test_hidden_layer_transformer_errors(blobs, kwargs, error, match):
    from nnscratch import HiddenLayerTransformer

    X, y, _, _ = blobs
    params = {"estimator": NeuralNetworkClassifier((3,), max_iter=2), **kwargs}
    with pytest.raises(error, match=match):
        HiddenLayerTransformer(**params).fit(X, y)


@pytest.mark.parametrize("estimator, layer, said", [
    (NeuralNetworkClassifier((64,)), 2, "give 1 (the course's A[1], its only hidden layer) "
                                        "or -1."),
    (NeuralNetworkClassifier((4, 3)), -3, "give 1 to 2 (the course's A[l]), -1 to -2 from "
                                          "the last."),
    (LogisticRegression(), 1, "has no hidden layer"),
])
def test_hidden_layer_transformer_refuses_a_layer_before_training(blobs, monkeypatch, estimator,
                                                                  layer, said):
    # the network was trained first (seconds, every bad candidate of a search), and the
    # message offered "None for all", which the transformer refuses
    from nnscratch import HiddenLayerTransformer, estimators

    X, y, _, _ = blobs

    def trained(*args, **kwargs):
        raise AssertionError("trained before the layer was checked")

    monkeypatch.setattr(estimators._BaseNetwork, "fit", trained)
    with pytest.raises(ValueError) as info:
        HiddenLayerTransformer(estimator, layer=layer).fit(X, y)
    assert said in str(info.value) and "None" not in str(info.value)


@pytest.mark.slow
def test_hidden_layer_transformer_passes_check_estimator():
    from sklearn.utils.estimator_checks import check_estimator

    from nnscratch import HiddenLayerTransformer

    check_estimator(HiddenLayerTransformer(NeuralNetworkClassifier(
        (4,), learning_rate=0.1, max_iter=20, random_state=0)))
