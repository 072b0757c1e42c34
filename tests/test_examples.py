"""The gallery's scripts (examples/plot_*.py) run from the checkout and draw what they
promise; the documentation build runs them too, but CI does not build the docs."""

import runpy
from pathlib import Path

import matplotlib
import pytest
from matplotlib.figure import Figure

EXAMPLES = sorted((Path(__file__).parent.parent / "examples").glob("plot_*.py"))


def test_the_gallery_has_its_examples():
    assert len(EXAMPLES) >= 10


@pytest.mark.slow
@pytest.mark.parametrize("script", EXAMPLES, ids=lambda p: p.stem)
def test_example_runs_and_draws(script, capsys, monkeypatch):
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.close("all")
    monkeypatch.setattr(plt, "show", lambda *a, **k: None)
    namespace = runpy.run_path(str(script), run_name="__main__")
    printed = capsys.readouterr().out
    assert printed.strip(), f"{script.name} printed nothing"
    # pyplot's figures, and the library's own (nnscratch.plotting makes them without pyplot)
    figures = [plt.figure(n) for n in plt.get_fignums()]
    figures += [v for v in namespace.values() if isinstance(v, Figure) and v not in figures]
    assert figures, f"{script.name} drew nothing"
    for fig in figures:
        assert any(ax.has_data() or ax.tables or ax.images for ax in fig.axes), \
            f"{script.name}: a figure with empty axes"
    plt.close("all")
