"""The course's function contract, the checker and the one-step trace.

Three modules hold the functions a learner writes in the course, with its names,
signatures, return values and caches, built on the library's core
(:mod:`nnscratch.network`):

- :mod:`nnscratch.course.logistic`: ``sigmoid``, ``initialize_with_zeros``,
  ``propagate``, ``optimize``, ``predict``, ``model``;
- :mod:`nnscratch.course.shallow`: ``layer_sizes``, ``initialize_parameters``,
  ``forward_propagation``, ``compute_cost``, ``backward_propagation``,
  ``update_parameters``, ``nn_model``, ``predict``;
- :mod:`nnscratch.course.deep`: ``initialize_parameters``,
  ``initialize_parameters_deep``, ``linear_forward``, ``linear_activation_forward``,
  ``L_model_forward``, ``compute_cost``, ``linear_backward``,
  ``linear_activation_backward``, ``L_model_backward``, ``update_parameters``,
  ``two_layer_model``, ``L_layer_model``, ``predict`` (the last three: the Application
  notebook's).

Beside them:

- :func:`check` runs a learner's own file against the contract (in a separate
  process) and says, per function, ``pass``, ``fail`` (with the first array that
  differs and a hint), ``error`` or ``missing``;
- :func:`trace` shows one training step layer by layer in the course's notation.

Examples
--------
>>> from nnscratch.course import deep
>>> import numpy as np
>>> Z, cache = deep.linear_forward(np.ones((3, 2)), np.ones((1, 3)), np.zeros((1, 1)))
>>> Z
array([[3., 3.]])
"""

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # what editors and type checkers see; imported on first use below
    from .._checker import CheckError, CheckReport, FunctionResult, check
    from .._trace import Trace, trace
    from . import deep, logistic, shallow

__all__ = ["CheckError", "CheckReport", "FunctionResult", "Trace", "check", "deep", "logistic",
           "shallow", "trace"]

#: Where each name lives, imported when first used: the checker's own processes import
#: one assignment's module alone, and start the sooner for it.
_HOMES = {"CheckError": "nnscratch._checker", "CheckReport": "nnscratch._checker",
          "FunctionResult": "nnscratch._checker", "check": "nnscratch._checker",
          "Trace": "nnscratch._trace", "trace": "nnscratch._trace",
          "deep": "nnscratch.course.deep", "logistic": "nnscratch.course.logistic",
          "shallow": "nnscratch.course.shallow"}


def __getattr__(name: str):
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module = import_module(home)
    value = module if home.endswith("." + name) else getattr(module, name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
