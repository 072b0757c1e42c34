"""Hyper-parameter searches: scikit-learn's grid and random search over our estimators,
on the local cores or on a Dask cluster, with results kept as candidates finish.

The work behind ``nnscratch search``:

- :func:`parse_params` turns ``--param`` texts such as ``"hidden=8;16,8"`` (values of one
  parameter separated by ``;``, a layer list by ``,``) into a grid keyed by the command's
  option names (:data:`SEARCH_PARAMETERS`);
- :func:`run_search` runs :class:`CheckpointedGridSearchCV` (or the random variant), the
  search classes of scikit-learn evaluating the candidates a few at a time: after each
  group, every finished candidate is written to the results CSV (atomically: a temporary
  file renamed), so a worker that dies does not lose finished results; on a Dask cluster
  (``scheduler=ADDRESS``) the fits are spread through joblib's Dask backend, the data
  sent to every worker; a lost worker stops the search with :class:`SearchFailed`
  (joblib returns its batch cancelled, or the scheduler marks it failed), the finished
  candidates kept;
- :func:`search_json`, :func:`format_table`, :func:`plot_scores` give the output.

Examples
--------
>>> from nnscratch.search import parse_params
>>> parse_params(["hidden=8;16,8", "learning_rate=0.1;0.01"])
{'hidden': [(8,), (16, 8)], 'learning_rate': [0.1, 0.01]}
"""

from __future__ import annotations

import contextvars
import csv
import io
import math
import socket
import threading
import time
import warnings
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin, clone
from sklearn.model_selection import (
    GridSearchCV,
    ParameterGrid,
    ParameterSampler,
    RandomizedSearchCV,
    check_cv,
)

from ._files import atomic_write, missing_folder
from ._params import PARAMETERS, check, requirement, short_repr
from .streaming import DASK_HINT, MissingExtraError, require_dask
from .training import INTERRUPT_ENDS_ALL, library_warnings_ignored

__all__ = [
    "SEARCH_PARAMETERS",
    "FoldPreprocessing",
    "SearchError",
    "SearchFailed",
    "SearchOutcome",
    "candidate_rows",
    "check_folds",
    "format_table",
    "format_value",
    "parse_param",
    "parse_params",
    "plot_scores",
    "run_search",
    "search_json",
    "write_results_csv",
]


class SearchError(ValueError):
    """A bad search specification (the message says what to write instead)."""


class SearchFailed(RuntimeError):
    """The search could not finish; the message says what was kept."""


class SearchInterrupted(KeyboardInterrupt):
    """Ctrl-C ended the search (a KeyboardInterrupt); the message says what was kept."""


# --------------------------------------------------------------------------- specs


#: The largest integer a searched value may be (as for the command line's integer
#: options, :data:`nnscratch.cli.MAX_INTEGER`): what a model file stores.
MAX_INTEGER = 2**31 - 1


def _layers(text: str) -> tuple[int, ...]:
    try:
        sizes = tuple(int(p.strip()) for p in text.split(","))
        for size in sizes:
            check("hidden_layer_sizes", size)
            if size > MAX_INTEGER:
                raise ValueError
    except ValueError:  # InvalidParameterError is a ValueError
        raise ValueError(f"a list of positive layer sizes (at most {MAX_INTEGER}), "
                         "e.g. 16,8") from None
    return sizes


def _table(name: str, none: tuple[str, ...] = (), words: str | None = None):
    """A parser of one value of the estimator parameter ``name``, checked by the table of
    hyper-parameters (:mod:`nnscratch._params`): its type, range and choices."""
    kind = PARAMETERS[name].kind

    def parse(text: str):
        if text.lower() in none:
            return None
        try:
            if kind in ("int", "random_state"):
                value = int(text)
            elif kind == "real":
                value = float(text)
            else:
                value = text
            value = check(name, value)
            if kind == "int" and value is not None and abs(value) > MAX_INTEGER:
                raise ValueError
            return value
        except ValueError:  # InvalidParameterError is a ValueError
            need = words or requirement(name)
            if kind == "int":
                need += f" (at most {MAX_INTEGER})"
            need = f"a value {need}" if need.startswith("in ") else need
            alternative = f" or {'/'.join(none)}" if none else ""
            raise ValueError(f"{need}{alternative}") from None
    return parse


#: The parameters a search can vary: option name -> (estimator parameter, parser of one
#: value, whether only a network has it). The option names are ``nnscratch train``'s
#: (``--learning-rate`` is ``learning_rate`` here; ``learning-rate`` is accepted too);
#: the values are checked by the table of hyper-parameters, as the estimators check them.
SEARCH_PARAMETERS: dict[str, tuple[str, Callable[[str], Any], bool]] = {
    "hidden": ("hidden_layer_sizes", _layers, True),
    "learning_rate": ("learning_rate", _table("learning_rate"), False),
    "iterations": ("max_iter", _table("max_iter"), False),
    "batch_size": ("batch_size", _table("batch_size", none=("full", "none")), False),
    "alpha": ("alpha", _table("alpha"), False),
    "dropout": ("dropout", _table("dropout"), True),
    "activation": ("activation", _table("activation"), True),
    "init": ("init", _table("init"), True),
    "solver": ("solver", _table("solver"), False),
    "seed": ("random_state", _table("random_state", words="an integer from 0 to 4294967295"), False),
    "class_weight": ("class_weight", _table("class_weight", none=("none",), words="balanced"), False),
}


def parse_param(text: str) -> tuple[str, list]:
    """``"hidden=8;16,8"`` -> ``("hidden", [(8,), (16, 8)])``.

    Raises
    ------
    SearchError
        No ``=``, an unknown name, an empty or bad value, a repeated value.
    """
    if "=" not in text:
        raise SearchError(f"--param '{text}' has no '='; write NAME=VALUE;VALUE, e.g. "
                          "'learning_rate=0.1;0.01'")
    name, _, values = text.partition("=")
    name = name.strip().lower().replace("-", "_")
    if name not in SEARCH_PARAMETERS:
        raise SearchError(f"--param '{text}': unknown parameter '{name}'; choose from "
                          f"{', '.join(SEARCH_PARAMETERS)}")
    parse = SEARCH_PARAMETERS[name][1]
    parsed = []
    for item in values.split(";"):
        item = item.strip()
        if not item:
            raise SearchError(f"--param '{text}': an empty value; separate the values with "
                              "';' and the layers of one value with ','")
        try:
            value = parse(item)
        except ValueError as exc:
            parts = [part.strip() for part in item.split(",")]  # only hidden's hold commas
            hint = (f" (values are separated by ';': '{name}={';'.join(parts)}')"
                    if name != "hidden" and len(parts) > 1 and all(parts) else "")
            raise SearchError(f"--param '{text}': '{item}' is not valid for {name}; give "
                              f"{exc}{hint}") from None
        if value in parsed:
            raise SearchError(f"--param '{text}': the value '{item}' is given twice")
        parsed.append(value)
    return name, parsed


def parse_params(texts: Sequence[str]) -> dict[str, list]:
    """Several ``--param`` texts -> ``{option name: [values]}`` (each name once)."""
    grid: dict[str, list] = {}
    for text in texts:
        name, values = parse_param(text)
        if name in grid:
            raise SearchError(f"--param {name} is given twice; list all its values in one, "
                              f"separated by ';'")
        grid[name] = values
    if not grid:
        raise SearchError("give at least one --param NAME=VALUE;VALUE")
    return grid


def estimator_grid(grid: dict[str, list], estimator) -> dict[str, list]:
    """The grid keyed by the estimator's parameter names, checked against it: every
    name one of :data:`SEARCH_PARAMETERS`, every value one the estimator takes (a grid
    given in Python has not been through :func:`parse_param`)."""
    if not isinstance(grid, dict) or not grid:
        raise SearchError(f"the grid must be a dict of parameter names and lists of "
                          f"values, e.g. {{'learning_rate': [0.1, 0.01]}}; got "
                          f"{short_repr(grid)}")
    from .estimators import _BaseNetwork

    if not isinstance(estimator, _BaseNetwork):
        raise SearchError(f"the estimator must be nnscratch's LogisticRegression or "
                          f"NeuralNetworkClassifier, not {short_repr(estimator)}; search "
                          "another estimator with scikit-learn's GridSearchCV")
    vocabulary = estimator.get_params()
    out = {}
    for name, values in grid.items():
        if name not in SEARCH_PARAMETERS:
            raise SearchError(f"unknown parameter {name!r} in the grid; choose from "
                              f"{', '.join(SEARCH_PARAMETERS)}")
        key = SEARCH_PARAMETERS[name][0]
        if key not in vocabulary:
            raise SearchError(f"{name} applies to a network, not to logistic regression: "
                              "give a NeuralNetworkClassifier (on the command line, add "
                              "--hidden SIZES or --param hidden=...)")
        if isinstance(values, (str, bytes, dict)) or not isinstance(values, Iterable):
            raise SearchError(f"the grid's {name} must be a list of values, e.g. "
                              f"{name}=[...]; got {short_repr(values)}")
        values = list(values)
        if not values:
            raise SearchError(f"the grid's {name} has no values; give at least one")
        for value in values:  # refused before any fit, as the command line refuses it
            try:
                clone(estimator).set_params(**{key: value})._validate_hyperparameters()
            except (TypeError, ValueError) as exc:
                raise SearchError(f"the grid's {name} value {short_repr(value)} is not "
                                  f"valid: {' '.join(str(exc).split())}") from None
        out[key] = values
    return out


def _option_names(params: dict) -> dict:
    back = {key: name for name, (key, _, _) in SEARCH_PARAMETERS.items()}
    names = (k.removeprefix(_MODEL + "__") for k in params)
    return {back.get(k, k): _plain(v) for k, v in zip(names, params.values())}


def _plain(value):
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    return value


def format_value(value) -> str:
    """A parameter value as the command line writes it: 16,8 for layers, none for None."""
    if isinstance(value, (list, tuple)):
        return ",".join(str(v) for v in value)
    return "none" if value is None else str(value)


# --------------------------------------------------------------------------- the search

_MODEL = "model"  # the estimator's step in the pipeline of a search on raw data


class FoldPreprocessing(TransformerMixin, BaseEstimator):
    """A data set's preprocessing as a scikit-learn transformer, learnt again on each fit.

    In a :class:`~sklearn.pipeline.Pipeline` before the estimator, a cross-validated
    search fits it on each fold's training rows only: a text vocabulary and its inverse
    document frequencies, or a table's mean and standard deviation, then never see the
    rows that score the fold.

    Parameters
    ----------
    preprocessor : Preprocessor
        The preprocessing whose kind and settings are kept (e.g. the one fitted on all the
        data); its learnt values are replaced at :meth:`fit`.

    Attributes
    ----------
    preprocessor_ : Preprocessor
        The preprocessing learnt from the rows given to :meth:`fit`.
    """

    def __init__(self, preprocessor=None) -> None:
        self.preprocessor = preprocessor

    def fit(self, X, y=None):
        """Learn the preprocessing from the raw rows ``X``."""
        if not hasattr(self.preprocessor, "refit"):
            raise TypeError("FoldPreprocessing needs preprocessor=a Preprocessor (e.g. a "
                            f"Dataset's .preprocessor), not {type(self.preprocessor).__name__}")
        self.preprocessor_ = self.preprocessor.refit(X)
        return self

    def transform(self, X):
        """The features of the raw rows ``X``."""
        return self.preprocessor_.transform(X)


#: The "all the fits failed" errors of the groups of a search in progress (None outside
#: one): scikit-learn raises that error per call of ``evaluate_candidates``, which here
#: is one group, so a group whose candidates all fail would end the whole search.
_GROUP_FAILURES: contextvars.ContextVar[list | None] = contextvars.ContextVar(
    "nnscratch_group_failures", default=None)
#: The first failed fit's error (scikit-learn's traceback text) of a search in progress,
#: whatever the other fits did: the search says it, not a guess at the cause.
_FIT_ERRORS: contextvars.ContextVar[list | None] = contextvars.ContextVar(
    "nnscratch_fit_errors", default=None)


def _tolerate_failed_groups() -> None:
    """Make scikit-learn's check of a batch of fits (``_warn_or_raise_about_fit_failures``,
    looked up in ``sklearn.model_selection._search`` when ``evaluate_candidates`` runs)
    record, not raise, a group whose fits all failed while :data:`_GROUP_FAILURES` is
    set: its scores are ``error_score`` as for any failed fit, and the search raises
    the error only if every group failed. Idempotent; elsewhere nothing changes."""
    from sklearn.exceptions import FitFailedWarning
    from sklearn.model_selection import _search

    original = getattr(_search, "_warn_or_raise_about_fit_failures", None)
    if original is None or getattr(original, "_nnscratch_groups", False):
        return

    def per_group(results, error_score):
        failures = _GROUP_FAILURES.get()
        if failures is None:
            return original(results, error_score)
        errors = _FIT_ERRORS.get()
        if errors is not None and not errors:  # the first failed fit's own error
            errors.extend(r["fit_error"] for r in results
                          if isinstance(r, dict) and r.get("fit_error"))
            del errors[1:]
        try:
            return original(results, error_score)
        except ValueError as exc:  # raised only when every fit of the group failed
            failures.append(exc)
            warnings.warn(str(exc), FitFailedWarning, stacklevel=2)
            return None

    per_group._nnscratch_groups = True
    _search._warn_or_raise_about_fit_failures = per_group


class _Checkpointed:
    """Evaluate the candidates in groups, calling ``on_results`` after each group.

    ``on_results(results)`` gets scikit-learn's ``cv_results_`` of every candidate
    finished so far. The candidates are those of the parent class, in its order. A
    group whose fits all fail gets ``error_score`` (as in one scikit-learn search of
    all the candidates); "All the fits failed" is raised only when every group failed.
    """

    group_size: int | None = None
    on_results: Callable[[dict], None] | None = None

    def _candidates(self) -> list[dict]:
        raise NotImplementedError

    def _run_search(self, evaluate_candidates):
        candidates = self._candidates()
        step = max(1, int(self.group_size or len(candidates)))
        _tolerate_failed_groups()
        failures: list[ValueError] = []
        token = _GROUP_FAILURES.set(failures)
        fit_errors: list[str] = []
        errors_token = _FIT_ERRORS.set(fit_errors)
        groups = 0
        try:
            for start in range(0, len(candidates), step):
                groups += 1
                results = evaluate_candidates(candidates[start:start + step])
                if self.on_results is not None:
                    self.on_results(results)
        finally:
            _GROUP_FAILURES.reset(token)
            _FIT_ERRORS.reset(errors_token)
            #: the first failed fit's error (its traceback's text), or None
            self.first_fit_error_ = fit_errors[0] if fit_errors else None
        if failures and len(failures) == groups:
            raise failures[0]


class CheckpointedGridSearchCV(_Checkpointed, GridSearchCV):
    """:class:`~sklearn.model_selection.GridSearchCV` that reports finished candidates.

    Set ``group_size`` (candidates evaluated in parallel before a report) and
    ``on_results`` as attributes after construction; results are identical to
    GridSearchCV's.
    """

    def _candidates(self):
        return list(ParameterGrid(self.param_grid))


class CheckpointedRandomizedSearchCV(_Checkpointed, RandomizedSearchCV):
    """:class:`~sklearn.model_selection.RandomizedSearchCV` that reports finished
    candidates (see :class:`CheckpointedGridSearchCV`)."""

    def _candidates(self):
        return list(ParameterSampler(self.param_distributions, self.n_iter,
                                     random_state=self.random_state))


def candidate_rows(results: dict, grid_names: Sequence[str] | None = None) -> list[dict]:
    """One dict per candidate from ``cv_results_``: ``params`` (option names),
    ``mean_score``, ``std_score``, ``fit_time`` (mean seconds per fit), ``scores``
    (per fold), ``rank``."""
    n_splits = sum(1 for k in results if k.startswith("split") and k.endswith("_test_score"))
    rows = []
    for i, params in enumerate(results["params"]):
        mean = float(results["mean_test_score"][i])
        rows.append({
            "params": _option_names(params),
            "mean_score": None if math.isnan(mean) else mean,
            "std_score": None if math.isnan(mean) else float(results["std_test_score"][i]),
            "fit_time": float(results["mean_fit_time"][i]),
            "scores": [None if math.isnan(s) else float(s) for s in
                       (results[f"split{k}_test_score"][i] for k in range(n_splits))],
            "rank": int(results["rank_test_score"][i]),
        })
    return rows


def write_results_csv(rows: list[dict], path: str | Path) -> None:
    """The candidates as CSV, written atomically (a temporary file, then renamed)."""
    names = list(rows[0]["params"]) if rows else []
    n_splits = len(rows[0]["scores"]) if rows else 0
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["candidate", *names, "mean_score", "std_score", "fit_time", "rank",
                     *(f"score_fold{k}" for k in range(n_splits))])
    for i, row in enumerate(rows):
        writer.writerow([i, *(format_value(row["params"][n]) for n in names),
                         _num(row["mean_score"]), _num(row["std_score"]),
                         f"{row['fit_time']:.4f}", row["rank"],
                         *(_num(s) for s in row["scores"])])

    def write(tmp: str) -> None:
        with open(tmp, "w", encoding="utf-8", newline="") as f:
            f.write(buffer.getvalue())

    atomic_write(path, write)


def _num(value) -> str:
    return "" if value is None else repr(float(value))


@dataclass
class SearchOutcome:
    """What :func:`run_search` found.

    Attributes
    ----------
    search : the fitted search object (``best_estimator_`` refitted on all the data)
    rows : list of dict
        :func:`candidate_rows`, every candidate.
    best_params : dict
        Option names -> values.
    best_score : float
    seconds : float
    where : str
        "local (N jobs)" or "Dask cluster at ADDRESS (N workers)".
    failed_fits : int
        Fits that raised (scored NaN), e.g. diverged.
    fit_error : str or None
        The first failed fit's own error on one line (e.g. ``"DatasetError: ..."``),
        None when every fit succeeded.
    """

    search: Any
    rows: list[dict]
    best_params: dict
    best_score: float
    seconds: float
    where: str
    failed_fits: int = 0
    fit_error: str | None = None

    @property
    def model(self):
        """The best candidate's estimator, refitted on all the data (without the
        pipeline's preprocessing step where :func:`run_search` had one)."""
        best = self.search.best_estimator_
        return best.named_steps[_MODEL] if hasattr(best, "named_steps") else best


def check_scheduler(scheduler) -> None:
    """Refuse a Dask scheduler address that cannot be one (no port, an unknown scheme,
    not text), in one line, before anything connects: ``distributed.Client`` given such
    an address fails half-made, and its clean-up then waits 20 s and prints a traceback
    as the program ends.

    Raises
    ------
    SearchError
    """
    if scheduler is None:
        return
    if not isinstance(scheduler, str) or not scheduler.strip():
        raise SearchError(f"scheduler={scheduler!r}: give the Dask scheduler's address as "
                          "text, e.g. tcp://127.0.0.1:8786")
    require_dask("distributed")
    from distributed.comm.addressing import get_address_host_port, parse_address

    try:
        if parse_address(scheduler)[0] != "inproc":  # inproc://: this process's own
            _, port = get_address_host_port(scheduler)
            if not 0 < int(port) < 65536:
                raise ValueError(f"port {port} is not from 1 to 65535")
    except (ValueError, TypeError) as exc:
        raise SearchError(f"--scheduler {scheduler}: not a Dask scheduler address ("
                          f"{' '.join(str(exc).split()) or type(exc).__name__}); give one "
                          "such as tcp://127.0.0.1:8786") from None


def _probe(scheduler: str) -> None:
    """Refuse at once a tcp:// address where nothing listens or whose host has no
    address: Dask's client would retry it until its 10 s timeout. An address that
    answers, or does not answer within 3 s (a slow network), is left to the client."""
    from distributed.comm.addressing import get_address_host_port, parse_address

    if parse_address(scheduler)[0] != "tcp":
        return
    host, port = get_address_host_port(scheduler)
    try:
        socket.create_connection((host, int(port)), timeout=3).close()
    except ConnectionRefusedError:
        raise SearchFailed(f"cannot reach the Dask scheduler at {scheduler}: nothing "
                           f"listens on port {port} of {host} (connection refused); start "
                           f"one there (dask scheduler --port {port}) or check the "
                           "address") from None
    except socket.gaierror as exc:
        raise SearchFailed(f"cannot reach the Dask scheduler at {scheduler}: no such host "
                           f"{host} ({' '.join(str(exc.strerror or exc).split())}); check "
                           "the address, e.g. tcp://127.0.0.1:8786") from None
    except OSError:  # a timeout, an unreachable network: the client says it in its words
        pass


#: Seconds the connection to a Dask scheduler may take, its handshake included.
CONNECT_WAIT = 15.0


def _connect(scheduler: str):
    check_scheduler(scheduler)
    _probe(scheduler)
    from distributed import Client

    # Client's own timeout does not bound its handshake: a service of another kind at
    # the address (a web server) that accepts and answers nothing, or answers bytes that
    # read as a huge frame, held it for ever or ran it out of memory. The connection is
    # made in a thread of its own, waited for at most CONNECT_WAIT seconds.
    outcome: dict[str, Any] = {}
    lock = threading.Lock()

    def connect() -> None:
        try:
            client = Client(scheduler, timeout=10, set_as_default=False)
        except BaseException as exc:  # noqa: BLE001 - reported by the caller
            outcome["error"] = exc
            return
        with lock:
            if outcome.get("abandoned"):
                client.close()  # too late: the search has already failed
            else:
                outcome["client"] = client

    thread = threading.Thread(target=connect, name="nnscratch-dask-connect", daemon=True)
    thread.start()
    thread.join(CONNECT_WAIT)
    with lock:
        if "client" in outcome:
            return outcome["client"]
        outcome["abandoned"] = True
    exc = outcome.get("error")
    if exc is None or isinstance(exc, MemoryError):
        raise SearchFailed(
            f"{scheduler} does not answer as a Dask scheduler "
            + (f"within {CONNECT_WAIT:g} s" if exc is None else "(it sent something else)")
            + "; check that the address is the scheduler's, e.g. tcp://127.0.0.1:8786")
    if isinstance(exc, (OSError, TimeoutError, ValueError)):
        raise SearchFailed(f"cannot reach the Dask scheduler at {scheduler} "
                           f"({' '.join(str(exc).split()) or type(exc).__name__}); check the "
                           "address, e.g. tcp://127.0.0.1:8786") from None
    raise exc


#: Seconds a search waits for a cluster without workers to get one.
WORKER_WAIT = 10.0


def _wait_for_workers(client) -> None:
    """Wait up to :data:`WORKER_WAIT` seconds for a worker on a cluster that has none,
    or raise :class:`SearchFailed` in one line (the scheduler would otherwise fail the
    first scatter with "No valid workers found", or wait for ever)."""
    if client.nthreads():
        return
    try:
        client.wait_for_workers(1, timeout=WORKER_WAIT)
    except (TimeoutError, OSError) as exc:
        address = getattr(client.scheduler, "address", "the scheduler")
        raise SearchFailed(f"the Dask cluster at {address} has no workers (none came in "
                           f"{WORKER_WAIT:g} s: {type(exc).__name__}); start some, e.g. "
                           f"dask worker {address}") from None


class _ErredBatch:
    """The error of a batch whose Dask future erred rather than returned."""

    def __init__(self, exc: BaseException) -> None:
        self.exc = exc


class DataNotSent(RuntimeError):
    """A batch's arguments could not be sent to the cluster (a worker lost meanwhile)."""


class _NoBatch:
    """What joblib submits in place of a batch whose arguments could not be sent: the
    batch's error has already been reported, and this returns nothing."""

    def __call__(self, tasks=None) -> list:
        return []

    def __repr__(self) -> str:
        return "unsent_batch"


_DASK_BACKEND = "nnscratch-dask"
_REGISTERED = False


def _register_dask_backend() -> str:
    """Register (once) joblib's Dask backend with erred batches reported, and name it.

    A fit's own exception comes back from a Dask worker as a value; a batch errs only
    when the scheduler gives it up, e.g. ``KilledWorker`` when the worker running it
    died more often than ``distributed.scheduler.allowed-failures`` allows. joblib's
    backend (1.6) then sets the exception on its own future but never calls the batch's
    completion callback, so ``Parallel`` waits for ever. This subclass passes the error
    to the callback, and ``Parallel`` raises it. The same for a batch whose arguments
    cannot be sent to the cluster (joblib scatters the large ones to one worker, which
    may be the one just lost): joblib's submission fails inside the client's event loop
    and its batch is never reported; here ``Parallel`` raises :class:`DataNotSent`.
    """
    global _REGISTERED
    if _REGISTERED:
        return _DASK_BACKEND
    from joblib import register_parallel_backend

    try:
        from joblib._dask import DaskDistributedBackend  # a private module of joblib's
    except ImportError:  # another joblib: its own backend, as it is
        return "dask"

    class ReportingDaskBackend(DaskDistributedBackend):
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            self._reporting: dict[int, Callable] = {}  # id(batch) -> its callback

        def submit(self, func, callback=None):
            if callback is not None:  # before joblib schedules the sending of func
                self._reporting[id(func)] = callback
            job = super().submit(func, callback)
            if callback is not None:
                def report(job):
                    if not job.cancelled() and job.exception() is not None:
                        callback(_ErredBatch(job.exception()))

                job.add_done_callback(report)
            return job

        async def _to_func_args(self, func):
            callback = self._reporting.pop(id(func), None)
            try:
                return await super()._to_func_args(func)
            except Exception as exc:  # any failure here: report the batch, never hang
                if callback is None:
                    raise
                callback(_ErredBatch(DataNotSent(
                    f"a batch's data could not be sent to the cluster "
                    f"({type(exc).__name__}: {_first_line(exc)})")))
                return _NoBatch(), []

        def retrieve_result_callback(self, out):
            if isinstance(out, _ErredBatch):
                raise out.exc
            return super().retrieve_result_callback(out)

    register_parallel_backend(_DASK_BACKEND, ReportingDaskBackend)
    _REGISTERED = True
    return _DASK_BACKEND


def _is_lost_worker(exc: BaseException) -> bool:
    if isinstance(exc, DataNotSent):
        return True
    name = type(exc).__name__
    module = type(exc).__module__ or ""
    return (name in ("KilledWorker", "TerminatedWorkerError", "CommClosedError",
                     "FutureCancelledError", "CancelledError")
            or module.startswith(("distributed", "joblib.externals.loky")))


def run_search(estimator, X, y, grid: dict[str, list], *, cv: int = 5,
               n_candidates: int | None = None, seed: int = 0, scoring: str = "accuracy",
               scheduler: str | None = None, client=None, n_jobs: int | None = -1,
               results_path: str | Path | None = None,
               progress: Callable[[str], None] | None = None,
               preprocessing=None) -> SearchOutcome:
    """Search ``grid`` with cross-validation and refit the best on all the data.

    Parameters
    ----------
    estimator : LogisticRegression or NeuralNetworkClassifier
        The fixed settings of every candidate.
    X : ndarray of shape (n_samples, n_features), or the raw input with ``preprocessing``
    y : ndarray of shape (n_samples,)
    grid : dict
        :func:`parse_params`'s output (option names -> values).
    cv : int
        Stratified folds (scikit-learn's default splitter: no shuffling, so the same
        folds everywhere).
    n_candidates : int, optional
        Random search of that many candidates drawn from the grid (seeded by ``seed``);
        default: the whole grid.
    seed : int
        The ``random_state`` of the random search's draw of candidates (default 0);
        unused without ``n_candidates``. The estimators' own seed is their
        ``random_state``.
    scoring : str
        The score that ranks the candidates, a scikit-learn scorer name
        (:func:`sklearn.metrics.get_scorer_names`; higher is better: the log-loss is
        ``"neg_log_loss"``). Default ``"accuracy"``.
    scheduler : str, optional
        A Dask scheduler's address: the fits run on its workers through joblib's Dask
        backend. Default: the local cores (``n_jobs``).
    client : distributed.Client, optional
        An open client to use instead of ``scheduler``.
    n_jobs : int or None
        Local parallel fits (-1: every core); on Dask every worker thread is used.
    results_path : path, optional
        The results CSV, rewritten atomically after every group of candidates.
    progress : callable, optional
        Receives one line per group of finished candidates.
    preprocessing : Preprocessor, optional
        Learnt again on each fold's training rows (:class:`FoldPreprocessing`, in a
        :class:`~sklearn.pipeline.Pipeline` before the estimator, whose step is named
        ``model``); ``X`` is then the raw input (:attr:`Dataset.raw
        <nnscratch.datasets.Dataset>`). Without it ``X`` is used as it is, and a
        preprocessing learnt from all of it has seen the held-out rows.

    Returns
    -------
    SearchOutcome
        With ``preprocessing``, ``search.best_estimator_`` is the pipeline and
        :attr:`SearchOutcome.model` its estimator.

    Raises
    ------
    SearchError
        A ``results_path`` in a missing folder or that is a folder, ``n_candidates``
        below 1, an unknown ``scoring`` name, several scorers (a list or dict), a
        scorer of two classes only (``"f1"``, ``"roc_auc"``) for ``y`` of more,
        ``n_jobs=0``, a ``scheduler`` that is not an address (:func:`check_scheduler`),
        a ``client`` already closed, a parameter that the estimator does not have,
        ``X`` or ``y`` that every fit would refuse (missing or continuous labels, NaN
        in ``X``), a class with fewer samples than ``cv`` folds (:func:`check_folds`),
        or a ``preprocessing`` that a fold's training rows cannot learn (checked on
        every fold before any fit).
    SearchFailed
        The Dask scheduler cannot be reached or has no worker (none joins within
        :data:`WORKER_WAIT` seconds), or a worker died and the search cannot
        finish (the finished candidates stay in ``results_path``); every fit failed,
        or no candidate has a score (each has a failed fit), naming the first
        failed fit's own error, or, where the fits ran, the scorer's error.
    MissingExtraError
        ``scheduler`` given without the Dask packages.
    """
    from joblib import effective_n_jobs, parallel_config

    # refused before any fit: where the results go, how many candidates, how scored
    check_output_paths(results_path)
    _check_search_settings(n_candidates, scoring, n_jobs)
    if client is None:
        check_scheduler(scheduler)
    elif getattr(client, "status", "running") != "running":
        raise SearchError(f"client: the Dask client is {client.status}; give an open "
                          "distributed.Client, or scheduler=ADDRESS")
    key_grid = estimator_grid(grid, estimator)
    # X and y as every fit would refuse them (NaN, missing or continuous labels), before
    # the first; the labels before the folds, which misread them ("class nan has only 1
    # sample") or failed on them (a bare TypeError for None). Labels that fit reads
    # otherwise than as given (integers in an object array) are searched as fit reads
    # them: the folds are then stratified by them too.
    try:
        y = estimator._check_fit_labels(y)
    except ValueError as exc:
        raise SearchError(" ".join(str(exc).split())) from None
    _check_scoring_for_labels(scoring, y)
    check_folds(cv, y, option="cv")
    if preprocessing is None:  # else X is the raw input, preprocessed fold by fold
        try:
            estimator._check_fit_data(X, y)
        except ValueError as exc:
            raise SearchError(" ".join(str(exc).split())) from None
    if preprocessing is not None:
        from sklearn.pipeline import Pipeline

        _check_fold_preprocessing(preprocessing, X, y, cv)

        estimator = Pipeline([("preprocessing", FoldPreprocessing(preprocessing)),
                              (_MODEL, estimator)])
        key_grid = {f"{_MODEL}__{k}": v for k, v in key_grid.items()}
    own_client = None
    if scheduler is not None and client is None:
        client = own_client = _connect(scheduler)
    if client is not None:
        try:
            _wait_for_workers(client)
        except BaseException:
            if own_client is not None:
                own_client.close()
            raise
    folds = cv
    if client is not None:
        slots = max(1, sum(client.nthreads().values()))
        where = f"Dask cluster at {client.scheduler.address} ({len(client.nthreads())} workers)"
        # The data and the folds' row indices on every worker: joblib's own scatter puts
        # each on one worker, whose death would lose them and cancel every fit that needs
        # them. The folds are scikit-learn's own (check_cv: stratified, not shuffled),
        # listed once so that every candidate gets these same index arrays.
        folds = list(check_cv(cv, y, classifier=True).split(X, y))
        config = parallel_config(backend=_register_dask_backend(), n_jobs=-1, client=client,
                                 scatter=[X, y, *(rows for fold in folds for rows in fold)])
    else:
        slots = max(1, effective_n_jobs(n_jobs))
        where = f"local ({slots} job{'s' * (slots != 1)})"
        config = parallel_config(n_jobs=n_jobs)
    common = {"scoring": scoring, "cv": folds, "refit": True, "error_score": np.nan,
              "n_jobs": -1 if client is not None else n_jobs}
    if n_candidates is None:
        search = CheckpointedGridSearchCV(estimator, key_grid, **common)
        total = len(ParameterGrid(key_grid))
    else:
        search = CheckpointedRandomizedSearchCV(estimator, key_grid, n_iter=n_candidates,
                                                random_state=seed, **common)
        total = min(n_candidates, len(ParameterGrid(key_grid)))
    search.group_size = slots
    finished: list[dict] = []
    start = time.perf_counter()

    written = False  # the results file: from the first candidate with a score on

    def on_results(results: dict) -> None:
        nonlocal written
        finished[:] = candidate_rows(results)
        # a search whose every fit fails leaves a file of the same name as it was (a
        # user's earlier results)
        if results_path is not None and (written or any(
                r["mean_score"] is not None for r in finished)):
            write_results_csv(finished, results_path)
            written = True
        if progress is not None:
            scored = [r for r in finished if r["mean_score"] is not None]
            best = max(scored, key=lambda r: r["mean_score"]) if scored else None
            best_text = "no score yet" if best is None else (
                f"best so far {best['mean_score']:.4f} with "
                + ", ".join(f"{k}={format_value(v)}" for k, v in best["params"].items()))
            progress(f"{len(finished)}/{total} candidates done ({best_text}), "
                     f"{time.perf_counter() - start:.1f} s")

    search.on_results = on_results
    # Ctrl-C ends the search, not only the fit it interrupts (which would keep its
    # weights so far, be scored as finished, and the search go on)
    interrupt_ends_all = INTERRUPT_ENDS_ALL.set(True)
    try:
        # the fits' warnings are ignored, in the workers too (scikit-learn's Parallel
        # passes the filters on): a failed fit is counted below, in one line, and a
        # worker's warning printed itself on the command line's stderr. Only the
        # libraries' (the filters are the whole process's: another thread's own warnings
        # are still shown, and the filters it sets meanwhile are kept)
        with library_warnings_ignored(), config:
            search.fit(X, y)
    except KeyboardInterrupt:
        raise SearchInterrupted(
            f"interrupted after {len(finished)} of {total} candidates; "
            + _kept(finished, results_path, written)) from None
    except ValueError as exc:
        if "fits failed" in str(exc):
            # the fit's own error says what to do (a smaller learning rate, more data...)
            unwritten = "" if results_path is None else f"; {results_path} was not written"
            raise SearchFailed(f"every fit failed ({_fit_error(exc)}){unwritten}") from None
        raise
    except Exception as exc:
        if not _is_lost_worker(exc):
            raise
        kept = _kept(finished, results_path, written)
        why = ("the worker running a batch of fits died, and the cluster's "
               "distributed.scheduler.allowed-failures allows no more retries"
               if type(exc).__name__ == "KilledWorker" else _first_line(exc))
        raise SearchFailed(f"a worker was lost and the search cannot finish "
                           f"({type(exc).__name__}: {why}); {kept}") from None
    finally:
        INTERRUPT_ENDS_ALL.reset(interrupt_ends_all)
        if own_client is not None:
            own_client.close()
    rows = candidate_rows(search.cv_results_)
    failed_fits = sum(s is None for r in rows for s in r["scores"])
    first = getattr(search, "first_fit_error_", None)
    fit_error = None if first is None else _fit_error(Exception(f"Traceback\n{first}"))
    if not any(r["mean_score"] is not None for r in rows):
        # a candidate with one failed fit has no mean score: none can be the best
        n_fits = sum(len(r["scores"]) for r in rows)
        unwritten = "" if results_path is None else f"; {results_path} was not written"
        scored = None if fit_error is not None else _scoring_error(search, X, y)
        if scored is not None:  # the fits ran: the scorer failed on them
            raise SearchFailed(
                f"no candidate has a score: {failed_fits} of the {n_fits} fits could not "
                f"be scored by scoring={short_repr(scoring)} ({scored}){unwritten}")
        raise SearchFailed(
            f"no candidate has a score: {failed_fits} of the {n_fits} fits failed, and a "
            f"candidate with a failed fit has no mean score (the first failure: "
            f"{fit_error or 'its score is not a number'}){unwritten}")
    return SearchOutcome(search, rows, _option_names(search.best_params_),
                         float(search.best_score_), time.perf_counter() - start, where,
                         failed_fits, fit_error)


def _kept(finished: list, results_path, written: bool = True) -> str:
    """What a search that could not finish leaves of the candidates that did."""
    if not finished:
        return "no candidate had finished"
    if results_path is not None and not written:
        return (f"the {len(finished)} finished candidates had no score, and {results_path} "
                "was not written")
    if results_path is not None:
        return f"the {len(finished)} finished candidates are in {results_path}"
    return f"{len(finished)} candidates had finished (give --results to keep them)"


def _check_search_settings(n_candidates, scoring, n_jobs) -> None:
    """Refuse a candidate count, scorer name or job count that the search would refuse
    (or misread) only once it starts, in one line that says what to give."""
    if n_candidates is not None and (
            isinstance(n_candidates, bool) or not isinstance(n_candidates, (int, np.integer))
            or n_candidates < 1):
        raise SearchError(f"n_candidates={n_candidates!r}: give a whole number of candidates "
                          ">= 1, or None to search the whole grid")
    if isinstance(scoring, (list, tuple, set, dict)):
        # scikit-learn's multi-metric scoring needs a refit=<name> run_search does not take
        raise SearchError(f"scoring={short_repr(scoring)}: give one scorer name, the score "
                          "that ranks the candidates, e.g. scoring='accuracy'")
    if isinstance(scoring, str):
        from sklearn.metrics import get_scorer_names

        if scoring not in get_scorer_names():
            raise SearchError(f"scoring={scoring!r} is not a scikit-learn scorer; e.g. "
                              "accuracy, balanced_accuracy, f1, roc_auc, neg_log_loss "
                              "(sklearn.metrics.get_scorer_names() lists them all)")
        if scoring.endswith("_samples"):
            raise SearchError(f"scoring={scoring!r} scores multilabel targets (several "
                              "labels per example), which the networks do not fit; give "
                              f"e.g. {scoring[:-len('_samples')] + '_macro'!r}")
    if n_jobs is not None and (isinstance(n_jobs, bool) or not isinstance(
            n_jobs, (int, np.integer)) or n_jobs == 0):
        raise SearchError(f"n_jobs={n_jobs!r}: give a number of parallel fits >= 1, or -1 "
                          "for every core")


#: scikit-learn's scorers for two classes only (their metric's ``average="binary"``, or
#: a binary-only metric), with what to give for more: they failed on every fold, after
#: every fit, and the search said only that no score was a number.
_BINARY_SCORERS = {
    "f1": "'f1_macro' or 'f1_weighted'",
    "precision": "'precision_macro' or 'precision_weighted'",
    "recall": "'recall_macro' or 'recall_weighted'",
    "jaccard": "'jaccard_macro' or 'jaccard_weighted'",
    "roc_auc": "'roc_auc_ovr' or 'roc_auc_ovo'",
    "positive_likelihood_ratio": "'balanced_accuracy' or 'f1_macro'",
    "neg_negative_likelihood_ratio": "'balanced_accuracy' or 'f1_macro'",
}


def _check_scoring_for_labels(scoring, y) -> None:
    """Refuse, before any fit, a scorer for two classes only on labels ``y`` (checked
    already) of more than two.

    Raises
    ------
    SearchError
        Naming the scorer, the number of classes and the scorers to give instead.
    """
    if not isinstance(scoring, str) or scoring not in _BINARY_SCORERS:
        return
    n_classes = len(np.unique(np.asarray(y)))
    if n_classes > 2:
        raise SearchError(f"scoring={scoring!r} scores two classes only, and y has "
                          f"{n_classes}; give e.g. {_BINARY_SCORERS[scoring]}")


def _scoring_error(search, X, y) -> str | None:
    """Why the search's scorer failed, in one line: no candidate has a score, and no
    fit failed. scikit-learn only warned "Scoring failed" (in the workers, whose warnings
    the search ignores) and gave the score NaN; the scorer run again on the refitted
    candidate (one prediction of the data) says why. None where it scores there."""
    scorer = getattr(search, "scorer_", None)
    best = getattr(search, "best_estimator_", None)
    if scorer is None or best is None:
        return None
    try:
        with library_warnings_ignored():
            score = scorer(best, X, y)
    except Exception as exc:  # the scorer's own error, whatever it is
        return f"the scorer failed: {type(exc).__name__}: {_first_line(exc)}"
    try:
        finite = math.isfinite(float(score))
    except (TypeError, ValueError):  # not one number: not what made it fail
        return None
    return None if finite else "its score on all the data is not a number either"


def check_folds(cv, y, class_names: Sequence[str] | None = None, *,
                option: str = "--cv") -> None:
    """Refuse ``cv`` stratified folds that some class cannot fill, before any fit.

    ``class_names[code]`` names the class of label ``code`` in the message;
    ``option`` says how ``cv`` was set: ``"--cv"`` (the command line's ``--cv 5``) or
    ``"cv"`` (:func:`run_search`'s ``cv=5``).

    Raises
    ------
    SearchError
        ``cv`` below 2, or a class with fewer samples than folds.
    """
    if not isinstance(cv, (int, np.integer)) or isinstance(cv, bool):
        return  # a splitter or a list of folds: the caller's own
    setting = (lambda n: f"{option} {n}") if option.startswith("-") else (
        lambda n: f"{option}={n}")
    if cv < 2:
        raise SearchError(f"{setting(cv)}: cross-validation needs at least 2 folds")
    labels, counts = np.unique(np.asarray(y), return_counts=True)
    if len(labels) == 1:  # every fit would fail, found after them all
        label = _plain(labels[0]) if class_names is None else class_names[int(labels[0])]
        raise SearchError(f"y holds only one class ({label!r}); a classifier needs "
                          "examples of at least 2 classes")
    fewest = int(counts.min()) if counts.size else cv
    if fewest < cv:
        label = _plain(labels[counts.argmin()])
        if class_names is not None:
            label = class_names[int(label)]
        raise SearchError(
            f"{setting(cv)}: class {label!r} has only {fewest} "
            f"sample{'s' * (fewest != 1)}, and each of the {cv} stratified folds needs "
            f"one; choose {setting(max(2, fewest))} or fewer, or add samples")


def _check_fold_preprocessing(preprocessing, X, y, cv) -> None:
    """Learn the preprocessing on every fold's training rows once, before the search
    (it is vectorizing or a mean, not training): a setting that a fold cannot learn
    from (a --min-df above what a fold's texts share) is refused in one line naming
    the fold, instead of failing that fold's fit of every candidate."""
    from sklearn.utils import _safe_indexing

    from .exceptions import DatasetError

    folds = list(check_cv(cv, y, classifier=True).split(X, y))
    for k, (train, _) in enumerate(folds, 1):
        # rows as the search takes them (X[train] of a DataFrame selected columns)
        rows = _safe_indexing(X, train) if hasattr(X, "shape") else [X[i] for i in train]
        try:
            preprocessing.refit(rows)
        except DatasetError as exc:
            raise SearchError(f"the training rows of a fold ({len(train)} of {len(y)}; "
                              f"fold {k} of {len(folds)}): {exc}") from None


def _fit_error(exc: BaseException) -> str:
    """The first failed fit's own error, from scikit-learn's "All the N fits failed"
    text (which holds each failure's traceback), e.g. ``"DatasetError: ..."``."""
    lines = str(exc).splitlines()
    for i, line in enumerate(lines):
        if line.startswith("Traceback"):
            for after in lines[i + 1:]:
                if after and not after[0].isspace() and ": " in after:
                    name, _, text = after.partition(": ")
                    return _first_line(Exception(f"{name.rsplit('.', 1)[-1]}: {text}"))
    return _first_line(exc)


def _first_line(exc: BaseException) -> str:
    """``exc``'s text on one line, cut after 400 characters at a word's end."""
    text = " ".join(str(exc).split())
    if len(text) > 400:
        text = text[:400].rsplit(" ", 1)[0] + " ..."
    return text or type(exc).__name__


# --------------------------------------------------------------------------- output


def search_json(outcome: SearchOutcome) -> dict:
    """``{"best_params", "best_score", "candidates": [{"params", "mean_score",
    "std_score", "fit_time"}]}`` with the parameters named as the command's options."""
    return {
        "best_params": outcome.best_params,
        "best_score": outcome.best_score,
        "candidates": [{k: r[k] for k in ("params", "mean_score", "std_score", "fit_time")}
                       for r in outcome.rows],
    }


def format_table(rows: list[dict]) -> str:
    """The candidates as a text table, best first."""
    names = list(rows[0]["params"]) if rows else []
    header = ["rank", *names, "mean score", "std", "fit time"]
    body = []
    for r in sorted(rows, key=lambda r: r["rank"]):
        body.append([str(r["rank"]), *(format_value(r["params"][n]) for n in names),
                     "-" if r["mean_score"] is None else f"{r['mean_score']:.4f}",
                     "-" if r["std_score"] is None else f"{r['std_score']:.4f}",
                     f"{r['fit_time']:.2f} s"])
    widths = [max(len(h), *(len(b[i]) for b in body)) if body else len(h)
              for i, h in enumerate(header)]
    lines = ["  ".join(h.rjust(w) for h, w in zip(header, widths))]
    lines += ["  ".join(c.rjust(w) for c, w in zip(b, widths)) for b in body]
    return "\n".join(lines)


def plot_scores(rows: list[dict], *, title: str = "Search", scoring: str = "accuracy"):
    """One panel per searched parameter: every candidate's mean score (error bar: the
    spread over the folds) at its value, the best score per value joined by a line.

    Returns
    -------
    matplotlib.figure.Figure
    """
    from .plotting import _new_figure

    names = list(rows[0]["params"]) if rows else []
    fig = _new_figure(4.2 * max(1, len(names)), 3.6)
    for k, name in enumerate(names):
        ax = fig.add_subplot(1, len(names), k + 1)
        values = []
        for r in rows:
            text = format_value(r["params"][name])
            if text not in values:
                values.append(text)
        numeric = all(_is_number(v) for v in values)
        if numeric:
            values.sort(key=float)
        position = {v: i for i, v in enumerate(values)}
        best: dict[int, float] = {}
        seen: dict[int, int] = {}
        per_value = max(1, len(rows) // max(1, len(values)))
        for r in rows:
            if r["mean_score"] is None:
                continue
            x = position[format_value(r["params"][name])]
            k_at = seen.get(x, 0)
            seen[x] = k_at + 1
            shift = 0.0 if per_value == 1 else 0.3 * (k_at / (per_value - 1) - 0.5)
            ax.errorbar(x + shift, r["mean_score"], yerr=r["std_score"], fmt="o", color="tab:blue",
                        alpha=0.6, capsize=3)
            best[x] = max(best.get(x, -np.inf), r["mean_score"])
        xs = sorted(best)
        if numeric:  # an ordered axis: the best score per value as a line
            ax.plot(xs, [best[x] for x in xs], "-", color="tab:orange", label="best")
        else:  # categories have no order: a mark at each, no line between them
            ax.plot(xs, [best[x] for x in xs], "_", color="tab:orange", markersize=28,
                    markeredgewidth=2.5, linestyle="none", label="best")
        ax.set_xticks(range(len(values)), values)
        numbers = [float(v) for v in values] if numeric else []
        steps = np.diff(numbers)
        uneven = len(numbers) > 2 and not np.allclose(steps, steps[0], rtol=1e-6)
        ax.set_xlabel(f"{name} (evenly spaced, not to scale)" if uneven else name)
        if k == 0:
            ax.set_ylabel(f"mean {scoring} (cross-validation)")
            ax.legend(loc="best", fontsize=8)
        ax.grid(alpha=0.3)
    failed = sum(r["mean_score"] is None for r in rows)
    if failed:
        title += (f"\n({failed} candidate{'s' if failed > 1 else ''} whose fits failed "
                  "not shown)")
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def _is_number(text: str) -> bool:
    try:
        float(text)
        return True
    except ValueError:
        return False


def check_output_paths(*paths: str | Path | None) -> None:
    """Refuse output paths whose folder is missing or that are folders (before any work)."""
    for path in paths:
        if path is None:
            continue
        path = Path(path)
        missing = missing_folder(path)
        if missing is not None:
            where, is_file = missing
            if is_file:
                raise SearchError(f"{path}: '{where}' is a file, not a folder; choose a path "
                                  "in a folder")
            raise SearchError(f"{path}: the folder '{where}' does not exist; create it first")
        if path.is_dir():
            raise SearchError(f"{path}: is a folder; give a file name")


# keep the hint importable from here for the command line
__all__ += ["DASK_HINT", "MissingExtraError", "check_output_paths", "check_scheduler",
            "estimator_grid"]
# CheckpointedGridSearchCV and CheckpointedRandomizedSearchCV are scikit-learn's search
# classes evaluating in groups (run_search's machinery): importable, documented there.
