"""Streaming: chunked reading of HDF5 / Zarr / Dask data, training through partial_fit.

The equivalence tested exactly (bit for bit): with chunks holding whole mini-batches and
``shuffle=False``, an epoch of :func:`fit_streaming` equals one ``warm_start`` epoch of the
in-memory ``fit`` on the rows in the order the epoch visits them (:func:`epoch_rows`).
"""

import io
import json
import os
import re
import subprocess
import sys
import textwrap
import tracemalloc
from pathlib import Path

import h5py
import numpy as np
import pytest
from sklearn import metrics
from sklearn.base import clone

from hdf5_crafted import OUT_OF_FILE, assert_refused_unread, other_h5
from nnscratch import LogisticRegression, NeuralNetworkClassifier
from nnscratch.callbacks import EarlyStopping, History, LambdaCallback
from nnscratch.datasets import DatasetError, load_hdf5
from nnscratch.persistence import save
from nnscratch.streaming import (
    DASK_HINT,
    MissingExtraError,
    chunk_orders,
    epoch_rows,
    evaluate_streaming,
    fit_streaming,
    open_chunks,
    predict_streaming,
    require_dask,
    write_predictions,
)

SRC = str(Path(__file__).resolve().parents[1] / "src")


def _data(n=1000, d=20, dtype=np.float32, seed=0, classes=2):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d)).astype(dtype)
    score = X[:, 0] + X[:, 1] ** 2
    y = np.digitize(score, np.quantile(score, np.linspace(0, 1, classes + 1)[1:-1]))
    return X, y.astype(np.int64)


@pytest.fixture
def xy_file(tmp_path):
    X, y = _data()
    path = tmp_path / "data.h5"
    with h5py.File(path, "w") as f:
        f["X"], f["y"] = X, y
    return path, X, y


def _reference(est, feeder, orders, X, y):
    """The in-memory fit over the same batches: one warm-start epoch per chunk order."""
    ref = clone(est).set_params(warm_start=True, max_iter=1)
    for order in orders:
        rows = epoch_rows(feeder, order)
        ref.fit(X[rows], y[rows])
    return ref


def _assert_same_fit(a, b):
    assert a.params_.keys() == b.params_.keys()
    for key in a.params_:
        np.testing.assert_array_equal(a.params_[key], b.params_[key], err_msg=key)
    assert a.n_iter_ == b.n_iter_
    np.testing.assert_allclose(a.loss_curve_, b.loss_curve_, rtol=1e-12)
    np.testing.assert_allclose(a.costs_, b.costs_, rtol=1e-6)


@pytest.mark.parametrize("settings", [
    {"solver": "gd", "learning_rate": 0.05},
    {"solver": "adam", "learning_rate": 0.01, "dropout": 0.2,
     "learning_rate_schedule": "inverse_time", "decay_rate": 0.5},
    {"solver": "momentum", "learning_rate": 0.05, "class_weight": "balanced", "alpha": 0.1},
    # chunks whose weights sum to another number than their rows: the epoch's cost is
    # weighted by them, as fit's is (it was by the rows, about 1e-5 off)
    {"solver": "gd", "learning_rate": 0.05, "class_weight": {0: 1.0, 1: 3.0}},
], ids=["gd", "adam-dropout-decay", "momentum-balanced-l2", "gd-class-weights"])
def test_streaming_equals_in_memory_minibatch_fit_bit_for_bit(xy_file, settings):
    path, X, y = xy_file
    est = NeuralNetworkClassifier((8, 4), batch_size=50, shuffle=False, max_iter=4,
                                  random_state=3, cost_every=2, **settings)
    with open_chunks(path, chunk_rows=230, batch_size=50) as feeder:
        assert feeder.boundaries == [0, 200, 400, 600, 800, 1000]  # whole mini-batches
        result = fit_streaming(est, feeder)
        ref = _reference(est, feeder, result.chunk_orders, X, y)
    assert len({tuple(o) for o in result.chunk_orders}) > 1  # the order really changes
    _assert_same_fit(est, ref)
    np.testing.assert_allclose(result.epoch_losses, ref.loss_curve_, rtol=1e-12)
    assert est.get_params()["learning_rate_schedule"] == settings.get(
        "learning_rate_schedule", "constant")  # settings restored
    assert est.get_params()["class_weight"] == settings.get("class_weight")


def test_unshuffled_chunk_order_is_one_plain_fit(xy_file):
    path, X, y = xy_file
    est = NeuralNetworkClassifier((6,), batch_size=100, shuffle=False, max_iter=3,
                                  learning_rate=0.1, random_state=0)
    with open_chunks(path, chunk_rows=300, batch_size=100) as feeder:
        fit_streaming(est, feeder, shuffle_chunks=False)
    _assert_same_fit(est, clone(est).fit(X, y))


def test_chunk_order_comes_from_the_seed(xy_file):
    path = xy_file[0]
    runs = []
    for _ in range(2):
        est = LogisticRegression(batch_size=100, learning_rate=0.1, max_iter=3,
                                 random_state=7)
        with open_chunks(path, chunk_rows=200) as feeder:
            runs.append(fit_streaming(est, feeder))
    assert all(np.array_equal(a, b) for a, b in zip(runs[0].chunk_orders,
                                                     runs[1].chunk_orders))
    np.testing.assert_array_equal(runs[0].estimator.params_["W1"],
                                  runs[1].estimator.params_["W1"])
    assert [o.tolist() for o in chunk_orders(5, 3, shuffle=False)] == [list(range(5))] * 3


def test_continuing_a_streamed_fit_counts_epochs(xy_file):
    path = xy_file[0]
    est = NeuralNetworkClassifier((4,), batch_size=100, max_iter=2, random_state=0,
                                  cost_every=1)
    with open_chunks(path, chunk_rows=250) as feeder:
        fit_streaming(est, feeder)
        fit_streaming(est, feeder, epochs=3)
    assert est.n_iter_ == 5 and len(est.loss_curve_) == 5 and len(est.costs_) == 5


def _recorder(events, stop_after=None):
    """A callback writing down every event it sees (and the weights it can read)."""
    def begin(est, logs):
        events.append(("begin", logs["max_iter"], logs["n_samples"]))

    def iteration(est, i, logs):
        events.append(("iteration", i, round(logs["cost"], 5), logs["learning_rate"],
                       float(est.params_["W1"][0, 0])))
        return stop_after is not None and i + 1 >= stop_after

    def end(est, logs):
        events.append(("end", logs["n_iter"], logs["stopped_early"], logs["interrupted"]))

    return LambdaCallback(on_train_begin=begin, on_iteration_end=iteration, on_train_end=end)


@pytest.mark.parametrize("stop_after", [None, 2], ids=["all-epochs", "a-callback-stops"])
def test_callbacks_see_the_streams_epochs_as_fit_shows_them_its_own(xy_file, stop_after):
    """One on_train_begin, one on_iteration_end per epoch (not per chunk), one
    on_train_end: the events of the in-memory fit that the unshuffled stream equals."""
    path, X, y = xy_file
    streamed, in_memory = [], []
    settings = dict(batch_size=100, shuffle=False, max_iter=4, learning_rate=0.1,
                    learning_rate_schedule="inverse_time", decay_rate=0.5, random_state=0)
    est = NeuralNetworkClassifier((6,), callbacks=[_recorder(streamed, stop_after)],
                                  **settings)
    with open_chunks(path, chunk_rows=300, batch_size=100) as feeder:
        result = fit_streaming(est, feeder, shuffle_chunks=False)
    reference = NeuralNetworkClassifier((6,), callbacks=[_recorder(in_memory, stop_after)],
                                        **settings).fit(X, y)
    assert streamed == in_memory
    epochs = 4 if stop_after is None else stop_after
    assert [e[0] for e in streamed] == ["begin"] + ["iteration"] * epochs + ["end"]
    assert streamed[-1] == ("end", epochs, stop_after is not None, False)
    assert len(result.epoch_losses) == est.n_iter_ == reference.n_iter_ == epochs
    assert est.get_params()["callbacks"][0].functions["on_train_end"] is not None  # restored


def test_early_stopping_on_the_cost_waits_across_a_streams_epochs(xy_file):
    path, X, y = xy_file
    stopper = EarlyStopping(monitor="cost", n_iter_no_change=2, tol=10.0)  # never improves
    history = History(cost_every=1)
    est = NeuralNetworkClassifier((6,), batch_size=100, max_iter=9, learning_rate=0.1,
                                  random_state=0, callbacks=[stopper, history])
    with open_chunks(path, chunk_rows=250) as feeder:
        result = fit_streaming(est, feeder)
    assert len(result.epoch_losses) == 3 and stopper.stopped_iteration_ == 2
    assert history.loss_curve == result.epoch_losses  # one entry per epoch, all kept
    # the weights of the best epoch (the first) are back
    np.testing.assert_array_equal(est.params_["W1"], stopper.best_params_["W1"])


def test_a_callback_error_leaves_the_model_as_it_was_and_ends_the_callbacks(xy_file):
    path = xy_file[0]
    ended = []

    def fail(est, i, logs):
        if i == 1:
            raise RuntimeError("the callback failed")

    est = NeuralNetworkClassifier((4,), batch_size=100, max_iter=3, random_state=0,
                                  callbacks=[LambdaCallback(
                                      on_iteration_end=fail,
                                      on_train_end=lambda e, logs: ended.append(logs))])
    with open_chunks(path, chunk_rows=250) as feeder, \
            pytest.raises(RuntimeError, match="the callback failed"):
        fit_streaming(est, feeder)
    assert not hasattr(est, "params_") and ended == [
        {"n_iter": 2, "stopped_early": False, "interrupted": False}]


def test_callbacks_that_are_not_callbacks_are_refused_before_reading_the_data(xy_file):
    path = xy_file[0]
    est = NeuralNetworkClassifier((4,), callbacks=[print])
    with open_chunks(path, chunk_rows=250) as feeder:
        feeder.class_counts = None  # reading the labels would fail: it must not happen
        with pytest.raises(TypeError, match="LambdaCallback"):
            fit_streaming(est, feeder)


def _course_file(path, n=60, size=8, names=(b"non-cat", b"cat"), seed=0):
    rng = np.random.default_rng(seed)
    images = rng.integers(0, 256, size=(n, size, size, 3), dtype=np.uint8)
    labels = (images[:, 0, 0, 0] > 127).astype(np.int64)
    with h5py.File(path, "w") as f:
        f["train_set_x"] = images
        f["train_set_y"] = labels
        f["list_classes"] = np.array(names)
    return images, labels


def test_course_layout_is_read_as_the_loader_reads_it(tmp_path):
    path = tmp_path / "train_course.h5"
    _course_file(path)
    data = load_hdf5(path, image_size=8)
    with open_chunks(path, chunk_rows=16) as feeder:
        assert feeder.class_names == ["non-cat", "cat"]
        assert feeder.n_features == 8 * 8 * 3 and feeder.n_chunks == 4
        X = np.concatenate([X for _, X, _ in feeder.chunks()])
        y = np.concatenate([y for _, _, y in feeder.chunks()])
    np.testing.assert_array_equal(X, data.X)
    np.testing.assert_array_equal(y, data.y)
    # a model whose classes are in the other order gets the codes mapped by name
    with open_chunks(path, chunk_rows=16, class_names=["cat", "non-cat"]) as feeder:
        y_model = np.concatenate([y for _, _, y in feeder.chunks()])
    np.testing.assert_array_equal(y_model, 1 - data.y)
    with pytest.raises(DatasetError, match="not classes of the model"):
        open_chunks(path, class_names=["dog", "cat"])


def test_evaluate_streaming_equals_scikit_learn_on_all_rows(xy_file):
    path, X, y = xy_file
    est = NeuralNetworkClassifier((8,), learning_rate=0.1, max_iter=50,
                                  random_state=0).fit(X, y)
    with open_chunks(path, chunk_rows=128) as feeder:
        result = evaluate_streaming(est, feeder)
    pred, proba = est.predict(X), est.predict_proba(X)
    assert result["accuracy"] == metrics.accuracy_score(y, pred)
    assert result["precision"] == pytest.approx(metrics.precision_score(y, pred), abs=1e-12)
    assert result["recall"] == pytest.approx(metrics.recall_score(y, pred), abs=1e-12)
    assert result["f1"] == pytest.approx(metrics.f1_score(y, pred), abs=1e-12)
    assert result["log_loss"] == pytest.approx(metrics.log_loss(y, proba), rel=1e-6)
    assert result["confusion_matrix"] == metrics.confusion_matrix(y, pred).tolist()
    assert result["n_samples"] == 1000


def test_evaluate_streaming_multiclass_is_macro_averaged(tmp_path):
    X, y = _data(n=600, classes=3)
    path = tmp_path / "three.h5"
    with h5py.File(path, "w") as f:
        f["X"], f["y"] = X, np.array([b"a", b"b", b"c"])[y]  # string labels
    est = NeuralNetworkClassifier((8,), learning_rate=0.1, max_iter=30,
                                  random_state=0).fit(X, np.array(["a", "b", "c"])[y])
    with open_chunks(path, chunk_rows=100) as feeder:
        result = evaluate_streaming(est, feeder)
    labels = np.array(["a", "b", "c"])[y]
    pred = est.predict(X)
    assert result["average"] == "macro" and result["positive_class"] is None
    assert result["f1"] == pytest.approx(metrics.f1_score(labels, pred, average="macro"))


def test_predict_streaming_and_written_predictions(xy_file):
    path, X, y = xy_file
    est = LogisticRegression(learning_rate=0.1, max_iter=20).fit(X, y)
    with open_chunks(path, chunk_rows=300) as feeder:
        labels = np.concatenate([lab for _, lab, _ in predict_streaming(est, feeder)])
        out = io.StringIO()
        n = write_predictions(est, feeder, out, fmt="json", class_names=["no", "yes"])
        csv = io.StringIO()
        write_predictions(est, feeder, csv, fmt="csv")
    np.testing.assert_array_equal(labels, est.predict(X))
    rows = json.loads(out.getvalue())
    assert n == len(rows) == 1000
    assert rows[3]["input"] == "data.h5[3]"
    assert rows[3]["label"] == ["no", "yes"][int(est.predict(X[3:4])[0])]
    assert rows[3]["probability"] == pytest.approx(est.predict_proba(X[3:4]).max())
    lines = csv.getvalue().splitlines()
    assert lines[0] == "input,label,probability" and len(lines) == 1001


@pytest.mark.slow  # importing dask and zarr takes seconds
def test_zarr_and_dask_sources_feed_the_same_rows(xy_file, tmp_path):
    zarr = pytest.importorskip("zarr")
    da = pytest.importorskip("dask.array")
    path, X, y = xy_file
    store = tmp_path / "data.zarr"
    group = zarr.open_group(str(store), mode="w")
    group.create_array("X", data=X, chunks=(100, 20))
    group.create_array("y", data=y, chunks=(100,))
    fits = []
    for source, extra in ((path, {}), (store, {}),
                          (da.from_array(X, chunks=(200, 20)),
                           {"y": da.from_array(y, chunks=200)})):
        est = NeuralNetworkClassifier((5,), batch_size=100, max_iter=2, random_state=1)
        with open_chunks(source, chunk_rows=None if extra else 200, **extra) as feeder:
            assert feeder.boundaries == [0, 200, 400, 600, 800, 1000]
            fit_streaming(est, feeder)
        fits.append(est)
    for other in fits[1:]:
        _assert_same_fit(fits[0], other)


@pytest.mark.slow
def test_memory_stays_within_a_few_chunks(tmp_path):
    """8 MB of features in chunks of 0.4 MB: the traced peak stays under 4 chunks."""
    X, y = _data(n=20_000, d=100)
    path = tmp_path / "big.h5"
    with h5py.File(path, "w") as f:
        f["X"], f["y"] = X, y
    del X
    est = NeuralNetworkClassifier((16,), batch_size=500, max_iter=1, random_state=0)
    with open_chunks(path, chunk_rows=1000, batch_size=500) as feeder:
        chunk_bytes = 1000 * 100 * 4
        tracemalloc.start()
        try:
            fit_streaming(est, feeder)
            evaluate_streaming(est, feeder)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert feeder.nbytes == 8_000_000
    assert peak < 4 * chunk_bytes, peak


def test_bad_data_and_settings_get_clear_errors(tmp_path, xy_file):
    path, X, y = xy_file
    odd = tmp_path / "odd.h5"
    with h5py.File(odd, "w") as f:
        f["features"] = X
    with pytest.raises(DatasetError, match="expected datasets 'X'"):
        open_chunks(odd)
    short = tmp_path / "short.h5"
    with h5py.File(short, "w") as f:
        f["X"], f["y"] = X, y[:10]
    with pytest.raises(DatasetError, match="1000 examples in X but labels of shape"):
        open_chunks(short)
    with pytest.raises(DatasetError, match="no such file"):
        open_chunks(tmp_path / "missing.h5")
    with open_chunks(path) as feeder, pytest.raises(ValueError, match="early stopping"):
        fit_streaming(NeuralNetworkClassifier(early_stopping=True), feeder)


@pytest.mark.parametrize("monitor", ["val_score", "val_loss"])
def test_an_early_stopping_on_validation_is_refused_before_the_stream_is_read(
        xy_file, monkeypatch, monitor):
    # it streamed a whole epoch, then said "give fit X_val= and y_val=, or set
    # early_stopping=True", neither of which fit_streaming takes
    path, X, y = xy_file
    estimator = NeuralNetworkClassifier((4,), max_iter=3,
                                        callbacks=[EarlyStopping(monitor=monitor)])
    with open_chunks(path) as feeder:
        def read(*args, **kwargs):
            raise AssertionError("the stream was read before the refusal")

        monkeypatch.setattr(feeder, "class_counts", read)
        monkeypatch.setattr(feeder, "chunks", read, raising=False)
        with pytest.raises(ValueError, match=(
                rf"^callbacks: EarlyStopping\(monitor='{monitor}'\) needs a validation "
                r"set, and fit_streaming takes none \(evaluate on held-out data with "
                r"evaluate_streaming\); or monitor 'cost'\.$")):
            fit_streaming(estimator, feeder)
    assert not hasattr(estimator, "coefs_")


def test_missing_dask_packages_name_the_install_line(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed fails
    with pytest.raises(MissingExtraError) as info:
        require_dask()
    message = str(info.value)
    assert "\n" not in message and DASK_HINT in message and "distributed" in message
    monkeypatch.setitem(sys.modules, "zarr", None)
    (tmp_path / "d.zarr").mkdir()
    with pytest.raises(MissingExtraError, match=r"pip install 'nnscratch\[dask\]'") as info:
        open_chunks(tmp_path / "d.zarr")
    assert isinstance(info.value, DatasetError)  # the command line: one line, exit code 2


# --------------------------------------------------------------------------- 2 GB


_CHILD = textwrap.dedent("""
    import json, sys, time
    import numpy as np
    from nnscratch import NeuralNetworkClassifier, save
    from nnscratch.streaming import open_chunks, fit_streaming, evaluate_streaming
    path, model = sys.argv[1], sys.argv[2]
    est = NeuralNetworkClassifier((8,), solver="adam", learning_rate=1e-3, batch_size=512,
                                  shuffle=False, max_iter=1, random_state=0)
    start = time.perf_counter()
    with open_chunks(path, batch_size=512) as feeder:
        result = fit_streaming(est, feeder, progress="lines")
        scores = evaluate_streaming(est, feeder, progress="lines")
    save(est, model)
    # VmHWM: this process's peak RSS (ru_maxrss would include the parent's at the
    # fork, which Linux carries across exec)
    status = open("/proc/self/status").read().split("VmHWM:")[1].split()[0]
    print(json.dumps({"peak_kib": int(status),
                      "orders": [o.tolist() for o in result.chunk_orders],
                      "boundaries": feeder.boundaries, "accuracy": scores["accuracy"],
                      "seconds": time.perf_counter() - start}))
""")


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads VmHWM (Linux)")
def test_training_from_a_2gb_file_stays_under_500mb_and_matches_in_memory(tmp_path):
    n, d = 40_960, 12_288  # 40960 x 12288 float32 = 2.01 GB (the cat pictures' width)
    path = tmp_path / "big.h5"
    rng = np.random.default_rng(0)
    w = rng.normal(size=d).astype(np.float32) / np.sqrt(d)
    block = rng.standard_normal((2048, d), dtype=np.float32)  # 20 copies: quick to write
    labels = (block @ w > 0).astype(np.int64)
    with h5py.File(path, "w") as f:
        X_ds = f.create_dataset("X", shape=(n, d), dtype=np.float32)
        y_ds = f.create_dataset("y", shape=(n,), dtype=np.int64)
        for start in range(0, n, 2048):
            X_ds[start:start + 2048], y_ds[start:start + 2048] = block, labels
    del block
    try:
        assert path.stat().st_size > 2e9
        model = tmp_path / "model.npz"
        env = {**os.environ, "PYTHONPATH": SRC}
        run = subprocess.run([sys.executable, "-c", _CHILD, str(path), str(model)],
                             check=False, capture_output=True, text=True, env=env,
                             timeout=600)
        assert run.returncode == 0, run.stderr
        report = json.loads(run.stdout)
        peak_mb = report["peak_kib"] * 1024 / 1e6
        print(f"peak RSS of the streaming run: {peak_mb:.0f} MB, {report['seconds']:.1f} s")
        assert peak_mb < 500, peak_mb
        assert "rows/s" in run.stderr
        # the same seed and chunk order in memory: the same weights, to float32 rounding.
        # Bit for bit here, but not on every CPU: OpenBLAS picks its kernels by CPU, and
        # some sum a product's terms in an order that depends on the buffers' alignment,
        # which differs between the chunk buffers and one in-memory array. The tolerance
        # is 1 % of one Adam step (learning rate 1e-3); a wrong row order or a skipped
        # batch moves the weights by whole steps.
        from nnscratch import load

        streamed = load(model)
        bounds, order = report["boundaries"], report["orders"][0]
        X = np.empty((n, d), dtype=np.float32)  # the rows in the epoch's chunk order
        y = np.empty(n, dtype=np.int64)
        with h5py.File(path, "r") as f:
            at = 0
            for i in order:
                rows = slice(bounds[i], bounds[i + 1])
                X[at:at + rows.stop - rows.start] = f["X"][rows]
                y[at:at + rows.stop - rows.start] = f["y"][rows]
                at += rows.stop - rows.start
        ref = clone(streamed).set_params(max_iter=1)
        ref.fit(X, y)
        for key in ref.params_:
            np.testing.assert_allclose(streamed.params_[key], ref.params_[key],
                                       rtol=0, atol=1e-5, err_msg=key)
        assert report["accuracy"] == pytest.approx(float(np.mean(ref.predict(X) == y)),
                                                   abs=1e-3)
    finally:
        path.unlink(missing_ok=True)


def test_a_streamed_model_file_evaluates_like_the_command(tmp_path, capsys):
    """What `train --stream` and `evaluate --stream` will do, against `evaluate --json`."""
    from nnscratch import save
    from nnscratch.cli import run
    from nnscratch.persistence import load_bundle

    path = tmp_path / "train_course.h5"
    _course_file(path, n=80)
    est = NeuralNetworkClassifier((5,), learning_rate=0.05, batch_size=16, max_iter=3,
                                  random_state=0)
    with open_chunks(path, batch_size=16) as feeder:
        fit_streaming(est, feeder)
        save(est, tmp_path / "m.npz", **feeder.save_kwargs(est))
    bundle = load_bundle(tmp_path / "m.npz")
    assert bundle.class_names == ["non-cat", "cat"]
    with open_chunks(path, chunk_rows=32, preprocessor=bundle.preprocessor,
                     class_names=bundle.class_names) as feeder:
        streamed = evaluate_streaming(bundle.estimator, feeder,
                                      class_names=bundle.class_names)
    assert run(["evaluate", str(tmp_path / "m.npz"), str(path), "--json"]) == 0
    command = json.loads(capsys.readouterr().out)
    for key in ("accuracy", "precision", "recall", "f1", "log_loss"):
        assert streamed[key] == pytest.approx(command[key], rel=1e-9), key
    for key in ("confusion_matrix", "n_samples", "classes", "positive_class", "average"):
        assert streamed[key] == command[key], key


def test_data_without_labels_can_be_predicted_not_trained_on(tmp_path):
    X, _ = _data(n=100)
    path = tmp_path / "unlabelled.h5"
    with h5py.File(path, "w") as f:
        f["X"] = X
    est = LogisticRegression(max_iter=5).fit(X, X[:, 0] > 0)
    with open_chunks(path, chunk_rows=30) as feeder:
        labels = np.concatenate([lab for _, lab, _ in predict_streaming(est, feeder)])
        np.testing.assert_array_equal(labels, est.predict(X))
        with pytest.raises(DatasetError, match="holds no labels"):
            fit_streaming(LogisticRegression(), feeder)


@pytest.mark.parametrize("labels, said", [
    (np.zeros(1000), r"one\.h5: y holds only one class \(0\.0\); a classifier needs "
                     r"examples of at least 2 \(or pass classes=\[\.\.\.\] to train on part "
                     r"of them\)$"),
    (np.where(np.arange(1000) % 2, 0.5, 1.5),
     r"one\.h5: y holds continuous values \(0\.5, 1\.5\), not classes; give class "
     r"labels, integers or names$"),
])
def test_labels_that_are_no_classes_are_refused_naming_the_file(tmp_path, labels, said):
    # "classes must hold at least 2 classes." and scikit-learn's "Unknown label type:
    # continuous", naming neither the file nor the labels
    X, _ = _data()
    path = tmp_path / "one.h5"
    with h5py.File(path, "w") as f:
        f["X"], f["y"] = X, labels
    est = NeuralNetworkClassifier((3,), max_iter=1)
    with open_chunks(path, chunk_rows=300) as feeder, pytest.raises(ValueError, match=said):
        fit_streaming(est, feeder)
    assert not hasattr(est, "params_")
    if labels.dtype.kind == "f" and labels.max() == 0:  # a part of the classes is fine
        with open_chunks(path, chunk_rows=300) as feeder:
            fit_streaming(est, feeder, classes=[0.0, 1.0])
        assert est.classes_.tolist() == [0.0, 1.0]


def test_a_damaged_file_is_named_with_the_rows_that_cannot_be_read(tmp_path):
    # h5py's "Can't synchronously read data (filter returned failure during read)" ended
    # the command as an "unexpected failure", naming no file, after training had begun
    X, y = _data(n=2000)
    path = tmp_path / "gz.h5"
    with h5py.File(path, "w") as f:
        f.create_dataset("X", data=X, chunks=(250, 20), compression="gzip")
        f["y"] = y
    data = bytearray(path.read_bytes())
    middle = len(data) // 2
    data[middle:middle + 200] = bytes(range(200))
    path.write_bytes(bytes(data))
    est = NeuralNetworkClassifier((3,), max_iter=1)
    with open_chunks(path, chunk_rows=500) as feeder, pytest.raises(
            DatasetError, match=r"gz\.h5: the features X\[\d+:\d+\] cannot be read \(.+\); "
                                r"the file is damaged: copy or write it again$"):
        fit_streaming(est, feeder)
    empty = tmp_path / "empty.h5"
    with h5py.File(empty, "w") as f:
        f["X"], f["y"] = np.zeros((20, 0)), np.zeros(20)
    with pytest.raises(DatasetError, match=r"X must have rows and features, got shape "
                                           r"\(20, 0\)"):  # ZeroDivisionError
        open_chunks(empty)


@pytest.mark.slow  # importing zarr takes seconds
def test_a_zarr_store_with_damaged_metadata_is_named(tmp_path):
    # "Expecting property name enclosed in double quotes: line 1 column 2 (char 1)"
    zarr = pytest.importorskip("zarr")
    X, y = _data(n=100)
    store = tmp_path / "data.zarr"
    group = zarr.open_group(str(store), mode="w")
    group.create_array("X", data=X)
    group.create_array("y", data=y)
    meta = next(p for p in (store / "X").iterdir() if p.name in ("zarr.json", ".zarray"))
    meta.write_text("{bad")
    with pytest.raises(DatasetError, match=r"data\.zarr: not a readable Zarr store \(.+\); "
                                           r"the file is damaged: copy or write it again$"):
        open_chunks(store)


def test_values_too_large_for_the_network_are_refused_naming_the_row(tmp_path):
    # a CSV refused them up front; an HDF5 file trained on and ended "training diverged"
    X, y = _data(n=600)
    X = X.astype(np.float64)
    X[437, 3] = -1e300
    path = tmp_path / "huge.h5"
    with h5py.File(path, "w") as f:
        f["X"], f["y"] = X, y
    est = NeuralNetworkClassifier((3,), max_iter=1)
    with open_chunks(path, chunk_rows=200) as feeder, pytest.raises(
            DatasetError, match=r"^.*huge\.h5: row X\[437\] holds a value beyond 1e\+150 in "
                                r"magnitude; scale the features"):
        fit_streaming(est, feeder)
    assert not hasattr(est, "params_")


def test_a_bad_row_is_named_by_its_array_and_index(tmp_path):
    # "row 12" was counted from 0 where the CSV and svmlight messages count from 1
    X = np.random.default_rng(0).random((30, 3))
    X[12, 1] = np.nan
    y = np.r_[np.zeros(15), np.ones(15)]
    with h5py.File(tmp_path / "xy.h5", "w") as f:
        f["X"], f["y"] = X, y
    with open_chunks(tmp_path / "xy.h5", chunk_rows=10) as feeder, pytest.raises(
            DatasetError, match=r"xy\.h5: row X\[12\] holds NaN \(a missing value\); "):
        list(feeder.chunks())
    y[17] = np.nan  # the course's layout: the arrays' own names
    with h5py.File(tmp_path / "course.h5", "w") as f:
        f["train_set_x"] = np.zeros((30, 8, 8, 3), np.uint8)
        f["train_set_y"] = y
    with open_chunks(tmp_path / "course.h5", chunk_rows=10) as feeder, pytest.raises(
            DatasetError, match=r"course\.h5: label train_set_y\[17\] is NaN \(a missing "):
        feeder.class_counts()


# ------------------------------------------- found by the audit of 2026-12-07


@pytest.mark.parametrize("labels, fragment", [
    (["a", "b", None], "label y[2] is missing (None or NaN)"),
    ([1, 2, np.nan], "label y[2] is missing (None or NaN)"),
    (["neg", "pos", ""], "a class has an empty name"),
], ids=["None", "NaN-in-objects", "empty-name"])
def test_labels_a_model_file_could_not_keep_are_refused_before_training(labels, fragment):
    """None and NaN became the classes 'None' and 'nan' (and 1, 2 the strings '1', '2');
    an empty label was trained on and saved, and the model file then refused to load."""
    X, _ = _data(n=300)
    y = np.array(labels * 100, dtype=object)
    est = LogisticRegression(max_iter=1)
    with pytest.raises(DatasetError, match=re.escape(fragment)):
        fit_streaming(est, open_chunks(X, y, chunk_rows=100))
    assert not hasattr(est, "params_")


def test_save_refuses_class_names_that_load_would_refuse(tmp_path):
    X, y = _data(n=100)
    est = LogisticRegression(max_iter=1).fit(X, y)
    with pytest.raises(ValueError, match="a class has an empty name"):
        save(est, tmp_path / "m.npz", class_names=["pos", " "])
    assert not (tmp_path / "m.npz").exists()


def test_predict_streaming_takes_sparse_chunks():
    """It raised scipy's "sparse array length is ambiguous"."""
    import scipy.sparse as sp

    X, y = _data(n=300)
    est = LogisticRegression(max_iter=5).fit(sp.csr_matrix(X), y)
    parts = list(predict_streaming(est, open_chunks(sp.csr_matrix(X), chunk_rows=100)))
    np.testing.assert_array_equal(np.concatenate([p[1] for p in parts]), est.predict(X))


# ------------------------- HDF5 links and storage out of the file (nothing becomes a path)


def _xy_parts():
    return {"X": np.arange(12, dtype=np.float64).reshape(4, 3),
            "y": np.array([0, 1, 0, 1]), "class_names": np.array([b"neg", b"pos"])}


@pytest.mark.parametrize("kind", sorted(OUT_OF_FILE))
@pytest.mark.parametrize("layout, name", [("xy", "X"), ("xy", "y"), ("xy", "class_names"),
                                          ("course", "train_set_x"),
                                          ("course", "train_set_y")])
def test_open_chunks_refuses_hdf5_data_kept_in_another_file_unread(tmp_path, h5_reads,
                                                                   layout, name, kind):
    """The chunked reader followed HDF5 external storage, external links and virtual
    datasets: a crafted .h5 read any file of the machine by a path written in it."""
    parts = _xy_parts() if layout == "xy" else {
        "train_set_x": np.zeros((2, 4, 4, 3), np.uint8), "train_set_y": np.array([0, 1])}
    value = parts.pop(name)
    path = tmp_path / "crafted.h5"
    other = other_h5(path, tmp_path, kind, name, value, parts)
    with pytest.raises(DatasetError) as info:
        with open_chunks(path, chunk_rows=2) as feeder:
            list(feeder.chunks())
    assert_refused_unread(str(info.value), path, name, kind, h5_reads, other)


def test_open_chunks_follows_soft_links_within_the_file_only(tmp_path, h5_reads):
    parts = _xy_parts()
    path = tmp_path / "soft.h5"
    with h5py.File(path, "w") as f:
        group = f.create_group("table")
        group["rows"], group["codes"] = parts["X"], parts["y"]
        f["X"], f["y"] = h5py.SoftLink("/table/rows"), h5py.SoftLink("table/codes")
    with open_chunks(path, chunk_rows=2) as feeder:
        chunks = list(feeder.chunks())
    np.testing.assert_array_equal(np.concatenate([c[1] for c in chunks]), parts["X"])
    np.testing.assert_array_equal(np.concatenate([c[2] for c in chunks]), parts["y"])
    crafted = tmp_path / "crafted.h5"
    other = other_h5(crafted, tmp_path, "link", "elsewhere", parts["X"], {"y": parts["y"]})
    with h5py.File(crafted, "a") as f:
        f["X"] = h5py.SoftLink("/elsewhere")
    h5_reads.clear()
    with pytest.raises(DatasetError, match=re.escape(
            f"{crafted}: not a readable HDF5 file: dataset 'X' is a link to another file "
            "(an external link), which nnscratch does not follow")):
        open_chunks(crafted)
    assert not [r for r in h5_reads if r[0] == other.resolve()]


def test_read_dask_blocks_check_the_file_again_when_they_are_read(tmp_path):
    """Each Dask block opens the file by its path when it is computed: a file changed
    since read_dask looked at it is checked again."""
    pytest.importorskip("dask.array")
    from nnscratch.streaming import read_dask

    parts = _xy_parts()
    path = tmp_path / "table.h5"
    with h5py.File(path, "w") as f:
        f["X"], f["y"] = parts["X"], parts["y"]
    X, y = read_dask(path, chunk_rows=2)
    np.testing.assert_array_equal(X.compute(), parts["X"])
    other_h5(path, tmp_path, "link", "X", parts["X"] + 100, {"y": parts["y"]})
    with pytest.raises(DatasetError, match=re.escape(
            f"{path}: not a readable HDF5 file: dataset 'X' is a link to another file "
            "(an external link)")):
        X.compute(scheduler="synchronous")
