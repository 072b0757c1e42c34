"""The ``nnscratch`` command: train, evaluate, predict, plot, summary, demo.

Conventions:

- data (tables, JSON) goes to stdout, progress and messages to stderr; with ``--json``
  stdout holds exactly one JSON document;
- exit code 0 on success, 1 on a failure while running, 2 on bad usage or bad input;
- every error is one line on stderr, ``nnscratch: error: <problem>; <what to do>``,
  never a traceback;
- output files are written to a temporary file in the same folder and renamed, so a
  failed run never leaves a partial file.
"""

from __future__ import annotations

import json
import sys
import time
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click
import numpy as np

from ._version import __version__
from .datasets import (
    BUILTIN_DATASETS,
    IMAGE_EXTENSIONS,
    Dataset,
    DatasetError,
    load_dataset,
    load_train_test,
    read_csv_features,
    read_image,
    train_test_split,
)
from .persistence import ModelFileError, SavedModel, load_bundle, save

__all__ = ["cli", "main", "run"]

PROG = "nnscratch"
_CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class InputError(click.ClickException):
    """Bad input (exit code 2)."""

    exit_code = 2


class RunError(click.ClickException):
    """A failure while running (exit code 1)."""

    exit_code = 1


# --------------------------------------------------------------------------- helpers


def _estimators():
    from .estimators import LogisticRegression, NeuralNetworkClassifier

    return LogisticRegression, NeuralNetworkClassifier


def _say(message: str) -> None:
    """A message for the person (stderr)."""
    click.echo(message, err=True)


def _emit_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, allow_nan=False))


def _check_output_path(path: Path, what: str = "--output") -> None:
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise click.BadParameter(
            f"the folder '{folder}' does not exist; create it first", param_hint=what
        )
    if path.is_dir():
        raise click.BadParameter(f"'{path}' is a folder; give a file name", param_hint=what)


def _parse_hidden(text: str | None) -> tuple[int, ...] | None:
    if text is None:
        return None
    parts = [p.strip() for p in text.replace(" ", ",").split(",") if p.strip()]
    try:
        sizes = tuple(int(p) for p in parts)
    except ValueError:
        sizes = ()
    if not sizes or any(s < 1 for s in sizes):
        raise click.BadParameter(
            f"'{text}' is not a list of positive layer sizes; write e.g. 20,7,5",
            param_hint="--hidden",
        )
    return sizes


def _load_model(path: str) -> SavedModel:
    return load_bundle(path)


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


def _data_for_model(bundle: SavedModel, spec: str, label_column: str | None) -> Dataset:
    """Evaluation data prepared like the model's training data."""
    if bundle.preprocessor is None:
        raise InputError(
            "this model file has no preprocessing (saved from Python without "
            "preprocessor=...); evaluate it from Python instead"
        )
    if spec in BUILTIN_DATASETS and not Path(spec).exists():
        data = load_dataset(spec, preprocessor=bundle.preprocessor)
        if data.class_names != _class_names(bundle):
            raise InputError(f"the built-in set '{spec}' does not have the model's classes")
        if bundle.training.get("data") == spec:
            _, data = train_test_split(data)
            data = _reprocess(data, bundle)
            _say(f"using the held-out test part of '{spec}' ({data.n_samples} samples)")
        return data
    return load_dataset(
        spec,
        label_column=label_column,
        preprocessor=bundle.preprocessor,
        class_names=_class_names(bundle),
    )


def _reprocess(data: Dataset, bundle: SavedModel) -> Dataset:
    from dataclasses import replace

    prep = bundle.preprocessor
    return replace(data, preprocessor=prep, X=prep.transform(data.raw))


def _describe(est) -> str:
    LogisticRegression, _ = _estimators()
    if isinstance(est, LogisticRegression):
        return "logistic regression"
    hidden = tuple(est.get_params().get("hidden_layer_sizes", ()))
    act = est.get_params().get("activation", "?")
    return f"network ({', '.join(map(str, hidden))}), {act}"


def _layer_table(est) -> list[dict]:
    params = est.get_params()
    act = params.get("activation", None)
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


# --------------------------------------------------------------------------- training


def _fit(est, X: np.ndarray, y: np.ndarray) -> float:
    """Fit, with a progress bar on stderr when it is a terminal; returns the seconds spent.

    The bar is the estimators' own (``verbose=True`` draws nnscratch's tqdm
    :class:`~nnscratch.callbacks.ProgressBar`: iteration, cost, time left). It is asked
    for only when stderr is a terminal, so nothing is printed otherwise, and it is not
    passed as a user callback, so the fast row-space algorithm stays available.
    Bad data raises :class:`InputError`, a diverging run :class:`RunError`.
    """
    from .exceptions import NonFiniteWeightsError

    params = est.get_params()
    restore: dict[str, Any] = {}
    if "verbose" in params:
        restore["verbose"] = params["verbose"]
        est.set_params(verbose=_stderr_is_terminal())
    start = time.perf_counter()
    try:
        # overflow warnings would only precede the divergence error below
        with np.errstate(over="ignore", invalid="ignore"), \
                warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            est.fit(X, y)
        for w in caught:
            if "interrupted" in str(w.message):
                # Ctrl-C: the estimator keeps the weights so far; the command writes nothing
                raise RunError(f"interrupted after {getattr(est, 'n_iter_', '?')} "
                               "iterations; nothing was written")
            _show_warning(w.message, w.category, w.filename, w.lineno)
    except NonFiniteWeightsError:
        rate = params.get("learning_rate")
        raise RunError(
            f"training diverged: the weights are no longer finite; try a smaller "
            f"--learning-rate (now {rate}) or check that the features are scaled"
        ) from None
    except ValueError as exc:
        raise InputError(f"cannot train on this data: {_one_line(exc)}") from None
    finally:
        elapsed = time.perf_counter() - start
        if restore:
            est.set_params(**restore)
    return elapsed


def _stderr_is_terminal() -> bool:
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


def _accuracy(est, data: Dataset) -> float:
    y_true = np.asarray(est.classes_)[data.y]
    return float(np.mean(est.predict(data.X) == y_true))


def _check_classes(train: Dataset, source: str) -> None:
    present = np.unique(train.y)
    if present.size < 2:
        only = train.class_names[int(present[0])] if present.size else "none"
        raise InputError(
            f"{source}: the training data has only one class ('{only}'); "
            "a classifier needs examples of at least two classes"
        )


def _build_estimator(hidden, options: dict[str, Any]):
    LogisticRegression, NeuralNetworkClassifier = _estimators()
    cls = LogisticRegression if hidden is None else NeuralNetworkClassifier
    vocabulary = cls().get_params()
    kwargs: dict[str, Any] = {}
    if hidden is not None:
        kwargs["hidden_layer_sizes"] = hidden
    for flag, (key, value) in options.items():
        if value is None:
            continue
        if key not in vocabulary:
            if hidden is None:
                raise click.UsageError(
                    f"{flag} applies to a network; add --hidden (e.g. --hidden 7) or drop {flag}"
                )
            raise click.UsageError(f"{flag} is not supported by {cls.__name__}")
        kwargs[key] = value
    return cls(**kwargs)


def _solver_names() -> list[str]:
    try:
        from .optimizers import OPTIMIZERS
    except ImportError:  # an estimator without solvers: --solver is refused by name
        return ["gd"]
    return list(OPTIMIZERS)


def _dataset_label(spec: str) -> str:
    return spec if spec in BUILTIN_DATASETS else str(Path(spec))


# --------------------------------------------------------------------------- the group


@click.group(
    context_settings=_CONTEXT,
    epilog=(
        "Examples:\n\n"
        "\b\n"
        "  nnscratch demo\n"
        "  nnscratch train data/train_catvnoncat.h5 --hidden 20,7,5 --init lecun \\\n"
        "      --learning-rate 0.0075 --iterations 2500 --seed 1 \\\n"
        "      --test data/test_catvnoncat.h5 --output cat.npz\n"
        "  nnscratch evaluate cat.npz data/test_catvnoncat.h5\n"
        "  nnscratch predict cat.npz my_cat.jpg\n"
        "  nnscratch plot cat.npz --output costs.png\n\n"
        "Exit codes: 0 success, 1 failure while running, 2 bad usage or bad input."
    ),
)
@click.version_option(__version__, "--version", prog_name=PROG)
def cli() -> None:
    """Neural-network classifiers from scratch: train, evaluate, predict, plot.

    DATA is a course-style HDF5 file (.h5), a folder with one sub-folder of pictures
    per class, a CSV file with a header, or a built-in set: flower, moons, circles,
    breast-cancer, digits. Run 'nnscratch COMMAND --help' for each command.
    """


def _EXIT_CODES_AFTER(examples: str) -> str:
    return examples + "\n\nExit codes: 0 success, 1 failure while running, 2 bad usage or bad input."




@cli.command(
    epilog=_EXIT_CODES_AFTER(
        "Examples:\n\n"
        "\b\n"
        "  # logistic regression, the seeds' first model\n"
        "  nnscratch train train_catvnoncat.h5 --learning-rate 0.005 --iterations 2000 \\\n"
        "      --test test_catvnoncat.h5 --output lr.npz\n"
        "  # the course's deep network (test accuracy 80 %)\n"
        "  nnscratch train train_catvnoncat.h5 --hidden 20,7,5 --init lecun \\\n"
        "      --learning-rate 0.0075 --iterations 2500 --seed 1 \\\n"
        "      --test test_catvnoncat.h5 --output deep.npz\n"
        "  # a CSV file, labels in the column 'species'\n"
        "  nnscratch train flowers.csv --label-column species --hidden 8 --output f.npz\n"
        "  # a built-in set (a fixed 25 % test split is held out)\n"
        "  nnscratch train flower --hidden 4 --activation tanh --init small \\\n"
        "      --learning-rate 1.2 --iterations 10000 --output flower.npz"
    ),
)
@click.argument("data", metavar="DATA")
@click.option("--output", "-o", "output", required=True, type=click.Path(dir_okay=False),
              help="Model file to write (.npz); written atomically.")
@click.option("--hidden", metavar="SIZES",
              help="Hidden layer sizes, e.g. 20,7,5 (a network). Without it: logistic "
                   "regression.")
@click.option("--activation", type=click.Choice(["relu", "tanh", "sigmoid", "leaky_relu"]),
              help="Hidden-layer activation (network only; default: the network's default).")
@click.option("--init", type=click.Choice(["zeros", "small", "lecun", "he", "glorot"]),
              help="Weight initialisation (network only): small = N(0,1)*0.01, "
                   "lecun = N(0,1)/sqrt(fan_in), ...")
@click.option("--learning-rate", type=click.FloatRange(min=0, min_open=True), metavar="RATE",
              help="Gradient-descent step size, > 0 (default: 0.005 for logistic "
                   "regression, the network's default otherwise).")
@click.option("--iterations", type=click.IntRange(min=1), metavar="N",
              help="Gradient-descent iterations (default: the model's default, e.g. 2000 "
                   "for logistic regression).")
@click.option("--seed", type=click.IntRange(min=0, max=2**32 - 1), default=1, show_default=True,
              help="Random seed of the initial weights, drawn as after np.random.seed(SEED).")
@click.option("--image-size", default=64, show_default=True, type=click.IntRange(1, 1024),
              help="Pictures are resized to SIZE x SIZE RGB (pictures already that size "
                   "keep their pixels).")
@click.option("--label-column", metavar="NAME",
              help="CSV only: the column holding the labels (default: the last column).")
@click.option("--test", "test_data", metavar="DATA",
              help="Test data, prepared like the training data; its accuracy is printed. "
                   "Built-in sets hold out 25 % when --test is not given.")
@click.option("--cost-every", type=click.IntRange(min=1), metavar="N",
              help="Record the cost every N iterations (default 100, as in the seeds).")
@click.option("--solver", type=click.Choice(_solver_names()),
              help="Update rule (default gd: the seeds' gradient descent).")
@click.option("--batch-size", type=click.IntRange(min=1), metavar="N",
              help="Mini-batches of N examples (default: full batch, as in the seeds).")
@click.option("--alpha", type=click.FloatRange(min=0), metavar="A",
              help="L2 regularisation strength (default 0).")
@click.option("--dropout", type=click.FloatRange(min=0, max=1, max_open=True), metavar="RATE",
              help="Dropout rate of the hidden layers (network only; default 0).")
@click.option("--early-stopping", is_flag=True, default=None,
              help="Hold out 10 % of the training data, stop when its accuracy stops "
                   "improving, keep the best weights.")
@click.option("--class-weight", type=click.Choice(["balanced"]),
              help="Weigh the classes inversely to their frequencies.")
@click.option("--json", "as_json", is_flag=True,
              help="Print the result as one JSON object on stdout.")
def train(data, output, hidden, activation, init, learning_rate, iterations, seed,
          image_size, label_column, test_data, cost_every, solver, batch_size, alpha,
          dropout, early_stopping, class_weight, as_json):
    """Train a classifier on DATA and save it to a model file.

    DATA is a .h5/.hdf5 file in the course's layout (*_set_x, *_set_y, list_classes),
    a folder with one sub-folder of pictures per class (PNG, JPEG, ...), a .csv file
    with a header, or a built-in set: flower, moons, circles, breast-cancer, digits.

    Without --hidden it trains logistic regression (one sigmoid neuron, zero
    initialisation), the seeds' first model; with --hidden a deep network with those
    hidden layers and a sigmoid output. A progress bar (on stderr, when it is a
    terminal) shows the iteration, the cost and the time left. At the end it prints the
    train accuracy and, with test data, the test accuracy.

    Pictures are flattened and divided by 255; CSV columns are standardised with the
    training set's mean and standard deviation. This preprocessing is stored in the
    model file, so 'nnscratch predict' works on raw pictures and raw CSV rows.
    """
    output_path = Path(output)
    _check_output_path(output_path)
    sizes = _parse_hidden(hidden)
    est = _build_estimator(sizes, {
        "--activation": ("activation", activation),
        "--init": ("init", init),
        "--learning-rate": ("learning_rate", learning_rate),
        "--iterations": ("max_iter", iterations),
        "--seed": ("random_state", seed),
        "--cost-every": ("cost_every", cost_every),
        "--solver": ("solver", solver),
        "--batch-size": ("batch_size", batch_size),
        "--alpha": ("alpha", alpha),
        "--dropout": ("dropout", dropout),
        "--early-stopping": ("early_stopping", early_stopping),
        "--class-weight": ("class_weight", class_weight),
    })
    train_set, test_set = load_train_test(
        data, test_data, image_size=image_size, label_column=label_column
    )
    _check_classes(train_set, data)
    _say(f"training {_describe(est)} on {train_set.n_samples} samples, "
         f"{train_set.n_features} features ({_dataset_label(data)})")
    seconds = _fit(est, train_set.X, train_set.y)
    result = _train_result(est, train_set, test_set, seconds)
    training = {
        "data": _dataset_label(data),
        "test_data": None if test_data is None else _dataset_label(test_data),
        "n_samples": train_set.n_samples,
        "seconds": round(seconds, 3),
        "train_accuracy": result["train_accuracy"],
        "test_accuracy": result["test_accuracy"],
    }
    save(
        est,
        output_path,
        preprocessor=train_set.preprocessor,
        class_names=[train_set.class_names[int(c)] for c in est.classes_],
        training=training,
    )
    result["model"] = str(output_path)
    if as_json:
        _emit_json(result)
    else:
        click.echo(f"train accuracy: {100 * result['train_accuracy']:.2f} %")
        if result["test_accuracy"] is not None:
            click.echo(f"test accuracy:  {100 * result['test_accuracy']:.2f} %")
        final = result["final_cost"]
        click.echo(f"final cost:     {final:.6f}" if final is not None else "final cost: -")
        click.echo(f"time:           {seconds:.2f} s")
    _say(f"saved the model to {output_path}")


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


# --------------------------------------------------------------------------- evaluate


@cli.command(
    epilog=_EXIT_CODES_AFTER(
        "Examples:\n\n"
        "\b\n"
        "  nnscratch evaluate cat.npz test_catvnoncat.h5\n"
        "  nnscratch evaluate cat.npz pictures/test --json\n"
        "  nnscratch evaluate iris.npz iris_test.csv --label-column species"
    ),
)
@click.argument("model", type=click.Path(dir_okay=False))
@click.argument("data", metavar="DATA")
@click.option("--label-column", metavar="NAME",
              help="CSV only: the column holding the labels (default: the last column).")
@click.option("--json", "as_json", is_flag=True,
              help="Print one JSON object with the keys accuracy, precision, recall, f1, "
                   "log_loss, confusion_matrix, n_samples (and classes, positive_class, "
                   "average).")
def evaluate(model, data, label_column, as_json):
    """Score MODEL on labelled DATA (a .h5 file, a picture folder, a .csv file or a
    built-in set, as for 'nnscratch train').

    Prints accuracy, precision, recall, F1 (of the positive class, the second class, for
    two classes; macro-averaged for more), the log-loss and the confusion matrix (rows:
    true class, columns: predicted class). DATA is prepared with the model's stored
    preprocessing. For a built-in set that the model was trained on, the held-out test
    part is used.
    """
    from sklearn import metrics

    bundle = _load_model(model)
    est = bundle.estimator
    dataset = _data_for_model(bundle, data, label_column)
    names = _class_names(bundle)
    classes = np.asarray(est.classes_)
    y_true = classes[dataset.y]
    y_pred = est.predict(dataset.X)
    proba = est.predict_proba(dataset.X)
    binary = len(classes) == 2
    kwargs = {"pos_label": classes[1], "average": "binary"} if binary else {"average": "macro"}
    kwargs["zero_division"] = 0
    result = {
        "accuracy": float(metrics.accuracy_score(y_true, y_pred)),
        "precision": float(metrics.precision_score(y_true, y_pred, **kwargs)),
        "recall": float(metrics.recall_score(y_true, y_pred, **kwargs)),
        "f1": float(metrics.f1_score(y_true, y_pred, **kwargs)),
        "log_loss": float(metrics.log_loss(y_true, proba, labels=classes)),
        "confusion_matrix": metrics.confusion_matrix(y_true, y_pred, labels=classes).tolist(),
        "n_samples": dataset.n_samples,
        "classes": names,
        "positive_class": names[1] if binary else None,
        "average": "binary" if binary else "macro",
    }
    if as_json:
        _emit_json(result)
        return
    click.echo(f"samples:    {result['n_samples']}")
    click.echo(f"accuracy:   {100 * result['accuracy']:.2f} %")
    which = f"positive class '{names[1]}'" if binary else "macro average"
    click.echo(f"precision:  {result['precision']:.4f}  ({which})")
    click.echo(f"recall:     {result['recall']:.4f}")
    click.echo(f"f1:         {result['f1']:.4f}")
    click.echo(f"log-loss:   {result['log_loss']:.4f}")
    click.echo("confusion matrix (rows: true, columns: predicted):")
    width = max(max(len(n) for n in names), 6)
    click.echo(" " * (width + 2) + "  ".join(f"{n:>{width}}" for n in names))
    for name, row in zip(names, result["confusion_matrix"]):
        click.echo(f"{name:>{width}}  " + "  ".join(f"{v:>{width}}" for v in row))


# --------------------------------------------------------------------------- predict


@cli.command(
    epilog=_EXIT_CODES_AFTER(
        "Examples:\n\n"
        "\b\n"
        "  nnscratch predict cat.npz my_cat.jpg other.png\n"
        "  nnscratch predict cat.npz photos/ --json\n"
        "  nnscratch predict iris.npz new_rows.csv"
    ),
)
@click.argument("model", type=click.Path(dir_okay=False))
@click.argument("inputs", metavar="INPUT...", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True,
              help='Print a JSON list: {"input", "label", "probability", "probabilities"} '
                   'per input (or {"input", "error"} for one that cannot be read).')
def predict(model, inputs, as_json):
    """Predict the class of each INPUT with MODEL.

    For a model trained on pictures, each INPUT is a picture (PNG, JPEG, ... of any size;
    grayscale, RGBA and palette pictures are converted to RGB and resized like the
    training pictures). For a model trained on a table, each INPUT is a CSV file with a
    header holding the model's feature columns (the label column may be absent); every
    row gets a prediction. A folder stands for the pictures (or CSV files) directly
    inside it.

    An INPUT that cannot be read gets a one-line message on stderr (and an "error" entry
    with --json); the other inputs are still predicted, and the exit code is 2.
    """
    bundle = _load_model(model)
    est = bundle.estimator
    prep = bundle.preprocessor
    if prep is None:
        raise InputError(
            "this model file has no preprocessing (saved from Python without "
            "preprocessor=...); predict with it from Python instead"
        )
    names = _class_names(bundle)
    results: list[dict] = []
    pending: list[tuple[int, np.ndarray]] = []  # (result index, raw rows)
    failed = 0
    for item in _expand_folders(inputs, prep.kind):
        try:
            if prep.kind == "image":
                if Path(item).suffix.lower() == ".csv":
                    raise DatasetError(f"{item}: is a table, but the model takes pictures")
                raw = read_image(item, prep.size)[None]
                row_names = [item]
            else:
                if Path(item).suffix.lower() in IMAGE_EXTENSIONS:
                    raise DatasetError(f"{item}: is a picture, but the model takes CSV rows")
                raw, row_names = read_csv_features(item, prep)
        except DatasetError as exc:
            failed += 1
            _say(f"{PROG}: error: {exc}")
            results.append({"input": item, "error": str(exc)})
            continue
        for k, row_name in enumerate(row_names):
            results.append({"input": row_name})
            pending.append((len(results) - 1, raw[k]))
    if pending:
        raw_all = np.stack([r for _, r in pending])
        X = prep.transform(raw_all)
        proba = est.predict_proba(X)
        labels = est.predict(X)
        codes = _codes_of(est, labels)
        for (i, _), code, p in zip(pending, codes, proba):
            results[i].update({
                "label": names[code],
                "probability": float(p[code]),
                "probabilities": {n: float(v) for n, v in zip(names, p)},
            })
    if as_json:
        _emit_json(results)
    else:
        ok = [r for r in results if "error" not in r]
        if ok:
            width = max(len("input"), *(len(r["input"]) for r in ok))
            click.echo(f"{'input':<{width}}  {'label':<12}  probability")
            for r in ok:
                click.echo(f"{r['input']:<{width}}  {r['label']:<12}  {r['probability']:.4f}")
    if failed:
        raise click.exceptions.Exit(2)


def _expand_folders(inputs: Sequence[str], kind: str) -> list[str]:
    """A folder given to ``predict`` stands for its pictures (or CSV files), sorted."""
    suffixes = IMAGE_EXTENSIONS if kind == "image" else (".csv",)
    out: list[str] = []
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            found = sorted(
                str(p) for p in path.iterdir()
                if p.is_file() and not p.name.startswith(".") and p.suffix.lower() in suffixes
            )
            out.extend(found or [item])  # an empty folder is reported as an error
        else:
            out.append(item)
    return out


# --------------------------------------------------------------------------- plot


@cli.command(
    epilog=_EXIT_CODES_AFTER(
        "Examples:\n\n"
        "\b\n"
        "  nnscratch plot cat.npz --output costs.png\n"
        "  nnscratch plot cat.npz --kind mislabeled --data test_catvnoncat.h5 "
        "--output wrong.png\n"
        "  nnscratch plot flower.npz --kind boundary --output boundary.png"
    ),
)
@click.argument("model", type=click.Path(dir_okay=False))
@click.option("--output", "-o", required=True, type=click.Path(dir_okay=False),
              help="The PNG picture to write (name ending in .png); written atomically.")
@click.option("--kind", type=click.Choice(["costs", "boundary", "mislabeled"]),
              default="costs", show_default=True,
              help="costs: the cost curve (per hundred iterations, as in the seeds); "
                   "boundary: the predicted regions of a 2-D model with the data points; "
                   "mislabeled: a grid of the pictures the model gets wrong.")
@click.option("--data", metavar="DATA",
              help="Labelled data for --kind boundary / mislabeled (a model trained on a "
                   "built-in set uses that set by default).")
@click.option("--label-column", metavar="NAME",
              help="CSV only: the column holding the labels (default: the last column).")
def plot(model, output, kind, data, label_column):
    """Draw a picture of MODEL into a PNG file.

    --kind costs draws the cost recorded every cost_every iterations (the x axis counts
    hundreds of iterations, as in the seeds). --kind boundary colours the regions a model
    trained on 2-D data predicts and draws the DATA points on top. --kind mislabeled
    shows up to 20 pictures of DATA that the model gets wrong, with their true and
    predicted labels.
    """
    from .plotting import plot_costs, plot_decision_boundary, plot_mislabeled, save_png

    output_path = Path(output)
    if output_path.suffix.lower() != ".png":
        raise click.BadParameter("the picture is a PNG; give a name ending in .png",
                                 param_hint="--output")
    _check_output_path(output_path)
    bundle = _load_model(model)
    est = bundle.estimator
    title = f"{_describe(est)}, learning rate {est.get_params().get('learning_rate')}"
    if kind == "costs":
        if not est.costs_:
            raise InputError("this model has no recorded cost history to plot")
        every = int(est.get_params().get("cost_every", 100) or 100)
        fig = plot_costs(est.costs_, every, title=title)
    else:
        if data is None:
            source = bundle.training.get("data")
            if kind == "boundary" and isinstance(source, str) and source in BUILTIN_DATASETS:
                data = source
            else:
                raise click.UsageError(f"--kind {kind} needs --data DATA (labelled data)")
        dataset = _data_for_model(bundle, data, label_column)
        names = _class_names(bundle)
        if kind == "boundary":
            if dataset.kind != "tabular" or dataset.n_features != 2:
                raise InputError(
                    f"a decision boundary needs a model trained on 2-D data; this one takes "
                    f"{est.n_features_in_} features (use --kind costs or mislabeled)"
                )
            prep = bundle.preprocessor

            def predict_codes(points):
                return _codes_of(est, est.predict(prep.transform(points)))

            fig = plot_decision_boundary(predict_codes, dataset.raw, dataset.y, names,
                                         title=title)
        else:
            if dataset.kind != "image":
                raise InputError(
                    "--kind mislabeled shows pictures; this model was trained on a table "
                    "(use --kind costs or boundary)"
                )
            pred = _codes_of(est, est.predict(dataset.X))
            fig = plot_mislabeled(dataset.raw, dataset.y, pred, names, names=dataset.names,
                                  title=f"Mislabeled by {_describe(est)}")
    save_png(fig, output_path)
    _say(f"wrote {output_path}")


# --------------------------------------------------------------------------- summary


def summarize(bundle: SavedModel) -> dict:
    """The facts ``nnscratch summary`` prints, as plain data."""
    est = bundle.estimator
    layers = _layer_table(est)
    params = {k: v for k, v in bundle.settings.get("hyperparameters", {}).items()}
    return {
        "model_type": type(est).__name__,
        "n_features_in": int(est.n_features_in_),
        "layers": layers,
        "n_parameters": int(sum(row["n_parameters"] for row in layers)),
        "hyperparameters": params,
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


def _settings_line(bundle: SavedModel, hyper: dict) -> str:
    """The main settings, then only those that differ from the estimator's defaults."""
    defaults = type(bundle.estimator)().get_params()

    def same(key, value):
        default = defaults.get(key)
        if isinstance(default, tuple):
            default = list(default)
        return value == default

    keys = [k for k in _KEY_SETTINGS if k in hyper]
    keys += sorted(k for k in hyper if k not in _KEY_SETTINGS and not same(k, hyper[k]))
    text = ", ".join(f"{k}={hyper[k]}" for k in keys)
    return text + " (others at their defaults; --json lists all)"


def _prep_summary(bundle: SavedModel) -> dict:
    prep = bundle.preprocessor
    if prep.kind == "image":
        return {"kind": "image", "size": prep.size,
                "steps": f"RGB, resize to {prep.size}x{prep.size}, flatten, divide by 255"}
    return {"kind": "tabular", "columns": list(prep.columns),
            "steps": "standardise with the training set's mean and standard deviation"}


@cli.command(
    epilog=_EXIT_CODES_AFTER(
        "Examples:\n\n"
        "\b\n"
        "  nnscratch summary cat.npz\n"
        "  nnscratch summary cat.npz --json"
    ),
)
@click.argument("model", type=click.Path(dir_okay=False))
@click.option("--json", "as_json", is_flag=True,
              help="Print one JSON object (keys model_type, layers, n_parameters, "
                   "hyperparameters, classes, final_cost, preprocessing, training, ...).")
def summary(model, as_json):
    """Describe MODEL: layers, shapes of every W and b, parameter count, activations,
    training settings, classes, final cost."""
    bundle = _load_model(model)
    info = summarize(bundle)
    if as_json:
        _emit_json(info)
        return
    click.echo(f"model:        {info['model_type']} (file format {info['format_version']}, "
               f"nnscratch {info['library_version']})")
    click.echo(f"inputs:       {info['n_features_in']} features")
    if info["preprocessing"]:
        click.echo(f"preprocessing: {info['preprocessing']['steps']}")
    click.echo(f"classes:      {', '.join(info['classes'])}")
    click.echo("layers:")
    click.echo(f"  {'layer':>5}  {'units':>5}  {'activation':<10}  {'W shape':<14}  "
               f"{'b shape':<10}  {'parameters':>10}")
    for row in info["layers"]:
        w = "(" + ", ".join(map(str, row["W_shape"])) + ")"
        b = "(" + ", ".join(map(str, row["b_shape"])) + ")"
        click.echo(f"  {row['layer']:>5}  {row['units']:>5}  {row['activation']:<10}  "
                   f"{w:<14}  {b:<10}  {row['n_parameters']:>10}")
    click.echo(f"parameters:   {info['n_parameters']}")
    click.echo(f"settings:     {_settings_line(bundle, info['hyperparameters'])}")
    click.echo(f"iterations:   {info['n_iter']}")
    if info["final_cost"] is not None:
        click.echo(f"final cost:   {info['final_cost']:.6f}")
    t = info["training"]
    if t:
        bits = [f"data {t.get('data')}"]
        for key, label in (("train_accuracy", "train"), ("test_accuracy", "test")):
            if isinstance(t.get(key), (int, float)):
                bits.append(f"{label} accuracy {100 * t[key]:.2f} %")
        if isinstance(t.get("seconds"), (int, float)):
            bits.append(f"{t['seconds']:.2f} s")
        click.echo(f"training:     {', '.join(bits)}")


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


def _demo_data(spec: str | None, image_size: int = 64) -> tuple[str, Dataset, Dataset]:
    if spec is None:
        spec = "flower"
    path = Path(spec)
    if spec in BUILTIN_DATASETS and not path.exists():
        if spec not in ("flower", "moons", "circles"):
            raise click.BadParameter(
                f"the demo runs on a 2-D built-in set (flower, moons, circles) or a folder "
                f"with train/test data, not '{spec}'", param_hint="--data")
        train, test = load_train_test(spec)
        return spec, train, test
    if not path.is_dir():
        raise click.BadParameter(
            f"'{spec}' is not a folder; give a folder holding train*.h5 and test*.h5 "
            "(like ../shared/data/catvnoncat) or train/ and test/ picture folders, or "
            "a built-in 2-D set (flower, moons, circles)", param_hint="--data")
    h5 = [p for p in path.iterdir() if p.suffix.lower() in (".h5", ".hdf5")]
    trains = sorted(p for p in h5 if "train" in p.name.lower())
    tests = sorted(p for p in h5 if "test" in p.name.lower())
    if len(trains) == 1 and len(tests) == 1:
        train_spec, test_spec = trains[0], tests[0]
    elif (path / "train").is_dir() and (path / "test").is_dir():
        train_spec, test_spec = path / "train", path / "test"
    else:
        raise click.BadParameter(
            f"'{spec}' holds neither one train*.h5 and one test*.h5 file nor train/ and "
            "test/ picture folders", param_hint="--data")
    train, test = load_train_test(str(train_spec), str(test_spec), image_size=image_size)
    return str(path), train, test


@cli.command(
    epilog=_EXIT_CODES_AFTER(
        "Examples:\n\n"
        "\b\n"
        "  nnscratch demo                        # the built-in flower data\n"
        "  nnscratch demo --data ../shared/data/catvnoncat --output-dir cat-demo\n"
        "  nnscratch demo --data moons --json"
    ),
)
@click.option("--data", metavar="DIR|NAME",
              help="A folder holding train*.h5 and test*.h5 (e.g. the course's "
                   "catvnoncat files) or train/ and test/ picture folders; or a 2-D "
                   "built-in set (flower, moons, circles). Default: flower.")
@click.option("--output-dir", default="nnscratch-demo", show_default=True,
              type=click.Path(file_okay=False),
              help="Folder for the pictures and the three model files (created if needed).")
@click.option("--image-size", default=64, show_default=True, type=click.IntRange(1, 1024),
              help="Pictures are resized to SIZE x SIZE RGB (pictures already that size "
                   "keep their pixels).")
@click.option("--json", "as_json", is_flag=True,
              help="Print the results table as one JSON object on stdout.")
def demo(data, output_dir, image_size, as_json):
    """Train the seeds' three models and compare them: the main job.

    Trains logistic regression, a network with one hidden layer and a deep network
    (20, 7, 5) on the same data, prints a table of train and test accuracy and training
    time, and writes into --output-dir: costs.png (the three cost curves), boundary.png
    (2-D data: the three decision boundaries) or mislabeled.png (pictures: the test
    pictures the deep network gets wrong), and the three model files (.npz) for
    'nnscratch predict'.

    On the built-in flower set (the course's planar data; 25 % held out for testing) it
    uses settings that suit it (tanh hidden units, learning rate 1.2 as in the course).
    Given the course's cat files it uses the course's settings and reproduces its
    results: 99.04/70 %, 100/72 % and 98.56/80 % train/test accuracy.
    """
    from .plotting import plot_cost_curves, plot_decision_boundaries, plot_mislabeled, save_png

    out = Path(output_dir)
    if out.exists() and not out.is_dir():
        raise click.BadParameter(f"'{out}' is a file, not a folder", param_hint="--output-dir")
    label, train_set, test_set = _demo_data(data, image_size)
    _check_classes(train_set, label)
    out.mkdir(parents=True, exist_ok=True)
    _say(f"demo on {label}: {train_set.n_samples} training and {test_set.n_samples} test "
         f"samples, {train_set.n_features} features")
    rows = []
    fitted = []
    for stem, title, est in _demo_models(train_set.kind):
        _say(f"training {title}")
        seconds = _fit(est, train_set.X, train_set.y)
        result = _train_result(est, train_set, test_set, seconds)
        model_path = out / f"{stem}.npz"
        save(est, model_path, preprocessor=train_set.preprocessor,
             class_names=[train_set.class_names[int(c)] for c in est.classes_],
             training={"data": label if label in BUILTIN_DATASETS else str(label),
                       "n_samples": train_set.n_samples, "seconds": round(seconds, 3),
                       "train_accuracy": result["train_accuracy"],
                       "test_accuracy": result["test_accuracy"]})
        rows.append({"model": title, "file": str(model_path), **result})
        fitted.append((title, est))
        _say(f"  {title}: train {100 * result['train_accuracy']:.2f} %, "
             f"test {100 * result['test_accuracy']:.2f} %, {seconds:.2f} s")
    pictures = {}
    curves = {title: (est.costs_, int(est.get_params().get("cost_every", 100) or 100))
              for title, est in fitted}
    pictures["costs"] = out / "costs.png"
    save_png(plot_cost_curves(curves, title=f"Cost curves on {Path(label).name}"),
             pictures["costs"])
    names = train_set.class_names
    if train_set.kind == "tabular" and train_set.n_features == 2:
        prep = train_set.preprocessor

        def predictor(est):
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
    elif train_set.kind == "image":
        title, est = fitted[-1]
        pred = _codes_of(est, est.predict(test_set.X))
        pictures["mislabeled"] = out / "mislabeled.png"
        save_png(plot_mislabeled(test_set.raw, test_set.y, pred, names, names=test_set.names,
                                 title=f"Test pictures mislabeled by the {title} network"),
                 pictures["mislabeled"])
    if as_json:
        _emit_json({"data": label, "n_train": train_set.n_samples,
                    "n_test": test_set.n_samples, "models": rows,
                    "pictures": {k: str(v) for k, v in pictures.items()}})
    else:
        width = max(len(r["model"]) for r in rows)
        click.echo(f"{'model':<{width}}  {'train acc':>9}  {'test acc':>9}  {'time':>8}")
        for r in rows:
            click.echo(f"{r['model']:<{width}}  {100 * r['train_accuracy']:>8.2f}%  "
                       f"{100 * r['test_accuracy']:>8.2f}%  {r['seconds']:>7.2f}s")
    _say("wrote " + ", ".join(str(p) for p in pictures.values())
         + f" and the model files in {out}")


# --------------------------------------------------------------------------- entry point


def _show_warning(message, category, filename, lineno, file=None, line=None):
    text = " ".join(str(message).split())
    sys.stderr.write(f"{PROG}: warning: {text}\n")


def run(argv: Sequence[str] | None = None) -> int:
    """Run the command line ``argv`` (default ``sys.argv[1:]``); returns the exit code.

    Never raises (except SystemExit from nothing): every error becomes one line on
    stderr and exit code 1 (failure while running) or 2 (bad usage or bad input).
    """
    old_showwarning = warnings.showwarning
    warnings.showwarning = _show_warning
    try:
        rv = cli.main(args=list(argv) if argv is not None else None, prog_name=PROG,
                      standalone_mode=False)
        return rv if isinstance(rv, int) else 0
    except click.exceptions.NoArgsIsHelpError as exc:
        click.echo(exc.ctx.get_help() if exc.ctx else "", err=True)
        return 2
    except click.UsageError as exc:
        hint = f" (see '{exc.ctx.command_path} --help')" if exc.ctx is not None else ""
        _error(f"{exc.format_message()}{hint}")
        return 2
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.exceptions.Abort:
        _error("interrupted")
        return 1
    except click.ClickException as exc:
        _error(exc.format_message())
        return exc.exit_code if exc.exit_code in (1, 2) else 1
    except (DatasetError, ModelFileError) as exc:
        _error(str(exc))
        return 2
    except KeyboardInterrupt:
        _error("interrupted")
        return 1
    except BrokenPipeError:
        return 1
    except MemoryError:
        _error("out of memory; use smaller data, a smaller --image-size or fewer units")
        return 1
    except Exception as exc:  # noqa: BLE001 - the last resort: one line, exit 1
        _error(f"unexpected failure ({type(exc).__name__}: {_one_line(exc)}); "
               "please report it with the command you ran")
        return 1
    finally:
        warnings.showwarning = old_showwarning


def _error(message: str) -> None:
    text = " ".join(str(message).split())
    try:
        sys.stderr.write(f"{PROG}: error: {text}\n")
        sys.stderr.flush()
    except (OSError, ValueError):
        pass


def main(argv: Sequence[str] | None = None) -> None:
    """The console script ``nnscratch``: exits with :func:`run`'s code."""
    code = run(argv)
    try:
        sys.stdout.flush()
    except (BrokenPipeError, OSError, ValueError):
        code = code or 1
    sys.exit(code)


# --------------------------------------------------------------------------- search
# One self-contained block: the work is in nnscratch.search (no click there).


@cli.command(
    epilog=_EXIT_CODES_AFTER(
        "Examples:\n\n"
        "\b\n"
        "  # 8 candidates x 3 folds on the local cores\n"
        "  nnscratch search train_catvnoncat.h5 --param 'hidden=7;20,7,5' \\\n"
        "      --param 'learning_rate=0.0075;0.01' --param 'iterations=1000;2500' \\\n"
        "      --init lecun --cv 3 --output best.npz\n"
        "  # the same on a Dask cluster, 20 random candidates, JSON on stdout\n"
        "  nnscratch search train_catvnoncat.h5 --param 'hidden=7;20,7,5;16,8' \\\n"
        "      --param 'alpha=0;0.1;1' --param 'learning_rate=0.001;0.0075;0.01' \\\n"
        "      --random 20 --scheduler tcp://10.0.0.5:8786 --json --output best.npz"
    ),
)
@click.argument("data", metavar="DATA")
@click.option("--param", "params", multiple=True, required=True, metavar="NAME=V1;V2",
              help="A searched parameter and its values, separated by ';' (a layer list by "
                   "','), e.g. 'hidden=8;16,8'. Names: hidden, learning_rate, iterations, "
                   "batch_size, alpha, dropout, activation, init, solver, seed, class_weight. "
                   "Repeat for each parameter.")
@click.option("--cv", default=5, show_default=True, type=click.IntRange(min=2),
              help="Stratified cross-validation folds.")
@click.option("--random", "n_random", type=click.IntRange(min=1), metavar="N",
              help="Random search: N candidates drawn from the values (seeded by --seed). "
                   "Default: every combination (grid search).")
@click.option("--scheduler", metavar="ADDRESS",
              help="Run the fits on the Dask cluster at ADDRESS (e.g. tcp://127.0.0.1:8786; "
                   "needs pip install 'nnscratch[dask]'). Default: the local cores.")
@click.option("--n-jobs", default=-1, show_default=True, type=int,
              help="Local parallel fits (-1: every core); ignored with --scheduler.")
@click.option("--output", "-o", "output", type=click.Path(dir_okay=False),
              help="Save the best candidate, refitted on all DATA, to this model file; its "
                   "results CSV and score plot go beside it (NAME.csv, NAME.png) unless "
                   "--results / --plot say otherwise.")
@click.option("--results", "results_path", type=click.Path(dir_okay=False),
              help="The results CSV, rewritten (atomically) as candidates finish.")
@click.option("--plot", "plot_path", type=click.Path(dir_okay=False),
              help="PNG of the mean score against each searched parameter.")
@click.option("--hidden", metavar="SIZES",
              help="Fixed hidden layer sizes (a network) when 'hidden' is not searched.")
@click.option("--activation", type=click.Choice(["relu", "tanh", "sigmoid", "leaky_relu"]),
              help="Fixed hidden-layer activation (network only).")
@click.option("--init", type=click.Choice(["zeros", "small", "lecun", "he", "glorot"]),
              help="Fixed weight initialisation (network only).")
@click.option("--learning-rate", type=click.FloatRange(min=0, min_open=True), metavar="RATE",
              help="Fixed learning rate.")
@click.option("--iterations", type=click.IntRange(min=1), metavar="N",
              help="Fixed number of iterations (epochs).")
@click.option("--seed", type=click.IntRange(min=0, max=2**32 - 1), default=1,
              show_default=True, help="Random seed of every candidate's weights (and of "
                                      "--random's draw).")
@click.option("--image-size", default=64, show_default=True, type=click.IntRange(1, 1024),
              help="Pictures are resized to SIZE x SIZE RGB.")
@click.option("--label-column", metavar="NAME",
              help="CSV only: the column holding the labels (default: the last column).")
@click.option("--solver", type=click.Choice(_solver_names()), help="Fixed update rule.")
@click.option("--batch-size", type=click.IntRange(min=1), metavar="N",
              help="Fixed mini-batch size (default: full batch).")
@click.option("--alpha", type=click.FloatRange(min=0), metavar="A",
              help="Fixed L2 regularisation strength.")
@click.option("--dropout", type=click.FloatRange(min=0, max=1, max_open=True), metavar="RATE",
              help="Fixed dropout rate (network only).")
@click.option("--early-stopping", is_flag=True, default=None,
              help="Every candidate stops early on 10 % of its training folds.")
@click.option("--class-weight", type=click.Choice(["balanced"]),
              help="Weigh the classes inversely to their frequencies.")
@click.option("--json", "as_json", is_flag=True,
              help='Print only {"best_params", "best_score", "candidates": [{"params", '
                   '"mean_score", "std_score", "fit_time"}]}.')
def search(data, params, cv, n_random, scheduler, n_jobs, output, results_path, plot_path,
           hidden, activation, init, learning_rate, iterations, seed, image_size,
           label_column, solver, batch_size, alpha, dropout, early_stopping, class_weight,
           as_json):
    """Search hyper-parameters of a classifier on DATA with cross-validation.

    Every combination of the --param values (or --random N of them) is a candidate,
    scored by its mean accuracy over --cv stratified folds; every other option is fixed
    for all candidates. The fits run on the local cores, or on a Dask cluster with
    --scheduler (a worker that dies stops the search with one line). Prints a table
    of the candidates (mean and spread of the scores, fit time); the results CSV is
    rewritten as candidates finish, so a search that cannot finish keeps them. The best
    candidate is refitted on all DATA and saved with --output.
    """
    from .plotting import save_png
    from .search import (
        MissingExtraError,
        SearchError,
        SearchFailed,
        check_output_paths,
        estimator_grid,
        format_table,
        format_value,
        parse_params,
        plot_scores,
        run_search,
        search_json,
    )

    try:
        grid = parse_params(params)
        out = Path(output) if output else None
        results = Path(results_path) if results_path else (
            out.with_suffix(".csv") if out else None)
        picture = Path(plot_path) if plot_path else (out.with_suffix(".png") if out else None)
        if picture is not None and picture.suffix.lower() != ".png":
            raise click.BadParameter("the plot is a PNG; give a name ending in .png",
                                     param_hint="--plot")
        check_output_paths(out, results, picture)
        if scheduler is not None:
            from .streaming import require_dask

            require_dask("distributed")
    except SearchError as exc:
        raise InputError(str(exc)) from None
    except MissingExtraError as exc:
        raise InputError(f"--scheduler: {exc}") from None
    sizes = _parse_hidden(hidden)
    if sizes is None and "hidden" in grid:
        sizes = grid["hidden"][0]  # a network; the grid sets its layers
    est = _build_estimator(sizes, {
        "--activation": ("activation", activation),
        "--init": ("init", init),
        "--learning-rate": ("learning_rate", learning_rate),
        "--iterations": ("max_iter", iterations),
        "--seed": ("random_state", seed),
        "--solver": ("solver", solver),
        "--batch-size": ("batch_size", batch_size),
        "--alpha": ("alpha", alpha),
        "--dropout": ("dropout", dropout),
        "--early-stopping": ("early_stopping", early_stopping),
        "--class-weight": ("class_weight", class_weight),
    })
    try:
        estimator_grid(grid, est)  # a network-only parameter without a network, ...
    except SearchError as exc:
        raise InputError(str(exc)) from None
    train_set, _ = load_train_test(data, None, image_size=image_size,
                                   label_column=label_column)
    _check_classes(train_set, data)
    n = int(np.prod([len(v) for v in grid.values()]))
    n = min(n, n_random) if n_random else n
    _say(f"searching {n} candidates x {cv} folds of {_describe(est)} on "
         f"{train_set.n_samples} samples ({_dataset_label(data)}), "
         f"{'on the Dask cluster at ' + scheduler if scheduler else 'on the local cores'}")
    try:
        with np.errstate(over="ignore", invalid="ignore"):
            outcome = run_search(est, train_set.X, train_set.y, grid, cv=cv,
                                 n_candidates=n_random, seed=seed, scheduler=scheduler,
                                 n_jobs=n_jobs, results_path=results, progress=_say)
    except SearchError as exc:
        raise InputError(str(exc)) from None
    except SearchFailed as exc:
        raise RunError(str(exc)) from None
    if outcome.failed_fits:
        _say(f"{PROG}: warning: {outcome.failed_fits} fits failed (e.g. diverged); their "
             "scores are missing and those candidates rank last")
    best = outcome.search.best_estimator_
    if out is not None:
        save(best, out, preprocessor=train_set.preprocessor,
             class_names=[train_set.class_names[int(c)] for c in best.classes_],
             training={"data": _dataset_label(data), "n_samples": train_set.n_samples,
                       "search_cv": cv, "search_best_score": outcome.best_score,
                       "seconds": round(outcome.seconds, 3)})
    if picture is not None:
        save_png(plot_scores(outcome.rows, title=f"Search on {Path(str(data)).name}: "
                                                 f"{len(outcome.rows)} candidates x {cv} folds"),
                 picture)
    if as_json:
        _emit_json(search_json(outcome))
    else:
        click.echo(format_table(outcome.rows))
        click.echo("best: " + ", ".join(f"{k}={format_value(v)}"
                                        for k, v in outcome.best_params.items())
                   + f" (mean accuracy {outcome.best_score:.4f})")
    written = [str(p) for p in (out, results, picture) if p is not None]
    _say(f"{outcome.where}: {outcome.seconds:.1f} s"
         + (f"; wrote {', '.join(written)}" if written else ""))
