"""Model files across configurations (found by an audit of save and load)."""

import warnings

import numpy as np
import pandas as pd
import pytest

from nnscratch import NeuralNetworkClassifier
from nnscratch.persistence import ModelFileError, load, save


def _xy(m=60, classes=("cat", "dog", "eel")):
    X = np.random.default_rng(0).normal(size=(m, 2))
    return X, pd.Series(list(classes) * (m // len(classes)))


def test_string_classes_of_a_pandas_target_save_with_a_dict_class_weight(tmp_path):
    # save raised AttributeError ('str' object has no attribute 'item'), and such a file
    # was "an unexpected failure" of every command
    X, y = _xy()
    clf = NeuralNetworkClassifier((3,), max_iter=5, random_state=0,
                                  class_weight={"cat": 2.0}).fit(X, y)
    assert clf.classes_.dtype == object
    save(clf, tmp_path / "m.npz")
    back = load(tmp_path / "m.npz")
    assert back.get_params()["class_weight"] == {"cat": 2.0}
    np.testing.assert_array_equal(back.predict_proba(X), clf.predict_proba(X))


def test_a_warm_start_after_load_holds_out_the_rows_the_first_fit_held_out(tmp_path):
    # the split's seed was not in the file: after load, 17 of the 20 held-out rows were
    # rows the first fit had trained on
    X, y = _xy(120, (0, 1))
    kwargs = {"hidden_layer_sizes": (4,), "early_stopping": True, "max_iter": 30,
              "random_state": 0, "validation_fraction": 0.2, "shuffle": False}
    first = NeuralNetworkClassifier(**kwargs).fit(X, y)
    save(first, tmp_path / "m.npz")
    loaded = load(tmp_path / "m.npz").set_params(warm_start=True, max_iter=5)
    first.set_params(warm_start=True, max_iter=5).fit(X, y)
    loaded.fit(X, y)
    assert loaded.validation_scores_ == first.validation_scores_
    assert loaded.best_validation_score_ == first.best_validation_score_


def test_interrupted_is_kept_by_a_model_file(tmp_path):
    X, y = _xy()
    clf = NeuralNetworkClassifier((3,), max_iter=2, random_state=0).fit(X, y)
    save(clf, tmp_path / "a.npz")
    assert load(tmp_path / "a.npz").interrupted_ is False
    clf.interrupted_ = True
    save(clf, tmp_path / "b.npz")
    assert load(tmp_path / "b.npz").interrupted_ is True


def _rewritten(tmp_path, source, **changes):
    with np.load(source, allow_pickle=False) as data:
        arrays = {k: data[k] for k in data.files}
    arrays.update(changes)
    path = tmp_path / "tampered.npz"
    np.savez(path, **arrays)
    return path


@pytest.fixture()
def saved(tmp_path):
    X, y = _xy()
    path = tmp_path / "m.npz"
    save(NeuralNetworkClassifier((3,), max_iter=2, random_state=0).fit(X, y), path)
    return path


def test_an_entry_named_with_a_unicode_digit_is_refused_as_a_model_file_error(tmp_path,
                                                                             saved):
    # 'W²' passed str.isdigit and failed in int(): a ValueError naming no file
    path = _rewritten(tmp_path, saved, **{"W²": np.zeros((2, 2))})
    with pytest.raises(ModelFileError, match="unknown entry 'W²'"):
        load(path)


def test_costs_near_the_largest_float_are_refused(tmp_path, saved):
    # they loaded, and nnscratch plot overflowed its axis
    path = _rewritten(tmp_path, saved, costs=np.array([1e308, 1.7e308]))
    with pytest.raises(ModelFileError, match="costs holds values outside the costs' range"):
        load(path)


def test_a_class_name_with_a_line_break_is_shown_escaped_in_the_predict_table():
    # "spam\nham 0.99" forged a row of the table
    from nnscratch._commands import format_predictions

    table = format_predictions([{"input": "a.csv:row 1", "label": "spam\nham 0.99",
                                 "probability": 0.9625}])
    assert table.splitlines()[1].split() == ["a.csv:row", "1", "spam\\nham", "0.99",
                                             "0.9625"]
    assert len(table.splitlines()) == 2


def test_predict_of_a_model_trained_on_a_dataframe_does_not_warn(tmp_path):
    # "X does not have valid feature names" twice: the preprocessing had found the
    # file's columns by name
    from nnscratch import _commands
    from nnscratch.preprocessing import Preprocessor

    rng = np.random.default_rng(0)
    frame = pd.DataFrame(rng.normal(size=(40, 2)), columns=["x1", "x 2"])
    frame["label"] = np.where(frame["x1"] > 0, "a", "b")
    frame.to_csv(tmp_path / "tab.csv", index=False)
    X = frame[["x1", "x 2"]]
    prep = Preprocessor.fit_tabular(X, ["x1", "x 2"])
    clf = NeuralNetworkClassifier((3,), max_iter=5, random_state=0)
    clf.fit((X - np.array(prep.mean)) / np.array(prep.std), frame["label"])
    save(clf, tmp_path / "m.npz", preprocessor=prep)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        results, _ = _commands.predict(str(tmp_path / "m.npz"), [str(tmp_path / "tab.csv")])
        _commands.evaluate(str(tmp_path / "m.npz"), str(tmp_path / "tab.csv"))
    assert len(results) == 40
