"""Edge cases of the ``nnscratch`` command line: bad input refused up front, in one line.

Each test runs the group's own entry point in this process (like tests/test_cli.py)
on tiny data, so the file stays quick.
"""

import contextlib
import io
import json
import subprocess
from pathlib import Path

import numpy as np
import pytest

from nnscratch.cli import run
from test_cli import _stream, nnscratch


def one_error(result, *words):
    """The run failed with exit code 2 and one error line holding ``words``."""
    assert result.returncode == 2, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("nnscratch: error: "), result.stderr
    for word in words:
        assert word in lines[0], lines[0]
    assert "Traceback" not in result.stderr
    return lines[0]


def write_table(path: Path, n: int = 40, seed: int = 0) -> Path:
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 2))
    lines = ["a,b,label"] + [f"{x0:.6f},{x1:.6f},{'yes' if x0 > 0 else 'no'}"
                             for x0, x1 in X]
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.fixture
def table(tmp_path):
    return write_table(tmp_path / "g3.csv")


@pytest.fixture
def table_model(tmp_path, table):
    model = tmp_path / "m.npz"
    result = nnscratch("train", table, "-o", model, "--iterations", "5")
    assert result.returncode == 0, result.stderr
    return model


# ------------------------------------------------------------ outputs never overwrite inputs


def test_search_results_named_after_output_never_overwrite_the_data(tmp_path, table):
    before = table.read_bytes()
    result = nnscratch("search", table, "--param", "learning_rate=0.1;0.5", "--cv", "2",
                       "-o", tmp_path / "g3.npz")
    one_error(result, "results CSV", "g3.csv", "DATA")
    assert table.read_bytes() == before
    assert not (tmp_path / "g3.npz").exists()


def test_search_results_equal_to_the_data_is_refused_through_a_link(tmp_path, table):
    link = tmp_path / "link.csv"
    link.symlink_to(table)
    before = table.read_bytes()
    result = nnscratch("search", link, "--param", "learning_rate=0.1", "--cv", "2",
                       "--results", table)
    one_error(result, "--results", "same file", "DATA")
    assert table.read_bytes() == before


def test_search_outputs_that_are_one_file_are_refused(tmp_path, table):
    result = nnscratch("search", table, "--param", "learning_rate=0.1", "--cv", "2",
                       "--results", tmp_path / "x.png", "--plot", tmp_path / "x.png")
    one_error(result, "--results", "--plot", "same file")


def test_train_output_equal_to_the_test_data_is_refused(tmp_path, table):
    other = tmp_path / "t.npz"
    other.write_bytes(b"keep")
    result = nnscratch("train", table, "--test", other, "-o", other, "--iterations", "2")
    one_error(result, "--output", "--test", "same file")
    assert other.read_bytes() == b"keep"


def test_plot_into_a_class_folder_of_its_data_is_refused(tmp_path, table_model):
    (tmp_path / "pics" / "cat").mkdir(parents=True)
    result = nnscratch("plot", table_model, "--kind", "boundary", "--data", tmp_path / "pics",
                       "-o", tmp_path / "pics" / "cat" / "b.png")
    one_error(result, "inside the data folder", "--data")
    assert not (tmp_path / "pics" / "cat" / "b.png").exists()


def test_demo_into_a_class_folder_of_its_data_is_refused(tmp_path):
    (tmp_path / "pics" / "train" / "a").mkdir(parents=True)
    (tmp_path / "pics" / "test").mkdir()
    result = nnscratch("demo", "--data", tmp_path / "pics",
                       "--output-dir", tmp_path / "pics" / "train" / "a")
    one_error(result, "inside the data folder")
    assert list((tmp_path / "pics" / "train" / "a").iterdir()) == []


@pytest.mark.parametrize("name", ["deep.npz", "costs.png"])
def test_demo_refuses_a_folder_of_one_of_its_files_names_before_training(tmp_path, name,
                                                                         monkeypatch):
    # every model trained, then "unexpected failure (IsADirectoryError ...); please
    # report it", with the first two models left in the folder
    from nnscratch import _commands

    monkeypatch.setattr(_commands, "_demo_run", lambda *args: pytest.fail("trained"))
    (tmp_path / "out" / name).mkdir(parents=True)
    with pytest.raises(_commands.InputError, match=(
            rf"^--output-dir: '{tmp_path / 'out' / name}' is a folder, where the demo writes "
            rf"its file {name}; move it, or give another folder$")):
        _commands.demo(output_dir=tmp_path / "out")
    assert [p.name for p in (tmp_path / "out").iterdir()] == [name]


# ------------------------------------------------------------ integers beyond 64 bits


@pytest.mark.parametrize("option, value", [
    ("--iterations", "99999999999999999999"),
    ("--batch-size", "99999999999999999999"),
    ("--cost-every", "9223372036854775808"),
    ("--iterations", "2147483648"),
])
def test_integer_options_are_bounded_at_parse_time(tmp_path, table, option, value):
    result = nnscratch("train", table, "-o", tmp_path / "m.npz", option, value)
    one_error(result, option, "at most 2147483647")
    assert not (tmp_path / "m.npz").exists()


def test_layer_sizes_and_search_options_are_bounded(tmp_path, table):
    one_error(nnscratch("train", table, "-o", tmp_path / "m.npz", "--hidden", "3,99999999999"),
              "--hidden", "at most 2147483647")
    one_error(nnscratch("search", table, "--param", "iterations=5;99999999999"),
              "iterations", "at most 2147483647")
    one_error(nnscratch("search", table, "--param", "hidden=5;99999999999"),
              "hidden", "at most 2147483647")
    one_error(nnscratch("search", table, "--param", "learning_rate=0.1", "--cv",
                        "99999999999"), "--cv")
    one_error(nnscratch("search", table, "--param", "learning_rate=0.1", "--random",
                        "99999999999"), "--random")


def test_the_maximum_is_the_same_for_the_command_line_and_search():
    from nnscratch import cli, search

    assert cli.MAX_INTEGER == search.MAX_INTEGER == 2**31 - 1
    assert "2147483647" in cli.cli.help


def test_the_largest_integers_write_a_loadable_model(tmp_path, table):
    model = tmp_path / "m.npz"
    result = nnscratch("train", table, "-o", model, "--iterations", "2", "--batch-size",
                       "2147483647", "--cost-every", "2147483647")
    assert result.returncode == 0, result.stderr
    assert nnscratch("summary", model).returncode == 0


# ------------------------------------------------------------ search --n-jobs


def test_search_n_jobs_zero_is_refused_before_loading_the_data(tmp_path):
    result = nnscratch("search", tmp_path / "missing.csv", "--param", "learning_rate=0.1",
                       "--n-jobs", "0")
    one_error(result, "--n-jobs", "-1 for every core")
    one_error(nnscratch("search", tmp_path / "missing.csv", "--param", "learning_rate=0.1",
                        "--n-jobs", "99999999999"), "--n-jobs", "at most")


def test_search_n_jobs_negative_as_joblib_takes_it(tmp_path, table):
    result = nnscratch("search", table, "--param", "learning_rate=0.1;0.5", "--cv", "2",
                       "--iterations", "3", "--n-jobs", "-2")
    assert result.returncode == 0, result.stderr


# ------------------------------------------------------------ check --timeout


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "-1", "0"])
def test_check_timeout_must_be_positive_and_finite(tmp_path, value):
    solution = tmp_path / "sol.py"
    solution.write_text("def sigmoid(z):\n    return z\n")
    one_error(nnscratch("check", solution, "--timeout", value), "--timeout",
              "positive finite number of seconds")


def test_check_only_runs_and_reports_the_functions_named(tmp_path):
    solution = Path(__file__).parent / "learner_solutions" / "logistic.py"
    result = nnscratch("check", solution, "--only", "optimize, propagate", "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    # in the assignment's order, the others neither run nor counted
    assert [f["name"] for f in report["functions"]] == ["propagate", "optimize"]
    assert report["passed"] == 2 and report["missing"] == 0
    # --only given twice: both (click kept the last: optimize alone)
    again = nnscratch("check", solution, "--only", "propagate", "--only", "optimize",
                      "--json")
    assert [f["name"] for f in json.loads(again.stdout)["functions"]] == [
        "propagate", "optimize"]


@pytest.mark.parametrize("value, words", [
    ("propogate", ("'propogate' is not a function of the logistic assignment",
                   "did you mean 'propagate'?")),
    ("sigmoid,foo,bar", ("'foo', 'bar' are not functions", "its functions: sigmoid, ")),
    ("propagate,,optimize", ("--only", "'' is not a function name")),
    ("", ("--only", "'' is not a function name")),
    ("import os", ("--only", "'import os' is not a function name")),
])
def test_check_only_refuses_names_that_are_not_the_assignments(value, words):
    solution = Path(__file__).parent / "learner_solutions" / "logistic.py"
    one_error(nnscratch("check", solution, "--only", value), *words)


# ------------------------------------------------------------ CSV headers and labels


@pytest.mark.parametrize("header, which", [(",,", "every column"), ("a,,label", "column 2"),
                                            (",a,label", "column 1")])
def test_a_header_with_empty_names_is_refused(tmp_path, header, which):
    data = tmp_path / "h.csv"
    data.write_text(f"{header}\n1,2,x\n2,3,y\n3,4,x\n4,5,y\n")
    one_error(nnscratch("train", data, "-o", tmp_path / "m.npz"),
              "header has empty column names", which)
    assert not (tmp_path / "m.npz").exists()


def test_blank_lines_before_the_header_and_between_rows_are_still_skipped(tmp_path):
    data = tmp_path / "b.csv"
    data.write_text("\n\na,b,label\n1,2,x\n\n2,3,y\n,,\n3,4,x\n4,5,y\n")
    result = nnscratch("train", data, "-o", tmp_path / "m.npz", "--iterations", "2")
    assert result.returncode == 0, result.stderr
    assert "on 4 samples" in result.stderr


@pytest.mark.parametrize("label, shown", [("nan", "'nan'"), ("NaN", "'NaN'"),
                                          ("", "an empty label")])
def test_a_missing_label_names_its_row(tmp_path, label, shown):
    data = tmp_path / "l.csv"
    data.write_text(f"a,b,label\n1,2,x\n2,3,y\n3,4,{label}\n4,5,y\n")
    one_error(nnscratch("train", data, "-o", tmp_path / "m.npz"), "row 3 has no label", shown)


def test_a_label_that_often_marks_a_missing_value_is_trained_with_a_warning(tmp_path):
    # "NA" (R, spreadsheets) was silently trained as a third class
    data = tmp_path / "l.csv"
    data.write_text("a,b,label\n1,2,x\n2,3,y\n3,4,NA\n4,5,y\n5,6,NA\n6,7,x\n")
    model = tmp_path / "m.npz"
    result = nnscratch("train", data, "-o", model, "--iterations", "2")
    assert result.returncode == 0, result.stderr
    warned = [line for line in result.stderr.splitlines() if "warning" in line]
    assert warned == [f"nnscratch: warning: {data}: 2 rows have the label 'NA' in 'label', "
                      "which often marks a missing label; it is trained as a class of its "
                      "own (remove those rows if their class is unknown)"]
    evaluated = nnscratch("evaluate", model, data)  # the model's own class: no warning
    assert evaluated.returncode == 0 and "warning" not in evaluated.stderr


# ------------------------------------------------------------ trace on the X/y layout


@pytest.fixture
def xy_file(tmp_path):
    import h5py

    rng = np.random.default_rng(0)
    X = rng.normal(size=(50, 2))
    path = tmp_path / "xy.h5"
    with h5py.File(path, "w") as f:
        f["X"], f["y"] = X, (X[:, 0] > 0).astype(np.int64)
        f["class_names"] = np.array([b"no", b"yes"])
    return path


def test_trace_reads_an_xy_table_file_as_train_and_evaluate_do(tmp_path, xy_file):
    model = tmp_path / "xy.npz"
    assert nnscratch("train", xy_file, "-o", model, "--iterations", "3").returncode == 0
    assert nnscratch("evaluate", model, xy_file).returncode == 0
    result = nnscratch("trace", model, xy_file, "--json")
    assert result.returncode == 0, result.stderr
    import json

    trace = json.loads(result.stdout)
    assert trace["m"] == 50 and trace["n_x"] == 2


def test_trace_of_an_xy_file_refuses_a_label_column_and_other_models(tmp_path, xy_file):
    model = tmp_path / "xy.npz"
    assert nnscratch("train", xy_file, "-o", model, "--iterations", "3").returncode == 0
    one_error(nnscratch("trace", model, xy_file, "--label-column", "q"),
              "drop --label-column")
    three = tmp_path / "three.csv"
    three.write_text("a,b,c,label\n" + "".join(f"{i},{i % 3},{i % 5},{('no', 'yes')[i % 2]}\n"
                                               for i in range(12)))
    other = tmp_path / "three.npz"
    assert nnscratch("train", three, "-o", other, "--iterations", "2").returncode == 0
    for command in ("trace", "evaluate", "predict"):
        one_error(nnscratch(command, other, xy_file), "xy.h5: has 2 features", "takes 3")


# ------------------------------------------------------------ plot's suggestions


def test_plot_suggests_only_kinds_that_work_for_the_model(tmp_path, table_model, table):
    three = tmp_path / "three.csv"
    three.write_text("a,b,c,label\n" + "".join(f"{i},{i % 3},{i % 5},{('no', 'yes')[i % 2]}\n"
                                               for i in range(12)))
    model = tmp_path / "three.npz"
    assert nnscratch("train", three, "-o", model, "--iterations", "2").returncode == 0
    line = one_error(nnscratch("plot", model, "--kind", "boundary", "--data", three,
                               "-o", tmp_path / "b.png"), "use --kind costs)")
    assert "mislabeled" not in line.split("(")[-1]
    line = one_error(nnscratch("plot", model, "--kind", "mislabeled", "--data", three,
                               "-o", tmp_path / "b.png"), "use --kind costs)")
    one_error(nnscratch("plot", table_model, "--kind", "mislabeled", "--data", table,
                        "-o", tmp_path / "b.png"), "use --kind costs or boundary)")


# ------------------------------------------------------------ options for other data


def test_label_column_for_data_without_columns_is_refused(tmp_path, table_model, xy_file):
    (tmp_path / "pics" / "a").mkdir(parents=True)
    (tmp_path / "pics" / "b").mkdir()
    for data, holds in ((tmp_path / "pics", "pictures"), ("flower", "built-in"),
                        (xy_file, "arrays X and y")):
        one_error(nnscratch("train", data, "-o", tmp_path / "m.npz", "--label-column", "x"),
                  "drop --label-column", holds, "no columns")
    one_error(nnscratch("evaluate", table_model, "flower", "--label-column", "x"),
              "drop --label-column")
    one_error(nnscratch("trace", table_model, "flower", "--label-column", "x"),
              "drop --label-column")
    one_error(nnscratch("plot", table_model, "-o", tmp_path / "p.png", "--label-column", "x"),
              "drop --label-column", "no --data")
    one_error(nnscratch("search", "flower", "--param", "learning_rate=1", "--label-column",
                        "x"), "drop --label-column")


def test_image_size_for_data_without_pictures_is_refused_before_training(tmp_path, table,
                                                                         xy_file):
    # X/y arrays are read in chunks: "reading 2,000 rows ..." came before the refusal
    for data in (table, "flower", xy_file):
        result = nnscratch("train", data, "-o", tmp_path / "m.npz", "--image-size", "32")
        one_error(result, "drop --image-size", "no size")
        assert "training" not in result.stderr
    result = nnscratch("search", table, "--param", "learning_rate=1", "--image-size", "8")
    one_error(result, "drop --image-size")
    assert "searching" not in result.stderr
    one_error(nnscratch("demo", "--image-size", "16", "--output-dir", tmp_path / "d"),
              "drop --image-size", "flower")
    assert not (tmp_path / "d").exists()


def test_the_options_stay_accepted_where_they_apply(tmp_path, table):
    result = nnscratch("train", table, "-o", tmp_path / "m.npz", "--iterations", "2",
                       "--label-column", "label")
    assert result.returncode == 0, result.stderr


# ------------------------------------------------------------ a reader that stops early


class _ClosedPipe(io.RawIOBase):
    def writable(self):
        return True

    def write(self, data):
        raise BrokenPipeError(32, "Broken pipe")


def test_streamed_predict_into_a_closed_pipe_exits_0_quietly(tmp_path, xy_file):
    model = tmp_path / "xy.npz"
    assert nnscratch("train", xy_file, "-o", model, "--iterations", "2").returncode == 0
    for extra in ([], ["--json"]):
        err = _stream()
        out = io.TextIOWrapper(_ClosedPipe(), encoding="utf-8", write_through=True)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = run(["predict", str(model), str(xy_file), "--chunk-rows", "10", *extra])
        assert code == 0
        assert err.buffer.getvalue() == b""


@pytest.mark.slow  # a fresh interpreter
def test_streamed_predict_piped_into_head_stops_early_with_exit_code_0(tmp_path, xy_file):
    import sys

    model = tmp_path / "xy.npz"
    assert nnscratch("train", xy_file, "-o", model, "--iterations", "2").returncode == 0
    proc = subprocess.Popen([sys.executable, "-m", "nnscratch", "predict", str(model),
                             str(xy_file), "--chunk-rows", "10"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout.readline().startswith(b"input")
    proc.stdout.close()
    err = proc.stderr.read()
    assert proc.wait(timeout=60) == 0, err
    assert b"error" not in err and b"Traceback" not in err


# ------------------------------------------------------------ messages that say the truth


def test_an_output_under_a_file_says_the_parent_is_a_file(tmp_path, table, table_model):
    out = tmp_path / "g3.csv" / "x.npz"
    one_error(nnscratch("train", table, "-o", out), "is a file, not a folder")
    one_error(nnscratch("plot", table_model, "-o", tmp_path / "g3.csv" / "a" / "x.png"),
              "is a file, not a folder")
    one_error(nnscratch("search", table, "--param", "learning_rate=1", "-o", out),
              "is a file, not a folder")
    one_error(nnscratch("train", table, "-o", tmp_path / "nowhere" / "x.npz"),
              "does not exist")


def test_an_empty_npz_is_said_to_hold_no_arrays(tmp_path, table):
    empty = tmp_path / "e.npz"
    np.savez(empty)
    for args in (["summary", empty], ["predict", empty, table], ["evaluate", empty, table],
                 ["plot", empty, "-o", tmp_path / "p.png"], ["trace", empty, table]):
        line = one_error(nnscratch(*args), "empty .npz archive", "holds no arrays")
        assert "not an .npz archive" not in line


@pytest.mark.parametrize("host", ["999.1.1.1", "nohost.invalid"])
def test_playground_blames_host_for_a_bad_host(host):
    pytest.importorskip("uvicorn")
    line = one_error(nnscratch("playground", "--host", host, "--port", "0", "--no-browser"),
                     "--host", host)
    assert "--port" not in line


# ------------------------------------------------------------ summary's preprocessing


def test_summary_says_unscaled_columns_are_used_as_they_are(tmp_path, table_model):
    from nnscratch import NeuralNetworkClassifier, save
    from nnscratch.preprocessing import Preprocessor

    raw = np.array([[0.0, 1.0], [2.0, 3.0], [4.0, 1.0], [1.0, 5.0]])
    est = NeuralNetworkClassifier(hidden_layer_sizes=(2,), max_iter=2).fit(raw, [0, 1, 0, 1])
    model = tmp_path / "plain.npz"
    save(est, model, preprocessor=Preprocessor.fit_tabular(raw, ["x", "y"], False))
    result = nnscratch("summary", model)
    assert result.returncode == 0, result.stderr
    assert "as they are (not scaled)" in result.stdout
    assert "standardise" not in result.stdout
    assert "standardise with the training set's mean" in nnscratch("summary", table_model).stdout
