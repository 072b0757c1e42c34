"""The checker behind :func:`nnscratch.course.check` and ``nnscratch check``.

A learner's file runs in child processes (:mod:`nnscratch._check_child`): it is
imported once, then each function runs in a process of its own forked from that
import (on Linux; elsewhere each function's process imports the file again), with a
time limit for the import, per function and for the whole check, so that an endless
loop, a crash, ``sys.exit``, ``os._exit`` or a failed import is reported and never
hangs or ends the checker. The child answers with data only (JSON and ``.npz`` arrays read
with ``allow_pickle=False``). The reference is :mod:`nnscratch.course`; its code is
never shown. A failure names the first returned array or dictionary entry that
differs and tests the known mistakes numerically (:func:`_hints`).
"""

from __future__ import annotations

import ast
import contextlib
import difflib
import html
import importlib.machinery
import importlib.util
import inspect
import json
import math
import os
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
import tokenize
import warnings
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from itertools import permutations
from pathlib import Path
from typing import Any

import numpy as np

from . import _course_cases as cases_module
from . import _files
from ._course_cases import FUNCTION_NAMES, HELPERS, Case, FunctionSpec
from .activations import ACTIVATIONS
from .course import _checks

__all__ = ["CheckError", "CheckReport", "FileError", "FunctionResult", "check"]

_CHILD = Path(__file__).with_name("_check_child.py")
_RTOL, _ATOL = 1e-6, 1e-9
#: For a learner's float32 arrays (the course's tests' np.allclose takes them too).
_RTOL_SINGLE, _ATOL_SINGLE = 1e-5, 1e-6

#: What the report says of the course functions a file imports rather than defines.
_IMPORTED = "not defined in your file but imported into it: not yours, not checked"

#: The known mistakes: hint id -> what the learner reads.
HINTS = {
    "times_m": "equals the expected value times m = {m}: the 1/m of the mean is missing",
    "divided_by_m": "equals the expected value divided by m = {m}: it is divided by m twice "
                    "(1/m belongs in one place only)",
    "dA_prev_over_m": "equals the expected value divided by m = {m}: dA_prev = Wᵀ dZ has no "
                      "1/m (only dW and db take the mean over the m examples)",
    "transposed": "equals the expected array transposed: check the order of the product "
                  "and its .T (W A_prev, dZ A_prevᵀ, X (A − Y)ᵀ)",
    "rank_1": "has shape {actual} where {expected} was meant: a rank-1 array; keep the "
              "column with keepdims=True or .reshape({n}, 1)",
    "shifted": "the layers' gradients are shifted by one: your {actual_key} is the expected "
               "{expected_key}; check the layer index l in the backward loop "
               "(caches[l - 1] is layer l; grads['dA' + str(l - 1)])",
    "init_shifted": "the layers are shifted by one: your {actual_key} is the expected "
                    "{expected_key}; the keys start at W1 and b1 (for l in range(1, L), "
                    "L = len(layer_dims): W[l] is (layer_dims[l], layer_dims[l − 1]))",
    "layers_shifted": "the layers are shifted by one: your {actual_key} is the expected "
                      "{expected_key}; the course numbers the layers 1 … L, so check the "
                      "layer index l in the loop (range(1, L + 1) with l, or range(L) with "
                      "l + 1)",
    "derivative_at_A": "the activation's derivative is computed from A where Z was meant: "
                       "g'(Z) needs Z ({formula})",
    "derivative_of_Z": "the derivative is written for A ({written}) but given Z: "
                       "use A = {g}(Z) there",
    "bias_left_out": "matches the computation with the bias left out: add b (Z = W A + b)",
    "bias_not_updated": "b is not updated: b := b − α db as well as {W} := {W} − α d{W}",
    "cost_term_missing": "matches the cost with the {term} term alone: J = −(1/m) Σ "
                         "(Y log A + (1 − Y) log(1 − A)) needs {missing} as well",
    "hidden_sigmoid": "matches a network with sigmoid hidden layers: the course's is "
                      "[LINEAR → RELU] × (L − 1) → LINEAR → SIGMOID, so \"relu\" for "
                      "layers 1 … L − 1",
    "last_cache_missing": "one cache per layer: the output layer's cache (from its "
                          "\"sigmoid\" step) must be appended to caches too",
    "last_layer_not_updated": "the last layer's W{L} and b{L} are not updated: every layer "
                              "l = 1 … L needs W[l] := W[l] − α dW[l] and b[l] := b[l] − "
                              "α db[l] (in a loop: range(1, L + 1), with L = "
                              "len(parameters) // 2)",
    "sign_flipped": "the sign is flipped: the cost is −(1/m) Σ (y log a + (1 − y) log(1 − a))",
    "dAL_sign": "every gradient has the wrong sign: dAL = −(Y/AL − (1 − Y)/(1 − AL)), the "
                "derivative of the cost with its minus",
    "gradient_sign": "the sign is flipped: {formula}",
    "step_sign": "the step goes the wrong way: W := W − α dW and b := b − α db (minus: "
                 "down the gradient)",
    "factor_missing": "the factor {factor} is missing: dZ = dA * s * (1 − s) with s = σ(Z) "
                      "(dA times σ'(Z) = s (1 − s))",
    "not_squeezed": "has shape {actual} where a number was meant: {fix}",
    "wrong_derivative": "the activation's derivative is {formula}, not {written}",
    "exponent_sign": "equals σ(−z) = 1 / (1 + e^z): the exponent's sign is flipped; "
                     "σ(z) = 1 / (1 + e^(−z)), np.exp(-z)",
    "sum_axis": "sums dZ over axis 0 (the units) where the m examples were meant: "
                "db = (1/m) np.sum(dZ, axis=1, keepdims=True), one value per unit",
    "leaky_relu": "gives {slope:g} · Z for Z < 0: a leaky ReLU; the course's ReLU is "
                  "max(0, Z), 0 for Z < 0 (np.maximum(0, Z))",
    "init_not_scaled": "is 100 times the expected weights: draw them scaled by 0.01 "
                       "(np.random.randn({shape}) * 0.01); large weights saturate the "
                       "activations and slow learning",
    "init_shape_reversed": "has shape {actual} where {expected} was meant: W[l] is "
                           "(n[l], n[l−1]), this layer's units by the previous layer's "
                           "(np.random.randn({shape}))",
    "bias_shape_reversed": "has shape {actual} where {expected} was meant: b[l] is (n[l], 1), "
                           "a column with one value per unit of the layer "
                           "(np.zeros(({shape})))",
    "argument_changed": "work on a copy: a name such as dZ = {name} is the same array, and "
                        "writing into it (dZ[Z <= 0] = 0, +=) writes into {name}; use dZ = "
                        "np.array({name}, copy=True) or compute a new array",
    "output_order": "returns the right values in another order, ({found}): the course's "
                    "{function} returns ({expected}), so return {expected}",
    "costs_every_iteration": "holds the cost of every iteration: the course keeps one "
                             "every 100 (if i % 100 == 0: costs.append(cost))",
    "shallow_hidden_sigmoid": "matches a hidden layer of sigmoid units: the course's "
                              "network has tanh in its hidden layer (A1 = np.tanh(Z1)) and "
                              "a sigmoid output (A2 = sigmoid(Z2))",
    "relu_output": "matches a network whose output layer is ReLU: the course's is "
                   "[LINEAR → RELU] × (L − 1) → LINEAR → SIGMOID, so \"sigmoid\" for "
                   "layer L (its A is a probability)",
    "not_thresholded": "holds the probabilities where 0/1 predictions were meant: "
                       "threshold them, 1 where the probability is above 0.5 (A > 0.5)",
    "layer_zero": "there is no {key}: the course numbers the layers 1 … L ({kind}1 … "
                  "{kind}L; A0 is X), so a loop over range(L) needs l + 1 in the keys "
                  "(or loop over range(1, L + 1))",
    "layer_past_last": "there is no {key}: this network's layers run 1 … {L} (L = "
                       "len(parameters) // 2); the loop goes one layer too far (range(1, "
                       "L + 1) with l, or range(L) with l + 1, not both)",
    "layer_count": "there is no {key}: this network's layers run 1 … {L}, and your "
                   "{name} = {source} counts both the W and the b keys (2 per layer); the "
                   "number of layers is {name} = {source} // 2",
    "one_iteration": "matches gradient descent stopped after its first iteration: a "
                     "return inside the for loop ends the loop at once; put the return "
                     "after the loop (one indentation level out)",
    "no_return": "your {function} has no return statement with a value, so it gives back "
                 "None: end it with return {values}",
    "placeholder": "{names} {verb} still None in your {function}, as the assignment's "
                   "template left {them} ({first} = None): write the computation in place "
                   "of None",
    "relu_mask_missing": "dZ is dA unchanged: relu'(Z) is 0 where Z <= 0, so dZ must be 0 "
                         "there (dZ = np.array(dA, copy=True); dZ[Z <= 0] = 0)",
    "relu_at_zero": "dZ is dA where Z is exactly 0: relu'(Z) is taken as 0 at Z = 0 "
                    "(the mask is Z <= 0, not Z < 0: dZ[Z <= 0] = 0)",
    "relu_mask_reversed": "dZ is 0 where Z > 0 and dA elsewhere: the mask is the wrong way "
                          "round; relu'(Z) = 1 where Z > 0, else 0 (dZ[Z <= 0] = 0)",
    "relu_dA_missing": "dZ is relu'(Z) alone: dZ = dA * relu'(Z), dA where Z > 0 and 0 "
                       "elsewhere (dZ = np.array(dA, copy=True); dZ[Z <= 0] = 0)",
}


class CheckError(ValueError):
    """Bad input to the checker: no such file, not Python, no course function in it."""


@dataclass
class FunctionResult:
    """One function's verdict."""

    name: str
    status: str  # "pass" | "fail" | "error" | "missing"
    array: str | None = None
    expected_shape: list[int] | None = None
    actual_shape: list[int] | None = None
    max_abs_diff: float | None = None
    max_rel_diff: float | None = None
    hint: str | None = None
    hint_id: str | None = None
    case: str | None = None
    where: list[int] | None = None  # the index of the largest difference (same shapes)
    expected_value: float | None = None  # the values there
    actual_value: float | None = None
    found: str | None = None  # what stood where an array was expected ("None", "a dict", ...)
    message: str | None = None
    # [line, function, code] in their file; [code cell, line, function, code] in a notebook;
    # a recursion's repeats: [None, function, "[Previous line repeated N more times]"]
    lines: list[list] = field(default_factory=list)


@dataclass
class FileError:
    """Why none of a file's functions ran: its top-level code raised, exited or did not
    finish (the checker imports the file, which runs that code, before any function)."""

    type: str  # the exception's ("ModuleNotFoundError", "SystemExit"...), "timeout", "crash"
    message: str
    # [line, function, code] in the file; [code cell, line, function, code] in a notebook
    lines: list[list] = field(default_factory=list)


@dataclass
class CheckReport:
    """What :func:`check` found: one :class:`FunctionResult` per course function, or
    none and a :class:`FileError` when the file could not be loaded."""

    assignment: str
    file: str
    functions: list[FunctionResult]
    detected: bool = False
    file_error: FileError | None = None
    #: Only some of the file's functions were asked for (``functions=``, ``--only``).
    partial: bool = False
    #: The course functions the file imports rather than defines (the Application
    #: notebook's ``from dnn_app_utils_v3 import *``): not the learner's, not checked.
    imported: list[str] = field(default_factory=list)

    @property
    def passed(self) -> int:
        return sum(r.status == "pass" for r in self.functions)

    @property
    def failed(self) -> int:
        """The functions that ran and gave a wrong value (status ``fail``)."""
        return sum(r.status == "fail" for r in self.functions)

    @property
    def errors(self) -> int:
        """The functions that raised, timed out or could not run (status ``error``), and
        the file when it could not be loaded (:attr:`file_error`)."""
        return sum(r.status == "error" for r in self.functions) + (self.file_error is not None)

    @property
    def ok(self) -> bool:
        """True when every function the file defines passes, and, where only some were
        asked for (``only``), each of those is defined."""
        missing = any(r.status == "missing" for r in self.functions)
        return self.failed == 0 and self.errors == 0 and not (self.partial and missing)

    def __getitem__(self, name: str) -> FunctionResult:
        return next(r for r in self.functions if r.name == name)

    def to_dict(self) -> dict:
        """``{"assignment", "file", "file_error", "functions": [...], "passed", "failed",
        "errors", "missing"}`` (JSON-able), counted as the text's last line counts them.
        ``file_error`` is None, or ``{"type", "message", "lines"}`` when the file could
        not be loaded: then ``functions`` is empty and ``errors`` is 1."""
        functions = []
        for r in self.functions:
            d = asdict(r)
            for key in ("max_abs_diff", "max_rel_diff", "expected_value", "actual_value"):
                if d[key] is not None and not np.isfinite(d[key]):
                    d[key] = None
            functions.append(d)
        file_error = asdict(self.file_error) if self.file_error is not None else None
        return {"assignment": self.assignment, "file": self.file, "file_error": file_error,
                "functions": functions, "imported": list(self.imported),
                "passed": self.passed, "failed": self.failed, "errors": self.errors,
                "missing": sum(r.status == "missing" for r in self.functions)}

    def __str__(self) -> str:
        how = " (detected from its function names)" if self.detected else ""
        lines = [f"{self.file}: the {self.assignment} assignment{how}"]
        if self.file_error is not None:
            lines.append(f"  {'ERROR':8} {self.file_error.message}")
            lines.extend(f"           {text}" for text in _places(self.file_error.lines))
        for r in self.functions:
            lines.append(f"  {r.status.upper() if r.status != 'pass' else 'pass':8} {r.name}")
            for text in _detail_lines(r):
                lines.append(f"           {text}")
        if self.imported:
            lines.append(f"  {'imported':8} {', '.join(self.imported)}")
            lines.append(f"           {_IMPORTED}")
        lines.append(self._tally())
        return "\n".join(lines)

    def _tally(self) -> str:
        """``"3 passed, 1 failed, 1 error, 0 not defined"``."""
        if self.file_error is not None:
            return "no function was run: fix the error above, then check again"
        count = {s: sum(r.status == s for r in self.functions)
                 for s in ("pass", "fail", "error", "missing")}
        errors = f"{count['error']} error{'' if count['error'] == 1 else 's'}"
        return (f"{count['pass']} passed, {count['fail']} failed, {errors}, "
                f"{count['missing']} not defined"
                + (" (only the functions asked for were run)" if self.partial else ""))

    def _repr_html_(self) -> str:
        colours = {"pass": "#1a7f37", "fail": "#cf222e", "error": "#cf222e",
                   "missing": "#6e7781"}
        rows = []
        for r in self.functions:
            detail = "<br>".join(html.escape(t) for t in _detail_lines(r))
            rows.append(f"<tr><td><code>{html.escape(r.name)}</code></td>"
                        f"<td style='color:{colours[r.status]};font-weight:bold'>{r.status}</td>"
                        f"<td style='text-align:left'>{detail}</td></tr>")
        how = " (detected from its function names)" if self.detected else ""
        if self.imported:
            rows.append(f"<tr><td><code>{html.escape(', '.join(self.imported))}</code></td>"
                        "<td style='color:#6e7781;font-weight:bold'>imported</td><td "
                        f"style='text-align:left'>{_IMPORTED}</td></tr>")
        if self.file_error is not None:
            detail = "<br>".join(html.escape(t) for t in [self.file_error.message,
                                                          *_places(self.file_error.lines)])
            rows.append("<tr><td>your file</td><td style='color:#cf222e;font-weight:bold'>"
                        f"error</td><td style='text-align:left'>{detail}</td></tr>")
        return (f"<p><b>{html.escape(self.file)}</b>: the {self.assignment} assignment{how}"
                f" — {html.escape(self._tally())}</p>"
                "<table><tr><th>function</th><th>status</th><th>details</th></tr>"
                + "".join(rows) + "</table>")


def _detail_lines(r: FunctionResult) -> list[str]:
    out = []
    if r.status == "fail" and r.array is not None:
        out.append(f"{r.array} differs ({r.case})")
        finite = r.max_abs_diff is not None and np.isfinite(r.max_abs_diff)
        if r.where is not None and r.expected_shape == r.actual_shape:
            at = ("" if not r.where else f"shape {_shape_text(r.expected_shape)} as "
                  f"expected; largest difference at {r.array}[{', '.join(map(str, r.where))}]: ")
            relative = (f", relative {r.max_rel_diff:.3g}" if r.max_rel_diff is not None
                        and np.isfinite(r.max_rel_diff) else "")
            out.append(f"{at}expected {r.expected_value:.6g}, got {r.actual_value:.6g}"
                       + (f" (difference {r.max_abs_diff:.3g}{relative})" if finite else ""))
        elif r.expected_shape is not None and r.actual_shape is None:
            out.append(f"expected {_shape_text(r.expected_shape, True)}, got {r.found}")
        elif r.expected_shape is not None:
            out.append(f"the shapes differ: expected {_shape_text(r.expected_shape, True)}, "
                       f"got {_shape_text(r.actual_shape, True)}")
    message = r.message
    said = getattr(r, "_said", None)  # the line above said it: keep what follows
    if message and said and r.actual_shape is None and message.startswith(said):
        message = message[len(said):].strip()
    if message and r.status != "pass":
        out.append(message)
    if r.hint:  # after what differs, before where in the file
        out.append(f"hint: {r.hint}")
    return out + _places(r.lines)


def _places(lines: list[list]) -> list[str]:
    """``"line 8, in propagate: ..."`` ([line, ...] in a file), ``"cell 4, line 2, in
    ..."`` ([cell, line, ...] in a notebook); ``"[Previous line repeated 996 more
    times]"`` for a recursion's repeats (their place is None)."""
    out = []
    for *where, fn, code in lines:
        if where[-1] is None:  # the line above, repeated in a row: said as Python says it
            out.append(code)
            continue
        place = f"line {where[-1]}" if len(where) == 1 else f"cell {where[0]}, line {where[1]}"
        out.append(f"{place}, in {fn}: {code}")
    return out


def _shape_text(shape, with_word: bool = False) -> str:
    if shape == []:
        return "a number"
    text = "(" + ", ".join(map(str, shape)) + (",)" if len(shape) == 1 else ")")
    return f"shape {text}" if with_word else text


# ------------------------------------------------------------------- encoding for the child

def _encode(value: Any, arrays: dict) -> dict:
    if isinstance(value, (bool, np.bool_)):
        return {"t": "bool", "v": bool(value)}
    if isinstance(value, (int, np.integer)):
        return {"t": "int", "v": int(value)}
    if isinstance(value, (float, np.floating)):
        return {"t": "num", "v": float(value)}
    if value is None:
        return {"t": "none"}
    if isinstance(value, str):
        return {"t": "str", "v": value}
    if isinstance(value, np.ndarray):
        key = f"a{len(arrays)}"
        arrays[key] = value
        return {"t": "arr", "k": key}
    if isinstance(value, tuple):
        return {"t": "tuple", "v": [_encode(v, arrays) for v in value]}
    if isinstance(value, list):
        return {"t": "list", "v": [_encode(v, arrays) for v in value]}
    if isinstance(value, dict):
        return {"t": "dict", "v": [[k, _encode(v, arrays)] for k, v in value.items()]}
    raise TypeError(type(value))


class _Other:
    """A returned value that is not numbers (an object, a string...)."""

    def __init__(self, node: dict) -> None:
        self.type = node.get("type", "object")
        self.repr = node.get("repr", "")


def _decode(node: dict, arrays) -> Any:
    kind = node["t"]
    if kind == "arr":
        return arrays[node["k"]]
    if kind == "num":
        v = node["v"]
        return float(v)  # a number, or 'nan' / 'inf' / '-inf' as text
    if kind in ("str", "bool", "none"):
        return node.get("v")
    if kind == "int":
        return int(node["v"])
    if kind == "tuple":
        return tuple(_decode(v, arrays) for v in node["v"])
    if kind == "list":
        return [_decode(v, arrays) for v in node["v"]]
    if kind == "dict":
        return {k: _decode(v, arrays) for k, v in node["v"]}
    return _Other(node)


# ------------------------------------------------------------------------ the child runs

@dataclass
class _Run:
    """What one child process answered."""

    import_error: dict | None = None
    defined: list[str] = field(default_factory=list)
    outputs: list[Any] = field(default_factory=list)  # one per finished case
    error: dict | None = None  # their code raised in the next case
    problem: str | None = None  # timed out / ended without an answer
    import_hang: bool = False  # timed out before the file's top-level code finished
    #: per finished case, the positions of the arguments the function wrote into
    changed: list[list[int]] = field(default_factory=list)


def _pipe() -> tuple[int, int]:
    """``os.pipe()``, both ends numbered above 2. In a process started with stdin or
    stderr closed (``<&-``, a daemon's job) a pipe got the free number 0 or 2, and the
    child, whose stdin and stderr are the null device, found that in place of its pipe:
    it read no command and ended, and every function was blamed for a crash."""
    ends = []
    for fd in os.pipe():
        if fd <= 2:
            import fcntl

            moved = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 3)
            os.close(fd)
            fd = moved
        ends.append(fd)
    return ends[0], ends[1]


def _child_env() -> dict:
    env = dict(os.environ)
    package_root = str(Path(__file__).resolve().parents[1])
    env["PYTHONPATH"] = package_root + os.pathsep + env.get("PYTHONPATH", "")
    env.setdefault("OMP_NUM_THREADS", "1")
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def _write_job(workdir: str, path: Path, assignment: str, spec: FunctionSpec | None, names,
               patch: dict) -> None:
    """``workdir/spec.json`` and ``cases.npz``: what the child runs (see _check_child)."""
    arrays: dict[str, np.ndarray] = {}
    encoded = []
    for case in (spec.cases if spec else []):
        encoded.append({"args": _encode(case.args, arrays),
                        "kwargs": _encode(case.kwargs, arrays), "seed": case.seed,
                        "older": _encode(case.older, arrays)})
    np.savez(os.path.join(workdir, "cases.npz"), **arrays)
    with open(os.path.join(workdir, "spec.json"), "w", encoding="utf-8") as f:
        json.dump({"file": str(path), "assignment": assignment, "checker": os.getpid(),
                   "function": spec.name if spec else None, "names": sorted(names),
                   "patch": dict(sorted(patch.items())), "cases": encoded}, f)


def _read_job(workdir: str, spec: FunctionSpec | None, returncode: int | None,
              timeout: float, imported: bool | None = None) -> _Run:
    """What a child wrote in ``workdir``, and what its end means when it wrote too
    little: ``returncode`` None is a time-out; ``imported``, whether the file's
    top-level code had finished (default: the child's mark in ``workdir``)."""
    run = _Run()
    result_json = os.path.join(workdir, "result.json")
    if os.path.exists(result_json):
        with open(result_json, encoding="utf-8") as f:
            result = json.load(f)
        with np.load(os.path.join(workdir, "result.npz"), allow_pickle=False) as data:
            out = {k: data[k] for k in data.files}
        run.import_error = result["import_error"]
        run.defined = result["defined"]
        for item in result["cases"]:
            if "error" in item:
                run.error = item["error"]
            else:
                run.outputs.append(_decode(item["value"], out))
                run.changed.append(list(item.get("changed", [])))
    n_cases = len(spec.cases) if spec else 0
    finished = run.import_error is not None or run.error is not None or (
        os.path.exists(result_json) and len(run.outputs) == n_cases)
    if imported is None:
        imported = os.path.exists(os.path.join(workdir, "imported"))
    if not finished:
        if returncode is None and not imported and not os.path.exists(result_json):
            run.import_hang = True
            run.problem = _import_timeout_text(timeout)
        elif returncode is None:
            run.problem = (f"did not finish within {timeout:g} s (an endless loop, or far "
                           "too slow)")
        else:
            what = "running" if imported else "loading"
            run.problem = (f"the process {what} your file ended without an answer "
                           f"({_exit_words(returncode)})")
    return run


def _import_timeout_text(timeout: float) -> str:
    return (f"your file's top-level code did not finish within {timeout:g} s (the checker "
            "imports your file, which runs its top-level code: put the code that loads "
            "data or trains under if __name__ == \"__main__\":)")


def _exit_words(returncode: int) -> str:
    """``"exit code 3: os._exit, a crash, or killed"``, ``"killed by SIGSEGV: a crash"``."""
    if returncode < 0:
        try:
            name = signal.Signals(-returncode).name
        except ValueError:
            name = f"signal {-returncode}"
        return f"killed by {name}: a crash, or killed"
    return f"exit code {returncode}: os._exit, a crash, or killed"


def _run_child(path: Path, assignment: str, spec: FunctionSpec | None, names, patch,
               timeout: float, start: float = 0.0) -> _Run:
    """Import the file and run one function (or none) in a new process, within
    ``start`` (the process's start and the file's import, as measured) + ``timeout``."""
    with tempfile.TemporaryDirectory(prefix="nnscratch-check-") as workdir:
        _write_job(workdir, path, assignment, spec, names, patch)
        try:
            proc = subprocess.run(
                [sys.executable, str(_CHILD), workdir], cwd=str(path.parent),
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                timeout=timeout + start, env=_child_env(), check=False)
            returncode = proc.returncode
        except subprocess.TimeoutExpired:
            returncode = None
        return _read_job(workdir, spec, returncode, timeout)


class _Spawner:
    """Runs each function in a new process that imports the file again (where
    ``os.fork`` is not used, or the file's top-level code started threads).

    Each function's time limit is its own: its process also gets the time that
    starting one and importing the file took the first time (``start``, seconds), so
    that a notebook's imports of matplotlib or scikit-learn are not taken from it."""

    def __init__(self, path: Path, assignment: str, names, start: float = 0.0) -> None:
        self.path, self.assignment, self.names = path, assignment, names
        self.start = start

    def load(self, timeout: float, left: float) -> _Run:
        began = time.monotonic()
        run = _run_child(self.path, self.assignment, None, self.names, {}, min(timeout, left))
        if run.import_error is None and not run.import_hang:
            self.start = time.monotonic() - began
        return run

    def run(self, spec: FunctionSpec, patch: dict, timeout: float,
            left: float | None = None) -> _Run:
        # the start again, within the whole check's time where it is given
        start = self.start if left is None else min(self.start, max(left - timeout, 0.0))
        run = _run_child(self.path, self.assignment, spec, self.names, patch, timeout, start)
        if run.import_error is not None or run.import_hang:  # it loaded the first time
            run.problem = ("your file's top-level code " + (
                f"raised {_error_text(run.import_error)}" if run.import_error is not None
                else "did not finish") + " this time (it did when first loaded)")
            run.import_error, run.import_hang = None, False
        return run

    def close(self) -> None:
        pass


#: Whether a file is imported once and its functions run in forked processes: where
#: fork is safe with the libraries a learner's file imports (not macOS: Apple's
#: frameworks; not Windows: no fork).
_FORK_SERVER = sys.platform.startswith("linux") and hasattr(os, "fork")


#: How long a server whose reply pipe closed may take to end by itself before it is
#: killed (its exit code then says how it ended).
_ENDING_S = 3.0


class _ForkServer:
    """Imports the file once (in :func:`nnscratch._check_child.serve`) and runs each
    function in a process forked from that import, with its own time limit: the file's
    imports are paid for once, not once per function (and per rerun)."""

    def __init__(self, path: Path, assignment: str, names) -> None:
        self.path, self.assignment, self.names = path, assignment, names
        self.folder = tempfile.mkdtemp(prefix="nnscratch-check-")
        self.proc: subprocess.Popen | None = None
        self.commands = self.replies = None
        self.buffer = b""
        self.closed = False  # the server's reply pipe was closed (it ended, or its code)
        self.jobs = 0
        self.threads = 1

    def load(self, timeout: float, left: float) -> _Run:
        """Start the server and import the file: what a one-off child would have
        answered (an import error, a hang, the functions defined)."""
        filedir = tempfile.mkdtemp(dir=self.folder)
        _write_job(filedir, self.path, self.assignment, None, self.names, {})
        command_r, command_w = _pipe()
        reply_r, reply_w = _pipe()
        try:
            self.proc = subprocess.Popen(
                [sys.executable, str(_CHILD), "--serve", filedir, str(command_r),
                 str(reply_w)], cwd=str(self.path.parent), stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=_child_env(),
                pass_fds=(command_r, reply_w), start_new_session=True)
        finally:
            os.close(command_r)
            os.close(reply_w)
        self.commands = os.fdopen(command_w, "wb", buffering=0)
        self.replies = reply_r
        started = time.monotonic()
        # numpy and the reference first (not the learner's time), then the file
        reply = self._reply(left)
        timed_out = False
        if reply is not None and reply.get("event") == "started":
            timeout = max(min(timeout, left - (time.monotonic() - started)), 0.0)
            reply = self._reply(timeout)
            timed_out = reply is None and not self.closed
        loaded = reply is not None and reply.get("event") == "loaded"
        if loaded:
            self.threads = int(reply.get("threads", 1))
            return _read_job(filedir, None, 0, timeout)
        returncode = self._stop()
        run = _read_job(filedir, None, returncode, timeout)
        if timed_out and run.import_error is None:
            # no answer within the limit: a time-out, even where the file had finished
            # (and written so) a moment before the server was stopped
            return _Run(problem=_import_timeout_text(timeout), import_hang=True)
        if run.import_error is None and run.problem is None:
            # the file was imported, but the process that imported it ended before it
            # could say so (its top-level code closed the checker's pipes, or set an
            # alarm): the file's doing, not a function's
            run.problem = ("your file's top-level code ended the process that loaded it"
                           + (f" ({_exit_words(returncode)})" if returncode is not None
                              else ""))
        return run

    def run(self, spec: FunctionSpec, patch: dict, timeout: float,
            left: float | None = None) -> _Run:
        """Run one function within ``timeout``; ``left``: the whole check's time left,
        which starting the server again (a fresh interpreter importing NumPy, seconds on
        a busy machine) may take, as the first start may."""
        if self.proc is None:  # the server died (killed from their code?): anew
            loaded = self.load(timeout, timeout if left is None else max(left, timeout))
            if (loaded.import_error is not None or loaded.problem is not None
                    or self.proc is None):  # its top-level code ended it again
                return _Run(problem="could not be run: loading your file again for it "
                                    "failed (the process that had loaded it ended)")
        self.jobs += 1
        workdir = os.path.join(self.folder, f"job{self.jobs}")
        os.mkdir(workdir)
        try:
            _write_job(workdir, self.path, self.assignment, spec, self.names, patch)
            self.commands.write((json.dumps({"workdir": workdir, "timeout": timeout})
                                 + "\n").encode())
            # the server kills the function at its limit; the margin is the server's own
            reply = self._reply(timeout + 10)
        except OSError:  # the server is gone
            reply = None
        if reply is None or reply.get("workdir") != workdir:
            returncode = self._stop()
            return _read_job(workdir, spec, returncode if returncode is not None else -9,
                             timeout, imported=True)
        return _read_job(workdir, spec, reply.get("returncode"), timeout, imported=True)

    def _reply(self, timeout: float) -> dict | None:
        """The server's next line, or None at ``timeout`` or its end."""
        deadline = time.monotonic() + timeout
        while b"\n" not in self.buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.replies], [], [], left)[0]:
                return None
            chunk = os.read(self.replies, 65536)
            if not chunk:  # the pipe was closed: the server ended, or its code closed it
                self.closed = True
                return None
            self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\n", 1)
        try:
            reply = json.loads(line)
        except ValueError:
            return None
        return reply if isinstance(reply, dict) else None

    def _stop(self, ending: bool = True) -> int | None:
        """End the server and every process it started; its exit code (None: it had
        not ended by itself). ``ending``: it may be ending by itself (it did not
        answer), so give it time to, for its exit code; at the check's end it is not."""
        if self.proc is None:
            return None
        try:  # a server that ended by itself (its reply pipe closed) may still be ending
            # (the interpreter's exit: a second on a busy machine), or not reaped yet
            returncode = (self.proc.wait(timeout=_ENDING_S if self.closed else 0.1)
                          if ending else self.proc.poll())
        except subprocess.TimeoutExpired:
            returncode = None
        try:
            # its process group: the server, the function running, what their code
            # started; the server is not reaped yet, so its id cannot be another's
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self.proc.wait()
        with contextlib.suppress(OSError):
            self.commands.close()
        with contextlib.suppress(OSError):
            os.close(self.replies)
        self.proc = self.commands = self.replies = None
        self.buffer = b""
        self.closed = False
        return returncode

    def close(self) -> None:
        self._stop(ending=False)
        shutil.rmtree(self.folder, ignore_errors=True)


#: The child's error types that are an exit their code asked for, not an exception.
_EXITS = ("SystemExit", "os._exit")


def _error_text(err: dict) -> str:
    if err["type"] in _EXITS:
        return err["message"]
    message = " ".join(str(err["message"]).split())  # MemoryError() has none
    return f"{err['type']}: {message}" if message else err["type"]


# ----------------------------------------------------------------------------- comparing

@dataclass
class _Diff:
    path: str
    keys: tuple  # how to reach it from the return value
    expected: Any
    actual: Any
    reason: str | None = None  # a structural difference, in words
    found: str | None = None  # what stood there, when not an array (default: its type)
    single: bool = False  # the learner's array was float32 (or float16): its tolerances


def _is_leaf(value: Any) -> bool:
    if isinstance(value, (np.ndarray, float, int, bool, np.number, np.bool_)):
        return True
    return isinstance(value, list) and all(isinstance(v, (float, int, np.number))
                                           for v in value)


def _compare(expected: Any, actual: Any, path: str, keys: tuple = ()) -> _Diff | None:
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return _Diff(path, keys, expected, actual,
                         f"is {_type_name(actual)} where a dict was expected")
        for k, v in expected.items():
            if k not in actual:
                has = f"{path} has the keys {', '.join(map(repr, actual))}" if actual else \
                    f"{path} is an empty dict"
                return _Diff(f"{path}['{k}']", keys + (k,), v, None, f"is not there ({has})",
                             found=f"nothing: the key {k!r} is missing ({has})")
            d = _compare(v, actual[k], f"{path}['{k}']", keys + (k,))
            if d:
                return d
        return None
    if isinstance(expected, (tuple, list)) and not _is_leaf(expected):
        if not isinstance(actual, (tuple, list)):
            return _Diff(path, keys, expected, actual,
                         f"is {_type_name(actual)} where a {type(expected).__name__} of "
                         f"{len(expected)} was expected")
        if len(actual) != len(expected):
            n, want = len(actual), len(expected)
            return _Diff(path, keys, expected, actual,
                         f"has {n} item{'' if n == 1 else 's'} where {want} "
                         f"{'was' if want == 1 else 'were'} expected")
        for i, (e, a) in enumerate(zip(expected, actual)):
            d = _compare(e, a, f"{path}[{i}]", keys + (i,))
            if d:
                return d
        return None
    if isinstance(expected, str):
        return None if actual == expected else _Diff(path, keys, expected, actual,
                                                      f"is {actual!r}, expected {expected!r}")
    a = _as_array(actual)
    e = np.asarray(expected, dtype=float)
    if a is None:
        return _Diff(path, keys, expected, actual,
                     f"is {_type_name(actual)} where numbers were expected")
    single = getattr(actual, "dtype", None) in (np.float32, np.float16)
    if a.shape != e.shape or not _close(a, e, single=single):
        return _Diff(path, keys, e, a, single=single)
    return None


def _type_name(value: Any) -> str:
    if isinstance(value, _Other):
        return f"{_article(value.type)} {value.type} ({value.repr})"
    if value is None:
        return "None"
    return f"{_article(type(value).__name__)} {type(value).__name__}"


def _article(name: str) -> str:
    """"an" before a type name said with a vowel first ("an int", "an object", "an
    ndarray")."""
    return "an" if name[:1].lower() in "aeiou" or name.startswith("nd") else "a"


def _as_array(value: Any) -> np.ndarray | None:
    if isinstance(value, _Other) or value is None or isinstance(value, (str, dict)):
        return None
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError, OverflowError):  # OverflowError: an int beyond a float's
        return None
    return arr


def _tolerances(single: bool) -> tuple[float, float]:
    """(rtol, atol): a float32 array's where ``single`` (it rounds about 1e-7 of its
    values' size at each step)."""
    return (_RTOL_SINGLE, _ATOL_SINGLE) if single else (_RTOL, _ATOL)


def _close(a: np.ndarray, e: np.ndarray, *, single: bool = False) -> bool:
    """Whether ``a`` is ``e`` within the checker's tolerances."""
    rtol, atol = _tolerances(single)
    return a.shape == e.shape and bool(np.allclose(a, e, rtol=rtol, atol=atol, equal_nan=False))


def _outside(a: np.ndarray, e: np.ndarray, single: bool) -> np.ndarray:
    """Where ``a`` differs from ``e`` beyond the tolerances of :func:`_close`."""
    rtol, atol = _tolerances(single)
    with np.errstate(invalid="ignore"):
        return ~(np.abs(a - e) <= atol + rtol * np.abs(e))


def _differences(a: np.ndarray, e: np.ndarray) -> tuple[float | None, float | None]:
    """The largest difference of two arrays of one shape, and it relative to the largest
    expected value (the caller puts the one at the largest difference's place)."""
    with np.errstate(invalid="ignore"):
        diff = np.abs(a - e)
    if diff.size == 0:
        return 0.0, 0.0
    largest, scale = float(np.max(diff)), float(np.max(np.abs(e)))
    return largest, (largest / scale if scale > 1e-12 else None)


def _get(value: Any, keys: tuple) -> Any:
    for k in keys:
        try:
            value = value[k]
        except (KeyError, IndexError, TypeError):
            return None
    return value


# ------------------------------------------------------------------------------- hints

def _hints(spec: FunctionSpec, case: Case, reference, diff: _Diff, actual_output: Any,
           expected_output: Any) -> tuple[str, str] | None:
    """The known mistake that explains ``diff``, tested numerically, or None."""
    m = case.m
    a, e = diff.actual, diff.expected
    # the right values returned in another order
    order = _output_order(spec, expected_output, actual_output)
    if order:
        return "output_order", HINTS["output_order"].format(**order)
    # the layers shifted by one (a dict with numbered keys: grads, or parameters)
    shifted = _shifted(expected_output, actual_output, diff)
    if shifted:
        if str(diff.keys[-1]).startswith("d"):  # gradients: the backward loop
            hint_id = "shifted"
        elif spec.name.startswith("initialize_parameters"):
            hint_id = "init_shifted"
        else:
            hint_id = "layers_shifted"
        return hint_id, HINTS[hint_id].format(**shifted)
    slope = _leaky_slope(spec, case, diff)
    if slope is not None:
        return "leaky_relu", HINTS["leaky_relu"].format(slope=slope)
    if (spec.name == "L_model_forward" and diff.path == "caches" and isinstance(a, (list, tuple))
            and isinstance(e, (list, tuple)) and len(a) == len(e) - 1):
        return "last_cache_missing", HINTS["last_cache_missing"]
    initialising = spec.name.startswith("initialize_parameters")
    if (initialising and isinstance(a, np.ndarray) and a.ndim == 2
            and isinstance(e, np.ndarray) and e.ndim == 2 and a.shape == e.shape[::-1]
            and a.shape != e.shape):
        if _leaf_name(diff).startswith("b"):  # a bias: a column, not a weight matrix
            return "bias_shape_reversed", HINTS["bias_shape_reversed"].format(
                actual=_shape_text(list(a.shape)), expected=_shape_text(list(e.shape)),
                shape=_zeros_args(spec.name, _leaf_name(diff), e.shape))
        return "init_shape_reversed", HINTS["init_shape_reversed"].format(
            actual=_shape_text(list(a.shape)), expected=_shape_text(list(e.shape)),
            shape=_randn_args(spec.name, diff.path, e.shape))
    if diff.reason is None and isinstance(a, np.ndarray):
        e = np.asarray(e, dtype=float)
        if (initialising and e.ndim == 2 and np.any(np.abs(e) > _ATOL)
                and _close(a, e * 100)):
            return "init_not_scaled", HINTS["init_not_scaled"].format(
                shape=_randn_args(spec.name, diff.path, e.shape))
        if (diff.path.startswith("costs") and a.ndim == 1 and e.ndim == 1 and e.size
                and a.size > e.size and _close(a[::100][:e.size], e)):
            return "costs_every_iteration", HINTS["costs_every_iteration"]
        if (spec.name == "predict" and e.size and np.isin(e, (0.0, 1.0)).all()
                and a.dtype.kind == "f" and np.all((a >= 0) & (a <= 1))
                and not np.isin(a, (0.0, 1.0)).all() and np.array_equal(a > 0.5, e > 0.5)):
            return "not_thresholded", HINTS["not_thresholded"]
        if e.shape == () and a.size == 1 and a.ndim >= 1 and _close(a.reshape(()), e):
            return "not_squeezed", HINTS["not_squeezed"].format(
                actual=_shape_text(list(a.shape)), fix=_squeeze_fix(spec, _leaf_name(diff)))
        if a.ndim == 1 and e.ndim == 2 and e.shape == (a.size, 1) and _close(a, e.ravel()):
            return "rank_1", HINTS["rank_1"].format(actual=_shape_text(list(a.shape)),
                                                    expected=_shape_text(list(e.shape)), n=a.size)
        if e.ndim == 2 and a.shape == e.T.shape and _close(a, e.T) and not _close(e, e.T):
            return "transposed", HINTS["transposed"]
        nonzero = bool(np.any(np.abs(e) > _ATOL))
        if m and m > 1 and nonzero:
            if _close(a, e * m):
                return "times_m", HINTS["times_m"].format(m=m)
            if _close(a, e / m):
                if re.fullmatch(r"dA(_prev|\d+)", _leaf_name(diff)):  # no 1/m at all
                    return "dA_prev_over_m", HINTS["dA_prev_over_m"].format(m=m)
                return "divided_by_m", HINTS["divided_by_m"].format(m=m)
        if nonzero and _close(a, -e):
            return _sign_hint(spec, diff.path)
    # the function-specific hypotheses: the reference run on changed inputs or a
    # changed formula, compared at the same place
    for hint_id, alternative, *fields in _alternatives(spec, case, reference):
        try:
            alt = alternative()
        except Exception:  # noqa: BLE001, S112 - a hypothesis that does not apply here
            continue
        alt_value = _get(alt, diff.keys)
        if alt_value is None or isinstance(a, _Other) or a is None:
            continue
        alt_arr, act_arr = _as_array(alt_value), _as_array(a)
        if alt_arr is None or act_arr is None or _close(alt_arr, np.asarray(e, dtype=float)):
            continue
        if _close(act_arr, alt_arr):
            return hint_id, HINTS[hint_id].format(**fields[0]) if fields else HINTS[hint_id]
    return None


def _output_order(spec: FunctionSpec, expected: Any, actual: Any) -> dict | None:
    """The hint's fields where a function returning a tuple gives every expected value,
    in another order (``return grads, params, costs``), else None."""
    top = spec.returns
    if not (isinstance(top, tuple) and isinstance(expected, (tuple, list))
            and isinstance(actual, (tuple, list)) and len(top) == len(expected) == len(actual)
            and 1 < len(top) <= 6):
        return None
    for order in permutations(range(len(top))):
        if order == tuple(range(len(top))):
            continue
        try:
            if all(_compare(expected[j], actual[i], top[j]) is None
                   for i, j in enumerate(order)):
                return {"found": ", ".join(top[j] for j in order), "function": spec.name,
                        "expected": ", ".join(top)}
        except Exception:  # noqa: BLE001, S112 - values the comparison cannot take
            continue
    return None


def _leaf_name(diff: _Diff) -> str:
    """The differing array's own name: its dict key (``db`` of ``grads['db']``), else
    the output's (``dA_prev``, ``cost``)."""
    key = diff.keys[-1] if diff.keys else None
    if isinstance(key, str):
        return key
    match = re.match(r"\w+", diff.path)
    return match.group() if match else diff.path


def _zeros_args(function: str, name: str, shape: tuple) -> str:
    """``np.zeros``'s shape for a bias, as the course writes it: ``n_h, 1`` for the
    two-layer ``initialize_parameters``'s ``b1``, ``layer_dims[l], 1`` in the deep loop."""
    if function == "initialize_parameters" and name in ("b1", "b2"):
        return {"b1": "n_h, 1", "b2": "n_y, 1"}[name]
    if re.fullmatch(r"b\d+", name):
        return "layer_dims[l], 1"
    return f"{shape[0]}, 1"


def _squeeze_fix(spec: FunctionSpec, name: str) -> str:
    """How a (1, 1) array named ``name`` becomes the number the course returns."""
    if name == "db":
        return "db = (1/m) np.sum(A − Y) without axis or keepdims, which gives a number"
    if name == "b" and spec.name == "initialize_with_zeros":
        return "b = 0.0 (the bias is one number, not an array)"
    if name == "b":
        return ("b stays a number when db is one: db = (1/m) np.sum(A − Y) without axis or "
                "keepdims")
    if name in ("cost", "costs", "J"):
        name = "cost"
    return f"np.squeeze({name}) (or float({name}))"


_LAYER_KEY = re.compile(r"^'(W|b|dW|db)(\d+)'$")


def _layer_key_hint(error: dict, case: Case) -> tuple[str, str] | None:
    """For a KeyError on a layer's key: ``W0`` (the layers count from 1), or one past
    the network's last layer (the loop's range and its index both shifted)."""
    match = _LAYER_KEY.match(error.get("message", "")) if error["type"] == "KeyError" else None
    if match is None:
        return None
    kind, number = match.group(1), int(match.group(2))
    key = kind + match.group(2)
    if number == 0:
        return "layer_zero", HINTS["layer_zero"].format(key=key, kind=kind)
    layers = [len([k for k in arg if re.fullmatch(r"W\d+", str(k))])
              for arg in [*case.args, *case.kwargs.values()] if isinstance(arg, dict)]
    L = max(layers, default=0)
    if L and number == L + 1:
        return "layer_past_last", HINTS["layer_past_last"].format(key=key, L=L)
    return None


def _randn_args(function: str, path: str, shape: tuple) -> str:
    """``np.random.randn``'s arguments for a weight matrix of ``shape``, as the course
    writes them: ``n_h, n_x`` for the two-layer ``initialize_parameters``'s ``W1``, the
    loop's ``layer_dims[l], layer_dims[l - 1]`` for the deep one."""
    match = re.search(r"'(W\d+)'", path)
    if match and function == "initialize_parameters":
        names = {"W1": "n_h, n_x", "W2": "n_y, n_h"}
        if match.group(1) in names:
            return names[match.group(1)]
    if match:
        return "layer_dims[l], layer_dims[l - 1]"
    return ", ".join(map(str, shape))


def _leaky_slope(spec: FunctionSpec, case: Case, diff: _Diff) -> float | None:
    """The slope c of a relu's A that is Z for Z > 0 and c·Z (c ≠ 0) for Z < 0."""
    if spec.name != "relu" or diff.keys[:1] != (0,) or not isinstance(diff.actual, np.ndarray):
        return None
    Z, A = np.asarray(case.args[0], dtype=float), diff.actual
    negative = Z < 0
    if A.shape != Z.shape or not negative.any() or not _close(A[~negative], Z[~negative]):
        return None
    slopes = A[negative] / Z[negative]
    if not np.all(np.isfinite(slopes)) or not np.allclose(slopes, slopes[0]) or \
            abs(slopes[0]) < 1e-12:
        return None
    return float(slopes[0])


#: What each function's flipped gradient most likely comes from.
_GRADIENT_SIGN = {
    "propagate": "dw = (1/m) X (A − Y)ᵀ and db = (1/m) Σ (A − Y): A − Y, not Y − A",
    "backward_propagation": "dZ2 = A2 − Y (not Y − A2), then dW2 = (1/m) dZ2 A1ᵀ",
    "optimize": "w := w − α dw and b := b − α db, with dw = (1/m) X (A − Y)ᵀ",
}


def _sign_hint(spec: FunctionSpec, path: str) -> tuple[str, str]:
    """The hint for a value that is the expected one negated: the cost's sign, dAL's,
    the step's direction or A − Y, by where it lies."""
    name = re.match(r"\w+", path).group() if re.match(r"\w+", path) else path
    if name in ("cost", "costs", "J"):
        return "sign_flipped", HINTS["sign_flipped"]
    if spec.name == "L_model_backward":
        return "dAL_sign", HINTS["dAL_sign"]
    if spec.name == "update_parameters":
        return "step_sign", HINTS["step_sign"]
    formula = _GRADIENT_SIGN.get(spec.name, "the backward pass starts from dZ = A − Y "
                                            "(not Y − A)")
    return "gradient_sign", HINTS["gradient_sign"].format(formula=formula)


_DERIVATIVES = {
    "sigmoid": {"formula": "σ'(Z) = σ(Z)(1 − σ(Z)) = A(1 − A)", "written": "A(1 − A)",
                "g": "σ"},
    "tanh": {"formula": "tanh'(Z) = 1 − tanh(Z)² = 1 − A²", "written": "1 − A²", "g": "tanh"},
    "relu": {"formula": "relu'(Z) = 1 where Z > 0, else 0", "written": "A > 0", "g": "relu"},
}


_NUMBERED = __import__("re").compile(r"^(dA|dW|db|W|b)(\d+)$")


def _shifted(expected: Any, actual: Any, diff: _Diff) -> dict | None:
    """The differing entry's value found one layer away: the expected ``grads['dW1']``
    under the learner's ``'dW2'`` or ``'dW0'``, or theirs ``'dW1'`` being the expected
    ``'dW2'``; the keys are named in the dict the function returns (``grads``,
    ``parameters``)."""
    if not (isinstance(expected, dict) and isinstance(actual, dict) and diff.keys):
        return None
    key = str(diff.keys[-1])
    match = _NUMBERED.match(key)
    if not match:
        return None
    name = diff.path[:diff.path.rindex("[")] if "[" in diff.path else "grads"
    for shift in (1, -1):
        other = f"{match.group(1)}{int(match.group(2)) + shift}"
        if other in actual and key in expected:
            arr = _as_array(actual[other])
            if arr is not None and _close(arr, np.asarray(expected[key], dtype=float)):
                return {"actual_key": f"{name}['{other}']",
                        "expected_key": f"{name}['{key}']"}
        if key in actual and other in expected:
            arr = _as_array(actual[key])
            if arr is not None and _close(arr, np.asarray(expected[other], dtype=float)):
                return {"actual_key": f"{name}['{key}']",
                        "expected_key": f"{name}['{other}']"}
    return None


def _alternatives(spec: FunctionSpec, case: Case, reference):
    """(hint id, a function computing the reference under the hypothesis[, the hint's
    fields])."""
    fn = getattr(reference, spec.name)
    args, kwargs = case.args, case.kwargs
    names = spec.arg_names

    def no_bias():
        new = []
        for name, value in zip(names, args):
            if name == "b":
                value = np.zeros_like(value) if isinstance(value, np.ndarray) else 0.0
            elif name == "parameters" and isinstance(value, dict):
                value = {k: (np.zeros_like(v) if k.startswith("b") else v)
                         for k, v in value.items()}
            new.append(value)
        return fn(*new, **kwargs)

    if spec.name == "update_parameters":
        def b_not_updated():
            grads = {k: (np.zeros_like(v) if k.startswith("db") else v)
                     for k, v in args[1].items()}
            return fn(args[0], grads, *args[2:], **kwargs)
        yield "bias_not_updated", b_not_updated, {"W": "W"}

        layers = [int(k[2:]) for k in args[1] if k.startswith("dW") and k[2:].isdigit()]
        if len(layers) > 1:
            last = str(max(layers))

            def last_layer_not_updated():
                grads = {k: (np.zeros_like(v) if k in ("dW" + last, "db" + last) else v)
                         for k, v in args[1].items()}
                return fn(args[0], grads, *args[2:], **kwargs)
            yield "last_layer_not_updated", last_layer_not_updated, {"L": last}

        def up_the_gradient():  # W + α dW and b + α db: compared at one entry
            grads = {k: -np.asarray(v, dtype=float) for k, v in args[1].items()}
            return fn(args[0], grads, *args[2:], **kwargs)
        yield "step_sign", up_the_gradient
    elif "b" in names or "parameters" in names:
        yield "bias_left_out", no_bias
    name = spec.name
    if (name in ("optimize", "nn_model", "two_layer_model", "L_layer_model")
            and kwargs.get("num_iterations", 1) > 1):
        yield "one_iteration", lambda: fn(*args, **{**kwargs, "num_iterations": 1})
    sig, tanh = _DERIVATIVES["sigmoid"], _DERIVATIVES["tanh"]
    if name == "sigmoid_backward":
        dA, Z = args
        s = reference.sigmoid(Z)[0]
        yield "derivative_at_A", lambda: fn(dA, s), sig
        yield "derivative_of_Z", lambda: dA * Z * (1 - Z), sig
        yield "factor_missing", lambda: dA * s, {"factor": "(1 − s)"}
        yield "factor_missing", lambda: dA * (1 - s), {"factor": "s"}
        yield "factor_missing", lambda: s * (1 - s), {"factor": "dA"}
    elif name == "relu_backward":
        dA, Z = (np.asarray(v, dtype=float) for v in args)
        yield "relu_mask_missing", lambda: dA.copy()
        yield "relu_mask_reversed", lambda: np.where(Z > 0, 0.0, dA)
        yield "relu_dA_missing", lambda: (Z > 0).astype(float)
        if (Z == 0).any():
            yield "relu_at_zero", lambda: np.where(Z < 0, 0.0, dA)
    elif name == "linear_activation_backward":
        dA, (linear, Z), activation = args
        g = reference._activation(activation).forward
        fields = _DERIVATIVES.get(activation, sig)
        yield "derivative_at_A", lambda: fn(dA, (linear, g(Z)), activation), fields
        if activation == "relu":
            dA_f, Z_f = np.asarray(dA, dtype=float), np.asarray(Z, dtype=float)
            yield "relu_mask_missing", lambda: reference.linear_backward(dA_f, linear)
            yield "relu_mask_reversed", lambda: reference.linear_backward(
                np.where(Z_f > 0, 0.0, dA_f), linear)
        if activation == "sigmoid":
            yield "derivative_of_Z", (lambda: reference.linear_backward(dA * Z * (1 - Z),
                                                                        linear)), sig
        dZ = getattr(reference, f"{activation}_backward", lambda dA, Z: None)(dA, Z)
        for db in _db_over_units(dZ, linear[0].shape[1]) if dZ is not None else ():
            yield "sum_axis", lambda db=db: (*fn(*args)[:2], db)
    elif name == "sigmoid":
        yield "exponent_sign", lambda: fn(-np.asarray(args[0], dtype=float))
    elif name == "optimize":
        yield "bias_not_updated", lambda: _optimize_b_fixed(reference, *args, **kwargs), {
            "W": "w"}
        for w_sign, b_sign in ((1.0, 1.0), (1.0, -1.0), (-1.0, 1.0)):  # w + α dw, b + α db
            yield "step_sign", lambda w_sign=w_sign, b_sign=b_sign: _optimize_signs(
                reference, *args, w_sign=w_sign, b_sign=b_sign, **kwargs)
    elif name == "linear_backward":
        dZ, (A_prev, _W, _b) = args
        for db in _db_over_units(dZ, A_prev.shape[1]):
            yield "sum_axis", lambda db=db: (*fn(*args)[:2], db)
    elif name in ("compute_cost", "propagate"):
        if name == "compute_cost":
            A, Y = np.asarray(args[0], dtype=float), np.asarray(args[1], dtype=float)
        else:
            w, b, X, Y = (np.asarray(v, dtype=float) for v in args)
            A = reference.sigmoid(w.T @ X + b)
            A = A[0] if isinstance(A, tuple) else A
        m = Y.shape[-1]

        def one_term(cost: float):
            return cost if name == "compute_cost" else (fn(*args, **kwargs)[0], cost)
        with np.errstate(all="ignore"):
            positive = -np.sum(Y * np.log(A)) / m
            negative = -np.sum((1 - Y) * np.log(1 - A)) / m
        yield ("cost_term_missing", lambda: one_term(positive),
               {"term": "Y log A", "missing": "(1 − Y) log(1 − A)"})
        yield ("cost_term_missing", lambda: one_term(negative),
               {"term": "(1 − Y) log(1 − A)", "missing": "Y log A"})
    elif name == "L_model_forward":
        X, parameters = args

        def every_layer(activation: str):
            """L_model_forward with one activation in every layer, the output's too."""
            A, caches, L = X, [], len(parameters) // 2
            for l in range(1, L + 1):
                A, cache = reference.linear_activation_forward(
                    A, parameters[f"W{l}"], parameters[f"b{l}"], activation)
                caches.append(cache)
            return A, caches
        yield "hidden_sigmoid", lambda: every_layer("sigmoid")
        yield "relu_output", lambda: every_layer("relu")
    elif name == "L_model_backward":
        AL, Y, caches = args
        yield "derivative_at_A", lambda: _deep_backward(reference, AL, Y, caches, "at_A"), sig
        yield "derivative_of_Z", lambda: _deep_backward(reference, AL, Y, caches, "Z_as_A"), sig
        yield "relu_output", lambda: _deep_backward(reference, AL, Y, caches, "relu")
    elif name == "forward_propagation":
        X, parameters = args[:2]

        def sigmoid_hidden_layer():
            sigmoid = ACTIVATIONS["sigmoid"].forward
            Z1 = parameters["W1"] @ X + parameters["b1"]
            A1 = sigmoid(Z1)
            Z2 = parameters["W2"] @ A1 + parameters["b2"]
            A2 = sigmoid(Z2)
            return A2, {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2}
        yield "shallow_hidden_sigmoid", sigmoid_hidden_layer
    elif name == "backward_propagation":
        parameters, cache, X, Y = args
        yield "derivative_of_Z", lambda: fn(parameters, dict(cache, A1=cache["Z1"]), X, Y), tanh
        yield "derivative_at_A", (lambda: fn(parameters, dict(cache, A1=np.tanh(cache["A1"])),
                                             X, Y)), tanh
        for written, derivative in [("1 − A1 (the square is missing)", lambda A1: 1 - A1),
                                    ("A1(1 − A1), the sigmoid's", lambda A1: A1 * (1 - A1))]:
            yield ("wrong_derivative", lambda d=derivative: _shallow_grads(
                parameters, cache, X, Y, derivative=d),
                {"formula": "tanh'(Z1) = 1 − A1² (1 - np.power(A1, 2))", "written": written})
        for keepdims in (True, False):
            for over_m in (True, False):
                yield "sum_axis", lambda k=keepdims, o=over_m: _shallow_grads(
                    parameters, cache, X, Y, db_axis=0, keepdims=k, over_m=o)


def _optimize_signs(reference, w, b, X, Y, num_iterations=100, learning_rate=0.009,
                    print_cost=False, w_sign=-1.0, b_sign=-1.0):
    """The logistic optimize with w's or b's step up the gradient (sign +1: w + α dw)."""
    w, costs, grads = np.array(w, dtype=float), [], None
    with np.errstate(all="ignore"):
        for i in range(num_iterations):
            grads, cost = reference.propagate(w, b, X, Y)
            w = w + w_sign * learning_rate * grads["dw"]
            b = b + b_sign * learning_rate * grads["db"]
            if i % 100 == 0:
                costs.append(cost)
    return {"w": w, "b": b}, grads, costs


def _db_over_units(dZ, m):
    """db summed over axis 0 (the units) where axis 1 (the examples) was meant: with or
    without keepdims and 1/m."""
    dZ = np.asarray(dZ, dtype=float)
    for keepdims in (True, False):
        for scale in (1 / m, 1.0):
            yield np.sum(dZ, axis=0, keepdims=keepdims) * scale


def _shallow_grads(parameters, cache, X, Y, derivative=lambda A1: 1 - A1 ** 2, db_axis=1,
                   keepdims=True, over_m=True):
    """The shallow network's gradients written out (dZ2 = A2 − Y, dZ1 = W2ᵀ dZ2 * g'),
    with the hidden layer's derivative and db's sum as given."""
    X, Y = np.asarray(X, dtype=float), np.asarray(Y, dtype=float)
    m = X.shape[1]
    A1, A2 = cache["A1"], cache["A2"]
    dZ2 = A2 - Y
    dZ1 = parameters["W2"].T @ dZ2 * derivative(A1)

    def db(dZ):
        return np.sum(dZ, axis=db_axis, keepdims=keepdims) / (m if over_m else 1)
    return {"dW1": dZ1 @ X.T / m, "db1": db(dZ1), "dW2": dZ2 @ A1.T / m, "db2": db(dZ2)}


def _optimize_b_fixed(reference, w, b, X, Y, num_iterations=100, learning_rate=0.009,
                      print_cost=False):
    """The logistic optimize with b never updated (w steps with the gradients at it)."""
    w, costs, grads = np.array(w, dtype=float), [], None
    for i in range(num_iterations):
        grads, cost = reference.propagate(w, b, X, Y)
        w = w - learning_rate * grads["dw"]
        if i % 100 == 0:
            costs.append(cost)
    return {"w": w, "b": b}, grads, costs


def _deep_backward(reference, AL, Y, caches, mode):
    """L_model_backward with the sigmoid's derivative taken at the wrong array
    (``mode`` "at_A", "Z_as_A"), or with the output layer's taken as ReLU's ("relu")."""
    L = len(caches)
    dAL = -(Y / AL - (1 - Y) / (1 - AL))
    grads = {}
    linear, Z = caches[-1]
    if mode == "relu":
        dA, dW, db = reference.linear_activation_backward(dAL, caches[-1], "relu")
    elif mode == "at_A":
        dA, dW, db = reference.linear_activation_backward(dAL, (linear, reference._activation(
            "sigmoid").forward(Z)), "sigmoid")
    else:
        dA, dW, db = reference.linear_backward(dAL * Z * (1 - Z), linear)
    grads[f"dA{L - 1}"], grads[f"dW{L}"], grads[f"db{L}"] = dA, dW, db
    for l in reversed(range(1, L)):
        dA, grads[f"dW{l}"], grads[f"db{l}"] = reference.linear_activation_backward(
            dA, caches[l - 1], "relu")
        grads[f"dA{l - 1}"] = dA
    return grads


# ------------------------------------------------------------------------------ checking

def _normalise(spec: FunctionSpec, expected: Any, actual: Any) -> Any:
    # The course's older L_layer_model and two_layer_model return the parameters alone.
    if spec.name in ("two_layer_model", "L_layer_model") and isinstance(actual, dict):
        return (actual, expected[1])
    # a learner's own forward helper may return A alone (its callers expect that)
    if spec.name in _FORWARD_HELPERS and isinstance(spec.returns, tuple) and \
            isinstance(actual, np.ndarray):
        return (actual, expected[1])
    return actual


def _older_dA_keys(spec: FunctionSpec, expected: Any, actual: Any) -> Any:
    """``expected`` numbered as ``actual``'s dA keys are, where those follow the course's
    older L_model_backward template (grads["dA" + str(l + 1)] = dA_prev_temp: dA1 …
    dA{L}, each the dA_prev of its layer, where the newer has dA0 … dA{L-1})."""
    if spec.name != "L_model_backward" or not isinstance(expected, dict) or \
            not isinstance(actual, dict):
        return expected
    ours = sorted(k for k in expected if isinstance(k, str) and k.startswith("dA"))
    theirs = {k for k in actual if isinstance(k, str) and k.startswith("dA")}
    older = {f"dA{int(k[2:]) + 1}" for k in ours if k[2:].isdigit()}
    if not ours or theirs != older or theirs == set(ours):
        return expected
    return {(f"dA{int(k[2:]) + 1}" if k in ours else k): v for k, v in expected.items()}


def _judge(spec: FunctionSpec, reference, run: _Run) -> FunctionResult:
    result = FunctionResult(spec.name, "pass")
    for i, case in enumerate(spec.cases):
        if i >= len(run.outputs):
            result.status = "error"
            result.case = case.label
            if run.error is not None and run.error["type"] == "Signature":
                named = list(case.kwargs)
                by_name = (f" (the checker passes {', '.join(named[:-1])}"
                           f"{' and ' if len(named) > 1 else ''}{named[-1]} by name)"
                           if named else "")
                result.message = (f"your {spec.name}{run.error['message']} is not the course's "
                                  f"{spec.name}({', '.join(spec.arg_names)}){by_name}; give "
                                  "it the course's parameters, in this order")
            elif run.error is not None:
                text = _error_text(run.error)
                result.message = (f"{text} ({case.label})" if run.error["type"] in _EXITS
                                  else f"your code raised {text} ({case.label})")
                result.lines = run.error["lines"]
                hinted = _layer_key_hint(run.error, case)
                if hinted is not None:
                    result.hint_id, result.hint = hinted
            else:
                result.message = f"{run.problem} ({case.label})"
            return result
        top = spec.returns
        closest = None  # (its distance, the version's note, function, output, difference)
        for note, fn in spec.versions or (("", getattr(reference, spec.name)),):
            # the reference draws from generators of its own, seeded as the course's
            # seeds say: NumPy's global state, which other threads share, is not
            # touched (the learner's function had it seeded in its own process)
            expected = fn(*_copy(case.args), **case.kwargs)
            actual = _normalise(spec, expected, run.outputs[i])
            expected = _older_dA_keys(spec, expected, actual)
            if isinstance(top, tuple) and (not isinstance(actual, (tuple, list))
                                           or len(actual) != len(top)):
                result.status = "fail"
                result.case = case.label
                result.array = ", ".join(top)
                what = (f"a {type(actual).__name__} of {len(actual)} value"
                        f"{'' if len(actual) == 1 else 's'}"
                        if isinstance(actual, (tuple, list)) else _type_name(actual))
                result.message = (f"returns {what} where {len(top)} values "
                                  f"({', '.join(top)}) were expected")
                return result
            diff = _output_difference(top, expected, actual)
            if diff is None:
                break
            distance = _distance(expected, actual, diff)
            if closest is None or distance < closest[0]:
                closest = (distance, note, fn, expected, diff)
        if diff is None:
            continue
        _, note, fn, expected, diff = closest
        if len(spec.versions) > 1:  # which right answer it was compared with
            reference = _Replaced(reference, spec.name, fn)
        result.status = "fail"
        result.case = f"{case.label}; {note}" if len(spec.versions) > 1 else case.label
        result.array = diff.path
        if diff.reason:
            result.message = f"{diff.path} {diff.reason}"
        a_arr = diff.actual if isinstance(diff.actual, np.ndarray) else None
        e_arr = np.asarray(diff.expected, dtype=float) if _is_leaf(diff.expected) else None
        if e_arr is not None:
            result.expected_shape = list(e_arr.shape)
        if a_arr is not None:
            result.actual_shape = list(a_arr.shape)
        elif e_arr is not None:
            result.found = diff.found or _type_name(diff.actual)
            result._said = result.message  # shown as "got ...": not repeated in the text
        if a_arr is not None and e_arr is not None and a_arr.shape == e_arr.shape:
            # arrays of other shapes have no differences to show: their shapes differ
            result.max_abs_diff, result.max_rel_diff = _differences(a_arr, e_arr)
            if a_arr.size:
                with np.errstate(invalid="ignore"):
                    gap = np.abs(a_arr - e_arr)
                gap = np.where(np.isnan(gap), np.inf, gap)  # a NaN is the worst place
                where = np.unravel_index(int(np.argmax(gap)), gap.shape)
                outside = _outside(a_arr, e_arr, diff.single)
                if not outside[where]:  # the largest difference is within the tolerance
                    # (a float32 value of 2.8); show the largest of those beyond it
                    gap = np.where(outside, gap, -1.0)
                    where = np.unravel_index(int(np.argmax(gap)), gap.shape)
                    result.max_abs_diff = float(gap[where])
                result.where = [int(i) for i in where]
                result.expected_value = float(e_arr[where])
                result.actual_value = float(a_arr[where])
                # relative to the expected value there; none where 0 was expected
                # (1 against 0 read "relative 1e+12")
                scale = abs(result.expected_value)
                result.max_rel_diff = (result.max_abs_diff / scale if scale > 1e-12 and
                                       result.max_abs_diff is not None else None)
        hint = _hints(spec, case, reference, diff, actual, expected)
        if hint:
            result.hint_id, result.hint = hint
        return result
    _changed_argument(spec, run, result)
    return result


#: The functions whose arguments their callers read again (the backward pass keeps dA
#: in grads, a cache's Z is read by the backward pass): writing into one is a mistake
#: even where the function's own value is right. The training loops and
#: update_parameters may update what they are given (the course's tests allow it).
_KEEP_ARGUMENTS = {"sigmoid", "relu", "sigmoid_backward", "relu_backward", "linear_forward",
                   "linear_activation_forward", "L_model_forward", "compute_cost",
                   "linear_backward", "linear_activation_backward", "L_model_backward",
                   "propagate", "forward_propagation", "backward_propagation", "predict",
                   "layer_sizes"}


def _changed_argument(spec: FunctionSpec, run: _Run, result: FunctionResult) -> None:
    """Fail a function whose values are right but that wrote into an argument its
    callers read again (relu_backward's dZ = dA, then dZ[Z <= 0] = 0)."""
    if spec.name not in _KEEP_ARGUMENTS:
        return
    for case, changed in zip(spec.cases, run.changed):
        if not changed:
            continue
        name = spec.arg_names[changed[0]] if changed[0] < len(spec.arg_names) else "an argument"
        result.status = "fail"
        result.case = case.label
        result.message = (f"changes its argument {name} in place ({case.label}): the "
                          f"values it returns are right, but whoever called it reads "
                          f"{name} again and finds it changed")
        result.hint_id = "argument_changed"
        result.hint = HINTS["argument_changed"].format(name=name)
        return


def _output_difference(top: tuple[str, ...] | str, expected: Any, actual: Any) -> _Diff | None:
    """The first difference of a function's output from the expected one, or None."""
    if not isinstance(top, tuple):
        return _compare(expected, actual, top)
    for name, e, a in zip(top, expected, actual):
        diff = _compare(e, a, name)
        if diff:
            diff.keys = (top.index(name),) + diff.keys
            return diff
    return None


def _distance(expected: Any, actual: Any, diff: _Diff) -> tuple[int, float]:
    """How far an output is from one right answer, to tell which of the course's versions
    it follows: how many of its arrays differ, then the largest difference of the first
    that does (a structural difference, or arrays of other shapes, the farthest)."""
    a, e = diff.actual, diff.expected
    largest = np.inf
    if diff.reason is None and isinstance(a, np.ndarray) and _is_leaf(e):
        e = np.asarray(e, dtype=float)
        if a.shape == e.shape:
            found, _ = _differences(a, e)
            largest = found if found is not None and np.isfinite(found) else np.inf
    return _differing_arrays(expected, actual), largest


def _differing_arrays(expected: Any, actual: Any) -> int:
    """The number of the expected output's arrays (and numbers) that ``actual`` lacks or
    has otherwise."""
    if isinstance(expected, dict):
        return sum(_differing_arrays(v, actual[k]) if isinstance(actual, dict) and k in actual
                   else _leaf_count(v) for k, v in expected.items())
    if isinstance(expected, (tuple, list)) and not _is_leaf(expected):
        if not isinstance(actual, (tuple, list)) or len(actual) != len(expected):
            return _leaf_count(expected)
        return sum(_differing_arrays(e, a) for e, a in zip(expected, actual))
    return 0 if _compare(expected, actual, "") is None else 1


def _leaf_count(value: Any) -> int:
    if isinstance(value, dict):
        return sum(map(_leaf_count, value.values()))
    if isinstance(value, (tuple, list)) and not _is_leaf(value):
        return sum(map(_leaf_count, value))
    return 1


class _Replaced:
    """The reference module with one function replaced: the version of it a learner's
    output was compared with, for the hints' hypotheses."""

    def __init__(self, module: Any, name: str, fn: Callable) -> None:
        self._module, self._name, self._fn = module, name, fn

    def __getattr__(self, name: str) -> Any:
        return self._fn if name == self._name else getattr(self._module, name)


def _copy(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        return value.copy()
    if isinstance(value, tuple):
        return tuple(_copy(v) for v in value)
    if isinstance(value, list):
        return [_copy(v) for v in value]
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    return value


def _placeholders(path: Path, name: str) -> list[str]:
    """The names that function ``name`` of the file only ever sets to None, in order:
    the course's templates write ``A = None`` for the learner to replace."""
    fn = _last_definition(path, name)
    if fn is None:
        return []
    only_none: dict[str, bool] = {}
    for node in ast.walk(fn):
        pairs: list[tuple[ast.AST, ast.AST | None]] = []
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if (isinstance(target, ast.Tuple) and isinstance(node.value, ast.Tuple)
                        and len(target.elts) == len(node.value.elts)):
                    pairs += zip(target.elts, node.value.elts)
                else:
                    pairs.append((target, node.value))
        elif isinstance(node, (ast.AnnAssign, ast.AugAssign, ast.For, ast.comprehension)):
            pairs.append((node.target, None))
        elif isinstance(node, ast.NamedExpr):
            pairs.append((node.target, node.value))
        for target, value in pairs:
            none = isinstance(value, ast.Constant) and value.value is None
            for leaf in ast.walk(target):
                if isinstance(leaf, ast.Name):
                    only_none[leaf.id] = only_none.get(leaf.id, True) and none
    return [n for n, only in only_none.items() if only]


def _hint_placeholders(result: FunctionResult, path: Path,
                       returns: tuple[str, ...] | str = ()) -> None:
    """Where a function gave None or failed on one, and its code still sets names to
    None only (the template's placeholders), or has no ``return`` of a value, say so:
    unless a hint says more already."""
    if result.hint is not None:
        return
    gave_none = result.found == "None" or (result.message or "").startswith("returns None ") \
        or (isinstance(returns, str) and result.array == returns
            and (result.message or "").startswith(f"{returns} is None where "))  # a dict
    none = gave_none or "'NoneType'" in (result.message or "")
    names = _placeholders(path, result.name) if none else []
    if gave_none and not names and not _returns_a_value(path, result.name):
        shown = ", ".join(returns) if isinstance(returns, tuple) else returns
        result.hint_id = "no_return"
        result.hint = HINTS["no_return"].format(function=result.name, values=shown)
        return
    if names:
        shown = names[:4] + (["..."] if len(names) > 4 else [])
        result.hint_id = "placeholder"
        result.hint = HINTS["placeholder"].format(
            names=", ".join(shown[:-1]) + (" and " if len(shown) > 1 else "") + shown[-1],
            verb="is" if len(names) == 1 else "are", function=result.name,
            them="it" if len(names) == 1 else "them", first=names[0])


def _read_python(path: Path) -> str:
    """A Python file's text as Python reads it: UTF-8, or the encoding its coding line
    names (PEP 263), a UTF-8 byte-order mark left out. Raises OSError,
    UnicodeDecodeError, or SyntaxError for a coding line Python refuses."""
    with tokenize.open(path) as f:
        return f.read()


def _parse(source: str, filename: str, flags: int = 0) -> ast.Module:
    """``source``'s tree, compiled too: the errors Python finds only when it compiles
    (``break`` outside a loop, a late ``from __future__`` import) are syntax errors as
    well. Raises SyntaxError (with ``lineno`` None when not at a line)."""
    try:
        tree = ast.parse(source, filename=filename)
        compile(tree, filename, "exec", flags=flags, dont_inherit=True)
    except (ValueError, RecursionError, MemoryError) as exc:  # null bytes, deep nesting
        error = SyntaxError("nested too deeply for Python to read"
                            if not isinstance(exc, ValueError) else str(exc))
        raise error from None
    return tree


def _top_level_names(path: Path, shown: str) -> set[str]:
    """The names a file defines (functions, and names assigned); ``shown`` is the
    file's name as the learner gave it."""
    try:
        source = _read_python(path)
    except UnicodeDecodeError:
        raise CheckError(f"{shown} is not a text file (not UTF-8, nor the encoding its "
                         "coding line names); give your .py file or notebook (.ipynb)") from None
    except OSError as exc:  # no permission to read it, an I/O error
        raise CheckError(f"{shown}: cannot be read ({exc.strerror or type(exc).__name__}); "
                         "check that the file is yours to read") from None
    except SyntaxError as exc:  # a coding line that names no encoding Python knows
        if not str(exc).startswith("unknown encoding"):
            raise CheckError(f"{shown} is not a text file (not UTF-8); give your .py file "
                             "or notebook (.ipynb)") from None
        raise CheckError(f"{shown}: its coding line names an encoding Python does not know "
                         f"({str(exc).rsplit(': ', 1)[-1]}); fix that line, or save the file "
                         "as UTF-8 without it") from None
    try:
        tree = _parse(source, str(path))
    except SyntaxError as exc:
        where = f"line {exc.lineno}" if exc.lineno else "it"
        raise CheckError(f"{shown}: {where} is not valid Python ({exc.msg}); "
                         "fix it") from None
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
    return names


def _source_of(namespace: Any) -> str:
    """A file's text for functions defined in a notebook (no file).

    Each function of the namespace, under the name it has there (``check({"sigmoid":
    my_sigmoid})`` checks ``my_sigmoid`` as ``sigmoid``), with what its code reads from
    the notebook's globals: the modules it uses (imported again), numbers, strings and
    small arrays (written out) and the other functions it calls (their source)."""
    items = list(vars(namespace).items() if not isinstance(namespace, dict)
                 else namespace.items())
    course = set().union(*map(set, FUNCTION_NAMES.values()), *map(set, HELPERS.values()))
    for name, value in items:
        if not isinstance(name, str) or not name.isidentifier():
            raise CheckError(f"the dict's keys are the functions' names; {name!r} is not a "
                             "Python name")
        if name in course and not callable(value):
            raise CheckError(f"{name} is not a function (it is {type(value).__name__!r}); "
                             f"give {{{name!r}: your_function}}")
    given = [(name, value) for name, value in items
             if inspect.isfunction(value) and not name.startswith("__")]
    imports = ["import numpy as np", "import math", "import copy",
               f"import sys as _sys\n_sys.path.insert(1, {os.getcwd()!r})"]
    constants: list[str] = []
    sources: list[str] = []
    aliases: list[str] = []
    written: set = set()
    unreadable: list[str] = []

    def write_function(fn, as_name: str | None) -> None:
        if id(fn) not in written:
            written.add(id(fn))
            code = _function_source(fn)
            if code is None:
                unreadable.append(as_name or fn.__name__)
                return
            if fn.__name__ == "<lambda>":
                code = f"{as_name or '_lambda_' + str(len(written))} = {code}"
            sources.append(code)
            for dep_name, dep in _globals_read(fn):
                imported = _import_line(dep, dep_name)
                if imported is not None:  # a library's function, class or ufunc
                    if imported not in imports:
                        imports.append(imported)
                elif inspect.isfunction(dep):
                    write_function(dep, dep_name)
                    if dep.__name__ not in (dep_name, "<lambda>"):
                        aliases.append(f"{dep_name} = {dep.__name__}")
                elif inspect.ismodule(dep):
                    line = (f"import {dep.__name__}" if dep_name == dep.__name__ else
                            f"import {dep.__name__} as {dep_name}")
                    if "." in dep.__name__ and dep_name != dep.__name__:
                        line = f"import {dep.__name__} as {dep_name}"
                    if line not in imports:
                        imports.append(line)
                else:
                    text = _literal(dep)
                    if text is not None and f"{dep_name} = {text}" not in constants:
                        constants.append(f"{dep_name} = {text}")
        if as_name and fn.__name__ not in (as_name, "<lambda>"):
            aliases.append(f"{as_name} = {fn.__name__}")

    for name, value in given:
        write_function(value, name)
    names_given = {name for name, _ in given}
    if unreadable:
        course_unreadable = [n for n in dict.fromkeys(unreadable) if n in course
                             or n in names_given]
        if course_unreadable:
            raise CheckError(f"cannot read the source of {', '.join(course_unreadable)} "
                             "(functions typed at a python prompt or made by exec keep none; "
                             "Jupyter's do): save them in a .py file and check that file")
    # the names the dict gives win over a notebook function of the same name
    final = [line for name, value in given
             for line in [f"{name} = {value.__name__}"]
             if value.__name__ not in (name, "<lambda>")]
    return "\n\n".join(["\n".join(imports), "\n".join(constants), *sources,
                        "\n".join(dict.fromkeys(aliases + final))]) + "\n"


def _import_line(value: Any, as_name: str) -> str | None:
    """``from module import name as as_name`` for an object a module (not the notebook)
    holds under its own name, or None."""
    module_name = getattr(value, "__module__", None)
    name = getattr(value, "__name__", None)
    if inspect.ismodule(value) or not isinstance(name, str) or module_name == "__main__" \
            or isinstance(value, (int, float, str, bytes, bool, list, tuple, dict, np.ndarray)):
        return None
    if inspect.isfunction(value) and not _is_library(sys.modules.get(module_name)):
        return None  # the learner's own (a module beside the notebook): its source

    def holds(module) -> bool:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                return getattr(module, name, None) is value
        except Exception:  # noqa: BLE001 - a module whose attribute lookup fails
            return False

    if not (isinstance(module_name, str) and holds(sys.modules.get(module_name))):
        # a NumPy ufunc (scipy.special.expit) names no module: the shortest that holds it
        found = sorted((n for n, m in list(sys.modules.items())
                        if m is not None and n != "__main__" and not n.startswith("_")
                        and holds(m)), key=lambda n: (n.count("."), len(n)))
        if not found:
            return None
        module_name = found[0]
    return f"from {module_name} import {name}" + (f" as {as_name}" if as_name != name else "")


def _is_library(module) -> bool:
    """Whether a module is installed (the standard library, site-packages, nnscratch),
    not a learner's file."""
    file = getattr(module, "__file__", None)
    if not file:
        return module is not None  # a built-in module
    import sysconfig

    roots = {sysconfig.get_paths()[k] for k in ("stdlib", "platstdlib", "purelib", "platlib")}
    roots.add(str(Path(__file__).resolve().parent))
    path = str(Path(file).resolve())
    return any(path.startswith(str(Path(root).resolve()) + os.sep) for root in roots)


def _function_source(fn) -> str | None:
    """A function's source (dedented); a lambda's expression alone, or None."""
    try:
        text = textwrap.dedent(inspect.getsource(fn))
    except (OSError, TypeError):
        return None
    if fn.__name__ != "<lambda>":
        return text
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return None
    lambdas = [node for node in ast.walk(tree) if isinstance(node, ast.Lambda)]
    args = fn.__code__.co_varnames[:fn.__code__.co_argcount]
    lambdas = [node for node in lambdas if tuple(a.arg for a in node.args.args) == args]
    if len(lambdas) != 1:  # several lambdas on the line: which is it?
        return None
    return ast.get_source_segment(text, lambdas[0])


def _globals_read(fn) -> list[tuple[str, Any]]:
    """The notebook globals a function's code (and the code nested in it) reads."""
    names: list[str] = []
    stack = [fn.__code__]
    while stack:
        code = stack.pop()
        names.extend(code.co_names)
        stack.extend(c for c in code.co_consts if inspect.iscode(c))
    scope = getattr(fn, "__globals__", {})
    return [(n, scope[n]) for n in dict.fromkeys(names) if n in scope and not n.startswith("__")]


def _literal(value: Any) -> str | None:
    """Python source that rebuilds ``value``: numbers, strings, their lists, tuples and
    dicts, and arrays of up to 10,000 numbers; None for anything else."""
    if isinstance(value, np.ndarray):
        if value.dtype.kind in "biuf" and value.size <= 10_000:
            return f"np.array({value.tolist()!r}, dtype={str(value.dtype)!r})"
        return None
    if isinstance(value, (np.integer, np.floating)):
        value = value.item()
    if isinstance(value, float) and not np.isfinite(value):
        return f"float({str(value)!r})"
    try:
        text = repr(value)
        if len(text) > 100_000 or ast.literal_eval(text) != value:
            return None
    except (ValueError, SyntaxError, TypeError, RecursionError, MemoryError):
        return None
    return text


def check(module_or_path, assignment: str | None = None, *, timeout: float = 20.0,
          total_timeout: float = 300.0, functions=None) -> CheckReport:
    """Run a learner's own course functions against the course's contract.

    Parameters
    ----------
    module_or_path : str, Path, module or dict
        The learner's ``.py`` file or Jupyter notebook (``.ipynb``: its imports,
        functions and classes, see :func:`_notebook_source`), a module imported from
        one, or (in a running notebook, where functions have no file) a module or dict
        of functions, whose source is then written to a temporary file. A file whose
        name ends otherwise than ``.ipynb`` is read as Python source (as Python reads
        it: UTF-8 or its coding line's encoding, a byte-order mark allowed).
    assignment : {"logistic", "shallow", "deep"}, optional
        Detected from the function names when absent.
    timeout : float, default=20
        Seconds for each function (all its cases, in one process), and for the file's
        top-level code (run once, before any function).
    total_timeout : float, default=300
        Seconds for the whole check; the functions not reached are reported as errors.
    functions : str or sequence of str, optional
        Check only these functions (the others are not run, nor reported); not empty.

    Returns
    -------
    CheckReport

    Raises
    ------
    CheckError
        No such file (or not a regular file), not Python, no course function in it, an
        unknown assignment, no function asked for, or a time limit that is not a
        positive finite number of seconds.
    TypeError
        A time limit that is not a number.
    """
    if assignment is not None and assignment not in FUNCTION_NAMES:
        raise CheckError(f"unknown assignment {assignment!r}; choose logistic, shallow or deep")
    for name, seconds in (("timeout", timeout), ("total_timeout", total_timeout)):
        if isinstance(seconds, bool) or not isinstance(seconds, (int, float, np.integer,
                                                                 np.floating)):
            raise TypeError(f"{name} must be a number of seconds, not "
                            f"{type(seconds).__name__}; give e.g. {name}=20")
        if not (math.isfinite(seconds) and seconds > 0):
            raise CheckError(f"{name} must be a positive finite number of seconds, not "
                             f"{seconds!r}; give e.g. {name}=20")
    tmp_name = None
    cells: list[tuple[int, int]] | None = None  # a notebook file's lines: (cell, line)
    try:
        path = _resolve(module_or_path)
        shown = str(module_or_path)
        source = None
        if path is None:
            source, shown = _source_of(module_or_path), "(notebook functions)"
        elif path.suffix.lower() == ".ipynb":
            source, cells = _notebook_source(path, shown)
        if source is not None:
            with tempfile.NamedTemporaryFile("w", suffix=".py", prefix="notebook_",
                                             delete=False, encoding="utf-8") as tmp:
                tmp_name = tmp.name
                tmp.write(source)
            path = Path(tmp_name)
        # the reference's deep.predict prints its accuracy, as the course's does: nothing
        # the checker runs in this process may reach stdout (``check --json`` is JSON
        # only), and it is kept quiet in this thread alone (other threads print theirs)
        # SIGTERM or SIGHUP (``kill``, ``timeout``, a closed terminal) end the check as
        # Ctrl-C does, through the clean-up that ends the processes running the file
        with _checks.unprinted(), _files._terminate_as_exit():
            report = _check_file(path, assignment, float(timeout), float(total_timeout),
                                 functions, shown=shown, cells=cells)
        if cells is not None:  # the generated file's lines, as the notebook's cells
            for result in [*report.functions, report.file_error]:
                if result is not None:
                    result.lines = [[None, None, fn, code] if line is None  # repeats
                                    else [*cells[line - 1], fn, code] if 0 < line <= len(cells)
                                    else [line, fn, code] for line, fn, code in result.lines]
        return report
    finally:
        if tmp_name is not None:
            with contextlib.suppress(FileNotFoundError):  # the file's own code deleted it
                os.unlink(tmp_name)


#: The largest notebook file read (pictures in its outputs make it large).
MAX_NOTEBOOK_BYTES = 64 * 2**20

#: The helpers of the course's ``dnn_utils`` (the step-by-step notebook's module).
_DNN_HELPERS = ("sigmoid", "relu", "sigmoid_backward", "relu_backward")

#: The helper modules the course's notebooks import, which lie beside them in the
#: course's folders: what the checker gives in their place when they are absent (the
#: functions of theirs that the library's reference has; not ``load_data`` and the like).
_COURSE_MODULES = {
    re.compile(r"dnn_utils(_v\d+)?"): (("nnscratch.course.deep",), _DNN_HELPERS),
    # the Application notebook's module holds the step-by-step assignment's functions too,
    # but its own initialize_parameters_deep (the later module's name wins)
    re.compile(r"dnn_app_utils(_v\d+)?"): (
        ("nnscratch.course.deep", "nnscratch.course._application"), _DNN_HELPERS + (
            "initialize_parameters", "initialize_parameters_deep", "linear_forward",
            "linear_activation_forward", "L_model_forward", "compute_cost", "linear_backward",
            "linear_activation_backward", "L_model_backward", "update_parameters",
            "predict")),
    re.compile(r"planar_utils"): (("nnscratch.course.logistic",), ("sigmoid",)),
}

#: IPython's own lines: ``%magic``, ``!shell``, ``x = !ls``, ``t = %timeit -o f()``, and
#: help, ``name?``, ``name??``, ``?name``, ``??name`` (``np.*dot*?``: a search).
_MAGIC = re.compile(r"""^\s*(?:
      [%!]
    | [\w.,\s]+=\s*[%!]
    | \?{1,2}[\w.*]+\s*$
    | [\w.*]+\?{1,2}\s*$
)""", re.X)

#: The cell magics whose body IPython runs as Python in the notebook's namespace (the
#: body of ``%%bash``, ``%%html``, ``%%writefile``..., or ``%%timeit``'s, defines nothing).
_PYTHON_CELL_MAGICS = {"time", "capture"}


def _without_magics(text: str) -> str:
    """A code cell's text with IPython's lines blank (so that its line numbers stay): as
    it is when it is Python already (a docstring's ``Why?`` line is kept). Only a line
    that begins a statement can be IPython's: not one inside brackets, a string or after
    a backslash (``!= 5`` or ``% 2`` that continue an expression are Python)."""
    lines = text.split("\n")
    first = next((line.strip() for line in lines if line.strip()), "")
    if first.startswith("%%"):
        magic = first[2:].split(maxsplit=1)[0] if first[2:].strip() else ""
        if magic not in _PYTHON_CELL_MAGICS:
            return "\n" * (len(lines) - 1)
    try:
        ast.parse(text)
    except SyntaxError:
        pass
    else:
        return text
    state = _LineState()
    kept = []
    for line in lines:
        if state.at_start() and _MAGIC.match(line):
            kept.append("")
            continue
        state.read(line)
        kept.append(line)
    return "\n".join(kept)


class _LineState:
    """Where a cell's text stands after the lines read so far: inside brackets, inside
    a string that goes on (triple-quoted, or a backslash at its line's end), or after a
    backslash that continues the line; enough to tell where a statement can begin."""

    def __init__(self) -> None:
        self.depth = 0
        self.quote: str | None = None  # the open string's quotes
        self.continued = False

    def at_start(self) -> bool:
        return self.depth == 0 and self.quote is None and not self.continued

    def read(self, line: str) -> None:
        self.continued = False
        i, n = 0, len(line)
        while i < n:
            c = line[i]
            if self.quote is not None:
                if c == "\\":
                    if i == n - 1:  # the string goes on to the next line
                        return
                    i += 2
                elif line.startswith(self.quote, i):
                    i += len(self.quote)
                    self.quote = None
                else:
                    i += 1
                continue
            if c == "#":
                break
            if c in "'\"":
                self.quote = c * 3 if line.startswith(c * 3, i) else c
                i += len(self.quote)
                continue
            if c in "([{":
                self.depth += 1
            elif c in ")]}":
                self.depth = max(self.depth - 1, 0)
            elif c == "\\" and i == n - 1:
                self.continued = True
            i += 1
        if self.quote in ("'", '"'):  # a one-line string left open: Python's error, not ours
            self.quote = None


def _notebook_source(path: Path, shown: str) -> tuple[str, list[tuple[int, int]]]:
    """A Python file of a Jupyter notebook's definitions, and each of its lines' place
    in the notebook: (code cell, counted from 1; line in that cell).

    Only the imports, functions, classes and assignments that call nothing
    (:func:`_notebook_constant`) of the code cells are kept: the code that loads data,
    runs the course's tests or trains is left out (the checker runs the functions
    itself). A course helper module the notebook imports (``dnn_utils``,
    ``dnn_app_utils_v3``, ``planar_utils``) that is not beside it is replaced by a
    module of the library's versions of the functions it gives; another missing module
    (``public_tests``, ``lr_utils``) is left out. IPython's ``%magic``, ``!shell``,
    ``name?`` and ``?name`` lines are left out, as are the cells of a cell magic such
    as ``%%bash`` (the body of ``%%time`` runs). ``from __future__`` imports go first.
    """
    if path.stat().st_size > MAX_NOTEBOOK_BYTES:
        raise CheckError(f"{shown} is larger than {MAX_NOTEBOOK_BYTES // 2**20} MiB; clear "
                         "its outputs (Cell > All Output > Clear) or check an exported .py")
    try:
        notebook = json.loads(path.read_text(encoding="utf-8-sig"))  # a BOM is allowed
    except (UnicodeDecodeError, ValueError):
        raise CheckError(f"{shown} is not a Jupyter notebook (not JSON); give the .ipynb "
                         "file Jupyter saved, or a .py file") from None
    except RecursionError:
        raise CheckError(f"{shown} is not a Jupyter notebook (its JSON is nested too "
                         "deeply); give the .ipynb file Jupyter saved, or a .py file") from None
    except OSError as exc:  # no permission to read it, an I/O error
        raise CheckError(f"{shown}: cannot be read ({exc.strerror or type(exc).__name__}); "
                         "check that the file is yours to read") from None
    if isinstance(notebook, dict) and "worksheets" in notebook and "cells" not in notebook:
        raise CheckError(f"{shown} is a notebook in an old format (nbformat 3); open it in "
                         "Jupyter and save it (File > Save), then check it again")
    if not isinstance(notebook, dict) or not isinstance(notebook.get("cells"), list):
        raise CheckError(f"{shown} is not a Jupyter notebook (it has no cells); give the "
                         ".ipynb file Jupyter saved, or a .py file")
    folder = str(path.parent)
    futures: list[str] = []  # Python wants them first in the file
    future_places: list[tuple[int, int]] = []
    lines: list[str] = []
    places: list[tuple[int, int]] = []
    stand_ins: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}  # course modules to give
    n_code = 0
    for cell in notebook["cells"]:
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        n_code += 1
        text = cell.get("source", "")
        if isinstance(text, list) and all(isinstance(t, str) for t in text):
            text = "".join(text)
        elif not isinstance(text, str):
            raise CheckError(f"{shown}: code cell {n_code} has no text where Jupyter keeps "
                             "it (its \"source\"); open the notebook in Jupyter and save it "
                             "again")
        # Python ends a line at \r\n, \r or \n: so do the cell's lines kept below
        text = _without_magics(text.replace("\r\n", "\n").replace("\r", "\n"))
        try:
            # IPython runs an await at a cell's top level
            tree = _parse(text, f"<code cell {n_code}>", ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)
        except SyntaxError as exc:
            where = f"line {exc.lineno}: " if exc.lineno else ""
            raise CheckError(f"{shown}: code cell {n_code} is not valid Python ({where}"
                             f"{exc.msg}); fix or delete it") from None
        cell_lines = text.split("\n")
        for node in tree.body:
            if isinstance(node, ast.ImportFrom) and node.module == "__future__":
                futures.append(ast.unparse(node))
                future_places.append((n_code, node.lineno))
                continue
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                kept = _notebook_import(node, [folder], stand_ins)
                if kept is not None:
                    lines.append(kept)
                    places.append((n_code, node.lineno))
                continue
            constant = _notebook_constant(node)
            if constant is not None:  # EPS = 1e-12, layers_dims = [12288, 20, 7, 5, 1]
                # kept if it runs: one that reads a dropped cell's data is left out
                lines += ["try:", f"    {constant}", "except Exception:", "    pass"]
                places += [(0, 0), (n_code, node.lineno), (0, 0), (0, 0)]
                continue
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                continue
            first = min([node.lineno] + [d.lineno for d in node.decorator_list])
            for number in range(first, node.end_lineno + 1):
                lines.append(cell_lines[number - 1])
                places.append((n_code, number))
    # the notebook's folder first, as Jupyter has it; then the course modules it lacks
    preamble = ["import sys as _sys", f"_sys.path.insert(0, {folder!r})"]
    if stand_ins:
        preamble += _STAND_IN.splitlines()
        preamble += [f"_course_module({name!r}, {module!r}, {names!r})"
                     for name, (module, names) in stand_ins.items()]
        preamble.append("del _course_module")
    lines = futures + preamble + lines
    places = future_places + [(0, 0)] * len(preamble) + places
    return "\n".join(lines) + "\n", places


def _notebook_constant(node: ast.stmt) -> str | None:
    """A notebook cell's assignment of a value that calls nothing (``EPS = 1e-12``,
    ``layers_dims = [12288, 20, 7, 5, 1]``, ``n_x, n_h = 5, 4``) as one line of code, or
    None: the functions may read it as a global or a default. An assignment that calls
    something (loads data, trains, draws) is left out with the other cells' code."""
    if isinstance(node, ast.AnnAssign) and node.value is not None and node.simple:
        targets, value = [node.target], node.value
    elif isinstance(node, ast.Assign):
        targets, value = node.targets, node.value
    else:
        return None
    names = all(isinstance(leaf, (ast.Name, ast.Tuple, ast.List, ast.Starred, ast.Store))
                for target in targets for leaf in ast.walk(target))
    calls = any(isinstance(leaf, (ast.Call, ast.Await, ast.Yield, ast.YieldFrom,
                                  ast.NamedExpr))
                for leaf in ast.walk(value))
    if not names or calls:
        return None
    return ast.unparse(ast.Assign(targets=targets, value=value, lineno=node.lineno))


#: The code that puts a module in place of a course helper module a notebook imports
#: and lacks (``import dnn_utils``, ``from dnn_app_utils_v3 import *``...).
_STAND_IN = '''\
def _course_module(name, libraries, names):
    import importlib, types
    module = types.ModuleType(name, "the course's " + name + ", given by nnscratch")
    for library in libraries:
        given = importlib.import_module(library)
        module.__dict__.update({n: getattr(given, n) for n in names if hasattr(given, n)})
    module.__all__ = list(names)
    _sys.modules[name] = module'''


#: The course's other helper modules, beside its notebooks: their tests and data
#: loaders, whose imports the checker leaves out of a notebook.
_COURSE_TEST_MODULES = re.compile(r"testCases\w*|public_tests|test_utils|lr_utils")


def _course_helper_module(name: str) -> str | None:
    """What the checker does for a notebook that imports the course's helper module
    ``name`` without it beside ("gives it", "leaves its import out"); None for another
    module."""
    if _course_module_of(name) is not None:
        return "gives it"
    return "leaves its import out" if _COURSE_TEST_MODULES.fullmatch(name) else None


def _course_module_of(module: str) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """(the library's modules, the names they give: of a name in two, the later one's)
    for a course helper module's name."""
    for pattern, given in _COURSE_MODULES.items():
        if pattern.fullmatch(module):
            return given
    return None


def _notebook_import(node, path: list[str], stand_ins: dict) -> str | None:
    """The import line to keep for a notebook's import statement, or None; a course
    helper module it names that is absent is added to ``stand_ins``."""
    if isinstance(node, ast.ImportFrom) and node.level:
        return None  # a relative import: the notebook is no package

    def found(module: str) -> bool:
        # as the notebook's process looks: its folder, then Python's own places; not
        # this process's current folder ('' in sys.path), where that process is not
        top = module.split(".")[0]
        here = ("", ".", os.getcwd())
        where = path + [p for p in sys.path if p not in here]
        for finder in sys.meta_path:
            if finder is importlib.machinery.PathFinder:
                spec = finder.find_spec(top, where)
            elif hasattr(finder, "find_spec"):
                spec = finder.find_spec(top, None)
            else:
                continue
            if spec is not None:
                return True
        return False

    if isinstance(node, ast.Import):
        kept = []
        for alias in node.names:
            if found(alias.name):
                kept.append(alias)
            elif _course_module_of(alias.name) is not None:
                stand_ins[alias.name] = _course_module_of(alias.name)
                kept.append(alias)
        return ast.unparse(ast.Import(names=kept)) if kept else None
    module = node.module or ""
    if found(module):
        return ast.unparse(node)
    given = _course_module_of(module)
    if given is None:
        return None
    stand_ins[module] = given
    # only the names the library gives (not the module's load_data, plot_...)
    wanted = [a for a in node.names if a.name == "*" or a.name in given[1]]
    if not wanted:
        return None
    return ast.unparse(ast.ImportFrom(module=module, names=wanted, level=0))


def _resolve(module_or_path) -> Path | None:
    if isinstance(module_or_path, (str, os.PathLike)):
        path = Path(module_or_path)
        if not path.exists():  # a link that leads nowhere is there, and ls shows it
            raise CheckError(_files.link_nowhere(path, "your .py file or notebook")
                             or f"{path}: no such file; give the path of your .py file or "
                             "notebook (.ipynb)")
        if path.is_dir():
            raise CheckError(f"{path}: is a folder; give the path of your .py file or "
                             "notebook (.ipynb)")
        if not path.is_file():  # a pipe (<(cat file)), a device: read once, or never
            raise CheckError(f"{path}: is not a regular file (a pipe or a device); save "
                             "your code in a .py file or notebook (.ipynb) and give its path")
        return path.resolve()
    file = getattr(module_or_path, "__file__", None)
    if file and str(file).endswith(".py") and getattr(module_or_path, "__name__", "") != "__main__":
        return Path(file).resolve()
    if isinstance(module_or_path, dict) or hasattr(module_or_path, "__dict__"):
        return None
    raise CheckError(f"cannot check {type(module_or_path).__name__}; give a .py file's path "
                     "or a module")


def _check_file(path: Path, assignment, timeout, total_timeout, only, shown,
                cells: list[tuple[int, int]] | None = None) -> CheckReport:
    names = _top_level_names(path, shown)
    every = set().union(*map(set, FUNCTION_NAMES.values()))
    if not names & every:
        raise CheckError(f"{shown}: defines none of the course's functions (e.g. propagate, "
                         "forward_propagation, L_model_forward); check the file name")
    detected = assignment is None
    if detected:
        assignment, _scores = cases_module.detect(names)
        if assignment is None:
            raise CheckError(f"{shown} defines only functions that several assignments share "
                             f"({', '.join(sorted(names & every))}); "
                             "say which with --assignment logistic|shallow|deep")
    else:
        _refuse_another_assignment(names, assignment, shown)
    reference = __import__(f"nnscratch.course.{assignment}", fromlist=["x"])
    specs = cases_module.specs(assignment)
    if only is not None:
        only = [only] if isinstance(only, str) else list(only)
        if not only:
            raise CheckError("functions is empty: there is nothing to check; name the "
                             "functions to check, or leave functions out for all of them")
        known = [s.name for s in specs]
        unknown = [n for n in dict.fromkeys(only) if n not in known]
        if unknown:
            from .callbacks import _did_you_mean

            raise CheckError(
                f"{', '.join(map(repr, unknown))} "
                f"{'is not a function' if len(unknown) == 1 else 'are not functions'} "
                f"of the {assignment} assignment"
                + (_did_you_mean(str(unknown[0]), known) or
                   f"; its functions: {', '.join(known)}"))
        specs = [s for s in specs if s.name in set(only)]
    helpers = set(HELPERS[assignment])
    course_names = set(FUNCTION_NAMES[assignment]) | helpers
    deadline = time.monotonic() + total_timeout
    results: dict[str, FunctionResult] = {}
    forms: dict[str, str] = {}  # the learner's forward helpers: "single" returns A alone
    looped: list[str] = []  # the functions that did not finish within their time limit
    # a helper the file does not define is the course's (imported): left out, unless asked
    # for by name (then it is reported as not defined)
    specs = [s for s in specs
             if s.name not in helpers or s.name in names or (only and s.name in only)]
    runner = (_ForkServer if _FORK_SERVER else _Spawner)(path, assignment, course_names)
    imported: list[str] = []
    try:
        defined: list[str] = []
        if any(s.name in names for s in specs):
            # the file's top-level code runs once, first: an error there is the file's
            began = time.monotonic()
            loaded = runner.load(timeout, deadline - time.monotonic())
            load_seconds = time.monotonic() - began
            if loaded.import_error is not None or loaded.problem is not None:
                return CheckReport(assignment, shown, [], detected,
                                   _file_error(loaded, path, cells, min(timeout, total_timeout)))
            defined = loaded.defined
            if getattr(runner, "threads", 1) > 1:
                # threads that a fork would not copy (their locks with them): the
                # functions run in processes of their own, the file imported in each
                runner.close()
                runner = _Spawner(path, assignment, course_names, start=load_seconds)
        for spec in specs:
            if spec.name not in names and spec.name in defined and not (
                    only and spec.name in only):
                imported.append(spec.name)  # from dnn_app_utils_v3, say: not the learner's
                continue
            if spec.name not in names:
                close = [] if spec.name in defined else difflib.get_close_matches(
                    spec.name, sorted(names - course_names), n=1, cutoff=0.8)
                results[spec.name] = FunctionResult(
                    spec.name, "missing", message="not defined in your file" + (
                        " (it is imported into it: the checker checks the functions your "
                        "file defines)" if spec.name in defined else "") + (
                        f"; did you mean {close[0]!r}? (the checker finds each function "
                        f"by the course's name, {spec.name})" if close else ""))
                continue
            if spec.name not in defined:
                results[spec.name] = FunctionResult(
                    spec.name, "missing", message="not a function once your file has run")
                continue
            left = deadline - time.monotonic()
            if left <= 0:
                results[spec.name] = FunctionResult(
                    spec.name, "error", message=f"not run: the whole check's "
                    f"{total_timeout:g} s were used up")
                continue
            # the functions that did not finish on their own raise at once where this
            # one calls them (and it is rerun with the reference's: _blame_earlier)
            run = runner.run(spec, {n: "stop" for n in looped}, min(timeout, left), left)
            if run.problem is not None and run.problem.startswith("did not finish within"):
                looped.append(spec.name)
            if spec.name in _FORWARD_HELPERS and isinstance(spec.returns, tuple):
                # the deep assignment's (A, cache); the shallow one's sigmoid gives s alone
                forms[spec.name] = _helper_form(path, spec.name, run.outputs)
            result = _judge(spec, reference, run)
            signature = run.error is not None and run.error["type"] == "Signature"
            if result.status in ("fail", "error") and not signature:
                _blame_earlier(result, spec, specs, results, runner, reference, forms,
                               timeout, deadline, looped)
                _hint_layer_count(result, path)
                _hint_placeholders(result, path, spec.returns)
            results[spec.name] = result
    finally:
        runner.close()
    ordered = [results[s.name] for s in specs if s.name in results]
    return CheckReport(assignment, shown, ordered, detected, partial=only is not None,
                       imported=imported)


def _file_error(run: _Run, path: Path, cells: list[tuple[int, int]] | None = None,
                timeout: float = 0.0) -> FileError:
    """The file-level error of a run whose import of the file raised, did not finish or
    ended the process; ``cells``: the places of a notebook's generated file's lines."""
    if cells is not None:
        return _notebook_file_error(run, cells, timeout)
    if run.import_error is None:
        return FileError("timeout" if run.import_hang else "crash",
                         run.problem or "your file's top-level code did not finish")
    err = run.import_error
    try:
        exported = "get_ipython()" in path.read_text(encoding="utf-8", errors="replace")
    except OSError:  # the file's own code deleted it
        exported = False
    advice = ("a notebook exported as a script: check the notebook (.ipynb) itself, "
              "whose cells that load data, test or train are not run" if exported else
              "put the code that loads data or trains under "
              "if __name__ == \"__main__\":, or check the notebook (.ipynb)")
    missing = re.fullmatch(r"No module named '(\w+)[\w.]*'", str(err["message"]))
    name = missing.group(1) if missing else ""
    course = _course_helper_module(name) if name else None
    if course:  # dnn_utils, testCases...: the course keeps them beside its notebooks
        advice = (f"{name} is one of the course's helper modules, which lie beside its "
                  f"notebooks: put {name}.py beside your file, or check the notebook "
                  f"(.ipynb), for which the checker {course}")
    return FileError(err["type"], f"your file could not be loaded: {_error_text(err)} (the "
                     f"checker imports your file, which runs its top-level code: {advice})",
                     err["lines"])


def _notebook_file_error(run: _Run, cells: list[tuple[int, int]],
                         timeout: float) -> FileError:
    """:func:`_file_error` for a notebook, whose imports and definitions alone run."""
    runs = ("the checker runs your notebook's imports, functions and classes, not its "
            "other cells")
    if run.import_error is None:
        if run.import_hang:
            return FileError("timeout", f"your notebook's imports and definitions did not "
                             f"finish within {timeout:g} s ({runs}: an import or a class "
                             "body that takes this long; fix it, or give a longer time "
                             "limit)")
        problem = (run.problem or "").replace("your file's top-level code",
                                              "your notebook's imports and definitions")
        return FileError("crash", problem.replace("your file", "your notebook"))
    err = run.import_error
    # the cell of the innermost line of theirs (the generated file's lines 1... are
    # cells[0]...; its own first lines are cell 0)
    in_cells = [cells[line - 1][0] for line, _fn, _code in err["lines"]
                if line is not None and 0 < line <= len(cells) and cells[line - 1][0]]
    cell = f"code cell {in_cells[-1]}" if in_cells else "its cell"
    what = "that import" if err["type"] in ("ImportError", "ModuleNotFoundError") else "it"
    return FileError(err["type"], f"your notebook could not be loaded: {_error_text(err)} "
                     f"({runs}: fix or remove {what} in {cell})", err["lines"])


def _refuse_another_assignment(names: set[str], assignment: str, shown: str) -> None:
    """A file given as ``assignment`` that holds none of its own functions (those no
    other assignment has) and at least half of another's: say which it looks like (its
    shared functions, ``predict`` with the other's parameters, would raise or differ).
    A deep file begun with ``sigmoid``, ``relu`` and ``compute_cost`` is not refused."""
    if names & set(cases_module.own_functions(assignment)):
        return
    looks, _scores = cases_module.detect(names)
    if looks is None or looks == assignment or \
            2 * len(names & set(FUNCTION_NAMES[looks])) < len(FUNCTION_NAMES[looks]):
        return
    theirs = [n for n in cases_module.own_functions(looks) if n in names]
    mine = cases_module.own_functions(assignment)
    raise CheckError(
        f"{shown} looks like the {looks} assignment, not the {assignment} one: it defines "
        f"{', '.join(theirs[:4])}{', ...' if len(theirs) > 4 else ''} and none of the "
        f"{assignment} assignment's own functions ({', '.join(mine[:3])}, ...); check it "
        f"with --assignment {looks}, or without --assignment")


#: The deep assignment's forward helpers: the course's return (A, Z); a learner's may
#: return A alone, and the functions that call it expect that.
_FORWARD_HELPERS = ("sigmoid", "relu")


def _helper_form(path: Path, name: str, outputs: list) -> str:
    """"single" when the learner's helper returns A alone, else "as is" (the course's
    (A, Z)): seen in what it returned, or (when it raised first) in its return
    statements."""
    if outputs:
        return "single" if isinstance(outputs[0], np.ndarray) else "as is"
    node = _last_definition(path, name)
    if node is not None:
        returns = [r.value for r in ast.walk(node) if isinstance(r, ast.Return)]
        if returns and not any(isinstance(v, ast.Tuple) for v in returns):
            return "single"
    return "as is"


def _hint_layer_count(result: FunctionResult, path: Path) -> None:
    """Where a loop went one layer past the last, and the function counts its layers
    as ``L = len(parameters)`` (the W and b keys both, not ``// 2``), say that."""
    if result.hint_id != "layer_past_last":
        return
    fn = _last_definition(path, result.name)
    match = re.match(r"there is no (\w+): this network's layers run 1 … (\d+)",
                     result.hint or "")
    if fn is None or match is None:
        return
    for node in ast.walk(fn):
        if (isinstance(node, ast.Assign) and len(node.targets) == 1
                and isinstance(node.targets[0], ast.Name) and isinstance(node.value, ast.Call)
                and isinstance(node.value.func, ast.Name) and node.value.func.id == "len"
                and len(node.value.args) == 1 and isinstance(node.value.args[0], ast.Name)
                and "param" in node.value.args[0].id.lower()):
            result.hint_id = "layer_count"
            result.hint = HINTS["layer_count"].format(
                key=match.group(1), L=match.group(2), name=node.targets[0].id,
                source=f"len({node.value.args[0].id})")
            return


def _returns_a_value(path: Path, name: str) -> bool:
    """Whether the file's ``def name`` has a ``return`` of a value (not counting the
    functions defined inside it); True where the file cannot be read."""
    fn = _last_definition(path, name)
    if fn is None:
        return True
    todo = list(fn.body)
    while todo:
        node = todo.pop()
        if isinstance(node, ast.Return) and node.value is not None:
            return True
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef,
                                 ast.Lambda)):
            todo.extend(ast.iter_child_nodes(node))
    return False


def _last_definition(path: Path, name: str) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    """The file's top-level ``def name``, the last one where there are several (a later
    notebook cell that defines it again): the one that runs."""
    try:
        tree = ast.parse(_read_python(path))
    except (OSError, SyntaxError, UnicodeDecodeError, ValueError, RecursionError,
            MemoryError):
        return None
    found = [node for node in tree.body if isinstance(node, (ast.FunctionDef,
             ast.AsyncFunctionDef)) and node.name == name]
    return found[-1] if found else None


def _calls(spec: FunctionSpec, specs: list[FunctionSpec]) -> list[str]:
    by_name = {s.name: s for s in specs}
    seen: list[str] = []
    stack = list(spec.calls)
    while stack:
        name = stack.pop()
        if name in seen or name not in by_name:
            continue
        seen.append(name)
        stack.extend(by_name[name].calls)
    return seen


def _can_change(spec: FunctionSpec, called: str, result: FunctionResult) -> bool:
    """Whether ``called`` can be the cause of ``result``: its value reaches the output
    that differs (a crash, or a wrong number of outputs, may come from any of them)."""
    if called not in spec.feeds or result.status != "fail" or not result.array:
        return True
    output = re.match(r"\w+", result.array)
    names = spec.returns if isinstance(spec.returns, tuple) else (spec.returns,)
    if output is None or output.group() not in names or "," in result.array:
        return True
    return output.group() in spec.feeds[called]


def _blame_earlier(result, spec, specs, results, runner, reference, forms, timeout,
                   deadline, looped=()) -> None:
    """If a function it calls failed, rerun it with the reference's version of those:
    passing then means it fails only because of them."""
    failed = [n for n in _calls(spec, specs)
              if n in results and results[n].status in ("fail", "error")
              and _can_change(spec, n, result)]
    if not failed:
        return
    left = deadline - time.monotonic()
    if left <= 0:
        return
    # the time limit is the learner's, as for the first run (the child's import of the
    # reference counts, like its import of numpy did); a rerun out of time only leaves
    # the verdict less precise: "(... also fails)"
    # the learner's own functions call the helpers as theirs return: A alone, or (A, Z)
    patch = {**{n: "stop" for n in looped if n != spec.name},  # not the one rerun
             **{n: forms.get(n, "as is") for n in failed}}
    rerun = runner.run(spec, patch, min(timeout, left), left)
    which = ", ".join(failed[:-1]) + (" and " if len(failed) > 1 else "") + failed[-1]
    verb = "fails" if len(failed) == 1 else "fail"
    own = _judge(spec, reference, rerun) if rerun.import_error is None else None
    if own is not None and own.status == "pass":
        # name the causes: a function that itself fails only because of another one
        # here (optimize, because of propagate) is fixed by fixing that one
        roots = [n for n in failed
                 if not (results[n].message or "").startswith("fails only because ")]
        roots = roots or failed
        which = ", ".join(roots[:-1]) + (" and " if len(roots) > 1 else "") + roots[-1]
        verb = "fails" if len(roots) == 1 else "fail"
        result.status = "fail"
        result.hint = result.hint_id = None
        result.lines = []
        result.message = (f"fails only because {which} {verb}: with a correct {which} "
                          f"it passes; fix {which} first")
        return
    if own is not None and own.status in ("fail", "error") and rerun.problem is None:
        # its own mistake, seen with correct versions of the functions it calls
        for key, value in vars(own).items():
            setattr(result, key, value)
    note = f"(seen with a correct {which}, which {verb} too)" if own is not None and \
        rerun.problem is None else f"({which} also {verb})"
    result.message = f"{result.message} {note}" if result.message else note
