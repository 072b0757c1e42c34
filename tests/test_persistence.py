"""Model files: round trips, atomic writes, and refusing truncated, corrupted or hostile files."""

import io
import json
import os
import pickle
import zipfile
from pathlib import Path

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import make_moons

from nnscratch.datasets import Preprocessor, load_train_test
from nnscratch.estimators import LogisticRegression, NeuralNetworkClassifier
from nnscratch.persistence import (
    FORMAT_VERSION,
    ModelFileError,
    load,
    load_bundle,
    save,
)


@pytest.fixture(scope="module")
def flower():
    train, test = load_train_test("flower")
    return train, test


def _fit_nn(X, y, **kw):
    params = {"hidden_layer_sizes": (5, 3), "activation": "tanh", "init": "lecun",
              "learning_rate": 0.5, "max_iter": 300, "random_state": 3, "cost_every": 50}
    params.update(kw)
    return NeuralNetworkClassifier(**params).fit(X, y)


@pytest.fixture(scope="module")
def nn_model(flower):
    train, _ = flower
    return _fit_nn(train.X, train.y)


@pytest.fixture
def model_file(tmp_path, nn_model, flower):
    path = tmp_path / "model.npz"
    save(nn_model, path, preprocessor=flower[0].preprocessor, class_names=["red", "blue"],
         training={"data": "flower"})
    return path


# --------------------------------------------------------------------------- round trips


@pytest.mark.parametrize(
    "make",
    [
        lambda X, y: LogisticRegression(learning_rate=0.1, max_iter=200).fit(X, y),
        lambda X, y: _fit_nn(X, y),
        lambda X, y: _fit_nn(X, y, hidden_layer_sizes=(4,), activation="relu", init="he"),
        lambda X, y: _fit_nn(X, y, hidden_layer_sizes=(), init="zeros"),
    ],
    ids=["logistic", "deep-tanh", "one-relu", "no-hidden"],
)
def test_round_trip_gives_identical_predictions(tmp_path, flower, make):
    train, test = flower
    est = make(train.X, train.y)
    save(est, tmp_path / "m.npz")
    back = load(tmp_path / "m.npz")
    assert type(back) is type(est)
    assert back.get_params() == est.get_params()
    np.testing.assert_array_equal(back.predict_proba(test.X), est.predict_proba(test.X))
    np.testing.assert_array_equal(back.decision_function(test.X), est.decision_function(test.X))
    np.testing.assert_array_equal(back.predict(test.X), est.predict(test.X))
    assert back.costs_ == est.costs_
    assert back.loss_curve_ == est.loss_curve_
    assert back.n_iter_ == est.n_iter_ and back.n_features_in_ == est.n_features_in_
    assert set(back.params_) == set(est.params_)
    for key, value in est.params_.items():
        assert back.params_[key].dtype == value.dtype
        np.testing.assert_array_equal(back.params_[key], value)


@pytest.mark.parametrize(
    "labels",
    [
        np.array([0, 1]),
        np.array([3, 7]),
        np.array(["cat", "non-cat"]),
        np.array(["no", "yes"], dtype=object),
        np.array([0.0, 2.0]),
        np.array([False, True]),
        np.array([-3, 100], dtype=np.int8),
        np.array([0, 250], dtype=np.uint8),
        np.array([1.0, 2.0], dtype=np.float32),
    ],
    ids=["int", "int-3-7", "str", "object-str", "float", "bool", "int8", "uint8", "float32"],
)
def test_classes_of_any_kind_round_trip(tmp_path, flower, labels):
    # their dtype too: a pandas column of strings is an object array, and predictions
    # after loading were '<U' strings; int8 labels came back as int64
    train, test = flower
    est = LogisticRegression(learning_rate=0.5, max_iter=50).fit(train.X, labels[train.y])
    save(est, tmp_path / "m.npz")
    back = load(tmp_path / "m.npz")
    assert back.classes_.tolist() == est.classes_.tolist()
    assert back.classes_.dtype == est.classes_.dtype == labels.dtype
    np.testing.assert_array_equal(back.predict(test.X), est.predict(test.X))
    assert back.predict(test.X).dtype == est.predict(test.X).dtype


def test_float32_parameters_stay_float32(tmp_path, flower):
    train, test = flower
    est = _fit_nn(train.X.astype(np.float32), train.y)
    assert est.params_["W1"].dtype == np.float32
    save(est, tmp_path / "m.npz")
    back = load(tmp_path / "m.npz")
    assert back.params_["W1"].dtype == np.float32
    X32 = test.X.astype(np.float32)
    np.testing.assert_array_equal(back.predict_proba(X32), est.predict_proba(X32))


def test_bundle_holds_preprocessing_class_names_and_training(model_file, flower):
    bundle = load_bundle(model_file)
    assert bundle.preprocessor == flower[0].preprocessor
    assert bundle.class_names == ["red", "blue"]
    assert bundle.training == {"data": "flower"}
    assert bundle.settings["format_version"] == FORMAT_VERSION
    assert bundle.label_name(1) == "blue"


def test_hyperparameters_come_from_get_params(model_file, nn_model):
    settings = load_bundle(model_file).settings
    stored = settings["hyperparameters"]
    vocabulary = set(NeuralNetworkClassifier().get_params())
    assert set(stored) <= vocabulary
    assert stored["hidden_layer_sizes"] == [5, 3]
    assert stored["activation"] == "tanh"
    assert stored["random_state"] == 3


def test_objects_in_hyperparameters_are_not_stored(tmp_path, flower):
    train, _ = flower
    est = NeuralNetworkClassifier((3,), max_iter=20, random_state=np.random.RandomState(0))
    est.fit(train.X, train.y)
    save(est, tmp_path / "m.npz")
    stored = load_bundle(tmp_path / "m.npz").settings["hyperparameters"]
    assert "random_state" not in stored  # a RandomState is not data
    assert load(tmp_path / "m.npz").random_state is None


def test_save_refuses_unfitted_and_foreign_estimators(tmp_path):
    from sklearn.linear_model import LogisticRegression as SkLogisticRegression

    with pytest.raises(ValueError, match="not fitted"):
        save(NeuralNetworkClassifier(), tmp_path / "m.npz")
    with pytest.raises(TypeError, match="can only save") as caught:
        save(SkLogisticRegression(), tmp_path / "m.npz")
    # scikit-learn's class shares nnscratch's name: the message tells them apart
    assert "not sklearn.linear_model.LogisticRegression;" in str(caught.value)
    assert list(tmp_path.iterdir()) == []


def test_failed_save_keeps_the_old_file_and_leaves_no_temporary(tmp_path, nn_model):
    path = tmp_path / "m.npz"
    save(nn_model, path)
    before = path.read_bytes()
    with pytest.raises(ValueError, match="class names"):
        save(nn_model, path, class_names=["only-one"])
    with pytest.raises(TypeError, match="not JSON serializable"):
        save(nn_model, path, training={"bad": object()})
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.npz"]


def test_save_into_a_missing_folder(tmp_path, nn_model):
    with pytest.raises(FileNotFoundError):
        save(nn_model, tmp_path / "nope" / "m.npz")


# --------------------------------------------------------------------------- bad files


def _arrays(path: Path) -> dict:
    with np.load(path, allow_pickle=False) as npz:
        return {k: npz[k] for k in npz.files}


def _settings(arrays: dict) -> dict:
    return json.loads(arrays["settings"].tobytes().decode())


def _rewrite(path: Path, arrays: dict, settings: dict | None = None) -> Path:
    if settings is not None:
        arrays = dict(arrays, settings=np.frombuffer(json.dumps(settings).encode(), np.uint8))
    out = path.with_name("edited.npz")
    np.savez(out, **arrays)
    return out


class _Marker:
    """Unpickling this object would create a file: proof that code from a file ran."""

    def __init__(self, path):
        self.path = str(path)

    def __reduce__(self):
        return (Path.touch, (Path(self.path),))


@pytest.mark.parametrize("entry", ["W1", "settings", "costs"])
def test_pickled_object_arrays_are_refused_without_running_code(tmp_path, model_file, entry):
    marker = tmp_path / "code-ran"
    arrays = _arrays(model_file)
    evil = np.empty(1, dtype=object)
    evil[0] = _Marker(marker)
    arrays[entry] = evil
    path = tmp_path / "evil.npz"
    np.savez(path, **arrays)  # object arrays are pickled inside the .npy entry
    assert not marker.exists()
    with pytest.raises(ModelFileError, match="pickled"):
        load(path)
    assert not marker.exists()


def test_a_bare_pickle_is_refused_without_running_code(tmp_path):
    marker = tmp_path / "code-ran"
    path = tmp_path / "evil.npz"
    path.write_bytes(pickle.dumps(_Marker(marker)))
    with pytest.raises(ModelFileError, match="not an .npz archive"):
        load(path)
    assert not marker.exists()


@pytest.mark.parametrize("keep", [0.1, 0.5, 0.9, 0.99])
def test_truncated_files_are_refused(tmp_path, model_file, keep):
    data = model_file.read_bytes()
    path = tmp_path / "cut.npz"
    path.write_bytes(data[: int(len(data) * keep)])
    with pytest.raises(ModelFileError):
        load(path)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_random_bytes_are_refused(tmp_path, seed):
    path = tmp_path / "noise.npz"
    path.write_bytes(np.random.default_rng(seed).bytes(4096))
    with pytest.raises(ModelFileError, match="not an nnscratch model file"):
        load(path)


def test_random_bytes_after_a_zip_signature_are_refused(tmp_path):
    path = tmp_path / "noise.npz"
    path.write_bytes(b"PK\x03\x04" + np.random.default_rng(5).bytes(4096))
    with pytest.raises(ModelFileError):
        load(path)


@pytest.mark.parametrize("name", ["", "missing.npz"])
def test_missing_or_empty_files(tmp_path, name):
    path = tmp_path / (name or "empty.npz")
    if not name:
        path.write_bytes(b"")
    with pytest.raises(ModelFileError):
        load(path)


def _edit_settings(**changes):
    def edit(arrays, settings):
        settings.update(changes)
        return arrays, settings
    return edit


def _edit_array(key, value):
    def edit(arrays, settings):
        arrays = dict(arrays)
        if value is None:
            del arrays[key]
        else:
            arrays[key] = value(arrays[key])
        # an edit of the raw settings entry must not be overwritten by re-encoding
        return arrays, (None if key == "settings" else settings)
    return edit


def _edit_hyper(**changes):
    def edit(arrays, settings):
        settings["hyperparameters"].update(changes)
        return arrays, settings
    return edit


def _drop_setting(key):
    def edit(arrays, settings):
        del settings[key]
        return arrays, settings
    return edit


def _both_class_weights(arrays, settings):
    settings["hyperparameters"]["class_weight"] = "balanced"
    settings["class_weight_by_class"] = [1.0, 2.0]
    return arrays, settings


@pytest.mark.parametrize(
    "edit, message",
    [
        (_edit_settings(format_version=FORMAT_VERSION + 1), "upgrade nnscratch"),
        (_edit_settings(format="pickle"), "format is"),
        (_edit_settings(estimator="os.system"), "unknown estimator"),
        (_edit_settings(estimator="SVC"), "unknown estimator"),
        (_edit_settings(surprise=1), "unknown settings"),
        (_drop_setting("classes"), "missing settings"),
        (_edit_settings(n_features_in=3), "W1 has shape"),
        (_edit_settings(n_layers=2), "expected parameters"),
        (_edit_settings(classes=[0]), "output layer|at least two"),
        (_edit_settings(classes=[0, 0]), "distinct"),
        # loaded, then every prediction flipped (labels map to outputs by searchsorted)
        (_edit_settings(classes=[1, 0]), "classes must be in increasing order"),
        (_edit_settings(best_validation_score=2), "an accuracy from 0 to 1"),
        (_edit_settings(best_validation_score=-0.5), "an accuracy from 0 to 1"),
        (_edit_settings(classes_kind="pickle"), "classes_kind"),
        (_edit_settings(classes_dtype="datetime64"), "classes_dtype 'datetime64' is not one"),
        (_edit_settings(classes_dtype="object"), "classes_dtype 'object' is not one"),
        (_edit_settings(classes_dtype=["int8"]), "classes_dtype \\['int8'\\] is not one"),
        (_edit_settings(classes=[0, 300], classes_dtype="int8"), "do not fit classes_dtype"),
        (_edit_settings(classes=[-1, 1], classes_dtype="uint8"), "do not fit classes_dtype"),
        (_edit_settings(classes=["a", "b"]), "classes must be"),
        (_edit_settings(preprocessing={"kind": "image", "size": 64}), "preprocessing makes"),
        (_edit_settings(preprocessing={"kind": "exec"}), "bad preprocessing"),
        (_edit_settings(class_names=["a"]), "class_names"),
        # statistics no data gives: predict warned "overflow encountered in divide"
        (_edit_settings(preprocessing={"kind": "tabular", "columns": ["x1", "x2"],
                                       "mean": [0.0, 0.0], "std": [1e-320, 1.0]}),
         "'std' from 1e-150 to 1e\\+150"),
        (_edit_settings(preprocessing={"kind": "tabular", "columns": ["x1", "x2"],
                                       "mean": [1e308, 0.0], "std": [1.0, 1.0]}),
         "'mean' must lie within"),
        # names that broke the printed tables, or read as one another
        (_edit_settings(class_names=["x\ny", "y"]), "the class name 'x\\\\ny' holds a control"),
        (_edit_settings(class_names=["x", "x"]), "the class name 'x' is given to two classes"),
        (_edit_settings(class_names=["", " "]), "a class has an empty name"),
        (_edit_settings(training="x"), "training"),
        (_edit_settings(class_weight_by_class=[1.0]), "2 non-negative numbers or nulls"),
        (_edit_settings(class_weight_by_class=[1.0, -2.0]), "2 non-negative numbers or nulls"),
        (_edit_settings(class_weight_by_class=[1.0, "2"]), "2 non-negative numbers or nulls"),
        (_edit_settings(class_weight_by_class={"0": 1.0}), "2 non-negative numbers or nulls"),
        (_both_class_weights, "class_weight and class_weight_by_class are both given"),
        (_edit_hyper(activation="__import__('os')"), "bad hyper-parameters"),
        (_edit_hyper(learning_rate=-1.0), "bad hyper-parameters"),
        (_edit_hyper(exec="print(1)"), "unknown hyper-parameter"),
        (_edit_hyper(callbacks=["x"]), "unknown hyper-parameter"),
        (_edit_hyper(hidden_layer_sizes=[5, 4]), "do not match"),
        (_edit_hyper(activation={"a": 1}), "scalar or a flat list"),
        (_edit_array("W1", lambda a: a.astype(np.int64)), "float32 or float64"),
        (_edit_array("W1", lambda a: a.astype(np.complex128)), "float32 or float64"),
        (_edit_array("W1", lambda a: a.astype("U8")), "float32 or float64"),
        (_edit_array("W2", lambda a: a.T), "W2 has shape"),
        (_edit_array("b1", lambda a: a.ravel()), "b1 must be 2-D"),
        (_edit_array("b2", lambda a: np.zeros((a.shape[0] + 1, 1))), "b2 has shape"),
        (_edit_array("W1", lambda a: np.where(a > 0, np.nan, a)), "NaN or infinite"),
        (_edit_array("b3", lambda a: np.full_like(a, np.inf)), "NaN or infinite"),
        (_edit_array("costs", lambda a: np.append(a, np.nan)), "costs holds NaN"),
        (_edit_array("costs", lambda a: np.append(a, [1e308, -1e308])),
         "costs holds values outside the costs' range"),
        (_edit_array("W3", None), "expected parameters"),
        (_edit_array("settings", lambda a: a.astype(np.int64)), "UTF-8 JSON bytes"),
        (_edit_array("settings", lambda a: np.frombuffer(b"{nope", np.uint8)), "not valid JSON"),
        (_edit_array("settings", lambda a: np.frombuffer(b"[1, 2]", np.uint8)), "JSON object"),
        (_edit_array("settings", lambda a: np.frombuffer(b"\xff\xfe", np.uint8)), "not valid"),
        (_edit_array("settings", None), "no settings entry"),
    ],
)
def test_bad_contents_are_refused(model_file, edit, message):
    arrays = _arrays(model_file)
    settings = _settings(arrays)
    arrays, settings = edit(arrays, settings)
    path = _rewrite(model_file, arrays, settings)
    with pytest.raises(ModelFileError, match=message):
        load(path)


def test_nan_in_settings_json_is_refused(model_file):
    arrays = _arrays(model_file)
    text = arrays["settings"].tobytes().decode().replace('"n_iter": 300', '"n_iter": NaN')
    arrays["settings"] = np.frombuffer(text.encode(), np.uint8)
    with pytest.raises(ModelFileError, match="not valid JSON"):
        load(_rewrite(model_file, arrays))


def test_unknown_archive_entries_are_refused(model_file):
    arrays = _arrays(model_file)
    arrays["extra"] = np.zeros(3)
    with pytest.raises(ModelFileError, match="unknown entry 'extra'"):
        load(_rewrite(model_file, arrays))


def test_zip_without_npy_entries(tmp_path):
    path = tmp_path / "plain.npz"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("readme.txt", "hello")
    with pytest.raises(ModelFileError):
        load(path)


@pytest.mark.filterwarnings("ignore:Duplicate name")
def test_npy_header_with_a_pickled_dtype_does_not_run_code(tmp_path, model_file):
    """An .npy entry claiming dtype object: numpy refuses it with allow_pickle=False."""
    marker = tmp_path / "code-ran"
    buffer = io.BytesIO()
    evil = np.empty(2, dtype=object)
    evil[:] = [_Marker(marker), _Marker(marker)]
    np.save(buffer, evil, allow_pickle=True)
    path = tmp_path / "evil.npz"
    with zipfile.ZipFile(path, "w") as zf:
        for key, value in _arrays(model_file).items():
            inner = io.BytesIO()
            np.save(inner, value)
            zf.writestr(f"{key}.npy", inner.getvalue())
        zf.writestr("b1.npy", buffer.getvalue())  # a duplicate name that shadows b1
    with pytest.raises(ModelFileError, match="twice|pickled"):
        load(path)
    assert not marker.exists()
    assert os.listdir(tmp_path).count("code-ran") == 0


def test_preprocessor_validation_happens_on_save(tmp_path, nn_model):
    with pytest.raises(Exception, match="std"):
        save(nn_model, tmp_path / "m.npz",
             preprocessor={"kind": "tabular", "columns": ["a", "b"], "mean": [0, 0],
                           "std": [0, 1]})
    assert not (tmp_path / "m.npz").exists()


def test_image_preprocessor_round_trip(tmp_path):
    rng = np.random.default_rng(0)
    X = rng.random((20, 2 * 2 * 3))
    y = np.arange(20) % 2
    est = LogisticRegression(max_iter=10).fit(X, y)
    save(est, tmp_path / "m.npz", preprocessor=Preprocessor.image(2), class_names=["a", "b"])
    assert load_bundle(tmp_path / "m.npz").preprocessor == Preprocessor.image(2)


def test_saved_files_get_the_usual_permissions(tmp_path, nn_model):
    save(nn_model, tmp_path / "m.npz")
    mask = os.umask(0)
    os.umask(mask)
    assert (tmp_path / "m.npz").stat().st_mode & 0o777 == 0o666 & ~mask


# --------------------------------------------------------------------------- later hyper-parameters


@pytest.mark.parametrize(
    "kwargs",
    [
        {"solver": "adam", "learning_rate": 0.01, "alpha": 0.01},
        {"solver": "momentum", "batch_size": 64, "shuffle": True},
        {"dropout": [0.2, 0.0], "activation": ["relu", "tanh"], "init": ["he", "he", "glorot"]},
        {"early_stopping": True, "n_iter_no_change": 5, "validation_fraction": 0.2},
        {"class_weight": "balanced", "leaky_relu_slope": 0.05, "activation": "leaky_relu"},
        {"learning_rate_schedule": "step", "decay_rate": 0.5, "decay_interval": 100},
    ],
    ids=["adam-l2", "minibatch-momentum", "per-layer", "early-stopping", "balanced", "schedule"],
)
@pytest.mark.slow
def test_later_hyperparameters_round_trip(tmp_path, flower, kwargs):
    train, test = flower
    vocabulary = NeuralNetworkClassifier().get_params()
    missing = set(kwargs) - set(vocabulary)
    if missing:
        pytest.skip(f"the estimator has no {sorted(missing)} yet")
    est = _fit_nn(train.X, train.y, **kwargs)
    save(est, tmp_path / "m.npz")
    back = load(tmp_path / "m.npz")
    expected = {k: tuple(v) if isinstance(v, list) else v for k, v in est.get_params().items()}
    assert back.get_params() == expected
    np.testing.assert_array_equal(back.predict_proba(test.X), est.predict_proba(test.X))
    for key in ("validation_scores_", "validation_losses_", "best_validation_score_"):
        if hasattr(est, key):
            assert getattr(back, key) == getattr(est, key)


@pytest.mark.slow
def test_callbacks_are_not_stored_and_dict_class_weights_are_by_class(tmp_path, flower):
    callbacks = pytest.importorskip("nnscratch.callbacks")
    train, test = flower
    seen = []
    cb = callbacks.LambdaCallback(on_iteration_end=lambda est, i, logs: seen.append(i))
    est = _fit_nn(train.X, train.y, callbacks=[cb], class_weight={0: 1.0, 1: 2.0})
    assert seen  # the callback ran during training
    save(est, tmp_path / "m.npz")
    settings = load_bundle(tmp_path / "m.npz").settings
    stored = settings["hyperparameters"]
    assert "callbacks" not in stored and "class_weight" not in stored
    assert settings["class_weight_by_class"] == [1.0, 2.0]
    back = load(tmp_path / "m.npz")
    assert back.callbacks is None and back.class_weight == {0: 1.0, 1: 2.0}
    np.testing.assert_array_equal(back.predict_proba(test.X), est.predict_proba(test.X))
    # training the loaded model again weighs the classes as the original did
    refit = clone(est).set_params(callbacks=None).fit(train.X, train.y)
    np.testing.assert_array_equal(clone(back).fit(train.X, train.y).params_["W1"],
                                  refit.params_["W1"])


def test_dict_class_weights_of_string_classes_with_one_missing(tmp_path):
    X, y = make_moons(n_samples=120, noise=0.2, random_state=0)
    labels = np.array(["cat", "dog"])[y]
    est = NeuralNetworkClassifier((4,), max_iter=20, random_state=0,
                                  class_weight={"dog": 3.0}).fit(X, labels)
    save(est, tmp_path / "m.npz")
    assert load_bundle(tmp_path / "m.npz").settings["class_weight_by_class"] == [None, 3.0]
    assert load(tmp_path / "m.npz").class_weight == {"dog": 3.0}


@pytest.mark.slow
def test_multiclass_round_trip(tmp_path):
    train, test = load_train_test("digits")
    est = NeuralNetworkClassifier((16,), learning_rate=0.5, max_iter=30, random_state=0)
    try:
        est.fit(train.X, np.array(train.class_names)[train.y])
    except ValueError as exc:
        pytest.skip(f"multi-class training not available yet: {exc}")
    assert est.params_["W2"].shape == (10, 16)
    save(est, tmp_path / "m.npz")
    back = load(tmp_path / "m.npz")
    assert back.classes_.tolist() == [str(i) for i in range(10)]
    np.testing.assert_array_equal(back.predict_proba(test.X), est.predict_proba(test.X))
    np.testing.assert_array_equal(back.predict(test.X), est.predict(test.X))


@pytest.mark.parametrize("member", ["settings", "W1"])
def test_archive_members_that_are_not_npy_arrays(tmp_path, model_file, member):
    arrays = _arrays(model_file)
    path = tmp_path / "odd.npz"
    with zipfile.ZipFile(path, "w") as zf:
        for key, value in arrays.items():
            inner = io.BytesIO()
            np.save(inner, value)
            name = key if key == member else f"{key}.npy"  # one raw member, no .npy
            zf.writestr(name, arrays["settings"].tobytes() if key == member else
                        inner.getvalue())
    with pytest.raises(ModelFileError, match="not a NumPy array"):
        load(path)


def test_same_entry_with_and_without_npy_suffix(tmp_path, model_file):
    arrays = _arrays(model_file)
    path = tmp_path / "twice.npz"
    with zipfile.ZipFile(path, "w") as zf:
        for key, value in arrays.items():
            inner = io.BytesIO()
            np.save(inner, value)
            zf.writestr(f"{key}.npy", inner.getvalue())
        zf.writestr("W1", b"shadow")
    with pytest.raises(ModelFileError, match="twice"):
        load(path)


@pytest.mark.parametrize("seed", range(12))
def test_corrupted_bytes_give_a_model_file_error_or_the_same_model(tmp_path, model_file, seed):
    """Flip a few bytes anywhere: either the file is refused cleanly or nothing changed."""
    rng = np.random.default_rng(seed)
    data = bytearray(model_file.read_bytes())
    for pos in rng.integers(0, len(data), size=3):
        data[pos] ^= int(rng.integers(1, 256))
    path = tmp_path / "flipped.npz"
    path.write_bytes(bytes(data))
    try:
        est = load(path)
    except ModelFileError:
        return
    original = load(model_file)
    for key, value in original.params_.items():
        np.testing.assert_array_equal(est.params_[key], value)


def test_warm_start_continues_a_loaded_model(tmp_path):
    X, y = make_moons(n_samples=200, noise=0.2, random_state=0)
    full = NeuralNetworkClassifier((6,), learning_rate=0.1, max_iter=100, random_state=0).fit(X, y)
    half = NeuralNetworkClassifier((6,), learning_rate=0.1, max_iter=50, random_state=0).fit(X, y)
    save(half, tmp_path / "half.npz")
    loaded = load(tmp_path / "half.npz").set_params(warm_start=True)
    loaded.fit(X, y)  # plain gradient descent has no state: 50 + 50 == 100
    assert loaded.n_iter_ == 100
    np.testing.assert_allclose(loaded.params_["W1"], full.params_["W1"], rtol=1e-12)
    assert loaded.costs_ == pytest.approx(full.costs_, rel=1e-12)


def test_column_major_weights_of_a_minibatch_fit_round_trip_exactly(tmp_path):
    rng = np.random.RandomState(0)
    X = rng.rand(300, 6).astype(np.float32)
    y = (X[:, 0] > X[:, 1]).astype(int)
    est = NeuralNetworkClassifier((8,), batch_size=32, max_iter=3, random_state=0).fit(X, y)
    assert est.params_["W1"].flags.f_contiguous  # mini-batch fits use column-major weights
    save(est, tmp_path / "m.npz")
    back = load(tmp_path / "m.npz")
    assert back.params_["W1"].flags.f_contiguous
    np.testing.assert_array_equal(back.predict_proba(X), est.predict_proba(X))


# --------------------------------------------------------------------- failed writes


def test_a_full_disk_is_named_with_the_file_and_what_to_do(tmp_path, monkeypatch, capsys):
    # "unexpected failure (OSError: [Errno 28] No space left on device); please report
    # it with the command you ran", naming a hidden temporary file if any
    import errno

    from nnscratch._files import WriteError, atomic_write
    from nnscratch.cli import run

    target = tmp_path / "m.npz"
    target.write_bytes(b"the model before")

    def full(tmp):
        with open(tmp, "wb") as f:
            f.write(b"half")
        raise OSError(errno.ENOSPC, "No space left on device", tmp)

    with pytest.raises(WriteError, match=r"m\.npz: cannot write it, no space is left on the "
                                         r"device; free some space, or write elsewhere$") as e:
        atomic_write(target, full)
    assert e.value.errno == errno.ENOSPC and isinstance(e.value, OSError)
    assert target.read_bytes() == b"the model before"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.npz"]  # no temporary left
    real_replace = os.replace

    def read_only(src, dst):
        raise OSError(errno.EROFS, "Read-only file system", src)

    monkeypatch.setattr(os, "replace", read_only)
    code = run(["train", "flower", "--iterations", "2", "-o", str(target)])
    monkeypatch.setattr(os, "replace", real_replace)
    assert code == 1
    assert capsys.readouterr().err.splitlines()[-1] == (
        f"nnscratch: error: {target}: cannot write it, the file system is read-only; make "
        "the folder writable, or write elsewhere")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.npz"]


def test_sigterm_while_writing_leaves_no_temporary_file(tmp_path):
    # the process ended at once and left '.m.npz.ijq5gxj9.tmp' behind (64 MB, hidden)
    import signal
    import subprocess
    import sys
    import textwrap

    script = textwrap.dedent(f"""
        import time
        from nnscratch._files import atomic_write

        def slow(tmp):
            open(tmp, "wb").write(b"x" * 1000)
            print("writing", flush=True)
            time.sleep(30)

        atomic_write({str(tmp_path / "m.npz")!r}, slow)
    """)
    child = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE,
                             text=True)
    assert child.stdout.readline() == "writing\n"
    child.send_signal(signal.SIGTERM)
    assert child.wait(timeout=30) == 128 + signal.SIGTERM
    assert list(tmp_path.iterdir()) == []


def test_ctrl_c_while_writing_names_the_file_that_was_not_written(tmp_path, monkeypatch,
                                                                   capsys):
    # the command said only "interrupted": was the model written, the old one lost?
    from nnscratch import persistence
    from nnscratch._files import atomic_write
    from nnscratch.cli import run

    target = tmp_path / "m.npz"

    def interrupted(tmp):
        with open(tmp, "wb") as f:
            f.write(b"half")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt, match=r"^.*m\.npz was not written$"):
        atomic_write(target, interrupted)
    assert list(tmp_path.iterdir()) == []
    target.write_bytes(b"the model before")
    with pytest.raises(KeyboardInterrupt,
                       match=r"m\.npz was not written \(the file there is as it was\)$"):
        atomic_write(target, interrupted)
    assert target.read_bytes() == b"the model before"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.npz"]

    def ctrl_c(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(persistence.np, "savez", ctrl_c)
    monkeypatch.setattr(persistence.np, "savez_compressed", ctrl_c)
    code = run(["train", "flower", "--iterations", "2", "-o", str(target)])
    assert code == 1
    assert capsys.readouterr().err.splitlines()[-1] == (
        f"nnscratch: error: interrupted; {target} was not written (the file there is as "
        "it was)")
    assert target.read_bytes() == b"the model before"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.npz"]
