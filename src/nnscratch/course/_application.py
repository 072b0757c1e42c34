"""The Application notebook's own helper (week 4, "Deep Neural Network for Image
Classification: Application").

That notebook imports the step-by-step assignment's functions from its helper module,
``dnn_app_utils_v3``, whose ``initialize_parameters_deep`` is not the step-by-step one:

- step-by-step (:func:`nnscratch.course.deep.initialize_parameters_deep`):
  ``np.random.seed(3)``, ``W[l] = randn(n_l, n_{l-1}) * 0.01``;
- ``dnn_app_utils_v3`` (here): ``np.random.seed(1)``,
  ``W[l] = randn(n_l, n_{l-1}) / √n_{l-1}``.

The course's published ``L_layer_model`` costs on the cat data (0.771749 at iteration
0, 0.092878 at 2400) come from the second. Private: the checker gives it as
``dnn_app_utils_v3``'s when a notebook lacks that module, and
:func:`nnscratch.course.deep.L_layer_model` draws its weights with it.
"""

from __future__ import annotations

from ..initializers import initialize_parameters as _draw


def initialize_parameters_deep(layer_dims) -> dict:
    """``dnn_app_utils_v3.initialize_parameters_deep``: ``W[l] = randn(n_l, n_{l-1}) /
    √n_{l-1}`` after ``np.random.seed(1)`` (from a private generator), ``b[l]`` zeros.

    Parameters
    ----------
    layer_dims : list of int
        ``[n_x, n_1, ..., n_L]``.

    Returns
    -------
    parameters : dict
        ``"W1"``, ``"b1"``, ..., ``"WL"``, ``"bL"``.
    """
    return _draw(list(layer_dims), init="lecun", random_state=1)
