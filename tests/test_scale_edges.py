"""Rough edges of the scale features: streaming from HDF5/Zarr, searches, sparse data.

In-process through :func:`nnscratch.cli.run` where a command is tested.
"""

import json

import h5py
import numpy as np
import pytest

from nnscratch.cli import run


def _xy(n=300, d=5, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d)).astype(np.float32)
    y = (X[:, 0] + X[:, 1] > 0).astype(np.int64)
    return X, y


TRAIN = ["--hidden", "4", "--solver", "adam", "--learning-rate", "0.01", "--batch-size", "50",
         "--iterations", "2", "--seed", "0"]


@pytest.fixture
def coded_and_named(tmp_path):
    """The same rows twice: labels as codes with class_names, and labels as the names."""
    X, y = _xy()
    coded, named = tmp_path / "coded.h5", tmp_path / "named.h5"
    with h5py.File(coded, "w") as f:
        f["X"], f["y"], f["class_names"] = X, y, np.array([b"neg", b"pos"])
    with h5py.File(named, "w") as f:
        f["X"], f["y"] = X, np.array([b"neg", b"pos"])[y]
    return coded, named


def _trained(data, tmp_path, capsys):
    """A model trained on ``data`` with TRAIN (its output read and dropped)."""
    model = tmp_path / "m.npz"
    assert run(["train", str(data), *TRAIN, "-o", str(model)]) == 0
    capsys.readouterr()
    return model


@pytest.mark.parametrize("trained_on", ["coded", "named"])
def test_evaluate_reads_labels_as_codes_or_as_the_model_s_class_names(
        coded_and_named, tmp_path, capsys, trained_on):
    coded, named = coded_and_named
    model = _trained(coded if trained_on == "coded" else named, tmp_path, capsys)
    scores = []
    for data in (coded, named):  # the same labels, stored either way
        assert run(["evaluate", str(model), str(data), "--json"]) == 0
        scores.append(json.loads(capsys.readouterr().out))
    assert scores[0] == scores[1]
    assert scores[0]["classes"] == ["neg", "pos"] and scores[0]["n_samples"] == 300


def test_labels_named_outside_the_model_are_refused_in_one_line(coded_and_named, tmp_path,
                                                                capsys):
    coded, _ = coded_and_named
    model = tmp_path / "m.npz"
    assert run(["train", str(coded), *TRAIN, "-o", str(model)]) == 0
    other = tmp_path / "other.h5"
    X, y = _xy()
    with h5py.File(other, "w") as f:
        f["X"], f["y"] = X, np.array([b"neg", b"cat"])[y]
    capsys.readouterr()
    assert run(["evaluate", str(model), str(other), "--json"]) == 2
    captured = capsys.readouterr()
    assert json.loads(captured.out)["exit_code"] == 2  # the error alone, as JSON
    err = captured.err.strip().splitlines()[-1]
    assert "'cat'" in err and "not classes of the model" in err


@pytest.fixture
def table(tmp_path):
    X, y = _xy(120, 3)
    path = tmp_path / "t.csv"
    rows = ["a,b,c,label"] + [",".join([*(repr(float(v)) for v in r), str(k)])
                              for r, k in zip(X, y)]
    path.write_text("\n".join(rows) + "\n")
    return path


@pytest.mark.parametrize("address, fragment", [
    ("nonsense", "missing port"),
    ("tcp://127.0.0.1:99999", "port 99999"),
    ("foo://host:1", "unknown address scheme"),
])
def test_a_scheduler_address_that_cannot_be_one_is_refused_before_connecting(
        table, tmp_path, capsys, address, fragment):
    code = run(["search", str(table), "--param", "hidden=2;3", "--cv", "2",
                "--scheduler", address, "--output", str(tmp_path / "best.npz")])
    captured = capsys.readouterr()
    assert code == 2 and captured.out == ""
    err = captured.err.strip().splitlines()
    assert len(err) == 1  # before the data is read and the search announced
    assert err[0].startswith("nnscratch: error: --scheduler") and fragment in err[0]
    assert "not a Dask scheduler address" in err[0]
    assert not list(tmp_path.glob("best.*"))


def test_a_scheduler_port_where_nothing_listens_is_refused_at_once(table, tmp_path, capsys):
    """Dask's client retries a refused connection until its 10 s timeout; the search
    asks the port once first."""
    import socket

    pytest.importorskip("distributed")
    with socket.socket() as sock:  # a port of this machine that nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    code = run(["search", str(table), "--param", "hidden=2;3", "--cv", "2",
                "--scheduler", f"tcp://127.0.0.1:{port}", "--output", str(tmp_path / "b.npz")])
    captured = capsys.readouterr()
    assert code == 1 and captured.out == ""
    assert captured.err.strip().splitlines()[-1] == (
        f"nnscratch: error: cannot reach the Dask scheduler at tcp://127.0.0.1:{port}: "
        f"nothing listens on port {port} of 127.0.0.1 (connection refused); start one "
        f"there (dask scheduler --port {port}) or check the address")
    assert not list(tmp_path.glob("b.*"))


def test_a_scheduler_host_without_an_address_is_refused_at_once(monkeypatch):
    import socket

    pytest.importorskip("distributed")
    from nnscratch import search

    def no_host(address, timeout=None):
        raise socket.gaierror(-2, "Name or service not known")

    monkeypatch.setattr(socket, "create_connection", no_host)
    with pytest.raises(search.SearchFailed, match=r"^cannot reach the Dask scheduler at "
                       r"tcp://nowhere.invalid:8786: no such host nowhere.invalid \(Name "
                       r"or service not known\); check the address"):
        search._connect("tcp://nowhere.invalid:8786")


def test_a_scheduler_that_does_not_answer_the_probe_is_left_to_dasks_client(monkeypatch):
    import socket

    pytest.importorskip("distributed")
    import distributed

    from nnscratch import search

    def silent(address, timeout=None):
        raise TimeoutError("timed out")

    def client(address, timeout, set_as_default):
        raise OSError(f"Timed out trying to connect to {address} after {timeout} s")

    monkeypatch.setattr(socket, "create_connection", silent)
    monkeypatch.setattr(distributed, "Client", client)
    with pytest.raises(search.SearchFailed, match=r"\(Timed out trying to connect to "
                                                  r"tcp://10.255.255.1:8786 after 10 s\)"):
        search._connect("tcp://10.255.255.1:8786")


def test_run_search_refuses_a_bad_address_as_a_search_error():
    from nnscratch import NeuralNetworkClassifier
    from nnscratch.search import SearchError, run_search

    X, y = _xy(60, 3)
    with pytest.raises(SearchError, match="not a Dask scheduler address"):
        run_search(NeuralNetworkClassifier((2,)), X, y, {"alpha": [0.0, 1.0]}, cv=2,
                   scheduler="localhost:abc")


@pytest.mark.slow  # a LocalCluster starts and stops
def test_run_search_on_a_closed_client_says_so_in_one_line():
    distributed = pytest.importorskip("distributed")
    from nnscratch import NeuralNetworkClassifier
    from nnscratch.search import SearchError, run_search

    X, y = _xy(60, 3)
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster:
        client = distributed.Client(cluster, set_as_default=False)
        client.close()
        with pytest.raises(SearchError, match="the Dask client is closed") as info:
            run_search(NeuralNetworkClassifier((2,)), X, y, {"alpha": [0.0, 1.0]}, cv=2,
                       client=client)
    assert "\n" not in str(info.value)


@pytest.fixture
def holey(tmp_path):
    """A table whose row 250 (in its third chunk of 100 rows) holds NaN."""
    X, y = _xy()
    X[250, 2] = np.nan
    path = tmp_path / "holey.h5"
    with h5py.File(path, "w") as f:
        f["X"], f["y"] = X, y
    return path


def test_predict_names_the_row_holding_nan_and_says_where_the_output_stops(
        holey, tmp_path, capsys):
    from nnscratch import NeuralNetworkClassifier, save

    X, y = _xy()
    model = tmp_path / "m.npz"
    est = NeuralNetworkClassifier((3,), max_iter=2, random_state=0).fit(X, y)
    from nnscratch.streaming import open_chunks

    with open_chunks(tmp_path / "holey.h5") as feeder:
        save(est, model, **feeder.save_kwargs(est))
    capsys.readouterr()
    assert run(["predict", str(model), str(holey), "--json", "--chunk-rows", "100"]) == 2
    captured = capsys.readouterr()
    err = captured.err.strip().splitlines()[-1]
    assert "holey.h5: row X[250] holds NaN" in err
    assert ("the output stops after the 200 rows of the chunks before it; the JSON ends "
            "with this error") in err
    # stdout is still one JSON list: the 200 rows, then the rows not predicted
    items = json.loads(captured.out)
    assert len(items) == 201 and all("label" in item for item in items[:200])
    assert items[-1]["input"] == "holey.h5[200:]"
    assert "holey.h5: row X[250] holds NaN" in items[-1]["error"]


@pytest.mark.parametrize("where", ["predicting", "writing"])
def test_ctrl_c_while_predicting_to_json_ends_the_list_it_wrote(where):
    # the output was an unclosed list (cut inside an object when stdout was a blocked
    # pipe): what was written did not parse
    import io
    import os
    import signal

    from nnscratch import NeuralNetworkClassifier
    from nnscratch.streaming import ChunkFeeder, write_predictions

    X, y = _xy()
    est = NeuralNetworkClassifier((3,), max_iter=2, random_state=0).fit(X, y)
    calls = []

    class Out(io.StringIO):
        def write(self, text):
            calls.append(text)
            if where == "writing" and len(calls) == 2:  # Ctrl-C in the middle of a write
                half = len(text) // 2
                super().write(text[:half])
                os.kill(os.getpid(), signal.SIGINT)
                return super().write(text[half:])
            return super().write(text)

    if where == "predicting":
        real = est._predict_with_proba  # what the streamed predictions call
        est._predict_with_proba = lambda X: (
            real(X) if len(calls) < 2 else (_ for _ in ()).throw(KeyboardInterrupt))
    out = Out()
    with pytest.raises(KeyboardInterrupt):
        write_predictions(est, ChunkFeeder(X, y, chunk_rows=100), out, fmt="json", name="d")
    items = json.loads(out.getvalue())
    assert len(items) == 201 and [item["input"] for item in items[198:]] == [
        "d[198]", "d[199]", "d[200:]"]
    assert items[-1] == {"input": "d[200:]", "error": "interrupted"}
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_streaming_names_the_row_of_an_infinite_or_missing_value(holey):
    import scipy.sparse as sp

    from nnscratch import NeuralNetworkClassifier
    from nnscratch.streaming import ChunkFeeder, DatasetError, fit_streaming, open_chunks

    est = NeuralNetworkClassifier((3,), max_iter=1, random_state=0)
    with open_chunks(holey, chunk_rows=100) as feeder, pytest.raises(
            DatasetError, match=r"holey.h5: row X\[250\] holds NaN \(a missing value\)"):
        fit_streaming(est, feeder, shuffle_chunks=False)
    assert not hasattr(est, "params_")  # nothing half-trained is left
    X, y = _xy()
    X[123, 4] = np.inf
    for data in (X, sp.csr_matrix(X)):
        with pytest.raises(DatasetError, match=r"row X\[123\] holds an infinite value"):
            fit_streaming(est, ChunkFeeder(data, y, chunk_rows=100), shuffle_chunks=False)


def _write(path, X, y=None, **extra):
    with h5py.File(path, "w") as f:
        f["X"] = X
        if y is not None:
            f["y"] = y
        for key, value in extra.items():
            f[key] = value
    return path


@pytest.mark.parametrize("test, fragment", [
    ("unlabelled", "holds no labels (y)"),
    ("three_classes", "its classes [2] are not in the training data ([0, 1])"),
    ("other_names", "its classes ['cat'] are not in the training data (['neg', 'pos'])"),
    ("wider", "has 6 features; the model takes 5"),
    # found after every epoch, and the trained model was not written
    ("last_row_nan", "test.h5: row X[299] holds NaN (a missing value)"),
])
def test_a_stream_test_set_the_model_cannot_score_is_refused_before_training(
        tmp_path, capsys, test, fragment):
    X, y = _xy()
    names = np.array([b"neg", b"pos"])
    train = _write(tmp_path / "train.h5", X, y, class_names=names)
    if test == "other_names":  # codes named otherwise: 'neg' and 'cat'
        train = _write(tmp_path / "train.h5", X, np.array([b"neg", b"pos"])[y])
        bad = _write(tmp_path / "test.h5", X, np.array([b"neg", b"cat"])[y])
    elif test == "unlabelled":
        bad = _write(tmp_path / "test.h5", X)
    elif test == "three_classes":
        train = _write(tmp_path / "train.h5", X, y)
        bad = _write(tmp_path / "test.h5", X, np.where(X[:, 2] > 1, 2, y))
    elif test == "last_row_nan":
        holey = X.copy()
        holey[-1, 0] = np.nan
        bad = _write(tmp_path / "test.h5", holey, y)
    else:
        bad = _write(tmp_path / "test.h5", np.hstack([X, X[:, :1]]), y)
    model = tmp_path / "m.npz"
    code = run(["train", str(train), *TRAIN, "--test", str(bad), "-o", str(model)])
    captured = capsys.readouterr()
    assert code == 2 and captured.out == "" and not model.exists()
    assert "epoch" not in captured.err  # refused before any training
    err = captured.err.strip().splitlines()[-1]
    assert err.startswith("nnscratch: error:") and fragment in err


def test_a_stream_test_set_of_the_same_classes_stored_otherwise_is_scored(tmp_path, capsys):
    X, y = _xy()
    train = _write(tmp_path / "train.h5", X, y, class_names=np.array([b"neg", b"pos"]))
    named = _write(tmp_path / "named.h5", X, np.array([b"neg", b"pos"])[y])
    codes = _write(tmp_path / "codes.h5", X, y)  # codes without names: taken as they are
    for test in (named, codes):
        assert run(["train", str(train), *TRAIN, "--test", str(test), "--json",
                    "-o", str(tmp_path / "m.npz")]) == 0
        result = json.loads(capsys.readouterr().out)
        assert result["test_accuracy"] == result["train_accuracy"]


def test_csv_predictions_quote_names_holding_commas_or_quotes():
    import csv
    import io

    from nnscratch import NeuralNetworkClassifier
    from nnscratch.streaming import ChunkFeeder, write_predictions

    X, y = _xy(40, 3)
    est = NeuralNetworkClassifier((2,), max_iter=2, random_state=0).fit(X, y)
    out = io.StringIO()
    names = ['cats, big', 'dogs "small"']
    assert write_predictions(est, ChunkFeeder(X, chunk_rows=15), out, fmt="csv",
                             class_names=names, name="my,rows") == 40
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows[0] == ["input", "label", "probability"] and len(rows) == 41
    assert all(len(r) == 3 for r in rows)
    proba = est.predict_proba(X)
    for k, (row, label, p) in enumerate(rows[1:]):
        assert row == f"my,rows[{k}]"
        assert label == names[int(proba[k].argmax())]
        assert float(p) == proba[k].max()


@pytest.mark.slow  # Dask and Zarr imported and run
@pytest.mark.parametrize("store", ["h5", "zarr"])
def test_read_dask_reads_labels_stored_as_one_row_in_either_store(tmp_path, store):
    pytest.importorskip("dask.array")
    from nnscratch.streaming import open_chunks, read_dask

    rng = np.random.default_rng(0)
    pictures = rng.integers(0, 256, size=(30, 4, 4, 3), dtype=np.uint8)
    labels = (np.arange(30) % 3 == 0).astype(np.int64)[None, :]  # the course's (1, n)
    path = tmp_path / f"c.{store}"
    if store == "h5":
        with h5py.File(path, "w") as f:
            f["train_set_x"], f["train_set_y"] = pictures, labels
    else:
        zarr = pytest.importorskip("zarr")
        group = zarr.open_group(str(path), mode="w")
        group["train_set_x"], group["train_set_y"] = pictures, labels
    X, y = read_dask(path, chunk_rows=8)
    assert y.shape == (30,)
    np.testing.assert_array_equal(y.compute(), labels[0])
    with open_chunks(path, chunk_rows=8) as feeder:
        expected = np.concatenate([x for _, x, _ in feeder.chunks(labels=False)])
    np.testing.assert_array_equal(X.compute(), expected)


@pytest.mark.slow  # a LocalCluster starts and stops
def test_a_search_on_a_cluster_without_workers_says_so_in_one_line(monkeypatch, tmp_path):
    distributed = pytest.importorskip("distributed")
    from nnscratch import NeuralNetworkClassifier, search
    from nnscratch.search import SearchFailed, run_search

    monkeypatch.setattr(search, "WORKER_WAIT", 0.5, raising=False)
    X, y = _xy(60, 3)
    with distributed.LocalCluster(n_workers=0, processes=False,
                                  dashboard_address=None) as cluster:
        with pytest.raises(SearchFailed, match="has no workers") as info:
            run_search(NeuralNetworkClassifier((2,)), X, y, {"alpha": [0.0, 1.0]}, cv=2,
                       scheduler=cluster.scheduler_address,
                       results_path=tmp_path / "r.csv")
    assert "\n" not in str(info.value) and f"dask worker {cluster.scheduler_address}" in str(
        info.value)
    assert not (tmp_path / "r.csv").exists()


def test_a_chunk_size_below_one_mini_batch_says_it_was_raised(tmp_path, capsys):
    X, y = _xy()
    train = _write(tmp_path / "train.h5", X, y)
    assert run(["train", str(train), *TRAIN, "--chunk-rows", "10", "--json",
                "-o", str(tmp_path / "m.npz")]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["chunks"] == 6  # 300 rows in chunks of 50, not 10
    assert "(--chunk-rows 10 raised to one mini-batch of 50 rows" in captured.err


def test_available_memory_counts_reclaimable_cache_and_a_container_s_limit(
        tmp_path, monkeypatch):
    from nnscratch import streaming

    meminfo = tmp_path / "meminfo"
    meminfo.write_text("MemTotal:       8000000 kB\nMemFree:          100000 kB\n"
                       "MemAvailable:   6000000 kB\n")
    limit, usage = tmp_path / "memory.max", tmp_path / "memory.current"
    monkeypatch.setattr(streaming, "_MEMINFO", str(meminfo), raising=False)
    monkeypatch.setattr(streaming, "_CGROUP_LIMITS", ((str(limit), str(usage)),),
                        raising=False)
    # no control group: what the kernel can hand out, the page cache included
    assert streaming.available_memory() == 6_000_000 * 1024
    limit.write_text("max\n")  # a control group without a limit
    usage.write_text(str(2**30) + "\n")
    assert streaming.available_memory() == 6_000_000 * 1024
    limit.write_text(str(2 * 2**30) + "\n")  # a container of 2 GiB, 1 GiB used
    assert streaming.available_memory() == 2**30
    usage.write_text(str(3 * 2**30) + "\n")  # over its limit: nothing left
    assert streaming.available_memory() == 0.0


def _fresh_python(*args, code=None):
    """Run in a new interpreter, where no test has imported the optimizers yet."""
    import subprocess
    import sys

    argv = [sys.executable, "-c", code] if code else [sys.executable, "-m", "nnscratch", *args]
    return subprocess.run(argv, capture_output=True, text=True, timeout=120)


@pytest.mark.slow  # fresh interpreters
def test_parse_param_knows_the_solvers_in_a_fresh_interpreter():
    done = _fresh_python(code="from nnscratch.search import parse_param; "
                              "print(parse_param('solver=adam;gd'))")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "('solver', ['adam', 'gd'])"


@pytest.mark.slow  # a command in its own process
def test_search_over_solvers_runs_from_the_command_line(table):
    done = _fresh_python("search", str(table), "--param", "solver=adam;gd", "--hidden", "2",
                         "--cv", "2", "--iterations", "3", "--n-jobs", "1", "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert sorted(c["params"]["solver"] for c in result["candidates"]) == ["adam", "gd"]


@pytest.mark.slow
def test_a_zarr_store_given_to_search_is_named_as_one(tmp_path, capsys):
    zarr = pytest.importorskip("zarr")
    X, y = _xy()
    store = tmp_path / "data.zarr"
    group = zarr.open_group(str(store), mode="w")
    group["X"], group["y"] = X, y
    code = run(["search", str(store), "--param", "alpha=0;0.1", "--hidden", "2", "--cv", "2"])
    captured = capsys.readouterr()
    assert code == 2 and captured.out == ""
    err = captured.err.strip().splitlines()
    assert len(err) == 1 and "a Zarr store is read in chunks" in err[0]
    assert "class sub-folders" not in err[0]


@pytest.mark.parametrize("trained_on", ["coded", "named"])
def test_trace_reads_labels_as_codes_or_as_the_model_s_class_names(
        coded_and_named, tmp_path, capsys, trained_on):
    # evaluate read both ways (172bee2); trace still refused the other one with
    # "labels [0, 1] are not classes of the model (['neg', 'pos'])"
    coded, named = coded_and_named
    model = _trained(coded if trained_on == "coded" else named, tmp_path, capsys)
    costs = []
    for data in (coded, named):
        assert run(["trace", str(model), str(data), "--json", "--no-gradient-check"]) == 0
        costs.append(json.loads(capsys.readouterr().out)["cost"])
    assert costs[0] == costs[1]


@pytest.mark.parametrize("fmt", [["--json"], []], ids=["json", "table"])
def test_predict_that_fails_in_its_first_chunk_writes_nothing(holey, tmp_path, capsys, fmt):
    """stdout was a lone "[" (no JSON), or the table's header alone."""
    from nnscratch import NeuralNetworkClassifier, save
    from nnscratch.streaming import open_chunks

    X, y = _xy()
    model = tmp_path / "m.npz"
    est = NeuralNetworkClassifier((3,), max_iter=2, random_state=0).fit(X, y)
    with open_chunks(holey) as feeder:
        save(est, model, **feeder.save_kwargs(est))
    capsys.readouterr()
    assert run(["predict", str(model), str(holey), *fmt, "--chunk-rows", "300"]) == 2
    captured = capsys.readouterr()
    # no rows: nothing, or with --json the error alone, as one JSON object
    assert (set(json.loads(captured.out)) == {"error", "exit_code"} if fmt
            else captured.out == "")
    assert "holey.h5: row X[250] holds NaN" in captured.err
