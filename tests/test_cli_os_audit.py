"""The command line under the operating system's conditions: closed and broken standard
streams, long and odd paths, symbolic links, signals, memory limits, an unwritable home
(found by an audit of the command line under OS conditions), and the state a command or
a check leaves in the calling process (found by an audit of state and concurrency)."""

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import click
import numpy as np
import pytest
from click.testing import CliRunner

import nnscratch
from nnscratch import cli as cli_module
from nnscratch.cli import cli, run

#: The package's source folder, for the programs started here: the code under test.
SRC = Path(nnscratch.__file__).resolve().parents[1]
SOLUTIONS = Path(__file__).with_name("learner_solutions")
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def program_env(**changes):
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(SRC), env.get("PYTHONPATH", "")]).rstrip(
        os.pathsep)
    env.pop("COLUMNS", None)
    env.update(changes)
    return env


def program(*args, env=None, **kwargs):
    """``python -m nnscratch ARGS`` as a program (kwargs: subprocess.run's)."""
    if "stdout" not in kwargs and "stderr" not in kwargs:
        kwargs["capture_output"] = True
    return subprocess.run([sys.executable, "-m", "nnscratch", *map(str, args)],
                          env=env or program_env(), text=True, timeout=300, check=False,
                          **kwargs)


def shell(command, cwd, env=None):
    """``command`` in sh, where ``nnscratch`` is ``python -m nnscratch``."""
    return subprocess.run(["sh", "-c", command.replace(
        "nnscratch ", f"'{sys.executable}' -m nnscratch ")], cwd=cwd, env=env or program_env(),
        capture_output=True, text=True, timeout=300, check=False)


def errors(text):
    return [line for line in text.splitlines() if line.startswith("nnscratch: error: ")]


@pytest.fixture(scope="module")
def model(tmp_path_factory):
    path = tmp_path_factory.mktemp("model") / "m.npz"
    assert run(["train", "moons", "--hidden", "4", "--iterations", "5", "-o", str(path)]) == 0
    return path


@pytest.fixture(scope="module")
def table(tmp_path_factory):
    """(a model trained on a CSV table, that table)."""
    folder = tmp_path_factory.mktemp("table")
    rows = "".join(f"{i / 10},{i % 3},{i % 2}\n" for i in range(20))
    (folder / "t.csv").write_text("x0,x1,label\n" + rows)
    assert run(["train", str(folder / "t.csv"), "--iterations", "5", "-o",
                str(folder / "t.npz")]) == 0
    return folder / "t.npz", folder / "t.csv"


@pytest.fixture
def console(monkeypatch):
    """Run the console script (``nnscratch.cli.main``) in this process: its exit code;
    the process is not ended after an interrupt (``_exit_now`` records it instead)."""
    ended = []

    def exit_now(code):
        ended.append(code)
        raise SystemExit(code)

    monkeypatch.setattr(cli_module, "_exit_now", exit_now)

    def call(*args):
        with pytest.raises(SystemExit) as info:
            cli_module.main([str(a) for a in args])
        return info.value.code

    call.ended = ended
    return call


class _BrokenStream:
    """A text stream every write of which fails as ``error`` says (no file descriptor)."""

    encoding, errors = "utf-8", "strict"

    def __init__(self, error):
        self.error = error

    def write(self, text):
        if not isinstance(text, str):
            raise TypeError("str only")
        raise self.error

    def flush(self):
        pass

    def isatty(self):
        return False


# ------------------------------------------------------------ D1, D3: stderr that fails


@pytest.mark.parametrize("error", [BrokenPipeError(32, "Broken pipe"),
                                   OSError(28, "No space left on device")],
                         ids=["reader-quit", "disk-full"])
def test_a_stderr_that_cannot_be_written_does_not_stop_the_work(console, monkeypatch,
                                                                 capsys, tmp_path, error):
    # '2>&1 | head -1' ended the command at its first message, with exit code 0 and no
    # model written; '2>/dev/full' ended it with exit code 1 and an empty stdout
    capsys.readouterr()
    monkeypatch.setattr(sys, "stderr", _BrokenStream(error))
    out = tmp_path / "m.npz"
    code = console("train", "moons", "--hidden", "4", "--iterations", "5", "-o", out, "--json")
    assert code == 0 and out.exists()
    assert json.loads(capsys.readouterr().out)["model"] == str(out)


def test_a_failing_stderr_keeps_the_exit_code_of_a_failure(console, monkeypatch, capsys,
                                                           table, tmp_path):
    # predict with an unreadable INPUT exited 0 with an empty stdout when stderr failed
    model, rows = table
    capsys.readouterr()
    monkeypatch.setattr(sys, "stderr", _BrokenStream(BrokenPipeError(32, "Broken pipe")))
    assert console("predict", model, rows, tmp_path / "missing.csv", "--json") == 2
    predicted = json.loads(capsys.readouterr().out)
    assert len(predicted) == 21 and "error" in predicted[-1]


def test_a_closed_stderr_keeps_the_messages_off_stdout(console, monkeypatch, capsys,
                                                       tmp_path):
    # with fd 2 closed (2>&-) Python's sys.stderr is None, and print(file=None) put the
    # progress lines on stdout, before the JSON
    capsys.readouterr()
    monkeypatch.setattr(sys, "stderr", None)
    out = tmp_path / "m.npz"
    assert console("train", "moons", "--iterations", "3", "-o", out, "--json") == 0
    assert json.loads(capsys.readouterr().out)["model"] == str(out)


@pytest.mark.slow
def test_a_stderr_pipe_whose_reader_quit_does_not_stop_the_program(tmp_path):
    read, write = os.pipe()
    os.close(read)  # the reader has gone before the first message
    try:
        result = program("train", "moons", "--hidden", "4", "--iterations", "5", "-o",
                         tmp_path / "m.npz", "--json", stdout=subprocess.PIPE, stderr=write)
    finally:
        os.close(write)
    assert result.returncode == 0 and (tmp_path / "m.npz").exists()
    assert json.loads(result.stdout)["n_train"] == 300


@pytest.mark.slow
def test_a_closed_stderr_leaves_stdout_one_json_document(tmp_path):
    result = shell("nnscratch train moons --iterations 3 -o m.npz --json 2>&-", tmp_path)
    assert result.returncode == 0
    assert json.loads(result.stdout)["model"] == "m.npz"


# ------------------------------------------------------------ D2: stdin closed, check


@pytest.mark.slow
@pytest.mark.parametrize("closed", ["<&-", "2>&-"])
def test_check_with_a_standard_stream_closed_runs_the_functions(tmp_path, closed):
    # the server's pipe got fd 0 (or 2), which the child's stdin=DEVNULL replaced: every
    # function was an ERROR "ended without an answer (os._exit, a crash, or killed)"
    solution = SOLUTIONS / "logistic.py"
    result = shell(f"nnscratch check '{solution}' --json {closed}", tmp_path)
    report = json.loads(result.stdout)
    assert report["errors"] == 0 and report["passed"] > 0, report


@pytest.mark.slow
def test_check_from_python_with_stdin_closed_runs_the_functions(tmp_path):
    code = ("import os; os.close(0)\n"
            "from nnscratch.course import check\n"
            f"r = check({str(SOLUTIONS / 'logistic.py')!r})\n"
            "print(r.passed, r.errors)")
    result = subprocess.run([sys.executable, "-c", code], env=program_env(), cwd=tmp_path,
                            capture_output=True, text=True, timeout=300, check=False)
    passed, errors_ = map(int, result.stdout.split())
    assert errors_ == 0 and passed > 0, result.stderr


# ------------------------------------------------------------ D4, D5: long names


def test_an_output_name_that_fits_the_folder_is_written(tmp_path, capsys):
    # a name of 242 to 255 bytes failed after the training: its temporary name, 14
    # bytes longer, did not fit ("unexpected failure (OSError: File name too long)")
    out = tmp_path / ("b" * 251 + ".npz")
    assert run(["train", "moons", "--iterations", "2", "-o", str(out)]) == 0
    assert out.exists() and [p.name for p in tmp_path.iterdir()] == [out.name]


@pytest.mark.parametrize("args", [
    ["summary", "{long}.npz"],
    ["evaluate", "{model}", "{long}.csv"],
    ["train", "moons", "-o", "{long}.npz"],
    ["train", "{long}.csv", "-o", "{tmp}/m.npz"],
    ["plot", "{model}", "-o", "{long}.png"],
    ["demo", "--data", "moons", "--output-dir", "{long}"],
    ["check", "{long}.py"],
], ids=["summary", "evaluate", "train-output", "train-data", "plot", "demo", "check"])
def test_a_name_longer_than_the_file_system_allows_is_bad_input(args, model, tmp_path,
                                                                capsys):
    # "unexpected failure (OSError: [Errno 36] File name too long: ...); please report
    # it" and exit code 1
    long = "a" * 300
    args = [a.format(long=long, model=model, tmp=tmp_path) for a in args]
    assert run(args) == 2
    err = capsys.readouterr().err
    assert len(errors(err)) == 1 and "more than the file system allows (255 bytes)" in err
    assert "please report" not in err and "training" not in err
    assert not (tmp_path / "m.npz").exists()


# ------------------------------------------------------------ D6: SIGTERM and SIGHUP


@pytest.fixture(scope="module")
def big_store(tmp_path_factory):
    import h5py

    folder = tmp_path_factory.mktemp("store")
    rng = np.random.RandomState(0)
    X = rng.randn(300_000, 2)
    with h5py.File(folder / "xy.h5", "w") as f:
        f["X"], f["y"] = X, (X[:, 0] > 0).astype(int)
    assert run(["train", str(folder / "xy.h5"), "--iterations", "1", "-o",
                str(folder / "xy.npz")]) == 0
    return folder


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
def test_a_termination_while_predicting_closes_the_json_list(big_store, sig):
    # the process died at once: a JSON list cut in the middle of a row, exit -15, no word
    proc = subprocess.Popen(
        [sys.executable, "-m", "nnscratch", "predict", str(big_store / "xy.npz"),
         str(big_store / "xy.h5"), "--json"], env=program_env(), stdout=subprocess.PIPE,
        stderr=subprocess.PIPE)
    try:
        first = proc.stdout.read(4096)  # it is writing: the pipe fills up
        proc.send_signal(sig)
        out, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    rows = json.loads((first + out).decode())
    assert rows[-1]["error"] == "interrupted" and len(rows) > 1
    assert proc.returncode == 128 + sig
    assert errors(err.decode()) == [f"nnscratch: error: terminated by {sig.name}"]


def _wait_for(stream, text, seconds=120):
    """The lines of ``stream`` up to one holding ``text``."""
    seen = []
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        line = stream.readline()
        if not line:
            break
        seen.append(line)
        if text in line:
            return seen
    raise AssertionError(f"no line with {text!r}: {seen}")


@pytest.mark.slow
def test_a_termination_while_training_is_one_line_and_writes_nothing(tmp_path):
    previous = tmp_path / "m.npz"
    previous.write_bytes(b"the previous file")
    proc = subprocess.Popen(
        [sys.executable, "-m", "nnscratch", "train", "moons", "--hidden", "4",
         "--iterations", "100000000", "-o", str(previous), "--json"], env=program_env(),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        _wait_for(proc.stderr, "training network")
        time.sleep(0.5)
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 143
    line = errors(err)
    assert len(line) == 1 and line[0].startswith("nnscratch: error: terminated by SIGTERM "
                                                 "after ") and "nothing was written" in line[0]
    assert json.loads(out) == {"error": line[0].removeprefix("nnscratch: error: "),
                               "exit_code": 143}
    assert previous.read_bytes() == b"the previous file"
    assert [p.name for p in tmp_path.iterdir()] == ["m.npz"]


@pytest.mark.slow
def test_a_terminated_search_leaves_no_worker_behind(tmp_path):
    # the loky workers went on fitting after the command died, holding its pipes
    proc = subprocess.Popen(
        [sys.executable, "-m", "nnscratch", "search", "moons", "--param", "hidden=2;3;4;5",
         "--iterations", "1000000", "--cv", "2", "--n-jobs", "2"], env=program_env(),
        cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        start_new_session=True)
    try:
        _wait_for(proc.stderr, "searching")
        time.sleep(3)  # the workers are fitting
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=120)
        end = time.monotonic() + 30
        while time.monotonic() < end:
            try:
                os.killpg(proc.pid, 0)  # its session's process group: the workers
            except ProcessLookupError:
                break
            time.sleep(0.2)
        else:
            raise AssertionError("processes of the search are still running")
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait()
    assert proc.returncode == 143
    assert errors(err)[-1].startswith("nnscratch: error: terminated by SIGTERM after ")


# ------------------------------------------------------------ D7: --json and errors


@pytest.mark.parametrize("args, code", [
    (["summary", "{tmp}/none.npz", "--json"], 2),
    (["summary", "--no-such-option", "--json"], 2),
    (["train", "moons", "--learning-rate", "-1", "-o", "{tmp}/m.npz", "--json"], 2),
    (["evaluate", "{tmp}/none.npz", "moons", "--json"], 2),
    (["check", "{tmp}/none.py", "--json"], 2),
], ids=["summary", "usage", "option", "evaluate", "check"])
def test_a_failure_with_json_prints_one_json_object(args, code, tmp_path, capsys):
    # stdout was empty: not the one JSON document docs/cli.md promises
    assert run([a.format(tmp=tmp_path) for a in args]) == code
    captured = capsys.readouterr()
    line = errors(captured.err)
    assert len(line) == 1
    assert json.loads(captured.out) == {"error": line[0].removeprefix("nnscratch: error: "),
                                        "exit_code": code}


def test_an_interrupt_with_json_prints_one_json_object(console, capsys):
    @click.command("stop-it")
    @click.option("--json", "as_json", is_flag=True)
    def stop_it(as_json):
        raise KeyboardInterrupt

    cli.add_command(stop_it)
    try:
        assert console("stop-it", "--json") == 1
    finally:
        cli.commands.pop("stop-it")
    assert console.ended == [1]
    assert json.loads(capsys.readouterr().out) == {"error": "interrupted", "exit_code": 1}


# ------------------------------------------------------------ D8, D9, D13: files


def test_check_of_a_file_that_cannot_be_read_is_bad_input(monkeypatch, capsys, tmp_path):
    # "unexpected failure (PermissionError: [Errno 13] Permission denied ...)", exit 1
    import tokenize

    solution = tmp_path / "sol.py"
    solution.write_text("def sigmoid(z):\n    return z\n")

    def denied(path):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(tokenize, "open", denied)
    assert run(["check", str(solution)]) == 2
    line = errors(capsys.readouterr().err)
    assert line == ["nnscratch: error: " + str(solution) + ": cannot be read (Permission "
                    "denied); check that the file is yours to read"]


@pytest.mark.skipif(IS_ROOT, reason="runs as root, where chmod 000 does not stop reading")
def test_check_of_a_file_without_read_permission_is_bad_input(capsys, tmp_path):
    solution = tmp_path / "sol.py"
    solution.write_text("def sigmoid(z):\n    return z\n")
    solution.chmod(0)
    try:
        assert run(["check", str(solution)]) == 2
    finally:
        solution.chmod(0o644)
    assert "cannot be read (Permission denied)" in capsys.readouterr().err


def test_demo_into_a_dangling_link_is_refused_before_any_work(tmp_path, capsys):
    # "unexpected failure (FileExistsError: [Errno 17] File exists: 'd9')" after the
    # data was loaded
    link = tmp_path / "d9"
    link.symlink_to(tmp_path / "nowhere" / "dir")
    assert run(["demo", "--data", "moons", "--output-dir", str(link)]) == 2
    err = capsys.readouterr().err
    assert errors(err) == [f"nnscratch: error: --output-dir: {link}: is a symbolic link to "
                           f"'{tmp_path / 'nowhere' / 'dir'}', which does not exist; point "
                           "it at a folder, or create its target"]
    assert "demo on" not in err


@pytest.mark.parametrize("args, name", [
    (["summary", "{loop}"], "a.npz"),
    (["train", "{loop}", "-o", "{tmp}/m.npz"], "c.csv"),
    (["check", "{loop}"], "e.py"),
    (["evaluate", "{model}", "{loop}"], "c.csv"),
], ids=["summary", "train", "check", "evaluate"])
def test_a_loop_of_links_is_named_as_such(args, name, model, tmp_path, capsys):
    # "no such file": ls shows the file, and the user looks for it
    for first, second in (("a.npz", "b.npz"), ("c.csv", "d.csv"), ("e.py", "f.py")):
        (tmp_path / first).symlink_to(second)
        (tmp_path / second).symlink_to(first)
    loop = tmp_path / name
    assert run([a.format(loop=loop, tmp=tmp_path, model=model) for a in args]) == 2
    line = errors(capsys.readouterr().err)
    assert len(line) == 1 and f"{loop}: is a symbolic link that leads nowhere (a loop of " \
                              "links" in line[0], line


def test_a_link_to_a_missing_model_names_its_target(tmp_path, capsys):
    link = tmp_path / "m.npz"
    link.symlink_to(tmp_path / "gone.npz")
    assert run(["summary", str(link)]) == 2
    assert f"is a symbolic link to '{tmp_path / 'gone.npz'}', which does not exist" in \
        capsys.readouterr().err


# ------------------------------------------------------------ D10: out of memory


def test_out_of_memory_ends_the_process_at_once(console, capsys):
    # sys.exit after a MemoryError ran the interpreter's exit with no memory left: a
    # segmentation fault, or pages of "Exception ignored"
    @click.command("eat-it")
    def eat_it():
        raise MemoryError

    cli.add_command(eat_it)
    try:
        assert console("eat-it") == 1
    finally:
        cli.commands.pop("eat-it")
    assert console.ended == [1]
    assert errors(capsys.readouterr().err) == [
        "nnscratch: error: out of memory; use smaller data, a smaller --image-size or fewer "
        "units"]


def test_a_library_that_cannot_be_mapped_is_out_of_memory(capsys):
    # "unexpected failure (ImportError: libgomp-....so: failed to map segment from
    # shared object); please report it"
    @click.command("load-it")
    def load_it():
        raise ImportError("libgomp-e985bcbb.so.1.0.0: failed to map segment from shared "
                          "object")

    cli.add_command(load_it)
    try:
        assert run(["load-it"]) == 1
    finally:
        cli.commands.pop("load-it")
    assert errors(capsys.readouterr().err) == [
        "nnscratch: error: out of memory; use smaller data, a smaller --image-size or fewer "
        "units"]


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="RLIMIT_AS as on Linux")
def test_a_memory_limit_too_small_for_the_libraries_is_one_line(model, tmp_path):
    import resource

    def limit():
        resource.setrlimit(resource.RLIMIT_AS, (300 * 2**20, 300 * 2**20))

    result = program("evaluate", model, "moons", "--json", preexec_fn=limit)
    assert result.returncode == 1
    assert result.stderr == ("nnscratch: error: out of memory; use smaller data, a smaller "
                             "--image-size or fewer units\n")


# ------------------------------------------------------------ D11: stdout closed early


def test_a_closed_stdout_keeps_the_commands_exit_code(monkeypatch, table, tmp_path, capsys):
    # a reader that quit early turned predict's 2 (an unreadable INPUT) into 0
    model, rows = table
    monkeypatch.setattr(sys, "stdout", _BrokenStream(BrokenPipeError(32, "Broken pipe")))
    assert run(["predict", str(model), str(rows), str(tmp_path / "missing.csv")]) == 2


@pytest.mark.slow
def test_check_into_a_closed_pipe_keeps_its_verdict(tmp_path):
    # 'nnscratch check sol.py | grep -q ...' under pipefail saw a failing file pass
    solution = tmp_path / "sol.py"
    solution.write_text("import numpy as np\n\ndef sigmoid(z):\n    return z\n")
    read, write = os.pipe()
    os.close(read)
    try:
        result = program("check", solution, stdout=write, stderr=subprocess.PIPE)
    finally:
        os.close(write)
    assert result.returncode == 1, result.stderr


@pytest.mark.parametrize("args", [["--help"], ["--version"], ["train", "--help"]],
                         ids=["help", "version", "command-help"])
def test_help_into_a_closed_pipe_or_a_full_disk(args, tmp_path):
    read, write = os.pipe()
    os.close(read)
    try:
        closed = program(*args, stdout=write, stderr=subprocess.PIPE)
    finally:
        os.close(write)
    assert closed.returncode == 0 and closed.stderr == ""
    if not Path("/dev/full").exists():
        return
    with open("/dev/full", "w") as full:
        result = program(*args, stdout=full, stderr=subprocess.PIPE)
    assert result.returncode == 1
    assert result.stderr == ("nnscratch: error: cannot write the output to stdout (No space "
                             "left on device); free some space or send it elsewhere\n")


# ------------------------------------------------------------ D12: control characters


def test_a_line_break_in_a_path_is_shown_escaped(tmp_path, capsys):
    # "a b.npz: no such model file": a file never given; the progress lines printed it raw
    name = tmp_path / "a\nb.npz"
    assert run(["summary", str(name)]) == 2
    assert errors(capsys.readouterr().err) == [
        f"nnscratch: error: {tmp_path}/a\\nb.npz: no such model file"]
    folder = tmp_path / "esc\x1b[2Jdir"
    folder.mkdir()
    assert run(["train", "moons", "--iterations", "2", "-o", str(folder / "m.npz")]) == 0
    err = capsys.readouterr().err
    assert "\x1b" not in err and f"saved the model to {tmp_path}/esc\\x1b[2Jdir/m.npz" in err


# ------------------------------------------------------------ D14: an unwritable home


@pytest.mark.slow
def test_an_unwritable_home_gives_no_matplotlib_lines(tmp_path):
    # "mkdir -p failed for path ..." and "Matplotlib created a temporary cache
    # directory ..." on stderr, unlike every other message
    (tmp_path / "file").write_text("a file where the home's folders would be")
    env = program_env(HOME=str(tmp_path / "file" / "home"))
    for name in ("MPLCONFIGDIR", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
        env.pop(name, None)
    result = subprocess.run([sys.executable, "-c", "import nnscratch.plotting"], env=env,
                            capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0 and result.stderr == ""


# ------------------------------------------------------------ the calling process's state


def test_click_runner_leaves_ctrl_c_working():
    # the group's main set SIGINT to SIG_IGN: a pytest session or a notebook that ran
    # the command in-process could no longer be interrupted
    before = signal.getsignal(signal.SIGINT)
    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0
    assert signal.getsignal(signal.SIGINT) is before


def test_the_console_script_run_in_process_leaves_the_handlers(console, model):
    before = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    stderr = sys.stderr
    assert console("summary", model) == 0
    assert {s: signal.getsignal(s) for s in before} == before and sys.stderr is stderr


@pytest.mark.slow
def test_run_from_several_threads_at_first_use(tmp_path, model):
    # importlib's LazyLoader handed a half-executed module to the other threads:
    # AttributeError: module 'nnscratch._commands' has no attribute 'one_line'
    code = ("import threading\n"
            "from nnscratch.cli import run\n"
            "codes = []\n"
            f"go = lambda: codes.append(run(['summary', {str(model)!r}, '--json']))\n"
            "threads = [threading.Thread(target=go) for _ in range(4)]\n"
            "[t.start() for t in threads]; [t.join() for t in threads]\n"
            "import sys; print(codes, file=sys.stderr)")
    result = subprocess.run([sys.executable, "-c", code], env=program_env(), cwd=tmp_path,
                            capture_output=True, text=True, timeout=300, check=False)
    assert result.stderr.strip().splitlines()[-1] == "[0, 0, 0, 0]", result.stderr


@pytest.mark.slow
def test_check_leaves_sys_stdout_to_the_other_threads():
    # check() swapped the process's sys.stdout for a StringIO while it ran: other
    # threads' prints were lost, and two checks in threads left it swapped for good
    from nnscratch.course import check

    stdout = sys.stdout
    seen = set()
    worker = threading.Thread(target=check, args=(str(SOLUTIONS / "deep.py"),))
    worker.start()
    while worker.is_alive():
        seen.add(id(sys.stdout))
        time.sleep(0.001)
    worker.join()
    assert seen == {id(stdout)} and sys.stdout is stdout


def test_the_reference_predict_still_prints_its_accuracy(capsys):
    from nnscratch.course import deep

    parameters = {"W1": np.ones((1, 2)), "b1": np.zeros((1, 1))}
    deep.predict(np.ones((2, 3)), np.ones((1, 3)), parameters)
    assert capsys.readouterr().out == "Accuracy: 1.0\n"


@pytest.mark.slow
def test_check_never_touches_numpys_global_random_state(monkeypatch):
    # it seeded and then rewound the global generator around the reference's calls: a
    # thread drawing from it meanwhile got the course's draws, and its own twice
    from nnscratch.course import check

    touched = []
    for name in ("seed", "set_state"):
        real = getattr(np.random, name)
        monkeypatch.setattr(np.random, name,
                            lambda *a, _real=real, _name=name, **k: (touched.append(_name),
                                                                     _real(*a, **k))[1])
    report = check(str(SOLUTIONS / "deep.py"))
    assert report.failed == 0 and report.errors == 0
    assert touched == []
