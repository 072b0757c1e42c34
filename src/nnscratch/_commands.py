"""The work of the ``nnscratch`` commands, without the command line.

Each command of :mod:`nnscratch.cli` is one function here that takes plain Python
values (paths, numbers, the estimator's parameters by their names) and returns plain
data (dicts, lists), so it can be called and tested without click. The ``format_*``
functions turn that data into the text the commands print.

Errors: bad input raises :class:`InputError` or any of the library's ``ValueError``-s
(:class:`~nnscratch.exceptions.DatasetError`,
:class:`~nnscratch.persistence.ModelFileError`,
:class:`~nnscratch.exceptions.InvalidParameterError`, ...): exit code 2; a failure
while running raises :class:`RunError`: exit code 1. Messages for the person go to
stderr through :func:`say`; nothing here writes to stdout.
"""

from __future__ import annotations

import os
import re
import sys
import time
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from ._files import link_nowhere, missing_folder
from ._params import escaped
from .datasets import (
    BUILTIN_DATASETS,
    IMAGE_EXTENSIONS,
    SVMLIGHT_EXTENSIONS,
    TEXT_EXTENSIONS,
    Dataset,
    folder_kind,
    load_dataset,
    load_train_test,
    prediction_inputs,
    read_csv_features,
    read_image,
    read_svmlight_features,
    train_test_split,
)
from .exceptions import DatasetError, NonFiniteWeightsError
from .persistence import SavedModel, check_model_size, load_bundle, save

__all__ = [
    "CommandError",
    "InputError",
    "Interrupted",
    "RunError",
    "build_estimator",
    "demo",
    "evaluate",
    "fit",
    "format_demo",
    "format_evaluation",
    "format_predictions",
    "format_summary",
    "format_training",
    "plot",
    "predict",
    "predict_stream",
    "say",
    "summarize",
    "train",
]

PROG = "nnscratch"


class CommandError(Exception):
    """A command cannot do its work; ``exit_code`` says why (1 running, 2 input)."""

    exit_code = 1


class InputError(CommandError, ValueError):
    """Bad usage or bad input (exit code 2)."""

    exit_code = 2


class RunError(CommandError):
    """A failure while running (exit code 1)."""

    exit_code = 1


class Interrupted(RunError):
    """Training was interrupted (Ctrl-C); nothing of it was written (exit code 1)."""


def say(message: str) -> None:
    """A message for the person, on stderr, its control characters shown escaped (a
    path's line break as ``\\n``, a terminal's escape code not obeyed).

    A stderr that is closed or cannot be written (its reader quit, a full disk) loses
    the message, never the work: stderr holds only messages.
    """
    stream = sys.stderr
    if stream is None:  # started with stderr closed: print(file=None) writes to stdout
        return
    try:
        print(escaped(message), file=stream, flush=True)
    except (OSError, ValueError):
        pass


def _count(n: int, word: str) -> str:
    """``1 feature``, ``2 features``."""
    return f"{n} {word}{'' if n == 1 else 's'}"


def one_line(exc: BaseException) -> str:
    """An exception's message on one line (its type's name when it has none)."""
    return " ".join(str(exc).split()) or type(exc).__name__


def show_warning(message, category, filename, lineno, file=None, line=None) -> None:
    """``warnings.showwarning`` for the command line: one line on stderr."""
    text = " ".join(str(message).split())  # one line, escape codes shown, not obeyed
    try:  # a stderr that cannot be written loses the warning, not the work (see say)
        sys.stderr.write(f"{PROG}: warning: {escaped(text)}\n")
    except (OSError, ValueError, AttributeError):
        pass


def _file_path(value: str | Path, option: str, example: str = "model.npz") -> Path:
    """``value`` as a file's path; an empty one, or one written as a folder's
    (``model.npz/``), which ``Path`` would read as the file ``model.npz``, is refused
    (``example``: a name to suggest)."""
    text = str(value)
    if not text.strip():
        raise InputError(f"{option} is empty; give a file's name, e.g. '{example}'")
    if text.endswith(("/", os.sep)):
        name = text.rstrip("/" + os.sep) or "out"
        raise InputError(f"{option}: '{text}' ends in '/', as a folder's name does; give "
                         f"a file's name, e.g. '{name}'")
    return Path(text)


def check_output_path(path: Path, option: str = "--output") -> None:
    """Refuse, before any work, an output file that cannot be written."""
    folder = path.parent if str(path.parent) else Path(".")
    _check_parent(path, option)
    if path.is_dir():
        raise InputError(f"{option}: '{path}' is a folder; give a file name")
    check_writable_folder(folder, option)


def _resolved(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError):  # a symlink loop: compare the path as written
        return path.absolute()


def _same_source(a: str | Path, b: str | Path) -> bool:
    """Whether two data arguments name the same data: one built-in set, or one file or
    folder (links and ``..`` followed)."""
    if not Path(a).exists() or not Path(b).exists():
        return str(a) == str(b)  # built-in names (a missing file is reported later)
    return _same_file(Path(a), Path(b))


def _same_file(a: Path, b: Path) -> bool:
    """Whether ``a`` and ``b`` name one file (links and ``..`` followed)."""
    import os

    try:
        if a.exists() and b.exists():
            return os.path.samefile(a, b)
    except OSError:
        pass
    return _resolved(a) == _resolved(b)


def check_not_inputs(outputs: dict[str, Path | str | None],
                     inputs: dict[str, str | Path | None]) -> None:
    """Refuse, before any work, an output file that would overwrite an input or another
    output.

    Parameters
    ----------
    outputs : dict
        What names each output in a message (``"--output"``) -> its path (None: none).
    inputs : dict
        What names each input (``"DATA"``, ``"--test"``) -> its path or built-in name.

    Raises
    ------
    InputError
        An output is the same file as an input or as another output, or would be
        written into an input folder's class sub-folder (or into a Zarr store), where
        it would be read as data.
    """
    outs = [(name, Path(p)) for name, p in outputs.items() if p is not None]
    for name, out in outs:
        for label, spec in inputs.items():
            if spec is None or not str(spec).strip():
                continue
            source = Path(spec)
            if not source.exists():
                continue  # a built-in set, or a missing file the loader reports
            if source.is_dir():
                inside = _resolved(out).parent
                top = _resolved(source)
                zarr = is_array_store(str(source))
                if inside != top or zarr:
                    if top in inside.parents or (zarr and inside == top):
                        raise InputError(
                            f"{name} '{out}' would be written inside the data folder "
                            f"{label} '{source}', where it would be read as data; write it "
                            "outside that folder")
                continue
            if _same_file(out, source):
                raise InputError(
                    f"{name} '{out}' is the same file as {label} '{source}'; writing it "
                    "would overwrite that input: choose another output name")
    for i, (name, out) in enumerate(outs):
        for other, path in outs[i + 1:]:
            if _same_file(out, path):
                raise InputError(f"{name} '{out}' and {other} '{path}' are the same file; "
                                 "give them different names")


def check_writable_folder(folder: Path, option: str) -> None:
    """Refuse, before any work, a folder in which no file can be created.

    The test creates (and removes) a temporary file: the only test that root, read-only
    mounts and pseudo file systems such as ``/proc`` cannot fool (``os.access`` lets
    root through).
    """
    import tempfile

    try:
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".nnscratch-", suffix=".probe"):
            pass
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise InputError(f"{option}: cannot write into the folder '{folder}' ({reason}); "
                         "choose another folder or make it writable") from None


def _check_parent(path: Path, option: str) -> None:
    """Refuse an output whose folder is missing, or is a file, saying which."""
    missing = missing_folder(path)
    if missing is None:
        return
    where, is_file = missing
    if is_file:
        raise InputError(f"{option}: '{where}' is a file, not a folder, so '{path}' cannot "
                         "be written; choose a path in a folder")
    raise InputError(f"{option}: the folder '{where}' does not exist; create it first")


def _estimators():
    from .estimators import LogisticRegression, NeuralNetworkClassifier

    return LogisticRegression, NeuralNetworkClassifier


# --------------------------------------------------------------------------- training


def build_estimator(hidden: tuple[int, ...] | None, params: dict[str, Any],
                    flags: dict[str, str] | None = None):
    """Logistic regression (``hidden`` None) or a network, with the given parameters.

    Parameters
    ----------
    hidden : tuple of int or None
    params : dict
        Estimator parameters by name; None values are left at the defaults.
    flags : dict, optional
        The command-line option of each parameter, for the messages.

    Raises
    ------
    InputError
        A parameter the chosen estimator does not have.
    """
    LogisticRegression, NeuralNetworkClassifier = _estimators()
    cls = LogisticRegression if hidden is None else NeuralNetworkClassifier
    vocabulary = cls().get_params()
    flags = flags or {}
    kwargs: dict[str, Any] = {} if hidden is None else {"hidden_layer_sizes": hidden}
    for key, value in params.items():
        if value is None:
            continue
        if key not in vocabulary:
            flag = flags.get(key, key)
            if hidden is None:
                raise InputError(f"{flag} applies to a network; add --hidden (e.g. --hidden 7) "
                                 f"or drop {flag}")
            raise InputError(f"{flag} is not supported by {cls.__name__}")
        kwargs[key] = value
    if kwargs.get("n_iter_no_change") is not None and not kwargs.get("early_stopping"):
        flag = flags.get("n_iter_no_change", "n_iter_no_change")
        raise InputError(f"{flag} is the wait of early stopping; add "
                         f"{flags.get('early_stopping', 'early_stopping')} or drop {flag}")
    return cls(**kwargs)


def fit(est, X: np.ndarray, y: np.ndarray) -> float:
    """Fit, with a progress bar on stderr when it is a terminal; returns the seconds spent.

    The bar is the estimators' own (``verbose=True`` draws nnscratch's
    :class:`~nnscratch.callbacks.ProgressBar`); it is asked for only when stderr is a
    terminal, and it is not a user callback, so every fast path of
    ``algorithm="auto"`` stays available.

    Raises
    ------
    InputError
        The estimator refuses the data or its settings.
    RunError
        Training diverged, or was interrupted (Ctrl-C: ``est.interrupted_``).
    """
    params = est.get_params()
    restore = {"verbose": params["verbose"]}
    est.set_params(verbose=_stderr_is_terminal())
    start = time.perf_counter()
    try:
        with _training_errors(params["learning_rate"], params.get("alpha", 0.0)), \
                warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            est.fit(X, y)
        if est.interrupted_:  # the estimator keeps the weights so far; nothing is written
            raise Interrupted(f"interrupted after {est.n_iter_} iterations; nothing was written")
        _show_caught(caught)
    finally:
        elapsed = time.perf_counter() - start
        est.set_params(**restore)
    return elapsed


def _show_caught(caught) -> None:
    """Show the warnings of a fit on stderr, but the estimator's own on a climbing cost:
    the command says it afterwards, naming its option (:func:`_cost_rose`)."""
    for w in caught:
        if " the cost rose from " not in str(w.message):
            warnings.showwarning(w.message, w.category, w.filename, w.lineno)


@contextmanager
def _training_errors(learning_rate: float, alpha: float = 0.0) -> Iterator[None]:
    """Training's failures as the commands report them: divergence is a
    :class:`RunError`, data or settings the estimator refuses an :class:`InputError`
    (a :class:`~nnscratch.exceptions.DatasetError` keeps its own message). Overflow
    warnings are silenced: they would only precede the divergence error."""
    try:
        with np.errstate(over="ignore", invalid="ignore"):
            yield
    except NonFiniteWeightsError as exc:
        text = one_line(exc)
        if "Lower learning_rate" not in text:  # a cause of its own, the library's words
            # (Adam's moments overflowing float32, an L2 term too large before any step)
            raise RunError(re.sub(r"\balpha(=| \(now)", r"--alpha\1",
                                  text.replace("lower alpha", "lower --alpha")
                                  .replace("learning_rate", "--learning-rate"))
                           .replace("--alpha=", "--alpha ")) from None
        raise RunError(
            f"training diverged: the weights are no longer finite; try a smaller "
            f"--learning-rate (now {learning_rate})"
            + (f" or --alpha (now {alpha:g})" if alpha > 0 else "")
            + " or check that the features are scaled"
        ) from None
    except DatasetError:
        raise
    except ValueError as exc:
        text = one_line(exc)
        if isinstance(exc, MemoryError):  # weights too large for memory, none drawn yet
            sizes = re.match(r"hidden_layer_sizes=\((.*?),?\)", text)
            if sizes:
                text = (f"--hidden {sizes[1].replace(', ', ',')}{text[sizes.end():]}"
                        .replace("use fewer units", "give --hidden fewer units"))
            raise InputError(text) from None
        if "early_stopping" in text and "validation_fraction" in text:
            # the estimator names its Python parameters; the command line has a flag
            found = re.search(r"\((.*)\)", text)
            detail = f" ({found.group(1)})" if found else ""
            raise InputError(
                "cannot train on this data: --early-stopping holds out 10 % of the "
                f"training examples for validation, too few to hold every class{detail}; "
                "use more data, or drop --early-stopping") from None
        raise InputError(f"cannot train on this data: {text}") from None


def _stderr_is_terminal() -> bool:
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


def _accuracy(est, data: Dataset) -> float:
    y_true = np.asarray(est.classes_)[data.y]
    return float(np.mean(est.predict(_as_fitted(est, data.X)) == y_true))


def _check_classes(train: Dataset, source: str) -> None:
    present = np.unique(train.y)
    if present.size < 2:
        only = train.class_names[int(present[0])] if present.size else "none"
        raise InputError(
            f"{source}: the training data has only one class ('{only}'); "
            "a classifier needs examples of at least two classes"
        )


def _check_model_size(est, train: Dataset) -> None:
    """Refuse, before training, a model whose file ``load`` is certain to refuse as too
    large (a vocabulary of 290,000 terms x 1000 hidden units): its size is known once
    the data is vectorized (features, hidden units, classes), not after the training."""
    try:
        hidden = tuple(int(n) for n in est._hidden_sizes())
    except (TypeError, ValueError):  # a bad --hidden: the fit says what is wrong
        return
    n_classes = int(np.unique(train.y).size)
    dims = [train.n_features, *hidden, 1 if n_classes <= 2 else n_classes]
    kind = getattr(train.X, "dtype", np.dtype(np.float64))
    dtype = kind if np.dtype(kind).kind == "f" else np.float64
    from .estimators import _physical_memory

    weights = sum(n * (m + 1) for m, n in zip(dims[:-1], dims[1:]))
    memory = _physical_memory()
    if memory and 2 * weights * np.dtype(dtype).itemsize > memory:
        return  # beyond this machine's memory: the fit refuses it, naming --hidden
    try:
        check_model_size(dims, dtype, train.preprocessor)
    except ValueError as exc:
        raise InputError(f"{exc}; nothing was trained") from None


def _dataset_label(spec: str) -> str:
    return spec if spec in BUILTIN_DATASETS else str(Path(spec))


def _describe(est) -> str:
    LogisticRegression, _ = _estimators()
    if isinstance(est, LogisticRegression):
        return "logistic regression"
    hidden = tuple(est.get_params().get("hidden_layer_sizes", ()))
    act = est.get_params().get("activation", "?")
    return f"network ({', '.join(map(str, hidden))}), {act}"


def _final_cost(est) -> float | None:
    """The cost of the last iteration (``costs_`` only keeps every ``cost_every``-th)."""
    costs = list(getattr(est, "loss_curve_", None) or getattr(est, "costs_", None) or [])
    return float(costs[-1]) if costs else None


def _train_result(est, train_set: Dataset, test_set: Dataset | None, seconds: float) -> dict:
    return {
        "model_type": type(est).__name__,
        "train_accuracy": _accuracy(est, train_set),
        "test_accuracy": None if test_set is None else _accuracy(est, test_set),
        "n_train": train_set.n_samples,
        "n_test": None if test_set is None else test_set.n_samples,
        "final_cost": _final_cost(est),
        "n_iter": int(getattr(est, "n_iter_", 0)),
        "seconds": round(seconds, 3),
    }


def train(data: str, output: str | Path, *, hidden: tuple[int, ...] | None = None,
          params: dict[str, Any] | None = None, image_size: int | None = None,
          label_column: str | None = None, test_data: str | None = None,
          flags: dict[str, str] | None = None, stream: bool = False,
          chunk_rows: int | None = None, text: dict[str, Any] | None = None) -> dict:
    """``nnscratch train``: fit on ``data``, save the model to ``output``.

    An HDF5 file or a Zarr store is read chunk by chunk (:mod:`nnscratch.streaming`)
    when ``stream`` or ``chunk_rows`` is given, when its features would take more than
    half the available memory, or when only the chunked reader knows its layout (the
    ``X``/``y`` layout, Zarr): mini-batch epochs over the chunks in a shuffled chunk
    order (see :func:`_train_streaming`).

    Parameters
    ----------
    data, test_data : str
        Data specifications (see :func:`nnscratch.datasets.load_dataset`).
    output : path-like
        The model file (written atomically, only after training succeeded).
    hidden : tuple of int, optional
        Hidden layer sizes: a network; None: logistic regression.
    params : dict, optional
        Other estimator parameters by name (None values: the defaults).
    image_size, label_column
        As for :func:`nnscratch.datasets.load_train_test` (``image_size`` None: 64);
        refused for data they do not apply to (:func:`check_data_options`).
    flags : dict, optional
        The command-line option of each parameter, for the messages.
    stream : bool, default False
        Read ``data`` (an HDF5 file or a Zarr store) in chunks even when it fits in
        memory.
    chunk_rows : int, optional
        Rows per chunk when streaming (implies ``stream``); default: 64 MiB of features.
    text : dict, optional
        Text data only: the vectorizer's settings by name (``vectorizer``,
        ``ngram_range``, ``max_features``, ``min_df``; None values: the defaults).

    Returns
    -------
    dict
        ``model_type``, ``train_accuracy``, ``test_accuracy``, ``n_train``, ``n_test``,
        ``final_cost``, ``n_iter``, ``seconds``, ``model``; when streamed also
        ``streamed`` (True), ``chunks`` and ``rows_per_second``.
    """
    output_path = _file_path(output, "--output")
    if output_path.suffix.lower() != ".npz":
        raise InputError(f"--output: a model file's name ends in .npz; give e.g. "
                         f"'{output_path.name}.npz'")
    check_output_path(output_path)
    check_not_inputs({"--output": output_path}, {"DATA": data, "--test": test_data})
    if test_data is not None and _same_source(data, test_data):
        held_out = (f" (without --test, the part of {data} that train holds out is the test)"
                    if str(data) in BUILTIN_DATASETS and not Path(data).exists() else "")
        warnings.warn(f"--test is the training data itself ({test_data}): its accuracy is "
                      "the training accuracy, not a test's; give data the model does not "
                      f"learn from{held_out}", UserWarning, stacklevel=2)
    # --label-column up front; --image-size once the data is read (its own faults
    # first, as each loader reports them), before any training
    check_data_options({"DATA": data, "--test": test_data}, label_column=label_column)
    size_given, image_size = image_size, (64 if image_size is None else image_size)
    est = build_estimator(hidden, params or {}, flags)
    text = text_settings(data, text, flags)
    feeder = _stream_source(data, stream=stream, chunk_rows=chunk_rows,
                            batch_size=est.get_params()["batch_size"] or STREAM_BATCH_SIZE,
                            image_size=size_given)
    if feeder is not None:
        with feeder:
            return _train_streaming(est, feeder, data, output_path, params or {},
                                    test_data=test_data, chunk_rows=chunk_rows, flags=flags)
    train_set, test_set = load_train_test(
        data, test_data, image_size=image_size, label_column=label_column, text=text
    )
    _check_classes(train_set, data)
    check_data_options({"DATA": data, "--test": test_data}, image_size=size_given)
    _check_model_size(est, train_set)  # a file load() would refuse: before the training
    say(f"training {_describe(est)} on {_count(train_set.n_samples, 'sample')}, "
        f"{_count(train_set.n_features, 'feature')} ({_dataset_label(data)})")
    seconds = fit(est, train_set.X, train_set.y)
    result = _train_result(est, train_set, test_set, seconds)
    save(
        est,
        output_path,
        preprocessor=train_set.preprocessor,
        class_names=[train_set.class_names[int(c)] for c in est.classes_],
        training={
            "data": _dataset_label(data),
            "test_data": None if test_data is None else _dataset_label(test_data),
            "n_samples": train_set.n_samples,
            "seconds": round(seconds, 3),
            "train_accuracy": result["train_accuracy"],
            "test_accuracy": result["test_accuracy"],
        },
    )
    result["model"] = str(output_path)
    stopped = _stopped_early(est)
    if stopped:
        say(stopped)
    say(f"saved the model to {output_path}")
    rose = _cost_rose(est)
    if rose:
        warnings.warn(rose, UserWarning, stacklevel=2)
    return result


def _stopped_early(est) -> str | None:
    """Where early stopping ended the run, or None (not on, or all iterations ran)."""
    p = est.get_params()
    scores = list(getattr(est, "validation_scores_", None) or [])
    n_iter = int(getattr(est, "n_iter_", 0))
    if not p.get("early_stopping") or not scores or n_iter >= int(p.get("max_iter") or 0):
        return None
    best = int(np.argmax(scores)) + 1
    return (f"early stopping: stopped after {n_iter} of {p['max_iter']} epochs, "
            f"{p['n_iter_no_change']} without improving the held-out accuracy; kept the "
            f"weights of epoch {best} ({100 * scores[best - 1]:.2f} % held out; a longer "
            "wait: --patience N)")


def _cost_rose(est) -> str | None:
    """What to say when training ended at a much higher cost than it started from
    (``estimators._climbing_cost``, naming the option); the estimators' own
    warning is not shown (:func:`_show_caught`)."""
    from .estimators import _climbing_cost

    costs = getattr(est, "loss_curve_", None) or getattr(est, "costs_", None) or []
    params = est.get_params()
    return _climbing_cost(costs, params.get("learning_rate"), "--learning-rate",
                          params.get("alpha", 0.0), "--alpha")


# --------------------------------------------------------------------------- streaming

#: The mini-batch size when streaming and ``--batch-size`` is not given.
STREAM_BATCH_SIZE = 256
#: The number of epochs when streaming and ``--iterations`` is not given.
STREAM_EPOCHS = 10


def is_array_store(spec: str) -> bool:
    """Whether ``spec`` names an HDF5 file or a Zarr store (read by
    :func:`nnscratch.streaming.open_chunks`)."""
    path = Path(spec)
    if path.suffix.lower() in (".h5", ".hdf5", ".zarr"):
        return True
    return path.is_dir() and any((path / n).exists() for n in (".zgroup", "zarr.json"))


def _stream_source(spec: str, *, stream: bool, chunk_rows: int | None,
                   batch_size: int | None = None, preprocessor=None, class_names=None,
                   image_size: int | None = None):
    """An open :class:`~nnscratch.streaming.ChunkFeeder` when ``spec`` is to be read in
    chunks, else None (the in-memory readers of :mod:`nnscratch.datasets` read it).
    ``image_size`` (as given, None: not given) is refused for it once the store itself
    has been found sound, before anything is said or read.

    Chunks when asked (``stream``, ``chunk_rows``), when the features would take more
    than half the available memory, and for the layouts only the chunked reader knows
    (``X``/``y``, Zarr); a course-layout HDF5 file that fits is read whole.
    """
    if not is_array_store(spec):
        if stream or chunk_rows is not None:
            raise InputError(f"{spec}: --stream and --chunk-rows read .h5/.hdf5 files and "
                             "Zarr stores; read this data without them")
        return None
    from .streaming import available_memory, describe, needs_streaming, open_chunks

    _check_store_model(spec, preprocessor)
    asked = stream or chunk_rows is not None
    # the course's layout (or a file the in-memory reader will explain): read whole
    # unless its pictures would not fit
    if (not asked and Path(spec).suffix.lower() in (".h5", ".hdf5") and not _xy_layout(spec)
            and _course_bytes(spec) <= available_memory() / 2):
        return None
    try:
        feeder = open_chunks(spec, chunk_rows=chunk_rows, batch_size=batch_size,
                             preprocessor=preprocessor, class_names=class_names)
    except DatasetError:
        if preprocessor is not None and class_names is not None:
            # data of another kind than the model's says so, not that its classes differ
            with open_chunks(spec, preprocessor=preprocessor) as probe:
                _check_store_features(probe, preprocessor, preprocessor.n_features, spec)
        raise
    try:
        if preprocessor is not None:
            _check_store_features(feeder, preprocessor, preprocessor.n_features, spec)
        check_data_options({"DATA": spec}, image_size=image_size)
    except InputError:
        feeder.close()
        raise
    if not asked and needs_streaming(feeder):
        say(f"{spec}: its features take more than half the available memory; reading it "
            "in chunks (--stream)")
    say(f"reading {describe(feeder)}")
    rows = feeder.boundaries[1] - feeder.boundaries[0]
    if chunk_rows is not None and rows < min(chunk_rows, feeder.n_samples):
        say(f"(--chunk-rows {chunk_rows} rounded down to whole mini-batches of {batch_size} "
            "rows, so that the streamed fit equals the in-memory one)")
    elif chunk_rows is not None and rows > chunk_rows:
        say(f"(--chunk-rows {chunk_rows} raised to one mini-batch of {batch_size} rows, the "
            "least a chunk holds; give a smaller --batch-size for smaller chunks)")
    return feeder


def _check_store_model(spec: str, preprocessor) -> None:
    """Refuse an HDF5 file or a Zarr store for a model that reads other data (text)."""
    if preprocessor is not None and preprocessor.kind not in ("image", "tabular"):
        if not Path(spec).exists():  # said before what it holds: it holds nothing
            raise InputError(f"{spec}: no such file")
        raise InputError(f"{spec}: an .h5 file or a Zarr store holds pictures or a table, "
                         f"but this model was trained on {preprocessor.kind} data")


def _xy_layout(path: str) -> bool:
    """Whether the HDF5 file ``path`` holds a dataset ``X`` (False if it cannot be read:
    the in-memory reader then says why)."""
    import h5py

    if not Path(path).is_file():  # never opened: a named pipe would wait for a writer
        return False
    try:
        with h5py.File(path, "r") as f:
            return "X" in f
    except (OSError, ValueError):
        return False


def _course_bytes(path: str) -> float:
    """The size, as float64 features, of the ``*_set_x`` pictures of the HDF5 file
    ``path`` (0 when there are none or it cannot be read)."""
    import h5py

    from .datasets import _hdf5_dataset

    if not Path(path).is_file():  # never opened: a named pipe would wait for a writer
        return 0
    try:
        with h5py.File(path, "r") as f:  # a link out of the file is not followed
            found = [_hdf5_dataset(f, k, path) for k in f if k.endswith("_set_x")]
            shapes = [d.shape for d in found if hasattr(d, "shape")]
    except (OSError, ValueError, KeyError):  # the loader then says why (a DatasetError
        return 0                             # is a ValueError)
    return max((8.0 * float(np.prod(shape)) for shape in shapes), default=0)


def _check_stream_test(feeder, test_data: str, chunk_rows: int | None) -> None:
    """Refuse, before training, a ``--test`` store that the streamed model could not
    score: other features, no labels, classes the training data lacks, or a value that
    is not finite."""
    from .streaming import open_chunks

    prep = feeder.model_preprocessor()
    with open_chunks(test_data, chunk_rows=chunk_rows, preprocessor=prep) as probe:
        _check_store_features(probe, prep, feeder.n_features, test_data)
        if probe.y is None:
            raise InputError(f"--test {test_data}: holds no labels (y) to score the model "
                             "on; give labelled test data")
        if probe.file_class_names is None and np.dtype(probe.y.dtype).kind in "biuf":
            # codes without names are the model's classes as they are (as evaluate reads them)
            known = feeder.class_counts()[0].tolist()
            unknown = [c for c in probe.class_counts()[0].tolist() if c not in known]
        else:
            known = feeder.label_names()
            unknown = [n for n in probe.label_names() if n not in known]
        if unknown:
            raise InputError(f"--test {test_data}: its classes {unknown[:5]} are not in the "
                             f"training data ({known}); give test data of the same classes")
        # a NaN in its last row was found after every epoch, and the model was lost: one
        # pass over its features now (reading a chunk checks it)
        for _ in probe.chunks(labels=False):
            pass


def _stream_progress() -> str:
    return "auto" if _stderr_is_terminal() else "lines"


def _train_streaming(est, feeder, data: str, output_path: Path, params: dict[str, Any], *,
                     test_data: str | None, chunk_rows: int | None,
                     flags: dict[str, str] | None) -> dict:
    """``nnscratch train`` on chunks: :func:`~nnscratch.streaming.fit_streaming`, then
    one more pass for the train accuracy (and one over ``test_data``)."""
    from .streaming import evaluate_streaming, fit_streaming

    flags = flags or {}
    if est.get_params().get("early_stopping"):
        raise InputError(f"{flags.get('early_stopping', '--early-stopping')} needs a held-out "
                         "part of the data in memory, which streaming does not keep; drop it "
                         "and give --test DATA to see the held-out accuracy")
    if test_data is not None and not is_array_store(test_data):
        raise InputError(f"--test: when streaming, the test data is read in chunks too; give "
                         f"an .h5/.hdf5 file or a Zarr store, not '{test_data}'")
    if params.get("batch_size") is None:
        est.set_params(batch_size=STREAM_BATCH_SIZE)
        say(f"streaming: mini-batches of {STREAM_BATCH_SIZE} rows "
            f"({flags.get('batch_size', '--batch-size')} to change)")
    if params.get("max_iter") is None:
        est.set_params(max_iter=STREAM_EPOCHS)
        say(f"streaming: {STREAM_EPOCHS} epochs ({flags.get('max_iter', '--iterations')} "
            "counts epochs here)")
    found, _ = feeder.class_counts()
    if found.size < 2:
        only = found.tolist()[0] if found.size else "none"
        raise InputError(f"{data}: the training data has only one class ('{only}'); "
                         "a classifier needs examples of at least two classes")
    if test_data is not None:  # refused now, not after every epoch
        _check_stream_test(feeder, test_data, chunk_rows)
    say(f"training {_describe(est)} on {_count(feeder.n_samples, 'sample')}, "
        f"{_count(feeder.n_features, 'feature')} ({_dataset_label(data)}), "
        f"{_count(feeder.n_chunks, 'chunk')}")
    with _training_errors(est.get_params()["learning_rate"],
                          est.get_params().get("alpha", 0.0)), \
            warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = fit_streaming(est, feeder, classes=found, progress=_stream_progress())
    if result.interrupted:
        raise Interrupted(f"interrupted after {len(result.epoch_losses)} epochs; "
                          "nothing was written")
    _show_caught(caught)
    kwargs = feeder.save_kwargs(est)
    train_scores = evaluate_streaming(est, feeder, progress=_stream_progress())
    test_scores = None
    if test_data is not None:
        from .streaming import open_chunks

        with open_chunks(test_data, chunk_rows=chunk_rows, preprocessor=kwargs["preprocessor"],
                         class_names=kwargs["class_names"]) as test_feeder:
            test_scores = evaluate_streaming(est, test_feeder, progress=_stream_progress())
    out = {
        "model_type": type(est).__name__,
        "train_accuracy": train_scores["accuracy"],
        "test_accuracy": None if test_scores is None else test_scores["accuracy"],
        "n_train": feeder.n_samples,
        "n_test": None if test_scores is None else test_scores["n_samples"],
        "final_cost": _final_cost(est),
        "n_iter": int(getattr(est, "n_iter_", 0)),
        "seconds": round(result.seconds, 3),
        "streamed": True,
        "chunks": feeder.n_chunks,
        "rows_per_second": round(result.rows_per_second, 1),
    }
    save(est, output_path, **kwargs, training={
        "data": _dataset_label(data),
        "test_data": None if test_data is None else _dataset_label(test_data),
        "n_samples": feeder.n_samples,
        "seconds": out["seconds"],
        "train_accuracy": out["train_accuracy"],
        "test_accuracy": out["test_accuracy"],
    })
    out["model"] = str(output_path)
    say(f"saved the model to {output_path}")
    rose = _cost_rose(est)
    if rose:
        warnings.warn(rose, UserWarning, stacklevel=2)
    return out


#: What a kind of data holds, in words, for the messages of :func:`check_data_options`.
_HOLDS = {"builtin": "a built-in set's points", "image": "pictures", "text": "text files",
          "svmlight": "svmlight rows", "arrays": "arrays X and y",
          "zarr": "arrays (a Zarr store)"}


def _data_kind(spec: str) -> str | None:
    """What ``spec`` holds, without reading it: ``"builtin"``, ``"csv"``, ``"image"``
    (a folder of pictures or a course-layout .h5 file), ``"text"``, ``"svmlight"``,
    ``"arrays"`` (the X/y layout), ``"zarr"``; None when unknown (the loader says why)."""
    path = Path(spec)
    suffix = path.suffix.lower()
    if spec in BUILTIN_DATASETS and not path.exists():
        return "builtin"
    if suffix in (".h5", ".hdf5"):
        if not path.is_file():
            return None
        return "arrays" if _xy_layout(spec) else "image"
    if is_array_store(spec):
        return "zarr"
    if path.is_dir():
        try:
            return folder_kind(path)
        except DatasetError:
            return None
    if suffix == ".csv":
        return "csv"
    if suffix in SVMLIGHT_EXTENSIONS:
        return "svmlight"
    return None


def check_data_options(specs: dict[str, str | None], *, label_column: str | None = None,
                       image_size: int | None = None) -> None:
    """Refuse, before any work, ``--label-column`` or ``--image-size`` given for data
    they do not apply to (CSV files; pictures), as the vectorizer's options and
    ``--stream`` are refused for other data.

    Parameters
    ----------
    specs : dict
        What names each data set in a message (``"DATA"``, ``"--test"``) -> its spec.
    label_column, image_size : optional
        The options as given (None: not given).
    """
    for _name, spec in specs.items():
        if spec is None:
            continue
        kind = _data_kind(str(spec))
        if kind is None:
            continue
        if label_column is not None and kind != "csv":
            raise InputError(
                f"drop --label-column: it names a column of a CSV file, and '{spec}' holds "
                f"{_HOLDS[kind]}, which have no columns")
        if image_size is not None and kind != "image":
            what = "CSV rows" if kind == "csv" else _HOLDS[kind]
            raise InputError(
                f"drop --image-size: it resizes pictures, and '{spec}' holds {what}, "
                "which have no size")


def text_settings(data: str, text: dict[str, Any] | None,
                  flags: dict[str, str] | None = None) -> dict[str, Any] | None:
    """The vectorizer settings given (None values dropped), refused for data that is
    not a folder of text files.

    Raises
    ------
    InputError
        A vectorizer setting given for other data.
    """
    given = {k: v for k, v in (text or {}).items() if v is not None}
    if not given:
        return None
    path = Path(data)
    if not (path.is_dir() and folder_kind(path) == "text"):
        flag = (flags or {}).get(next(iter(given)), next(iter(given)))
        raise InputError(
            f"{flag} applies to text data (a folder with one sub-folder of .txt files per "
            f"class); '{data}' is not one: drop {flag}")
    return given


def format_training(result: dict) -> str:
    """The text ``nnscratch train`` prints."""
    lines = [f"train accuracy: {100 * result['train_accuracy']:.2f} %"]
    if result["test_accuracy"] is not None:
        lines.append(f"test accuracy:  {100 * result['test_accuracy']:.2f} %")
    final = result["final_cost"]
    lines.append(f"final cost:     {_cost_text(final)}" if final is not None
                 else "final cost: -")
    lines.append(f"time:           {result['seconds']:.2f} s")
    return "\n".join(lines)


# --------------------------------------------------------------------------- models


def _label_index(est) -> dict:
    return {c: i for i, c in enumerate(np.asarray(est.classes_).tolist())}


def _codes_of(est, labels: np.ndarray) -> np.ndarray:
    """Predicted labels -> positions in ``est.classes_``."""
    index = _label_index(est)
    return np.array([index[v] for v in np.asarray(labels).tolist()], dtype=np.int64)


def _class_names(bundle: SavedModel) -> list[str]:
    if bundle.class_names is not None:
        return list(bundle.class_names)
    return [str(c) for c in np.asarray(bundle.estimator.classes_).tolist()]


def _data_for_model(bundle: SavedModel, spec: str, label_column: str | None,
                    part: str = "test") -> Dataset:
    """Evaluation data prepared like the model's training data; of a built-in set the
    model was trained on, the ``part`` ("test" or "train") that 'nnscratch train' split
    off."""
    if bundle.preprocessor is None:
        raise InputError(
            "this model file has no preprocessing (saved from Python without "
            "preprocessor=...); evaluate it from Python instead"
        )
    if spec in BUILTIN_DATASETS and not Path(spec).exists():
        # matched to the model's classes by name (refused, naming both, when others)
        data = load_dataset(spec, preprocessor=bundle.preprocessor,
                            class_names=_class_names(bundle))
        if bundle.training.get("data") == spec:
            data = train_test_split(data)[part == "test"]
            prep = bundle.preprocessor
            data = replace(data, preprocessor=prep, X=prep.transform(data.raw))
            say(f"using the held-out test part of '{spec}' ({data.n_samples} samples)"
                if part == "test" else
                f"using the training part of '{spec}' ({data.n_samples} samples), as "
                "'nnscratch train' split it")
        return data
    return load_dataset(
        spec,
        label_column=label_column,
        preprocessor=bundle.preprocessor,
        class_names=_class_names(bundle),
    )


def evaluate(model: str, data: str, label_column: str | None = None, *,
             stream: bool = False, chunk_rows: int | None = None,
             positive_class: str | None = None) -> dict:
    """``nnscratch evaluate``: scores of the model file ``model`` on labelled ``data``.

    An HDF5 file or a Zarr store is scored chunk by chunk under the same conditions as
    :func:`train` reads it so (``stream``, ``chunk_rows``, too large, or a layout only
    the chunked reader knows), with the same figures
    (:func:`nnscratch.streaming.evaluate_streaming`).

    Returns
    -------
    dict
        ``accuracy``, ``precision``, ``recall``, ``f1`` (of the positive class, the
        second unless ``positive_class`` names the other, for two classes;
        macro-averaged for more), ``log_loss``, ``confusion_matrix``, ``n_samples``,
        ``classes``, ``positive_class``, ``average``.
    """
    from sklearn import metrics

    from .streaming import _positive_index

    check_data_options({"DATA": data}, label_column=label_column)
    bundle = load_bundle(model)
    est = bundle.estimator
    try:  # refused before the data is read
        p = _positive_index(_class_names(bundle), positive_class, "--positive-class")
    except ValueError as exc:
        raise InputError(str(exc)) from None
    if bundle.preprocessor is not None:
        feeder = _stream_source(data, stream=stream, chunk_rows=chunk_rows,
                                preprocessor=bundle.preprocessor,
                                class_names=_class_names(bundle))
        if feeder is not None:
            from .streaming import evaluate_streaming

            with feeder:
                result = evaluate_streaming(est, feeder, class_names=_class_names(bundle),
                                            progress=_stream_progress(),
                                            positive_class=positive_class)
            result.pop("seconds", None)
            return result
    dataset = _data_for_model(bundle, data, label_column)
    names = _class_names(bundle)
    classes = np.asarray(est.classes_)
    y_true = classes[dataset.y]
    X = _as_fitted(est, dataset.X)
    y_pred, proba = est._predict_with_proba(X)  # one forward pass for both
    binary = len(classes) == 2
    kwargs = {"pos_label": classes[p], "average": "binary"} if binary else {"average": "macro"}
    kwargs["zero_division"] = 0
    return {
        "accuracy": float(metrics.accuracy_score(y_true, y_pred)),
        "precision": float(metrics.precision_score(y_true, y_pred, **kwargs)),
        "recall": float(metrics.recall_score(y_true, y_pred, **kwargs)),
        "f1": float(metrics.f1_score(y_true, y_pred, **kwargs)),
        "log_loss": float(metrics.log_loss(y_true, proba, labels=classes)),
        "confusion_matrix": metrics.confusion_matrix(y_true, y_pred, labels=classes).tolist(),
        "n_samples": dataset.n_samples,
        "classes": names,
        "positive_class": names[p] if binary else None,
        "average": "binary" if binary else "macro",
    }


def format_evaluation(result: dict) -> str:
    """The text ``nnscratch evaluate`` prints."""
    names = result["classes"]
    binary = result["average"] == "binary"
    positive = result["positive_class"]
    which = f"positive class '{positive}'" if binary else "macro average"
    precision, recall, f1 = (f"{result[k]:.4f}" for k in ("precision", "recall", "f1"))
    if binary:  # a ratio of zero to zero is undefined, not the 0 that --json holds
        p = names.index(positive)
        cm = result["confusion_matrix"]
        tp, fp, fn = cm[p][p], cm[1 - p][p], cm[p][1 - p]
        if tp + fp == 0:
            precision, which = "n/a", f"{which}: no sample was predicted '{positive}'"
        if tp + fn == 0:
            recall = f"n/a  (DATA holds no sample of '{positive}')"
        if tp + fp + fn == 0:
            f1 = "n/a"
    lines = [
        f"samples:    {result['n_samples']}",
        f"accuracy:   {100 * result['accuracy']:.2f} %",
        f"precision:  {precision}  ({which})",
        f"recall:     {recall}",
        f"f1:         {f1}",
        f"log-loss:   {result['log_loss']:.4f}",
        "confusion matrix (rows: true, columns: predicted):",
    ]
    width = max(max(len(n) for n in names), 6)
    lines.append(" " * (width + 2) + "  ".join(f"{n:>{width}}" for n in names))
    for name, row in zip(names, result["confusion_matrix"]):
        lines.append(f"{name:>{width}}  " + "  ".join(f"{v:>{width}}" for v in row))
    return "\n".join(lines)


def predict(model: str, inputs: Sequence[str]) -> tuple[list[dict], int]:
    """``nnscratch predict``: the class of each input (picture, or CSV file's rows).

    An input that cannot be read gets ``{"input", "error"}`` and a line on stderr; the
    others are still predicted.

    Returns
    -------
    results : list of dict
        ``{"input", "label", "probability", "probabilities"}`` or ``{"input", "error"}``.
    n_failed : int
        The number of inputs that could not be read.
    """
    bundle = load_bundle(model)
    est = bundle.estimator
    prep = bundle.preprocessor
    if prep is None:
        raise InputError(
            "this model file has no preprocessing (saved from Python without "
            "preprocessor=...); predict with it from Python instead"
        )
    names = _class_names(bundle)
    results: list[dict] = []
    pending: list[int] = []  # the result index of each row
    blocks: list = []  # the raw rows of each input that could be read
    failed = 0
    for item in prediction_inputs(inputs, prep.kind):
        try:
            raw, row_names = _prediction_rows(item, prep)
        except DatasetError as exc:
            failed += 1
            say(f"{PROG}: error: {exc}")
            results.append({"input": item, "error": str(exc)})
            continue
        blocks.append(raw)
        for row_name in row_names:
            results.append({"input": row_name})
            pending.append(len(results) - 1)
    if pending:
        X = _prediction_matrix(prep, blocks)
        if prep.kind == "text":  # a message of words the model never saw: its biases say
            for row in np.flatnonzero((X != 0).getnnz(axis=1) == 0):  # not stored zeros
                say(f"{PROG}: note: {results[pending[row]]['input']}: none of its words is "
                    "in the model's vocabulary, so its prediction is the model's biases "
                    "alone")
        X = _as_fitted(est, X)
        labels, proba = est._predict_with_proba(X)  # one forward pass for both
        codes = _codes_of(est, labels)
        for i, code, p in zip(pending, codes, proba):
            results[i].update({
                "label": names[code],
                "probability": float(p[code]),
                "probabilities": {n: float(v) for n, v in zip(names, p)},
            })
    return results, failed


def predict_stream(model: str, spec: str, out, *, as_json: bool = False,
                   chunk_rows: int | None = None) -> int:
    """``nnscratch predict`` on an HDF5 file or a Zarr store: one prediction per row,
    written to ``out`` chunk by chunk as the rows are predicted
    (:func:`nnscratch.streaming.write_predictions`); returns the number of rows.

    The rows are named ``FILE[i]``; ``as_json`` writes the list that ``--json`` prints
    for other inputs (``{"input", "label", "probability", "probabilities"}`` each).
    """
    from .streaming import open_chunks, write_predictions

    bundle = load_bundle(model)
    if bundle.preprocessor is None:
        raise InputError(
            "this model file has no preprocessing (saved from Python without "
            "preprocessor=...); predict with it from Python instead")
    _check_store_model(spec, bundle.preprocessor)
    names = _class_names(bundle)
    with open_chunks(spec, chunk_rows=chunk_rows, preprocessor=bundle.preprocessor) as feeder:
        _check_store_features(feeder, bundle.preprocessor,
                              int(bundle.estimator.n_features_in_), spec)
        return write_predictions(bundle.estimator, feeder, _Flushing(out),
                                 fmt="json" if as_json else "table", class_names=names,
                                 progress=_stream_progress())
class _Flushing:
    """A text stream flushed after each write: rows reach a pipe as each chunk is
    predicted, and a reader that stops early (``| head``) stops the prediction there."""

    def __init__(self, stream) -> None:
        self.stream = stream

    def write(self, text: str) -> int:
        try:
            n = self.stream.write(text)
            self.stream.flush()
        except BrokenPipeError:
            raise
        except OSError as exc:  # a full disk: one line, not an unexpected failure
            raise RunError(f"cannot write the output to stdout ({exc.strerror or exc}); "
                           "free some space or send it elsewhere") from None
        return n


#: What each kind of model takes, in words, and the file endings it refuses at once.
_TAKES = {"image": ("pictures", (".csv",)),
          "tabular": ("CSV rows", (*IMAGE_EXTENSIONS, *TEXT_EXTENSIONS, *SVMLIGHT_EXTENSIONS)),
          "text": ("text files", (*IMAGE_EXTENSIONS, ".csv", *SVMLIGHT_EXTENSIONS)),
          "svmlight": ("svmlight rows", (*IMAGE_EXTENSIONS, ".csv", *TEXT_EXTENSIONS))}
_WHAT_SUFFIX = {**{e: "a picture" for e in IMAGE_EXTENSIONS}, ".csv": "a table",
                **{e: "a text file" for e in TEXT_EXTENSIONS},
                **{e: "an svmlight file" for e in SVMLIGHT_EXTENSIONS}}


def _prediction_rows(item: str, prep) -> tuple[Any, list[str]]:
    """The raw rows of one input of ``predict`` and their names (DatasetError if bad):
    pictures ``(1, size, size, 3)``, CSV rows ``(n, n_features)``, a list of one text,
    or svmlight rows (CSR ``(n, n_features)``)."""
    from .text import read_text

    takes, refused = _TAKES[prep.kind]
    suffix = Path(item).suffix.lower()
    if suffix in refused:
        raise DatasetError(f"{item}: is {_WHAT_SUFFIX[suffix]}, but the model takes {takes}")
    if prep.kind == "image":
        return read_image(item, prep.size)[None], [item]
    if prep.kind == "text":
        if Path(item).is_dir():  # one that holds no text files (prediction_inputs kept it)
            from .datasets import _folder_is_not_an_input

            raise DatasetError(_folder_is_not_an_input(Path(item), TEXT_EXTENSIONS,
                                                       "text files"))
        return [read_text(item)], [item]
    if prep.kind == "svmlight":
        return read_svmlight_features(item, prep)
    return read_csv_features(item, prep)


def _prediction_matrix(prep, blocks: list):
    """The rows of every input as one feature matrix (sparse for text and svmlight)."""
    if prep.kind == "text":
        return prep.transform([text for block in blocks for text in block])
    if prep.kind == "svmlight":
        import scipy.sparse as sp

        return prep.transform(sp.vstack(blocks, format="csr"))
    return prep.transform(np.concatenate(blocks))


def format_predictions(results: list[dict]) -> str:
    """The table ``nnscratch predict`` prints (inputs that could not be read left out)."""
    # a class name holding a line break or a terminal's escape code (a label of the
    # training data, or a model file's) is shown escaped: it forged a row of the table
    ok = [{**r, "input": escaped(r["input"]), "label": escaped(r["label"])}
          for r in results if "error" not in r]
    if not ok:
        return ""
    width = max(len("input"), *(len(r["input"]) for r in ok))
    label = max(12, *(len(r["label"]) for r in ok))  # a long class name keeps the columns
    lines = [f"{'input':<{width}}  {'label':<{label}}  probability"]
    lines += [f"{r['input']:<{width}}  {r['label']:<{label}}  {r['probability']:.4f}"
              for r in ok]
    return "\n".join(lines)


def plot(model: str, output: str | Path, kind: str = "costs", data: str | None = None,
         label_column: str | None = None) -> Path:
    """``nnscratch plot``: a PNG picture of the model file ``model``.

    Parameters
    ----------
    kind : {"costs", "boundary", "mislabeled"}
    data : str, optional
        Labelled data for ``boundary`` / ``mislabeled`` (a model trained on a built-in
        set uses that set for ``boundary`` by default).

    Returns
    -------
    Path
        The picture written.
    """
    from .plotting import plot_costs, plot_decision_boundary, plot_mislabeled, save_png

    output_path = _file_path(output, "--output", "costs.png")
    if output_path.suffix.lower() != ".png":
        raise InputError("--output: the picture is a PNG; give a name ending in .png")
    check_output_path(output_path)
    check_not_inputs({"--output": output_path}, {"MODEL": model, "--data": data})
    if label_column is not None and data is None:
        raise InputError("drop --label-column: it names the label column of --data, and "
                         "no --data is given")
    if kind == "costs" and data is not None:  # it would be read by no one
        raise InputError("drop --data: the cost curve is the model's own record; --data is "
                         "for --kind boundary or mislabeled")
    check_data_options({"--data": data}, label_column=label_column)
    bundle = load_bundle(model)
    est = bundle.estimator
    title = f"{_describe(est)}, learning rate {est.get_params().get('learning_rate')}"
    if kind == "costs":
        if not est.costs_:
            raise InputError("this model has no recorded cost history to plot")
        every = int(est.get_params().get("cost_every", 100) or 100)
        fig = plot_costs(est.costs_, every, title=title)
    else:
        _check_plot_kind(bundle, kind)  # before asking for --data
        if data is None:
            source = bundle.training.get("data")
            if kind == "boundary" and isinstance(source, str) and source in BUILTIN_DATASETS:
                data = source
            else:
                raise InputError(f"--kind {kind} needs --data DATA (labelled data)")
        dataset = _data_for_model(bundle, data, label_column)
        names = _class_names(bundle)
        if kind == "boundary":
            if dataset.kind != "tabular" or dataset.n_features != 2:
                raise InputError(
                    f"a decision boundary needs a model trained on 2-D data; this one takes "
                    f"{est.n_features_in_} features ({_other_kinds(bundle, kind)})"
                )
            prep = bundle.preprocessor

            def predict_codes(points):
                return _codes_of(est, est.predict(_as_fitted(est, prep.transform(points))))

            if data in BUILTIN_DATASETS and not Path(data).exists():
                part = ("the test part of " if bundle.training.get("data") == data
                        else "all of ")
                shown = f"{part}'{data}'"
            else:
                shown = Path(data).name
            shown += f", {dataset.n_samples} points"
            fig = plot_decision_boundary(predict_codes, dataset.raw, dataset.y, names,
                                         title=f"{title}\npoints: {shown}",
                                         feature_names=_feature_names(prep))
        else:
            if dataset.kind != "image":
                raise InputError(
                    "--kind mislabeled shows pictures; this model was trained on a table "
                    f"({_other_kinds(bundle, kind)})"
                )
            pred = _codes_of(est, est.predict(_as_fitted(est, dataset.X)))
            fig = plot_mislabeled(dataset.raw, dataset.y, pred, names, names=dataset.names,
                                  title=f"Mislabeled by {_describe(est)}")
    save_png(fig, output_path)
    say(f"wrote {output_path}")
    return output_path


def _feature_names(prep) -> tuple[str, str] | None:
    """The two column names of a tabular preprocessor, for a boundary's axes."""
    columns = getattr(prep, "columns", None)
    return tuple(columns) if columns is not None and len(columns) == 2 else None


def _check_plot_kind(bundle: SavedModel, kind: str) -> None:
    """Refuse a ``--kind`` that the model cannot draw, from the model file alone."""
    prep = bundle.preprocessor
    n_features = int(bundle.estimator.n_features_in_)
    if kind == "boundary" and (n_features != 2 or (prep is not None and prep.kind != "tabular")):
        raise InputError(
            f"a decision boundary needs a model trained on 2-D data; this one takes "
            f"{n_features} features ({_other_kinds(bundle, kind)})")
    if kind == "mislabeled" and prep is not None and prep.kind in ("text", "svmlight"):
        raise InputError(
            f"--kind mislabeled shows pictures; this model was trained on "
            f"{_TAKES[prep.kind][0]} ({_other_kinds(bundle, kind)}, or 'nnscratch evaluate' "
            "for its mistakes)")
    if kind == "mislabeled" and prep is not None and prep.kind != "image":
        raise InputError(
            "--kind mislabeled shows pictures; this model was trained on a table "
            f"({_other_kinds(bundle, kind)})")


def _other_kinds(bundle: SavedModel, refused: str) -> str:
    """``use --kind ...``: the other kinds of plot that this model can draw."""
    prep = bundle.preprocessor
    n_features = int(bundle.estimator.n_features_in_)
    works = ["costs"]
    if n_features == 2 and (prep is None or prep.kind == "tabular"):
        works.append("boundary")
    if prep is None or prep.kind == "image":
        works.append("mislabeled")
    works = [k for k in works if k != refused]
    return "use --kind " + " or ".join(works)


# --------------------------------------------------------------------------- summary


def _layer_table(est) -> list[dict]:
    act = est.get_params().get("activation", None)
    n_layers = len(est.params_) // 2
    n_classes = len(est.classes_)
    rows = []
    for l in range(1, n_layers + 1):
        W, b = est.params_[f"W{l}"], est.params_[f"b{l}"]
        if l == n_layers:
            a = "sigmoid" if n_classes == 2 else "softmax"
        elif isinstance(act, (list, tuple)):
            a = str(act[l - 1]) if l - 1 < len(act) else "?"
        else:
            a = str(act)
        rows.append({
            "layer": l,
            "units": int(W.shape[0]),
            "activation": a,
            "W_shape": list(W.shape),
            "b_shape": list(b.shape),
            "n_parameters": int(W.size + b.size),
            "dtype": str(W.dtype),
        })
    return rows


def _prep_summary(bundle: SavedModel) -> dict:
    prep = bundle.preprocessor
    if prep.kind == "image":
        return {"kind": "image", "size": prep.size,
                "steps": f"RGB, resize to {prep.size}x{prep.size}, flatten, divide by 255"}
    if prep.kind == "text":
        return {**prep.to_dict(), "steps": prep.vectorizer.describe()}
    if prep.kind == "svmlight":
        base = 0 if prep.zero_based else 1
        return {**prep.to_dict(),
                "steps": f"svmlight rows of {prep.n_inputs} features (numbered from {base}), "
                         "sparse, as they are"}
    unscaled = (all(float(v) == 0.0 for v in prep.mean)
                and all(float(v) == 1.0 for v in prep.std))
    steps = ("the columns' values as they are (not scaled)" if unscaled else
             "standardise with the training set's mean and standard deviation")
    return {"kind": "tabular", "columns": list(prep.columns), "steps": steps}


def summarize(bundle: SavedModel | str) -> dict:
    """The facts ``nnscratch summary`` prints, as plain data (a model file or its bundle)."""
    if not isinstance(bundle, SavedModel):
        bundle = load_bundle(bundle)
    est = bundle.estimator
    layers = _layer_table(est)
    return {
        "model_type": type(est).__name__,
        "n_features_in": int(est.n_features_in_),
        "layers": layers,
        "n_parameters": int(sum(row["n_parameters"] for row in layers)),
        "hyperparameters": dict(bundle.settings.get("hyperparameters", {})),
        "classes": _class_names(bundle),
        "n_iter": int(est.n_iter_),
        "final_cost": _final_cost(est),
        "preprocessing": None if bundle.preprocessor is None else _prep_summary(bundle),
        "training": bundle.training,
        "format_version": bundle.settings.get("format_version"),
        "library_version": bundle.settings.get("library_version"),
    }


_KEY_SETTINGS = ("hidden_layer_sizes", "activation", "init", "learning_rate", "max_iter",
                 "random_state", "solver")


def _settings_line(model_type: str, hyper: dict) -> str:
    """The main settings, then only those that differ from the estimator's defaults."""
    classes = dict(zip(("LogisticRegression", "NeuralNetworkClassifier"), _estimators()))
    defaults = classes[model_type]().get_params()

    def same(key, value):
        default = defaults.get(key)
        if isinstance(default, tuple):
            default = list(default)
        return value == default

    keys = [k for k in _KEY_SETTINGS if k in hyper]
    keys += sorted(k for k in hyper if k not in _KEY_SETTINGS and not same(k, hyper[k]))
    text = ", ".join(f"{k}={hyper[k]}" for k in keys)
    return text + " (others at their defaults; --json lists all)"


def _number_in(value: Any, low: float, high: float) -> bool:
    return (isinstance(value, (int, float)) and not isinstance(value, bool)
            and low <= value <= high)


def _cost_text(cost: float) -> str:
    """A cost as the seeds print it, 6 decimals; in powers of ten from a million on
    (an L2 term of alpha=1e308 printed 300 digits)."""
    return f"{cost:.6f}" if abs(cost) < 1e6 else f"{cost:.6e}"


def _as_fitted(est, X):
    """``X`` as the model was fitted: a model trained on a DataFrame gets its columns'
    names back (the preprocessing found the file's columns by those names), so that
    scikit-learn does not warn "X does not have valid feature names" at each call."""
    names = getattr(est, "feature_names_in_", None)
    if names is None or not isinstance(X, np.ndarray) or X.ndim != 2 \
            or X.shape[1] != len(names):
        return X
    try:
        import pandas as pd
    except ImportError:  # trained on a DataFrame elsewhere: the warning, not a failure
        return X
    return pd.DataFrame(X, columns=list(names), copy=False)




#: The most classes ``summary`` names, and the most characters of a class's name it
#: shows (``--json`` gives them all, in full).
SHOWN_CLASSES, SHOWN_NAME = 20, 40


def _class_list(classes: Sequence[Any]) -> str:
    """The classes on one line: the first :data:`SHOWN_CLASSES`, each name on one line
    and cut at :data:`SHOWN_NAME` characters ("..." where cut), then how many more."""
    def shown(name: Any) -> str:
        text = escaped(name)
        return text if len(text) <= SHOWN_NAME else text[:SHOWN_NAME - 3] + "..."

    more = len(classes) - SHOWN_CLASSES
    return (", ".join(map(shown, classes[:SHOWN_CLASSES]))
            + (f" and {more} more (--json lists them all)" if more > 0 else ""))


def format_summary(info: dict) -> str:
    """The text ``nnscratch summary`` prints for :func:`summarize`'s facts: one field a
    line, the values in one column after the longest label, ``preprocessing:``."""
    lines = [
        (f"model:         {info['model_type']} (file format {info['format_version']}, "
         f"nnscratch {escaped(info['library_version'])})"),
        f"inputs:        {_count(info['n_features_in'], 'feature')}",
    ]
    columns = (info["preprocessing"] or {}).get("columns")
    if info["preprocessing"] and info["preprocessing"].get("kind") == "tabular" and columns:
        # the CSV columns 'predict' and 'evaluate' need, by name
        more = len(columns) - 8
        lines[-1] += (f" (columns {', '.join(escaped(c) for c in columns[:8])}"
                      + (f" and {more} more" if more > 0 else "") + ")")
    if info["preprocessing"]:
        lines.append(f"preprocessing: {info['preprocessing']['steps']}")
    lines.append(f"classes:       {_class_list(info['classes'])}")
    lines.append("layers:")
    lines.append(f"  {'layer':>5}  {'units':>5}  {'activation':<10}  {'W shape':<14}  "
                 f"{'b shape':<10}  {'parameters':>10}")
    for row in info["layers"]:
        w = "(" + ", ".join(map(str, row["W_shape"])) + ")"
        b = "(" + ", ".join(map(str, row["b_shape"])) + ")"
        lines.append(f"  {row['layer']:>5}  {row['units']:>5}  {row['activation']:<10}  "
                     f"{w:<14}  {b:<10}  {row['n_parameters']:>10}")
    lines.append(f"parameters:    {info['n_parameters']}")
    lines.append(f"settings:      {_settings_line(info['model_type'], info['hyperparameters'])}")
    lines.append(f"iterations:    {info['n_iter']}")
    if info["final_cost"] is not None:
        lines.append(f"final cost:    {_cost_text(info['final_cost'])}")
    t = info["training"]
    if t:
        bits = [f"data {escaped(t.get('data'))}"]
        # free-form facts: shown where they are what the command line writes there
        for key, label in (("train_accuracy", "train"), ("test_accuracy", "test")):
            if _number_in(t.get(key), 0.0, 1.0):
                bits.append(f"{label} accuracy {100 * t[key]:.2f} %")
        if _number_in(t.get("seconds"), 0.0, float("inf")):
            bits.append(f"{t['seconds']:.2f} s")
        lines.append(f"training:      {', '.join(bits)}")
    return "\n".join(lines)


# --------------------------------------------------------------------------- demo


def _demo_models(kind: str) -> list[tuple[str, str, Any]]:
    """(file stem, title, estimator) of the seeds' three models for the demo data."""
    LogisticRegression, NeuralNetworkClassifier = _estimators()
    if kind == "image":  # the course's cat settings
        return [
            ("logistic", "logistic regression",
             LogisticRegression(learning_rate=0.005, max_iter=2000)),
            ("one-hidden-layer", "one hidden layer (7, relu)",
             NeuralNetworkClassifier(hidden_layer_sizes=(7,), activation="relu", init="small",
                                     learning_rate=0.0075, max_iter=2500, random_state=1)),
            ("deep", "deep (20, 7, 5, relu)",
             NeuralNetworkClassifier(hidden_layer_sizes=(20, 7, 5), activation="relu",
                                     init="lecun", learning_rate=0.0075, max_iter=2500,
                                     random_state=1)),
        ]
    return [
        ("logistic", "logistic regression",
         LogisticRegression(learning_rate=1.2, max_iter=1000)),
        ("one-hidden-layer", "one hidden layer (4, tanh)",
         NeuralNetworkClassifier(hidden_layer_sizes=(4,), activation="tanh", init="small",
                                 learning_rate=1.2, max_iter=10000, random_state=1)),
        ("deep", "deep (20, 7, 5, tanh)",
         NeuralNetworkClassifier(hidden_layer_sizes=(20, 7, 5), activation="tanh",
                                 init="lecun", learning_rate=0.05, max_iter=10000,
                                 random_state=1)),
    ]


def _demo_data(spec: str | None, image_size: int | None = None
               ) -> tuple[str, Dataset, Dataset]:
    if spec is None:
        spec = "flower"
    path = Path(spec)
    if spec in BUILTIN_DATASETS and not path.exists():
        check_data_options({"--data": spec}, image_size=image_size)
        if spec not in ("flower", "moons", "circles"):
            raise InputError(
                f"--data: the demo runs on a 2-D built-in set (flower, moons, circles) or a "
                f"folder with train/test data, not '{spec}'")
        train, test = load_train_test(spec)
        return spec, train, test
    if not path.is_dir():
        raise InputError(
            f"--data: '{spec}' is not a folder; give a folder holding train*.h5 and test*.h5 "
            "(like ../shared/data/catvnoncat) or train/ and test/ folders of class "
            "sub-folders (of pictures or of text files), or "
            "a built-in 2-D set (flower, moons, circles)")
    h5 = [p for p in path.iterdir() if p.suffix.lower() in (".h5", ".hdf5")]
    trains = sorted(p for p in h5 if "train" in p.name.lower())
    tests = sorted(p for p in h5 if "test" in p.name.lower())
    if len(trains) == 1 and len(tests) == 1:
        train_spec, test_spec = trains[0], tests[0]
        _check_class_files(train_spec, test_spec)
    elif (path / "train").is_dir() and (path / "test").is_dir():
        train_spec, test_spec = path / "train", path / "test"
        _check_class_folders(train_spec, test_spec)
    else:
        raise InputError(
            f"--data: '{spec}' holds neither one train*.h5 and one test*.h5 file nor train/ "
            "and test/ folders of class sub-folders (of pictures or of text files)")
    check_data_options({"--data": str(train_spec)}, image_size=image_size)
    train, test = load_train_test(str(train_spec), str(test_spec),
                                  image_size=64 if image_size is None else image_size)
    return str(path), train, test


def _check_class_folders(train: Path, test: Path) -> None:
    """Refuse a test/ class folder that train/ lacks, before any file is read."""
    def classes(folder: Path) -> set[str]:
        return {p.name for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".")}

    extra = sorted(classes(test) - classes(train))
    if len(extra) == 1:
        name = extra[0]
        raise InputError(
            f"--data: the class folder {test / name}/ has no counterpart in {train}/ (which "
            f"has {', '.join(sorted(classes(train))) or 'none'}), and the models learn only "
            f"the classes of train/: add {train / name}/ with examples of {name}, or move "
            f"{test / name}/ out of {test}/")
    if extra:
        raise InputError(
            f"--data: the class folders {', '.join(n + '/' for n in extra)} of {test}/ have "
            f"no counterpart in {train}/ (which has "
            f"{', '.join(sorted(classes(train))) or 'none'}), and the models learn only the "
            f"classes of train/: add them to {train}/ with examples, or move them out of "
            f"{test}/")


def _check_class_files(train: Path, test: Path) -> None:
    """Refuse a class of the test .h5 file that the train .h5 file lacks, before the
    pictures are read (the folders' counterpart of :func:`_check_class_folders`)."""
    from .datasets import hdf5_classes

    try:
        (known, _), (_, used) = hdf5_classes(train), hdf5_classes(test)
    except DatasetError:  # the loader says what is wrong with the file
        return
    extra = [name for name in used if name not in known]
    which = ", ".join(known) or "none"
    if len(extra) == 1:
        name = extra[0]
        raise InputError(
            f"--data: the class {name} of {test} has no counterpart in {train} (which has "
            f"{which}), and the models learn only the classes of the train file: add examples "
            f"of {name} to {train}, or take its examples out of {test}")
    if extra:
        raise InputError(
            f"--data: the classes {', '.join(extra)} of {test} have no counterpart in {train} "
            f"(which has {which}), and the models learn only the classes of the train file: "
            f"add examples of them to {train}, or take their examples out of {test}")


def demo(data: str | None = None, output_dir: str | Path = "nnscratch-demo",
         image_size: int | None = None) -> dict:
    """``nnscratch demo``: train the seeds' three models on one data set and compare them.

    Returns
    -------
    dict
        ``{"data", "n_train", "n_test", "models": [...], "pictures": {...}}``.

    Raises
    ------
    Interrupted
        Ctrl-C; its message names the files already written (complete ones).
    """
    if not str(output_dir).strip():  # Path("") is the current folder: not asked for
        raise InputError("--output-dir is empty; give a folder's name, e.g. "
                         "'nnscratch-demo' (or '.' for this folder)")
    out = Path(output_dir)
    if out.exists() and not out.is_dir():
        raise InputError(f"--output-dir: '{out}' is a file, not a folder")
    existing = out  # the folder, or the nearest folder above it that exists
    while not existing.exists() and existing != existing.parent:
        nowhere = link_nowhere(existing, "a folder")  # mkdir would fail after the work
        if nowhere is not None:
            raise InputError(f"--output-dir: {nowhere}")
        existing = existing.parent
    if not existing.is_dir():
        raise InputError(f"--output-dir: '{existing}' is a file, not a folder")
    check_writable_folder(existing, "--output-dir")
    for name in _DEMO_FILES:  # a folder of one of their names was found after training
        if (out / name).is_dir():
            raise InputError(f"--output-dir: '{out / name}' is a folder, where the demo "
                             f"writes its file {name}; move it, or give another folder")
    check_not_inputs({f"--output-dir's {name}": out / name for name in _DEMO_FILES},
                     {"--data": data})
    label, train_set, test_set = _demo_data(data, image_size)
    _check_classes(train_set, label)
    created = not out.exists()
    out.mkdir(parents=True, exist_ok=True)
    say(f"demo on {label}: {train_set.n_samples} training and {test_set.n_samples} test "
        f"samples, {_count(train_set.n_features, 'feature')}")
    written: list[Path] = []
    try:
        return _demo_run(label, train_set, test_set, out, written)
    except BaseException as exc:
        if not written and created:  # the folder made for the demo, left empty
            with suppress(OSError):
                out.rmdir()
        if not isinstance(exc, (Interrupted, KeyboardInterrupt)) or not written:
            raise
        raise Interrupted(
            f"interrupted; already wrote {', '.join(p.name for p in written)} in {out} "
            "(complete files); the rest was not written") from None


#: The files the demo may write into --output-dir.
_DEMO_FILES = ("logistic.npz", "one-hidden-layer.npz", "deep.npz", "costs.png",
               "boundary.png", "mislabeled.png")


def _demo_run(label: str, train_set: Dataset, test_set: Dataset, out: Path,
              written: list[Path]) -> dict:
    """The demo's training and pictures; appends each file to ``written`` once written."""
    from .plotting import plot_cost_curves, plot_decision_boundaries, plot_mislabeled, save_png

    rows = []
    fitted = []
    for stem, title, est in _demo_models(train_set.kind):
        say(f"training {title}")
        seconds = fit(est, train_set.X, train_set.y)
        result = _train_result(est, train_set, test_set, seconds)
        model_path = out / f"{stem}.npz"
        save(est, model_path, preprocessor=train_set.preprocessor,
             class_names=[train_set.class_names[int(c)] for c in est.classes_],
             training={"data": label if label in BUILTIN_DATASETS else str(label),
                       "n_samples": train_set.n_samples, "seconds": round(seconds, 3),
                       "train_accuracy": result["train_accuracy"],
                       "test_accuracy": result["test_accuracy"]})
        written.append(model_path)
        rows.append({"model": title, "file": str(model_path), **result})
        fitted.append((title, est))
        say(f"  {title}: train {100 * result['train_accuracy']:.2f} %, "
            f"test {100 * result['test_accuracy']:.2f} %, {seconds:.2f} s")
    pictures = {}
    curves = {title: (est.costs_, int(est.get_params().get("cost_every", 100) or 100))
              for title, est in fitted}
    pictures["costs"] = out / "costs.png"
    save_png(plot_cost_curves(curves, title=f"Cost curves on {Path(label).name}"),
             pictures["costs"])
    written.append(pictures["costs"])
    names = train_set.class_names
    if train_set.kind == "tabular" and train_set.n_features == 2:
        prep = train_set.preprocessor

        def predictor(est) -> Callable[[np.ndarray], np.ndarray]:
            return lambda points: _codes_of(est, est.predict(prep.transform(points)))

        panels = {
            f"{title}\ntest {100 * row['test_accuracy']:.1f} %": predictor(est)
            for (title, est), row in zip(fitted, rows)
        }
        pictures["boundary"] = out / "boundary.png"
        save_png(plot_decision_boundaries(panels, test_set.raw, test_set.y, names,
                                          title=f"Decision boundaries on {label} "
                                                "(test points)"),
                 pictures["boundary"])
        written.append(pictures["boundary"])
    elif train_set.kind == "image":
        title, est = fitted[-1]
        pred = _codes_of(est, est.predict(_as_fitted(est, test_set.X)))
        pictures["mislabeled"] = out / "mislabeled.png"
        save_png(plot_mislabeled(test_set.raw, test_set.y, pred, names, names=test_set.names,
                                 title=f"Test pictures mislabeled by the {title} network"),
                 pictures["mislabeled"])
        written.append(pictures["mislabeled"])
    say("wrote " + ", ".join(str(p) for p in pictures.values())
        + f" and the model files in {out}")
    stale = [name for name in _DEMO_FILES
             if (out / name).exists() and out / name not in written]
    if stale:  # another data set's picture: left as it was, but not taken for this run's
        listed = ", ".join(stale[:-1]) + (" and " if len(stale) > 1 else "") + stale[-1]
        say(f"{listed} in {out} {'is' if len(stale) == 1 else 'are'} from an earlier "
            "run, not this one")
    return {"data": label, "n_train": train_set.n_samples, "n_test": test_set.n_samples,
            "models": rows, "pictures": {k: str(v) for k, v in pictures.items()}}


def format_demo(result: dict) -> str:
    """The results table ``nnscratch demo`` prints."""
    rows = result["models"]
    width = max(len(r["model"]) for r in rows)
    lines = [f"{'model':<{width}}  {'train acc':>9}  {'test acc':>9}  {'time':>8}"]
    for r in rows:
        lines.append(f"{r['model']:<{width}}  {100 * r['train_accuracy']:>8.2f}%  "
                     f"{100 * r['test_accuracy']:>8.2f}%  {r['seconds']:>7.2f}s")
    return "\n".join(lines)


# --------------------------------------------------------------------------- check, trace


def check_solution(file: str, assignment: str | None = None, timeout: float = 20.0,
                   only: Sequence[str] | None = None):
    """Run :func:`nnscratch.course.check` on a learner's FILE, all its functions or
    ``only`` these (bad usage: InputError)."""
    from .course import CheckError, check

    try:
        return check(file, assignment, timeout=timeout, functions=only)
    except CheckError as exc:
        raise InputError(str(exc)) from None


def trace_model(model: str, data: str, label_column: str | None = None,
                gradient_check: bool = True):
    """One training step of a saved model on labelled data (:func:`nnscratch.course.trace`)."""
    from .course import trace

    check_data_options({"DATA": data}, label_column=label_column)
    bundle = load_bundle(model)
    est = bundle.estimator
    if bundle.preprocessor is not None and is_array_store(data) and (
            Path(data).suffix.lower() not in (".h5", ".hdf5") or _xy_layout(data)):
        # the X/y layout or a Zarr store: only the chunked reader knows it (as for
        # 'nnscratch train' and 'evaluate'); the trace reads every row
        X, labels = _store_rows(bundle, data)
        return trace(est, X, labels, gradient_check=gradient_check)
    dataset = _data_for_model(bundle, data, label_column, part="train")  # a training step
    labels = np.asarray(est.classes_)[dataset.y]
    X = dataset.X
    if hasattr(X, "toarray"):  # text or svmlight: the trace shows dense arrays, layer by layer
        if X.shape[0] * X.shape[1] > _MAX_TRACE_VALUES:
            raise InputError(
                f"the trace shows every array densely, and these {X.shape[0]} samples of "
                f"{X.shape[1]} features would take {X.shape[0] * X.shape[1]:,} values (at "
                f"most {_MAX_TRACE_VALUES:,}); trace a smaller DATA")
        X = X.toarray()
    return trace(est, X, labels, gradient_check=gradient_check)


def _check_store_features(feeder, preprocessor, takes: int, spec: str) -> None:
    """Refuse an HDF5 file or a Zarr store whose table has other features than the
    model's ``takes``, or that holds pictures for a table's model or a table for a
    picture model (before any row is read, so nothing reaches stdout)."""
    shape = tuple(int(n) for n in feeder.X.shape)
    if preprocessor.kind == "tabular" and len(shape) != 2:
        raise InputError(f"{spec}: holds pictures {shape}, but the model was trained on a "
                         "table; give it a table, or use a model trained on pictures")
    if preprocessor.kind == "image" and len(shape) == 2:
        raise InputError(f"{spec}: holds a table of {shape[1]} features per row, but the "
                         "model was trained on pictures; give it pictures (n, height, width, "
                         "3), or use a model trained on a table")
    stored = shape[1] if preprocessor.kind == "tabular" and len(shape) == 2 else (
        feeder.n_features)
    if stored != takes:
        raise InputError(f"{spec}: has {stored} features; the model takes {takes}")


def _store_rows(bundle: SavedModel, spec: str) -> tuple[np.ndarray, np.ndarray]:
    """Every row of an HDF5 file or a Zarr store, prepared with the model's
    preprocessing, and its labels (the model's classes)."""
    from .streaming import open_chunks

    est = bundle.estimator
    _check_store_model(spec, bundle.preprocessor)
    with open_chunks(spec, preprocessor=bundle.preprocessor,
                     class_names=_class_names(bundle)) as feeder:
        _check_store_features(feeder, bundle.preprocessor, int(est.n_features_in_), spec)
        values = feeder.n_samples * feeder.n_features
        if values > _MAX_TRACE_VALUES:
            raise InputError(
                f"the trace shows every array, and these {feeder.n_samples} samples of "
                f"{feeder.n_features} features would take {values:,} values (at most "
                f"{_MAX_TRACE_VALUES:,}); trace a smaller DATA")
        blocks = list(feeder.chunks())
        as_positions = feeder.labels_are_indices
    X = np.concatenate([x for _, x, _ in blocks])
    y = np.concatenate([labels for _, _, labels in blocks])
    classes = np.asarray(est.classes_)  # the labels are the model's (as evaluate reads them)
    if as_positions:  # codes mapped by name, or names: positions in the model's classes
        y = classes[y]
    unseen = np.setdiff1d(y, classes)
    if unseen.size:
        raise InputError(f"{spec}: labels {unseen.tolist()[:5]} are not classes of the model "
                         f"({classes.tolist()})")
    return X, y


#: The most values a traced (dense) input may hold.
_MAX_TRACE_VALUES = 20_000_000


# --------------------------------------------------------------------------- search


def search(data: str, specs: Sequence[str], *, cv: int = 5, n_random: int | None = None,
           scheduler: str | None = None, n_jobs: int = -1, output: str | Path | None = None,
           results_path: str | Path | None = None, plot_path: str | Path | None = None,
           hidden: tuple[int, ...] | None = None, params: dict[str, Any] | None = None,
           image_size: int | None = None, label_column: str | None = None,
           flags: dict[str, str] | None = None, text: dict[str, Any] | None = None,
           given: set[str] | None = None) -> dict:
    """``nnscratch search``: cross-validated grid (or random) search over ``specs``.

    Parameters
    ----------
    data : str
        A data specification (see :func:`nnscratch.datasets.load_dataset`).
    specs : sequence of str
        ``"NAME=V1;V2"`` texts (:func:`nnscratch.search.parse_params`).
    cv, n_random, scheduler, n_jobs
        See :func:`nnscratch.search.run_search`.
    output, results_path, plot_path : path-like, optional
        The best model (refitted on all the data), the results CSV (rewritten as
        candidates finish) and the plot of the score against each parameter; the CSV and
        the plot default to ``output`` with ``.csv`` and ``.png``.
    hidden, params, flags, text
        The fixed settings, as for :func:`train`. A learnt preprocessing (the
        vocabulary of text data, a table's standardisation) is learnt again on each
        fold's training rows, so that the held-out rows score the fold unseen.
    given : set of str, optional
        The ``params`` the user gave (default: those not None); one of them that the
        grid searches too is refused.

    Returns
    -------
    dict
        ``{"best_params", "best_score", "candidates": [{"params", "mean_score",
        "std_score", "fit_time"}]}``, the parameters named as the command's options.
    """
    from .plotting import save_png
    from .search import (
        SEARCH_PARAMETERS,
        SearchError,
        SearchFailed,
        SearchInterrupted,
        check_folds,
        check_output_paths,
        check_scheduler,
        estimator_grid,
        parse_params,
        plot_scores,
        run_search,
        search_json,
    )
    from .streaming import MissingExtraError, require_dask

    try:
        grid = parse_params(specs)
        out = _file_path(output, "--output") if output is not None else None
        if out is not None and out.suffix.lower() != ".npz":
            raise InputError(f"--output: a model file's name ends in .npz; give e.g. "
                             f"'{out.name}.npz'")
        results = (_file_path(results_path, "--results", "results.csv")
                   if results_path is not None else (out.with_suffix(".csv") if out else None))
        picture = (_file_path(plot_path, "--plot", "scores.png") if plot_path is not None else
                   (out.with_suffix(".png") if out else None))
        if picture is not None and picture.suffix.lower() != ".png":
            raise InputError("--plot: the plot is a PNG; give a name ending in .png")
        check_output_paths(out, results, picture)
        for option, path in (("--output", out), ("--results", results), ("--plot", picture)):
            if path is not None:  # a read-only folder, found before the search, not after
                check_writable_folder(path.parent if str(path.parent) else Path("."), option)
        check_not_inputs(
            {"--output": out,
             ("--results" if results_path else "the results CSV (named after --output)"):
                 results,
             ("--plot" if plot_path else "the score plot (named after --output)"): picture},
            {"DATA": data})
        check_data_options({"DATA": data}, label_column=label_column)
        if is_array_store(data) and Path(data).is_dir():  # not a folder of class folders
            raise InputError(f"{data}: a Zarr store is read in chunks, which a search, "
                             "holding every fold in memory, does not do; train on it with "
                             f"'nnscratch train {data}', or search a CSV file or an .h5 file "
                             "in the course's layout")
        if scheduler is not None:
            require_dask("distributed")
            check_scheduler(scheduler)  # an address that cannot be one: before the data
    except SearchError as exc:
        raise InputError(str(exc)) from None
    except MissingExtraError as exc:
        raise InputError(f"--scheduler: {exc}") from None
    if hidden is not None and "hidden" in grid:
        raise InputError("--hidden is fixed and searched by --param hidden at once; drop one")
    if hidden is None and "hidden" in grid:
        hidden = grid["hidden"][0]  # a network; the grid sets its layers
    est = build_estimator(hidden, params or {}, flags)
    try:
        searched = estimator_grid(grid, est)  # a network-only parameter without a network
    except SearchError as exc:
        raise InputError(str(exc)) from None
    given = {k for k, v in (params or {}).items() if v is not None} if given is None else given
    fixed = [key for key in searched if key in given]
    if fixed:  # the grid's values would replace the fixed one without a word
        flag = (flags or {}).get(fixed[0], fixed[0])
        name = next(n for n in grid if SEARCH_PARAMETERS[n][0] == fixed[0])
        raise InputError(f"{flag} is fixed and searched by --param {name} at once; drop one")
    text = text_settings(data, text, flags)
    train_set, _ = load_train_test(data, None, image_size=image_size or 64,
                                   label_column=label_column, text=text)
    _check_classes(train_set, data)
    check_data_options({"DATA": data}, image_size=image_size)  # after the data's own faults
    try:
        check_folds(cv, train_set.y, train_set.class_names)
    except SearchError as exc:
        raise InputError(str(exc)) from None
    n_grid = int(np.prod([len(v) for v in grid.values()]))
    n = min(n_grid, n_random) if n_random else n_grid
    whole = (f" (the whole grid: --random {n_random} asks for more than it holds)"
             if n_random and n_random > n_grid else "")
    seed = (params or {}).get("random_state") or 0  # --seed draws --random's candidates too
    say(f"searching {n} candidate{'s' * (n != 1)}{whole} x {cv} folds of {_describe(est)} on "
        f"{train_set.n_samples} samples ({_dataset_label(data)}), "
        f"{'on the Dask cluster at ' + scheduler if scheduler else 'on the local cores'}")
    try:
        with np.errstate(over="ignore", invalid="ignore"):
            # A learnt preprocessing (a text vocabulary, a table's standardisation) is
            # learnt again on each fold's training rows: the held-out rows stay unseen.
            prep = train_set.preprocessor if train_set.preprocessor.learns else None
            outcome = run_search(est, train_set.X if prep is None else train_set.raw,
                                 train_set.y, grid, cv=cv, n_candidates=n_random,
                                 seed=seed, scheduler=scheduler, n_jobs=n_jobs,
                                 results_path=results, progress=say, preprocessing=prep)
    except SearchError as exc:
        raise InputError(str(exc)) from None
    except SearchFailed as exc:
        raise RunError(str(exc)) from None
    except SearchInterrupted as exc:
        raise Interrupted(f"{exc}; no model was written" if out else str(exc)) from None
    if outcome.failed_fits:
        first = f" (the first: {outcome.fit_error})" if outcome.fit_error else ""
        say(f"nnscratch: warning: {outcome.failed_fits} fits failed{first}; their "
            "scores are missing and those candidates rank last")
    best = outcome.model
    if out is not None:
        save(best, out, preprocessor=train_set.preprocessor,
             class_names=[train_set.class_names[int(c)] for c in best.classes_],
             training={"data": _dataset_label(data), "n_samples": train_set.n_samples,
                       "search_cv": cv, "search_best_score": outcome.best_score,
                       "seconds": round(outcome.seconds, 3)})
    if picture is not None:
        save_png(plot_scores(outcome.rows, title=f"Search on {Path(str(data)).name}: "
                                                 f"{len(outcome.rows)} candidate"
                                                 f"{'s' * (len(outcome.rows) != 1)} x {cv} "
                                                 "folds"),
                 picture)
    written = [str(p) for p in (out, results, picture) if p is not None]
    say(f"{outcome.where}: {outcome.seconds:.1f} s"
        + (f"; wrote {', '.join(written)}" if written else ""))
    return search_json(outcome)


def format_search(result: dict) -> str:
    """The text ``nnscratch search`` prints: the candidates, best first, and the best."""
    from .search import format_table, format_value

    scores = [c["mean_score"] for c in result["candidates"]]
    ranked = sorted((s for s in scores if s is not None), reverse=True)
    rows = [{**c, "rank": (ranked.index(c["mean_score"]) + 1 if c["mean_score"] is not None
                           else len(ranked) + 1)} for c in result["candidates"]]
    best = ", ".join(f"{k}={format_value(v)}" for k, v in result["best_params"].items())
    return (format_table(rows) + f"\nbest: {best} (mean accuracy {result['best_score']:.4f})")
