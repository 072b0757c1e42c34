"""Plots at their edges: what a person sees with one cost, a diverged run, many
classes, long names, tiny or odd pictures (checked through matplotlib's objects)."""

import numpy as np

from nnscratch.plotting import plot_cost_curves, plot_costs


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
