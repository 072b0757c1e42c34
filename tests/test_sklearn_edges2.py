"""scikit-learn practitioner's edges, second round: the estimators inside
scikit-learn's tools (callbacks, partial_fit, labels, validation sets)."""

import warnings

import numpy as np
import pytest
from sklearn.datasets import make_classification
from sklearn.utils.class_weight import compute_class_weight

from nnscratch import LogisticRegression, NeuralNetworkClassifier


@pytest.fixture(scope="module")
def data():
    X, y = make_classification(n_samples=120, n_features=5, n_informative=3,
                               weights=[0.8], random_state=0)
    return X, y


def _net(**kwargs):
    return NeuralNetworkClassifier(**{"hidden_layer_sizes": (5,), "max_iter": 5,
                                      "random_state": 0, **kwargs})


# ------------------------------------------------------ partial_fit, class_weight


@pytest.mark.parametrize("make", [_net, lambda **k: LogisticRegression(**{"max_iter": 5, **k})])
def test_partial_fit_refuses_balanced_class_weight(data, make):
    """Each batch balanced by its own counts is not the data's balance (a batch of one
    class was not weighted at all): refused as scikit-learn's SGDClassifier does,
    with the dict to give instead."""
    X, y = data
    clf = make(class_weight="balanced")
    with pytest.raises(ValueError, match=r"class_weight='balanced' is not supported by "
                       r"partial_fit.*compute_class_weight") as info:
        clf.partial_fit(X[y == 0], y[y == 0], classes=[0, 1])
    assert "\n" not in str(info.value)
    assert not hasattr(clf, "params_")
    # the dict it names trains, and equals fit's "balanced" on the whole data
    weights = dict(zip([0, 1], compute_class_weight("balanced", classes=np.array([0, 1]),
                                                    y=y)))
    a = make(class_weight=weights).partial_fit(X, y, classes=[0, 1])
    b = make(class_weight="balanced", max_iter=1).fit(X, y)
    np.testing.assert_allclose(a.params_["W1"], b.params_["W1"])


# ------------------------------------------------- scikit-learn's callbacks, frames


def test_scoring_monitor_on_a_dataframe_fit_does_not_warn(data):
    """ScoringMonitor scores the fitted estimator on the training X after every epoch:
    given the validated array, a model fitted on a DataFrame warned "X does not have
    valid feature names" once per epoch. It scores the frame now, to the same scores."""
    pd = pytest.importorskip("pandas")
    callback = pytest.importorskip("sklearn.callback")
    X, y = data
    frame = pd.DataFrame(X, columns=[f"f{i}" for i in range(X.shape[1])])

    def scores(X_fit, make):
        monitor = callback.ScoringMonitor(scoring="accuracy")
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # any warning fails the test
            make().set_callbacks(monitor).fit(X_fit, y)
        return [row["accuracy"] for row in monitor.get_logs().data]

    for make in (_net, lambda: LogisticRegression(max_iter=5),
                 lambda: _net(warm_start=True, early_stopping=True)):
        from_frame = scores(frame, make)
        assert len(from_frame) == 6  # the fit and its 5 epochs
        assert from_frame == scores(X, make)


# ------------------------------------------------------------------ missing labels


def _missing_labels():
    """Labels with one missing, as users have them: (name, y, labels of the rest)."""
    pd = pytest.importorskip("pandas")
    words = ["a", "b"] * 30
    numbers = [0, 1] * 30
    return [
        ("None among strings", np.array([*words[:7], None, *words[8:]], dtype=object)),
        ("NaN among strings", np.array([*words[:7], np.nan, *words[8:]], dtype=object)),
        ("a list with None", [*words[:7], None, *words[8:]]),
        ("None among ints", np.array([*numbers[:7], None, *numbers[8:]], dtype=object)),
        ('pandas "string" with NA', pd.Series([*words[:7], pd.NA, *words[8:]],
                                              dtype="string")),
        ("categorical with NaN", pd.Series(pd.Categorical([*words[:7], None, *words[8:]]))),
    ]


@pytest.mark.parametrize("name", [n for n, _ in _missing_labels()])
def test_missing_labels_are_refused_in_one_line(data, name):
    """A missing label said "Unknown label type: unknown ... a regression target",
    "Input contains NaN", or was a bare TypeError ("'<' not supported between
    instances of 'str' and 'NoneType'", "boolean value of NA is ambiguous"); in y_val
    too. Now one line naming the input and the row, before any training."""
    X, _ = data
    X = X[:60]
    y = dict(_missing_labels())[name]
    full = np.asarray(y, dtype=object).copy()
    full[7] = full[5]
    full = full.astype(type(full[0]) if isinstance(full[0], str) else int)
    pattern = (r"^Input {} contains missing labels \(None or NaN\) at row 7: every "
               r"example needs a label; drop the unlabelled rows\.$")
    clf = _net()
    with pytest.raises(ValueError, match=pattern.format("y")):
        clf.fit(X, y)
    assert not hasattr(clf, "params_")
    with pytest.raises(ValueError, match=pattern.format("y")):
        clf.partial_fit(X, y, classes=np.unique(full))
    with pytest.raises(ValueError, match=pattern.format("y_val")):
        clf.fit(X, full, X_val=X, y_val=y)
    assert not hasattr(clf, "params_")


def test_nan_in_a_float_y_val_is_named_as_missing(data):
    """NaN in a float y_val said "y_val contains labels [nan] that are not among the
    classes of y", as if NaN were a class."""
    X, y = data
    y_val = y[:20].astype(float)
    y_val[[3, 4]] = np.nan
    with pytest.raises(ValueError, match=r"^Input y_val contains missing labels \(None or "
                       r"NaN\) at 2 rows \(3, 4\): every example needs a label"):
        _net().fit(X, y, X_val=X[:20], y_val=y_val)


# ------------------------------------------- the two kinds of callbacks, mixed up


def test_each_kind_of_callback_given_to_the_other_door_says_where_it_goes(data):
    """scikit-learn's ProgressBar in callbacks= said "it must be a list of
    nnscratch.callbacks.Callback objects", and nnscratch's History in set_callbacks
    said "callbacks must be instances following the FitCallback protocol": neither
    said that the other door takes it."""
    callback = pytest.importorskip("sklearn.callback")
    from nnscratch.callbacks import History

    X, y = data
    for given in (callback.ProgressBar(), [History(), callback.ProgressBar()]):
        clf = _net(callbacks=given)
        with pytest.raises(ValueError, match=r"^callbacks= takes nnscratch\.callbacks\."
                           r"Callback objects, and ProgressBar is a scikit-learn callback "
                           r"\(sklearn\.callback\): give it to set_callbacks\("):
            clf.fit(X, y)
        assert not hasattr(clf, "params_")
    clf = _net()
    with pytest.raises(TypeError, match=r"^set_callbacks takes scikit-learn callbacks "
                       r"\(sklearn\.callback\), and History is an nnscratch callback: give "
                       r"it as the callbacks parameter"):
        clf.set_callbacks(callback.ProgressBar(), History())
    assert not hasattr(clf, "_skl_callbacks")
    # each in its own place, both work
    history, monitor = History(), callback.ScoringMonitor(scoring="accuracy")
    _net(callbacks=[history]).set_callbacks(monitor).fit(X, y)
    assert len(history.loss_curve) == 5 and len(monitor.get_logs().data) == 6


@pytest.mark.parametrize("labels, shown", [([1] * 4, "(1)"), (["cat"] * 4, "('cat')"),
                                           ([True] * 4, "(True)")])
def test_one_class_is_shown_as_the_label_not_a_numpy_repr(labels, shown):
    """It said "y contains only one class (np.str_('cat'))"."""
    with pytest.raises(ValueError) as info:
        LogisticRegression().fit(np.eye(4), labels)
    assert str(info.value) == (f"y contains only one class {shown}: a classifier needs "
                               "examples of at least 2 classes.")


# ------------------------------------------------------------- text where numbers go


def test_text_columns_are_named_with_what_to_do(data):
    """A DataFrame with a categorical or text column said scikit-learn's "could not
    convert string to float: 'u'": not which column, nor what to do. Columns of numbers
    written as text ("0.5") are read, as scikit-learn reads them, and not named."""
    pd = pytest.importorskip("pandas")
    X, y = data
    frame = pd.DataFrame({"size": X[:, 0].astype(str), "colour": pd.Categorical(
        np.where(y, "red", "blue")), "shape": np.where(X[:, 1] > 0, "round", "square"),
        "weight": X[:, 2]})
    what = (r": the network needs numbers; encode them first, e\.g\. categories with "
            r"sklearn\.preprocessing\.OneHotEncoder in a ColumnTransformer")
    clf = _net()
    with pytest.raises(ValueError, match=r"^X has columns that cannot be converted to numbers, 'colour' "
                       r"\(category\), 'shape' \((object|str)\)" + what):
        clf.fit(frame, y)
    assert not hasattr(clf, "params_")
    with pytest.raises(ValueError, match=r"^X holds text that cannot be converted to a number \('(red|blue)'\)"
                       + what):
        clf.fit(np.c_[X[:, :1], np.where(y, "red", "blue")], y)
    numbers = frame[["size", "weight"]]
    clf.fit(numbers, y)
    texts = numbers.assign(weight=frame["shape"])
    with pytest.raises(ValueError, match=r"^X_val has columns that cannot be converted to numbers, "
                       r"'weight' \((object|str)\)" + what):
        _net().fit(numbers, y, X_val=texts, y_val=y)
    with pytest.raises(ValueError, match=r"^X has columns that cannot be converted to numbers, 'weight'"):
        clf.predict(texts)


@pytest.mark.parametrize("layer", [2, -2, 0])
def test_a_layer_out_of_range_of_one_hidden_layer_is_said_plainly(data, layer):
    """With one hidden layer it said "give 1 to 1 (the course's A[l]), -1 to -1 from the
    last"."""
    X, y = data
    clf = _net().fit(X, y)
    with pytest.raises(ValueError) as info:
        clf.hidden_layer_activations(X, layer=layer)
    assert str(info.value) == (f"layer={layer} is not a hidden layer of this network: give "
                               "1 (the course's A[1], its only hidden layer) or -1, or "
                               "None for all.")


# ------------------------------------- a trained network's features, through clone


def test_hidden_layer_transformer_takes_a_frozen_network_through_clone(data):
    """prefit=True does not survive clone (cross_val_score, GridSearchCV): it failed
    with "This NeuralNetworkClassifier instance is not fitted yet", and scikit-learn's
    answer, FrozenEstimator, was refused ("needs an nnscratch network, got
    FrozenEstimator"). A frozen network is kept as trained, through clone; prefit=True
    on an untrained copy says to freeze it."""
    frozen = pytest.importorskip("sklearn.frozen")
    from sklearn.base import clone
    from sklearn.exceptions import NotFittedError
    from sklearn.linear_model import LogisticRegression as SkLogisticRegression
    from sklearn.model_selection import cross_val_score
    from sklearn.pipeline import make_pipeline

    from nnscratch import HiddenLayerTransformer

    X, y = data
    net = _net(max_iter=20).fit(X, y)
    features = HiddenLayerTransformer(frozen.FrozenEstimator(net))
    np.testing.assert_array_equal(clone(features).fit(X, y).transform(X),
                                  net.hidden_layer_activations(X))
    assert clone(features).fit(X).estimator_.n_iter_ == 20  # no y needed, nothing trained
    pipe = make_pipeline(features, SkLogisticRegression())
    assert len(cross_val_score(pipe, X, y, cv=2, error_score="raise")) == 2
    assert net.n_iter_ == 20
    with pytest.raises(NotFittedError, match=r"^HiddenLayerTransformer\(prefit=True\) needs "
                       r"a trained network.*sklearn\.frozen\.FrozenEstimator"):
        clone(HiddenLayerTransformer(net, prefit=True)).fit(X)
    with pytest.raises(NotFittedError, match=r"FrozenEstimator holds a "
                       r"NeuralNetworkClassifier that is not fitted"):
        HiddenLayerTransformer(frozen.FrozenEstimator(_net())).fit(X, y)


def test_duplicate_column_names_are_one_line(data):
    """A DataFrame with two columns of one name raised narwhals' DuplicateError over
    two lines ("Expected unique column names, got:\\n- 'a' 2 times")."""
    pd = pytest.importorskip("pandas")
    X, y = data
    twice = pd.DataFrame(X, columns=["a", "a", "b", "c", "d"])
    message = (r"^X has columns of the same name \('a' 2 times\): give each column a name "
               r"of its own \(X\.columns\), or drop the duplicates\.$")
    clf = _net()
    with pytest.raises(ValueError, match=message):
        clf.fit(twice, y)
    assert not hasattr(clf, "params_")
    clf.fit(twice.set_axis(list("abcde"), axis=1), y)
    with pytest.raises(ValueError, match=message):
        clf.predict(twice)


@pytest.mark.parametrize("columns, what", [
    (list("abcdx"), "unseen at fit time: x; seen at fit time, yet now missing: e"),
    (list("edcba"), "the same names in another order"),
    (list("abcdefg"), "unseen at fit time: f, g"),
])
def test_columns_other_than_fits_are_one_sentence(data, columns, what):
    """scikit-learn lists the names line by line; joined, it read "Feature names unseen
    at fit time. - x Feature names seen at fit time, yet now missing. - e"."""
    pd = pytest.importorskip("pandas")
    X, y = data
    clf = _net().fit(pd.DataFrame(X, columns=list("abcde")), y)
    other = pd.DataFrame(np.c_[X, X][:, :len(columns)], columns=columns)
    expected = ("The feature names should match those that were passed during fit: "
                f"{what}. Give the columns of fit in their order, e.g. "
                "X[model.feature_names_in_].")
    for method in (clf.predict, clf.predict_proba, clf.decision_function,
                   lambda X: clf.score(X, y)):
        with pytest.raises(ValueError) as info:
            method(other)
        assert str(info.value) == expected


def test_labels_mixing_text_and_numbers_are_named(data):
    """An object column of labels mixing 1 and 'a' (a CSV column read by pandas) said
    "Unknown label type: unknown. Maybe you are trying to fit a classifier, which
    expects discrete classes on a regression target with continuous values."."""
    pd = pytest.importorskip("pandas")
    X, y = data
    mixed = pd.Series(["yes" if label else 0 for label in y], dtype=object)
    assert {type(v) for v in mixed} == {str, int}
    message = (r"^Input {} mixes labels of different types, text and int \(e\.g\. 'yes' and "
               r"0\): give labels of one type, e\.g\. {}\.astype\(str\)\.$")
    clf = _net()
    with pytest.raises(ValueError, match=message.format("y", "y")):
        clf.fit(X, mixed)
    with pytest.raises(ValueError, match=message.format("y_val", "y_val")):
        clf.fit(X, mixed.astype(str), X_val=X, y_val=mixed)
    assert not hasattr(clf, "params_")
    assert set(clf.fit(X, mixed.astype(str)).classes_) == {"0", "yes"}


# ------------------------------------------------------------- metadata routing


def test_hidden_layer_transformer_routes_sample_weight_to_its_network(data):
    """With scikit-learn's metadata routing enabled, a Pipeline gave the
    HiddenLayerTransformer no sample_weight even where its network requested it
    (set_fit_request(sample_weight=True)): the network trained unweighted, silently.
    It routes what the network requests now, and one it has not been told about is
    scikit-learn's UnsetMetadataPassedError, as for its own estimators."""
    import sklearn
    from sklearn.exceptions import UnsetMetadataPassedError
    from sklearn.linear_model import LogisticRegression as SkLogisticRegression
    from sklearn.pipeline import make_pipeline

    from nnscratch import HiddenLayerTransformer

    X, y = data
    weights = np.r_[np.zeros(60), np.ones(60)]
    weighted = _net().fit(X, y, sample_weight=weights).loss_curve_
    assert weighted != _net().fit(X, y).loss_curve_
    with sklearn.config_context(enable_metadata_routing=True):
        pipe = make_pipeline(
            HiddenLayerTransformer(_net().set_fit_request(sample_weight=True)),
            SkLogisticRegression().set_fit_request(sample_weight=True),
        ).fit(X, y, sample_weight=weights)
        assert pipe[0].estimator_.loss_curve_ == weighted
        unset = make_pipeline(HiddenLayerTransformer(_net()),
                              SkLogisticRegression().set_fit_request(sample_weight=True))
        with pytest.raises(UnsetMetadataPassedError, match="NeuralNetworkClassifier.fit"):
            unset.fit(X, y, sample_weight=weights)
        HiddenLayerTransformer(_net()).fit(X, y)  # nothing to route
    # routing off: fit's parameters go to the network as before
    assert HiddenLayerTransformer(_net()).fit(X, y, sample_weight=weights
                                              ).estimator_.loss_curve_ == weighted


# ------------------------------------------- one's own EarlyStopping, no validation


def test_own_early_stopping_on_validation_without_a_validation_set_is_refused_first(data):
    """callbacks=[EarlyStopping()] (monitoring val_score) without a validation set
    failed at the end of the first epoch, however long; now before any training, in
    one line saying where a validation set comes from."""
    from nnscratch.callbacks import EarlyStopping, LambdaCallback

    X, y = data
    epochs = []
    seen = LambdaCallback(on_iteration_end=lambda est, i, logs: epochs.append(i))
    clf = _net(callbacks=[seen, EarlyStopping()])
    with pytest.raises(ValueError, match=r"^callbacks: EarlyStopping\(monitor='val_score'\) "
                       r"needs a validation set, and this fit has none: give fit X_val= and "
                       r"y_val=, or set early_stopping=True"):
        clf.fit(X, y)
    with pytest.raises(ValueError, match=r"EarlyStopping\(monitor='val_loss'\) needs a "
                       r"validation set, and partial_fit has none; or monitor 'cost'\.$"):
        _net(callbacks=[seen, EarlyStopping("val_loss")]).partial_fit(X, y, classes=[0, 1])
    assert epochs == [] and not hasattr(clf, "params_")
    # with a validation set, or monitoring the cost, it runs
    assert clf.fit(X, y, X_val=X, y_val=y).n_iter_ == 5
    assert clf.set_params(early_stopping=True).fit(X, y).n_iter_ == 5
    assert _net(callbacks=EarlyStopping("cost")).fit(X, y).n_iter_ == 5


def test_date_columns_and_pandas_na_in_text_are_one_line(data):
    """A datetime or timedelta column raised NumPy's DTypePromotionError ("The DType
    <class 'numpy.dtypes.Float64DType'> could not be promoted by ... DateTime64DType
    ..."), and pd.NA in a column of numbers as text a bare "float() argument must be a
    string or a real number, not 'NAType'"."""
    pd = pytest.importorskip("pandas")
    X, y = data
    frame = pd.DataFrame(X, columns=list("abcde"))
    for column, dtype in [(pd.date_range("2020-01-01", periods=len(y)), "datetime64"),
                          (pd.to_timedelta(np.arange(len(y)), "D"), "timedelta64")]:
        with pytest.raises(TypeError, match=rf"^X has columns that cannot be converted to "
                           rf"numbers, 'when' \({dtype}\[\w+\]\): the network needs numbers; "
                           r"encode them first"):
            _net().fit(frame.assign(when=column), y)
    text = pd.Series(X[:, 0].astype(str), dtype="string")
    text[3] = pd.NA
    with pytest.raises(ValueError, match=r"^Input X contains NaN \(pd\.NA\): the network "
                       r"needs a number in every cell; fill in the missing values"):
        _net().fit(frame.assign(a=text), y)
    _net().fit(frame.assign(a=text.fillna("0")), y)  # numbers as text are read


@pytest.mark.parametrize("weights", [["heavy"] * 120, np.ones(120, dtype=complex),
                                     {"a": 1.0}], ids=["text", "complex", "dict"])
def test_sample_weight_that_is_not_numbers_is_one_line(data, weights):
    """Text said scikit-learn's bare "could not convert string to float: 'heavy'",
    complex numbers "Complex data not supported" and the array's repr over many lines,
    a dict a bare TypeError ("float() argument must be ... not 'dict'")."""
    X, y = data
    clf = _net()
    with pytest.raises(ValueError) as info:
        clf.fit(X, y, sample_weight=weights)
    text = str(info.value)
    assert text.startswith("sample_weight must be real numbers, one weight >= 0 per "
                           "example; got "), text
    assert "\n" not in text and len(text) < 200
    assert not hasattr(clf, "params_")


# ---------------------------------------------------------------- verbose=0 / 1


def test_verbose_takes_integers_as_scikit_learn_does(data, capsys):
    """verbose=1 (as MLPClassifier and most of scikit-learn take it) was refused,
    "verbose=1 is not valid: it must be True or False"."""
    X, y = data
    _net(verbose=0).fit(X, y)
    assert capsys.readouterr().err == ""
    _net(verbose=1).fit(X, y)
    assert "Cost after iteration 0" in capsys.readouterr().err
    with pytest.raises(ValueError, match=r"^verbose=-1 is not valid: give True or False, "
                       r"or an integer >= 0"):
        _net(verbose=-1).fit(X, y)
    with pytest.raises(ValueError, match=r"^verbose=0\.5 is not valid"):
        _net(verbose=0.5).fit(X, y)


def test_cells_holding_lists_and_ragged_rows_are_named(data):
    """A column of lists (a DataFrame of embeddings) or rows of different lengths said
    NumPy's "setting an array element with a sequence." (and "The requested array has
    an inhomogeneous shape after 1 dimensions ...")."""
    pd = pytest.importorskip("pandas")
    X, y = data
    frame = pd.DataFrame({"a": X[:, 0], "embedding": [list(row) for row in X[:, 1:]]})
    clf = _net()
    with pytest.raises(ValueError, match=r"^X has cells that hold several values \(lists or "
                       r"arrays\): give one number per cell"):
        clf.fit(frame, y)
    ragged = [list(row) if i % 2 else list(row[:-1]) for i, row in enumerate(X)]
    with pytest.raises(ValueError, match=r"^X has rows of different lengths: give every row "
                       r"the same number of values"):
        clf.fit(ragged, y)
    assert not hasattr(clf, "params_")
    clf.fit(np.c_[frame[["a"]].to_numpy(), np.vstack(frame["embedding"])], y)


def test_two_dimensional_labels_say_what_to_give(data):
    """One-hot labels (n_samples, K), the course's Y (K, m) or several targets said "y
    should be a 1d array, got an array of shape (120, 2) instead."."""
    X, y = data
    one_hot = np.eye(2)[y]
    with pytest.raises(ValueError, match=r"^y has shape \(120, 2\) but must hold one label "
                       r"per example, shape \(120,\): for one-hot labels give the class "
                       r"index, Y\.argmax\(axis=1\); for several targets wrap the network in "
                       r"sklearn\.multioutput\.MultiOutputClassifier\.$"):
        _net().fit(X, one_hot)
    with pytest.raises(ValueError, match=r"^y has shape \(2, 120\): this looks like the "
                       r"course's one-hot Y \(K, m\); give one label per example, shape "
                       r"\(120,\): Y\.argmax\(axis=0\)\.$"):
        _net().fit(X, one_hot.T)
    assert _net().fit(X, one_hot.argmax(axis=1)).n_iter_ == 5


def test_feature_names_follow_the_layer_set_after_fit(data):
    """set_params(layer=2) after fit: transform gave the 4 units of layer 2 but
    get_feature_names_out still named the 8 of layer 1, and set_output(transform=
    "pandas") failed with pandas' "Length mismatch: Expected axis has 4 elements, new
    values have 8 elements"."""
    from nnscratch import HiddenLayerTransformer

    X, y = data
    features = HiddenLayerTransformer(_net(hidden_layer_sizes=(8, 4)), layer=1).fit(X, y)
    assert features.get_feature_names_out().shape == (8,)
    features.set_params(layer=2).set_output(transform="default")
    assert features.transform(X).shape == (120, 4)
    assert features.get_feature_names_out().shape == (4,)
    pytest.importorskip("pandas")
    frame = features.set_output(transform="pandas").transform(X)
    assert list(frame.columns) == [f"hiddenlayertransformer{i}" for i in range(4)]
