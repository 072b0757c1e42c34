"""The checker's child process: imports a learner's file and runs its functions.

Run as a script by :mod:`nnscratch._checker`, never imported by the library, in one of
two ways::

    python _check_child.py --serve FILEDIR COMMAND_FD REPLY_FD
    python _check_child.py WORKDIR

The first (:func:`serve`, where ``os.fork`` is safe: Linux) imports the learner's file
once, then runs each function the checker asks for in a process forked from it, which
it kills at the function's time limit: every function runs in a process of its own,
from the file as its top-level code left it, as in a fresh import, without paying
for the file's imports (matplotlib, scikit-learn) again. The second imports the file
and runs one function (:func:`main`).

``WORKDIR/spec.json`` names the learner's file, the function, its cases (arguments
encoded as JSON that points into ``WORKDIR/cases.npz``) and the course functions to
replace by the reference before running (``patch``: name -> "single" where the
learner's returns the first of the reference's values alone, else "as is"). The
answer is data only: ``WORKDIR/result.json`` and ``WORKDIR/result.npz`` (read back with
``allow_pickle=False``), rewritten after every case so that a time-out keeps the
cases done so far. The learner's prints go to this process's stderr, which the
checker discards.
"""

import os
import sys

# Run as a script, this process has the library's package folder first on sys.path:
# the learner's ``import datasets`` or ``import plotting`` would find the library's own
# modules there. Their file sees the path ``python their_file.py`` gives it (their
# folder first: see _load), without that folder.
if sys.path and os.path.realpath(sys.path[0] or ".") == \
        os.path.dirname(os.path.realpath(__file__)):
    del sys.path[0]

import contextlib
import ctypes
import importlib
import importlib.machinery
import importlib.util
import inspect
import json
import select
import signal
import threading
import time
import traceback

import numpy as np

_MAX_REPR = 200

# What this process uses, taken before the learner's code runs (which may rebind them).
_fork, _waitpid, _kill, _exit = os.fork, os.waitpid, os.kill, os._exit
_monotonic, _sleep = time.monotonic, time.sleep
# Linux 5.3+: a descriptor that becomes readable when the process ends, to wait on
# without polling (elsewhere the server polls, at most 20 ms late).
_pidfd_open, _poll, _close = getattr(os, "pidfd_open", None), select.poll, os.close

#: ``prctl``'s option that has the kernel signal a process when its parent ends (Linux).
_PR_SET_PDEATHSIG = 1


def _find_prctl():
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None


_prctl, _getpid, _getppid = _find_prctl(), os.getpid, os.getppid


def _end_with(parent: int) -> None:
    """On Linux, have the kernel kill this process when ``parent`` ends, however it ends
    (a SIGKILL or a crash of the checker included): a file that loops at import, or a
    function that never returns, is not left running with nobody to wait for it. Where
    ``parent`` has already ended, end now. Elsewhere (no ``prctl``) nothing is done:
    the checker's own clean-up ends its children on an error, Ctrl-C or SIGTERM."""
    if _prctl is None or _prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0) != 0:
        return
    if _getppid() != parent:  # it ended before the request took effect
        _exit(1)


#: Where the learner's os._exit says where it was called: the process, the file, the
#: answer so far and its folder, and whether the file's import or a function runs.
_NOW: dict = {}


def _decode(node, arrays):
    kind = node["t"]
    if kind == "arr":
        return arrays[node["k"]].copy()
    if kind in ("num", "str", "bool", "none"):
        return node.get("v")
    if kind == "int":
        return int(node["v"])
    if kind == "tuple":
        return tuple(_decode(v, arrays) for v in node["v"])
    if kind == "list":
        return [_decode(v, arrays) for v in node["v"]]
    if kind == "dict":
        return {k: _decode(v, arrays) for k, v in node["v"]}
    raise ValueError(f"unknown node {kind!r}")


def _encode(value, out, depth=0):
    """JSON for ``value``; its arrays go into ``out`` (numbers and strings only)."""
    if depth > 20:
        return {"t": "other", "type": type(value).__name__, "repr": "(nested too deeply)"}
    if isinstance(value, (bool, np.bool_)):
        return {"t": "bool", "v": bool(value)}
    if isinstance(value, (int, np.integer)):
        try:
            float(value)
        except OverflowError:  # 10**400: no float holds it (nor would JSON read it back)
            digits = int(int(value).bit_length() * 0.30103) + 1
            return {"t": "other", "type": "int",
                    "repr": f"an integer of about {digits} digits, too large for a float"}
        return {"t": "int", "v": int(value)}
    if isinstance(value, (float, np.floating)):
        v = float(value)
        return {"t": "num", "v": v if np.isfinite(v) else repr(v)}
    if value is None:
        return {"t": "none"}
    if isinstance(value, str):
        return {"t": "str", "v": value[:_MAX_REPR]}
    if isinstance(value, np.ndarray):
        if value.dtype.kind in "biuf":
            key = f"a{len(out)}"
            out[key] = np.array(value)  # a copy; 0-d stays 0-d
            return {"t": "arr", "k": key}
        return {"t": "other", "type": f"ndarray of dtype {value.dtype}",
                "shape": list(value.shape), "repr": repr(value)[:_MAX_REPR]}
    if isinstance(value, tuple):
        return {"t": "tuple", "v": [_encode(v, out, depth + 1) for v in value]}
    if isinstance(value, list):
        return {"t": "list", "v": [_encode(v, out, depth + 1) for v in value]}
    if isinstance(value, dict):
        return {"t": "dict", "v": [[str(k), _encode(v, out, depth + 1)] for k, v in value.items()]}
    try:
        text = repr(value)[:_MAX_REPR]
    except Exception:  # noqa: BLE001 - a learner's object whose repr fails
        text = "?"
    return {"t": "other", "type": type(value).__name__, "repr": text}


#: As in Python's traceback: a line repeated in a row (a recursion) is listed this many
#: times, then counted in one entry.
_REPEATS_LISTED = 3


def _places(frames, path):
    """The frames that lie in the learner's file, as [line, function, code]. A line
    repeated in a row (a recursion: ~1000 times for a RecursionError) is listed 3 times,
    then once as ``[None, function, "[Previous line repeated N more times]"]``, as
    Python's own traceback says it."""
    out, last, repeats = [], None, 0

    def counted():
        if repeats > 0:
            out.append([None, last[1], f"[Previous line repeated {repeats} more "
                                       f"time{'s' if repeats > 1 else ''}]"])

    for f in frames:
        if os.path.realpath(f.filename) != path:
            continue
        entry = [f.lineno, f.name, (f.line or "").strip()]
        if entry == last and len(out) >= _REPEATS_LISTED and \
                all(e == entry for e in out[-_REPEATS_LISTED:]):
            repeats += 1
            continue
        counted()
        repeats = 0
        last = entry
        out.append(entry)
    counted()
    return out


def _their_lines(exc, path):
    """The traceback's frames that lie in the learner's file (see :func:`_places`)."""
    return _places(traceback.extract_tb(exc.__traceback__), path)


def _describe(exc, path):
    if isinstance(exc, SystemExit):
        text = f"your code called sys.exit({exc.code!r})" if exc.code is not None \
            else "your code called sys.exit()"
        return {"type": "SystemExit", "message": text, "lines": _their_lines(exc, path)}
    if isinstance(exc, KeyboardInterrupt):
        return {"type": "KeyboardInterrupt", "message": "interrupted",
                "lines": _their_lines(exc, path)}
    message = " ".join(str(exc).split())[:500]
    return {"type": type(exc).__name__, "message": message, "lines": _their_lines(exc, path)}


class DidNotFinish(BaseException):
    """Raised in place of a function of theirs that did not finish when it was checked
    on its own: a function calling it would only wait out its own time limit."""


def _stopped(name):
    def stop(*args, **kwargs):
        raise DidNotFinish(f"{name} did not finish within its time limit when checked on "
                           "its own, so it is not run again here")
    return stop


def _first_of(fn):
    """``fn`` returning its first value alone (the reference's ``relu`` returns (A, Z);
    a learner's own, which its other functions call, returned A)."""
    def first(*args, **kwargs):
        return fn(*args, **kwargs)[0]
    return first


def _their_exit(status=0):
    """``os._exit`` for the learner's code: the answer says where it was called (the
    lines of their file on the stack), then the process ends as asked."""
    try:
        if _NOW.get("pid") == os.getpid():  # not a process their code forked
            lines = _places(traceback.extract_stack(sys._getframe(1)), _NOW["path"])
            error = {"type": "os._exit", "message": f"your code called os._exit({status!r})",
                     "lines": lines}
            if _NOW["phase"] == "import":
                _NOW["result"]["import_error"] = error
            else:
                _NOW["result"]["cases"].append({"error": error})
            _write(_NOW["workdir"], _NOW["result"], _NOW["arrays"])
    except BaseException:  # noqa: BLE001, S110 - it exits whatever happens
        pass
    _exit(status)


def _write(workdir, result, arrays):
    tmp = os.path.join(workdir, "result.tmp.npz")
    np.savez(tmp, **arrays)
    os.replace(tmp, os.path.join(workdir, "result.npz"))
    tmp = os.path.join(workdir, "result.tmp.json")
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(result, f)
    os.replace(tmp, os.path.join(workdir, "result.json"))


def _load(path, workdir, result):
    """Import the learner's file (its top-level code runs); None when that raised, the
    error written to ``workdir``."""
    os._exit = _their_exit
    _NOW.update(pid=os.getpid(), path=path, workdir=workdir, result=result, arrays={},
                phase="import")
    try:
        # as Python source whatever its name ends in (sol.txt): the file-name guess of
        # spec_from_file_location knows .py alone
        loader = importlib.machinery.SourceFileLoader("learner_solution", path)
        module_spec = importlib.util.spec_from_file_location("learner_solution", path,
                                                             loader=loader)
        module = importlib.util.module_from_spec(module_spec)
        sys.modules["learner_solution"] = module
        sys.path.insert(0, os.path.dirname(path))
        module_spec.loader.exec_module(module)
        # the file's top-level code has finished: a time-out from here on is a function's
        open(os.path.join(workdir, "imported"), "w").close()  # noqa: SIM115
    except BaseException as exc:  # noqa: BLE001 - everything the learner's file can do
        result["import_error"] = _describe(exc, path)
        _write(workdir, result, {})
        return None
    return module


def _run(module, spec, path, workdir, result):
    """Run one function of the imported file on its cases, writing after each."""
    out_arrays = {}
    _NOW.update(pid=os.getpid(), workdir=workdir, result=result, arrays=out_arrays,
                phase="function")
    if spec.get("patch"):
        reference = importlib.import_module("nnscratch.course." + spec["assignment"])
        for name, form in spec["patch"].items():
            if form == "stop":  # it did not finish on its own: not waited for again
                setattr(module, name, _stopped(name))
                continue
            setattr(module, name, _first_of(getattr(reference, name)) if form == "single"
                    else getattr(reference, name))
    fn = getattr(module, spec["function"])
    with np.load(os.path.join(workdir, "cases.npz"), allow_pickle=False) as data:
        arrays = {k: data[k] for k in data.files}
    for case in spec["cases"]:
        args = _decode(case["args"], arrays)
        kwargs = _decode(case["kwargs"], arrays)
        if case.get("seed") is not None:
            np.random.seed(case["seed"])
        try:
            signature = inspect.signature(fn)
            try:
                signature.bind(*args, **kwargs)
            except TypeError:
                # the course's older signature (compute_cost(A2, Y, parameters)): its
                # extra arguments, by name, where their parameters name them
                given = _decode(case.get("older") or {"t": "dict", "v": []}, arrays)
                older = {k: v for k, v in given.items()
                         if k in signature.parameters and k not in kwargs}
                if not older:
                    raise
                signature.bind(*args, **kwargs, **older)
                kwargs = {**kwargs, **older}
        except TypeError:  # their parameters are not the course's: say so, not "raised"
            result["cases"].append({"error": {"type": "Signature", "message": str(signature),
                                              "lines": []}})
            _write(workdir, result, out_arrays)
            return
        except ValueError:  # no signature to read (a builtin): just call it
            pass
        kept = [(i, a, a.copy()) for i, arg in enumerate(args) for a in _arrays_in(arg)]
        try:
            value = fn(*args, **kwargs)
        except BaseException as exc:  # noqa: BLE001
            result["cases"].append({"error": _describe(exc, path)})
            _write(workdir, result, out_arrays)
            return
        answer = {"value": _encode(value, out_arrays)}
        # the arguments it wrote into (dZ = dA, then dZ[Z <= 0] = 0): their callers read
        # them again
        changed = sorted({i for i, a, before in kept
                          if a.shape != before.shape or not np.array_equal(a, before,
                                                                           equal_nan=True)})
        if changed:
            answer["changed"] = changed
        result["cases"].append(answer)
        _write(workdir, result, out_arrays)


def _arrays_in(value, depth=0):
    """The arrays in an argument (a cache's tuples, a dict of parameters)."""
    if isinstance(value, np.ndarray):
        yield value
    elif depth < 5 and isinstance(value, (tuple, list)):
        for v in value:
            yield from _arrays_in(v, depth + 1)
    elif depth < 5 and isinstance(value, dict):
        for v in value.values():
            yield from _arrays_in(v, depth + 1)


def _read_spec(workdir):
    with open(os.path.join(workdir, "spec.json"), encoding="utf-8") as f:
        return json.load(f)


def main(workdir):
    """Import the file and run one function (or none: ``function`` null)."""
    spec = _read_spec(workdir)
    _end_with(spec["checker"])
    path = os.path.realpath(spec["file"])
    result = {"import_error": None, "defined": [], "cases": []}
    sys.stdout = sys.stderr  # the learner's prints are not our answer
    module = _load(path, workdir, result)
    if module is None:
        return
    result["defined"] = sorted(n for n in spec["names"] if callable(getattr(module, n, None)))
    if spec.get("function") is None:
        _write(workdir, result, {})
        return
    _run(module, spec, path, workdir, result)


def _reply(fd, message):
    os.write(fd, (json.dumps(message) + "\n").encode())


def serve(filedir, command_fd, reply_fd):
    """Import the file once, then run each commanded function in a forked process.

    Commands are JSON lines ``{"workdir", "timeout"}`` on ``command_fd``; each is
    answered on ``reply_fd`` with ``{"workdir", "returncode"}`` (None: killed at its
    time limit). Before the learner's code: ``{"event": "started"}``; after it, when it
    finished: ``{"event": "loaded", "threads": ...}`` (its result in ``filedir``).
    """
    for fd in (command_fd, reply_fd):
        os.set_inheritable(fd, False)  # not the learner's subprocesses'
    spec = _read_spec(filedir)
    _end_with(spec["checker"])
    path = os.path.realpath(spec["file"])
    # the reruns' reference, imported before the learner's code can change anything
    importlib.import_module("nnscratch.course." + spec["assignment"])
    _reply(reply_fd, {"event": "started"})
    result = {"import_error": None, "defined": [], "cases": []}
    sys.stdout = sys.stderr  # the learner's prints are not our answer
    module = _load(path, filedir, result)
    if module is None:
        return
    defined = sorted(n for n in spec["names"] if callable(getattr(module, n, None)))
    result["defined"] = defined
    _write(filedir, result, {})
    _reply(reply_fd, {"event": "loaded", "threads": threading.active_count()})
    commands = os.fdopen(command_fd, "rb")
    for line in commands:
        command = json.loads(line)
        _reply(reply_fd, {"workdir": command["workdir"],
                          "returncode": _fork_run(module, path, defined, command,
                                                  (command_fd, reply_fd))})


def _fork_run(module, path, defined, command, fds):
    """Run one function in a child forked from the imported file; its exit code, or
    None when it was killed at its time limit."""
    workdir = command["workdir"]
    spec = _read_spec(workdir)
    server = _getpid()
    pid = _fork()
    if pid == 0:  # the function's own process: whatever happens, it never returns
        try:
            _end_with(server)  # not inherited through fork
            for fd in fds:
                os.close(fd)
            _run(module, spec, path, workdir,
                 {"import_error": None, "defined": defined, "cases": []})
        finally:
            _exit(0)
    deadline = _monotonic() + command["timeout"]
    ended = None  # a poll of the process's pidfd: readable once it has ended
    try:
        pidfd = _pidfd_open(pid) if _pidfd_open is not None else None
    except OSError:  # a kernel without pidfd_open (before 5.3), or seccomp
        pidfd = None
    try:
        if pidfd is not None:
            ended = _poll()  # poll, not select: any descriptor number (select stops at 1024)
            ended.register(pidfd, select.POLLIN)
        pause = 0.001
        while True:
            done, status = _waitpid(pid, os.WNOHANG)
            if done:
                return os.waitstatus_to_exitcode(status)
            left = deadline - _monotonic()
            if left <= 0:
                _kill(pid, signal.SIGKILL)
                _waitpid(pid, 0)
                return None
            if ended is not None:
                ended.poll(max(1, int(left * 1000)))
            else:
                _sleep(min(pause, left))
                pause = min(pause * 2, 0.02)
    finally:
        if pidfd is not None:
            _close(pidfd)


if __name__ == "__main__":
    if sys.argv[1] == "--serve":
        serve(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    else:
        main(sys.argv[1])
        # the answer is written: end now, not when the threads the learner's file
        # started end (a thread that never ends kept the process to its time limit)
        for stream in (sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__):
            with contextlib.suppress(Exception):
                stream.flush()
        _exit(0)  # ours, not the learner's os._exit (see _their_exit)
