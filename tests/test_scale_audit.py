"""Streaming and Dask defects found by an audit of the scale features (docs/scale.md).

Each test failed on the code before its fix: Ctrl-C cutting a row of ``predict --json``
on a blocked pipe, a Dask chunk's shared work run twice, ``read_dask``'s relative HDF5
path and stored dtype, a whole chunk's text held at once, a Dask array's blocks ignored
with ``batch_size``, tracebacks for unknown block sizes and for groups, and two
contradictory lines after Ctrl-C in a streamed ``train``.
"""

import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import warnings
from pathlib import Path

import h5py
import numpy as np
import pytest

from nnscratch import LogisticRegression, NeuralNetworkClassifier, save
from nnscratch.cli import run
from nnscratch.datasets import DatasetError
from nnscratch.streaming import (
    ChunkFeeder,
    fit_streaming,
    open_chunks,
    write_predictions,
)

DOCS = Path(__file__).resolve().parents[1] / "docs"


def _xy(n=600, d=4, seed=0, dtype=np.float32):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d)).astype(dtype)
    return X, (X[:, 0] + X[:, 1] > 0).astype(np.int64)


def _write(path, X, y=None):
    with h5py.File(path, "w") as f:
        f["X"] = X
        if y is not None:
            f["y"] = y
    return path


# ------------------------------------------------------------ 1. Ctrl-C on a blocked pipe


def _blocked_in_write(pid: int) -> bool | None:
    """Whether the process's main thread waits in a write to a pipe (None: unknown)."""
    try:
        return "pipe_write" in Path(f"/proc/{pid}/wchan").read_text()
    except OSError:
        return None


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT to a child needs POSIX")
def test_ctrl_c_while_predict_json_writes_to_a_blocked_pipe_cuts_no_row(tmp_path):
    # stdout unbuffered (PYTHONUNBUFFERED, python -u) on a full pipe: the SIGINT ended
    # the write early and the text stream dropped the rest of its bytes, so the output
    # held half a row, lost the rows after it and was no JSON
    X, y = _xy(20_000)
    data = _write(tmp_path / "big.h5", X, y)
    with open_chunks(data) as feeder:
        est = NeuralNetworkClassifier((3,), max_iter=2, random_state=0).fit(X[:500], y[:500])
        save(est, tmp_path / "m.npz", **feeder.save_kwargs(est))
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    child = subprocess.Popen(
        [sys.executable, "-m", "nnscratch", "predict", str(tmp_path / "m.npz"), str(data),
         "--json", "--chunk-rows", "5000"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    try:
        first = child.stdout.read(1000)  # the rows have begun; the pipe then fills
        for _ in range(300):  # until it waits on the full pipe (at most 30 s)
            blocked = _blocked_in_write(child.pid)
            if blocked is None:
                time.sleep(1.0)
                break
            if blocked:
                break
            time.sleep(0.1)
        child.send_signal(signal.SIGINT)
        rest = child.stdout.read()
        err = child.stderr.read().decode()
        code = child.wait(timeout=60)
    finally:
        if child.poll() is None:
            child.kill()
    items = json.loads((first + rest).decode())  # what was written parses
    assert code == 1 and err.strip().splitlines()[-1] == "nnscratch: error: interrupted"
    n = len(items) - 1
    assert 0 < n < 20_000
    assert [item["input"] for item in items[:-1]] == [f"big.h5[{i}]" for i in range(n)]
    assert all(set(item) == {"input", "label", "probability", "probabilities"}
               for item in items[:-1])
    assert items[-1] == {"input": f"big.h5[{n}:]", "error": "interrupted"}


@pytest.mark.skipif(not hasattr(signal, "pthread_sigmask"), reason="POSIX signal masks")
def test_a_prediction_write_cannot_be_interrupted_by_ctrl_c():
    # a Python handler alone let the signal end the write system call early: SIGINT is
    # held blocked in the writing thread for the write, and restored after it
    X, y = _xy(300)
    est = LogisticRegression(max_iter=2).fit(X, y)
    held = []

    class Out(io.StringIO):
        def write(self, text):
            held.append(signal.SIGINT in signal.pthread_sigmask(signal.SIG_BLOCK, []))
            return super().write(text)

    out = Out()
    write_predictions(est, ChunkFeeder(X, y, chunk_rows=100), out, fmt="json", name="d")
    assert len(json.loads(out.getvalue())) == 300
    assert held and all(held)
    assert signal.SIGINT not in signal.pthread_sigmask(signal.SIG_BLOCK, [])
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


# ------------------------------------------------------ 5. predictions in bounded writes


@pytest.mark.parametrize("fmt", ["table", "json", "csv"])
def test_predictions_are_formatted_and_written_in_bounded_pieces(fmt):
    # a chunk's every row was formatted, then joined, then written at once: 64 MiB of
    # narrow features (millions of rows) took many times that as text
    X, y = _xy(10_000, d=3)
    est = LogisticRegression(max_iter=2).fit(X, y)
    writes = []

    class Out(io.StringIO):
        def write(self, text):
            writes.append(text)
            return super().write(text)

    out = Out()
    feeder = ChunkFeeder(X, y)
    assert feeder.n_chunks == 1  # 10,000 rows in one chunk
    assert write_predictions(est, feeder, out, fmt=fmt, name="d") == 10_000
    rows = [text.count("\n") for text in writes]
    assert max(rows) <= 4096 + 1 and len(writes) >= 3  # (+1: the header, the "[")
    text = out.getvalue()
    if fmt == "json":
        items = json.loads(text)
        assert [item["input"] for item in items] == [f"d[{i}]" for i in range(10_000)]
    else:
        lines = text.splitlines()
        assert len(lines) == 10_001
        assert lines[-1].replace(",", " ").split()[0] == "d[9999]"


# -------------------------------------------------------------------------- Dask


def _loaded_blocks(calls, n_blocks=4, rows=100):
    """A Dask X and y whose blocks come from one delayed loader per block."""
    dask = pytest.importorskip("dask")
    da = pytest.importorskip("dask.array")

    def load(i):
        calls.append(i)
        X, y = _xy(rows, d=3, seed=i, dtype=np.float64)
        return X, y

    parts = [dask.delayed(load, pure=True)(i) for i in range(n_blocks)]
    X = da.concatenate([da.from_delayed(p[0], shape=(rows, 3), dtype=np.float64)
                        for p in parts])
    y = da.concatenate([da.from_delayed(p[1], shape=(rows,), dtype=np.int64)
                        for p in parts])
    return X, y


def test_a_dask_chunk_computes_its_features_and_labels_in_one_go():
    # X and y were computed in two calls: the loader shared by both ran twice a chunk
    calls = []
    X, y = _loaded_blocks(calls)
    with open_chunks(X, y) as feeder:
        calls.clear()
        chunks = list(feeder.chunks())
        assert sorted(calls) == [0, 1, 2, 3]  # each block loaded once
        assert len(chunks) == 4
        expected = _xy(100, d=3, seed=2, dtype=np.float64)
        np.testing.assert_array_equal(chunks[2][1], expected[0])
        np.testing.assert_array_equal(chunks[2][2], expected[1])
        calls.clear()
        est = NeuralNetworkClassifier((3,), batch_size=50, max_iter=2, random_state=0)
        fit_streaming(est, feeder, classes=[0, 1])
        assert len(calls) == 4 + 2 * 4  # the labels' pass, then two epochs: each block once


def test_a_dask_arrays_blocks_are_the_chunks_with_batch_size_too():
    da = pytest.importorskip("dask.array")
    X, y = _xy(350)
    with open_chunks(da.from_array(X, chunks=(100, -1)), da.from_array(y, chunks=100),
                     batch_size=32) as feeder:
        assert feeder.boundaries == [0, 100, 200, 300, 350]  # was [0, 350]
    with open_chunks(da.from_array(X, chunks=(100, -1)), y, chunk_rows=64) as feeder:
        assert feeder.boundaries == [0, 64, 128, 192, 256, 320, 350]  # chunk_rows rules


@pytest.mark.parametrize("which", ["X", "y"])
def test_a_dask_array_of_unknown_block_sizes_is_refused_in_one_line(which):
    # ValueError: cannot convert float NaN to integer, a traceback
    da = pytest.importorskip("dask.array")
    X, y = _xy(300)
    dX, dy = da.from_array(X, chunks=(100, -1)), da.from_array(y, chunks=100)
    keep = dy > -1  # every row, but Dask cannot know how many per block
    if which == "X":
        dX, dy = dX[keep], dy.compute_chunk_sizes()
    else:
        dy = dy[keep]
    with pytest.raises(DatasetError) as info:
        open_chunks(dX, dy)
    message = str(info.value)
    assert "\n" not in message
    assert f"the row counts of {which}'s blocks are unknown" in message
    assert f"{which} = {which}.compute_chunk_sizes()" in message
    with open_chunks(dX.compute_chunk_sizes(), dy.compute_chunk_sizes()) as feeder:
        assert feeder.n_samples == 300


def test_read_dask_keeps_the_absolute_path_of_an_hdf5_file(tmp_path, monkeypatch):
    # the graph held the path as given: a worker in another folder found no file
    pytest.importorskip("dask.array")
    from nnscratch.streaming import read_dask

    X, y = _xy(250)
    (tmp_path / "here").mkdir()
    (tmp_path / "elsewhere").mkdir()
    _write(tmp_path / "here" / "data.h5", X, y)
    monkeypatch.chdir(tmp_path / "here")
    dX, dy = read_dask("data.h5", chunk_rows=100)
    monkeypatch.chdir(tmp_path / "elsewhere")  # as a Dask worker started elsewhere
    np.testing.assert_array_equal(dX.compute(), X)
    np.testing.assert_array_equal(dy.compute(), y)


def test_a_file_gone_from_under_dask_chunks_is_said_missing_not_damaged(tmp_path):
    pytest.importorskip("dask.array")
    from nnscratch.streaming import read_dask

    X, y = _xy(250)
    path = _write(tmp_path / "data.h5", X, y)
    dX, dy = read_dask(path, chunk_rows=100)
    shutil.move(path, tmp_path / "moved.h5")
    with open_chunks(dX, dy) as feeder:
        for labels in (True, False):
            with pytest.raises(DatasetError) as info:
                feeder.read(0, labels=labels)
            message = str(info.value)
            assert "\n" not in message and "damaged" not in message
            assert "X[0:100]" in message and "data.h5" in message
            assert "the file is missing or cannot be opened" in message


def test_read_dask_gives_integer_features_as_the_float64_it_declares(tmp_path):
    # uint8 blocks under a float64 declaration: X * 2 wrapped around at 256
    pytest.importorskip("dask.array")
    from nnscratch.streaming import read_dask

    X = np.full((300, 3), 200, dtype=np.uint8)
    y = np.arange(300) % 2
    dX, dy = read_dask(_write(tmp_path / "bytes.h5", X, y), chunk_rows=128)
    assert dX.dtype == np.float64
    computed = dX.compute()
    assert computed.dtype == dX.dtype
    assert float((dX * 2).sum().compute()) == 300 * 3 * 400
    assert dX.blocks[0].compute().dtype == np.float64
    assert dy.compute().dtype == dy.dtype
    # labels stored as bytes: the str dtype declared
    names = np.array([b"cat", b"dog"])[y]
    _, dnames = read_dask(_write(tmp_path / "names.h5", X, names), chunk_rows=128)
    assert dnames.compute().dtype == dnames.dtype
    assert dnames.compute().tolist()[:2] == ["cat", "dog"]


# ------------------------------------------------------------ 8. a group, not a dataset


def _group_files(tmp_path):
    X, y = _xy(40)
    files = {}
    with h5py.File(tmp_path / "x_group.h5", "w") as f:
        f.create_group("X")
        f["y"] = y
    files["x_group.h5"] = "'X'"
    with h5py.File(tmp_path / "y_group.h5", "w") as f:
        f["X"] = X
        f.create_group("y")
    files["y_group.h5"] = "'y'"
    with h5py.File(tmp_path / "course_group.h5", "w") as f:  # the in-memory reader's
        f.create_group("train_set_x")
        f["train_set_y"] = y
    files["course_group.h5"] = "'train_set_x'"
    return files


def test_an_hdf5_group_where_a_dataset_belongs_is_named(tmp_path):
    # "X must have rows and features, got shape (0,)", or a labels-shape complaint
    for name, which in _group_files(tmp_path).items():
        with pytest.raises(DatasetError) as info:
            open_chunks(tmp_path / name)
        message = str(info.value)
        assert f"{which} in that file is an HDF5 group, not a dataset" in message, message
        assert "\n" not in message and "store the array itself" in message


@pytest.mark.parametrize("stream", [False, True])
def test_train_on_an_hdf5_group_says_so_in_one_line(tmp_path, capsys, stream):
    # the course layout's in-memory reader said "not a readable HDF5 file (Accessing a
    # group is done with bytes or str, not <class 'tuple'>)", --stream a traceback's
    # "unexpected failure (AttributeError ...)"
    for name, which in _group_files(tmp_path).items():
        code = run(["train", str(tmp_path / name), "-o", str(tmp_path / "m.npz"),
                    *(["--stream"] if stream else [])])
        err = capsys.readouterr().err.strip().splitlines()
        assert code == 2, err
        assert err[-1].startswith("nnscratch: error: ")
        assert f"{which} in that file is an HDF5 group, not a dataset" in err[-1]
        assert not (tmp_path / "m.npz").exists()


def test_a_zarr_group_where_an_array_belongs_is_named(tmp_path):
    zarr = pytest.importorskip("zarr")
    X, y = _xy(40)
    group = zarr.open_group(str(tmp_path / "g.zarr"), mode="w")
    group.create_group("X")
    group["y"] = y
    with pytest.raises(DatasetError, match=r"'X' in that store is a Zarr group, not an "
                                           r"array; store the array itself"):
        open_chunks(tmp_path / "g.zarr")


# -------------------------------------------------------- 10. Ctrl-C in a streamed train


def _ctrl_c_at_read(monkeypatch, at: int):
    real = ChunkFeeder.read
    calls = []

    def read(self, i, **kwargs):
        calls.append(i)
        if len(calls) == at:
            raise KeyboardInterrupt
        return real(self, i, **kwargs)

    monkeypatch.setattr(ChunkFeeder, "read", read)


def test_ctrl_c_in_a_streamed_train_says_one_thing(tmp_path, capsys, monkeypatch):
    # "interrupted after 2 epochs; keeping the weights so far", then "nnscratch: error:
    # interrupted after 2 epochs; nothing was written"
    X, y = _xy(300)
    data = _write(tmp_path / "t.h5", X, y)
    _ctrl_c_at_read(monkeypatch, 8)  # in the third epoch of 3 chunks
    code = run(["train", str(data), "--chunk-rows", "100", "--batch-size", "50",
                "--iterations", "5", "-o", str(tmp_path / "m.npz")])
    err = capsys.readouterr().err
    assert code == 1
    said = [line for line in err.splitlines() if "interrupted" in line]
    assert said == ["nnscratch: error: interrupted after 2 epochs; nothing was written"]
    assert "keeping the weights" not in err
    assert not (tmp_path / "m.npz").exists()  # as docs/cli.md says: nothing is written


def test_ctrl_c_in_fit_streaming_warns_once_and_keeps_the_epochs(monkeypatch):
    X, y = _xy(300)
    _ctrl_c_at_read(monkeypatch, 5)  # in the second epoch of 3 chunks (+1 label pass)
    est = NeuralNetworkClassifier((3,), batch_size=50, max_iter=4, random_state=0)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = fit_streaming(est, ChunkFeeder(X, y, chunk_rows=100), classes=[0, 1])
    said = [str(w.message) for w in caught if "interrupted" in str(w.message)]
    assert said == ["training interrupted after 1 epochs; keeping the weights so far."]
    assert result.interrupted and est.n_iter_ == 1


def test_ctrl_c_inside_a_chunks_partial_fit_warns_once(monkeypatch):
    from nnscratch import _engine

    cost, steps = _engine.cost, []

    def ctrl_c(*args, **kwargs):  # Ctrl-C while partial_fit trains the fourth chunk
        steps.append(1)
        if len(steps) == 8:
            raise KeyboardInterrupt
        return cost(*args, **kwargs)

    X, y = _xy(300)
    monkeypatch.setattr(_engine, "cost", ctrl_c)
    est = NeuralNetworkClassifier((3,), batch_size=50, max_iter=4, random_state=0)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = fit_streaming(est, ChunkFeeder(X, y, chunk_rows=100))
    said = [str(w.message) for w in caught if "interrupted" in str(w.message)]
    assert said == ["training interrupted after 1 epochs; keeping the weights so far."]
    assert result.interrupted


# ------------------------------------------------------------- 9. docs/scale.md example


def _python_block(text: str, holding: str) -> str:
    blocks = [b for b in re.findall(r"```python\n(.*?)```", text, re.S) if holding in b]
    assert len(blocks) == 1, holding
    return blocks[0]


def test_the_streaming_example_of_scale_md_runs_as_written(tmp_path, monkeypatch, capsys):
    # the example trained with shuffle=True (its "bit for bit" equality then failed on
    # data of several chunks) and saved without the preprocessing, which the command
    # lines after it refused ("this model file has no preprocessing")
    text = (DOCS / "scale.md").read_text(encoding="utf-8")
    example = _python_block(text, "fit_streaming(est, feeder, progress=True)")
    equality = _python_block(text, "epoch_rows(feeder, order)")
    monkeypatch.chdir(tmp_path)
    X, y = _xy(3 * 1024, d=10)
    _write("big.h5", X, y)
    _write("big_test.h5", *_xy(500, d=10, seed=1))
    _write("new_rows.h5", _xy(20, d=10, seed=2)[0])
    # several chunks of whole mini-batches, as 64 MiB of wider rows would be
    real = open_chunks

    def chunked(source, *args, **kwargs):
        if source == "big.h5":
            kwargs.setdefault("chunk_rows", 1024)
        return real(source, *args, **kwargs)

    monkeypatch.setattr("nnscratch.streaming.open_chunks", chunked)
    scope: dict = {}
    exec(compile(example, "scale.md", "exec"), scope)
    assert scope["feeder"].n_chunks == 3
    exec(compile(equality, "scale.md", "exec"), scope)
    ref, est = scope["ref"], scope["est"]
    for key in est.params_:
        np.testing.assert_array_equal(ref.params_[key], est.params_[key], err_msg=key)
    capsys.readouterr()
    assert run(["evaluate", "big.npz", "big_test.h5", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["n_samples"] == 500
    assert run(["predict", "big.npz", "new_rows.h5", "--json"]) == 0
    assert len(json.loads(capsys.readouterr().out)) == 20
