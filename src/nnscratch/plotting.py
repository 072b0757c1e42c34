"""Pictures of a model: cost curves, decision boundaries, mislabeled pictures.

Figures are built with :class:`matplotlib.figure.Figure` and the Agg canvas, never
through ``pyplot``: no window opens and no global state changes, so these functions
work on a server and inside tests. :func:`save_png` writes a figure atomically.

Examples
--------
>>> from nnscratch.plotting import plot_costs, save_png
>>> fig = plot_costs([0.69, 0.5, 0.4, 0.35], cost_every=100, label="lr 0.005")
>>> save_png(fig, "costs.png")   # doctest: +SKIP
"""

from __future__ import annotations

import os
import sys
import textwrap
from collections.abc import Callable, Mapping, Sequence
from typing import Any


def _writable_config_dir() -> None:
    """Give Matplotlib a temporary folder for its settings and cache, quietly, where the
    default ones (``~/.config/matplotlib``, ``~/.cache/matplotlib``) cannot be written
    (a read-only home, none at all): Matplotlib does the same itself, but says so in
    two raw lines of its own on stderr. Only before Matplotlib is first imported, and
    never over a ``MPLCONFIGDIR`` the user set."""
    if "matplotlib" in sys.modules or os.environ.get("MPLCONFIGDIR") \
            or not sys.platform.startswith(("linux", "freebsd")):
        return
    from pathlib import Path

    try:
        home = Path.home()
        bases = [os.environ.get("XDG_CONFIG_HOME") or str(home / ".config"),
                 os.environ.get("XDG_CACHE_HOME") or str(home / ".cache")]
        for base in bases:
            folder = Path(base, "matplotlib").resolve()
            folder.mkdir(parents=True, exist_ok=True)  # as Matplotlib would
            if not (folder.is_dir() and os.access(folder, os.W_OK)):
                raise PermissionError(folder)
        return
    except (OSError, RuntimeError):  # RuntimeError: no home folder to be found
        pass
    import atexit
    import shutil
    import tempfile

    try:
        folder = tempfile.mkdtemp(prefix="matplotlib-")
    except OSError:
        return  # Matplotlib's own error says it
    os.environ["MPLCONFIGDIR"] = folder  # what Matplotlib sets in its own fallback
    atexit.register(shutil.rmtree, folder, ignore_errors=True)


_writable_config_dir()

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import ListedColormap, hsv_to_rgb, to_hex, to_rgb
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator

from ._files import atomic_write
from ._params import short_repr

__all__ = [
    "plot_cost_curves",
    "plot_costs",
    "plot_decision_boundaries",
    "plot_decision_boundary",
    "plot_mislabeled",
    "save_png",
]

# Two-class colours as in the course's flower plots (red / blue), then a qualitative map.
_POINT_COLOURS = ["#d62728", "#1f77b4", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b",
                  "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]
_REGION_COLOURS = ["#f4b6b6", "#b4cde6", "#bfe3bf", "#ffd8b0", "#dccbe8", "#ddc8c3",
                   "#f6cfe7", "#dddddd", "#ececb8", "#b9e7ee"]


def _check_count(value: Any, what: str) -> None:
    """Refuse a count that is not a whole number >= 1 (0 divided by zero, a negative
    number or a string drew nonsense)."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{what} must be a whole number >= 1, got {short_repr(value)}")


def _new_figure(width: float, height: float) -> Figure:
    fig = Figure(figsize=(width, height), dpi=100)
    FigureCanvasAgg(fig)
    return fig


def plot_costs(
    costs: Sequence[float],
    cost_every: int = 100,
    *,
    label: str | None = None,
    title: str | None = None,
    ax: Any = None,
) -> Figure:
    """The cost curve, as the seeds draw it: one point every ``cost_every`` iterations.

    Costs that are not finite (NaN or infinite: the run diverged) cannot be drawn; a
    dashed red line marks where they start, with a note. When the drawn costs span more
    than three powers of ten (a run blowing up), the cost axis is logarithmic and says so.

    Parameters
    ----------
    costs : sequence of float, length k
        ``estimator.costs_``: the cost at iterations 0, ``cost_every``, 2 ``cost_every``...
    cost_every : int
        Iterations between two recorded costs (100 gives the seeds' "per hundred
        iterations" axis).
    label : str, optional
        Legend entry (e.g. the learning rate).
    title : str, optional
    ax : matplotlib Axes, optional
        Draw into this axes instead of a new figure (several calls on one axes compare
        learning rates).

    Returns
    -------
    Figure
    """
    _check_count(cost_every, "cost_every")
    try:
        costs = np.asarray(costs, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError("costs must be a sequence of numbers (estimator.costs_), got "
                         f"{short_repr(costs)}") from None
    if costs.ndim > 1:
        raise ValueError(f"costs must be one cost per recorded iteration (one dimension), "
                         f"got an array of shape {costs.shape}")
    costs = costs.ravel()
    if costs.size == 0:
        raise ValueError("no costs to plot: the model has no recorded cost history")
    fig = ax.figure if ax is not None else _new_figure(6.4, 4.2)
    ax = ax if ax is not None else fig.add_subplot()
    steps = np.arange(costs.size)
    finite = np.isfinite(costs)
    shown = np.where(finite, costs, np.nan)
    ax.plot(steps, shown, marker="o" if costs.size <= 30 else None, markersize=3,
            label=label)
    unit = "hundred" if cost_every == 100 else cost_every
    ax.set_xlabel("iterations" if cost_every == 1 else f"iterations (per {unit})")
    if not finite.all():
        first = int(np.flatnonzero(~finite)[0])
        ax.axvline(first, color="#d62728", linestyle="--", linewidth=1)
        what = "diverged" if label is None else f"{label}: diverged"
        ax.text(first, 0.5, f" {what}: cost not finite from iteration {first * cost_every:g}",
                transform=ax.get_xaxis_transform(), rotation=90, va="center",
                ha="right" if first > 0 else "left", color="#d62728", fontsize="small")
        # the axis runs to the last recorded (not drawn) cost, so the gap is seen
        left, right = ax.get_xlim()
        ax.set_xlim(min(left, -0.5), max(right, costs.size - 0.5))
    if costs.size == 1 and len(ax.get_lines()) == 1:
        # one recorded cost: no span of iterations; show the point at iteration 0 alone
        ax.set_xlim(-1, 1)
        ax.set_xticks([0])
        if finite.all():
            ax.text(0.5, 0.05, f"one recorded cost: the cost is recorded every {cost_every} "
                    f"iterations", transform=ax.transAxes, ha="center", fontsize="small",
                    color="0.35")
    else:
        ax.xaxis.set_major_locator(MaxNLocator(integer=True, steps=[1, 2, 5, 10]))
    if ax.get_yscale() == "log" or _blows_up(ax):
        ax.set_yscale("log")
        ax.set_ylabel("cost (log scale)")
    else:
        ax.set_ylabel("cost")
    ax.grid(True, alpha=0.3)
    if title:
        ax.set_title(_wrap(title, _chars_across(ax, 12)))
    if label:
        ax.legend()
    if fig.get_layout_engine() is None:
        fig.set_layout_engine("tight")
    return fig


def _blows_up(ax: Any) -> bool:
    """Whether a curve on ``ax`` climbs to ten times its first cost and the costs drawn
    span more than three powers of ten: a linear axis would flatten all but the blow-up.
    """
    drawn = []
    grows = False
    for line in ax.get_lines():
        y = np.asarray(line.get_ydata(), dtype=np.float64)
        y = y[np.isfinite(y)]
        if y.size:
            drawn.append(y)
            grows = grows or y.max() > 10 * abs(y[0])
    if not grows:
        return False
    drawn = np.concatenate(drawn)
    return bool(drawn.min() > 0 and drawn.max() / drawn.min() > 1e3)


def _chars_across(ax: Any, fontsize: float) -> int:
    """About how many characters of text at ``fontsize`` points fit across ``ax``."""
    fig = ax.figure
    width_in = fig.get_figwidth() * ax.get_position().width / 0.775  # axes' default share
    return max(12, int(width_in * 72 / (0.6 * fontsize)))


def _wrap(text: str, width: int, max_lines: int = 3) -> str:
    """``text`` wrapped to ``width`` characters a line (its own lines kept), at most
    ``max_lines`` lines per paragraph, the rest shortened with an ellipsis."""
    out = []
    for part in str(text).split("\n"):
        lines = textwrap.wrap(part, width) or [""]
        if len(lines) > max_lines:
            lines = lines[:max_lines]
            lines[-1] = lines[-1][: max(1, width - 3)] + "..."
        out.extend(lines)
    return "\n".join(out)


def plot_cost_curves(
    curves: Mapping[str, tuple[Sequence[float], int]],
    *,
    title: str | None = None,
) -> Figure:
    """Several cost curves side by side, one panel per model.

    Parameters
    ----------
    curves : mapping name -> (costs, cost_every)
    title : str, optional
        The figure's title.

    Returns
    -------
    Figure
    """
    n = len(curves)
    if n == 0:
        raise ValueError("no cost curves to plot")
    cols = min(n, 3)
    rows = -(-n // cols)
    fig = _new_figure(4.2 * cols, 3.8 * rows)
    # one cost scale for all the panels: they compare models on the same data
    axes = fig.subplots(rows, cols, squeeze=False, sharey=True).ravel()
    for ax in axes[n:]:
        fig.delaxes(ax)
    for ax, (name, (costs, every)) in zip(axes, curves.items()):
        plot_costs(costs, every, title=name, ax=ax)
    for ax in axes[:n]:
        ax.yaxis.set_tick_params(labelleft=True)
        ax.set_ylabel("cost (log scale)" if ax.get_yscale() == "log" else "cost")
    if title:
        fig.suptitle(_wrap(title, int(fig.get_figwidth() * 72 / (0.6 * 12))))
    fig.set_layout_engine("tight")
    return fig


def _grid(points: np.ndarray, resolution: int):
    x_min, x_max = points[:, 0].min(), points[:, 0].max()
    y_min, y_max = points[:, 1].min(), points[:, 1].max()
    pad_x = 0.1 * (x_max - x_min) or 1.0
    pad_y = 0.1 * (y_max - y_min) or 1.0
    xx, yy = np.meshgrid(
        np.linspace(x_min - pad_x, x_max + pad_x, resolution),
        np.linspace(y_min - pad_y, y_max + pad_y, resolution),
    )
    return xx, yy


def plot_decision_boundary(
    predict: Callable[[np.ndarray], np.ndarray],
    points: np.ndarray,
    codes: np.ndarray,
    class_names: Sequence[str] | None = None,
    *,
    title: str | None = None,
    resolution: int = 300,
    ax: Any = None,
    feature_names: Sequence[str] | None = None,
) -> Figure:
    """The regions a 2-D model predicts, with the data points on top.

    Parameters
    ----------
    predict : callable
        Maps raw points ``(n, 2)`` to class codes ``(n,)`` (0 .. n_classes - 1), e.g.
        ``lambda P: np.searchsorted(clf.classes_, clf.predict(prep.transform(P)))``.
    points : ndarray of shape (n_samples, 2)
        The raw data points (before preprocessing).
    codes : ndarray of shape (n_samples,)
        The true class code of each point.
    class_names : sequence of str, optional
        Legend names of the codes.
    title : str, optional
    resolution : int
        Grid points per axis (a whole number >= 2).
    ax : matplotlib Axes, optional
    feature_names : pair of str, optional
        The axis labels (e.g. a CSV file's two column names); default ``x1``, ``x2``.

    Returns
    -------
    Figure
    """
    if (isinstance(resolution, bool) or not isinstance(resolution, (int, np.integer))
            or resolution < 2):
        raise ValueError("resolution must be a whole number of grid points per axis >= 2, "
                         f"got {short_repr(resolution)}")
    points, codes, n_classes = _boundary_data(points, codes, class_names)
    points_colours, region_colours = _class_colours(n_classes)
    names = [str(class_names[k]) if class_names is not None else str(k)
             for k in range(n_classes)]
    legend_beside = _legend_beside(names)
    fig = ax.figure if ax is not None else _new_figure(8.2 if legend_beside else 6.0, 5.2)
    ax = ax if ax is not None else fig.add_subplot()
    xx, yy = _grid(points, resolution)
    zz = np.asarray(predict(np.c_[xx.ravel(), yy.ravel()])).reshape(xx.shape)
    _check_codes(zz, "predict", n_classes)
    # one colour per class code: level k - 0.5 .. k + 0.5 gets colour k exactly
    ax.contourf(xx, yy, zz, levels=np.arange(n_classes + 1) - 0.5,
                cmap=ListedColormap(region_colours))
    if n_classes == 2:
        ax.contour(xx, yy, zz, levels=[0.5], colors="k", linewidths=0.8)
    handles = []
    for k in range(n_classes):
        name = _wrap(names[k], 24, max_lines=2)
        mask = codes == k
        if mask.any():
            handles.append(ax.scatter(points[mask, 0], points[mask, 1], s=14,
                                      c=points_colours[k], edgecolors="k", linewidths=0.3,
                                      label=name))
        else:  # a class without points still has a region colour to explain
            handles.append(Patch(facecolor=region_colours[k], edgecolor="0.4",
                                 label=f"{name} (no points)"))
    x_name, y_name = feature_names if feature_names is not None else ("x1", "x2")
    ax.set_xlabel(str(x_name))
    ax.set_ylabel(str(y_name))
    ax.set_xlim(xx.min(), xx.max())
    ax.set_ylim(yy.min(), yy.max())
    if legend_beside:
        ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.02, 1.0),
                  fontsize="small", borderaxespad=0.0,
                  ncols=1 if n_classes <= 16 else 2)
    else:
        ax.legend(handles=handles, loc="best", fontsize="small", framealpha=0.8)
    if title:
        ax.set_title(_wrap(title, _chars_across(ax, 12)))
    if fig.get_layout_engine() is None:
        fig.set_layout_engine("tight")
    return fig


def _boundary_data(points, codes, class_names) -> tuple[np.ndarray, np.ndarray, int]:
    """The points and codes of a decision boundary plot as arrays, and the number of
    classes; refused in one line (ValueError) where they cannot be drawn: no points,
    points that are not 2-D or not finite, codes that are no class codes (text, NaN,
    1.5, -1) or that ``class_names`` has no name for."""
    try:
        points = np.asarray(points, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"points must be an array of numbers of shape (n, 2), got "
                         f"{short_repr(points)}") from None
    codes = np.asarray(codes).ravel()
    if points.ndim != 2 or points.shape[1] != 2:
        raise ValueError(
            f"a decision boundary needs 2-D data, got {points.shape[1] if points.ndim == 2 else '?'}"
            " features"
        )
    if len(points) == 0:
        raise ValueError("points is empty: a decision boundary is drawn around data "
                         "points; give at least one")
    bad = np.flatnonzero(~np.isfinite(points).all(axis=1))
    if bad.size:
        raise ValueError(f"points has NaN or infinite coordinates ({bad.size} row"
                         f"{'' if bad.size == 1 else 's'}, the first row {bad[0]}): a "
                         "decision boundary needs finite ones; drop those rows")
    if codes.size != len(points):
        raise ValueError(f"codes has {codes.size} entries for {len(points)} points: give "
                         "one per point")
    _check_codes(codes, "codes", None)
    top = int(codes.max())
    if class_names is not None and top >= len(class_names):
        raise ValueError(f"class_names has {len(class_names)} name"
                         f"{'' if len(class_names) == 1 else 's'} but codes hold the class "
                         f"code {top}: give one name per class code 0 .. {top}")
    return points, codes, max(top + 1, len(class_names or []))


def _check_codes(codes: np.ndarray, what: str, n_classes: int | None) -> None:
    """Refuse labels where class codes 0 .. n_classes - 1 are needed: a region of an
    unknown code would be left blank, not coloured."""
    fix = ("class codes are needed (0 .. n_classes - 1), e.g. "
           "np.searchsorted(clf.classes_, labels)")
    if codes.dtype.kind not in "biuf":
        raise ValueError(f"{what} gave labels of type {codes.dtype}; {fix}")
    if codes.size and (not np.all(np.isfinite(codes)) or np.any(codes != np.round(codes))
                       or codes.min() < 0
                       or (n_classes is not None and codes.max() >= n_classes)):
        bad = codes[(codes != np.round(codes)) | (codes < 0) | ~np.isfinite(codes)
                    | ((codes >= n_classes) if n_classes is not None else False)]
        raise ValueError(f"{what} gave {bad.ravel()[0].item()!r}, not a class code"
                         + (f" of the {n_classes} classes" if n_classes else "") + f"; {fix}")


def _legend_beside(names: Sequence[str]) -> bool:
    """Many or long class names: the legend goes beside the plot, not over the points."""
    return len(names) > 4 or any(len(str(name)) > 20 for name in names)


def _class_colours(n_classes: int) -> tuple[list[str], list[str]]:
    """``n_classes`` distinct point colours and their light region colours: the course's
    red / blue then a qualitative map for up to 10 classes, then evenly spaced hues."""
    if n_classes <= len(_POINT_COLOURS):
        return _POINT_COLOURS[:n_classes], _REGION_COLOURS[:n_classes]
    hues = np.arange(n_classes) / n_classes
    points = [to_hex(hsv_to_rgb((h, 0.75, 0.85 if i % 2 else 0.6)))
              for i, h in enumerate(hues)]
    regions = [to_hex(0.35 * np.asarray(to_rgb(c)) + 0.65) for c in points]
    return points, regions


def plot_decision_boundaries(
    panels: Mapping[str, Callable[[np.ndarray], np.ndarray]],
    points: np.ndarray,
    codes: np.ndarray,
    class_names: Sequence[str] | None = None,
    *,
    title: str | None = None,
    feature_names: Sequence[str] | None = None,
) -> Figure:
    """:func:`plot_decision_boundary` for several models, side by side.

    Parameters
    ----------
    panels : mapping title -> predict callable
    points, codes, class_names, feature_names : as in :func:`plot_decision_boundary`
    title : str, optional
        The figure's title above the panels (each panel's title is its key in
        ``panels``), wrapped to the figure's width; None or ``""``: no title.

    Returns
    -------
    Figure
    """
    n = len(panels)
    if n == 0:
        raise ValueError("no models to plot")
    points, codes, n_classes = _boundary_data(points, codes, class_names)
    names = list(class_names) if class_names is not None else [str(k) for k in range(n_classes)]
    fig = _new_figure((6.8 if _legend_beside(names) else 4.6) * n, 4.4)
    axes = fig.subplots(1, n, squeeze=False)[0]
    for ax, (name, predict) in zip(axes, panels.items()):
        plot_decision_boundary(predict, points, codes, class_names, title=name, ax=ax,
                               feature_names=feature_names)
    if title:
        fig.suptitle(_wrap(title, int(fig.get_figwidth() * 72 / (0.6 * 12))))
    fig.set_layout_engine("tight")
    return fig


def plot_mislabeled(
    images: np.ndarray,
    true_codes: np.ndarray,
    pred_codes: np.ndarray,
    class_names: Sequence[str],
    *,
    names: Sequence[str] | None = None,
    max_images: int = 20,
    columns: int = 5,
    title: str | None = None,
) -> Figure:
    """A grid of the pictures a model gets wrong, each with its true and predicted label.

    Parameters
    ----------
    images : ndarray of shape (n_samples, height, width, 3), uint8
        Or RGBA (..., 4), grey (n_samples, height, width); floats in [0, 1] or 0..255.
    true_codes, pred_codes : ndarray of shape (n_samples,)
        Class codes (indices into ``class_names``).
    class_names : sequence of str
    names : sequence of str, optional
        A short name per picture (file name), shown under the labels.
    max_images : int
        At most this many pictures (the first ones).
    columns : int
        Pictures per row.
    title : str, optional

    Returns
    -------
    Figure
        With a "no mislabeled pictures" note when every picture is right.
    """
    images = np.asarray(images)
    true_codes = np.asarray(true_codes).ravel()
    pred_codes = np.asarray(pred_codes).ravel()
    if images.ndim == 4 and images.shape[3] == 1:
        images = images[..., 0]
    if not (images.ndim == 3 or (images.ndim == 4 and images.shape[3] in (3, 4))):
        raise ValueError("pictures must have shape (n, h, w, 3) (RGB), (n, h, w, 4) (RGBA) "
                         f"or (n, h, w) (grey), got {images.shape}")
    n = images.shape[0]
    for what, given in (("true_codes", true_codes), ("pred_codes", pred_codes),
                        ("names", names)):
        if given is not None and len(given) != n:
            raise ValueError(f"{what} has {len(given)} entries for {n} pictures: give one "
                             "per picture")
    _check_codes(true_codes, "true_codes", len(class_names))
    _check_codes(pred_codes, "pred_codes", len(class_names))
    true_codes, pred_codes = true_codes.astype(np.int64), pred_codes.astype(np.int64)
    for what, value in (("max_images", max_images), ("columns", columns)):
        _check_count(value, what)
    wrong = np.flatnonzero(true_codes != pred_codes)
    shown = wrong[:max_images]
    n_total = wrong.size
    heading = title or "Mislabeled pictures"
    if shown.size == 0:
        fig = _new_figure(max(4.0, min(10.0, 0.11 * len(heading) + 0.6)), 2.0)
        ax = fig.add_subplot()
        ax.axis("off")
        ax.text(0.5, 0.5, "no mislabeled pictures:\nevery prediction is right",
                ha="center", va="center")
        heading += f": 0 of {true_codes.size}"
        fig.suptitle(_wrap(heading, int(fig.get_figwidth() * 72 / (0.6 * 12))))
        return fig
    cols = min(columns, shown.size)
    rows = int(np.ceil(shown.size / cols))
    cell = 2.3
    label_chars = int(cell * 72 / (0.6 * 8))  # characters of 8-point text across a cell
    labels = []
    for i in shown:
        lines = [_wrap(f"true: {class_names[true_codes[i]]}", label_chars, max_lines=2),
                 _wrap(f"predicted: {class_names[pred_codes[i]]}", label_chars, max_lines=2)]
        if names is not None:
            lines.append(_short(names[i], label_chars))
        labels.append("\n".join(lines))
    label_height = max(text.count("\n") + 1 for text in labels) * 8 * 1.25 / 72 + 0.15
    image_height = cell * min(1.5, images.shape[1] / images.shape[2])
    width = max(cell * cols, 4.6)  # room for the heading over a single picture
    heading += (f": {shown.size} of {n_total} shown" if n_total > shown.size
                else f": {n_total} of {true_codes.size}")
    heading = _wrap(heading, int(width * 72 / (0.6 * 12)))
    fig = _new_figure(width, rows * (image_height + label_height) + 0.3
                      + 0.25 * (heading.count("\n") + 1))
    axes = fig.subplots(rows, cols, squeeze=False)
    for ax in axes.ravel():
        ax.axis("off")
    grey = images.ndim == 3
    for ax, i, text in zip(axes.ravel(), shown, labels):
        picture = _displayable(images[i])
        ax.imshow(picture, interpolation="nearest", cmap="gray" if grey else None,
                  vmin=0 if grey else None,
                  vmax=(255 if picture.dtype == np.uint8 else 1) if grey else None)
        ax.set_title(text, fontsize=8)
    fig.suptitle(heading)
    fig.set_layout_engine("tight")
    return fig


def _displayable(picture: np.ndarray) -> np.ndarray:
    """``picture`` as imshow draws it faithfully: uint8 kept; other numbers as floats in
    [0, 1] (a float picture holding 0..255 values divided by 255, not clipped to white)."""
    if picture.dtype == np.uint8:
        return picture
    picture = np.asarray(picture, dtype=np.float64)
    if np.nanmax(picture, initial=0.0) > 1.0:
        picture = picture / 255.0
    return np.clip(picture, 0.0, 1.0)


def _short(text: str, width: int = 24) -> str:
    text = str(text)
    return text if len(text) <= width else "..." + text[-(width - 3):]


def save_png(fig: Figure, path: str | os.PathLike, dpi: int = 100) -> None:
    """Write ``fig`` as a PNG picture, atomically (temporary file, then rename)."""

    def write(tmp: str) -> None:
        fig.savefig(tmp, format="png", dpi=dpi)

    atomic_write(path, write)
