"""Plots at their edges: what a person sees with one cost, a diverged run, many
classes, long names, tiny or odd pictures (checked through matplotlib's objects)."""

import re

import numpy as np
import pytest
from matplotlib.colors import rgb_to_hsv, to_hex, to_rgb

from nnscratch.plotting import (
    plot_cost_curves,
    plot_costs,
    plot_decision_boundaries,
    plot_decision_boundary,
    plot_mislabeled,
)


def _rendered(fig):
    fig.canvas.draw()
    return fig.canvas.get_renderer()


def _inside_figure(fig, artist):
    box = artist.get_window_extent(_rendered(fig))
    width, height = fig.canvas.get_width_height()
    return box.x0 >= -1 and box.y0 >= -1 and box.x1 <= width + 1 and box.y1 <= height + 1


# --- cost curves -------------------------------------------------------------------

def test_one_cost_has_an_integer_tick_only():
    fig = plot_costs([0.69])
    ax = fig.axes[0]
    ticks = [t for t in ax.get_xticks() if ax.get_xlim()[0] <= t <= ax.get_xlim()[1]]
    assert list(ticks) == [0]
    assert ax.get_lines()[0].get_xdata().tolist() == [0]


def test_diverged_run_is_marked_where_the_cost_stops_being_finite():
    fig = plot_costs([0.69, 0.8, 5.0, np.nan, np.inf], 100)
    ax = fig.axes[0]
    marks = [ln for ln in ax.get_lines() if ln.get_linestyle() == "--"]
    assert len(marks) == 1 and marks[0].get_xdata()[0] == 3
    assert any("not finite from iteration 300" in t.get_text() for t in ax.texts)
    assert ax.get_xlim()[1] >= 4  # the axis reaches the last recorded cost


def test_all_costs_not_finite_is_not_an_empty_plot():
    fig = plot_costs([np.nan, np.nan])
    assert any("diverged" in t.get_text() for t in fig.axes[0].texts)


def test_blown_up_costs_use_a_log_axis_and_say_so():
    fig = plot_costs(0.69 * 10.0 ** np.arange(12), title="lr 10")
    ax = fig.axes[0]
    assert ax.get_yscale() == "log"
    assert ax.get_ylabel() == "cost (log scale)"


def test_a_converging_run_keeps_the_seeds_linear_axis():
    fig = plot_costs(np.exp(-np.arange(12)))  # 1 -> 1.7e-5: falls, does not blow up
    assert fig.axes[0].get_yscale() == "linear"
    assert fig.axes[0].get_ylabel() == "cost"


def test_long_title_is_wrapped_inside_the_figure():
    fig = plot_costs([0.7, 0.5], title="a very long title " * 8)
    ax = fig.axes[0]
    assert "\n" in ax.get_title()
    assert _inside_figure(fig, ax.title)


def test_comparison_panels_share_one_cost_scale_and_wrap_into_rows():
    curves = {f"model {i}": (list(np.linspace(0.7, 0.1 * (i + 1), 5)), 100)
              for i in range(5)}
    fig = plot_cost_curves(curves, title="five")
    assert len(fig.axes) == 5
    assert {ax.get_ylim() for ax in fig.axes} == {fig.axes[0].get_ylim()}
    assert fig.get_figwidth() <= 4.2 * 3 + 0.01  # at most three panels a row
    # every panel keeps its cost numbers
    for ax in fig.axes:
        assert all(t.get_visible() for t in ax.get_yticklabels())


def test_comparison_with_a_diverged_model_labels_every_log_panel():
    fig = plot_cost_curves({"ok": ([0.7, 0.5, 0.4], 100),
                            "lr 5": ([0.7, 40.0, 9e5], 100)})
    assert [ax.get_ylabel() for ax in fig.axes] == ["cost (log scale)"] * 2


# --- decision boundaries -----------------------------------------------------------

def _fan(k, n=20, seed=0):
    """k blobs around a circle and the nearest-centre classifier of them."""
    rng = np.random.default_rng(seed)
    angles = 2 * np.pi * np.arange(k) / k
    centres = np.c_[np.cos(angles), np.sin(angles)] * 4
    points = np.concatenate([rng.normal(c, 0.5, (n, 2)) for c in centres])
    codes = np.repeat(np.arange(k), n)

    def predict(grid):
        return np.argmin(((grid[:, None, :] - centres[None]) ** 2).sum(-1), axis=1)

    return points, codes, predict, centres


def _region_colour_at(ax, x, y):
    """The face colour of the filled region at data point (x, y)."""
    cs = ax.collections[0]  # the contourf
    level = None
    for k, path in enumerate(cs.get_paths()):
        if path.vertices.size and path.contains_point((x, y)):
            level = k
    return to_hex(cs.get_facecolor()[level]) if cs.get_facecolor().shape[0] > 1 \
        else to_hex(cs.get_facecolor()[0])


@pytest.mark.parametrize("k", [3, 6, 12, 25])
def test_every_class_has_its_own_colour_and_the_region_matches_its_points(k):
    points, codes, predict, centres = _fan(k)
    fig = plot_decision_boundary(predict, points, codes, [f"c{i}" for i in range(k)],
                                 resolution=80)
    ax = fig.axes[0]
    point_colours = [to_hex(sc.get_facecolor()[0]) for sc in ax.collections[1:]]
    assert len(point_colours) == k and len(set(point_colours)) == k
    region_colours = [_region_colour_at(ax, *c) for c in centres]
    assert len(set(region_colours)) == k
    # region k is the light version of point colour k: same hue order
    for p, r in zip(point_colours, region_colours):
        hp, hr = rgb_to_hsv(to_rgb(p))[0], rgb_to_hsv(to_rgb(r))[0]
        assert min(abs(hp - hr), 1 - abs(hp - hr)) < 0.05


def test_legend_names_every_class_even_one_without_points():
    points, codes, predict, _ = _fan(3)
    keep = codes != 1
    fig = plot_decision_boundary(predict, points[keep], codes[keep], ["x", "y", "z"],
                                 resolution=40)
    texts = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert texts == ["x", "y (no points)", "z"]


@pytest.mark.slow
def test_long_or_many_class_names_go_beside_the_plot_inside_the_figure():
    points, codes, predict, _ = _fan(3)
    names = [f"a rather long class name number {i} indeed" for i in range(3)]
    fig = plot_decision_boundary(predict, points, codes, names, resolution=40)
    ax = fig.axes[0]
    legend = ax.get_legend()
    assert all(len(line) <= 24 for t in legend.get_texts() for line in t.get_text().split("\n"))
    renderer = _rendered(fig)
    assert legend.get_window_extent(renderer).x0 >= ax.get_window_extent(renderer).x1
    assert _inside_figure(fig, legend)
    # a panel of several models keeps room for it too
    fig = plot_decision_boundaries({"a": predict, "b": predict}, points, codes, names)
    for ax in fig.axes:
        assert _inside_figure(fig, ax.get_legend())


def test_two_short_classes_keep_the_legend_inside_the_plot():
    points, codes, predict, _ = _fan(2)
    fig = plot_decision_boundary(predict, points, codes, ["red", "blue"], resolution=40)
    assert fig.get_figwidth() == 6.0
    assert fig.axes[0].get_legend()._loc == 0  # "best": away from the points


def test_one_point_dataset_draws():
    fig = plot_decision_boundary(lambda g: np.zeros(len(g), int), np.array([[1.0, 2.0]]),
                                 np.array([0]), resolution=10)
    ax = fig.axes[0]
    assert ax.get_xlim()[0] < 1.0 < ax.get_xlim()[1]


# --- mislabeled pictures -----------------------------------------------------------

def _pictures(n, h=16, w=16, seed=0):
    return np.random.default_rng(seed).integers(0, 256, (n, h, w, 3), dtype=np.uint8)


@pytest.mark.slow  # draws and reads back several figures
def test_long_class_names_do_not_run_into_the_next_picture():
    names = ["a really long class name for negatives", "another quite long class name here"]
    true = np.array([0, 1, 0, 1, 0])
    fig = plot_mislabeled(_pictures(5), true, 1 - true, names,
                          names=[f"/a/very/long/path/to/picture_{i}_named.jpg" for i in range(5)])
    renderer = _rendered(fig)
    shown = [ax for ax in fig.axes if ax.images]
    boxes = [ax.title.get_window_extent(renderer) for ax in shown]
    for left, right in zip(boxes, boxes[1:]):
        assert left.x1 <= right.x0 + 1, "picture labels overlap"
    for ax in shown:
        assert _inside_figure(fig, ax.title)
        assert ax.get_title().startswith(("true: a really long", "true: another quite long"))
        assert ax.get_title().count("\n") >= 3  # the long names are wrapped


def test_one_wrong_picture_keeps_the_heading_inside_the_figure():
    true = np.zeros(30, int)
    pred = true.copy()
    pred[3] = 1
    fig = plot_mislabeled(_pictures(30), true, pred, ["non-cat", "cat"],
                          title="Test pictures mislabeled by the deep (20, 7, 5, relu) network")
    assert "1 of 30" in fig._suptitle.get_text()
    assert _inside_figure(fig, fig._suptitle)


def test_all_right_still_says_which_model_and_how_many():
    fig = plot_mislabeled(_pictures(3), np.zeros(3, int), np.zeros(3, int), ["a", "b"],
                          title="Mislabeled by the deep network")
    heading = fig._suptitle.get_text()
    assert "deep network" in heading and "0 of 3" in heading
    assert _inside_figure(fig, fig._suptitle)


def test_wide_pictures_leave_no_tall_empty_band():
    true = np.array([0, 1, 0])
    fig = plot_mislabeled(_pictures(3, h=10, w=100), true, 1 - true, ["n", "c"])
    assert fig.get_figheight() < 2.0


@pytest.mark.parametrize("kind", ["float255", "grey", "grey1", "rgba"])
def test_other_picture_formats_are_shown_with_their_own_values(kind):
    base = _pictures(2)
    pictures = {"float255": base.astype(np.float64),
                "grey": base[..., 0],
                "grey1": base[..., :1],
                "rgba": np.concatenate([base, np.full((2, 16, 16, 1), 255, np.uint8)], 3),
                }[kind]
    true = np.array([0, 1])
    fig = plot_mislabeled(pictures, true, 1 - true, ["n", "c"])
    image = [ax for ax in fig.axes if ax.images][0].images[0]
    rgba = image.to_rgba(image.get_array(), bytes=True)
    expected = base[0] if kind in ("float255", "rgba") else np.repeat(base[0, ..., :1], 3, 2)
    np.testing.assert_allclose(rgba[..., :3].astype(int), expected.astype(int), atol=1)


def test_one_cost_says_why_there_is_only_one_point():
    fig = plot_costs([0.69], 100)
    assert any("every 100 iterations" in t.get_text() for t in fig.axes[0].texts)


def test_axes_can_be_named_after_the_features():
    points, codes, predict, _ = _fan(2)
    fig = plot_decision_boundary(predict, points, codes, resolution=20,
                                 feature_names=["petal_length", "petal_width"])
    assert (fig.axes[0].get_xlabel(), fig.axes[0].get_ylabel()) == ("petal_length",
                                                                     "petal_width")
    fig = plot_decision_boundaries({"a": predict}, points, codes,
                                   feature_names=["petal_length", "petal_width"])
    assert fig.axes[0].get_xlabel() == "petal_length"
    assert plot_decision_boundary(predict, points, codes, resolution=20).axes[0] \
        .get_xlabel() == "x1"


def test_a_cost_every_iteration_is_counted_in_plain_iterations():
    assert plot_costs([0.7, 0.6, 0.5], 1).axes[0].get_xlabel() == "iterations"


@pytest.mark.parametrize("costs, cost_every, message", [
    ([0.7, 0.6], 0, "cost_every must be a whole number >= 1, got 0"),
    ([0.7, 0.6], -5, "cost_every must be a whole number >= 1, got -5"),
    ([0.7, 0.6], 2.5, "cost_every must be a whole number >= 1, got 2.5"),
    ([0.7, 0.6], "x", "cost_every must be a whole number >= 1, got 'x'"),
    (["a", "b"], 100, "costs must be a sequence of numbers (estimator.costs_), got ['a', 'b']"),
    ([[0.7], [0.6, 0.5]], 100, "costs must be a sequence of numbers"),
    ([[0.7, 0.6], [0.5, 0.4]], 100, "costs must be one cost per recorded iteration (one "
                                    "dimension), got an array of shape (2, 2)"),
])
def test_plot_costs_refuses_what_it_cannot_draw_in_one_line(costs, cost_every, message):
    # cost_every 0, -5, 2.5 or "x" drew an axis "iterations (per 0)"; strings and ragged
    # lists gave NumPy's messages; a 2-D array was drawn flattened
    with pytest.raises(ValueError, match=re.escape(message)) as info:
        plot_costs(costs, cost_every)
    assert "\n" not in str(info.value)


def test_points_that_cannot_be_drawn_are_refused_in_one_line():
    # NaN or infinity gave matplotlib's "Axis limits cannot be NaN or Inf" (and NumPy's
    # warnings); codes of another length an IndexError
    points = np.random.default_rng(0).normal(size=(20, 2))
    codes = (points[:, 0] > 0).astype(int)
    for bad in (np.nan, np.inf):
        P = points.copy()
        P[[3, 7], 1] = bad
        with pytest.raises(ValueError, match=re.escape(
                "points has NaN or infinite coordinates (2 rows, the first row 3)")):
            plot_decision_boundary(lambda g: (g[:, 0] > 0).astype(int), P, codes)
    with pytest.raises(ValueError, match=re.escape("codes has 19 entries for 20 points")):
        plot_decision_boundary(lambda g: (g[:, 0] > 0).astype(int), points, codes[:-1])


@pytest.mark.parametrize("predict, codes, message", [
    (lambda g: np.where(g[:, 0] > 0, "b", "a"), None, "predict gave labels"),
    (lambda g: (g[:, 0] > 0).astype(int) * 5, None, "predict gave 5, not a class code of"),
    (lambda g: (g[:, 0] > 0).astype(int), np.array(["a", "b"] * 10), "codes gave labels"),
])
def test_labels_where_codes_are_needed_are_refused_not_left_blank(predict, codes, message):
    points = np.random.default_rng(0).normal(size=(20, 2))
    codes = (points[:, 0] > 0).astype(int) if codes is None else codes
    with pytest.raises(ValueError, match=message):
        plot_decision_boundary(predict, points, codes, resolution=10)


# --- the commands' boundary pictures ---------------------------------------------------

@pytest.fixture
def captured_figures(monkeypatch):
    """The figures the commands would save, by file name, instead of PNG files."""
    import nnscratch.plotting

    figures = {}
    monkeypatch.setattr(nnscratch.plotting, "save_png",
                        lambda fig, path: figures.__setitem__(path.name, fig))
    return figures


def _two_column_csv(path, names=("petal", "sepal")):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 2))
    y = (X[:, 0] + X[:, 1] > 0).astype(int)
    lines = [",".join((*names, "label"))]
    lines += [f"{a:.4f},{b:.4f},{c}" for (a, b), c in zip(X, y)]
    path.write_text("\n".join(lines) + "\n")
    return path


def test_plot_boundary_names_its_axes_after_the_columns_and_says_which_points(
        tmp_path, captured_figures):
    from nnscratch import _commands

    data = _two_column_csv(tmp_path / "two.csv")
    model = tmp_path / "two.npz"
    _commands.train(str(data), hidden=(3,), params={"max_iter": 50}, output=str(model))
    _commands.plot(str(model), output=str(tmp_path / "b.png"), kind="boundary",
                   data=str(data))
    ax = captured_figures["b.png"].axes[0]
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("petal", "sepal")
    assert "points: two.csv, 60 points" in ax.get_title()


def test_plot_boundary_of_a_builtin_set_says_it_draws_the_held_out_part(
        tmp_path, captured_figures):
    from nnscratch import _commands

    model = tmp_path / "flower.npz"
    _commands.train("flower", hidden=(3,), params={"max_iter": 20}, output=str(model))
    _commands.plot(str(model), output=str(tmp_path / "b.png"), kind="boundary")
    ax = captured_figures["b.png"].axes[0]
    assert "points: the test part of 'flower', 100 points" in ax.get_title()
    # the flower file's columns are x1, x2: the names of the set's own columns
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("x1", "x2")



def test_saving_a_picture_onto_a_folder_is_refused_before_drawing(tmp_path):
    from nnscratch._files import atomic_write
    from nnscratch.plotting import save_png

    calls = []
    with pytest.raises(IsADirectoryError, match=r"^\S+: is a folder; give the output a file "
                       r"name inside it or elsewhere$"):
        atomic_write(tmp_path, calls.append)
    assert calls == [] and list(tmp_path.iterdir()) == []  # nothing written, no temp file
    with pytest.raises(IsADirectoryError, match="is a folder"):
        save_png(plot_costs([0.7, 0.5]), tmp_path)
    assert list(tmp_path.iterdir()) == []


# --- a search's scores -----------------------------------------------------------------

def _search_rows(failed=()):
    import itertools

    rows = []
    grid = itertools.product([0.001, 0.01, 0.1], ["relu", "tanh"], [10, 20, 30])
    for i, (lr, act, n) in enumerate(grid):
        rows.append({"rank": i + 1, "mean_score": None if i in failed else 0.5 + 0.01 * i,
                     "std_score": None if i in failed else 0.02, "fit_time": 0.1,
                     "params": {"learning_rate": lr, "activation": act, "max_iter": n}})
    return rows


@pytest.mark.slow
def test_search_scores_join_ordered_values_only_and_say_when_not_to_scale():
    from nnscratch.search import plot_scores

    fig = plot_scores(_search_rows())
    lr, act, n = fig.axes
    best = {ax: next(line for line in ax.get_lines() if line.get_label() == "best")
            for ax in fig.axes}
    assert best[lr].get_linestyle() == "-" and best[n].get_linestyle() == "-"
    assert best[act].get_linestyle() == "None" and best[act].get_marker() == "_"
    assert lr.get_xlabel() == "learning_rate (evenly spaced, not to scale)"
    assert n.get_xlabel() == "max_iter" and act.get_xlabel() == "activation"


@pytest.mark.slow
def test_search_scores_say_how_many_failed_candidates_are_not_drawn():
    from nnscratch.search import plot_scores

    assert "not shown" not in fig_title(plot_scores(_search_rows()))
    fig = plot_scores(_search_rows(failed={0, 5}), title="Search")
    assert fig_title(fig) == "Search\n(2 candidates whose fits failed not shown)"
    everything_failed = plot_scores(_search_rows(failed=set(range(18))), title="Search")
    assert "18 candidates" in fig_title(everything_failed)


def fig_title(fig):
    return fig._suptitle.get_text()


@pytest.mark.parametrize("kw, fragment", [
    ({"max_images": 0}, "max_images must be a whole number >= 1, got 0"),
    ({"columns": 0}, "columns must be a whole number >= 1, got 0"),
    ({"pred": [0, -1] * 5}, "pred_codes gave -1, not a class code of the 2 classes"),
    ({"true": [0] * 9}, "true_codes has 9 entries for 10 pictures"),
    ({"names": ["x"] * 3}, "names has 3 entries for 10 pictures"),
], ids=["max_images-0", "columns-0", "code-minus-1", "short-codes", "short-names"])
def test_plot_mislabeled_checks_its_arguments(kw, fragment):
    """max_images=0 drew "every prediction is right" over five wrong ones, -1 dropped
    a picture, code -1 was labelled with the last class, columns=0 divided by zero."""
    from nnscratch.plotting import plot_mislabeled

    images = np.zeros((10, 8, 8, 3), np.uint8)
    true = np.asarray(kw.pop("true", [0] * 10))
    pred = np.asarray(kw.pop("pred", [0, 1] * 5))
    with pytest.raises(ValueError, match=re.escape(fragment)):
        plot_mislabeled(images, true, pred, ["a", "b"], **kw)
