"""``nnscratch train|evaluate|predict`` on HDF5 files and Zarr stores read in chunks.

In-process through :func:`nnscratch.cli.run` (a subprocess per command would cost a
second or more each). The figures are compared with :mod:`nnscratch.streaming` called
directly, which tests/test_streaming.py checks against in-memory fits.
"""

import json

import h5py
import numpy as np
import pytest

from nnscratch import NeuralNetworkClassifier, save
from nnscratch.cli import run
from nnscratch.persistence import load_bundle
from nnscratch.streaming import (
    evaluate_streaming,
    fit_streaming,
    open_chunks,
)


def _xy(n=600, d=6, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d)).astype(np.float32)
    y = (X[:, 0] + X[:, 1] > 0).astype(np.int64)
    return X, y


@pytest.fixture
def xy_files(tmp_path):
    X, y = _xy()
    train, test = tmp_path / "train.h5", tmp_path / "test.h5"
    with h5py.File(train, "w") as f:
        f["X"], f["y"] = X[:450], y[:450]
    with h5py.File(test, "w") as f:
        f["X"], f["y"] = X[450:], y[450:]
    return train, test, X, y


def _json(capsys):
    return json.loads(capsys.readouterr().out)


TRAIN = ["--hidden", "5", "--solver", "adam", "--learning-rate", "0.01", "--batch-size", "30",
         "--iterations", "4", "--seed", "3"]


def test_train_on_the_xy_layout_streams_and_equals_fit_streaming(xy_files, tmp_path, capsys):
    train, test, X, y = xy_files
    model = tmp_path / "m.npz"
    assert run(["train", str(train), *TRAIN, "--chunk-rows", "120", "--test", str(test),
                "-o", str(model), "--json"]) == 0
    captured = capsys.readouterr()
    result = json.loads(captured.out)  # stdout holds the JSON only
    assert "epoch 4/4" in captured.err and "rows/s" in captured.err
    assert result["streamed"] is True and result["chunks"] == 4  # 120 rows: 4 x 30
    assert result["n_train"] == 450 and result["n_test"] == 150 and result["n_iter"] == 4
    # the same run through the Python helpers
    est = NeuralNetworkClassifier((5,), solver="adam", learning_rate=0.01, batch_size=30,
                                  max_iter=4, random_state=3)
    with open_chunks(train, chunk_rows=120, batch_size=30) as feeder:
        fit_streaming(est, feeder)
    saved = load_bundle(model).estimator
    for key in est.params_:
        np.testing.assert_array_equal(saved.params_[key], est.params_[key])
    assert result["train_accuracy"] == pytest.approx(np.mean(est.predict(X[:450]) == y[:450]))
    assert result["test_accuracy"] == pytest.approx(np.mean(est.predict(X[450:]) == y[450:]))
    assert result["final_cost"] == pytest.approx(est.loss_curve_[-1])


def test_evaluate_and_predict_stream_the_rows(xy_files, tmp_path, capsys):
    train, test, X, y = xy_files
    model = tmp_path / "m.npz"
    assert run(["train", str(train), *TRAIN, "-o", str(model)]) == 0
    capsys.readouterr()
    bundle = load_bundle(model)
    est = bundle.estimator
    assert run(["evaluate", str(model), str(test), "--chunk-rows", "40", "--json"]) == 0
    scores = _json(capsys)
    with open_chunks(test, chunk_rows=40) as feeder:
        direct = evaluate_streaming(est, feeder, class_names=bundle.class_names)
    for key in ("accuracy", "precision", "recall", "f1", "log_loss", "confusion_matrix",
                "n_samples", "classes"):
        assert scores[key] == direct[key], key
    assert scores["accuracy"] == pytest.approx(np.mean(est.predict(X[450:]) == y[450:]))
    # the other class as the positive one: scikit-learn's metrics with its pos_label
    from sklearn import metrics

    assert run(["evaluate", str(model), str(test), "--chunk-rows", "40", "--json",
                "--positive-class", bundle.class_names[0]]) == 0
    first = _json(capsys)
    assert first["positive_class"] == bundle.class_names[0] == scores["classes"][0]
    pred = est.predict(X[450:])
    for key, metric in (("precision", metrics.precision_score),
                        ("recall", metrics.recall_score), ("f1", metrics.f1_score)):
        assert first[key] == pytest.approx(metric(y[450:], pred, pos_label=est.classes_[0]))
    with open_chunks(test, chunk_rows=40) as feeder:
        assert evaluate_streaming(est, feeder, class_names=bundle.class_names,
                                  positive_class=bundle.class_names[0])["f1"] == first["f1"]
        with pytest.raises(ValueError, match=r"^positive_class 'x' is not a class of the "):
            evaluate_streaming(est, feeder, class_names=bundle.class_names, positive_class="x")

    assert run(["predict", str(model), str(test), "--chunk-rows", "64", "--json"]) == 0
    rows = _json(capsys)
    assert [r["input"] for r in rows] == [f"test.h5[{i}]" for i in range(150)]
    labels = [bundle.class_names[list(est.classes_).index(c)] for c in est.predict(X[450:])]
    assert [r["label"] for r in rows] == labels
    proba = est.predict_proba(X[450:])
    np.testing.assert_allclose([r["probability"] for r in rows], proba.max(axis=1), rtol=1e-6)

    assert run(["predict", str(model), str(test)]) == 0
    table = capsys.readouterr().out.splitlines()
    assert table[0].split() == ["input", "label", "probability"] and len(table) == 151
    # --stream is accepted as for train and evaluate (a store is always read in chunks)
    assert run(["predict", str(model), str(test), "--stream"]) == 0
    assert capsys.readouterr().out.splitlines() == table


def test_course_file_is_read_whole_unless_asked(tmp_path, capsys):
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, size=(64, 8, 8, 3), dtype=np.uint8)
    labels = (images[:, 0, 0, 0] > 127).astype(np.int64)
    path = tmp_path / "train_course.h5"
    with h5py.File(path, "w") as f:
        f["train_set_x"], f["train_set_y"] = images, labels
        f["list_classes"] = np.array([b"non-cat", b"cat"])
    args = ["train", str(path), "--hidden", "3", "--iterations", "3", "--json"]
    assert run([*args, "-o", str(tmp_path / "a.npz")]) == 0
    assert "streamed" not in _json(capsys)
    assert run([*args, "--stream", "--batch-size", "16", "-o", str(tmp_path / "b.npz")]) == 0
    result = _json(capsys)
    assert result["streamed"] is True
    bundle = load_bundle(tmp_path / "b.npz")
    assert bundle.class_names == ["non-cat", "cat"] and bundle.preprocessor.kind == "image"
    # the streamed model evaluates in memory and in chunks alike
    assert run(["evaluate", str(tmp_path / "b.npz"), str(path), "--json"]) == 0
    whole = _json(capsys)
    assert run(["evaluate", str(tmp_path / "b.npz"), str(path), "--stream", "--json"]) == 0
    chunked = _json(capsys)
    assert chunked["confusion_matrix"] == whole["confusion_matrix"]
    assert chunked["log_loss"] == pytest.approx(whole["log_loss"], rel=1e-9)
    assert whole["accuracy"] == pytest.approx(result["train_accuracy"])


def test_data_larger_than_memory_streams_without_being_asked(xy_files, tmp_path, capsys,
                                                            monkeypatch):
    from nnscratch import streaming

    train, *_ = xy_files
    monkeypatch.setattr(streaming, "needs_streaming", lambda feeder, fraction=0.5: True)
    assert run(["train", str(train), "--hidden", "3", "-o", str(tmp_path / "m.npz"),
                "--json"]) == 0
    captured = capsys.readouterr()
    result = json.loads(captured.out)
    assert result["streamed"] is True and result["n_iter"] == 10  # the streaming default
    assert "more than half the available memory" in captured.err
    assert "mini-batches of 256 rows" in captured.err


@pytest.mark.slow
def test_zarr_store_trains_and_predicts(tmp_path, capsys):
    zarr = pytest.importorskip("zarr")
    X, y = _xy(n=200)
    store = tmp_path / "data.zarr"
    group = zarr.open_group(str(store), mode="w")
    group.create_array("X", shape=X.shape, dtype=X.dtype, chunks=(50, 6))[:] = X
    group.create_array("y", shape=y.shape, dtype=y.dtype, chunks=(50,))[:] = y
    model = tmp_path / "z.npz"
    assert run(["train", str(store), "--hidden", "4", "--iterations", "2", "-o", str(model),
                "--json"]) == 0
    assert _json(capsys)["n_train"] == 200
    assert run(["predict", str(model), str(store), "--json"]) == 0
    assert len(_json(capsys)) == 200


@pytest.mark.parametrize("args, fragment", [
    (["train", "{train}", "--hidden", "3", "--early-stopping", "-o", "{out}"],
     "--early-stopping needs a held-out part"),
    (["train", "{train}", "--hidden", "3", "--test", "flower", "-o", "{out}"],
     "--test: when streaming"),
    (["train", "flower", "--stream", "-o", "{out}"], "--stream and --chunk-rows read"),
    (["train", "{train}", "--chunk-rows", "0", "-o", "{out}"], "--chunk-rows"),
    (["predict", "{model}", "{train}", "{train}"], "give it as the only INPUT"),
    (["predict", "{model}", "{csv}", "--chunk-rows", "5"], "--chunk-rows applies"),
    (["predict", "{model}", "{csv}", "--stream"], "--stream applies"),
])
def test_bad_streaming_usage_is_one_line(xy_files, tmp_path, capsys, args, fragment):
    train, *_ = xy_files
    model = tmp_path / "m.npz"
    assert run(["train", str(train), "--hidden", "3", "--iterations", "1", "-o",
                str(model)]) == 0
    (tmp_path / "rows.csv").write_text("x0,x1\n1,2\n")
    capsys.readouterr()
    argv = [a.format(train=train, out=tmp_path / "o.npz", model=model,
                     csv=tmp_path / "rows.csv") for a in args]
    assert run(argv) == 2
    err = [line for line in capsys.readouterr().err.splitlines()
           if line.startswith("nnscratch: error:")]
    assert len(err) == 1 and fragment in err[0], err
    assert not (tmp_path / "o.npz").exists()


def test_the_chunk_size_says_when_it_was_rounded_to_whole_batches(xy_files, tmp_path,
                                                                   capsys):
    train, *_ = xy_files
    assert run(["train", str(train), *TRAIN, "--chunk-rows", "100", "-o",
                str(tmp_path / "m.npz")]) == 0
    err = capsys.readouterr().err
    assert "5 chunks of 90 rows" in err, err  # 450 rows; 100 rounded down to 3 x 30
    assert "the last" not in err  # 5 x 90 is the 450 rows
    assert "--chunk-rows 100 rounded down to whole mini-batches of 30 rows" in err
    assert run(["evaluate", str(tmp_path / "m.npz"), str(train), "--stream"]) == 0
    assert "450 rows x 6 features (10.5 KiB as float32), 1 chunk of 450 rows" in \
        capsys.readouterr().err


def test_a_saved_streaming_model_equals_the_command_on_the_same_chunks(xy_files, tmp_path,
                                                                       capsys):
    """The Python recipe of docs/scale.md and the command write the same model file."""
    train, *_ = xy_files
    est = NeuralNetworkClassifier((5,), solver="adam", learning_rate=0.01, batch_size=30,
                                  max_iter=4, random_state=3)
    with open_chunks(train, batch_size=30) as feeder:
        fit_streaming(est, feeder)
        save(est, tmp_path / "py.npz", **feeder.save_kwargs(est))
    assert run(["train", str(train), *TRAIN, "-o", str(tmp_path / "cli.npz")]) == 0
    a, b = load_bundle(tmp_path / "py.npz"), load_bundle(tmp_path / "cli.npz")
    assert a.class_names == b.class_names and a.preprocessor == b.preprocessor
    for key in a.estimator.params_:
        np.testing.assert_array_equal(a.estimator.params_[key], b.estimator.params_[key])


def test_a_text_model_refuses_an_array_store_before_writing_anything(xy_files, tmp_path,
                                                                     capsys):
    from nnscratch.text import make_spam_corpus

    train, *_ = xy_files
    make_spam_corpus(tmp_path / "mail", 40, random_state=0)
    model = tmp_path / "spam.npz"
    assert run(["train", str(tmp_path / "mail"), "--iterations", "5", "-o", str(model)]) == 0
    capsys.readouterr()
    for argv in (["predict", str(model), str(train)], ["evaluate", str(model), str(train)]):
        assert run(argv) == 2
        captured = capsys.readouterr()
        assert captured.out == ""
        errors = [line for line in captured.err.splitlines() if line.strip()]
        assert errors == [(f"nnscratch: error: {train}: an .h5 file or a Zarr store holds "
                           "pictures or a table, but this model was trained on text data")]


def test_a_shorter_last_chunk_is_said(tmp_path, capsys):
    # 4,000 rows in chunks of 900 read "5 chunks of 900 rows": 4,500 rows
    rng = np.random.default_rng(0)
    X = rng.normal(size=(4000, 5))
    with h5py.File(tmp_path / "big.h5", "w") as f:
        f["X"], f["y"] = X, (X[:, 0] > 0).astype(np.int64)
    assert run(["train", str(tmp_path / "big.h5"), "--hidden", "4", "--iterations", "1",
                "--chunk-rows", "1000", "--batch-size", "300",
                "-o", str(tmp_path / "m.npz")]) == 0
    err = capsys.readouterr().err
    assert ("reading 4,000 rows x 5 features (156.2 KiB as float64), 5 chunks of 900 rows "
            "(35.2 KiB), the last 400\n") in err, err
