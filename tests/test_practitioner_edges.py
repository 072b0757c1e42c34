"""A practitioner's edges of streaming, searches and Dask prediction: bad input refused
in one line before the work, no half-trained state left behind after an error."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.linear_model import SGDClassifier

from nnscratch import LogisticRegression, NeuralNetworkClassifier
from nnscratch.exceptions import DatasetError
from nnscratch.streaming import ChunkFeeder, evaluate_streaming, fit_streaming, open_chunks


@pytest.fixture
def data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 5))
    y = (X[:, 0] > 0).astype(int)
    return X, y


# --------------------------------------------------------------------------- feeder


@pytest.mark.parametrize(("kwargs", "needle"), [
    ({"chunk_rows": 50, "batch_size": 0}, "batch_size must be >= 1"),
    ({"chunk_rows": 50, "batch_size": -3}, "batch_size must be >= 1"),
    ({"chunk_rows": 2.5}, "chunk_rows must be a whole number"),
    ({"chunk_rows": True}, "chunk_rows must be a whole number"),
])
def test_feeder_refuses_bad_row_counts(data, kwargs, needle):
    X, y = data
    with pytest.raises(DatasetError, match=needle) as info:
        open_chunks(X, y, **kwargs)
    assert "\n" not in str(info.value)


def test_feeder_refuses_empty_boundaries(data):
    X, y = data
    with pytest.raises(DatasetError, match="boundaries must rise from 0 to 200"):
        ChunkFeeder(X, y, boundaries=[])


def test_feeder_takes_lists(data):
    X, y = data
    feeder = open_chunks(X.tolist(), y.tolist(), chunk_rows=50)
    Xc, yc = feeder.read(1)
    np.testing.assert_array_equal(Xc, X[50:100])
    np.testing.assert_array_equal(yc, y[50:100])


@pytest.mark.slow
def test_streaming_sparse_rows_equals_dense(data):
    X, y = data
    X = np.where(np.abs(X) > 1, X, 0.0)
    kw = {"max_iter": 3, "random_state": 0, "batch_size": 25, "solver": "adam",
          "learning_rate": 0.01}
    dense = NeuralNetworkClassifier((4,), **kw)
    fit_streaming(dense, open_chunks(X, y, chunk_rows=50))
    sparse = NeuralNetworkClassifier((4,), **kw)
    fit_streaming(sparse, open_chunks(sp.csr_matrix(X), y, chunk_rows=50))
    for key in dense.params_:
        np.testing.assert_allclose(sparse.params_[key], dense.params_[key], atol=1e-12)
    scores = evaluate_streaming(sparse, open_chunks(sp.csc_matrix(X), y, chunk_rows=64))
    assert scores["accuracy"] == evaluate_streaming(dense, open_chunks(X, y))["accuracy"]


def test_nan_label_refused_in_one_line(data):
    X, y = data
    y = y.astype(float)
    y[7] = np.nan
    with pytest.raises(DatasetError, match=r"label y\[7\] is NaN"):
        fit_streaming(LogisticRegression(max_iter=2), open_chunks(X, y, chunk_rows=50))


# --------------------------------------------------------------------------- fit_streaming


def test_classes_not_covering_labels_refused_before_training(data):
    X, y = data
    est = LogisticRegression(max_iter=2, random_state=0)
    with pytest.raises(ValueError, match=r"labels \[1\] are not in classes \[0, 2\]"):
        fit_streaming(est, open_chunks(X, y, chunk_rows=50), classes=[0, 2])
    assert not hasattr(est, "params_")


def test_failed_stream_leaves_unfitted_estimator_unfitted(data):
    X, y = data
    X = X.copy()
    X[170] = np.nan  # the last chunk: three chunks are trained on before it
    est = NeuralNetworkClassifier((4,), max_iter=3, random_state=3, batch_size=25)
    with pytest.raises(ValueError, match="NaN"):
        fit_streaming(est, open_chunks(X, y, chunk_rows=50), shuffle_chunks=False)
    assert not hasattr(est, "params_")
    assert not hasattr(est, "n_iter_")
    assert est.get_params() == NeuralNetworkClassifier(
        (4,), max_iter=3, random_state=3, batch_size=25).get_params()


def test_failed_stream_restores_a_fitted_estimator(data):
    X, y = data
    est = NeuralNetworkClassifier((4,), max_iter=2, random_state=3, batch_size=25,
                                  solver="adam", learning_rate=0.01)
    fit_streaming(est, open_chunks(X, y, chunk_rows=50))
    weights = {k: v.copy() for k, v in est.params_.items()}
    curve, n_iter = list(est.loss_curve_), est.n_iter_
    bad = X.copy()
    bad[120] = np.inf
    with pytest.raises(ValueError, match=r"row X\[120\] holds an infinite value"):
        fit_streaming(est, open_chunks(bad, y, chunk_rows=50), shuffle_chunks=False)
    for key, value in weights.items():
        np.testing.assert_array_equal(est.params_[key], value)
    assert est.loss_curve_ == curve and est.n_iter_ == n_iter
    # and training again from there gives what it gives without the failed call
    again = NeuralNetworkClassifier((4,), max_iter=2, random_state=3, batch_size=25,
                                    solver="adam", learning_rate=0.01)
    fit_streaming(again, open_chunks(X, y, chunk_rows=50))
    fit_streaming(again, open_chunks(X, y, chunk_rows=50), epochs=1)
    fit_streaming(est, open_chunks(X, y, chunk_rows=50), epochs=1)
    for key in weights:
        np.testing.assert_array_equal(est.params_[key], again.params_[key])


# --------------------------------------------------------------------------- search


@pytest.mark.parametrize(("kwargs", "needle"), [
    ({"results_path": "missing-folder/results.csv"}, "does not exist; create it first"),
    ({"results_path": "."}, "is a folder; give a file name"),
    ({"n_candidates": 0}, "n_candidates=0: give a whole number"),
    ({"scoring": "acuracy"}, "'acuracy' is not a scikit-learn scorer"),
    ({"n_jobs": 0}, "n_jobs=0: give a number of parallel fits"),
])
def test_search_refuses_settings_before_any_fit(data, kwargs, needle, monkeypatch, tmp_path):
    from nnscratch import search

    monkeypatch.chdir(tmp_path)
    X, y = data
    fits = []
    monkeypatch.setattr(LogisticRegression, "fit",
                        lambda self, *a, **k: fits.append(1) or self)
    grid = search.parse_params(["learning_rate=0.1;0.01"])
    with pytest.raises(search.SearchError, match=needle) as info:
        search.run_search(LogisticRegression(max_iter=5), X, y, grid, cv=3,
                          **{"n_jobs": 1, **kwargs})
    assert "\n" not in str(info.value)
    assert fits == []
    assert list(tmp_path.iterdir()) == []


def _nan_at_start(X, y):
    X = X.astype(float)
    X[0, 0] = np.nan
    return X, y


@pytest.mark.parametrize(("estimator", "change", "needle"), [
    # these were "SearchFailed: every fit failed (...)", after every fit was tried
    (LogisticRegression(max_iter=5), _nan_at_start,
     r"^Input X contains NaN: \w+ needs a number in every cell"),
    (LogisticRegression(max_iter=5), lambda X, y: (X, np.zeros(len(y))),
     r"^y holds only one class \(0\.0\); a classifier needs examples of at least 2"),
    (LogisticRegression(max_iter=5), lambda X, y: (X, y[:-1]),
     r"^X has \d+ rows but y has \d+ labels"),
    # it named the command line's --param and --hidden, and "logistic regression"
    (SGDClassifier(), lambda X, y: (X, y),
     r"^the estimator must be nnscratch's LogisticRegression or NeuralNetworkClassifier, "
     r"not SGDClassifier\(\); search another estimator with scikit-learn's GridSearchCV$"),
])
def test_search_refuses_data_every_fit_would_refuse_before_any_fit(data, estimator, change,
                                                                   needle, monkeypatch):
    from nnscratch import search

    X, y = change(*data)
    fits = []
    monkeypatch.setattr(type(estimator), "fit", lambda self, *a, **k: fits.append(1) or self)
    with pytest.raises(search.SearchError, match=needle) as info:
        search.run_search(estimator, X, y, {"learning_rate": [0.1, 0.01]}, cv=3, n_jobs=1)
    assert "\n" not in str(info.value) and fits == []


# --------------------------------------------------------------------------- Dask


@pytest.mark.slow
def test_predict_dask_takes_numpy_and_refuses_unfitted(data):
    pytest.importorskip("dask.array")
    from sklearn.exceptions import NotFittedError

    from nnscratch.streaming import predict_dask

    X, y = data
    est = LogisticRegression(max_iter=3, random_state=0).fit(X, y)
    np.testing.assert_array_equal(predict_dask(est, X).compute(), est.predict(X))
    np.testing.assert_allclose(predict_dask(est, X, "predict_proba").compute(),
                               est.predict_proba(X))
    with pytest.raises(NotFittedError, match="not fitted yet"):
        predict_dask(LogisticRegression(), X)
    # refused when the graph is built, not when its blocks run (on a cluster, later)
    with pytest.raises(ValueError, match=f"X has {X.shape[1] + 1} features, but "
                                         f"LogisticRegression is expecting {X.shape[1]}"):
        predict_dask(est, np.hstack([X, X[:, :1]]), "predict_proba")


@pytest.mark.parametrize("model, data_dtype, expected", [
    (np.float32, np.float32, np.float32), (np.float32, np.float64, np.float64),
    (np.float64, np.float32, np.float64), (np.float64, np.float64, np.float64)])
@pytest.mark.parametrize("n_classes", [2, 3])
def test_predict_dask_declares_the_dtype_its_blocks_give(model, data_dtype, expected,
                                                         n_classes):
    # float64 was declared whatever the blocks gave: a float32 model's float32
    # probabilities were float64 to dask (its meta, da.store into a made target)
    da = pytest.importorskip("dask.array")
    from nnscratch.streaming import predict_dask

    X = np.random.default_rng(0).normal(size=(60, 3))
    est = NeuralNetworkClassifier((4,), max_iter=2).fit(X.astype(model),
                                                        np.arange(60) % n_classes)
    Xd = da.from_array(X.astype(data_dtype), chunks=(20, 3))
    for method in ("predict_proba", "decision_function"):
        lazy = predict_dask(est, Xd, method)
        computed = lazy.compute()
        assert lazy.dtype == computed.dtype == expected, method
        assert lazy.shape == computed.shape and lazy._meta.ndim == computed.ndim


@pytest.mark.slow
def test_read_dask_labels_are_str_as_the_feeder_reads_them(data, tmp_path):
    pytest.importorskip("dask.array")
    h5py = pytest.importorskip("h5py")
    from nnscratch.streaming import read_dask

    X, y = data
    path = tmp_path / "words.h5"
    with h5py.File(path, "w") as f:
        f["X"] = X
        f["y"] = np.where(y == 1, b"yes", b"no")
    _, labels = read_dask(path, chunk_rows=64)
    with open_chunks(path, chunk_rows=64) as feeder:
        expected = feeder.labels(slice(0, len(y)))
    got = labels.compute()
    assert got.dtype.kind == "U"
    np.testing.assert_array_equal(got, expected)
    est = LogisticRegression(max_iter=3, random_state=0).fit(X, got)
    assert est.classes_.tolist() == ["no", "yes"]


# --------------------------------------------------------------------------- callbacks


@pytest.mark.parametrize(("kwargs", "error", "needle"), [
    ({"tol": float("inf")}, ValueError, "tol must be a number >= 0 and finite"),
    ({"restore_best_weights": "no"}, TypeError, "restore_best_weights must be True or False"),
    ({"restore_best_weights": None}, TypeError, "restore_best_weights must be True or False"),
])
def test_early_stopping_refuses_settings_that_silently_misbehave(kwargs, error, needle):
    from nnscratch.callbacks import EarlyStopping

    with pytest.raises(error, match=needle):
        EarlyStopping(monitor="cost", **kwargs)


# --------------------------------------------------------------------------- streaming 2


@pytest.mark.parametrize(("kwargs", "needle"), [
    ({"epochs": 2.5}, "epochs must be a whole number >= 1, got 2.5"),
    ({"epochs": "3"}, "epochs must be a whole number >= 1, got '3'"),
    ({"seed": "a"}, "seed must be an integer >= 0 or None"),
    ({"seed": -1}, "seed must be an integer >= 0 or None"),
])
def test_fit_streaming_refuses_bad_epochs_and_seed(data, kwargs, needle):
    X, y = data
    est = LogisticRegression(max_iter=2, random_state=0)
    with pytest.raises(ValueError, match=needle):
        fit_streaming(est, open_chunks(X, y, chunk_rows=50), **kwargs)
    assert not hasattr(est, "params_")


def test_fit_streaming_reproducible_from_a_random_state_instance(data):
    X, y = data

    def run():
        est = NeuralNetworkClassifier((3,), max_iter=3, batch_size=25,
                                      random_state=np.random.RandomState(0))
        result = fit_streaming(est, open_chunks(X, y, chunk_rows=50))
        return est.params_["W1"].copy(), [o.tolist() for o in result.chunk_orders]

    state = np.random.get_state()[1].copy()
    (w1, orders1), (w2, orders2) = run(), run()
    np.testing.assert_array_equal(w1, w2)
    assert orders1 == orders2
    np.testing.assert_array_equal(np.random.get_state()[1], state)  # global state untouched


def test_evaluate_and_predict_streaming_refuse_unfitted_and_bad_names(data):
    import io

    from sklearn.exceptions import NotFittedError

    from nnscratch.streaming import write_predictions

    X, y = data
    out = io.StringIO()
    with pytest.raises(NotFittedError):
        evaluate_streaming(LogisticRegression(), open_chunks(X, y, chunk_rows=50))
    with pytest.raises(NotFittedError):
        write_predictions(LogisticRegression(), open_chunks(X, y, chunk_rows=50), out)
    assert out.getvalue() == ""  # nothing half-written
    est = LogisticRegression(max_iter=3, random_state=0).fit(X, y)
    with pytest.raises(ValueError, match="class_names has 1 names but the model has 2"):
        evaluate_streaming(est, open_chunks(X, y, chunk_rows=50), class_names=["a"])
    with pytest.raises(ValueError, match="class_names has 1 names but the model has 2"):
        write_predictions(est, open_chunks(X, y, chunk_rows=50), out, class_names=["a"])
    assert out.getvalue() == ""


def test_search_survives_a_group_whose_fits_all_fail(data):
    from nnscratch import search

    X, y = data
    grid = search.parse_params(["learning_rate=1e6;0.1"])  # 1e6 diverges on every fold
    outcome = search.run_search(NeuralNetworkClassifier((3,), max_iter=200, random_state=0),
                                X[:60], y[:60], grid, cv=3, n_jobs=1)  # one candidate a group
    assert outcome.best_params == {"learning_rate": 0.1}
    assert outcome.failed_fits == 3
    with pytest.raises(search.SearchFailed, match="every fit failed"):
        search.run_search(NeuralNetworkClassifier((3,), max_iter=200, random_state=0),
                          X[:60] * 1e3, y[:60], search.parse_params(["learning_rate=1e6;1e7"]),
                          cv=3, n_jobs=1)
