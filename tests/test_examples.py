"""The gallery's scripts (examples/plot_*.py) run and draw what they promise, as
sphinx-gallery runs them: in their own folder, without ``__file__``; the figures of
:mod:`nnscratch.plotting` (made without pyplot) are saved through the gallery's own
scraper (docs/_ext/nnscratch_gallery.py). The documentation build in test_docs.py
builds the gallery's pages without running the scripts again."""

import importlib.util
import sys
from pathlib import Path

import matplotlib
import pytest
from matplotlib.figure import Figure

ROOT = Path(__file__).parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("plot_*.py"))


def _gallery_scraper():
    """docs/_ext/nnscratch_gallery.py, or None without sphinx-gallery (the docs extra)."""
    if importlib.util.find_spec("sphinx_gallery") is None:
        return None
    spec = importlib.util.spec_from_file_location(
        "nnscratch_gallery", ROOT / "docs" / "_ext" / "nnscratch_gallery.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_gallery_has_its_examples():
    assert len(EXAMPLES) >= 12


@pytest.mark.slow
@pytest.mark.parametrize("script", EXAMPLES, ids=lambda p: p.stem)
def test_example_runs_and_draws(script, capsys, monkeypatch, tmp_path):
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.close("all")
    monkeypatch.setattr(plt, "show", lambda *a, **k: None)
    monkeypatch.chdir(script.parent)  # where sphinx-gallery runs it
    monkeypatch.setattr(sys, "argv", [str(script)])
    namespace = {"__name__": "__main__"}  # sphinx-gallery never sets __file__
    exec(compile(script.read_text(encoding="utf-8"), str(script), "exec"), namespace)
    printed = capsys.readouterr().out
    assert printed.strip(), f"{script.name} printed nothing"
    # pyplot's figures, and the library's own (nnscratch.plotting makes them without pyplot)
    pyplot_figures = [plt.figure(n) for n in plt.get_fignums()]
    own = [v for v in namespace.values()
           if isinstance(v, Figure) and not any(v is f for f in pyplot_figures)]
    figures = pyplot_figures + own
    assert figures, f"{script.name} drew nothing"
    for fig in figures:
        assert any(ax.has_data() or ax.tables or ax.images for ax in fig.axes), \
            f"{script.name}: a figure with empty axes"
    scraper = _gallery_scraper()
    if scraper is not None:  # the gallery saves each of the library's figures once
        from sphinx_gallery.scrapers import ImagePathIterator

        block_vars = {"src_file": str(script), "example_globals": namespace,
                      "image_path_iterator": ImagePathIterator(
                          tmp_path / f"sphx_glr_{script.stem}_{{0:03}}.png")}
        rst = scraper.figure_scraper(None, block_vars, {"src_dir": str(tmp_path)})
        saved = sorted(tmp_path.glob("sphx_glr_*.png"))
        assert len(saved) == len({id(f) for f in own}), (script.name, saved, own)
        assert all(p.stat().st_size > 1000 and p.name in rst for p in saved)
        assert scraper.figure_scraper(None, block_vars, {"src_dir": str(tmp_path)}) == ""
        assert sorted(tmp_path.glob("sphx_glr_*.png")) == saved  # not saved twice
    plt.close("all")
