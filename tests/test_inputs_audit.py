"""The audit of input diversity to the Python estimators, the search and the tabular
preprocessing: labels of every kind, weights, big-endian data, dates, overflowing rows,
scorers. Each input is either taken as what it is or refused in one line that names the
input at fault, before the work; no NumPy warning on the way."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pytest

from nnscratch import HiddenLayerTransformer, NeuralNetworkClassifier
from nnscratch.exceptions import DatasetError, OutputOverflowError
from nnscratch.preprocessing import Preprocessor
from nnscratch.search import SearchError, SearchFailed, run_search

pd = pytest.importorskip("pandas")

pytestmark = pytest.mark.filterwarnings("error")  # no NumPy or pandas warning either


@pytest.fixture
def data():
    X = np.random.RandomState(0).randn(40, 3)
    return X, (X[:, 0] > 0).astype(int)


def _net(**kw):
    return NeuralNetworkClassifier(**{"hidden_layer_sizes": (3,), "max_iter": 5,
                                      "random_state": 0, **kw})


def _one_line(info) -> str:
    text = str(info.value)
    assert "\n" not in text
    return text


def _no_fits(monkeypatch) -> list:
    """Record the fits a search starts (none should start)."""
    fits: list = []
    monkeypatch.setattr(NeuralNetworkClassifier, "fit",
                        lambda self, *a, **k: fits.append(1) or self)
    return fits


# ------------------------------------------------------------------ 1, 2, 10: labels


def test_text_and_numbers_in_a_list_are_refused_as_in_an_object_array(data, monkeypatch):
    """NumPy turned [0, "spam"] into the strings ["0", "spam"]: the number 0 became the
    class '0' without a word (an object array was refused)."""
    X, y = data
    mixed = ["spam" if v else 0 for v in y]
    needle = (r"^Input y mixes labels of different types, text and int \(e\.g\. 'spam' and "
              r"0\): give labels of one type, e\.g\. y\.astype\(str\)\.$")
    with pytest.raises(ValueError, match=needle) as info:
        _net().fit(X, mixed)
    _one_line(info)
    clf = _net().partial_fit(X, np.where(y, "a", "b"), classes=["a", "b"])
    with pytest.raises(ValueError, match=needle):
        clf.partial_fit(X, mixed)
    with pytest.raises(ValueError, match=r"^Input y contains missing labels"):
        _net().fit(X, ["a" if v else float("nan") for v in y])  # not the class 'nan'
    fits = _no_fits(monkeypatch)
    with pytest.raises(SearchError, match=needle[1:]):
        run_search(_net(), X, mixed, {"learning_rate": [0.1]}, cv=2, n_jobs=1)
    assert fits == []


@pytest.mark.parametrize("wrap", [
    lambda y: pd.Series(y.tolist(), dtype=object),
    lambda y: np.array(y.tolist(), dtype=object),
    lambda y: pd.Series(y.tolist(), dtype=object, index=np.arange(len(y))[::-1]),
], ids=["Series", "ndarray", "Series-index"])
def test_integer_labels_held_as_objects_are_the_integers(data, wrap):
    """They were refused as "continuous values ... a regression target"."""
    X, y = data
    as_int = _net().fit(X, y)
    clf = _net().fit(X, wrap(y))
    assert clf.classes_.dtype == as_int.classes_.dtype and clf.classes_.tolist() == [0, 1]
    np.testing.assert_array_equal(clf.params_["W1"], as_int.params_["W1"])
    assert clf.score(X, wrap(y)) == as_int.score(X, y)
    clf = _net().partial_fit(X, wrap(y), classes=np.array([0, 1], dtype=object))
    assert clf.classes_.tolist() == [0, 1] and clf.classes_.dtype.kind == "i"
    clf.partial_fit(X, wrap(y))


@pytest.mark.parametrize(("labels", "kind"), [
    (lambda y: np.array([Decimal(int(v)) for v in y], dtype=object), "Decimal"),
    (lambda y: pd.Series(pd.period_range("2020", periods=2, freq="Y")[y]), "Period"),
])
def test_labels_neither_numbers_nor_text_are_one_line(data, labels, kind):
    X, y = data
    with pytest.raises(ValueError, match=rf"^Input y holds labels of type {kind} \(e\.g\. "
                       r".*\), which a classifier cannot read as classes: give numbers or "
                       r"strings, e\.g\. y\.astype\(str\)\.$") as info:
        _net().fit(X, labels(y))
    _one_line(info)


@pytest.mark.parametrize("classes", [
    pd.array([0, 1, None], dtype="Float64"),
    pd.array(["a", "b", None], dtype="string"),
    [0, 1, pd.NA],
], ids=["Float64", "string", "list"])
def test_partial_fit_classes_with_pandas_missing_value(data, classes):
    """A RuntimeWarning and "Input y contains NaN." (it is classes), or a message about
    labels of one kind."""
    X, y = data
    with pytest.raises(ValueError, match=r"^classes holds a missing label \(None or NaN\): "
                       r"give the labels themselves, e\.g\. classes=\[0, 1\]") as info:
        _net().partial_fit(X, y, classes=classes)
    _one_line(info)


# ------------------------------------------------------------------------ 3, 4: search


def test_search_preprocessing_takes_a_dataframe(data):
    """The pre-check indexed the frame's columns with row numbers: a KeyError over lines."""
    X, y = data
    frame = pd.DataFrame(X, columns=list("abc"), index=np.arange(40)[::-1])
    prep = Preprocessor.fit_tabular(frame, list("abc"))
    outcome = run_search(_net(), frame, pd.Series(y, index=frame.index),
                         {"learning_rate": [0.01, 0.1]}, cv=2, n_jobs=1, preprocessing=prep)
    as_array = run_search(_net(), X, y, {"learning_rate": [0.01, 0.1]}, cv=2, n_jobs=1,
                          preprocessing=Preprocessor.fit_tabular(X, list("abc")))
    assert outcome.best_score == as_array.best_score


@pytest.mark.parametrize(("labels", "needle"), [
    (lambda y: [*y[:-1].tolist(), None], r"^Input y contains missing labels \(None or NaN\) "
     r"at row 39"),
    (lambda y: pd.Series([*np.where(y[:-1], "a", "b").tolist(), None], dtype="string"),
     r"^Input y contains missing labels \(None or NaN\) at row 39"),
    (lambda y: np.r_[y[:-1], np.nan], r"^Input y contains NaN: every example needs a label"),
    (lambda y: np.linspace(-1, 1, len(y)), r"^Unknown label type: continuous"),
], ids=["None", "string-NA", "NaN", "continuous"])
def test_search_checks_the_labels_before_the_folds(data, labels, needle, monkeypatch):
    """The folds read the labels first: a bare TypeError, or "--cv 2: class nan has only 1
    sample"."""
    X, y = data
    fits = _no_fits(monkeypatch)
    with pytest.raises(SearchError, match=needle) as info:
        run_search(_net(), X, labels(y), {"learning_rate": [0.01]}, cv=2, n_jobs=1)
    assert _one_line(info) and fits == []
    frame = pd.DataFrame(X, columns=list("abc"))  # with preprocessing too
    with pytest.raises(SearchError, match=needle):
        run_search(_net(), frame, labels(y), {"learning_rate": [0.01]}, cv=2, n_jobs=1,
                   preprocessing=Preprocessor.fit_tabular(frame, list("abc")))
    assert fits == []


def test_search_folds_speak_of_cv_not_the_command_line(data):
    X, y = data
    with pytest.raises(SearchError, match=r"^cv=30: class [01] has only \d+ samples, and each "
                       r"of the 30 stratified folds needs one; choose cv=\d+ or fewer"):
        run_search(_net(), X, y, {"learning_rate": [0.01]}, cv=30, n_jobs=1)


# ----------------------------------------------------------------------- 5: weights


@pytest.mark.parametrize(("weights", "needle"), [
    (float("nan"), r"^sample_weight contains NaN: give every example a finite weight"),
    (float("inf"), r"^sample_weight contains infinity: give every example a finite weight"),
    ([[1, 2], [3]], r"^sample_weight must be one number per example, shape \(40,\); it "
     r"holds lists \(or arrays\) of different lengths\.$"),
], ids=["nan", "inf", "ragged"])
def test_sample_weight_single_nan_and_ragged(data, weights, needle):
    """A single NaN was "the sample weights sum to zero", a ragged list NumPy's words."""
    X, y = data
    for call in (lambda: _net().fit(X, y, sample_weight=weights),
                 lambda: _net().partial_fit(X, y, classes=[0, 1], sample_weight=weights)):
        with pytest.raises(ValueError, match=needle) as info:
            call()
        _one_line(info)


# ------------------------------------------------------------------ 6: overflowing rows


def test_hidden_layer_activations_of_overflowing_rows_refused_as_predict(data):
    """A RuntimeWarning (overflow in matmul) and inf, handed on to a Pipeline's next step,
    where predict refuses the row in one line."""
    X, y = data
    clf = _net().fit(X, y)
    big = np.r_[X[:2], np.full((2, 3), 1.7e308)]
    with pytest.raises(OutputOverflowError, match=r"^row X\[2\] \(and 1 more\) holds "):
        clf.predict(big)
    needle = (r"^row X\[2\] \(and 1 more\) holds values too large for the network: its "
              r"hidden layer's activations overflow float64; scale the features as the "
              r"training data were scaled$")
    for call in (lambda: clf.hidden_layer_activations(big),
                 lambda: clf.hidden_layer_activations(big, layer=None),
                 lambda: HiddenLayerTransformer(clf, prefit=True).fit(X).transform(big)):
        with pytest.raises(OutputOverflowError, match=needle):
            call()


def test_hidden_layer_activations_of_a_float32_model_as_its_decision_function(data):
    """Rows that overflow float32 only are computed again in float64, as prediction does."""
    X, y = data
    clf = _net().fit(X.astype(np.float32), y)
    big = np.full((2, 3), 3e38, dtype=np.float32)
    assert clf.decision_function(big).dtype == np.float64
    A = clf.hidden_layer_activations(big)
    assert A.dtype == np.float64 and np.isfinite(A).all()
    small = clf.hidden_layer_activations(X[:5].astype(np.float32))
    assert small.dtype == np.float32


# ------------------------------------------------------------ 7, 8: tabular preprocessing


@pytest.mark.parametrize("scale", [1e-200, 1e-320, 1e200])
def test_fit_tabular_column_of_tiny_or_huge_values_says_its_spread(scale):
    """A column of values ~1e-200 got std 1 as a constant one (its squares underflowed),
    and reached the network as ~1e-200; ~1e200 was "a standard deviation of inf"."""
    raw = np.random.RandomState(0).randn(50, 1) * scale
    with pytest.raises(DatasetError, match=r"^the training table's column 'a' has a mean of "
                       r"\S+ and a standard deviation of (\S+): .*; rescale that column$") \
            as info:
        Preprocessor.fit_tabular(raw, ["a"])
    std = float(str(info.value).split("standard deviation of ")[1].split(":")[0])
    assert np.log10(std) == pytest.approx(np.log10(scale), abs=0.5)  # its own spread


@pytest.mark.parametrize(("raw", "needle"), [
    (np.random.RandomState(0).randn(6, 1) + 1j,
     r"^the training table: the column 'a' holds complex numbers \(complex128\); a table's "
     r"features must be real numbers"),
    (np.arange(6).astype("datetime64[D]").reshape(-1, 1),
     r"^the training table: the column 'a' holds dates or times \(datetime64\[D\]\), not "
     r"numbers"),
], ids=["complex", "datetime64"])
def test_fit_tabular_refuses_complex_numbers_and_dates(raw, needle):
    """Complex numbers lost their imaginary part with a ComplexWarning, and dates became
    counts since 1970 (a mean of 129600.0 for four days)."""
    with pytest.raises(DatasetError, match=needle) as info:
        Preprocessor.fit_tabular(raw, ["a"])
    _one_line(info)


@pytest.mark.parametrize(("raw", "needle"), [
    (np.array([[0.0, np.nan]]), r"^the table holds NaN or infinite values \(first: column "
     r"'b', row 0\); fill them in or drop those rows$"),
    (np.array([[0.0, 1.0], [np.inf, 0.0]]), r"^the table holds NaN or infinite values "
     r"\(first: column 'a', row 1\)"),
    (np.array([[2 + 5j, 1.0]]), r"^the table: it holds complex numbers"),
], ids=["nan", "inf", "complex"])
def test_transform_tabular_refuses_what_fit_tabular_refuses(raw, needle):
    """NaN and infinity were passed on, complex numbers lost their imaginary part."""
    prep = Preprocessor.fit_tabular(np.random.RandomState(0).randn(5, 2), ["a", "b"])
    with pytest.raises(DatasetError, match=needle) as info:
        prep.transform(raw)
    _one_line(info)


@pytest.mark.parametrize(("columns", "needle"), [
    (None, r"^columns must be a list of names, one per column, not None"),
    (5, r"^columns must be a list of names, one per column, not 5"),
    (["a", None], r"^columns\[1\] is None: give every column a name$"),
], ids=["None", "int", "None-name"])
def test_fit_tabular_columns_that_are_not_names(columns, needle):
    """A bare TypeError ("'NoneType' object is not iterable"), or a column named 'None'."""
    with pytest.raises(DatasetError, match=needle):
        Preprocessor.fit_tabular(np.ones((3, 2)), columns)


# -------------------------------------------------------------------------- 9: dates


def test_numpy_dates_are_refused_as_a_frame_s(data):
    """datetime64 arrays trained as counts of seconds since 1970; a pandas frame's date
    column is refused as a ValueError, as other values that are not numbers are."""
    X, y = data
    when = np.arange(40).astype("datetime64[s]")
    needle = (r"^X holds dates or times \(datetime64\[s\]\), which cannot be converted to "
              r"numbers: the network needs numbers; encode them first")
    with pytest.raises(ValueError, match=needle) as info:
        _net().fit(np.c_[when, when], y)
    _one_line(info)
    clf = _net().fit(X[:, :2], y)
    with pytest.raises(ValueError, match=needle):
        clf.predict(np.c_[when, when])
    with pytest.raises(ValueError, match=needle.replace("^X", "^X_val")):
        _net().fit(X[:, :2], y, X_val=np.c_[when, when], y_val=y)
    frame = pd.DataFrame({"x": X[:, 0], "when": pd.date_range("2024", periods=40)})
    with pytest.raises(ValueError, match=r"^X has columns that cannot be converted to "
                       r"numbers, 'when' \(datetime64"):
        _net().fit(frame, y)


def test_polars_dates_are_refused(data):
    pl = pytest.importorskip("polars")
    X, y = data
    frame = pl.DataFrame({"x": X[:, 0], "when": pd.date_range("2024", periods=40, freq="h")})
    with pytest.raises(ValueError, match=r"^X has columns that cannot be converted to "
                       r"numbers, 'when' \(Datetime"):
        _net().fit(frame, y)
    with pytest.raises(DatasetError, match=r"^the training table: the column 'when' holds "
                       r"dates or times"):
        Preprocessor.fit_tabular(frame, ["x", "when"])


# -------------------------------------------------------------------------- 11: score


def test_score_checks_labels_and_weights_as_fit(data):
    """score() took negative weights (an "accuracy" of 0.6), and a None label gave a bare
    TypeError, NaN a NumPy warning."""
    X, y = data
    labels = np.where(y, "a", "b")
    clf = _net().fit(X, labels)
    with pytest.raises(ValueError, match=r"^sample_weight\[0\] is -1: weights must be >= 0"):
        clf.score(X, labels, sample_weight=-np.ones(40))
    with pytest.raises(ValueError, match=r"^Input y contains missing labels \(None or NaN\) "
                       r"at row 39"):
        clf.score(X, [*labels[:-1].tolist(), None])
    numbers = _net().fit(X, y)
    with pytest.raises(ValueError, match=r"^Input y contains missing labels \(None or NaN\) "
                       r"at row 39"):
        numbers.score(X, np.r_[y[:-1].astype(float), np.nan])
    with pytest.raises(ValueError, match=r"^X has 40 rows but y has 39 labels"):
        numbers.score(X, y[:-1])
    with pytest.raises(ValueError, match=r"^sample_weight has 3 weights but X has 40 rows"):
        numbers.score(X, y, sample_weight=[1, 2, 3])
    weights = np.arange(40) % 3
    assert numbers.score(X, y, sample_weight=weights) == pytest.approx(
        np.average(numbers.predict(X) == y, weights=weights))


# --------------------------------------------------------------------- 12: byte order


def test_big_endian_float32_trains_and_predicts_in_float32(data):
    """A '>f4' array (as h5py gives a big-endian dataset) became a float64 copy."""
    X, y = data
    X32 = X.astype(np.float32)
    big = X32.astype(">f4")
    clf, native = _net().fit(big, y, X_val=big[:5], y_val=y[:5]), _net().fit(X32, y)
    assert clf.params_["W1"].dtype == np.float32
    np.testing.assert_array_equal(clf.params_["W1"], native.params_["W1"])
    assert clf.predict_proba(big).dtype == np.float32
    assert clf.hidden_layer_activations(big).dtype == np.float32
    assert _net().partial_fit(big, y, classes=[0, 1]).params_["W1"].dtype == np.float32


# ------------------------------------------------------------------------ 13: scoring


@pytest.mark.parametrize(("scoring", "instead"), [
    ("f1", r"'f1_macro' or 'f1_weighted'"), ("roc_auc", r"'roc_auc_ovr' or 'roc_auc_ovo'"),
    ("precision", r"'precision_macro'"),
])
def test_binary_scorer_on_more_classes_refused_before_any_fit(data, scoring, instead,
                                                             monkeypatch):
    """Every fit ran, then "its score is not a number"."""
    X, _ = data
    fits = _no_fits(monkeypatch)
    with pytest.raises(SearchError, match=rf"^scoring='{scoring}' scores two classes only, "
                       rf"and y has 3; give e\.g\. {instead}"):
        run_search(_net(), X, np.arange(40) % 3, {"learning_rate": [0.1]}, cv=2, n_jobs=1,
                   scoring=scoring)
    assert fits == []


def test_a_failing_scorer_says_why(data):
    X, y = data
    with pytest.raises(SearchFailed, match=r"^no candidate has a score: 2 of the 2 fits could "
                       r"not be scored by scoring='f1' \(the scorer failed: ValueError: "
                       r"pos_label=1 is not a valid label"):
        run_search(_net(), X, np.where(y, "a", "b"), {"learning_rate": [0.1]}, cv=2,
                   n_jobs=1, scoring="f1")


@pytest.mark.parametrize("scoring", [["accuracy"], {"acc": "accuracy"}, "f1_samples"],
                         ids=["list", "dict", "samples"])
def test_scoring_that_cannot_rank_refused_before_any_fit(data, scoring, monkeypatch):
    """A list or dict failed on scikit-learn's refit=<name> that run_search does not take;
    a *_samples scorer failed on every fold."""
    X, y = data
    fits = _no_fits(monkeypatch)
    with pytest.raises(SearchError, match=r"^scoring=") as info:
        run_search(_net(), X, y, {"learning_rate": [0.1]}, cv=2, n_jobs=1, scoring=scoring)
    assert _one_line(info) and fits == []


# ----------------------------------------------------------------- 14, 15: y named y


@pytest.mark.parametrize(("y_val", "needle"), [
    (lambda y: y[:5] + 0j, r"^Complex data not supported: y_val holds complex numbers; give "
     r"class labels"),
    (lambda y: [[0], [1, 1], [0], [1], [0]], r"^y_val must hold one label per validation "
     r"example, shape \(n_val,\); got lists of different lengths\.$"),
], ids=["complex", "ragged"])
def test_y_val_complex_or_ragged(data, y_val, needle):
    """"got shape (5,)" for complex labels (a shape error printing the right shape), and
    NumPy's "setting an array element with a sequence" for a ragged list."""
    X, y = data
    with pytest.raises(ValueError, match=needle) as info:
        _net().fit(X, y, X_val=X[:5], y_val=y_val(y))
    _one_line(info)


@pytest.mark.parametrize(("labels", "needle"), [
    (np.array([0, 1, 0, 1]).reshape(4, 1, 1), r"^y has 3 dimensions \(shape \(4, 1, 1\)\): "
     r"give one label per example, shape \(4,\)"),
    ([[0], [1, 1], [0], [1]], r"^y must hold one label per example, shape \(4,\); it holds "
     r"lists \(or arrays\) of different lengths\.$"),
    (np.array([0, 1, 0, 1]) + 0j, r"^Complex data not supported: y holds complex numbers"),
    (np.zeros((4, 0)), r"^y has shape \(4, 0\): give one label per example, shape \(4,\)"),
    (np.array([0, np.inf, 0, 1]), r"^Input y contains infinity or a value too large for "
     r"dtype\('float64'\): every example needs a finite label"),
], ids=["3-D", "ragged", "complex", "no-columns", "inf"])
def test_errors_in_y_name_y_not_x(labels, needle):
    """X was blamed: "X has 3 dimensions", "X has rows of different lengths", "the real part
    X.real", and infinity in y got the features' advice."""
    X = np.random.RandomState(0).randn(4, 3)
    for call in (lambda: _net().fit(X, labels),
                 lambda: _net().partial_fit(X, labels, classes=[0, 1])):
        with pytest.raises(ValueError, match=needle) as info:
            call()
        assert "X" not in _one_line(info)
    with pytest.raises(ValueError, match=r"^X has 3 dimensions"):  # X's own stay X's
        _net().fit(X.reshape(4, 3, 1), labels)
