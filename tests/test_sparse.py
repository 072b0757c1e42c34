"""scipy.sparse input: the same weights as on the dense copy, and never made dense."""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp

from nnscratch import LogisticRegression, NeuralNetworkClassifier

TOL = {"rtol": 1e-10, "atol": 1e-12}


def random_csr(m, n, density, seed=0, dtype=np.float64):
    """A random (m, n) CSR matrix with about ``density * m * n`` non-zeros in [-2, 2)
    (``scipy.sparse.random`` draws without replacement over m·n cells: seconds)."""
    rng = np.random.default_rng(seed)
    k = round(density * m * n)
    rows = np.sort(rng.integers(0, m, size=k))
    cols = rng.integers(0, n, size=k)
    values = rng.uniform(-2.0, 2.0, size=k).astype(dtype)
    return sp.csr_matrix((values, (rows, cols)), shape=(m, n))  # duplicates summed


def _sparse_problem(m=120, n=300, density=0.03, n_classes=2, seed=0, dtype=np.float64):
    rng = np.random.default_rng(seed)
    X = random_csr(m, n, density, seed, dtype)
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


SOLVERS = ["gd", "momentum", "rmsprop", "adam"]


def _pair(cls, X, y, fit_kwargs=None, **kwargs):
    """The same estimator fitted on CSR X and on its dense copy."""
    fit_kwargs = fit_kwargs or {}
    dense_kwargs = {k: (v.toarray() if sp.issparse(v) else v) for k, v in fit_kwargs.items()}
    with warnings.catch_warnings():  # a run whose cost climbs warns: the same on both
        warnings.filterwarnings("ignore", r"\w+: the cost rose")
        a = cls(**kwargs).fit(X, y, **fit_kwargs)
        b = cls(**kwargs).fit(X.toarray(), y, **dense_kwargs)
    return a, b


@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("batch_size", [None, 32], ids=["full", "mini"])
@pytest.mark.parametrize("cls", [NeuralNetworkClassifier, LogisticRegression],
                         ids=["network", "logistic"])
def test_every_solver_gives_the_dense_weights(binary, solver, batch_size, cls):
    X, y = binary
    kwargs = {"solver": solver, "batch_size": batch_size, "learning_rate": 0.05, "max_iter": 6,
                  "random_state": 1, "algorithm": "plain", "alpha": 0.3}
    if cls is NeuralNetworkClassifier:
        kwargs["hidden_layer_sizes"] = (7, 4)
    a, b = _pair(cls, X, y, **kwargs)
    _assert_same_weights(a, b)
    assert a.loss_curve_ == pytest.approx(b.loss_curve_, rel=1e-12)


def _record_first_layer(monkeypatch):
    """Collect the type of every first layer the engine picks."""
    from nnscratch import _engine

    picked = []
    original = _engine.first_layer

    def spy(*args, **kwargs):
        layer = original(*args, **kwargs)
        picked.append(type(layer).__name__)
        return layer

    monkeypatch.setattr("nnscratch.training._engine.first_layer", spy)
    return picked


@pytest.mark.parametrize("solver", ["gd", "momentum"])
@pytest.mark.parametrize("batch_size", [None, 16], ids=["full", "mini"])
@pytest.mark.parametrize("cls", [NeuralNetworkClassifier, LogisticRegression],
                         ids=["network", "logistic"])
def test_rowspace_path_on_sparse_data_gives_the_dense_weights(monkeypatch, solver, batch_size,
                                                               cls):
    X, y = _sparse_problem(m=60, n=400, density=0.05)
    picked = _record_first_layer(monkeypatch)
    kwargs = {"solver": solver, "batch_size": batch_size, "learning_rate": 0.1, "max_iter": 8,
                  "random_state": 2, "alpha": 0.2}
    if cls is NeuralNetworkClassifier:
        kwargs["hidden_layer_sizes"] = (5,)
    a = cls(**kwargs, algorithm="rowspace").fit(X, y)
    b = cls(**kwargs, algorithm="plain").fit(X.toarray(), y)
    assert picked == ["RowSpaceFirstLayer", "DenseFirstLayer"]
    _assert_same_weights(a, b)
    if solver == "momentum":  # the velocity comes back from coefficient form
        np.testing.assert_allclose(a.optimizer_.velocity("W1"), b.optimizer_.velocity("W1"),
                                   **TOL)


def test_auto_picks_rowspace_on_sparse_data_only_where_it_pays(monkeypatch):
    from nnscratch._rowspace import rowspace_is_faster

    picked = _record_first_layer(monkeypatch)
    # Few examples, many features, many steps: the dense update of W1 dominates.
    X, y = _sparse_problem(m=150, n=30000, density=0.001)
    NeuralNetworkClassifier((4,), max_iter=20, random_state=0).fit(X, y)
    # adam leaves the row space; plain sparse products then; and so do a few epochs.
    NeuralNetworkClassifier((4,), solver="adam", max_iter=20, random_state=0).fit(X, y)
    NeuralNetworkClassifier((4,), max_iter=2, random_state=0).fit(X, y)
    assert picked == ["RowSpaceFirstLayer", "SparseFirstLayer", "SparseFirstLayer"]
    # The measured cases of docs/sparse.md: (n_x, m, n_1, epochs, batch, nnz).
    assert rowspace_is_faster(200000, 500, 16, 50, None, nnz=50_000)
    assert rowspace_is_faster(200000, 500, 16, 5, 50, nnz=50_000)
    assert rowspace_is_faster(100000, 1000, 32, 6, None, nnz=100_000)
    assert not rowspace_is_faster(100000, 1000, 32, 3, None, nnz=100_000)
    assert not rowspace_is_faster(5000, 3000, 16, 20, None, nnz=150_000)
    assert not rowspace_is_faster(200000, 20000, 16, 10, nnz=2_000_000)  # m > MAX_SAMPLES


def test_explicit_rowspace_refused_with_one_line_where_it_cannot_run(binary):
    X, y = binary
    est = NeuralNetworkClassifier((3,), solver="adam", algorithm="rowspace", max_iter=2)
    with pytest.raises(ValueError, match=r"^algorithm='rowspace' cannot be used here: "
                                         r"solver='adam'[^\n]*$"):
        est.fit(X, y)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_float32_stays_float32_and_other_dtypes_become_float64(dtype):
    X, y = _sparse_problem(dtype=np.float64)
    Xd = X.astype(dtype)
    est = NeuralNetworkClassifier((4,), max_iter=3, random_state=0).fit(Xd, y)
    assert est.params_["W1"].dtype == dtype
    assert est.predict_proba(Xd).dtype == dtype
    Xi = (X != 0).astype(np.int64)
    assert NeuralNetworkClassifier((4,), max_iter=2).fit(Xi, y).params_["W1"].dtype == np.float64
    # float32 weights against their dense float32 run, to float32 rounding
    b = NeuralNetworkClassifier((4,), max_iter=3, random_state=0).fit(Xd.toarray(), y)
    np.testing.assert_allclose(est.params_["W1"], b.params_["W1"],
                               rtol=1e-4 if dtype == np.float32 else 1e-10, atol=1e-6)


@pytest.mark.parametrize("fmt", ["csc", "coo", "lil", "dok", "csr_array", "csc_array"])
def test_other_sparse_formats_are_trained_as_csr(binary, fmt):
    X, y = binary
    other = (sp.csr_array(X) if fmt == "csr_array" else
             sp.csc_array(X) if fmt == "csc_array" else X.asformat(fmt))
    kwargs = {"hidden_layer_sizes": (4,), "max_iter": 4, "random_state": 0, "learning_rate": 0.3}
    a = NeuralNetworkClassifier(**kwargs).fit(other, y)
    b = NeuralNetworkClassifier(**kwargs).fit(X, y)
    _assert_same_weights(a, b)
    np.testing.assert_allclose(a.predict_proba(other), b.predict_proba(X), **TOL)


def test_non_finite_values_in_sparse_data_are_refused(binary):
    X, y = binary
    bad = X.copy()
    bad.data[3] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        NeuralNetworkClassifier((3,), max_iter=2).fit(bad, y)


def test_multiclass_dropout_weights_and_validation_set(monkeypatch):
    X, y = _sparse_problem(m=150, n=250, n_classes=3, seed=3)
    Xv, yv = _sparse_problem(m=40, n=250, n_classes=3, seed=4)
    yv = np.where(np.isin(yv, y), yv, y[0])
    w = np.random.default_rng(0).uniform(0.5, 2.0, len(y))
    kwargs = {"hidden_layer_sizes": (6, 5), "dropout": 0.2, "class_weight": {0: 2.0},
                  "batch_size": 50, "learning_rate": 0.1, "max_iter": 5, "random_state": 3,
                  "algorithm": "plain", "solver": "adam", "alpha": 0.1}
    a, b = _pair(NeuralNetworkClassifier, X, y,
                 fit_kwargs={"sample_weight": w, "X_val": Xv, "y_val": yv}, **kwargs)
    _assert_same_weights(a, b)
    assert a.validation_losses_ == pytest.approx(b.validation_losses_, rel=1e-10)
    assert a.validation_scores_ == b.validation_scores_
    assert a.predict_proba(X).shape == (150, 3)
    # a dense X_val beside sparse X (and the other way round) works too
    c = NeuralNetworkClassifier(**kwargs).fit(X, y, sample_weight=w, X_val=Xv.toarray(),
                                              y_val=yv)
    _assert_same_weights(a, c)


@pytest.mark.parametrize("algorithm", ["plain", "auto"])
def test_early_stopping_splits_sparse_data(algorithm):
    X, y = _sparse_problem(m=200, n=300, seed=5)
    kwargs = {"hidden_layer_sizes": (5,), "early_stopping": True, "n_iter_no_change": 3,
                  "learning_rate": 0.2, "max_iter": 12, "random_state": 4, "algorithm": algorithm}
    for batch_size in (None, 40):
        a, b = _pair(NeuralNetworkClassifier, X, y, batch_size=batch_size, **kwargs)
        _assert_same_weights(a, b)
        assert a.validation_scores_ == b.validation_scores_


def test_warm_start_and_partial_fit_on_sparse_data(binary):
    X, y = binary
    kwargs = {"hidden_layer_sizes": (5,), "learning_rate": 0.2, "max_iter": 3, "random_state": 0,
                  "solver": "momentum", "warm_start": True}
    a, b = _pair(NeuralNetworkClassifier, X, y, **kwargs)
    a.fit(X, y)
    b.fit(X.toarray(), y)
    _assert_same_weights(a, b)
    c = NeuralNetworkClassifier((5,), random_state=0, batch_size=30)
    d = NeuralNetworkClassifier((5,), random_state=0, batch_size=30)
    for chunk in (slice(0, 60), slice(60, 120), slice(0, 120)):
        c.partial_fit(X[chunk], y[chunk], classes=[0, 1])
        d.partial_fit(X[chunk].toarray(), y[chunk], classes=[0, 1])
    _assert_same_weights(c, d)
    # a float32 chunk into float64 weights is cast, still sparse
    c.partial_fit(X.astype(np.float32), y)
    assert c.params_["W1"].dtype == np.float64


def test_hidden_layers_and_transformer_on_sparse_data(binary):
    from sklearn.linear_model import LogisticRegression as SkLogistic
    from sklearn.pipeline import make_pipeline

    from nnscratch import HiddenLayerTransformer

    X, y = binary
    net = NeuralNetworkClassifier((6, 3), activation="tanh", max_iter=5, random_state=0).fit(X, y)
    for layer in (1, 2, -1, None):
        got, want = net.hidden_layer_activations(X, layer), net.hidden_layer_activations(
            X.toarray(), layer)
        for g, w in zip(got if layer is None else [got], want if layer is None else [want]):
            np.testing.assert_allclose(g, w, **TOL)
    pipe = make_pipeline(HiddenLayerTransformer(net), SkLogistic()).fit(X, y)
    assert pipe[0].transform(X).shape == (X.shape[0], 3)
    assert pipe.score(X, y) > 0.5


def test_fit_never_allocates_a_dense_copy_of_the_data():
    """The dense (n_features x m) array would be 480 MB; the whole fit and prediction
    stay far below it (tracemalloc counts NumPy's and SciPy's arrays)."""
    import tracemalloc

    n = 20000
    # The row-space form holds the (m, m) Gram matrix: fewer examples for it.
    for m, kwargs in ((3000, {}), (3000, {"batch_size": 256, "solver": "adam"}),
                      (1000, {"algorithm": "rowspace"})):
        X = random_csr(m, n, 0.001)
        y = np.arange(m) % 2
        dense_bytes = m * n * 8
        tracemalloc.start()
        try:
            est = NeuralNetworkClassifier((8,), max_iter=2, random_state=0, **kwargs).fit(X, y)
            est.predict_proba(X)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        assert peak < dense_bytes / 10, (kwargs, peak)


@pytest.mark.slow
@pytest.mark.parametrize("kwargs", [{"max_iter": 3}, {"max_iter": 1, "batch_size": 2000}],
                         ids=["full", "mini"])
def test_memory_grows_with_the_non_zeros(kwargs):
    """The issue's acceptance: a 20000 x 200000 CSR matrix of density 0.0005 (2e6
    non-zeros, 24 MB; dense it would be 32 GB) trains with a peak of extra memory under
    3x the matrix's bytes plus the weights'."""
    import tracemalloc

    X = random_csr(20000, 200000, 0.0005)
    y = np.arange(X.shape[0]) % 2
    matrix_bytes = X.data.nbytes + X.indices.nbytes + X.indptr.nbytes
    est = NeuralNetworkClassifier((16,), random_state=0, **kwargs)
    tracemalloc.start()
    try:
        est.fit(X, y)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    weight_bytes = sum(W.nbytes for W in est.params_.values())
    assert peak < 3 * matrix_bytes + weight_bytes, (peak, matrix_bytes, weight_bytes)
    assert np.isfinite(est.loss_curve_).all()


def test_standardising_sparse_data_is_refused_in_one_line(binary):
    from nnscratch.exceptions import DatasetError
    from nnscratch.preprocessing import Preprocessor

    X, _ = binary
    with pytest.raises(DatasetError, match=r"^tabular standardisation would make this sparse "
                                           r"matrix dense[^\n]*MaxAbsScaler$"):
        Preprocessor.fit_tabular(X, [f"c{i}" for i in range(X.shape[1])])
    pre = Preprocessor.fit_tabular(np.zeros((2, X.shape[1])), [f"c{i}" for i in range(X.shape[1])])
    with pytest.raises(DatasetError, match="sparse"):
        pre.transform(X)


@pytest.mark.parametrize("val", ["sparse", "dense", "split"])
def test_rowspace_path_with_validation_data(monkeypatch, val):
    X, y = _sparse_problem(m=80, n=400, density=0.05, seed=6)
    Xv, yv = _sparse_problem(m=30, n=400, density=0.05, seed=7)
    picked = _record_first_layer(monkeypatch)
    kwargs = {"hidden_layer_sizes": (4,), "learning_rate": 0.2, "max_iter": 8, "random_state": 5,
                  "solver": "momentum", "early_stopping": True, "n_iter_no_change": 20}
    fit = {} if val == "split" else {"X_val": Xv if val == "sparse" else Xv.toarray(),
                                     "y_val": yv}
    a = NeuralNetworkClassifier(**kwargs, algorithm="rowspace").fit(X, y, **fit)
    b = NeuralNetworkClassifier(**kwargs, algorithm="plain").fit(
        X.toarray(), y, **{k: (v.toarray() if sp.issparse(v) else v) for k, v in fit.items()})
    assert picked[0] == "RowSpaceFirstLayer"
    _assert_same_weights(a, b)
    assert a.validation_losses_ == pytest.approx(b.validation_losses_, rel=1e-10)


def test_float32_rowspace_path_stays_float32():
    X, y = _sparse_problem(m=60, n=400, density=0.05, dtype=np.float32)
    est = NeuralNetworkClassifier((4,), algorithm="rowspace", max_iter=4, random_state=0)
    est.fit(X, y)
    assert all(W.dtype == np.float32 for W in est.params_.values())
    ref = NeuralNetworkClassifier((4,), algorithm="plain", max_iter=4, random_state=0)
    np.testing.assert_allclose(est.params_["W1"], ref.fit(X, y).params_["W1"], rtol=1e-4,
                               atol=1e-6)


def test_scikit_learn_callbacks_and_grid_search_on_sparse_data(binary):
    sk_callback = pytest.importorskip("sklearn.callback", reason="scikit-learn < 1.9")
    from sklearn.model_selection import GridSearchCV

    X, y = binary
    monitor = sk_callback.ScoringMonitor(scoring=["accuracy"])
    clf = NeuralNetworkClassifier((4,), max_iter=3, random_state=0).set_callbacks(monitor)
    clf.fit(X, y)
    rows = [row for row in monitor.get_logs().data if row["task_name"] == "fit"]
    assert rows[0]["accuracy"] == clf.score(X, y)
    search = GridSearchCV(LogisticRegression(max_iter=5), {"learning_rate": [0.01, 0.5]},
                          cv=2).fit(X, y)
    assert search.best_estimator_.predict(X[:5]).shape == (5,)


@pytest.mark.parametrize("cls", [NeuralNetworkClassifier, LogisticRegression],
                         ids=["network", "logistic"])
def test_gradient_descent_updates_only_the_batch_features_exactly(monkeypatch, cls):
    """Plain gradient descent without L2 steps only W1's columns of the features in
    the batch (no dense dW1): the same weights as the dense path."""
    from nnscratch.optimizers import GradientDescent

    X, y = _sparse_problem(m=100, n=30000, density=0.0001, seed=8)  # 3 non-zeros a row
    kwargs = {"batch_size": 10, "learning_rate": 0.3, "max_iter": 4, "random_state": 9,
                  "algorithm": "plain", "learning_rate_schedule": "inverse_time", "decay_rate": 0.5}
    if cls is NeuralNetworkClassifier:
        kwargs["hidden_layer_sizes"] = (5,)
    dense_steps = []
    original = GradientDescent.update_more

    def spy(self, params, grads, scaled=False):
        dense_steps.append(sorted(params))
        return original(self, params, grads, scaled)

    monkeypatch.setattr(GradientDescent, "update_more", spy)
    a = cls(**kwargs).fit(X, y)
    assert dense_steps == []  # every step of W1 was the columns of the batch's features
    b = cls(**kwargs).fit(X.toarray(), y)
    assert dense_steps and all(names == ["W1"] for names in dense_steps)
    _assert_same_weights(a, b)
    c = cls(**{**kwargs, "alpha": 0.5}).fit(X, y)  # L2 shrinks every column: dense steps
    assert len(dense_steps) == 2 * a.n_iter_ * 10
    _assert_same_weights(c, cls(**{**kwargs, "alpha": 0.5}).fit(X.toarray(), y))


def test_duplicates_unsorted_indices_and_row_major_weights():
    """A CSR matrix with repeated and unsorted column indices means the sum of its
    entries, as toarray() does; a W1 in C order (a model read from a file) is trained
    in place."""
    rng = np.random.default_rng(11)
    m, n = 50, 40
    indptr = np.arange(0, 4 * m + 1, 4)
    indices = rng.integers(0, n, size=4 * m)
    indices[1::4] = indices[::4]  # each row repeats a column
    X = sp.csr_matrix((rng.uniform(-1, 1, 4 * m), indices, indptr), shape=(m, n))
    assert not X.has_canonical_format
    y = np.arange(m) % 2
    for batch_size in (None, 8):
        kwargs = {"hidden_layer_sizes": (3,), "max_iter": 3, "random_state": 0, "warm_start": True,
                      "batch_size": batch_size, "algorithm": "plain"}
        a, b = _pair(NeuralNetworkClassifier, X, y, **kwargs)
        _assert_same_weights(a, b)
        for est in (a, b):
            est.params_["W1"] = np.ascontiguousarray(est.params_["W1"])
        W1 = a.params_["W1"]
        a.fit(X, y)
        b.fit(X.toarray(), y)
        assert a.params_["W1"] is W1 and W1.flags.c_contiguous
        _assert_same_weights(a, b)
