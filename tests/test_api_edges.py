"""Edges of the estimator API: hyper-parameters as NumPy values in model files, the
validation set's columns, texts given as one string, partial_fit's classes and early
stopping, and the one-line messages of bad input."""

import re
import warnings

import numpy as np
import pytest
from sklearn.datasets import make_classification

from nnscratch import LogisticRegression, NeuralNetworkClassifier
from nnscratch.exceptions import NonFiniteWeightsError, OutputOverflowError
from nnscratch.persistence import load, load_bundle, save


@pytest.fixture(scope="module")
def xy():
    return make_classification(120, 5, random_state=0)


# ------------------------------------------------- 1. hyper-parameters in model files


@pytest.mark.parametrize("kw, expected", [
    ({"hidden_layer_sizes": (4,), "activation": np.array(["tanh"])}, {"activation": ["tanh"]}),
    ({"hidden_layer_sizes": (4,), "dropout": np.array([0.2])}, {"dropout": [0.2]}),
    ({"hidden_layer_sizes": (4,), "dropout": np.float32(0.25)}, {"dropout": 0.25}),
    ({"hidden_layer_sizes": np.array([4, 3])}, {"hidden_layer_sizes": [4, 3]}),
    ({"hidden_layer_sizes": range(3, 5)}, {"hidden_layer_sizes": [3, 4]}),
    ({"hidden_layer_sizes": (4,), "init": np.array(["he", "lecun"])},
     {"init": ["he", "lecun"]}),
    ({"hidden_layer_sizes": (4,), "shuffle": np.bool_(False), "batch_size": np.int64(10)},
     {"shuffle": False, "batch_size": 10}),
], ids=["activation-array", "dropout-array", "dropout-float32", "hidden-array",
        "hidden-range", "init-array", "numpy-bool-int"])
def test_numpy_hyperparameters_are_saved_as_their_values(tmp_path, xy, kw, expected):
    X, y = xy
    est = NeuralNetworkClassifier(max_iter=3, random_state=0, **kw).fit(X, y)
    save(est, tmp_path / "m.npz")
    stored = load_bundle(tmp_path / "m.npz").settings["hyperparameters"]
    again = load(tmp_path / "m.npz")
    for key, value in expected.items():
        assert stored[key] == value
        got = again.get_params()[key]
        assert (list(got) if isinstance(got, tuple) else got) == value
    np.testing.assert_array_equal(again.predict_proba(X), est.predict_proba(X))


def test_a_hyperparameter_json_cannot_hold_is_refused_by_name(tmp_path, xy):
    X, y = xy
    est = NeuralNetworkClassifier((3,), max_iter=2, random_state=0).fit(X, y)
    est.set_params(activation=[["tanh"]])  # changed after fit: nothing JSON-flat
    with pytest.raises(ValueError, match=r"cannot save activation=\[\['tanh'\]\]"):
        save(est, tmp_path / "m.npz")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("kw, match", [
    ({"dropout": np.array(0.2)}, r"dropout=array\(0.2\) is not valid: it must be a number"),
    ({"activation": 5}, r"activation=5 is not valid: give one name or 1"),
    ({"init": 3}, r"init=3 is not valid: give one name or 2 \(one per layer\)"),
    ({"activation": ("tanh", ["a", "b"])}, r"give one name or 1"),
])
def test_per_layer_values_of_the_wrong_form_get_one_line(xy, kw, match):
    X, y = xy
    with pytest.raises(ValueError, match=match) as info:
        NeuralNetworkClassifier((4,), max_iter=2, **kw).fit(X, y)
    assert "\n" not in str(info.value)


# ------------------------------------------------------- 2. the validation set's columns


@pytest.fixture(scope="module")
def frame(xy):
    pd = pytest.importorskip("pandas")
    X, y = xy
    return pd.DataFrame(X, columns=list("abcde")), y


@pytest.mark.parametrize("columns, match", [
    (list("edcba"), "the same names in another order"),
    (list("zbcde"), "other names"),
])
def test_validation_frame_must_have_the_training_columns(frame, columns, match):
    df, y = frame
    X_val = df.set_axis(columns, axis=1)
    est = NeuralNetworkClassifier((3,), max_iter=2, random_state=0)
    with pytest.raises(ValueError, match=rf"^X_val's columns \(.*\) are not those of X "
                                         rf"\(a, b, c, d, e\): {match}; .*X_val\[X.columns\]"):
        est.fit(df, y, X_val=X_val, y_val=y)
    assert not hasattr(est, "params_")  # refused: nothing half-fitted
    est.fit(df, y, X_val=df, y_val=y)  # the same columns: accepted
    assert len(est.validation_scores_) == 2


def test_validation_array_beside_a_training_frame_warns_naming_x_val(frame):
    df, y = frame
    with pytest.warns(UserWarning, match="^X_val does not have valid feature names"):
        NeuralNetworkClassifier((3,), max_iter=2).fit(df, y, X_val=df.to_numpy(), y_val=y)


def test_empty_validation_set_is_named(xy):
    X, y = xy
    with pytest.raises(ValueError, match=r"^X_val is empty \(shape \(0, 5\)\): give at least "
                                         "one validation example"):
        NeuralNetworkClassifier((3,), max_iter=2).fit(X, y, X_val=X[:0], y_val=y[:0])


# ----------------------------------------------------------- 3. one string is not texts


def test_one_string_is_refused_where_a_list_of_texts_is_expected():
    from nnscratch.preprocessing import Preprocessor
    from nnscratch.text import TextVectorizer

    texts = ["cash prize now", "meeting on monday", "claim your prize"]
    vec = TextVectorizer.fit(texts)
    prep = Preprocessor.fit_text(texts)
    calls = {
        "TextVectorizer.fit": lambda: TextVectorizer.fit("cash prize now"),
        "transform": lambda: vec.transform("cash prize"),
        "Preprocessor.fit_text": lambda: Preprocessor.fit_text(b"cash prize now"),
        "prep.transform": lambda: prep.transform("cash prize"),
        "prep.transform_texts": lambda: prep.transform_texts("cash prize"),
    }
    for name, call in calls.items():
        with pytest.raises(ValueError, match=r"takes a list of texts, not one (str|bytes) "
                                             r".*pass a list of texts, e.g. \[text\]$"):
            call()
    assert vec.transform(["cash prize"]).shape == (1, vec.n_features)
    assert prep.transform(["cash prize"]).shape == (1, vec.n_features)


# ------------------------------------------- 4, 5, 9. partial_fit, warm_start, no half-fits


def test_partial_fit_refuses_other_classes_on_a_later_call(xy):
    X, y = xy
    est = NeuralNetworkClassifier((3,), random_state=0).partial_fit(X, y, classes=[0, 1])
    W1 = est.params_["W1"].copy()
    with pytest.raises(ValueError, match=r"^classes=\[0, 1, 2\] is not the same as on the "
                                         r"first call to partial_fit: the model's classes_ "
                                         r"are \[0, 1\]"):
        est.partial_fit(X, y, classes=[0, 1, 2])
    with pytest.raises(ValueError, match="not the same as on the first call"):
        est.partial_fit(X, y, classes=["0", "1"])
    np.testing.assert_array_equal(est.params_["W1"], W1)
    assert est.n_iter_ == 1
    est.partial_fit(X, y, classes=[1, 0])  # the same classes, in any order
    est.partial_fit(X, y)
    assert est.n_iter_ == 3


@pytest.mark.parametrize("classes", [[[0, 1]], [[0], [1, 2]]])
def test_partial_fit_classes_of_the_wrong_form_get_one_line(xy, classes):
    X, y = xy
    est = NeuralNetworkClassifier((3,))
    with pytest.raises(ValueError, match="^classes must be a flat list of labels of one kind"):
        est.partial_fit(X, y, classes=classes)
    assert not hasattr(est, "classes_")


@pytest.mark.parametrize("Estimator", [NeuralNetworkClassifier, LogisticRegression])
def test_partial_fit_does_not_use_early_stopping(xy, Estimator):
    X, y = xy
    est = Estimator(early_stopping=True, random_state=0, learning_rate=0.1)
    plain = Estimator(early_stopping=False, random_state=0, learning_rate=0.1)
    for _ in range(3):
        est.partial_fit(X, y, classes=[0, 1])
        plain.partial_fit(X, y, classes=[0, 1])
    assert est.n_iter_ == 3
    np.testing.assert_array_equal(est.predict_proba(X), plain.predict_proba(X))
    assert "early_stopping`` is not used by" in " ".join(Estimator.partial_fit.__doc__.split())


def test_a_refused_fit_leaves_the_estimator_as_it_was(xy):
    X, y = xy
    est = NeuralNetworkClassifier((3,), max_iter=2, random_state=0).fit(X, y)
    before = {k: v for k, v in vars(est).items()}
    y3 = y.copy()
    y3[:10] = 2
    with pytest.raises(ValueError, match="X_val has 3 features but X has 5"):
        est.fit(X, y3, X_val=X[:, :3], y_val=y)  # refused after y3 was read
    assert vars(est).keys() == before.keys()
    assert all(vars(est)[k] is v for k, v in before.items())
    assert est.classes_.tolist() == [0, 1]
    fresh = NeuralNetworkClassifier((3,), max_iter=2)
    with pytest.raises(ValueError, match="X_val has 3 features but X has 5"):
        fresh.fit(X, y, X_val=X[:, :3], y_val=y)
    assert not hasattr(fresh, "classes_") and not hasattr(fresh, "n_features_in_")


def test_warm_start_meeting_a_new_class_names_warm_start(xy):
    X, y = xy
    est = NeuralNetworkClassifier((3,), max_iter=2, warm_start=True, random_state=0).fit(X, y)
    y3 = y.copy()
    y3[:10] = 2
    with pytest.raises(ValueError, match=r"that are not in classes_ \[0, 1\] of the model that "
                                         r"warm_start=True continues.*set warm_start=False") as e:
        est.fit(X, y3)
    assert "partial_fit" not in str(e.value)
    assert est.n_iter_ == 2


@pytest.mark.parametrize("first", ["fit", "partial_fit"])
def test_partial_fit_meeting_a_new_class_says_how_the_classes_are_set(xy, first):
    """After fit(), the advice was "pass every class on the first call to partial_fit",
    a call that never happened."""
    X, y = xy
    est = NeuralNetworkClassifier((3,), max_iter=2, random_state=0)
    est.fit(X, y) if first == "fit" else est.partial_fit(X, y, classes=[0, 1])
    y3 = y.copy()
    y3[:10] = 2
    with pytest.raises(ValueError, match=r"^y contains labels \[2\] that are not in classes_ "
                                         r"\[0, 1\], the classes the model was first trained "
                                         r"on, and partial_fit cannot add classes; train on "
                                         r"every class with fit\(\), or list them all in the "
                                         r"first call, partial_fit\(X, y, classes=\[\.\.\.\]\)\.$"):
        est.partial_fit(X, y3)


def test_a_bad_random_state_is_an_invalid_parameter_as_every_other(xy):
    from nnscratch.exceptions import InvalidParameterError

    X, y = xy
    for bad in ("x", -1, 2**32, 1.5):
        with pytest.raises(InvalidParameterError, match=rf"^random_state={bad!r} is not valid: "
                                                        "use None, an int from 0 to"):
            NeuralNetworkClassifier((3,), max_iter=1, random_state=bad).fit(X, y)


def test_a_negative_sample_weight_is_named_with_what_weights_may_be(xy):
    X, y = xy
    weights = np.ones(len(y))
    weights[7] = -0.5
    with pytest.raises(ValueError, match=r"^sample_weight\[7\] is -0\.5: weights must be >= 0, "
                                         r"one per example \(0 leaves an example out\)\.$"):
        NeuralNetworkClassifier((3,), max_iter=1).fit(X, y, sample_weight=weights)


def test_uint64_labels_beyond_int64_survive_a_model_file(xy, tmp_path):
    X, y = xy
    labels = np.where(y == 1, np.uint64(2**63 + 5), np.uint64(1))
    est = NeuralNetworkClassifier((3,), max_iter=2, random_state=0).fit(X, labels)
    save(est, tmp_path / "m.npz")
    back = load(tmp_path / "m.npz")
    assert back.classes_.dtype == np.uint64 and back.classes_.tolist() == [1, 2**63 + 5]
    np.testing.assert_array_equal(back.predict(X), est.predict(X))


# -------------------------------------------------- 8. HiddenLayerTransformer on a frame


def test_hidden_layer_transformer_fits_a_frame_without_warnings(frame):
    import warnings

    from nnscratch import HiddenLayerTransformer

    df, y = frame
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        hlt = HiddenLayerTransformer(NeuralNetworkClassifier((3,), max_iter=2)).fit(df, y)
        assert hlt.transform(df).shape == (len(df), 3)
    bad = HiddenLayerTransformer(NeuralNetworkClassifier((3,), max_iter=2), layer=3)
    with pytest.raises(ValueError, match="layer=3 is not a hidden layer"):
        bad.fit(df, y)
    assert not hasattr(bad, "estimator_")  # refused: not left looking fitted
    fitted = hlt.estimator_
    with pytest.raises(ValueError, match="layer=2 is not a hidden layer"):
        hlt.set_params(layer=2).fit(df, y)
    assert hlt.estimator_ is fitted  # the old fit kept


# ------------------------------------------------------------- 10. one-line messages


def test_infinity_gets_the_library_message_like_nan(xy):
    X, y = xy
    bad = X.copy()
    bad[3, 1] = np.inf
    fitted = NeuralNetworkClassifier((3,), max_iter=2, random_state=0).fit(X, y)
    calls = {
        "X": [lambda: fitted.predict(bad), lambda: NeuralNetworkClassifier(max_iter=2).fit(bad, y)],
        "X_val": [lambda: NeuralNetworkClassifier((3,), max_iter=2).fit(X, y, X_val=bad, y_val=y)],
    }
    for name, fns in calls.items():
        for fn in fns:
            with pytest.raises(ValueError, match=rf"^Input {name} contains infinity or a value too "
                                                 r"large for dtype\('float64'\): the network "
                                                 r"needs a finite number in every cell; .*rows\.$"):
                fn()


def test_label_name_of_an_unknown_label_is_one_line(tmp_path, xy):
    X, y = xy
    est = NeuralNetworkClassifier((3,), max_iter=2, random_state=0).fit(X, y)
    save(est, tmp_path / "m.npz", class_names=["ham", "spam"])
    bundle = load_bundle(tmp_path / "m.npz")
    assert bundle.label_name(np.int64(1)) == "spam"
    with pytest.raises(ValueError, match=r"^5 is not one of the model's classes \[0, 1\]"):
        bundle.label_name(5)
    with pytest.raises(ValueError, match=r"^'spam' is not one of the model's classes"):
        bundle.label_name("spam")


# ------------------------------------------- 6. what a model file does not hold, documented


def test_continuing_after_load_is_exact_only_where_the_docs_say(tmp_path, xy):
    from pathlib import Path

    X, y = xy
    results = {}
    for solver in ("gd", "adam"):
        est = NeuralNetworkClassifier((4,), solver=solver, learning_rate=0.05, max_iter=5,
                                      warm_start=True, random_state=0).fit(X, y)
        save(est, tmp_path / "m.npz")
        again = load(tmp_path / "m.npz")
        est.fit(X, y)
        again.fit(X, y)
        results[solver] = np.array_equal(est.params_["W1"], again.params_["W1"])
    assert results == {"gd": True, "adam": False}  # Adam's moments are not in the file
    docs = Path(__file__).parents[1] / "docs" / "model-files.md"
    text = " ".join(docs.read_text().split())
    assert "the optimizer's state is not saved" in text
    assert "nor is the random generator" in text
    assert "not the training run's state" in " ".join(save.__doc__.split())


# ---------------------------------------- 7. streaming with a short last chunk, shuffled


def test_streaming_with_a_short_last_chunk_equals_in_memory_bit_for_bit(tmp_path):
    h5py = pytest.importorskip("h5py")
    from sklearn.base import clone

    from nnscratch.streaming import epoch_rows, fit_streaming, open_chunks

    rng = np.random.default_rng(0)
    X = rng.normal(size=(1030, 6)).astype(np.float32)
    y = (X[:, 0] + X[:, 1] ** 2 > 1).astype(np.int64)
    with h5py.File(tmp_path / "d.h5", "w") as f:
        f["X"], f["y"] = X, y
    est = NeuralNetworkClassifier((5,), solver="adam", learning_rate=0.01, batch_size=50,
                                  shuffle=False, max_iter=6, random_state=1)
    with open_chunks(tmp_path / "d.h5", chunk_rows=200, batch_size=50) as feeder:
        assert feeder.boundaries[-2:] == [1000, 1030]  # a short last chunk of 30 rows
        result = fit_streaming(est, feeder, shuffle_chunks=True)
        ref = clone(est).set_params(warm_start=True, max_iter=1)
        for order in result.chunk_orders:
            assert order[-1] == 5  # the short chunk comes last
            rows = epoch_rows(feeder, order)
            ref.fit(X[rows], y[rows])
    assert len({tuple(o) for o in result.chunk_orders}) > 1  # the order is shuffled
    for key in est.params_:
        np.testing.assert_array_equal(est.params_[key], ref.params_[key], err_msg=key)


@pytest.mark.parametrize("continue_by", ["warm_start", "partial_fit"])
def test_continuing_with_other_hidden_layers_is_refused_not_ignored(continue_by):
    X, y = make_classification(120, 5, random_state=0)
    model = NeuralNetworkClassifier((6,), max_iter=2, random_state=0,
                                    warm_start=continue_by == "warm_start")
    if continue_by == "warm_start":
        model.fit(X, y)
    else:
        model.partial_fit(X, y, classes=[0, 1])
    before = {k: v.copy() for k, v in model.params_.items()}
    model.set_params(hidden_layer_sizes=(3,))
    go = model.fit if continue_by == "warm_start" else model.partial_fit
    with pytest.raises(ValueError, match=r"hidden_layer_sizes=\(3,\).*hidden layers \(6,\)") as e:
        go(X, y)
    assert "\n" not in str(e.value) and continue_by in str(e.value)
    assert all(np.array_equal(before[k], model.params_[k]) for k in before)
    model.set_params(hidden_layer_sizes=6)  # the same layers written as an int continue
    go(X, y)


def test_load_bundle_says_what_an_empty_npz_archive_is(tmp_path):
    from nnscratch.persistence import ModelFileError

    path = tmp_path / "empty.npz"
    np.savez(path)
    with pytest.raises(ModelFileError, match=r"an empty \.npz archive \(it holds no arrays\)"):
        load(path)


def test_save_under_a_file_says_the_parent_is_a_file(tmp_path):
    (tmp_path / "good.csv").write_text("x")
    model = LogisticRegression(max_iter=2).fit(np.eye(4), [0, 1, 0, 1])
    with pytest.raises(NotADirectoryError, match="good.csv: is a file, not a folder"):
        save(model, tmp_path / "good.csv" / "m.npz")
    with pytest.raises(FileNotFoundError, match="no such folder"):
        save(model, tmp_path / "nowhere" / "m.npz")


# ------------------------------------------- 6. found by the audit of 2026-12-07


def _small(**kw):
    return NeuralNetworkClassifier(**{"hidden_layer_sizes": (4,), "max_iter": 20,
                                      "random_state": 0, "learning_rate": 0.1, **kw})


def _state(est):
    return ({k: v.copy() for k, v in est.params_.items()}, est.n_iter_,
            list(est.loss_curve_))


def _same_state(a, b):
    return (a[0].keys() == b[0].keys() and all(np.array_equal(a[0][k], b[0][k]) for k in a[0])
            and a[1:] == b[1:])


@pytest.mark.parametrize("make, fragment", [
    # the only weighted examples are drawn into early stopping's validation split
    (lambda X, y: _small(early_stopping=True, validation_fraction=0.25, random_state=7).fit(
        X[:8], np.array([0, 0, 0, 0, 1, 1, 1, 1]),
        sample_weight=np.array([1, 0, 0, 0, 1, 0, 0, 0.])),
     "left for training after early stopping's validation split all weigh zero"),
    (lambda X, y: _small().fit(X.astype(np.float32), y, sample_weight=np.full(len(y), 1e-50)),
     "the sample weights are too small for float32 data"),
    (lambda X, y: _small().partial_fit(X.astype(np.float32), y, classes=[0, 1],
                                       sample_weight=np.full(len(y), 1e-50)),
     "the sample weights are too small for float32 data"),
    (lambda X, y: _small().fit(X.astype(np.float32), y, sample_weight=np.full(len(y), 1e39)),
     "the sample weights are too large for float32 data"),
    (lambda X, y: _small().fit(X, y, sample_weight=np.full(len(y), 1e308)),
     "the sample weights are too large for float64 data"),
    (lambda X, y: _small().fit(X.astype(np.float32), y, X_val=X[:10] * 1e39, y_val=y[:10]),
     "X_val holds values beyond the range of float32"),
], ids=["zero-after-split", "underflow-fit", "underflow-partial", "overflow-float32",
        "overflow-sum", "X_val-beyond-float32"])
def test_weights_and_data_a_dtype_cannot_hold_are_refused_before_training(xy, make, fragment):
    """A bare ZeroDivisionError, or NumPy's overflow warnings and a divergence blamed on
    the learning rate, before."""
    X, y = xy
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError, match=re.escape(fragment)) as info:
            make(X, y)
    assert "\n" not in str(info.value)
    assert not isinstance(info.value, NonFiniteWeightsError)


@pytest.mark.parametrize("continued", ["warm_start", "partial_fit"])
def test_continuing_a_float32_model_with_data_beyond_float32_is_refused_unchanged(xy, continued):
    X, y = xy
    est = _small(warm_start=True)
    if continued == "warm_start":
        est.fit(X.astype(np.float32), y)
    else:
        est.partial_fit(X.astype(np.float32), y, classes=[0, 1])
    before = _state(est)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError, match="X holds values beyond the range of float32"):
            getattr(est, "fit" if continued == "warm_start" else "partial_fit")(X * 1e39, y)
    assert _same_state(before, _state(est))


@pytest.mark.parametrize("how", ["X_val", "early_stopping", "ScoringMonitor"])
def test_a_divergence_seen_first_by_a_validation_set_or_a_monitor_blames_the_learning_rate(
        how):
    """The validation set's (or the monitor's) forward pass overflowed first, and the
    error said to scale X_val (or X) as the training data were scaled."""
    X, y = make_classification(60, 5, n_informative=3, random_state=0)
    est = _small(learning_rate=1e10)
    kwargs = {}
    if how == "X_val":
        kwargs = {"X_val": X[:10], "y_val": y[:10]}
    elif how == "early_stopping":
        est.set_params(early_stopping=True, n_iter_no_change=100)
    else:
        from sklearn.callback import ScoringMonitor

        est.set_callbacks(ScoringMonitor(scoring="accuracy"))
    with pytest.raises(NonFiniteWeightsError, match="training diverged at iteration .*Lower "
                                                    "learning_rate"):
        est.fit(X, y, **kwargs)


def test_a_validation_set_beyond_the_networks_range_is_still_named():
    X, y = make_classification(60, 5, n_informative=3, random_state=0)
    with pytest.raises(OutputOverflowError, match=r"row X_val\[\d+\].* holds values too large"):
        _small().fit(X, y, X_val=X[:10] * 5e307, y_val=y[:10])


@pytest.mark.parametrize("solver", ["gd", "momentum"])
def test_a_warm_start_that_diverges_leaves_the_model_it_continued(xy, solver):
    """The weights, the optimizer's state and the generator are put back: continuing
    afterwards is continuing the untouched model."""
    X, y = xy
    est = _small(warm_start=True, solver=solver, batch_size=16).fit(X, y)
    twin = _small(warm_start=True, solver=solver, batch_size=16).fit(X, y)
    before = _state(est)
    est.set_params(learning_rate=1e10)
    with pytest.raises(NonFiniteWeightsError):
        est.fit(X, y)
    assert _same_state(before, _state(est))
    est.set_params(learning_rate=0.1)
    assert _same_state(_state(est.fit(X, y)), _state(twin.fit(X, y)))


def test_a_partial_fit_whose_callback_raises_leaves_the_model(xy):
    from nnscratch.callbacks import LambdaCallback

    X, y = xy
    est = _small().partial_fit(X, y, classes=[0, 1])
    before = _state(est)

    def boom(estimator, iteration, logs):
        raise RuntimeError("a callback's own error")

    est.set_params(callbacks=LambdaCallback(on_iteration_end=boom))
    with pytest.raises(RuntimeError, match="a callback's own error"):
        est.partial_fit(X, y)
    assert _same_state(before, _state(est))


@pytest.mark.parametrize("kw", [
    {"random_state": np.random.SeedSequence(0)},
    {"dropout": np.array([[0.1], [0.2]])},
    {"learning_rate": np.ones((2, 2))},
    {"init": np.ones((2, 2))},
], ids=["SeedSequence", "dropout-2d", "learning_rate-2d", "init-2d"])
def test_a_hyperparameter_whose_repr_spans_lines_is_refused_in_one_line(xy, kw):
    X, y = xy
    with pytest.raises(ValueError, match="is not valid") as info:
        _small(**kw).fit(X, y)
    assert "\n" not in str(info.value)


def test_early_stopping_on_the_learning_rate_asks_for_a_mode():
    """It said "is not a value the training loop logs ...; did you mean 'learning_rate'?"."""
    from nnscratch.callbacks import EarlyStopping

    with pytest.raises(ValueError, match="cannot tell whether higher or lower is better for "
                                         "monitor='learning_rate'; pass mode="):
        EarlyStopping("learning_rate")


@pytest.mark.parametrize("classes, fragment", [
    ([0, 1, np.nan], "classes holds a missing label (None or NaN)"),
    ([None, 1], "classes holds a missing label (None or NaN)"),
    ([0, "a"], "classes must be a flat list of labels of one kind"),
], ids=["nan", "none", "mixed"])
def test_partial_fit_refuses_missing_or_mixed_classes(xy, classes, fragment):
    X, y = xy
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError, match=re.escape(fragment)):
            _small().partial_fit(X, y, classes=classes)


@pytest.mark.parametrize("X_val, fragment", [
    (lambda X: X[:10] + 1j, "X_val: Complex data not supported: give real numbers (the real "
                            "part X_val.real"),
    (lambda X: X[0], "X_val: Expected 2D array, got 1D array instead"),
], ids=["complex", "1-D"])
def test_the_validation_sets_input_errors_name_it(xy, X_val, fragment):
    """scikit-learn's texts named no input, or X."""
    X, y = xy
    with pytest.raises(ValueError, match=re.escape(fragment)):
        _small().fit(X, y, X_val=X_val(X), y_val=y[:10] if X_val(X).ndim == 2 else y[:1])


@pytest.mark.parametrize("kw, fragment", [
    ({"learnig_rate": 1}, "Invalid parameter 'learnig_rate' for NeuralNetworkClassifier; did "
                          "you mean 'learning_rate'?"),
    ({"foo": 1}, "Invalid parameter 'foo' for NeuralNetworkClassifier; valid parameters: "
                 "activation, algorithm"),
    ({"callbacks__x": 1}, "Invalid parameter 'callbacks__x' for NeuralNetworkClassifier: "
                          "callbacks has no parameters of its own to set"),
], ids=["typo", "unknown", "nested"])
def test_set_params_refuses_an_unknown_name_in_one_line(kw, fragment):
    """scikit-learn's message held the estimator's repr over several lines; a nested
    name on the callbacks list was a bare AttributeError."""
    from nnscratch.callbacks import History

    est = NeuralNetworkClassifier((20, 7, 5), activation="tanh", init="lecun",
                                  learning_rate=0.1, max_iter=10, solver="adam",
                                  callbacks=[History()])
    with pytest.raises(ValueError, match=re.escape(fragment)) as info:
        est.set_params(**kw)
    assert "\n" not in str(info.value)
