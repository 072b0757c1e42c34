"""Estimator behaviour: labels, validation errors, numerics at the extremes."""

import re
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.base import clone
from sklearn.datasets import make_moons

from nnscratch import (
    ConvergenceWarning,
    LogisticRegression,
    NeuralNetworkClassifier,
    NonFiniteWeightsError,
)


@pytest.fixture(scope="module")
def moons():
    return make_moons(n_samples=200, noise=0.15, random_state=0)


def test_logistic_regression_is_the_one_neuron_network(moons):
    X, y = moons
    lr = LogisticRegression(learning_rate=0.1, max_iter=200).fit(X, y)
    nn = NeuralNetworkClassifier((), init="zeros", learning_rate=0.1, max_iter=200).fit(X, y)
    for key in ("W1", "b1"):
        np.testing.assert_array_equal(lr.params_[key], nn.params_[key])
    assert lr.params_["W1"].shape == (1, 2) and lr.params_["b1"].shape == (1, 1)
    assert lr.costs_ == nn.costs_


def test_learned_attributes_follow_the_course_convention(moons):
    X, y = moons
    clf = NeuralNetworkClassifier((4, 3), learning_rate=0.1, max_iter=250, cost_every=50,
                                  random_state=0).fit(X, y)
    assert len(clf.loss_curve_) == 250 and clf.n_iter_ == 250
    assert clf.costs_ == clf.loss_curve_[::50] and len(clf.costs_) == 5
    assert [v.shape for v in clf.params_.values()] == [(4, 2), (4, 1), (3, 4), (3, 1), (1, 3),
                                                      (1, 1)]
    assert clf.loss_curve_[-1] < clf.loss_curve_[0]


def test_string_labels_and_probabilities(moons):
    X, y = moons
    labels = np.array(["dog", "cat"])[y]
    clf = NeuralNetworkClassifier((8,), learning_rate=0.5, max_iter=1000, random_state=1)
    clf.fit(X, labels)
    assert list(clf.classes_) == ["cat", "dog"]
    proba = clf.predict_proba(X)
    assert proba.shape == (200, 2)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    np.testing.assert_array_equal(clf.predict(X), clf.classes_[proba.argmax(axis=1)])
    assert set(clf.predict(X)) <= {"cat", "dog"}
    assert clf.score(X, labels) > 0.95


def test_random_state_reproduces_and_leaves_global_state_alone(moons):
    X, y = moons
    np.random.seed(0)
    before = np.random.get_state()[1].copy()
    a = NeuralNetworkClassifier((5,), max_iter=50, random_state=4).fit(X, y)
    b = NeuralNetworkClassifier((5,), max_iter=50, random_state=4).fit(X, y)
    np.testing.assert_array_equal(a.params_["W1"], b.params_["W1"])
    assert np.array_equal(np.random.get_state()[1], before)


def test_verbose_prints_costs_to_stderr(moons, capsys):
    X, y = moons
    LogisticRegression(max_iter=201, verbose=True).fit(X, y)
    out, err = capsys.readouterr()
    assert out == ""
    assert "Cost after iteration 0: 0.693147" in err and "iteration 200" in err


@pytest.mark.parametrize(
    "X, y, message",
    [
        ([[0.0, np.nan], [1.0, 2.0]], [0, 1], "NaN"),
        ([[0.0, np.inf], [1.0, 2.0]], [0, 1], "infinity"),
        ([[0.0, 1.0], [1.0, 2.0], [2.0, 3.0]], [1, 1, 1], "only one class"),
        (np.empty((0, 2)), [], r"X has no rows \(shape \(0, 2\)\): give at least one"),
        ([["a", "b"], ["c", "d"]], [0, 1], "convert|string"),
        ([[0.0, 1.0], [1.0, 2.0]], [0.5, 1.5], "Unknown label type"),
    ],
)
def test_bad_training_data_gets_a_clear_error(X, y, message):
    for clf in (LogisticRegression(), NeuralNetworkClassifier((3,))):
        with pytest.raises(ValueError, match=message):
            clf.fit(np.asarray(X, dtype=object) if message.startswith("convert") else X, y)


@pytest.mark.parametrize(
    "X, message",
    [
        (np.ones((6, 3), dtype=complex), "Complex data not supported: give real numbers"),
        (np.ones(6), "Expected 2D array, got 1D array instead. Reshape your data"),
        # a repr over many lines, each but the first starting with a number
        (np.linspace(0, 1, 300), "Expected 2D array, got 1D array instead. Reshape your"),
        (np.r_[np.ones((5, 3)), [[np.nan] * 3]], "Input X"),  # "X_val" for X_val
        (sp.random(6, 3, density=0.5, format="csr", random_state=0).astype(np.complex64),
         "Complex data not supported"),
    ],
)
def test_scikit_learns_input_errors_come_in_one_line(X, message):
    """scikit-learn appends the array's repr to some input errors (many lines, a whole
    picture's pixels): the estimators give them in one line, its wording kept."""
    y = np.arange(6) % 2
    fitted = LogisticRegression(max_iter=2).fit(np.ones((6, 3)), y)
    for call, named in ((lambda: NeuralNetworkClassifier((3,), max_iter=2).fit(X, y), ""),
                        (lambda: LogisticRegression(max_iter=2).fit(X, y), ""),
                        (lambda: fitted.predict_proba(X), ""),
                        (lambda: NeuralNetworkClassifier((3,), max_iter=2).fit(
                            np.ones((6, 3)), y, X_val=X, y_val=y), "X_val: ")):
        with pytest.raises(ValueError) as info:
            call()
        text = str(info.value)
        # a text that names no input gets the validation set's name
        expected = message if message.startswith("Input X") else named + message
        assert text.startswith(expected) and "\n" not in text and "[" not in text, text
        assert len(text) < 300 and "0.5" not in text, text


def test_shape_errors_say_what_to_do_and_keep_the_words_scikit_learn_checks():
    # they were scikit-learn's: "Found input variables with inconsistent numbers of
    # samples: [6, 5]", "Expected 2D array, got scalar array" for None, "float()
    # argument must be a string or a real number, not 'dict'", "sample_weight contains
    # NaN." with nothing to do
    X, y = np.ones((6, 3)), np.arange(6) % 2
    fitted = NeuralNetworkClassifier((3,), max_iter=2).fit(X, y)
    cases = [
        (lambda: NeuralNetworkClassifier((3,)).fit(X, y[:5]),
         r"^X has 6 rows but y has 5 labels: give one label per example\.$"),
        (lambda: NeuralNetworkClassifier((3,)).fit(None, y),
         r"^X is None: give the examples, a 2-D array \(n_samples, n_features\)\.$"),
        (lambda: fitted.predict(None), r"^X is None: give the examples"),
        (lambda: fitted.predict(np.ones((0, 3))),
         r"^X has no rows \(shape \(0, 3\)\): give at least one example\.$"),
        # scikit-learn's check_estimators_empty_data_messages matches its words
        (lambda: NeuralNetworkClassifier((3,)).fit(np.ones((6, 0)), y),
         r"^X has no columns: Found array with 0 feature\(s\) \(shape=\(6, 0\)\) while a "
         r"minimum of 1 is required by NeuralNetworkClassifier; give at least one feature\.$"),
        (lambda: fitted.predict(np.ones((6, 3, 1))),
         r"^X has 3 dimensions: give a 2-D array, one row per example "
         r"\(X\.reshape\(len\(X\), -1\) flattens each example\)\.$"),
        (lambda: NeuralNetworkClassifier((3,)).fit(X, y, sample_weight=np.ones((6, 1))),
         r"^sample_weight has shape \(6, 1\); give one weight per example, shape \(6,\)"),
        (lambda: NeuralNetworkClassifier((3,)).fit(X, y, sample_weight=[1, 1, np.nan, 1, 1, 1]),
         r"^sample_weight contains NaN: give every example a finite weight >= 0"),
        (lambda: NeuralNetworkClassifier((3,)).fit(X, y, sample_weight=[np.inf] * 6),
         r"^sample_weight contains infinity: give every example a finite weight >= 0"),
    ]
    for call, message in cases:
        with pytest.raises(ValueError, match=message):
            call()
    for given in ({"a": 1}, (row for row in X)):
        kind = type(given).__name__
        with pytest.raises(TypeError, match=(
                rf"^X is a {kind}, not an array of numbers \(float\(\) argument must be a "
                rf"string or a (real )?number, not '{kind}'\): give a 2-D array-like")):
            NeuralNetworkClassifier((3,)).fit(given, y)


def test_missing_values_are_named_with_what_to_do_in_one_short_line():
    """scikit-learn's NaN error recommends other estimators over 500 characters; ours
    keeps its first words (which its estimator checks match) and says what to do."""
    y = np.arange(6) % 2
    X = np.ones((6, 3))
    holes = X.copy()
    holes[4, 1] = np.nan
    fitted = NeuralNetworkClassifier((3,), max_iter=2).fit(X, y)
    calls = {
        "Input X contains NaN: NeuralNetworkClassifier needs": lambda: fitted.predict(holes),
        "Input X contains NaN: LogisticRegression needs":
            lambda: LogisticRegression(max_iter=2).fit(holes, y),
        "Input X_val contains NaN: the network needs":
            lambda: NeuralNetworkClassifier((3,), max_iter=2).fit(X, y, X_val=holes, y_val=y),
        "Input y contains NaN: every example needs a label":
            lambda: NeuralNetworkClassifier((3,), max_iter=2).fit(X, np.r_[y[:5], np.nan]),
    }
    for start, call in calls.items():
        with pytest.raises(ValueError) as info:
            call()
        text = str(info.value)
        assert text.startswith(start) and "\n" not in text and len(text) < 200, text
        assert ("drop" in text) and ("HistGradientBoosting" not in text), text
    sp_holes = sp.csr_matrix(holes)
    with pytest.raises(ValueError, match=r"^Input X contains NaN: NeuralNetworkClassifier "):
        fitted.predict_proba(sp_holes)


@pytest.mark.parametrize(
    "params, message",
    [
        ({"learning_rate": -0.1}, "learning_rate=-0.1 is not valid"),
        ({"learning_rate": 0}, "learning_rate=0 is not valid"),
        ({"max_iter": 0}, "max_iter=0"),
        ({"max_iter": 2.5}, "max_iter=2.5"),
        ({"hidden_layer_sizes": (3, 0)}, "hidden_layer_sizes"),
        ({"hidden_layer_sizes": "big"}, "hidden_layer_sizes"),
        ({"activation": "softplus"}, "activation='softplus'"),
        ({"init": "xavier"}, "init='xavier'"),
        ({"cost_every": 0}, "cost_every"),
        ({"random_state": "x"}, "random_state"),
    ],
)
def test_bad_hyperparameters_get_a_clear_error(params, message):
    X, y = [[0.0, 1.0], [1.0, 0.0]], [0, 1]
    with pytest.raises(ValueError, match=message):
        NeuralNetworkClassifier(**params).fit(X, y)


def test_wrong_number_of_features_at_predict_time(moons):
    X, y = moons
    clf = LogisticRegression(max_iter=10).fit(X, y)
    with pytest.raises(ValueError, match="X has 3 features, but LogisticRegression is "
                       "expecting 2 features"):
        clf.predict(np.zeros((4, 3)))


@pytest.mark.slow
def test_raw_pixels_train_without_numeric_warnings_and_with_finite_costs(cat_raw):
    X, y = cat_raw
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            lr = LogisticRegression(learning_rate=0.005, max_iter=300).fit(X, y)
            nn = NeuralNetworkClassifier((7,), init="small", learning_rate=0.0075, max_iter=100,
                                         random_state=1).fit(X, y)
    for clf in (lr, nn):
        assert np.isfinite(clf.loss_curve_).all()
        assert np.isfinite(clf.predict_proba(X)).all()
    # one warning only: on unscaled pixels the logistic regression's cost climbs (from
    # 0.69 to thousands), finite all the way, and fit says so
    assert len(caught) == 1 and caught[0].category is ConvergenceWarning
    assert re.fullmatch(r"LogisticRegression: the cost rose from 0\.6931 at the start to "
                        r"[\d.e+]+ at the end: training diverged; lower learning_rate \(it "
                        r"is 0\.005\)", str(caught[0].message))
    assert caught[0].filename == __file__  # the line that called fit


@pytest.mark.parametrize("scale", [1e3, 1e8, 1e15])
def test_predict_proba_of_extreme_inputs_is_finite(moons, scale):
    X, y = moons
    clf = NeuralNetworkClassifier((6, 4), learning_rate=0.3, max_iter=300, random_state=0)
    clf.fit(X, y)
    extreme = np.vstack([X * scale, -X * scale])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        proba = clf.predict_proba(extreme)
    assert np.isfinite(proba).all() and ((proba >= 0) & (proba <= 1)).all()
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)


def test_divergence_raises_a_clear_error():
    rng = np.random.RandomState(0)
    X = rng.randn(50, 3) * 1e150
    y = (X[:, 0] > 0).astype(int)
    clf = NeuralNetworkClassifier((4,), init="he", learning_rate=10.0, max_iter=50, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # BLAS overflow may warn on some platforms
        with pytest.raises(NonFiniteWeightsError, match="Lower learning_rate .* scale the input"):
            clf.fit(X, y)


def test_float32_input_trains_and_predicts_in_float32(moons):
    X, y = moons
    clf = NeuralNetworkClassifier((5,), learning_rate=0.3, max_iter=100, random_state=0)
    clf.fit(X.astype(np.float32), y)
    assert all(v.dtype == np.float32 for v in clf.params_.values())
    assert clf.predict_proba(X.astype(np.float32)).dtype == np.float32


# --------------------------------------------------------------------------- fitted state


def test_fitted_state_is_arrays_and_json_and_comes_back(moons):
    import json

    X, y = moons
    clf = NeuralNetworkClassifier((5, 3), activation=("tanh", "relu"), max_iter=30,
                                  class_weight={0: 2.0}, random_state=0).fit(X, y)
    state = clf._get_fitted_state()
    assert json.loads(json.dumps(state["settings"])) == state["settings"]
    assert all(isinstance(a, np.ndarray) for a in state["arrays"].values())
    assert state["settings"]["class_weight_by_class"] == [2.0, None]
    back = NeuralNetworkClassifier()._set_fitted_state(state)
    assert back.get_params() == clf.get_params()
    np.testing.assert_array_equal(back.predict_proba(X), clf.predict_proba(X))
    assert back.loss_curve_ == clf.loss_curve_ and back.n_iter_ == 30


def test_set_fitted_state_checks_everything_before_setting_anything(moons):
    X, y = moons
    state = LogisticRegression(max_iter=5).fit(X, y)._get_fitted_state()
    state["arrays"]["W1"] = state["arrays"]["W1"].T
    fresh = LogisticRegression()
    with pytest.raises(ValueError, match="W1 has shape"):
        fresh._set_fitted_state(state)
    assert not hasattr(fresh, "params_")
    with pytest.raises(ValueError, match="not fitted"):
        LogisticRegression()._get_fitted_state()


def test_infinities_of_both_signs_give_the_error_alone():
    """inf and -inf in one row: the checks that sum X, and prediction's check of X
    through W1 X, gave NumPy's "invalid value encountered" warnings before the error."""
    rng = np.random.default_rng(0)
    X = rng.random((40, 4))
    y = (X[:, 0] > 0.5).astype(int)
    bad = X[:3].copy()
    bad[0] = np.inf
    bad[0, 1] = -np.inf
    for est in (NeuralNetworkClassifier((4,), max_iter=3, random_state=0),
                LogisticRegression(max_iter=3)):
        est.fit(X, y)
        for call in (lambda: est.predict(bad), lambda: est.predict_proba(bad),
                     lambda: clone(est).fit(bad, y[:3])):
            with warnings.catch_warnings():
                warnings.simplefilter("error")
                with pytest.raises(ValueError, match="^Input X contains infinity"):
                    call()


@pytest.mark.parametrize("n_classes", [2, 3])
def test_predict_log_proba_comes_from_the_logits(n_classes):
    # the log of predict_proba gave -inf where a probability rounds to 0 (X x 1e6)
    rng = np.random.RandomState(0)
    X = rng.randn(200, 3)
    y = (X[:, 0] > 0).astype(int) + (n_classes == 3) * (X[:, 1] > 0)
    est = NeuralNetworkClassifier((8,), max_iter=50, learning_rate=0.5, random_state=0)
    est.fit(X, y)
    np.testing.assert_allclose(est.predict_log_proba(X), np.log(est.predict_proba(X)),
                               rtol=1e-12, atol=1e-12)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        far = est.predict_log_proba(X * 1e6)
    assert np.isfinite(far).all() and far.min() < -1e5
    np.testing.assert_array_equal(far.argmax(axis=1), est.predict_proba(X * 1e6).argmax(axis=1))


@pytest.mark.parametrize("Estimator", [LogisticRegression, NeuralNetworkClassifier])
def test_a_list_of_texts_is_pointed_to_a_text_vectorizer(Estimator):
    # it was told to one-hot encode "categories" in a ColumnTransformer
    texts = ["free money", "meeting now", "cash prize", "lunch"]
    with pytest.raises(ValueError) as info:
        Estimator().fit(texts, [0, 1, 0, 1])
    said = str(info.value)
    assert said.startswith("X is a list of texts ('free money'), not rows of numbers")
    assert f"make_pipeline(TfidfVectorizer(), {Estimator.__name__}(...))" in said
    assert "OneHotEncoder" not in said and "\n" not in said


def test_a_sparse_array_of_three_dimensions_is_said_in_words():
    # scipy's "Cannot convert. CSR must be 1D or 2D. Got 3D" passed through
    X = sp.coo_array(np.zeros((4, 2, 3)))
    with pytest.raises(ValueError, match=r"^X has 3 dimensions: give a 2-D array"):
        LogisticRegression().fit(X, [0, 1, 0, 1])
