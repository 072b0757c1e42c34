"""End-to-end tests of the ``nnscratch`` command.

The commands run in this process through the group's own entry point
(:func:`nnscratch.cli.run`, exactly what the console script calls, with stdout and
stderr captured), so each test costs its work and not a new interpreter importing
NumPy, SciPy and scikit-learn. ``test_the_console_script_runs_as_a_program`` and
tests/test_hostile.py start the real program (``python -m nnscratch``) where a process
matters (start-up, Ctrl-C, exit codes seen by a shell).

The cat models are trained once per module (module-scoped fixtures) and their model
files reused: the 2-layer course model from the HDF5 file (test accuracy 72 %) and
logistic regression from picture folders written from the same pixels (70 %).
"""

import contextlib
import io
import json
import os
import pickle
import subprocess
import sys
from pathlib import Path

import h5py
import numpy as np
import pytest
from PIL import Image

from nnscratch import load
from nnscratch.cli import run

# Most tests here train a model or run a whole command; the quick run (-m "not slow")
# checks the command line on smaller cases (tests/test_commands.py, tests/test_params.py).
pytestmark = pytest.mark.slow

SRC = Path(__file__).resolve().parents[1] / "src"
DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
CAT_TRAIN = DATA / "catvnoncat" / "train_catvnoncat.h5"
CAT_TEST = DATA / "catvnoncat" / "test_catvnoncat.h5"
COMMANDS = ["train", "evaluate", "predict", "plot", "summary", "demo"]


def _stream() -> io.TextIOWrapper:
    return io.TextIOWrapper(io.BytesIO(), encoding="utf-8", write_through=True)


def nnscratch(*args, cwd=None, timeout=None):
    """Run ``nnscratch ARGS`` in this process; a CompletedProcess with its exit code,
    stdout and stderr. (``timeout`` is accepted for the program form and unused.)"""
    out, err = _stream(), _stream()
    old = Path.cwd()
    try:
        if cwd is not None:
            os.chdir(cwd)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = run([str(a) for a in args])
    finally:
        os.chdir(old)
    text = [s.buffer.getvalue().decode("utf-8") for s in (out, err)]
    return subprocess.CompletedProcess(["nnscratch", *map(str, args)], code, *text)


def nnscratch_program(*args, cwd=None, timeout=300):
    """Run ``python -m nnscratch ARGS`` as a program."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(SRC), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    env.pop("COLUMNS", None)
    return subprocess.run(
        [sys.executable, "-m", "nnscratch", *map(str, args)],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False,
    )


def assert_one_line_error(proc, code=2, *fragments):
    assert proc.returncode == code, (proc.returncode, proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr and "Traceback" not in proc.stdout
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("nnscratch: error: ")]
    assert len(errors) == 1, proc.stderr
    for fragment in fragments:
        assert fragment in errors[0], errors[0]
    return errors[0]


def assert_png(path):
    path = Path(path)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with Image.open(path) as img:
        img.load()
        assert img.width >= 200 and img.height >= 150
        return np.asarray(img.convert("RGB"))


def no_leftovers(folder):
    return [p.name for p in Path(folder).iterdir() if p.name.endswith(".tmp")]


def _need_cat():
    for path in (CAT_TRAIN, CAT_TEST):
        if not path.exists():
            pytest.skip(f"missing ../shared/data/catvnoncat/{path.name}")


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def cat_model(tmp_path_factory):
    """The course's 2-layer model (7 relu units), trained once from the HDF5 file."""
    _need_cat()
    folder = tmp_path_factory.mktemp("cat")
    proc = nnscratch(
        "train", CAT_TRAIN, "--hidden", "7", "--init", "small", "--learning-rate", "0.0075",
        "--iterations", "2500", "--seed", "1", "--test", CAT_TEST, "--output", "cat7.npz",
        "--json", cwd=folder,
    )
    assert proc.returncode == 0, proc.stderr
    return folder / "cat7.npz", json.loads(proc.stdout), proc


@pytest.fixture(scope="module")
def cat_folders(tmp_path_factory):
    """The cat pictures written as PNG files into class sub-folders (train/, test/)."""
    _need_cat()
    root = tmp_path_factory.mktemp("pictures")
    for split, path in (("train", CAT_TRAIN), ("test", CAT_TEST)):
        with h5py.File(path, "r") as f:
            x = f[f"{split}_set_x"][()]
            y = f[f"{split}_set_y"][()]
            names = [c.decode() for c in f["list_classes"][()]]
        for name in names:
            (root / split / name).mkdir(parents=True)
        for i, (img, label) in enumerate(zip(x, y)):
            Image.fromarray(img).save(root / split / names[label] / f"{i:03d}.png")
    return root


@pytest.fixture(scope="module")
def lr_folder_model(cat_folders):
    """Logistic regression (lr 0.005, 2000 iterations) trained from the picture folders."""
    proc = nnscratch(
        "train", cat_folders / "train", "--learning-rate", "0.005", "--iterations", "2000",
        "--image-size", "64", "--test", cat_folders / "test", "--output", "lr.npz", "--json",
        cwd=cat_folders,
    )
    assert proc.returncode == 0, proc.stderr
    return cat_folders / "lr.npz", json.loads(proc.stdout)


@pytest.fixture(scope="module")
def flower_model(tmp_path_factory):
    folder = tmp_path_factory.mktemp("flower")
    proc = nnscratch(
        "train", "flower", "--hidden", "4", "--activation", "tanh", "--init", "small",
        "--learning-rate", "1.2", "--iterations", "3000", "--output", "flower.npz",
        cwd=folder,
    )
    assert proc.returncode == 0, proc.stderr
    return folder / "flower.npz", proc


@pytest.fixture(scope="module")
def csv_files(tmp_path_factory):
    """A labelled CSV (label in the middle column) and a raw CSV without labels."""
    folder = tmp_path_factory.mktemp("csv")
    rng = np.random.default_rng(0)
    n = 120
    size = rng.normal(50.0, 10.0, n)
    weight = rng.normal(5.0, 2.0, n)
    label = np.where(size / 10.0 + weight > 10.0, "big", "small")
    lines = ["size,kind,weight"] + [
        f"{s:.4f},{k},{w:.4f}" for s, k, w in zip(size, label, weight)
    ]
    (folder / "train.csv").write_text("\n".join(lines[:91]) + "\n")
    (folder / "test.csv").write_text("\n".join([lines[0], *lines[91:]]) + "\n")
    # columns in another order, an extra column, no label
    (folder / "new.csv").write_text("note,weight,size\na,9.0,70.0\nb,1.0,30.0\n")
    return folder


# --------------------------------------------------------------------------- help


@pytest.mark.parametrize("command", [None, *COMMANDS])
def test_help_is_complete_with_an_example(command):
    args = ["--help"] if command is None else [command, "--help"]
    proc = nnscratch(*args)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("Usage: nnscratch")
    assert "Example" in proc.stdout
    assert "nnscratch " + (command or "train") in proc.stdout.split("Example", 1)[1]
    # no line broken at a word's hyphen: options, paths and names stay whole
    broken = [line for line in proc.stdout.splitlines() if line[-2:-1].isalpha()
              and line.endswith("-")]
    assert not broken, broken


def test_help_leaves_clicks_wrapper_as_it_was(capsys):
    from click import _textwrap

    wrapper = _textwrap.TextWrapper
    assert run(["demo", "--help"]) == 0
    assert "nnscratch-demo" in capsys.readouterr().out
    assert _textwrap.TextWrapper is wrapper


def test_version():
    proc = nnscratch("--version")
    assert proc.returncode == 0 and "nnscratch" in proc.stdout


def test_the_console_script_runs_as_a_program(tmp_path):
    """The program itself: start-up, a whole command, output and exit codes as a shell
    sees them (the rest of this file runs the same entry point in-process)."""
    proc = nnscratch_program("--version")
    assert proc.returncode == 0 and "nnscratch" in proc.stdout
    proc = nnscratch_program("train", "flower", "--hidden", "3", "--iterations", "50",
                             "--output", tmp_path / "f.npz", "--json")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["n_iter"] == 50
    proc = nnscratch_program("predict", tmp_path / "f.npz", tmp_path / "missing.png")
    assert_one_line_error(proc, 2, "missing.png")


# --------------------------------------------------------------------------- cat: HDF5


def test_two_layer_course_model_from_hdf5_scores_72_percent(cat_model):
    path, result, proc = cat_model
    assert result["test_accuracy"] == pytest.approx(0.72)
    assert result["train_accuracy"] == pytest.approx(1.0)
    assert result["n_train"] == 209 and result["n_test"] == 50
    assert path.is_file()
    assert "it/s" not in proc.stderr  # no progress bar when stderr is not a terminal
    assert "saved the model" in proc.stderr


def test_evaluate_json(cat_model):
    path, _, _ = cat_model
    proc = nnscratch("evaluate", path, CAT_TEST, "--json")
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert {"accuracy", "precision", "recall", "f1", "log_loss", "confusion_matrix",
            "n_samples"} <= set(result)
    assert result["accuracy"] == pytest.approx(0.72)
    assert result["n_samples"] == 50
    cm = np.array(result["confusion_matrix"])
    assert cm.shape == (2, 2) and cm.sum() == 50 and np.trace(cm) == 36
    assert cm[1].sum() == 33  # 33 cats in the test file
    tp, fp, fn = cm[1, 1], cm[0, 1], cm[1, 0]
    assert result["precision"] == pytest.approx(tp / (tp + fp))
    assert result["recall"] == pytest.approx(tp / (tp + fn))
    assert result["f1"] == pytest.approx(2 * tp / (2 * tp + fp + fn))
    assert result["log_loss"] > 0
    assert result["classes"] == ["non-cat", "cat"]


def test_evaluate_text(cat_model):
    path, _, _ = cat_model
    proc = nnscratch("evaluate", path, CAT_TEST)
    assert proc.returncode == 0, proc.stderr
    assert "accuracy:   72.00 %" in proc.stdout
    assert "confusion matrix" in proc.stdout


def test_hdf5_model_evaluated_on_picture_folders(cat_model, cat_folders):
    path, _, _ = cat_model
    proc = nnscratch("evaluate", path, cat_folders / "test", "--json")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["accuracy"] == pytest.approx(0.72)


def test_summary_json(cat_model):
    path, result, _ = cat_model
    proc = nnscratch("summary", path, "--json")
    assert proc.returncode == 0, proc.stderr
    info = json.loads(proc.stdout)
    assert info["n_parameters"] == 7 * 12288 + 7 + 7 + 1
    assert [layer["W_shape"] for layer in info["layers"]] == [[7, 12288], [1, 7]]
    assert [layer["b_shape"] for layer in info["layers"]] == [[7, 1], [1, 1]]
    assert [layer["activation"] for layer in info["layers"]] == ["relu", "sigmoid"]
    assert info["classes"] == ["non-cat", "cat"]
    assert info["hyperparameters"]["learning_rate"] == 0.0075
    assert info["hyperparameters"]["init"] == "small"
    assert info["n_iter"] == 2500
    assert info["final_cost"] == pytest.approx(result["final_cost"])
    assert info["preprocessing"]["kind"] == "image"


def test_summary_text(cat_model):
    path, _, _ = cat_model
    proc = nnscratch("summary", path)
    assert proc.returncode == 0, proc.stderr
    assert "(7, 12288)" in proc.stdout and "86031" in proc.stdout
    assert "non-cat, cat" in proc.stdout


def test_plot_costs_and_mislabeled(cat_model, tmp_path):
    path, _, _ = cat_model
    proc = nnscratch("plot", path, "--output", tmp_path / "costs.png")
    assert proc.returncode == 0, proc.stderr
    assert_png(tmp_path / "costs.png")
    proc = nnscratch("plot", path, "--kind", "mislabeled", "--data", CAT_TEST,
                     "--output", tmp_path / "wrong.png")
    assert proc.returncode == 0, proc.stderr
    assert_png(tmp_path / "wrong.png")
    assert no_leftovers(tmp_path) == []


def test_plot_boundary_of_a_picture_model_is_refused(cat_model, tmp_path):
    path, _, _ = cat_model
    proc = nnscratch("plot", path, "--kind", "boundary", "--data", CAT_TEST,
                     "--output", tmp_path / "b.png")
    assert_one_line_error(proc, 2, "2-D")
    assert not (tmp_path / "b.png").exists()


# --------------------------------------------------------------------------- predict


@pytest.fixture(scope="module")
def pictures(tmp_path_factory):
    """Test pictures 0..4 written as PNG, JPEG, grayscale, odd-sized and RGBA files."""
    _need_cat()
    folder = tmp_path_factory.mktemp("inputs")
    with h5py.File(CAT_TEST, "r") as f:
        x = f["test_set_x"][()]
    Image.fromarray(x[0]).save(folder / "exact.png")
    Image.fromarray(x[1]).save(folder / "photo.jpg", quality=95)
    Image.fromarray(x[2]).convert("L").save(folder / "gray.png")
    Image.fromarray(x[3]).resize((97, 53)).save(folder / "odd size.png")
    rgba = np.dstack([x[4], np.full((64, 64), 200, np.uint8)])
    Image.fromarray(rgba, "RGBA").save(folder / "alpha.png")
    Image.fromarray(x[0]).convert("P").save(folder / "palette.gif")
    (folder / "notes.txt").write_text("not a picture")
    (folder / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 20)
    return folder, x


GOOD = ["exact.png", "photo.jpg", "gray.png", "odd size.png", "alpha.png", "palette.gif"]


def test_predict_json_on_pictures_of_all_kinds(cat_model, pictures):
    from nnscratch.persistence import load

    path, _, _ = cat_model
    folder, x = pictures
    proc = nnscratch("predict", path, *[folder / n for n in GOOD], "--json")
    assert proc.returncode == 0, proc.stderr
    results = json.loads(proc.stdout)
    assert [r["input"] for r in results] == [str(folder / n) for n in GOOD]
    for r in results:
        assert r["label"] in ("cat", "non-cat")
        assert set(r["probabilities"]) == {"cat", "non-cat"}
        assert sum(r["probabilities"].values()) == pytest.approx(1.0)
        assert r["probability"] == r["probabilities"][r["label"]]
        assert r["probability"] >= 0.5
    # the exact PNG gets exactly what the model gives the HDF5 pixels
    est = load(path)
    p_cat = est.predict_proba(x[:1].reshape(1, -1) / 255.0)[0, 1]
    assert results[0]["probabilities"]["cat"] == pytest.approx(p_cat, rel=1e-12)


def test_predict_text(cat_model, pictures):
    path, _, _ = cat_model
    folder, _ = pictures
    proc = nnscratch("predict", path, folder / "exact.png", folder / "gray.png")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].split() == ["input", "label", "probability"]
    assert len(lines) == 3 and lines[1].startswith(str(folder / "exact.png"))


def test_predict_with_unreadable_inputs(cat_model, pictures):
    path, _, _ = cat_model
    folder, _ = pictures
    inputs = [folder / "exact.png", folder / "notes.txt", folder / "missing.png",
              folder / "broken.png", folder / "gray.png"]
    proc = nnscratch("predict", path, *inputs, "--json")
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    results = json.loads(proc.stdout)
    assert [r["input"] for r in results] == [str(p) for p in inputs]
    assert [("error" in r) for r in results] == [False, True, True, True, False]
    for r in results:
        if "error" in r:
            assert set(r) == {"input", "error"} and r["input"] in r["error"]
        else:
            assert r["label"] in ("cat", "non-cat")
    errors = proc.stderr.strip().splitlines()
    assert len(errors) == 3
    for line, name in zip(errors, ["notes.txt", "missing.png", "broken.png"]):
        assert line.startswith("nnscratch: error: ") and name in line


# --------------------------------------------------------------------------- cat: folders


def test_logistic_regression_from_picture_folders_scores_70_percent(lr_folder_model):
    path, result = lr_folder_model
    assert result["test_accuracy"] == pytest.approx(0.70)
    assert result["train_accuracy"] == pytest.approx(207 / 209)  # 99.04 %
    assert result["model_type"] == "LogisticRegression"
    proc = nnscratch("summary", path, "--json")
    info = json.loads(proc.stdout)
    assert info["classes"] == ["cat", "non-cat"]  # the sub-folder names, sorted
    assert info["n_parameters"] == 12288 + 1


def test_folder_model_evaluated_on_the_hdf5_file(lr_folder_model):
    # the HDF5 file lists its classes in another order than the sorted folder names:
    # its labels are matched to the model's classes by name
    path, _ = lr_folder_model
    proc = nnscratch("evaluate", path, CAT_TEST, "--json")
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert result["accuracy"] == pytest.approx(0.70)
    assert result["classes"] == ["cat", "non-cat"]
    assert np.array(result["confusion_matrix"])[0].sum() == 33  # true cats


def test_the_positive_class_of_evaluate_can_be_named(lr_folder_model):
    # picture folders sort 'cat' before 'non-cat', so the default positive class (the
    # second, scikit-learn's pos_label) is non-cat; the course's is cat
    path, _ = lr_folder_model
    default = json.loads(nnscratch("evaluate", path, CAT_TEST, "--json").stdout)
    proc = nnscratch("evaluate", path, CAT_TEST, "--json", "--positive-class", "cat")
    assert proc.returncode == 0, proc.stderr
    cat = json.loads(proc.stdout)
    assert default["positive_class"] == "non-cat" and cat["positive_class"] == "cat"
    cm = np.array(cat["confusion_matrix"])  # rows true, columns predicted; cat first
    assert cm.tolist() == default["confusion_matrix"]
    tp, fp, fn = cm[0, 0], cm[1, 0], cm[0, 1]
    assert cat["precision"] == pytest.approx(tp / (tp + fp))
    assert cat["recall"] == pytest.approx(tp / (tp + fn))
    assert cat["f1"] == pytest.approx(2 * tp / (2 * tp + fp + fn))
    assert cat["precision"] != pytest.approx(default["precision"])
    assert (cat["accuracy"], cat["log_loss"]) == (default["accuracy"], default["log_loss"])
    text = nnscratch("evaluate", path, CAT_TEST, "--positive-class", "cat").stdout
    assert f"precision:  {cat['precision']:.4f}  (positive class 'cat')" in text
    assert f"recall:     {cat['recall']:.4f}" in text


def test_a_positive_class_that_the_model_lacks_is_refused(lr_folder_model, tmp_path):
    path, _ = lr_folder_model
    assert_one_line_error(nnscratch("evaluate", path, CAT_TEST, "--positive-class", "dog"),
                          2, "--positive-class 'dog' is not a class of the model "
                             "(cat, non-cat); give one of them")
    digits = tmp_path / "digits.npz"
    assert nnscratch("train", "digits", "--iterations", "2", "-o", digits).returncode == 0
    assert_one_line_error(nnscratch("evaluate", digits, "digits", "--positive-class", "3"),
                          2, "--positive-class is for a model of two classes; this one "
                             "has 10 (0, 1, 2, 3, 4, 5, 6, 7, 8, 9), whose precision")


# --------------------------------------------------------------------------- CSV
# --------------------------------------------------------------------------- CSV


def test_csv_train_predict_evaluate(csv_files):
    folder = csv_files
    proc = nnscratch("train", "train.csv", "--label-column", "kind", "--hidden", "4",
                     "--activation", "tanh", "--learning-rate", "0.5", "--iterations",
                     "1500", "--test", "test.csv", "--output", "csv.npz", "--json", cwd=folder)
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert result["train_accuracy"] > 0.9 and result["test_accuracy"] > 0.85
    proc = nnscratch("predict", "csv.npz", "new.csv", "--json", cwd=folder)
    assert proc.returncode == 0, proc.stderr
    rows = json.loads(proc.stdout)
    assert [r["input"] for r in rows] == ["new.csv:row 1", "new.csv:row 2"]
    assert [r["label"] for r in rows] == ["big", "small"]
    proc = nnscratch("evaluate", "csv.npz", "test.csv", "--label-column", "kind", "--json",
                     cwd=folder)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["accuracy"] == pytest.approx(result["test_accuracy"])
    proc = nnscratch("summary", "csv.npz", "--json", cwd=folder)
    assert json.loads(proc.stdout)["preprocessing"]["columns"] == ["size", "weight"]


def test_csv_unknown_label_column(csv_files, tmp_path):
    proc = nnscratch("train", csv_files / "train.csv", "--label-column", "species",
                     "--output", tmp_path / "m.npz")
    line = assert_one_line_error(proc, 2, "no column 'species'", "size, kind, weight")
    assert "--label-column" in line
    assert list(tmp_path.iterdir()) == []


# --------------------------------------------------------------------------- bad model files


def _pickled_model(tmp_path, marker):
    """A model file whose W1 is a pickled object array: unpickling it creates ``marker``."""
    arrays = {"settings": np.frombuffer(b"{}", np.uint8)}
    evil = np.empty(1, dtype=object)
    evil[0] = _Touch(marker)
    arrays["W1"] = evil
    path = tmp_path / "evil.npz"
    np.savez(path, **arrays)
    return path


class _Touch:
    def __init__(self, path):
        self.path = str(path)

    def __reduce__(self):
        return (Path.touch, (Path(self.path),))


@pytest.fixture
def bad_models(tmp_path, flower_model):
    good = flower_model[0].read_bytes()
    marker = tmp_path / "code-ran"
    files = {
        "truncated": good[: len(good) // 2],
        "random": np.random.default_rng(0).bytes(2000),
        "empty": b"",
        "pickle": pickle.dumps(_Touch(marker)),
    }
    paths = {}
    for name, content in files.items():
        paths[name] = tmp_path / f"{name}.npz"
        paths[name].write_bytes(content)
    paths["pickled-arrays"] = _pickled_model(tmp_path, marker)
    return paths, marker


_BAD_MODEL_COMMANDS = {
    "predict": lambda m, d: ("predict", m, d / "x.csv"),
    "evaluate": lambda m, d: ("evaluate", m, "flower"),
    "summary": lambda m, d: ("summary", m),
    "plot": lambda m, d: ("plot", m, "--output", d / "out.png"),
}


@pytest.mark.parametrize(
    "kind, command",
    [(kind, "summary") for kind in ("truncated", "random", "empty", "pickle")]
    + [("pickled-arrays", name) for name in _BAD_MODEL_COMMANDS]
    + [("truncated", "predict"), ("pickle", "plot")],
)
def test_bad_model_files_exit_2_with_one_line(bad_models, tmp_path, kind, command):
    paths, marker = bad_models
    (tmp_path / "x.csv").write_text("x1,x2\n0,0\n")
    proc = nnscratch(*_BAD_MODEL_COMMANDS[command](paths[kind], tmp_path))
    assert_one_line_error(proc, 2, str(paths[kind]))
    assert proc.stdout == ""
    assert not marker.exists()  # no code from the file ran
    assert not (tmp_path / "out.png").exists()


# --------------------------------------------------------------------------- flower


def test_flower_model_boundary_evaluate_summary(flower_model, tmp_path):
    path, proc = flower_model
    assert "test accuracy" in proc.stdout
    proc = nnscratch("plot", path, "--kind", "boundary", "--output", tmp_path / "b.png")
    assert proc.returncode == 0, proc.stderr
    pixels = assert_png(tmp_path / "b.png")
    assert len(np.unique(pixels.reshape(-1, 3), axis=0)) > 10
    proc = nnscratch("evaluate", path, "flower", "--json")
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert result["n_samples"] == 100 and result["accuracy"] > 0.8  # the held-out part
    proc = nnscratch("summary", path, "--json")
    info = json.loads(proc.stdout)
    assert info["classes"] == ["red", "blue"]
    assert [layer["activation"] for layer in info["layers"]] == ["tanh", "sigmoid"]


def test_training_is_repeatable(flower_model, tmp_path):
    path, _ = flower_model
    proc = nnscratch("train", "flower", "--hidden", "4", "--activation", "tanh", "--init",
                     "small", "--learning-rate", "1.2", "--iterations", "3000",
                     "--output", tmp_path / "again.npz")
    assert proc.returncode == 0, proc.stderr
    from nnscratch.persistence import load

    a, b = load(path), load(tmp_path / "again.npz")
    for key in a.params_:
        np.testing.assert_array_equal(a.params_[key], b.params_[key])


# --------------------------------------------------------------------------- bad usage


def _one_class_csv(folder):
    (folder / "one.csv").write_text("a,b,label\n1,2,x\n3,4,x\n")
    return folder / "one.csv"


@pytest.mark.parametrize(
    "args, code, fragment",
    [
        (["train", "flower", "--learning-rate", "-0.1", "-o", "m.npz"], 2, "--learning-rate"),
        (["train", "flower", "--learning-rate", "0", "-o", "m.npz"], 2, "--learning-rate"),
        (["train", "flower", "--iterations", "0", "-o", "m.npz"], 2, "--iterations"),
        (["train", "missing.h5", "-o", "m.npz"], 2, "missing.h5: no such file"),
        (["train", "nowhere", "-o", "m.npz"], 2, "not a built-in data set"),
        (["train", "flower", "--init", "lecun", "-o", "m.npz"], 2, "add --hidden"),
        (["train", "flower", "--hidden", "3,x", "-o", "m.npz"], 2, "--hidden"),
        (["train", "flower", "--hidden", "0", "-o", "m.npz"], 2, "--hidden"),
        (["train", "flower", "--hidden", "4", "--hidden=5", "-o", "m.npz"], 2,
         "--hidden was given 2 times: give it once"),
        (["train", "flower", "-o", "no-such-folder/m.npz"], 2, "does not exist"),
        (["train", "flower"], 2, "--output"),
        (["train", "ONECLASS", "-o", "m.npz"], 2, "only one class"),
        (["train", "flower", "--hidden", "3", "--learning-rate", "1e300", "-o", "m.npz"], 1,
         "diverged"),
        (["frobnicate"], 2, "frobnicate"),
        (["evaluate", "missing.npz", "flower"], 2, "no such model file"),
        (["predict", "missing.npz"], 2, "INPUT"),
        (["plot", "missing.npz", "--output", "x.jpg"], 2, ".png"),
        (["plot", "missing.npz", "--output", "x.png", "--kind", "pie"], 2, "pie"),
        (["demo", "--data", "breast-cancer"], 2, "2-D built-in"),
        (["train", "flower", "--dropout", "0.2", "-o", "m.npz"], 2, "add --hidden"),
        (["train", "flower", "--hidden", "3", "--dropout", "1", "-o", "m.npz"], 2, "--dropout"),
        (["train", "flower", "--solver", "sgd-magic", "-o", "m.npz"], 2, "--solver"),
        (["demo", "--data", "nowhere"], 2, "not a folder"),
    ],
)
def test_bad_usage_and_input(tmp_path, args, code, fragment):
    args = [str(_one_class_csv(tmp_path)) if a == "ONECLASS" else a for a in args]
    proc = nnscratch(*args, cwd=tmp_path)
    assert_one_line_error(proc, code, fragment)
    assert proc.stdout == ""
    left = sorted(p.name for p in tmp_path.iterdir())
    assert left in ([], ["one.csv"])  # no model file, no temporary file


def test_no_arguments_shows_help():
    proc = nnscratch()
    assert proc.returncode == 2
    assert "Usage: nnscratch" in proc.stderr and "Traceback" not in proc.stderr


# --------------------------------------------------------------------------- demo


@pytest.fixture(scope="module")
def flower_demo(tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo")
    proc = nnscratch("demo", "--output-dir", "out", "--json", cwd=folder)
    assert proc.returncode == 0, proc.stderr
    return folder / "out", json.loads(proc.stdout)


def test_demo_trains_the_three_models_on_flower(flower_demo):
    out, result = flower_demo
    assert result["data"] == "flower" and result["n_train"] == 300 and result["n_test"] == 100
    models = {m["model"].split(" (")[0]: m for m in result["models"]}
    assert list(models) == ["logistic regression", "one hidden layer", "deep"]
    # the flower is not linearly separable: the networks beat logistic regression
    assert models["logistic regression"]["test_accuracy"] < 0.7
    assert models["one hidden layer"]["test_accuracy"] >= 0.85
    assert models["deep"]["test_accuracy"] >= 0.85
    for m in result["models"]:
        assert m["seconds"] > 0 and (out.parent / m["file"]).is_file()
    assert sorted(result["pictures"]) == ["boundary", "costs"]
    for picture in result["pictures"].values():
        assert_png(out.parent / picture)
    assert sorted(p.name for p in out.iterdir()) == [
        "boundary.png", "costs.png", "deep.npz", "logistic.npz", "one-hidden-layer.npz"]


def test_demo_models_are_usable(flower_demo, tmp_path):
    out, _ = flower_demo
    (tmp_path / "points.csv").write_text("x1,x2\n0.5,3.5\n")
    proc = nnscratch("predict", out / "deep.npz", tmp_path / "points.csv", "--json")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)[0]["label"] in ("red", "blue")


def test_demo_text_table(tmp_path):
    proc = nnscratch("demo", "--data", "moons", "--output-dir", tmp_path / "moons")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].split() == ["model", "train", "acc", "test", "acc", "time"]
    assert [line.split(" (")[0].split("  ")[0] for line in lines[1:]] == [
        "logistic regression", "one hidden layer", "deep"]
    assert (tmp_path / "moons" / "boundary.png").is_file()


def test_demo_on_picture_folders(tmp_path):
    """The picture path of the demo (mislabeled.png), on small generated pictures."""
    rng = np.random.default_rng(0)
    for split, n in (("train", 12), ("test", 6)):
        for cls, level in (("dark", 60), ("light", 190)):
            (tmp_path / "data" / split / cls).mkdir(parents=True)
            for i in range(n):
                pixels = np.clip(rng.normal(level, 40, (16, 16, 3)), 0, 255).astype(np.uint8)
                Image.fromarray(pixels).save(tmp_path / "data" / split / cls / f"{i}.png")
    out = tmp_path / "out"
    out.mkdir()
    (out / "boundary.png").write_bytes(b"an earlier run on flower")
    proc = nnscratch("demo", "--data", tmp_path / "data", "--image-size", "16",
                     "--output-dir", out, "--json")
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert result["n_train"] == 24 and result["n_test"] == 12
    assert sorted(result["pictures"]) == ["costs", "mislabeled"]
    for picture in result["pictures"].values():
        assert_png(picture)
    # the other data set's picture is left alone, and said not to be this run's
    assert (out / "boundary.png").read_bytes() == b"an earlier run on flower"
    assert f"boundary.png in {out} is from an earlier run, not this one\n" in proc.stderr


def test_demo_names_a_test_class_folder_that_train_lacks(tmp_path):
    """No model exists yet in the demo: the error speaks of its folders, not of a model."""
    for split, classes in (("train", ("dark", "light")), ("test", ("dark", "light", "other"))):
        for cls in classes:
            (tmp_path / "data" / split / cls).mkdir(parents=True)
            pixels = np.zeros((8, 8, 3), dtype=np.uint8)
            Image.fromarray(pixels).save(tmp_path / "data" / split / cls / "0.png")
    proc = nnscratch("demo", "--data", "data", "--output-dir", "out", cwd=tmp_path)
    assert_one_line_error(proc, 2, "the class folder data/test/other/ has no counterpart in "
                                   "data/train/ (which has dark, light)")
    assert "add data/train/other/ with examples of other" in proc.stderr
    assert "model" not in proc.stderr.replace("the models learn", "")
    assert proc.stdout == "" and not (tmp_path / "out").exists()


def _write_course_h5(path, split, classes, labels):
    """A small file in the course's layout (``{split}_set_x``, ``_set_y``, list_classes)."""
    with h5py.File(path, "w") as f:
        f.create_dataset(f"{split}_set_x", data=np.zeros((len(labels), 8, 8, 3), np.uint8))
        f.create_dataset(f"{split}_set_y", data=np.array(labels, dtype=np.int64))
        f.create_dataset("list_classes", data=np.array([c.encode() for c in classes]))


def test_demo_names_a_test_class_that_the_train_file_lacks(tmp_path):
    """Like the folders': the .h5 pair's error speaks of its files, not of a model."""
    (tmp_path / "data").mkdir()
    _write_course_h5(tmp_path / "data" / "train_pets.h5", "train", ["cat", "dog"], [0, 1, 0, 1])
    _write_course_h5(tmp_path / "data" / "test_pets.h5", "test", ["cat", "dog", "fox"],
                     [0, 1, 2, 2])
    proc = nnscratch("demo", "--data", "data", "--output-dir", "out", cwd=tmp_path)
    error = assert_one_line_error(proc, 2, "the class fox of data/test_pets.h5 has no "
                                           "counterpart in data/train_pets.h5 (which has cat, "
                                           "dog)")
    assert "add examples of fox to data/train_pets.h5" in error
    assert "model" not in error.replace("the models learn", "")
    assert proc.stdout == "" and not (tmp_path / "out").exists()
    # two classes missing: both named
    _write_course_h5(tmp_path / "data" / "test_pets.h5", "test", ["cat", "emu", "fox"],
                     [0, 1, 2, 2])
    proc = nnscratch("demo", "--data", "data", "--output-dir", "out", cwd=tmp_path)
    error = assert_one_line_error(proc, 2, "the classes emu, fox of data/test_pets.h5 have no "
                                           "counterpart in data/train_pets.h5 (which has cat, "
                                           "dog)")
    assert "model" not in error.replace("the models learn", "")
    assert not (tmp_path / "out").exists()
    # the same classes listed in another order are fine (the test file's codes are mapped)
    _write_course_h5(tmp_path / "data" / "test_pets.h5", "test", ["dog", "cat"], [0, 1])
    assert _check_h5_classes_ok(tmp_path)


def _check_h5_classes_ok(tmp_path):
    from nnscratch._commands import _demo_data
    _, train, test = _demo_data(str(tmp_path / "data"), image_size=8)
    return list(train.class_names) == list(test.class_names) == ["cat", "dog"]


def test_demo_reproduces_the_course_cat_results(tmp_path):
    _need_cat()
    proc = nnscratch("demo", "--data", CAT_TRAIN.parent, "--output-dir", tmp_path / "cat",
                     "--json")
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    accuracies = [(round(100 * m["train_accuracy"], 2), round(100 * m["test_accuracy"], 2))
                  for m in result["models"]]
    assert accuracies == [(99.04, 70.0), (100.0, 72.0), (98.56, 80.0)]
    assert sorted(result["pictures"]) == ["costs", "mislabeled"]
    for picture in result["pictures"].values():
        assert_png(picture)
    deep = load(tmp_path / "cat" / "deep.npz")
    assert deep.costs_[24] == pytest.approx(0.0928782, abs=1e-7)  # the course's, iteration 2400
    info = json.loads(nnscratch("summary", tmp_path / "cat" / "deep.npz", "--json").stdout)
    assert info["final_cost"] == pytest.approx(deep.loss_curve_[-1])  # iteration 2499


def test_multiclass_digits(tmp_path):
    proc = nnscratch("train", "digits", "--hidden", "32", "--learning-rate", "0.5",
                     "--iterations", "300", "--output", "digits.npz", "--json", cwd=tmp_path)
    if proc.returncode == 2 and "binary" in proc.stderr:
        pytest.skip("multi-class training is not available yet")
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert result["n_test"] == 450 and result["test_accuracy"] > 0.9
    proc = nnscratch("evaluate", "digits.npz", "digits", "--json", cwd=tmp_path)
    metrics = json.loads(proc.stdout)
    assert metrics["average"] == "macro" and np.array(metrics["confusion_matrix"]).shape == (10, 10)
    assert metrics["accuracy"] == pytest.approx(result["test_accuracy"])
    info = json.loads(nnscratch("summary", "digits.npz", "--json", cwd=tmp_path).stdout)
    assert info["layers"][-1]["activation"] == "softmax"
    assert info["layers"][-1]["W_shape"] == [10, 32]
    assert info["classes"] == [str(i) for i in range(10)]


def test_train_with_the_estimators_later_settings(tmp_path):
    proc = nnscratch("train", "breast-cancer", "--hidden", "8", "--solver", "adam",
                     "--learning-rate", "0.01", "--batch-size", "64", "--alpha", "0.001",
                     "--dropout", "0.1", "--early-stopping", "--class-weight", "balanced",
                     "--iterations", "200", "--output", "m.npz", "--json", cwd=tmp_path)
    if proc.returncode == 2 and "not supported" in proc.stderr:
        pytest.skip(f"the estimator lacks a setting: {proc.stderr.strip()}")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["test_accuracy"] > 0.9
    info = json.loads(nnscratch("summary", "m.npz", "--json", cwd=tmp_path).stdout)
    hyper = info["hyperparameters"]
    assert (hyper["solver"], hyper["batch_size"], hyper["alpha"], hyper["dropout"],
            hyper["early_stopping"], hyper["class_weight"]) == (
        "adam", 64, 0.001, 0.1, True, "balanced")


def test_predict_on_a_folder_uses_the_pictures_inside(cat_model, pictures):
    path, _, _ = cat_model
    folder, _ = pictures
    proc = nnscratch("predict", path, folder, "--json")
    assert proc.returncode == 2  # broken.png cannot be read
    results = json.loads(proc.stdout)
    names = [Path(r["input"]).name for r in results]
    assert names == sorted([*GOOD, "broken.png"])  # notes.txt is not a picture: skipped
    assert [("error" in r) for r in results] == [n == "broken.png" for n in names]


def test_final_cost_is_the_last_iterations(tmp_path):
    """Not the last recorded one: costs_ keeps only every cost_every-th iteration."""
    model = tmp_path / "m.npz"
    done = nnscratch("train", "moons", "--hidden", "4", "--iterations", "150", "--cost-every",
                     "100", "--output", str(model), "--json")
    assert done.returncode == 0, done.stderr
    est = load(model)
    assert json.loads(done.stdout)["final_cost"] == pytest.approx(est.loss_curve_[-1])
    assert est.loss_curve_[-1] != est.costs_[-1]


def test_a_demo_that_fails_before_its_first_file_leaves_no_folder(tmp_path, monkeypatch):
    # a full disk left the empty folder it had made behind
    from nnscratch import _commands
    from nnscratch._files import WriteError

    def full(label, train_set, test_set, out, written):
        raise WriteError(f"{out / 'logistic.npz'}: cannot write it, no space is left on the "
                         "device; free some space, or write elsewhere")

    monkeypatch.setattr(_commands, "_demo_run", full)
    result = nnscratch("demo", "--output-dir", tmp_path / "new" / "demo")
    assert result.returncode == 1
    assert result.stderr.splitlines()[-1].endswith("free some space, or write elsewhere")
    assert list((tmp_path / "new").iterdir()) == []  # its parent, made too, may stay
    kept = tmp_path / "kept"
    kept.mkdir()
    assert nnscratch("demo", "--output-dir", kept).returncode == 1
    assert kept.is_dir()  # a folder that was there stays
