"""Write the small intersphinx inventories the offline documentation build uses.

The machines that build the docs have no network, so the projects' published
``objects.inv`` files cannot be fetched. This script writes, for each project, an
inventory of the few names nnscratch's documentation links to, with the address each
one has on the project's published site. Run it after linking to a new outside name::

    python3 docs/_inventories/make_inventories.py

With a network, ``NNSCRATCH_DOCS_ONLINE=1`` makes the build use the full published
inventories instead (see ``docs/conf.py``).
"""

from __future__ import annotations

import zlib
from pathlib import Path

HERE = Path(__file__).resolve().parent

# project -> (title, [(name, domain:role, relative address)]); "$" stands for the name.
NUMPY_GEN = "reference/generated/$.html#$"
SKLEARN_GEN = "modules/generated/$.html#$"
INVENTORIES = {
    "python": ("Python", [
        ("int", "py:class", "library/functions.html#$"),
        ("float", "py:class", "library/functions.html#$"),
        ("str", "py:class", "library/stdtypes.html#$"),
        ("bool", "py:class", "library/functions.html#$"),
        ("bytes", "py:class", "library/stdtypes.html#$"),
        ("dict", "py:class", "library/stdtypes.html#$"),
        ("list", "py:class", "library/stdtypes.html#$"),
        ("tuple", "py:class", "library/stdtypes.html#$"),
        ("callable", "py:function", "library/functions.html#$"),
        ("None", "py:data", "library/constants.html#$"),
        ("os.PathLike", "py:class", "library/os.html#$"),
        ("pathlib.Path", "py:class", "library/pathlib.html#$"),
        ("ValueError", "py:exception", "library/exceptions.html#$"),
        ("RuntimeError", "py:exception", "library/exceptions.html#$"),
        ("UserWarning", "py:exception", "library/exceptions.html#$"),
        ("KeyboardInterrupt", "py:exception", "library/exceptions.html#$"),
        ("typing.NamedTuple", "py:class", "library/typing.html#$"),
        ("True", "py:data", "library/constants.html#$"),
        ("False", "py:data", "library/constants.html#$"),
        ("bltin-boolean-values", "std:label", "library/stdtypes.html#$"),
        ("iterable", "std:term", "glossary.html#term-$"),
        ("sequence", "std:term", "glossary.html#term-$"),
        ("mapping", "std:term", "glossary.html#term-$"),
        ("function", "std:term", "glossary.html#term-$"),
        ("generator", "std:term", "glossary.html#term-$"),
        ("path-like object", "std:term", "glossary.html#term-path-like-object"),
    ]),
    "numpy": ("NumPy", [
        ("numpy.ndarray", "py:class", NUMPY_GEN),
        ("numpy.dtype", "py:class", NUMPY_GEN),
        ("numpy.float32", "py:class", "reference/arrays.scalars.html#$"),
        ("numpy.float64", "py:class", "reference/arrays.scalars.html#$"),
        ("numpy.random.RandomState", "py:class", "reference/random/legacy.html#$"),
        ("numpy.random.Generator", "py:class", "reference/random/generator.html#$"),
        ("numpy.random.seed", "py:function", "reference/random/generated/$.html#$"),
        ("numpy.load", "py:function", NUMPY_GEN),
        ("numpy.savez", "py:function", NUMPY_GEN),
        ("numpy.take", "py:function", NUMPY_GEN),
        ("array_like", "std:term", "glossary.html#term-array_like"),
        ("arrays.scalars", "std:label", "reference/arrays.scalars.html#$"),
    ]),
    "scipy": ("SciPy", [
        ("scipy.special.expit", "py:data", "reference/generated/$.html#$"),
        ("scipy.special.log_softmax", "py:function", "reference/generated/$.html#$"),
        ("scipy.io.loadmat", "py:function", "reference/generated/$.html#$"),
    ]),
    "sklearn": ("scikit-learn", [
        ("sklearn.base.BaseEstimator", "py:class", SKLEARN_GEN),
        ("sklearn.base.ClassifierMixin", "py:class", SKLEARN_GEN),
        ("sklearn.base.clone", "py:function", SKLEARN_GEN),
        ("sklearn.pipeline.Pipeline", "py:class", SKLEARN_GEN),
        ("sklearn.pipeline.make_pipeline", "py:function", SKLEARN_GEN),
        ("sklearn.preprocessing.StandardScaler", "py:class", SKLEARN_GEN),
        ("sklearn.model_selection.GridSearchCV", "py:class", SKLEARN_GEN),
        ("sklearn.model_selection.train_test_split", "py:function", SKLEARN_GEN),
        ("sklearn.model_selection.cross_val_score", "py:function", SKLEARN_GEN),
        ("sklearn.neural_network.MLPClassifier", "py:class", SKLEARN_GEN),
        ("sklearn.linear_model.LogisticRegression", "py:class", SKLEARN_GEN),
        ("sklearn.datasets.make_moons", "py:function", SKLEARN_GEN),
        ("sklearn.datasets.make_circles", "py:function", SKLEARN_GEN),
        ("sklearn.datasets.make_classification", "py:function", SKLEARN_GEN),
        ("sklearn.datasets.load_digits", "py:function", SKLEARN_GEN),
        ("sklearn.datasets.load_breast_cancer", "py:function", SKLEARN_GEN),
        ("sklearn.metrics.log_loss", "py:function", SKLEARN_GEN),
        ("sklearn.metrics.balanced_accuracy_score", "py:function", SKLEARN_GEN),
        ("sklearn.metrics.confusion_matrix", "py:function", SKLEARN_GEN),
        ("sklearn.exceptions.ConvergenceWarning", "py:class", SKLEARN_GEN),
        ("sklearn.utils.check_random_state", "py:function", SKLEARN_GEN),
        # what the docstrings of the methods estimators inherit from scikit-learn cite
        ("metadata_routing", "std:label", "metadata_routing.html#metadata-routing"),
        ("accuracy_score", "std:label", "modules/model_evaluation.html#accuracy-score"),
        ("meta-estimator", "std:term", "glossary.html#term-meta-estimator"),
    ]),
    "matplotlib": ("Matplotlib", [
        ("matplotlib.figure.Figure", "py:class", "api/_as_gen/$.html#$"),
        ("matplotlib.axes.Axes", "py:class", "api/_as_gen/$.html#$"),
        ("matplotlib.pyplot.subplots", "py:function", "api/_as_gen/$.html#$"),
    ]),
}

# Labels need the title a reference shows when it gives none.
LABELS = {"bltin-boolean-values": "Boolean Values", "arrays.scalars": "Scalars",
          "metadata_routing": "Metadata Routing", "accuracy_score": "Accuracy score"}


def write(project: str, title: str, entries: list[tuple[str, str, str]]) -> Path:
    """Write ``<project>.inv`` in Sphinx's inventory format, version 2."""
    header = (f"# Sphinx inventory version 2\n# Project: {title}\n# Version: \n"
              "# The remainder of this file is compressed using zlib.\n").encode()
    body = "".join(f"{name} {role} {-1 if role == 'std:label' else 1} "
                   f"{uri.replace('$', name)} {LABELS.get(name, '-')}\n"
                   for name, role, uri in sorted(entries))
    path = HERE / f"{project}.inv"
    path.write_bytes(header + zlib.compress(body.encode()))
    return path


if __name__ == "__main__":
    for project, (title, entries) in INVENTORIES.items():
        print(write(project, title, entries))
