"""Plots: real PNG pictures of cost curves, decision boundaries and mislabeled pictures."""

import numpy as np
import pytest
from PIL import Image

from nnscratch.plotting import (
    plot_cost_curves,
    plot_costs,
    plot_decision_boundaries,
    plot_decision_boundary,
    plot_mislabeled,
    save_png,
)

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _png(path):
    assert path.read_bytes()[:8] == PNG_MAGIC
    with Image.open(path) as img:
        img.load()
        return np.asarray(img.convert("RGB"))


@pytest.mark.parametrize("cost_every, label", [(100, "per hundred"), (50, "per 50")])
@pytest.mark.slow
def test_cost_curve_axes_follow_cost_every(tmp_path, cost_every, label):
    costs = [0.69, 0.5, 0.41, 0.36, 0.33]
    fig = plot_costs(costs, cost_every, title="lr 0.005")
    ax = fig.axes[0]
    assert label in ax.get_xlabel()
    assert ax.get_ylabel() == "cost"
    line = ax.get_lines()[0]
    np.testing.assert_array_equal(line.get_ydata(), costs)
    np.testing.assert_array_equal(line.get_xdata(), np.arange(5))
    save_png(fig, tmp_path / "c.png")
    pixels = _png(tmp_path / "c.png")
    assert pixels.shape[:2] == (420, 640)
    assert len(np.unique(pixels.reshape(-1, 3), axis=0)) > 2  # something is drawn


def test_no_window_backend_is_needed():
    fig = plot_costs([1.0, 0.5])
    assert type(fig.canvas).__name__ == "FigureCanvasAgg"


def test_cost_curve_needs_costs():
    with pytest.raises(ValueError, match="no costs"):
        plot_costs([])


@pytest.mark.slow
def test_several_cost_curves(tmp_path):
    fig = plot_cost_curves({"a": ([0.7, 0.6], 100), "b": ([0.7, 0.3, 0.2], 10)}, title="t")
    assert [ax.get_title() for ax in fig.axes] == ["a", "b"]
    assert "per 10" in fig.axes[1].get_xlabel()
    save_png(fig, tmp_path / "c.png")
    _png(tmp_path / "c.png")


def _two_blobs():
    rng = np.random.default_rng(0)
    points = np.r_[rng.normal(-2, 0.5, (30, 2)), rng.normal(2, 0.5, (30, 2))]
    codes = np.r_[np.zeros(30, int), np.ones(30, int)]
    return points, codes


@pytest.mark.slow
def test_decision_boundary_colours_both_regions(tmp_path):
    points, codes = _two_blobs()
    seen = []

    def predict(grid):
        seen.append(grid.shape)
        return (grid[:, 0] + grid[:, 1] > 0).astype(int)

    fig = plot_decision_boundary(predict, points, codes, ["left", "right"], resolution=50)
    assert seen == [(2500, 2)]
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["left", "right"]
    save_png(fig, tmp_path / "b.png")
    pixels = _png(tmp_path / "b.png").astype(int)
    # the two region colours (light red, light blue) both cover a good part of the picture
    red = np.all(np.abs(pixels - [0xF4, 0xB6, 0xB6]) < 8, axis=-1).mean()
    blue = np.all(np.abs(pixels - [0xB4, 0xCD, 0xE6]) < 8, axis=-1).mean()
    assert red > 0.1 and blue > 0.1


def test_decision_boundary_needs_2d_points():
    with pytest.raises(ValueError, match="2-D data"):
        plot_decision_boundary(lambda g: np.zeros(len(g)), np.zeros((5, 3)), np.zeros(5))


@pytest.mark.slow
def test_decision_boundaries_side_by_side(tmp_path):
    points, codes = _two_blobs()
    fig = plot_decision_boundaries(
        {"x": lambda g: (g[:, 0] > 0).astype(int), "y": lambda g: (g[:, 1] > 0).astype(int)},
        points, codes, ["a", "b"], title="two",
    )
    assert [ax.get_title() for ax in fig.axes] == ["x", "y"]
    save_png(fig, tmp_path / "b.png")
    _png(tmp_path / "b.png")


@pytest.mark.slow
def test_mislabeled_grid_shows_only_the_wrong_pictures(tmp_path):
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, (12, 8, 8, 3), dtype=np.uint8)
    true = np.array([0, 1] * 6)
    pred = true.copy()
    pred[[1, 4, 7]] = 1 - pred[[1, 4, 7]]
    fig = plot_mislabeled(images, true, pred, ["non-cat", "cat"],
                          names=[f"img{i}.png" for i in range(12)])
    shown = [ax for ax in fig.axes if ax.images]
    assert len(shown) == 3
    assert "true: cat\npredicted: non-cat\nimg1.png" == shown[0].get_title()
    np.testing.assert_array_equal(shown[1].images[0].get_array(), images[4])
    assert "3 of 12" in fig._suptitle.get_text()
    save_png(fig, tmp_path / "m.png")
    _png(tmp_path / "m.png")


def test_mislabeled_grid_caps_the_number_of_pictures():
    images = np.zeros((30, 4, 4, 3), dtype=np.uint8)
    fig = plot_mislabeled(images, np.zeros(30, int), np.ones(30, int), ["a", "b"],
                          max_images=7)
    assert len([ax for ax in fig.axes if ax.images]) == 7
    assert "7 of 30 shown" in fig._suptitle.get_text()


def test_mislabeled_grid_when_all_are_right(tmp_path):
    images = np.zeros((3, 4, 4, 3), dtype=np.uint8)
    fig = plot_mislabeled(images, np.zeros(3, int), np.zeros(3, int), ["a", "b"])
    assert "every prediction is right" in fig.axes[0].texts[0].get_text()
    save_png(fig, tmp_path / "m.png")
    _png(tmp_path / "m.png")


def test_save_png_is_atomic(tmp_path):
    path = tmp_path / "p.png"
    path.write_bytes(b"old")

    class Broken:
        def savefig(self, *args, **kwargs):
            with open(args[0], "wb") as f:
                f.write(b"half")
            raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        save_png(Broken(), path)
    assert path.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["p.png"]
