"""The gallery's image scraper for the figures of :mod:`nnscratch.plotting`.

The plotting functions build a :class:`matplotlib.figure.Figure` without pyplot (no
window, no global state), so sphinx-gallery's matplotlib scraper, which asks pyplot
for its figures, does not see them. This scraper saves every such figure an example
holds in a variable once, after the code block that made it; pyplot's own figures
are left to the matplotlib scraper, which must come after this one in
``image_scrapers``.
"""

from __future__ import annotations

from typing import Any

from matplotlib.figure import Figure
from sphinx_gallery.scrapers import figure_rst

_SHOWN: dict[str, list[Figure]] = {}  # example file -> figures already saved


def figure_scraper(block: Any, block_vars: dict[str, Any], gallery_conf: dict[str, Any],
                   **kwargs: Any) -> str:
    """Save the new pyplot-free figures of a code block and return their reST."""
    shown = _SHOWN.setdefault(str(block_vars["src_file"]), [])
    new = []
    for value in block_vars["example_globals"].values():
        if not isinstance(value, Figure) or any(value is old for old in shown + new):
            continue
        if value.canvas.manager is not None:
            # A pyplot figure: the matplotlib scraper, which runs after this one, saves
            # and closes it; remember it so that it is not taken for new once closed.
            shown.append(value)
        else:
            new.append(value)
    paths = []
    for fig, path in zip(new, block_vars["image_path_iterator"]):
        fig.savefig(path, dpi=100)
        paths.append(path)
        shown.append(fig)
    return figure_rst(paths, gallery_conf["src_dir"])
