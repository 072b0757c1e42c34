"""The playground's web server: Starlette routes, a server-sent event stream, uvicorn.

``create_app`` builds the application; ``serve`` runs it (``nnscratch playground``).
Every request is answered with JSON; a bad one gets a 4xx status and one line
``{"error": "..."}``, never a traceback. The server reads no path that a request
names: the only file it reads is the ``--data`` file, once, at start.

Routes (``SID`` is a session's token)::

    GET  /                              the page
    GET  /static/...                    its script and style
    GET  /api/options                   data sets, features, limits, defaults
    POST /api/sessions                  a new session (body: settings) -> its description
    POST /api/sessions/SID/config       new settings: a new run
    POST /api/sessions/SID/control      {"action": "play"|"pause"|"step", "iterations_per_frame": n}
    POST /api/sessions/SID/upload       a CSV file (body), ?name=file.csv
    POST /api/sessions/SID/close        free the session now
    GET  /api/sessions/SID/stream       server-sent events: costs and frames
    GET  /api/sessions/SID/state        iteration, state, the last frame's scores
    GET  /api/sessions/SID/costs        every iteration's train cost
    GET  /api/sessions/SID/model        the model file (nnscratch predict reads it)
    GET  /api/sessions/SID/snippet      Python code reproducing the run
    GET  /api/sessions/SID/data.csv     ?part=train|test, the model's feature columns
    GET  /api/sessions/SID/trace        the glass box (nnscratch.course.trace)
    GET  /api/sessions/SID/pictures/PART/I   a picture of the data (image data)
"""

from __future__ import annotations

import asyncio
import contextlib
import csv
import functools
import importlib
import io
import ipaddress
import json
import logging
import math
import re
import signal
import socket
import sys
import tempfile
import threading
import warnings
import weakref
import webbrowser
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import anyio
import anyio.to_thread
import numpy as np
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response, StreamingResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from ..datasets import Dataset, DatasetError, load_train_test
from .config import (
    ACTIVATIONS,
    DEFAULTS,
    INITS,
    LIMITS,
    SOLVERS,
    ConfigError,
    TooLong,
    check_config,
    check_control,
)
from .data import DATASETS, DEFAULT_NOISE, FEATURES, MULTICLASS, from_dataset, playground_data
from .export import data_csv, model_file, snippet
from .sessions import ConflictError, Session, Sessions, TooManySessions

__all__ = ["BackgroundServer", "FileData", "allowed_hosts", "create_app", "load_file", "serve"]

#: Largest JSON body accepted.
MAX_JSON_BYTES = 64 * 1024
#: Largest CSV upload, and its most rows and columns.
MAX_UPLOAD_BYTES = 2 * 1024 * 1024
MAX_UPLOAD_ROWS = 20_000
MAX_UPLOAD_COLUMNS = 200
#: The fewest rows a file (uploaded or --data) may have.
MIN_ROWS = 10
#: The classes a file may hold: the page draws each in a colour of its own and lists
#: them; a column of identifiers taken for labels gives thousands (refused).
MAX_CLASSES = 20
#: Largest network (in parameters) offered a gradient check in the glass box.
MAX_GRADIENT_CHECK_PARAMETERS = 20_000
#: Seconds between keep-alive comments on an idle stream.
KEEPALIVE = 5.0
#: Seconds a request's body may take to arrive (a CSV upload of 2 MB included).
BODY_TIMEOUT = 30.0
#: Seconds a step or a pause waits for the run to stop between two iterations before
#: it is answered 409 (the run busy in a long iteration).
CONTROL_WAIT = 30.0
#: Seconds a trace or a model file waits for the training thread (between two
#: iterations) before it is answered 409.
CALL_WAIT = 60.0
#: Worker threads one session (tab) may hold at once (new settings, an upload, a model
#: file): a tab flooding the server with requests waits for its own threads, never
#: for the ones the other tabs need.
TAB_THREADS = 2
#: Seconds the server, stopping, waits for the runs to end the iteration under way
#: (all of them together; a second Ctrl-C stops at once).
STOP_WAIT = 5.0

STATIC = resources.files("nnscratch.playground") / "static"
_UPLOAD_TYPES = ("text/csv", "text/plain", "application/csv", "application/vnd.ms-excel",
                 "application/octet-stream")


def _upload_type(ctype: str) -> bool:
    """Whether a browser's type for a .csv file is one of a CSV file: systems name it
    differently (text/x-csv, text/comma-separated-values, application/x-csv, ...)."""
    return (ctype in _UPLOAD_TYPES or ctype.startswith("text/") or "csv" in ctype
            or "comma-separated" in ctype)


@dataclass
class FileData:
    """The data of ``--data``, read once when the server starts."""

    train: Dataset
    test: Dataset | None
    path: str
    test_path: str | None

    @property
    def plane(self) -> bool:
        return self.train.kind == "tabular" and self.train.raw.shape[1] == 2


def load_file(path: str) -> FileData:
    """Read ``--data``: a CSV file, or the course's HDF5 file (with its test file).

    Given ``train_x.h5``, a ``test_x.h5`` beside it is the test set; otherwise part of
    the data is held out.

    Raises
    ------
    DatasetError
    """
    file = Path(path)
    suffix = file.suffix.lower()
    if suffix not in (".csv", ".h5", ".hdf5"):
        raise DatasetError(f"{path}: the playground reads a .csv file or the course's .h5 "
                           "file (e.g. train_catvnoncat.h5)")
    test_path = None
    if suffix != ".csv" and file.name.lower().startswith("train"):
        candidate = file.with_name("test" + file.name[len("train"):])
        if candidate.is_file():
            test_path = str(candidate.resolve())
    train, test = load_train_test(str(file), test_path)
    _check_rows_and_classes(train, path)
    return FileData(train, test, str(file.resolve()), test_path)


# --------------------------------------------------------------------------- helpers


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": " ".join(str(message).split())}, status_code=status)


def _refused_setting(error: ConfigError) -> JSONResponse:
    """422 with ``error``, and the setting's ``field`` and ``problem`` when it is about
    one (the page shows the problem under its form's label); several problems are all
    in ``error``, the first one's in ``field`` and ``problem``, and each in
    ``problems`` (a list of ``{"error", "field", "problem"}``)."""
    def named(one: ConfigError) -> dict:
        body = {"error": " ".join(str(one).split())}
        if one.field is not None:
            body["field"] = one.field
        if one.problem is not None:
            body["problem"] = " ".join(one.problem.split())
        return body

    body = named(error)
    if len(error.problems) > 1:
        body["problems"] = [named(one) for one in error.problems]
    return JSONResponse(body, status_code=422)


def _api(endpoint):
    """Turn the playground's errors into one-line JSON answers with a 4xx status."""
    @functools.wraps(endpoint)
    async def wrapper(request: Request):
        try:
            return await endpoint(request)
        except ConfigError as error:
            return _refused_setting(error)
        except DatasetError as error:
            return _error(422, str(error))
        except ConflictError as error:
            return _error(409, str(error))
        except TooManySessions as error:
            return _error(429, str(error))
        except HTTPException as error:
            return _error(error.status_code, error.detail)
        except MemoryError:
            return _error(503, "out of memory: use fewer units or less data")
        except Exception as error:  # noqa: BLE001 - one line, never a traceback
            return _error(500, f"internal error ({type(error).__name__}: {error})")
    return wrapper


async def _bounded_body(request: Request, limit: int, too_large: str) -> bytes:
    """The request's body, refused (413, ``too_large``) as soon as it passes ``limit``
    bytes: by its declared length before reading, or while it streams in."""
    length = request.headers.get("content-length")
    if length is not None and (not length.isdigit() or int(length) > limit):
        raise HTTPException(413, too_large)
    body = bytearray()
    chunks = request.stream().__aiter__()
    loop = asyncio.get_running_loop()
    deadline = loop.time() + BODY_TIMEOUT
    while True:
        try:
            chunk = await asyncio.wait_for(chunks.__anext__(), max(0.0, deadline - loop.time()))
        except StopAsyncIteration:
            return bytes(body)
        except TimeoutError:  # fewer bytes than its Content-Length: never ends
            raise HTTPException(408, f"the request body did not arrive within {BODY_TIMEOUT:g} "
                                     "seconds (shorter than its Content-Length?); send it "
                                     "again") from None
        body += chunk
        if len(body) > limit:
            raise HTTPException(413, too_large)


async def _json_body(request: Request) -> Any:
    body = await _bounded_body(request, MAX_JSON_BYTES,
                               f"the request body is larger than {MAX_JSON_BYTES} bytes")
    if not body:
        return {}
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype != "application/json":
        # a page of another site may post text/plain without asking first (no CORS
        # preflight): the settings are taken only as the playground's page sends them
        raise HTTPException(415, "send the request body as JSON (Content-Type: "
                                 f"application/json), not {ctype or 'without a type'}")
    try:
        return json.loads(body, parse_int=_parse_int)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise HTTPException(400, f"the request body is not valid JSON ({error})") from None
    except RecursionError:
        raise HTTPException(400, "the request body is nested too deeply (lists or objects "
                                 "inside each other); send the settings as one flat "
                                 "object") from None


def _parse_int(text: str) -> int | TooLong:
    """A JSON integer; one longer than any setting takes stays unread (Python refuses
    more than 4300 digits), for the setting's check to refuse by name."""
    return int(text) if len(text) <= 100 else TooLong(text)


def _session(request: Request) -> Session:
    session = request.app.state.sessions.get(request.path_params["sid"])
    if session is None:
        raise HTTPException(404, "no such session (it was closed, or the server restarted); "
                                 "reload the page")
    return session


def _run(request: Request):
    session = _session(request)
    if session.run is None:
        raise HTTPException(409, "this session has no run yet; send its settings first")
    return session, session.run


@dataclass
class _Tab:
    """What the server keeps beside a session; touched by the event loop only."""

    #: the worker threads its requests may hold at once (TAB_THREADS)
    threads: Any = field(default_factory=lambda: anyio.CapacityLimiter(TAB_THREADS))
    #: held while a model file is made: one at a time
    exporting: asyncio.Lock = field(default_factory=asyncio.Lock)
    #: the last model file: (run generation, iteration, file name, bytes)
    model: tuple[int, int, str, bytes] | None = None


def _tab(request: Request, session: Session) -> _Tab:
    tabs: weakref.WeakKeyDictionary = request.app.state.tabs  # gone with its session
    tab = tabs.get(session)
    if tab is None:
        tab = tabs[session] = _Tab()
    return tab


async def _in_thread(request: Request, session: Session, fn, *args):
    """``fn(*args)`` in a worker thread, at most :data:`TAB_THREADS` at once per session.

    The worker threads (40) are shared by every tab: one tab's requests, each waiting on
    its run (new settings wait for the iteration under way), took them all, and every
    other tab waited with them."""
    return await anyio.to_thread.run_sync(fn, *args, limiter=_tab(request, session).threads)


async def _in_training_thread(request: Request, session: Session, run, fn):
    """``fn()`` done by the run's training thread between two iterations, awaited
    without holding a worker thread (a run in a long iteration keeps its own tab
    waiting, not the others); 409 after :data:`CALL_WAIT` seconds."""
    loop = asyncio.get_running_loop()
    future = loop.create_future()

    def settle(value, error) -> None:
        if future.done():  # given up on meanwhile
            return
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(value)

    def done(value, error) -> None:  # in the training thread
        with contextlib.suppress(RuntimeError):  # the loop is closed: nobody waits
            loop.call_soon_threadsafe(settle, value, error)

    if not run.submit(fn, done):  # the run is over: its weights no longer change
        return await _in_thread(request, session, fn)
    try:
        return await asyncio.wait_for(future, CALL_WAIT)
    except TimeoutError:
        raise ConflictError("the training thread did not answer in time; try again") from None


async def _settled(run, timeout: float) -> bool:
    """Wait until the run is paused (a step done) or over, without holding a worker
    thread: False after ``timeout`` seconds. Looked at after 1, 2, 4, ... ms, then every
    50 ms: a step takes from a millisecond to seconds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    pause = 0.001
    while not run.settled():
        left = deadline - loop.time()
        if left <= 0:
            return False
        await asyncio.sleep(min(pause, left))
        pause = min(2 * pause, 0.05)
    return True


def _extra_datasets(app, session: Session | None) -> tuple[dict[str, int], dict[str, int],
                                                          dict[str, tuple[int, bool]]]:
    """The data sets "file" and "upload" where there are: (name -> number of features
    (0 for the plane's), name -> number of classes, name -> (rows, whether a test part
    is held out of them)), check_config's arguments."""
    features, classes, rows = {}, {}, {}
    file_data: FileData | None = app.state.file_data
    if file_data is not None:
        features["file"] = 0 if file_data.plane else file_data.train.n_features
        classes["file"] = len(file_data.train.class_names)
        rows["file"] = (file_data.train.n_samples, file_data.test is None)
    if session is not None and session.upload is not None:
        upload = session.upload
        features["upload"] = 0 if upload.raw.shape[1] == 2 else upload.n_features
        classes["upload"] = len(upload.class_names)
        rows["upload"] = (upload.n_samples, True)
    return features, classes, rows


def _build_data(app, session: Session, cfg: dict):
    name = cfg["dataset"]
    if name in DATASETS:
        return playground_data(name, n_samples=cfg["n_samples"], noise=cfg["noise"],
                               classes=cfg["classes"], seed=cfg["data_seed"],
                               test_fraction=cfg["test_fraction"], features=cfg["features"])
    if name == "file":
        file_data: FileData = app.state.file_data
        return from_dataset(file_data.train, file_data.test, test_fraction=cfg["test_fraction"],
                            seed=cfg["data_seed"], features=cfg["features"])
    return from_dataset(session.upload, test_fraction=cfg["test_fraction"],
                        seed=cfg["data_seed"], features=cfg["features"])


def _source(app, session: Session, cfg: dict) -> dict:
    if cfg["dataset"] in DATASETS:
        return {"kind": "builtin"}
    if cfg["dataset"] == "file":
        file_data: FileData = app.state.file_data
        return {"kind": "file", "path": file_data.path, "test_path": file_data.test_path}
    return {"kind": "file", "path": session.upload_name,
            "note": f"{session.upload_name}: the CSV file you uploaded (give its path)"}


def _describe(session: Session, run) -> dict:
    data = run.data
    kind = "plane" if data.plane else ("images" if data.raw_train.ndim == 4 else "table")
    n_out = 1 if len(data.class_names) == 2 else len(data.class_names)
    described: dict[str, Any] = {
        "session": session.id,
        "run": run.generation,
        "config": run.config,
        "iterations_per_frame": run.iterations_per_frame,
        "max_iterations": run.max_iterations,
        "data": {
            "kind": kind,
            "class_names": data.class_names,
            "feature_names": data.feature_names[:24],
            "n_features": len(data.feature_names),
            "n_train": len(data.y_train),
            "n_test": len(data.y_test),
        },
        "network": {
            "sizes": [len(data.feature_names), *(l["units"] for l in run.config["hidden"]),
                      n_out],
            "activations": run.activations,
            "output": "sigmoid" if n_out == 1 else "softmax",
        },
    }
    if data.plane:
        described["data"]["extent"] = run._grid["extent"]
        described["data"]["train"] = [[round(float(a), 5), round(float(b), 5), int(c)]
                                      for (a, b), c in zip(data.raw_train, data.y_train)]
        described["data"]["test"] = [[round(float(a), 5), round(float(b), 5), int(c)]
                                     for (a, b), c in zip(data.raw_test, data.y_test)]
    return described


def _start_run(request: Request, session: Session, raw: Any) -> dict:
    app = request.app
    _import_for_runs()  # after the warm-up's imports, never beside them
    with session.starting:  # two requests at once: one after the other
        cfg = check_config(raw, *_extra_datasets(app, session))
        ipf = session.run.iterations_per_frame if session.run is not None else None
        data = _build_data(app, session, cfg)
        run = session.start(cfg, data, max_iterations=app.state.max_iterations)
        if ipf is not None:
            run.iterations_per_frame = ipf
        run.source = _source(app, session, cfg)
        return _describe(session, run)  # its own run (session.run may be a later one)


# --------------------------------------------------------------------------- endpoints


async def index(request: Request) -> Response:
    return FileResponse(str(STATIC / "index.html"), media_type="text/html")


@_api
async def options(request: Request) -> Response:
    file_data: FileData | None = request.app.state.file_data
    file_info = None
    if file_data is not None:
        file_info = {"name": Path(file_data.path).name, "plane": file_data.plane,
                     "kind": file_data.train.kind, "n_samples": file_data.train.n_samples,
                     "has_test": file_data.test is not None}
    return JSONResponse({
        "datasets": DATASETS, "multiclass": list(MULTICLASS), "default_noise": DEFAULT_NOISE,
        "features": list(FEATURES), "activations": list(ACTIVATIONS), "inits": list(INITS),
        "solvers": list(SOLVERS), "limits": LIMITS, "defaults": DEFAULTS, "file": file_info,
        "max_upload_bytes": MAX_UPLOAD_BYTES,
        "glass_box": None if _trace_function() is not None else NO_GLASS_BOX,
    })


@_api
async def create_session(request: Request) -> Response:
    raw = await _json_body(request)
    sessions: Sessions = request.app.state.sessions
    check_config(raw, *_extra_datasets(request.app, None))  # refused before taking a slot
    session = sessions.new()
    try:
        described = await _in_thread(request, session, _start_run, request, session, raw)
    except BaseException:
        sessions.close(session.id)
        raise
    return JSONResponse(described, status_code=201)


@_api
async def configure(request: Request) -> Response:
    session = _session(request)
    raw = await _json_body(request)
    return JSONResponse(await _in_thread(request, session, _start_run, request, session, raw))


def _state(run) -> dict:
    frame = run.frame or {}

    def score(key):  # None where it is not finite: JSON cannot carry it (a 500)
        value = frame.get(key)
        return None if isinstance(value, float) and not math.isfinite(value) else value

    return {"run": run.generation, "iteration": run.iteration,
            "state": "over" if run.finished else run.mode,
            "iterations_per_frame": run.iterations_per_frame, "control": run.control_seq,
            "error": run.error,
            "message": run.message, "train_accuracy": score("train_accuracy"),
            "test_accuracy": score("test_accuracy"), "train_cost": score("train_cost"),
            "test_cost": score("test_cost"),
            "frame_iteration": frame.get("iteration")}


@_api
async def control(request: Request) -> Response:
    _, run = _run(request)
    cmd = check_control(await _json_body(request))
    run.control(cmd["action"], cmd["iterations_per_frame"])
    if cmd["action"] in ("step", "pause"):
        if not await _settled(run, CONTROL_WAIT):
            # not the state of before the request as if it were done: the truth
            raise ConflictError(
                f"the run is still busy in an iteration after {CONTROL_WAIT:g} s; the "
                f"{cmd['action']} is taken and happens when that iteration ends (GET "
                "/api/sessions/ID/state says when)")
    return JSONResponse(_state(run))


@_api
async def state(request: Request) -> Response:
    _, run = _run(request)
    return JSONResponse(_state(run))


@_api
async def costs(request: Request) -> Response:
    _, run = _run(request)
    values = run.costs.tolist()
    return JSONResponse({"run": run.generation, "iteration": len(values), "costs": values})


@_api
async def close(request: Request) -> Response:
    closed = await run_in_threadpool(request.app.state.sessions.close, request.path_params["sid"])
    return JSONResponse({"closed": closed})


@_api
async def upload(request: Request) -> Response:
    session = _session(request)
    name = Path(request.query_params.get("name", "upload.csv").replace("\\", "/")).name
    if not name.lower().endswith(".csv"):
        shown = (repr(name) if len(name) <= 60 else repr(name[:57] + "...")) if name else "''"
        raise HTTPException(415, f"upload a .csv file (a name ending in .csv), not {shown}")
    # shown and put in the snippet: other characters (a comma, '#', '[') become '_'
    name = re.sub(r"[^\w. ()+-]", "_", name)
    if len(name) > 100:
        name = name[:96] + ".csv"
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype and not _upload_type(ctype):
        raise HTTPException(415, f"upload a CSV file (text/csv), not {ctype}")
    body = await _bounded_body(request, MAX_UPLOAD_BYTES,
                               f"{name}: the file is larger than "
                               f"{MAX_UPLOAD_BYTES // 1024 // 1024} MB")
    text = _upload_text(body, name)
    # lines end in \n, \r\n or a lone \r (a spreadsheet's "CSV (Macintosh)"); blank
    # ones are no rows
    lines = [line for line in re.split(r"\r\n|\r|\n", text) if line.strip()]
    if len(lines) - 1 > MAX_UPLOAD_ROWS:  # the header is no row
        raise HTTPException(413, f"{name}: the file has more than {MAX_UPLOAD_ROWS:,} rows")
    if _header_columns(lines[0]) > MAX_UPLOAD_COLUMNS:
        raise HTTPException(413, f"{name}: the file has more than {MAX_UPLOAD_COLUMNS} "
                                 "columns")
    data, notes = await _in_thread(request, session, _read_upload, text, name)
    _check_rows_and_classes(data, name)
    session.upload, session.upload_name = data, name
    return JSONResponse({"dataset": "upload", "name": name, "n_samples": data.n_samples,
                         "n_features": int(data.raw.shape[1]), "class_names": data.class_names,
                         "columns": list(data.preprocessor.columns)[:24],
                         "plane": bool(data.raw.shape[1] == 2), "notes": notes})


def _header_columns(header: str) -> int:
    """The columns of a CSV file's header line, read as the file's reader reads it (a
    quoted name may hold the separator: "Income, USD"), with the separator that gives
    the most; counting the separators took 120 such columns for more than 200."""
    try:
        return max(len(next(csv.reader([header], delimiter=sep), [])) for sep in ",;\t")
    except csv.Error:  # a name longer than the csv module reads (128 kB): the reader's say
        return max(header.count(sep) for sep in ",;\t") + 1


def _upload_text(body: bytes, name: str) -> str:
    """The text of an uploaded file, refused in one line when it is no UTF-8 CSV text."""
    resave = "save it from your editor or spreadsheet as CSV UTF-8 and upload it again"
    if body.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise HTTPException(415, f"{name}: is UTF-16 text; {resave}")
    if b"\x00" in body:
        raise HTTPException(415, f"{name}: is not a text CSV file (it holds binary data, "
                                 "e.g. a spreadsheet's own format); " + resave)
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise HTTPException(415, f"{name}: is not UTF-8 text (byte {error.start + 1:,} is "
                                 f"0x{body[error.start]:02x}); {resave}") from None
    if not text.strip():
        raise HTTPException(422, f"{name}: the file is empty; give a header row, then one "
                                 "row per example, the label in the last column")
    return text


def _check_rows_and_classes(data: Dataset, name: str) -> None:
    """Refuse a file (uploaded or --data) of too few rows, then one of one class or of
    too many: the rows first (a file of one row holds one class, the lesser problem)."""
    if data.n_samples < MIN_ROWS:  # too few to hold a test part out
        raise DatasetError(f"{name}: has {data.n_samples:,} row{'' if data.n_samples == 1 else 's'}"
                           f"; give at least {MIN_ROWS}")
    n_classes = len(np.unique(data.y))
    if n_classes < 2:
        raise DatasetError(f"{name}: holds only one class; a classifier needs two or more")
    if n_classes > MAX_CLASSES:
        raise DatasetError(
            f"{name}: holds {n_classes:,} classes; the playground shows at most "
            f"{MAX_CLASSES} (is the label column an identifier?); train it with "
            "`nnscratch train` instead")


#: Held while an upload is read with the warnings recorded (the filters are global).
_WARNINGS_LOCK = threading.Lock()


def _read_upload(text: str, name: str) -> tuple[Dataset, list[str]]:
    """The uploaded file's data set, and what reading it warned (how it was read, labels
    taken as one class, ...), each with the file's name, for the page to show."""
    from ..datasets import load_dataset

    def shown(message: str) -> str:
        message = message.replace(str(path), name)
        # the command line's option is no help here: the page takes the last column
        message = message.replace("(choose the label with --label-column)",
                                  "(the label is the last column: move it there)")
        # a quoted value of the file (a 5000-digit number) is shown by its start only
        return re.sub(r"'([^'\s]{40})[^'\s]{20,}'", r"'\1...'", message)

    with tempfile.TemporaryDirectory(prefix="nnscratch-upload-") as folder:
        path = Path(folder) / "upload.csv"
        path.write_text(text, encoding="utf-8")
        caught: list[warnings.WarningMessage] = []
        try:
            with _WARNINGS_LOCK, warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                data = load_dataset(path)
        except DatasetError as error:
            raise DatasetError(shown(str(error))) from None
        finally:
            for other in caught:  # another thread's, recorded while the filters were ours
                if str(path) not in str(other.message):
                    warnings.showwarning(other.message, other.category, other.filename,
                                         other.lineno)
    return data, [shown(str(w.message)) for w in caught if str(path) in str(w.message)]


async def stream(request: Request) -> Response:
    try:
        session = _session(request)
    except HTTPException as error:
        return _error(error.status_code, error.detail)
    listener = _Listener(asyncio.get_running_loop())
    session.attach(listener)

    async def events():
        generation, sent_cost, sent_frame = None, 0, 0
        try:
            yield "retry: 1000\n\n"
            while not listener.stale:
                try:
                    await asyncio.wait_for(listener.event.wait(), KEEPALIVE)
                except TimeoutError:
                    yield ": keep-alive\n\n"
                    continue
                listener.event.clear()
                run = session.run
                if run is None or listener.stale:
                    continue
                first = run.generation != generation
                if first:
                    generation, sent_cost, sent_frame = run.generation, 0, 0
                message, sent_cost, sent_frame = run.take(sent_cost, sent_frame)
                if first:
                    message["metrics"] = list(run.metrics)
                try:
                    text = json.dumps(message, allow_nan=False)
                except (ValueError, TypeError):
                    text, sent_cost, sent_frame = _failed_event(run, message)
                yield f"data: {text}\n\n"
        finally:
            session.detach(listener)

    return StreamingResponse(events(), media_type="text/event-stream",
                             headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})


def _failed_event(run, message: dict) -> tuple[str, int, int]:
    """The event sent instead of one that JSON cannot carry (a value that is not
    finite, which the training's own checks let through), and the costs and frame it
    covers: the run fails, paused for good, with a message that the page shows, and
    the stream goes on. The exception ended the response with a traceback, and the
    page, reconnecting every second, got the same frame and the same traceback again."""
    frame = message.get("frame") or {}
    iteration = frame.get("iteration", run.iteration)
    run.fail(f"the network's numbers overflowed at iteration {iteration:,} (a value of its "
             "frame is not finite): lower the learning rate and press reset")
    safe, sent_cost, sent_frame = run.take(message["costs_from"], 0)  # its error frame

    def finite(value):
        return value if not isinstance(value, float) or math.isfinite(value) else None

    safe["costs"] = [finite(c) for c in safe["costs"]]
    if "metrics" in message:
        safe["metrics"] = [[finite(v) for v in row] for row in message["metrics"]]
    try:
        return json.dumps(safe, allow_nan=False), sent_cost, sent_frame
    except (ValueError, TypeError):  # never: the message alone, then
        frame = {"iteration": iteration, "state": "paused", "error": run.error}
        return (json.dumps({"run": run.generation, "costs_from": sent_cost, "costs": [],
                            "frame": frame}), sent_cost, sent_frame)


class _Listener:
    """A stream's wake-up call, safe to ring from the training thread."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.event = asyncio.Event()
        self.stale = False

    def wake(self) -> None:
        with contextlib.suppress(RuntimeError):  # the loop is closed: nobody listens
            self.loop.call_soon_threadsafe(self.event.set)


@_api
async def model(request: Request) -> Response:
    session, run = _run(request)
    tab = _tab(request, session)
    # One model file at a time per tab, and one per iteration: each is a copy of the
    # weights and of the solver's state (Adam's moments, twice the weights again),
    # written to a file and read back; twenty downloads at once (a button clicked
    # repeatedly, a client retrying) took 2 GB, and the memory stayed taken.
    async with tab.exporting:
        made = tab.model

        def take():  # in the training thread: the iteration cannot change meanwhile
            if (made is not None and made[:2] == (run.generation, run.iteration)
                    and run.error is None):
                return None  # that file again
            return run.copy_fitted()

        est = await _in_training_thread(request, session, run, take)
        if est is None:
            _, _, filename, blob = made
        else:
            frame = run.frame or {}
            training = {"source": "nnscratch playground", "data": run.config["dataset"],
                        "n_samples": len(run.data.y_train), "iterations": int(est.n_iter_),
                        "train_accuracy": frame.get("train_accuracy"),
                        "test_accuracy": frame.get("test_accuracy")}
            blob = await _in_thread(request, session, model_file, est, run.data, training)
            filename = f"playground-{run.config['dataset']}-{est.n_iter_}.npz"
            tab.model = (run.generation, int(est.n_iter_), filename, blob)
            del est
    return Response(blob, media_type="application/octet-stream",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@_api
async def code(request: Request) -> Response:
    _, run = _run(request)
    n = run.iteration
    if n == 0:
        raise ConflictError("train at least one iteration first")
    return Response(snippet(run.config, run.source, n), media_type="text/x-python")


@_api
async def csv_part(request: Request) -> Response:
    session, run = _run(request)
    part = request.query_params.get("part", "test")
    if part not in ("train", "test"):
        raise HTTPException(422, "part must be train or test")
    if run.data.raw_train.ndim == 4:
        raise ConflictError("these data are pictures: nnscratch predict takes the picture files")
    text = await _in_thread(request, session, data_csv, run.data, part)
    return Response(text, media_type="text/csv", headers={
        "Content-Disposition": f'attachment; filename="playground-{part}.csv"'})


NO_GLASS_BOX = ("the glass box needs nnscratch.course.trace, which this version of nnscratch "
                "does not have")


def _trace_function():
    """``nnscratch.course.trace``, imported when first asked for; None when absent."""
    try:
        return importlib.import_module("nnscratch.course").trace
    except (ImportError, AttributeError):
        return None


def _n_parameters(run) -> int:
    """The network's weights and biases, from its settings and data."""
    n_classes = len(np.unique(run.data.y_train))
    sizes = [run.data.X_train.shape[1], *(layer["units"] for layer in run.config["hidden"]),
             1 if n_classes <= 2 else n_classes]
    return sum((a + 1) * b for a, b in zip(sizes, sizes[1:]))


@_api
async def trace(request: Request) -> Response:
    session, run = _run(request)
    gradient_check = request.query_params.get("gradient_check", "0")
    if gradient_check not in ("0", "1"):
        raise HTTPException(422, "gradient_check must be 0 or 1")
    trace_fn = _trace_function()
    if trace_fn is None:
        return _error(501, NO_GLASS_BOX)
    check = gradient_check == "1"
    failed = "change a setting or press reset: the glass box shows finite weights only"
    if run.error is not None:
        raise ConflictError(run.failure(failed))
    if check:
        # counted from the layers' sizes: the weights (params_) exist only once the
        # training thread has started its fit, which a run just made may not have yet
        n_params = _n_parameters(run)
        if n_params > MAX_GRADIENT_CHECK_PARAMETERS:
            raise ConflictError(f"the gradient check is offered for networks of at most "
                                f"{MAX_GRADIENT_CHECK_PARAMETERS:,} parameters; this one has "
                                f"{n_params:,}")
    data = run.data

    def compute():
        if run.error is not None:  # it diverged meanwhile
            raise ConflictError(run.failure(failed))
        return trace_fn(run.estimator, data.X_train, data.y_train,
                        gradient_check=check).to_dict()

    result = await _in_training_thread(request, session, run, compute)
    result = {"iteration": run.iteration, **result}
    try:
        text = json.dumps(result, allow_nan=False)
    except ValueError:  # a statistic of weights near overflow: said, not a 500
        raise ConflictError("the trace of these weights holds numbers that overflow: lower "
                            "the learning rate and press reset") from None
    return Response(text, media_type="application/json")


@_api
async def picture(request: Request) -> Response:
    _, run = _run(request)
    part = request.path_params["part"]
    if part not in ("train", "test"):
        raise HTTPException(404, "part must be train or test")
    raw = run.data.raw_train if part == "train" else run.data.raw_test
    if raw.ndim != 4:
        raise HTTPException(404, "these data have no pictures")
    text = request.path_params["index"]  # read here: a 5000-digit index is no int
    index = int(text) if text.isascii() and text.isdigit() and len(text) <= 12 else -1
    if not 0 <= index < len(raw):
        if index < 0:
            raise HTTPException(404, f"no picture {text[:20]}: give a number from 0 to "
                                     f"{len(raw) - 1}")
        raise HTTPException(404, f"no picture {index}: there are {len(raw)}")
    from PIL import Image

    out = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(raw[index])).save(out, format="PNG")
    return Response(out.getvalue(), media_type="image/png")


async def _not_found(request: Request, exc: HTTPException) -> Response:
    """Starlette's own 404 and 405 ("Not Found") said with the address and what to do."""
    where = f"{request.method} {request.url.path[:200]}"
    message, headers = exc.detail, dict(exc.headers or {})
    if exc.status_code == 404 and exc.detail == "Not Found":
        message = f"no such address: {where}; the playground's page is /"
    elif exc.status_code == 405:
        # Starlette lists them in no fixed order, HEAD with GET: said as "use GET"
        methods = {m.strip() for m in (headers.get("Allow") or headers.get("allow") or "")
                   .split(",") if m.strip()}
        if "GET" in methods:
            methods.discard("HEAD")
        allowed = " or ".join(sorted(methods))
        message = f"{where} is not allowed" + (f"; use {allowed}" if allowed else "")
    response = _error(exc.status_code, message)
    response.headers.update(headers)
    return response


async def _server_error(request: Request, exc: Exception) -> Response:
    return _error(500, f"internal error ({type(exc).__name__})")


class _HostCheck:
    """Answer only requests naming an allowed host (no DNS rebinding): 400 otherwise;
    and a request that changes something (not GET or HEAD) only from the playground's
    own page: one whose browser names another site as its ``Origin`` gets a 403.

    ``allowed_hosts`` None takes any host; ``ip_hosts`` also takes any IP address
    literal (v4 or v6, with or without a port), as a server listening on every address
    is reached by its addresses: a DNS-rebinding page names its own host name.
    """

    def __init__(self, app, allowed_hosts: list[str] | None, ip_hosts: bool = False) -> None:
        self.app = app
        self.allowed = {h.lower() for h in allowed_hosts} if allowed_hosts else None
        self.ip_hosts = ip_hosts

    def _takes(self, name: str) -> bool:
        if self.allowed is None or name in self.allowed:
            return True
        if not self.ip_hosts:
            return False
        literal = name[1:-1] if name.startswith("[") and name.endswith("]") else name
        if ":" in literal and not name.startswith("["):
            return False  # an IPv6 address in a Host header is in brackets
        try:
            ipaddress.ip_address(literal)
        except ValueError:
            return False
        return True

    def _answers_to(self) -> str:
        names = sorted(n for n in self.allowed if not n.startswith("[") and ":" not in n
                       and not _is_ip(n))
        if not self.ip_hosts:
            # every name it takes, as a Host header gives it (IPv6 in brackets): it
            # said "127.0.0.1 only", and it takes localhost and [::1] as well
            said = sorted((n for n in self.allowed if ":" not in n or n.startswith("[")),
                          key=lambda n: (n.startswith("["), not _is_ip(n), n))
            return said[0] if len(said) == 1 else ", ".join(said[:-1]) + " or " + said[-1]
        said = ["its IP addresses", *names]
        return ", ".join(said[:-1]) + " and " + said[-1]

    async def __call__(self, scope, receive, send):
        if scope["type"] in ("http", "websocket"):
            host, origin = "", None
            for key, value in scope.get("headers", []):
                if key == b"host":
                    host = value.decode("latin-1").lower()
                elif key == b"origin":
                    origin = value.decode("latin-1").lower()
            name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
            if not self._takes(name):
                shown = host if len(host) <= 60 else host[:57] + "..."
                then = "; open the page by one of those" if self.ip_hosts else ""
                response = _error(400, f"this server answers to {self._answers_to()} only, "
                                       f"not to the host name this request names "
                                       f"({shown or 'none'}){then}")
                await response(scope, receive, send)
                return
            if (origin is not None and scope.get("method") not in ("GET", "HEAD")
                    and origin not in (f"http://{host}", f"https://{host}")):
                # another site's page (or a sandboxed one: "null") posting to this server
                response = _error(403, "this server takes requests from its own page "
                                       f"(http://{host}) only, not from {origin[:100]}")
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


def _is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name.strip("[]"))
    except ValueError:
        return False
    return True


class _WholeFiles:
    """Serve the page's files whole: a ``Range`` header is dropped. Its files are a few
    kilobytes, and Starlette answers a bad range (``bytes=5-1``, ``items=0-1``, one
    past the end) in plain text or with an empty body, not in one line of JSON."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if any(key in (b"range", b"if-range") for key, _ in scope.get("headers", [])):
            scope = dict(scope)
            scope["headers"] = [(key, value) for key, value in scope["headers"]
                                if key not in (b"range", b"if-range")]

        async def whole(message):
            if message["type"] == "http.response.start":  # no ranges offered either
                message = {**message, "headers": [
                    (key, value) for key, value in message.get("headers", [])
                    if key.lower() != b"accept-ranges"]}
            await send(message)

        await self.app(scope, receive, whole)


def bad_http(reason: str) -> dict:
    """The body of the answer to bytes that are not an HTTP request (``reason``:
    uvicorn's, e.g. "Invalid HTTP request received.")."""
    reason = " ".join(str(reason).split()).rstrip(".") or "not parsed"
    return {"error": f"the request is not valid HTTP/1.1 (uvicorn: {reason}); send a "
                     "well-formed request"}


def _http_protocol():
    """uvicorn's h11 protocol, answering what it cannot parse as HTTP with a 400 of one
    line of JSON like the application's own errors (uvicorn's is plain text), or "h11"
    where this uvicorn has no ``send_400_response`` to replace. h11 even where
    httptools is installed: one parser, whose answer is the one tested."""
    try:
        import h11
        from uvicorn.protocols.http.h11_impl import H11Protocol
    except ImportError:  # pragma: no cover - uvicorn without h11 does not exist
        return "h11"
    if not callable(getattr(H11Protocol, "send_400_response", None)):
        return "h11"

    told = []  # the terminal is told once about https:// (a browser tries several times)

    class JSONErrorsH11Protocol(H11Protocol):
        def send_400_response(self, msg: str) -> None:
            answer = bad_http(msg)
            with contextlib.suppress(Exception):  # no bytes to look at: the plain answer
                if self.conn.trailing_data[0].startswith(b"\x16"):
                    # a TLS handshake: https:// typed for http://, a common slip
                    host, port = self.server or ("127.0.0.1", 0)
                    url = f"http://{f'[{host}]' if ':' in host else host}:{port}/"
                    answer = {"error": f"this server speaks plain HTTP, not HTTPS: open {url}"}
                    if not told:
                        told.append(True)
                        print(f"nnscratch playground: a browser asked for https://; this "
                              f"server speaks plain HTTP: open {url}", file=sys.stderr,
                              flush=True)
            body = json.dumps(answer).encode()
            headers = [(b"content-type", b"application/json"),
                       (b"content-length", str(len(body)).encode()),
                       (b"connection", b"close")]
            try:
                for event in (h11.Response(status_code=400, headers=headers,
                                           reason=b"Bad Request"),
                              h11.Data(data=body), h11.EndOfMessage()):
                    self.transport.write(self.conn.send(event))
            except h11.LocalProtocolError:  # a response had already begun: just close
                pass
            self.transport.close()

    return JSONErrorsH11Protocol


#: uvicorn's warnings that are no news on the playground's terminal: it has no
#: WebSocket, so uvicorn's advice to install one ("pip install 'uvicorn[standard]'") for
#: a stray Upgrade header is wrong here, and a request that is not HTTP is answered in
#: one line of JSON (an https:// slip is said in the playground's own words).
_UVICORN_NOISE = ("Unsupported upgrade request", "No supported WebSocket library",
                  "Invalid HTTP request received")


class _QuietUvicorn(logging.Filter):
    """Drops :data:`_UVICORN_NOISE` from uvicorn's log."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith(_UVICORN_NOISE)


def _uvicorn_config(app: Starlette):
    """The settings both servers run the playground with."""
    import uvicorn

    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on",
                            timeout_graceful_shutdown=1, http=_http_protocol())
    logger = logging.getLogger("uvicorn.error")  # configured by Config just now
    if not any(isinstance(f, _QuietUvicorn) for f in logger.filters):
        logger.addFilter(_QuietUvicorn())
    return config


class _Server:
    """``uvicorn.Server`` that ends the event streams as soon as it is told to stop,
    and stops without waiting for the runs at a second Ctrl-C."""

    @staticmethod
    def make(app: Starlette, config):
        import uvicorn

        class Server(uvicorn.Server):
            def handle_exit(self, sig, frame):
                if self.should_exit and sig == signal.SIGINT:
                    app.state.sessions.hurry()
                app.state.sessions.end_streams()
                super().handle_exit(sig, frame)

        return Server(config)


def _say_stopping(busy: int) -> None:
    """What ``serve`` says while the runs end their iteration (Ctrl-C was pressed)."""
    runs = f"{busy} run{'' if busy == 1 else 's'} end{'s' if busy == 1 else ''}"
    print(f"nnscratch playground: stopping: {runs} the iteration under way (at most "
          f"{STOP_WAIT:g} s; Ctrl-C again to stop at once)", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- the app


def create_app(file_data: FileData | None = None, *, max_sessions: int = 8,
               grace: float = 10.0, max_iterations: int = LIMITS["max_iterations"],
               allowed_hosts: list[str] | None = None, ip_hosts: bool = False) -> Starlette:
    """The playground's ASGI application.

    Parameters
    ----------
    file_data : FileData, optional
        The ``--data`` file, already read.
    max_sessions : int
        Sessions (tabs) served at once.
    grace : float
        Seconds a session lives on without its event stream (a closed tab).
    max_iterations : int
        Iterations of one run, at most (bounds a session's memory).
    allowed_hosts : list of str, optional
        Host names the server answers to (refuses DNS-rebinding pages); None: any.
    ip_hosts : bool
        Also answer to any IP address literal (a server listening on every address).

    Returns
    -------
    Starlette
    """
    sessions = Sessions(max_sessions=max_sessions, grace=grace)

    @contextlib.asynccontextmanager
    async def lifespan(app):
        async def reaper():
            while True:
                await asyncio.sleep(min(1.0, grace / 2))
                await run_in_threadpool(sessions.reap)

        task = asyncio.create_task(reaper())
        try:
            yield
        finally:
            task.cancel()
            await run_in_threadpool(sessions.close_all, STOP_WAIT, app.state.on_stopping)

    sid = "/api/sessions/{sid}"
    routes = [
        Route("/", index),
        Route("/api/options", options),
        Route("/api/sessions", create_session, methods=["POST"]),
        Route(f"{sid}/config", configure, methods=["POST"]),
        Route(f"{sid}/control", control, methods=["POST"]),
        Route(f"{sid}/upload", upload, methods=["POST"]),
        Route(f"{sid}/close", close, methods=["POST"]),
        Route(f"{sid}/stream", stream),
        Route(f"{sid}/state", state),
        Route(f"{sid}/costs", costs),
        Route(f"{sid}/model", model),
        Route(f"{sid}/snippet", code),
        Route(f"{sid}/data.csv", csv_part),
        Route(f"{sid}/trace", trace),
        Route(sid + "/pictures/{part}/{index}", picture),
        Mount("/static", StaticFiles(directory=str(STATIC)), name="static"),
    ]
    middleware = [Middleware(_HostCheck, allowed_hosts=allowed_hosts, ip_hosts=ip_hosts),
                  Middleware(_WholeFiles)]
    app = Starlette(routes=routes, middleware=middleware, lifespan=lifespan,
                    exception_handlers={HTTPException: _not_found, Exception: _server_error})
    app.state.sessions = sessions
    app.state.file_data = file_data
    app.state.max_iterations = max_iterations
    app.state.tabs = weakref.WeakKeyDictionary()  # session -> _Tab
    #: called, stopping, with the number of runs still in an iteration (serve: says so)
    app.state.on_stopping = None
    return app


def is_loopback(host: str) -> bool:
    """Whether ``host`` names this machine only (127.0.0.0/8, ::1, localhost)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def allowed_hosts(host: str, *, loopback: bool | None = None) -> list[str]:
    """The host names a server listening on ``host`` answers to: loopback's, and
    ``host`` itself; off loopback also this machine's own names (its IP addresses are
    taken too: ``create_app(ip_hosts=True)``), never any name at all. ``loopback``:
    whether the address listened on is (a name resolving to 127.0.0.1 is); None: as
    :func:`is_loopback` says of ``host``."""
    names = ["127.0.0.1", "localhost", "::1", "[::1]"]
    if not (is_loopback(host) if loopback is None else loopback):
        for own in (socket.gethostname(), socket.getfqdn()):
            if own:
                names.append(own.lower())
    bare = host.strip("[]").lower()
    names.append(f"[{bare}]" if ":" in bare else bare)
    return list(dict.fromkeys(n for n in names if n not in ("0.0.0.0", "[::]")))


def _warm_up() -> None:
    """Import the estimator and scikit-learn (seconds) while the browser opens the page
    and asks for its options; the first run waits for them only if it comes first. An
    error is left to the first run, which reports it in one line as any other."""
    with contextlib.suppress(Exception):
        _import_for_runs()


#: Held while the modules of a run are imported (:func:`_import_for_runs`).
_IMPORTING = threading.Lock()
_IMPORTED = threading.Event()


def _import_for_runs() -> None:
    """Import what a run needs (the estimator, scikit-learn's splits and data sets),
    once, one thread at a time: the first settings, taken while the warm-up thread was
    importing scikit-learn, met it partially initialised (a 500, "cannot import name
    'clone' from partially initialized module 'sklearn.base'")."""
    if _IMPORTED.is_set():
        return
    with _IMPORTING:
        if not _IMPORTED.is_set():
            for name in ("nnscratch.estimators", "sklearn.model_selection", "sklearn.datasets"):
                importlib.import_module(name)
            _IMPORTED.set()


def serve(host: str = "127.0.0.1", port: int = 8765, *, open_browser: bool = True,
          data: str | None = None, ready: threading.Event | None = None) -> None:
    """Run the playground until Ctrl-C: ``nnscratch playground``.

    Prints the URL on stdout once its socket listens (a script may connect as soon as
    it reads it) and what it does on stderr.

    Raises
    ------
    DatasetError
        ``data`` cannot be read.
    OSError
        The address cannot be listened on (message in one line).
    """
    import uvicorn  # noqa: F401 - without it, refused before the data is read

    file_data = load_file(data) if data else None
    family = socket.AF_INET6 if ":" in host.strip("[]") else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        # the name resolved here, as bind() would: the address it gives is the one
        # listened on, and the one judged loopback or not below
        address = socket.getaddrinfo(host.strip("[]"), port, family, socket.SOCK_STREAM)[0][4]
        sock.bind(address)
    except (OSError, UnicodeError) as error:
        sock.close()
        raise OSError(f"cannot listen on {host}:{port} "
                      f"({getattr(error, 'strerror', None) or error}); "
                      "choose another --port (0 picks a free one)") from None
    bound, port = sock.getsockname()[:2]
    # a name of this machine's loopback (an /etc/hosts alias) is loopback: it was warned
    # about as "not on loopback" and answered as if every machine could reach it
    loopback = is_loopback(host) or is_loopback(bound)
    if not loopback:
        names = " or ".join(n for n in allowed_hosts(host, loopback=False) if not _is_ip(n))
        print(f"nnscratch playground: warning: listening on {host}, not on loopback: anyone "
              "who can reach this port can use the playground and its CPU (it has no "
              "login); it answers only to requests that name it by an IP address or as "
              f"{names} (no DNS rebinding); leave out --host to listen on 127.0.0.1 only",
              file=sys.stderr)
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    url = f"http://{'[' + shown + ']' if ':' in shown else shown}:{port}/"
    app = create_app(file_data, allowed_hosts=allowed_hosts(host, loopback=loopback),
                     ip_hosts=not loopback)
    app.state.on_stopping = _say_stopping
    config = _uvicorn_config(app)

    server = _Server.make(app, config)
    # Listen before the URL is printed: a script that reads it may connect at once, and
    # its connection waits in the backlog until uvicorn (starting now) accepts it.
    sock.listen(config.backlog)
    print(url, flush=True)
    print(f"nnscratch playground: serving {url} (Ctrl-C to stop)", file=sys.stderr, flush=True)
    threading.Thread(target=_warm_up, name="playground-warm-up", daemon=True).start()
    if open_browser:
        threading.Timer(0.5, webbrowser.open, [url]).start()
    if ready is not None:
        ready.set()
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:  # uvicorn re-raises the Ctrl-C it shut down on: done
        pass
    print("nnscratch playground: stopped", file=sys.stderr, flush=True)


class BackgroundServer:
    """A playground server running in a thread of this process (tests, benchmarks).

    Parameters
    ----------
    app : Starlette
        From :func:`create_app`.
    host : str
    port : int
        0 picks a free port.

    Attributes
    ----------
    url : str
        ``http://host:port`` (no trailing slash).
    app : Starlette
    """

    def __init__(self, app: Starlette, host: str = "127.0.0.1", port: int = 0) -> None:
        import uvicorn

        self.app = app
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind((host, port))
        self.url = f"http://{host}:{sock.getsockname()[1]}"
        self._server = uvicorn.Server(_uvicorn_config(app))
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [sock]},
                                        name="playground-server", daemon=True)
        self._thread.start()
        while not self._server.started:
            if not self._thread.is_alive():
                raise RuntimeError("the playground server did not start")
            self._thread.join(0.02)

    def stop(self) -> None:
        """Shut the server down (its sessions are closed) and wait for its thread."""
        self.app.state.sessions.end_streams()
        self._server.should_exit = True
        self._thread.join(10)
