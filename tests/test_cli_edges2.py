"""More edge cases of the ``nnscratch`` command line and of data loading: pictures of
unusual modes, CSV labels, the demo's text and pictures, ...

Each test runs the group's own entry point in this process (like tests/test_cli.py)
on tiny data, so the file stays quick.
"""

import contextlib
import errno
import io
import json
import re

import numpy as np
import pytest
from PIL import Image

from nnscratch.cli import run
from nnscratch.datasets import read_image
from test_cli import nnscratch  # noqa: F401  (used by later tests)


def one_error(result, *words):
    """The run failed with exit code 2 and one error line holding ``words``."""
    assert result.returncode == 2, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("nnscratch: error: "), result.stderr
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]


# ------------------------------------------------------------ pictures of more than 8 bits


def test_a_dark_16_bit_picture_stays_dark(tmp_path):
    # 200 of 65535 is nearly black; it was read as the 8-bit value 200 (light grey)
    path = tmp_path / "dark16.png"
    Image.fromarray(np.full((4, 4), 200, dtype=np.uint16)).save(path)
    with Image.open(path) as img:
        assert img.mode.startswith("I;16")
    assert np.array_equal(read_image(path, 4), np.full((4, 4, 3), 1, dtype=np.uint8))


def test_a_bright_16_bit_picture_is_scaled_from_0_65535(tmp_path):
    path = tmp_path / "bright16.png"
    Image.fromarray(np.array([[0, 257], [32896, 65535]], dtype=np.uint16)).save(path)
    assert read_image(path, 2)[..., 0].tolist() == [[0, 1], [128, 255]]


def test_a_float_picture_in_0_1_is_not_read_as_black(tmp_path):
    # a float TIFF holds 0-1 values; they were truncated to 0 (every pixel black)
    path = tmp_path / "float.tif"
    Image.fromarray(np.array([[0.0, 0.5], [0.25, 1.0]], dtype=np.float32)).save(path)
    with Image.open(path) as img:
        assert img.mode == "F"
    assert read_image(path, 2)[..., 1].tolist() == [[0, 128], [64, 255]]


def test_a_float_picture_in_0_255_and_nan_pixels(tmp_path):
    path = tmp_path / "float255.tif"
    Image.fromarray(np.array([[0.0, 100.4], [np.nan, 255.0]], dtype=np.float32)).save(path)
    assert read_image(path, 2)[..., 2].tolist() == [[0, 100], [0, 255]]


# ------------------------------------------------------------ predict's table


def test_predict_table_keeps_its_columns_for_a_long_class_name(tmp_path):
    rows = ["x1,x2,kind"] + [f"{i % 2},{i},{'a very long class name' if i % 2 else 'b'}"
                             for i in range(8)]
    table = tmp_path / "long.csv"
    table.write_text("\n".join(rows) + "\n")
    model = tmp_path / "long.npz"
    assert nnscratch("train", table, "-o", model, "--iterations", "5").returncode == 0
    result = nnscratch("predict", model, table)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    column = lines[0].index("probability")
    assert all(len(line) == column + len("0.0000") for line in lines[1:]), result.stdout
    assert all(0.5 <= float(line[column:]) <= 1.0 for line in lines[1:]), result.stdout


# ------------------------------------------------------------ evaluate's undefined ratios


def test_evaluate_on_negatives_only_says_precision_and_recall_are_undefined(tmp_path):
    rows = ["x1,x2,kind"] + [f"{i % 2 * 4 - 2},{i},{'yes' if i % 2 else 'no'}"
                             for i in range(12)]
    table = tmp_path / "t.csv"
    table.write_text("\n".join(rows) + "\n")
    negatives = tmp_path / "no.csv"
    negatives.write_text("\n".join(rows[:1] + rows[1::2]) + "\n")
    model = tmp_path / "m.npz"
    assert nnscratch("train", table, "-o", model, "--learning-rate", "1",
                     "--iterations", "50").returncode == 0
    result = nnscratch("evaluate", model, negatives)
    assert result.returncode == 0, result.stderr
    lines = dict(line.split(":", 1) for line in result.stdout.splitlines()[:5])
    assert lines["accuracy"].strip() == "100.00 %"
    # it printed 0.0000 for all three: a perfect score read as a total failure
    assert lines["precision"].split() == ["n/a", "(positive", "class", "'yes':", "no",
                                          "sample", "was", "predicted", "'yes')"]
    assert lines["recall"].strip() == "n/a  (DATA holds no sample of 'yes')"
    assert lines["f1"].strip() == "n/a"
    as_json = nnscratch("evaluate", model, negatives, "--json")
    assert '"recall": 0.0' in as_json.stdout


# ------------------------------------------------------------ CSV cells


@pytest.mark.parametrize("cell", ["", "NA", " n/a ", "NULL", "?"])
def test_a_missing_feature_value_is_named_as_missing(tmp_path, cell):
    # it was "'' is not a number; features must be numeric (choose the label with
    # --label-column)": the hint sent the user after the label column
    table = tmp_path / "gaps.csv"
    table.write_text(f"x1,x2,label\n1,{cell},a\n3,4,b\n")
    line = one_error(nnscratch("train", table, "-o", tmp_path / "m.npz"),
                     "row 1, column 'x2'", "is not a number but a missing value", "fill the cell in")
    assert "--label-column" not in line
    model = tmp_path / "m.npz"
    (tmp_path / "ok.csv").write_text("x1,x2,label\n1,2,a\n3,4,b\n")
    assert nnscratch("train", tmp_path / "ok.csv", "-o", model,
                     "--iterations", "5").returncode == 0
    result = nnscratch("predict", model, table)
    one_error(result, "but a missing value")


# ------------------------------------------------------------ CSV labels that are numbers


def _labelled(path, labels):
    rows = ["x1,x2,label"] + [f"{i % 2 * 4 - 2},{i},{label}" for i, label in enumerate(labels)]
    path.write_text("\n".join(rows) + "\n")
    return path


def test_a_model_of_float_labels_scores_a_file_of_integer_labels(tmp_path):
    # trained on 0.0/1.0 (a data frame's float column), scored on 0/1: it was refused
    # ("labels ['0', '1'] are not classes of the model (['0.0', '1.0'])")
    train = _labelled(tmp_path / "train.csv", ["0.0", "1.0"] * 6)
    test = _labelled(tmp_path / "test.csv", ["0", "1"] * 3)
    model = tmp_path / "m.npz"
    assert nnscratch("train", train, "-o", model, "--learning-rate", "1",
                     "--iterations", "50").returncode == 0
    result = nnscratch("evaluate", model, test, "--json")
    assert result.returncode == 0, result.stderr
    assert '"accuracy": 1.0' in result.stdout
    assert nnscratch("train", train, "--test", test, "-o", model).returncode == 0
    excel = _labelled(tmp_path / "excel.csv", ["FALSE", "TRUE"])
    bools = tmp_path / "bools.npz"
    assert nnscratch("train", _labelled(tmp_path / "b.csv", ["False", "True"] * 4),
                     "-o", bools, "--iterations", "5").returncode == 0
    assert nnscratch("evaluate", bools, excel).returncode == 0


def test_two_spellings_of_one_number_are_one_class(tmp_path):
    # '1' and '1.0' in one label column were two classes: a three-class model of 0/1 data
    train = _labelled(tmp_path / "train.csv", ["0", "1", "0", "1.0", "0", "1"])
    model = tmp_path / "m.npz"
    result = nnscratch("train", train, "-o", model, "--iterations", "5", "--json")
    assert result.returncode == 0, result.stderr
    assert "the labels '1', '1.0' mean the same; read as one class '1'" in result.stderr
    summary = nnscratch("summary", model, "--json")
    assert '"classes": [\n    "0",\n    "1"\n  ]' in summary.stdout
    # other labels are left as they are
    kinds = _labelled(tmp_path / "kinds.csv", ["a", "A", "b"] * 2)
    assert nnscratch("train", kinds, "-o", model, "--iterations", "5").returncode == 0
    assert '"A",\n    "a",\n    "b"' in nnscratch("summary", model, "--json").stdout


# ------------------------------------------------------------ .h5 data of the other kind


@pytest.fixture
def stores(tmp_path):
    """A course-layout picture file, an X/y table file, a table model, a picture model."""
    h5py = pytest.importorskip("h5py")
    rng = np.random.default_rng(0)
    pictures, table = tmp_path / "pics.h5", tmp_path / "xy.h5"
    with h5py.File(pictures, "w") as f:
        f["train_set_x"] = rng.integers(0, 256, size=(8, 4, 4, 3), dtype=np.uint8)
        f["train_set_y"] = np.arange(8) % 2
    with h5py.File(table, "w") as f:
        f["X"] = rng.normal(size=(8, 2))
        f["y"] = np.arange(8) % 2
    csv = tmp_path / "t.csv"
    csv.write_text("x1,x2,label\n" + "".join(f"{i},{i % 2},{i % 2}\n" for i in range(8)))
    table_model, picture_model = tmp_path / "table.npz", tmp_path / "pics.npz"
    assert nnscratch("train", csv, "-o", table_model, "--iterations", "5").returncode == 0
    assert nnscratch("train", pictures, "-o", picture_model, "--iterations", "5",
                     "--image-size", "4").returncode == 0
    return {"pictures": pictures, "table": table, "table_model": table_model,
            "picture_model": picture_model}


@pytest.mark.parametrize("model, data, said", [
    ("table_model", "pictures", "holds pictures (8, 4, 4, 3), but the model was trained on "
                                "a table"),
    ("picture_model", "table", "holds a table of 2 features per row, but the model was "
                               "trained on pictures"),
])
@pytest.mark.parametrize("as_json", [False, True])
def test_predict_on_an_h5_file_of_the_other_kind_prints_nothing_on_stdout(
        stores, model, data, said, as_json):
    # it printed the table's header (with --json a lone '[') and then a line without
    # the file's name: "expected 2 feature columns, got shape (8, 4, 4, 3)"
    result = nnscratch("predict", stores[model], stores[data], *(["--json"] * as_json))
    one_error(result, str(stores[data]), said)
    if as_json:  # the error alone, as one JSON object (docs/cli.md)
        assert set(json.loads(result.stdout)) == {"error", "exit_code"}
    else:
        assert result.stdout == ""


def test_streamed_evaluate_of_pictures_with_a_table_model_names_the_kind(stores):
    # it blamed the classes ("its classes ['0', '1'] are not classes of the model")
    result = nnscratch("evaluate", stores["table_model"], stores["pictures"], "--stream")
    one_error(result, "holds pictures", "trained on a table")


def test_an_xy_table_file_where_only_pictures_are_read_in_memory_says_what_it_is(
        stores, tmp_path):
    # a table model's --test and plot --data read .h5 files as the course's pictures:
    # "xy.h5: holds pictures, but the model was trained on a table"
    csv = tmp_path / "t.csv"
    plot = nnscratch("plot", stores["table_model"], "--kind", "boundary", "--data",
                     stores["table"], "-o", tmp_path / "b.png")
    train = nnscratch("train", csv, "--test", stores["table"], "-o", tmp_path / "x.npz")
    for result in (plot, train):
        line = one_error(result, "holds a table in the X/y layout", "nnscratch evaluate")
        assert "holds pictures" not in line
    assert not (tmp_path / "b.png").exists() and not (tmp_path / "x.npz").exists()


# ------------------------------------------------------------ a constant CSV column


def test_a_constant_column_stays_constant_for_new_values(tmp_path):
    # the mean of three 0.1s is 0.1 + 1.4e-17, so the column's std was 1.4e-17, not 0:
    # a new row with 0.2 there became a feature of 7e15, and every such prediction 0 or 1
    train = tmp_path / "train.csv"
    train.write_text("x,c,label\n-1,0.1,a\n1,0.1,b\n-2,0.1,a\n")
    model = tmp_path / "m.npz"
    assert nnscratch("train", train, "-o", model, "--hidden", "3",
                     "--iterations", "20").returncode == 0
    new = tmp_path / "new.csv"
    new.write_text("x,c\n0.5,0.1\n0.5,0.2\n")
    result = nnscratch("predict", model, new, "--json")
    assert result.returncode == 0, result.stderr
    same, shifted = (row["probabilities"]["b"] for row in json.loads(result.stdout))
    assert abs(same - shifted) < 0.05, (same, shifted)
    from nnscratch.persistence import load_bundle

    prep = load_bundle(model).preprocessor
    assert prep.mean[1] == 0.1 and prep.std[1] == 1.0


# ------------------------------------------------------------ a stdout that cannot be written


class _FullDisk(io.TextIOBase):
    """A stdout on a full disk (as ``> /dev/full``)."""

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")


@pytest.mark.parametrize("command", ["summary", "summary --json", "predict picture",
                                     "predict pics.h5"])
def test_a_full_disk_on_stdout_is_one_line_not_an_unexpected_failure(stores, command,
                                                                     tmp_path):
    # it was "unexpected failure (OSError: [Errno 28] ...); please report it"
    picture = tmp_path / "p.png"
    Image.fromarray(np.zeros((4, 4, 3), dtype=np.uint8)).save(picture)
    name, *rest = command.split()
    inputs = {"picture": picture, "pics.h5": stores["pictures"]}
    args = [name, str(stores["picture_model"]), *(str(inputs.get(a, a)) for a in rest)]
    err = io.StringIO()
    with contextlib.redirect_stdout(_FullDisk()), contextlib.redirect_stderr(err):
        code = run(args)
    assert code == 1
    lines = err.getvalue().splitlines()
    assert lines[-1] == ("nnscratch: error: cannot write the output to stdout (No space "
                         "left on device); free some space or send it elsewhere"), lines
    assert "unexpected" not in err.getvalue()


# ------------------------------------------------------------ counts in words


def test_one_feature_and_one_chunk_are_singular(tmp_path, stores):
    # "on 2 samples, 1 features", "inputs: 1 features", ", 1 chunks"
    table = tmp_path / "one.csv"
    table.write_text("x,label\n1,a\n2,b\n")
    model = tmp_path / "one.npz"
    result = nnscratch("train", table, "-o", model, "--iterations", "3")
    assert "on 2 samples, 1 feature (" in result.stderr, result.stderr
    assert "inputs:        1 feature (columns x)\n" in nnscratch("summary", model).stdout
    streamed = nnscratch("train", stores["table"], "-o", tmp_path / "xy.npz",
                         "--iterations", "1")
    assert "on 8 samples, 2 features (" in streamed.stderr
    assert streamed.stderr.count(", 1 chunk\n") == 1, streamed.stderr


# ------------------------------------------------------------ which column holds the labels


@pytest.fixture
def ab_model(tmp_path):
    table = tmp_path / "train.csv"
    table.write_text("x1,x2,label\n" + "".join(f"{i % 2 * 4 - 2},{i},{'yes' if i % 2 else 'no'}\n"
                                               for i in range(10)))
    model = tmp_path / "m.npz"
    assert nnscratch("train", table, "-o", model, "--learning-rate", "1",
                     "--iterations", "50").returncode == 0
    return model


def test_evaluate_finds_the_label_column_that_is_no_feature(tmp_path, ab_model):
    # a file with its labels first: the last column, 'x2', was taken as the labels
    # ("'x2' is a feature of the model, not a label")
    first = tmp_path / "first.csv"
    first.write_text("label,x1,x2\nyes,2,1\nno,-2,4\n")
    result = nnscratch("evaluate", ab_model, first, "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["accuracy"] == 1.0


def test_evaluate_of_a_file_without_labels_says_so(tmp_path, ab_model):
    features = tmp_path / "features.csv"
    features.write_text("x1,x2\n1,2\n3,4\n")
    line = one_error(nnscratch("evaluate", ab_model, features), "has no label column",
                     "nnscratch predict")
    assert "is a feature of the model" not in line


def test_a_guessed_label_column_is_named_when_its_labels_are_no_classes(tmp_path, ab_model):
    extra = tmp_path / "extra.csv"
    extra.write_text("x1,x2,label,note\n1,2,yes,seen\n3,4,no,new\n")
    one_error(nnscratch("evaluate", ab_model, extra), "labels ['new', 'seen']",
              "read from 'note'", "(label, note)", "--label-column")
    assert nnscratch("evaluate", ab_model, extra, "--label-column", "label").returncode == 0


# ------------------------------------------------------------ CSV files that are not split


def test_a_csv_file_separated_by_spaces_says_spaces_do_not_separate(tmp_path):
    # it said "has no feature columns besides 'x1 x2 label'"
    table = tmp_path / "spaces.csv"
    table.write_text("x1 x2 label\n" + "".join(f"{i} {i} {'ab'[i % 2]}\n" for i in range(6)))
    one_error(nnscratch("train", table, "-o", tmp_path / "m.npz"),
              "its header 'x1 x2 label' is one column", "spaces do not separate columns")


def test_a_comment_line_before_the_header_is_named(tmp_path):
    # it said "row 1 has 3 values but the header has 1"
    table = tmp_path / "commented.csv"
    table.write_text("# exported 2026-12-05\nx1,x2,label\n1,2,a\n3,4,b\n")
    one_error(nnscratch("train", table, "-o", tmp_path / "m.npz"),
              "its first line '# exported 2026-12-05' is a comment", "remove the comment")


def test_a_single_feature_named_with_a_space_is_still_read(tmp_path):
    table = tmp_path / "one.csv"
    table.write_text("body mass,label\n1,a\n2,b\n")
    model = tmp_path / "m.npz"
    assert nnscratch("train", table, "-o", model, "--iterations", "3").returncode == 0
    rows = tmp_path / "rows.csv"
    rows.write_text("body mass\n1\n2\n")
    result = nnscratch("predict", model, rows)
    assert result.returncode == 0 and "rows.csv:row 2" in result.stdout, result.stderr


def test_missing_columns_of_a_wide_model_stay_a_short_line(tmp_path):
    # the 64 pixel columns of a digits model were all listed (a line of 1300 characters)
    model = tmp_path / "digits.npz"
    assert nnscratch("train", "digits", "-o", model, "--iterations", "2").returncode == 0
    rows = tmp_path / "rows.csv"
    rows.write_text("x1,x2\n1,2\n")
    line = one_error(nnscratch("predict", model, rows),
                     "lacks the model's feature columns ['pixel_0_0', ",
                     "'pixel_0_7'] and 56 more; it has x1, x2")
    assert len(line) < 300


def test_a_data_frame_index_column_is_recognised(tmp_path):
    # pandas' to_csv writes ",x1,x2,label" and 0, 1, 2, ... down the first column
    table = tmp_path / "frame.csv"
    table.write_text(",x1,x2,label\n0,0.5,1,a\n1,1.5,2,b\n2,2.5,3,a\n")
    one_error(nnscratch("train", table, "-o", tmp_path / "m.npz"),
              "empty column names (column 1)", "a data frame's index", "index=False")
    other = tmp_path / "other.csv"
    other.write_text(",x1,label\n7,0.5,a\n3,1.5,b\n")
    assert "data frame" not in one_error(nnscratch("train", other, "-o", tmp_path / "m.npz"))


def test_a_column_named_twice_is_named_with_its_places(tmp_path):
    # it printed the whole header as a Python list, without saying which name repeats
    table = tmp_path / "twice.csv"
    table.write_text("a,b,c,b,label\n1,2,3,4,x\n5,6,7,8,y\n")
    one_error(nnscratch("train", table, "-o", tmp_path / "m.npz"),
              "names a column twice ('b' is columns 2, 4)", "its own name")


# ------------------------------------------------------------ a built-in set as --test


def test_a_built_in_test_set_of_other_classes_is_refused(tmp_path):
    # flower's red/blue codes 0, 1 were scored as the model's no/yes: "test accuracy 50 %"
    table = tmp_path / "t.csv"
    table.write_text("x1,x2,label\n" + "".join(f"{i},{-i},{'yes' if i % 2 else 'no'}\n"
                                               for i in range(8)))
    one_error(nnscratch("train", table, "--test", "flower", "-o", tmp_path / "m.npz"),
              "the built-in set 'flower' has the classes red, blue, not the model's (no, yes)")
    assert not (tmp_path / "m.npz").exists()


def test_a_built_in_test_set_is_matched_to_the_model_s_classes_by_name(tmp_path):
    # the model's classes in another order than the set's (blue before red)
    rows = ["x1,x2,label"] + [f"{x:.4f},{y:.4f},{'red' if c == 0 else 'blue'}"
                              for (x, y), c in zip(*_flower())]
    table = tmp_path / "flower.csv"
    table.write_text("\n".join(rows) + "\n")
    result = nnscratch("train", table, "--test", "flower", "-o", tmp_path / "m.npz",
                       "--hidden", "4", "--activation", "tanh", "--init", "small",
                       "--learning-rate", "1.2", "--iterations", "300", "--json")
    assert result.returncode == 0, result.stderr
    scores = json.loads(result.stdout)
    assert scores["test_accuracy"] == pytest.approx(scores["train_accuracy"], abs=0.02)
    assert scores["test_accuracy"] > 0.8


def _flower():
    from nnscratch.datasets import load_flower

    return load_flower()


def test_evaluate_on_a_built_in_set_matches_the_classes_by_name(tmp_path):
    # a model of the flower's points whose classes sort blue, red was refused:
    # "the built-in set 'flower' does not have the model's classes"
    rows = ["x1,x2,label"] + [f"{x:.4f},{y:.4f},{'red' if c == 0 else 'blue'}"
                              for (x, y), c in zip(*_flower())]
    table = tmp_path / "flower.csv"
    table.write_text("\n".join(rows) + "\n")
    model = tmp_path / "m.npz"
    trained = nnscratch("train", table, "-o", model, "--hidden", "4", "--activation", "tanh",
                        "--init", "small", "--learning-rate", "1.2", "--iterations", "300",
                        "--json")
    result = nnscratch("evaluate", model, "flower", "--json")
    assert result.returncode == 0, result.stderr
    scores = json.loads(result.stdout)
    assert scores["classes"] == ["blue", "red"]
    assert scores["accuracy"] == pytest.approx(json.loads(trained.stdout)["train_accuracy"])
    other = tmp_path / "other.npz"
    (tmp_path / "t.csv").write_text("x1,x2,label\n1,2,no\n3,4,yes\n")
    assert nnscratch("train", tmp_path / "t.csv", "-o", other,
                     "--iterations", "2").returncode == 0
    one_error(nnscratch("evaluate", other, "flower"), "has the classes red, blue, not the "
                                                      "model's (no, yes)")


def test_summary_names_the_columns_a_table_model_takes(tmp_path):
    # "inputs: 64 features" and no word of which CSV columns predict and evaluate need
    model = tmp_path / "digits.npz"
    assert nnscratch("train", "digits", "-o", model, "--iterations", "2").returncode == 0
    inputs = nnscratch("summary", model).stdout.splitlines()[1]
    assert inputs == ("inputs:        64 features (columns pixel_0_0, pixel_0_1, pixel_0_2, "
                      "pixel_0_3, pixel_0_4, pixel_0_5, pixel_0_6, pixel_0_7 and 56 more)")


def test_early_stopping_on_too_few_examples_names_the_flag(tmp_path):
    # it said "... or a larger validation_fraction, or turn early_stopping off": a
    # Python parameter that the command line does not have
    table = tmp_path / "four.csv"
    table.write_text("x,label\n1,a\n2,b\n3,a\n4,b\n")
    result = nnscratch("train", table, "--early-stopping", "-o", tmp_path / "m.npz")
    assert result.returncode == 2
    line = result.stderr.splitlines()[-1]
    assert line.startswith("nnscratch: error: cannot train on this data: --early-stopping "
                           "holds out 10 % of the training examples"), line
    assert line.endswith("use more data, or drop --early-stopping")
    assert "validation_fraction" not in result.stderr


# ------------------------------------------------------------ folders one level off


def _pictures(folder, n=2):
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        Image.fromarray(np.full((4, 4, 3), 40 * i, dtype=np.uint8)).save(folder / f"{i}.png")


def test_the_demo_layout_given_to_train_points_at_train_and_test(tmp_path):
    # it said "data/test: holds no pictures ...; remove the folder or add pictures"
    for split in ("train", "test"):
        for name in ("cat", "dog"):
            _pictures(tmp_path / "data" / split / name)
    data = tmp_path / "data"
    line = one_error(nnscratch("train", data, "-o", tmp_path / "m.npz"),
                     "holds train/ and test/ folders of class sub-folders",
                     f"train on {data / 'train'} (with --test {data / 'test'})")
    assert "remove the folder" not in line


def test_a_folder_of_data_files_given_as_pictures_names_a_file(tmp_path):
    # it said "has no sub-folders; put the pictures of each class in its own sub-folder"
    folder = tmp_path / "catvnoncat"
    folder.mkdir()
    (folder / "test_set.h5").write_bytes(b"")
    (folder / "train_set.h5").write_bytes(b"")
    one_error(nnscratch("train", folder, "-o", tmp_path / "m.npz"),
              "holds data files (test_set.h5, train_set.h5), not class sub-folders",
              f"(e.g. {folder / 'train_set.h5'})")


def test_a_class_folder_of_folders_says_the_files_are_one_level_down(tmp_path):
    _pictures(tmp_path / "data" / "cats" / "tabby")
    _pictures(tmp_path / "data" / "dogs")
    one_error(nnscratch("train", tmp_path / "data", "-o", tmp_path / "m.npz"),
              "cats: holds folders (tabby/) but no files of its own",
              f"give {tmp_path / 'data' / 'cats'} as DATA")


def test_a_negative_seed_is_told_in_the_command_lines_terms(capsys):
    # said "is not None, an integer from 0 to 4294967295, a numpy RandomState or a
    # Generator": Python's objects, which a command line cannot give
    assert run(["train", "flower", "--seed", "-1", "-o", "never.npz"]) == 2
    err = capsys.readouterr().err
    assert err == ("nnscratch: error: Invalid value for '--seed': '-1' is not an integer "
                   "from 0 to 4294967295 (see 'nnscratch train --help')\n")


def test_the_text_options_help_reads_as_one_sentence(capsys):
    # "--max-features: Text data: Keep only ... (default: every term) (default every term)."
    with contextlib.suppress(SystemExit):
        run(["train", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert ("Text data: keep only the N most frequent terms, at most 5,000,000 (default: "
            "every term). ") in text
    assert "(default every term)" not in text and "Text data: How" not in text
    assert "Text data: how words become features" in text


def test_a_cost_that_climbs_is_saved_with_a_warning(tmp_path, capsys):
    # finite weights, but a cost from 1.17 to 38: trained and saved in silence, exit 0
    model = tmp_path / "div.npz"
    assert run(["train", "flower", "--hidden", "20,20", "--learning-rate", "1000",
                "--iterations", "500", "-o", str(model)]) == 0
    warned = [line for line in capsys.readouterr().err.splitlines() if "warning" in line]
    assert len(warned) == 1 and re.fullmatch(
        r"nnscratch: warning: the cost rose from 1\.\d+ at the start to \d+\.\d+ at the end: "
        r"training diverged; lower --learning-rate \(it is 1000\)", warned[0]), warned
    assert model.is_file()
    assert run(["train", "flower", "--hidden", "4", "--activation", "tanh",
                "--iterations", "300", "-o", str(tmp_path / "ok.npz")]) == 0
    assert "warning" not in capsys.readouterr().err


@pytest.mark.slow
def test_a_streamed_run_whose_cost_climbs_warns_once_in_the_commands_words(tmp_path, capsys):
    # the estimators warn too (ConvergenceWarning, naming learning_rate): the command
    # shows its own line instead, naming --learning-rate, in memory and streamed
    import h5py

    from nnscratch.datasets import load_flower

    X, y = load_flower()
    with h5py.File(tmp_path / "flower.h5", "w") as f:
        f["X"], f["y"] = np.asarray(X, dtype=np.float64), np.asarray(y).ravel()
    for data, extra in ((str(tmp_path / "flower.h5"), ["--stream", "--batch-size", "400"]),
                        ("flower", [])):
        assert run(["train", data, "--hidden", "4", "--activation", "tanh",
                    "--learning-rate", "60", "--iterations", "200", "--seed", "1", *extra,
                    "-o", str(tmp_path / "m.npz")]) == 0
        warned = [line for line in capsys.readouterr().err.splitlines() if "warning" in line]
        assert len(warned) == 1 and re.fullmatch(
            r"nnscratch: warning: the cost rose from 0\.\d+ at the start to \d+\.\d+ at the "
            r"end: training diverged; lower --learning-rate \(it is 60\)", warned[0]), warned


def test_early_stopping_says_where_it_stopped_and_patience_sets_the_wait(tmp_path, capsys):
    # the course's flower network sits on a plateau at first: early stopping ended it
    # after 11 iterations at 47 %, said nothing, and the wait could not be set
    args = ["train", "flower", "--hidden", "4", "--activation", "tanh", "--init", "small",
            "--learning-rate", "1.2", "--early-stopping"]
    assert run([*args, "-o", str(tmp_path / "a.npz")]) == 0
    err = capsys.readouterr().err
    assert ("early stopping: stopped after 11 of 2500 epochs, 10 without improving the "
            "held-out accuracy; kept the weights of epoch 1 (") in err
    assert run([*args, "--patience", "300", "-o", str(tmp_path / "b.npz"), "--json"]) == 0
    captured = capsys.readouterr()
    assert "stopped after" in captured.err and ", 300 without improving" in captured.err
    assert json.loads(captured.out)["train_accuracy"] > 0.8
    assert run([*args, "--patience", "0", "-o", str(tmp_path / "c.npz")]) == 2
    assert "Invalid value for '--patience': '0' is not a positive integer" in \
        capsys.readouterr().err


@pytest.mark.parametrize("layout, words", [
    ("rows", "got (6, 12): flattened pictures? store them as (6, 2, 2, 3), each row "
             "reshaped back into its picture"),
    ("columns", "12 pictures but 6 labels (one column per picture: the course's flattened "
                "(n_x, m) layout? store the pictures as (m, height, width, 3))"),
    ("odd", "got (6, 7); rows of features go in the X/y layout (datasets 'X' and 'y')"),
])
def test_flattened_pictures_in_a_course_file_get_a_reshape_hint(tmp_path, capsys, layout,
                                                                 words):
    import h5py

    pictures = np.arange(6 * 12, dtype=np.uint8).reshape(6, 12)
    x = {"rows": pictures, "columns": pictures.T, "odd": np.zeros((6, 7), np.uint8)}[layout]
    with h5py.File(tmp_path / "flat.h5", "w") as f:
        f["train_set_x"], f["train_set_y"] = x, np.arange(6) % 2
    assert run(["train", str(tmp_path / "flat.h5"), "-o", str(tmp_path / "m.npz")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and words in err, err


def test_summary_values_share_one_column(tmp_path):
    # "preprocessing:" is the longest label, and its value started a column later
    model = tmp_path / "digits.npz"
    assert nnscratch("train", "digits", "-o", model, "--iterations", "2").returncode == 0
    lines = [line for line in nnscratch("summary", model).stdout.splitlines()
             if not line.startswith(" ") and line != "layers:"]
    assert any(line.startswith("preprocessing: ") for line in lines), lines
    starts = {len(line) - len(line.split(":", 1)[1].lstrip()) for line in lines}
    assert starts == {15}, lines


@pytest.mark.parametrize("args, line", [
    (("playground", "--port", "70000"),
     "Invalid value for '--port': '70000' is not an integer from 0 to 65535 "
     "(see 'nnscratch playground --help')"),
    (("train", "flower", "--image-size", "0"),
     "Invalid value for '--image-size': '0' is not an integer from 1 to 1024 "
     "(see 'nnscratch train --help')"),
    (("train", "flower", "--activation", "softmax"),
     "Invalid value for '--activation': 'softmax' is not one of 'relu', 'leaky_relu', "
     "'tanh', 'sigmoid' (see 'nnscratch train --help')"),
])
def test_option_errors_read_alike(args, line):
    # click's own wording was "0 is not in the range 1<=x<=1024." and its sentences
    # ended in a full stop before the "(see ...)"
    result = nnscratch(*args)
    assert result.returncode == 2
    assert result.stderr == f"nnscratch: error: {line}\n"


def test_layers_beyond_memory_are_refused_naming_the_flag(tmp_path):
    # it said "out of memory; use smaller data, a smaller --image-size or fewer units"
    # and exited 1, as for a failure while running
    result = nnscratch("train", "flower", "--hidden", "2000000000,2000000000",
                       "-o", tmp_path / "m.npz")
    assert result.returncode == 2
    last = result.stderr.splitlines()[-1]
    assert re.fullmatch(r"nnscratch: error: --hidden 2000000000,2000000000 makes "
                        r"4,000,000,010,000,000,001 weights for 2 features \([\d.,]+ GiB with "
                        r"their gradients\), more than this machine's [\d.]+ GiB of memory; "
                        r"give --hidden fewer units", last), last
    assert "Traceback" not in result.stderr and not (tmp_path / "m.npz").exists()


def test_a_link_to_a_file_that_is_no_hdf5_is_named(tmp_path):
    # "unexpected failure (KeyError: 'Unable to synchronously open object (file
    # signature not found)')"
    import h5py

    (tmp_path / "not.h5").write_text("plain text")
    path = tmp_path / "linked.h5"
    with h5py.File(path, "w") as f:
        f["train_set_x"] = h5py.ExternalLink(str(tmp_path / "not.h5"), "/x")
        f["train_set_y"] = np.zeros(4)
    result = nnscratch("train", path, "-o", tmp_path / "m.npz")
    one_error(result, "linked.h5: not a readable HDF5 file")


def test_class_names_that_would_break_the_tables_are_refused(tmp_path):
    # a quoted CSV label with a line break split summary's, predict's and evaluate's
    # lines in two; two classes of one name in list_classes read as one
    import h5py

    table = tmp_path / "multiline.csv"
    table.write_text('a,b,label\n1,2,"x\ny"\n3,4,y\n2,1,"x\ny"\n5,3,y\n')
    one_error(nnscratch("train", table, "-o", tmp_path / "m.npz"),
              "multiline.csv: the class name 'x\\ny' holds a control character")
    twice = tmp_path / "twice.h5"
    with h5py.File(twice, "w") as f:
        f["train_set_x"] = np.zeros((4, 4, 4, 3), np.uint8)
        f["train_set_y"] = np.array([0, 1, 0, 1])
        f["list_classes"] = np.array([b"n", b"n"])
    one_error(nnscratch("train", twice, "-o", tmp_path / "m.npz"),
              "twice.h5: the class name 'n' is given to two classes")
    assert not (tmp_path / "m.npz").exists()


def test_summary_shows_a_model_files_free_text_on_one_line(tmp_path):
    from nnscratch import NeuralNetworkClassifier, save
    from nnscratch.datasets import load_flower

    X, y = load_flower()
    model = tmp_path / "m.npz"
    save(NeuralNetworkClassifier((2,), max_iter=2).fit(X, y), model,
         training={"data": "two\nlines", "train_accuracy": 2.5, "test_accuracy": 0.5,
                   "seconds": -5})
    out = nnscratch("summary", model).stdout
    assert "data two\\nlines" in out and "\nlines" not in out
    # free-form facts that are no accuracy or time are not shown as one ("250.00 %")
    assert "training:      data two\\nlines, test accuracy 50.00 %\n" in out


def test_column_names_with_control_characters_are_shown_escaped(tmp_path, capsys):
    # a CSV header (or a model file from anyone) put a line break or a terminal's escape
    # codes into summary's lines and the error lines
    table = tmp_path / "t.csv"
    table.write_text('"a\nx",b\x1b[31mRED,kind\n' + "".join(
        f"{i},{i % 3},{'pq'[i % 2]}\n" for i in range(8)))
    model = tmp_path / "m.npz"
    assert run(["train", str(table), "-o", str(model), "--iterations", "2"]) == 0
    capsys.readouterr()
    assert run(["summary", str(model)]) == 0
    inputs = capsys.readouterr().out.splitlines()[1]
    assert inputs == "inputs:        2 features (columns a\\nx, b\\x1b[31mRED)"
    assert run(["train", str(table), "--label-column", "nope", "-o", str(model)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "\x1b" not in err
    assert "the columns are a x, b\\x1b[31mRED, kind" in err  # whitespace: one space


def test_a_huge_alpha_is_named_and_its_cost_printed_short(tmp_path):
    # "final cost: 133519...(300 digits)" and "lower --learning-rate" only
    model = tmp_path / "m.npz"
    result = nnscratch("train", "flower", "--alpha", "1e308", "--iterations", "2", "-o", model)
    assert result.returncode == 0, result.stderr
    assert re.search(r"^final cost: +1\.\d{6}e\+299$", result.stdout, re.M), result.stdout
    assert result.stderr.splitlines()[-1].endswith(
        "lower --learning-rate (it is 0.005) or --alpha (it is 1e+308)")
    assert re.search(r"^final cost: +1\.\d{6}e\+299$", nnscratch("summary", model).stdout,
                     re.M)
    result = nnscratch("train", "flower", "--alpha", "1e308", "--hidden", "3",
                       "--iterations", "2", "-o", model)
    assert result.returncode == 1
    # the cause named in the command's words (it was "try a smaller --learning-rate")
    assert result.stderr.splitlines()[-1].endswith(
        "before any step: the L2 term of --alpha 1e+308 is too large (a model holds costs "
        "up to 1e+300); lower --alpha"), result.stderr


@pytest.fixture
def headerless(tmp_path):
    path = tmp_path / "noheader.csv"
    path.write_text("1,2,x\n3,4,y\n2,1,x\n5,3,y\n")
    return path


@pytest.mark.parametrize("args, said", [
    # '' was the current folder: every CSV in it was predicted; summary said ".: is not
    # a file"
    (("predict", "{model}", ""), "an empty INPUT was given"),
    (("summary", ""), "no model file given (an empty name); give a .npz file"),
    # accepted and ignored
    (("train", "flower", "--patience", "5", "-o", "{tmp}/m.npz"),
     "--patience is the wait of early stopping; add --early-stopping or drop --patience"),
    (("search", "flower", "--param", "learning_rate=0.1;0.2", "--learning-rate", "0.3"),
     "--learning-rate is fixed and searched by --param learning_rate at once; drop one"),
    (("search", "flower", "--param", "seed=1;2", "--seed", "3"),
     "--seed is fixed and searched by --param seed at once; drop one"),
    (("search", "flower", "--param", "hidden=3;4", "--hidden", "5"),
     "--hidden is fixed and searched by --param hidden at once; drop one"),
    # written as a file named without the slash; a model named .model
    (("train", "flower", "-o", "{tmp}/m.npz/"),
     "m.npz/' ends in '/', as a folder's name does; give a file's name, e.g."),
    (("search", "flower", "--param", "learning_rate=0.1;0.2", "--plot", "{tmp}/p.png/"),
     "--plot: '"),
    (("search", "flower", "--param", "learning_rate=0.1;0.2", "-o", "{tmp}/x.model"),
     "--output: a model file's name ends in .npz; give e.g. 'x.model.npz'"),
    # its first row was taken for the column names
    (("train", "{headerless}", "-o", "{tmp}/m.npz"),
     "noheader.csv: its first row (1, 2, x) looks like data, not column names"),
])
def test_options_and_names_that_were_taken_silently(tmp_path, headerless, args, said):
    model = tmp_path / "flower.npz"
    assert nnscratch("train", "flower", "--iterations", "2", "-o", model).returncode == 0
    args = [a.format(model=model, tmp=tmp_path, headerless=headerless) for a in args]
    one_error(nnscratch(*args), said)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["flower.npz", "noheader.csv"]


def test_named_number_columns_with_a_header_are_read(tmp_path):
    # pandas writes integer column names: a header of numbers is a header
    table = tmp_path / "ints.csv"
    table.write_text("0,1,2,label\n1,2,3,a\n2,3,4,b\n3,4,5,a\n4,5,6,b\n")
    assert nnscratch("train", table, "-o", tmp_path / "m.npz").returncode == 0


@pytest.mark.parametrize("data, test", [("flower", "flower"), ("ok.csv", "./ok.csv")])
def test_a_test_set_that_is_the_training_data_is_named_in_a_warning(tmp_path, capsys,
                                                                     monkeypatch, data, test):
    """--test naming DATA itself scored the training data as a test, without a word."""
    monkeypatch.chdir(tmp_path)
    rows = "".join(f"{i},{(i * 7) % 10},{i % 2}\n" for i in range(20))
    (tmp_path / "ok.csv").write_text("a,b,y\n" + rows)
    assert run(["train", data, "--test", test, "--iterations", "3", "-o", "m.npz"]) == 0
    warning = [line for line in capsys.readouterr().err.splitlines() if "warning" in line]
    held_out = (" (without --test, the part of flower that train holds out is the test)"
                if data == "flower" else "")
    assert warning == [f"nnscratch: warning: --test is the training data itself ({test}): its "
                       "accuracy is the training accuracy, not a test's; give data the model "
                       f"does not learn from{held_out}"]
    assert run(["train", data, "--iterations", "3", "-o", "m2.npz"]) == 0
    assert "warning" not in capsys.readouterr().err


@pytest.mark.parametrize("argv, said", [
    (["train", "flower", "-o", ""], "--output is empty; give a file's name, e.g. 'model.npz'"),
    (["train", "flower", "-o", " "], "--output is empty; give a file's name, e.g. 'model.npz'"),
    (["demo", "--output-dir", ""],
     "--output-dir is empty; give a folder's name, e.g. 'nnscratch-demo' (or '.' for this "
     "folder)"),
    (["search", "flower", "--param", "learning_rate=1;2", "--results", ""],
     "--results is empty; give a file's name, e.g. 'results.csv'"),
    (["search", "flower", "--param", "learning_rate=1;2", "--plot", ""],
     "--plot is empty; give a file's name, e.g. 'scores.png'"),
], ids=["train-o", "train-o-blank", "demo-dir", "search-results", "search-plot"])
def test_an_empty_output_name_is_refused_not_taken_as_none_or_here(tmp_path, capsys,
                                                                    monkeypatch, argv, said):
    """demo --output-dir '' wrote into the current folder, search --results '' kept no
    results, and train -o '' suggested the name '.npz'."""
    monkeypatch.chdir(tmp_path)
    assert run(argv) == 2
    assert capsys.readouterr().err == f"nnscratch: error: {said}\n"
    assert list(tmp_path.iterdir()) == []


def test_plot_refuses_data_that_the_cost_curve_would_not_read(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert run(["train", "flower", "--iterations", "3", "-o", "m.npz"]) == 0
    capsys.readouterr()
    assert run(["plot", "m.npz", "--data", "flower", "-o", "c.png"]) == 2
    assert capsys.readouterr().err == ("nnscratch: error: drop --data: the cost curve is the "
                                       "model's own record; --data is for --kind boundary or "
                                       "mislabeled\n")
    assert not (tmp_path / "c.png").exists()
    assert run(["plot", "m.npz", "--kind", "boundary", "--data", "flower", "-o", "b.png"]) == 0


def test_a_text_model_scored_on_a_folder_of_pictures_says_pictures(tmp_path, capsys,
                                                                    monkeypatch):
    """It said "pics/cat: holds no text files; remove the folder or add messages", as if
    the folder were a broken text folder."""
    from nnscratch.datasets import make_spam_corpus

    monkeypatch.chdir(tmp_path)
    make_spam_corpus(tmp_path / "mail", 40, random_state=0)
    for name in ("cat", "dog"):
        (tmp_path / "pics" / name).mkdir(parents=True)
        for i in range(2):
            Image.fromarray(np.full((8, 8, 3), 40 * i, np.uint8)).save(
                tmp_path / "pics" / name / f"{i}.png")
    assert run(["train", "mail", "--iterations", "2", "-o", "mail.npz"]) == 0
    capsys.readouterr()
    assert run(["evaluate", "mail.npz", "pics"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("nnscratch: error: pics: holds pictures, but the model was trained "
                          "on text (") and err.count("\n") == 1


def test_one_class_training_data_with_a_test_set_names_the_training_data(tmp_path, capsys,
                                                                          monkeypatch):
    """It said the test's labels were not the model's classes, not the real fault."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "one.csv").write_text("a,b,y\n" + "".join(f"{i},{i},0\n" for i in range(6)))
    (tmp_path / "ok.csv").write_text("a,b,y\n" + "".join(f"{i},{i},{i % 2}\n" for i in range(6)))
    assert run(["train", "one.csv", "--test", "ok.csv", "-o", "m.npz"]) == 2
    assert capsys.readouterr().err == ("nnscratch: error: one.csv: the training data has only "
                                       "one class ('0'); a classifier needs examples of at "
                                       "least two classes\n")


def test_a_built_in_set_whose_columns_are_named_otherwise_says_so(tmp_path, capsys,
                                                                  monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "ab.csv").write_text("a,b,y\n" + "".join(f"{i},{-i},{i % 2}\n"
                                                         for i in range(12)))
    assert run(["train", "ab.csv", "--iterations", "2", "-o", "m.npz"]) == 0
    capsys.readouterr()
    assert run(["evaluate", "m.npz", "flower"]) == 2
    assert "but the model was trained on a table of 2 columns (a, b): as many columns, named " \
           "otherwise; give data like" in capsys.readouterr().err
