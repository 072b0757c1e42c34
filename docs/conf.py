"""Sphinx configuration of the nnscratch documentation.

Build (after ``pip install -e '.[docs]'``)::

    python3 -m sphinx -W --keep-going -b html docs docs/_build/html

Offline by default: cross-links to Python, NumPy, SciPy, scikit-learn and Matplotlib
resolve through the small inventories in ``docs/_inventories`` (made by
``docs/_inventories/make_inventories.py``). Set ``NNSCRATCH_DOCS_ONLINE=1`` where the
network is reachable to use the projects' full published inventories instead.

``NNSCRATCH_DOCS_GALLERY=0`` skips running the gallery's scripts (their pages are
built without outputs), for a quick look at text changes; ``NNSCRATCH_DOCS_RERUN=1``
runs every script, changed or not.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
sys.path.insert(0, str(ROOT / "src"))  # the checkout's code, installed or not
sys.path.insert(0, str(DOCS / "_ext"))  # the gallery's scraper for nnscratch.plotting

import nnscratch

project = "nnscratch"
author = "the nnscratch developers"
copyright = "the nnscratch developers"
version = release = nnscratch.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.intersphinx",
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",
    "numpydoc",
    "myst_parser",
    "sphinx_gallery.gen_gallery",
]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", "_ext", "_inventories", "Thumbs.db", ".DS_Store", "**.ipynb_checkpoints"]
templates_path = ["_templates"]
default_role = "py:obj"  # `name` in a docstring links to the object when it exists

# --------------------------------------------------------------------- API reference
autosummary_generate = True
autosummary_ignore_module_all = False  # a module's public names are its __all__
autosummary_imported_members = False
autodoc_default_options = {"member-order": "bysource"}
autodoc_typehints = "none"  # numpydoc's Parameters sections are the reference
# Optional dependencies a documented module imports at its top (e.g. "dask") and that
# the docs extra does not install: autodoc imports the module with these mocked.
autodoc_mock_imports: list[str] = []
# The top-level namespace re-exports names defined in the modules: its page links each
# one to the page of the module that defines it (see _templates/autosummary/package.rst).


def _canonical_names() -> dict[str, str]:
    """Each name ``nnscratch`` exports -> ``nnscratch.<module>.<name>`` of its page.

    The page is the one of the public module that defines the name, or else of the
    first public module whose ``__all__`` lists it (a name taken from another library,
    such as scikit-learn's ``ConvergenceWarning``).
    """
    modules = [importlib.import_module(f"nnscratch.{info.name}")
               for info in pkgutil.iter_modules(nnscratch.__path__)
               if not info.name.startswith("_")]
    canonical = {}
    for name in nnscratch.__all__:
        if name.startswith("_"):
            continue
        listing = [m for m in modules if name in getattr(m, "__all__", ())]
        defining = [m for m in listing
                    if getattr(getattr(nnscratch, name), "__module__", None) == m.__name__]
        if defining or listing:
            canonical[name] = f"{(defining or listing)[0].__name__}.{name}"
    return canonical


autosummary_context = {"canonical": _canonical_names()}

numpydoc_show_class_members = False  # the class template lists the methods itself
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = True
numpydoc_xref_aliases = {
    "ndarray": "numpy.ndarray",
    "np.ndarray": "numpy.ndarray",
    "RandomState": "numpy.random.RandomState",
    "Generator": "numpy.random.Generator",
    "Figure": "matplotlib.figure.Figure",
    "Axes": "matplotlib.axes.Axes",
    "Path": "pathlib.Path",
}
numpydoc_xref_ignore = {"of", "shape", "or", "optional", "default", "n_samples", "n_features",
                        "n_classes", "n_x", "m", "n_l", "n_l-1", "1", "n_outputs"}

# ------------------------------------------------------------------------ intersphinx
_INVENTORIES = DOCS / "_inventories"
_ONLINE = os.environ.get("NNSCRATCH_DOCS_ONLINE", "") not in ("", "0")
_PROJECTS = {
    "python": "https://docs.python.org/3/",
    "numpy": "https://numpy.org/doc/stable/",
    "scipy": "https://docs.scipy.org/doc/scipy/",
    "sklearn": "https://scikit-learn.org/stable/",
    "matplotlib": "https://matplotlib.org/stable/",
}
intersphinx_mapping = {
    name: (url, None if _ONLINE else str(_INVENTORIES / f"{name}.inv"))
    for name, url in _PROJECTS.items()
}

# -------------------------------------------------------------------------- the gallery
# The examples run with one BLAS thread (NNSCRATCH_DOCS_BLAS_THREADS to change it): on
# a machine shared with other jobs, as CI's are, oversubscribed BLAS threads can make
# a run many times slower, and one thread makes the build's time predictable.
from threadpoolctl import threadpool_limits  # a scikit-learn dependency

_BLAS_LIMITS = threadpool_limits(limits=int(os.environ.get("NNSCRATCH_DOCS_BLAS_THREADS", "1")),
                                 user_api="blas")
_RUN_GALLERY = os.environ.get("NNSCRATCH_DOCS_GALLERY", "1") not in ("0", "")
# By default an example runs again only when its file changed; NNSCRATCH_DOCS_RERUN=1
# runs every one (the test suite's build does, so that a library change that breaks
# an example fails it).
_RERUN = os.environ.get("NNSCRATCH_DOCS_RERUN", "") not in ("", "0")
sphinx_gallery_conf = {
    "examples_dirs": str(ROOT / "examples"),
    "gallery_dirs": "auto_examples",  # generated, git-ignored
    "filename_pattern": r"/plot_",
    "plot_gallery": "True" if _RUN_GALLERY else "False",
    "run_stale_examples": _RERUN,
    "within_subsection_order": "FileNameSortKey",
    "download_all_examples": False,
    "remove_config_comments": True,
    "show_memory": False,
    "matplotlib_animations": False,
    "image_scrapers": ("nnscratch_gallery.figure_scraper", "matplotlib"),  # in this order
    "reset_modules": ("matplotlib",),
    "abort_on_example_error": True,
    "capture_repr": ("_repr_html_", "__repr__"),
    "reference_url": {"nnscratch": None},  # link the names the examples use to the API pages
    "doc_module": ("nnscratch",),
    "backreferences_dir": "gen_modules/backreferences",  # generated, git-ignored
    "min_reported_time": 1,
}

# ------------------------------------------------------------------------------ HTML
html_theme = "pydata_sphinx_theme"
html_title = f"nnscratch {release}"
html_static_path: list[str] = []
html_theme_options = {
    "navbar_align": "left",
    "show_toc_level": 2,
    "navigation_with_keys": False,
    "secondary_sidebar_items": ["page-toc"],
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version", "theme-version"],
}
html_sidebars = {"index": [], "changelog": []}
html_show_sourcelink = False

myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence", "deflist"]
myst_heading_anchors = 3


# --------------------------------------------------------------------------- inherited docs
# Methods our estimators inherit from scikit-learn (``set_output``, ...) keep its
# docstrings, whose :ref: roles point at labels of scikit-learn's own site; they are
# shown as plain text here (the API reference links to scikit-learn's pages otherwise).
import re as _re  # noqa: E402

_SKLEARN_REF = _re.compile(r":ref:`([^`<]+?)\s*<[^`>]+>`|:ref:`([^`]+)`")


def _plain_sklearn_refs(app, what, name, obj, options, lines):
    module = getattr(obj, "__module__", "") or ""
    if not module.startswith("sklearn"):
        return
    for i, line in enumerate(lines):
        lines[i] = _SKLEARN_REF.sub(lambda m: (m.group(1) or m.group(2)).strip(), line)


def setup(app):
    app.connect("autodoc-process-docstring", _plain_sklearn_refs)
