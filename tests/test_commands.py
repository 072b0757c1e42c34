"""The commands' work without click, the group's error handling, and registering a command."""

import json

import click
import numpy as np
import pytest

from nnscratch import _commands, load
from nnscratch._commands import InputError, RunError
from nnscratch.cli import cli, emit, json_option, param_option, run
from nnscratch.datasets import DatasetError
from nnscratch.exceptions import NonFiniteWeightsError
from nnscratch.persistence import ModelFileError


def test_train_evaluate_summarize_without_click(tmp_path, capsys):
    path = tmp_path / "m.npz"
    result = _commands.train("moons", path, hidden=(4,),
                             params={"max_iter": 200, "learning_rate": 0.5, "activation": None})
    assert result["model"] == str(path) and result["n_train"] == 300
    assert result["final_cost"] == pytest.approx(load(path).loss_curve_[-1])
    scores = _commands.evaluate(str(path), "moons")
    assert scores["accuracy"] == pytest.approx(result["test_accuracy"])
    info = _commands.summarize(str(path))
    assert info["layers"][0]["W_shape"] == [4, 2]
    assert "accuracy:" in _commands.format_evaluation(scores)
    out, err = capsys.readouterr()
    assert out == "" and "saved the model" in err


def test_build_estimator_names_the_option(tmp_path):
    with pytest.raises(InputError, match="--init applies to a network; add --hidden"):
        _commands.build_estimator(None, {"init": "lecun"}, {"init": "--init"})
    with pytest.raises(InputError, match="does not exist"):
        _commands.train("moons", tmp_path / "nowhere" / "m.npz")


def test_interruption_is_read_from_the_estimator(monkeypatch):
    from nnscratch import NeuralNetworkClassifier

    def fit(self, X, y):
        self.n_iter_, self.interrupted_ = 3, True
        return self

    monkeypatch.setattr(NeuralNetworkClassifier, "fit", fit)
    with pytest.raises(RunError, match="interrupted after 3 iterations"):
        _commands.fit(NeuralNetworkClassifier(), np.zeros((2, 1)), np.array([0, 1]))


@pytest.mark.parametrize("error, code", [
    (DatasetError("data.csv: no column 'x'"), 2),
    (ModelFileError("m.npz: not a model file"), 2),
    (InputError("bad input"), 2),
    (RunError("it failed"), 1),
    (NonFiniteWeightsError("weights are NaN"), 1),
    (KeyboardInterrupt(), 1),
    (RuntimeError("boom"), 1),
])
def test_a_registered_command_gets_the_groups_error_handling(capsys, error, code):
    @click.command("raise-it")
    @param_option("--learning-rate", "learning_rate")
    @json_option()
    def raise_it(learning_rate, as_json):
        emit({"learning_rate": learning_rate}, as_json, str)
        raise error

    cli.add_command(raise_it)
    try:
        assert run(["raise-it", "--learning-rate", "0.5", "--json"]) == code
        out, err = capsys.readouterr()
        assert json.loads(out) == {"learning_rate": 0.5}
        # one line and nothing else: click wrote an empty line before a Ctrl-C's
        assert err.startswith("nnscratch: error: ") and err.count("\n") == 1, repr(err)
        assert run(["raise-it", "--learning-rate", "nan"]) == 2
        assert "'nan' is not a positive finite number" in capsys.readouterr().err
    finally:
        cli.commands.pop("raise-it")


@pytest.mark.parametrize("error, exits_now", [
    (KeyboardInterrupt(), True), (RunError("it failed"), False)])
def test_a_ctrl_c_in_a_command_ends_the_process_at_once(monkeypatch, capsys, error, exits_now):
    # click wraps the interrupt in Abort; the process then went on to the interpreter's
    # exit, which killed it with SIGINT (exit code -2) after an interrupted import
    from nnscratch import cli as cli_module

    @click.command("raise-it")
    def raise_it():
        raise error

    def exit_now(code):
        ended.append(code)
        raise SystemExit(code)

    ended = []
    monkeypatch.setattr(cli_module, "_exit_now", exit_now)
    cli.add_command(raise_it)
    try:
        with pytest.raises(SystemExit) as info:
            cli_module.main(["raise-it"])  # the console script
    finally:
        cli.commands.pop("raise-it")
    assert ended == ([1] if exits_now else [])
    assert info.value.code == 1
    assert capsys.readouterr().err.strip().splitlines()[-1].startswith("nnscratch: error: ")


def test_a_ctrl_c_after_a_command_finished_does_not_end_it_with_sigint(monkeypatch):
    # a Ctrl-C while the interpreter shut down, the output complete, ended the process
    # with SIGINT's status (-2) and no word; the console script ignores it at its end
    # (the group's own main, as click's CliRunner calls it, leaves Ctrl-C alone)
    import signal
    import sys

    from nnscratch import _entry

    @click.command("do-it")
    def do_it():
        assert signal.getsignal(signal.SIGINT) is signal.default_int_handler

    cli.add_command(do_it)
    monkeypatch.setattr(sys, "argv", ["nnscratch", "do-it"])
    try:
        with pytest.raises(SystemExit) as info:
            cli.main(["do-it"], prog_name="nnscratch")
        assert info.value.code == 0
        assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
        with pytest.raises(SystemExit) as info:
            _entry.main()
        assert info.value.code == 0
        assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
    finally:
        cli.commands.pop("do-it")
        signal.signal(signal.SIGINT, signal.default_int_handler)


@pytest.mark.parametrize("argv", [["--version"], ["train", "flower", "--iterations", "2",
                                                  "--output", "m.npz", "--json"]],
                         ids=["version", "train"])
def test_a_closed_stdout_is_refused_in_one_line_before_any_work(tmp_path, argv):
    """Started with stdout closed (``>&-``), Python's sys.stdout is None: the command
    printed a traceback ('NoneType' object has no attribute 'flush') after writing its
    model."""
    import os
    import subprocess
    import sys

    run_ = subprocess.run([sys.executable, "-m", "nnscratch", *argv], cwd=tmp_path,
                          stdin=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                          preexec_fn=lambda: os.close(1), timeout=120, check=False)
    assert run_.returncode == 2
    assert run_.stderr == ("nnscratch: error: standard output is closed, so nothing could be "
                           "printed: run the command with its output going to the terminal, "
                           "a file or a pipe (>/dev/null to discard it)\n")
    assert list(tmp_path.iterdir()) == []  # no model written


def test_summary_shows_each_class_on_the_classes_line_cut_to_a_readable_length(tmp_path):
    # a 100,000-character name was printed in full, and a thousand classes filled the
    # screen (a name with a newline, which load() refuses, is shown escaped all the same)
    path = tmp_path / "m.npz"
    _commands.train("moons", path, hidden=(2,), params={"max_iter": 2, "activation": None})
    info = _commands.summarize(str(path))
    info["classes"] = ["spam\nham", "x" * 100_000, "ok"]
    text = _commands.format_summary(info)
    line = next(l for l in text.splitlines() if l.startswith("classes:"))
    assert line == "classes:       spam\\nham, " + "x" * 37 + "..., ok", line
    info["classes"] = [f"c{k}" for k in range(1000)]
    line = next(l for l in _commands.format_summary(info).splitlines()
                if l.startswith("classes:"))
    assert line.endswith(", c19 and 980 more (--json lists them all)"), line


def test_a_missing_store_given_to_a_text_model_is_called_missing(tmp_path):
    # "an .h5 file or a Zarr store holds pictures or a table, but this model was
    # trained on text data", of a file that is not there
    from nnscratch._commands import _check_store_model
    from nnscratch.preprocessing import Preprocessor

    text = Preprocessor.fit_text(["free money now", "see you at lunch"])
    with pytest.raises(InputError, match=r"^missing\.h5: no such file$"):
        _check_store_model("missing.h5", text)
    (tmp_path / "there.h5").write_bytes(b"")
    with pytest.raises(InputError, match="but this model was trained on text data"):
        _check_store_model(str(tmp_path / "there.h5"), text)
