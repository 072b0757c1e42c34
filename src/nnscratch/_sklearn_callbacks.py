"""scikit-learn's callback protocol (``sklearn.callback``) on the estimators.

scikit-learn 1.9 added an experimental callback protocol: an estimator that mixes in
``CallbackSupportMixin`` gets ``set_callbacks(*callbacks)``, opens a tree of *tasks*
when it fits, and calls ``on_fit_task_begin`` / ``on_fit_task_end`` on each, so that
``sklearn.callback.ProgressBar`` and ``ScoringMonitor`` work on it, also inside
``GridSearchCV`` and ``cross_validate``, which propagate them to their clones.

The estimators' fit is one task with one subtask per epoch (``max_subtasks=max_iter``).
The epochs' events come from the library's own training loop through
:class:`EpochTasks`, one more :class:`nnscratch.callbacks.Callback`: the loop keeps
its fast paths (it only reads the weights, and only when a scikit-learn callback asks
for a ``fitted_estimator``, which ``ScoringMonitor`` does and ``ProgressBar`` does not).

Tested with scikit-learn 1.9.1. Where ``sklearn.callback`` is absent (older
scikit-learn), everything else works and ``set_callbacks`` raises one clear error.
"""

from __future__ import annotations

from typing import Any

from .callbacks import Callback

try:  # the protocol is experimental: scikit-learn >= 1.9 (tested with 1.9.1)
    from sklearn.callback import CallbackSupportMixin, with_callbacks

    AVAILABLE = True
except ImportError:  # pragma: no cover - exercised in a subprocess by the tests
    AVAILABLE = False

    class CallbackSupportMixin:  # type: ignore[no-redef]
        """Stand-in where scikit-learn has no ``sklearn.callback``."""

        def set_callbacks(self, *callbacks):
            """Refused: this scikit-learn has no callback protocol."""
            import sklearn

            raise ImportError(
                f"set_callbacks needs scikit-learn's callback protocol (sklearn.callback, "
                f"scikit-learn 1.9 or later; tested with 1.9.1), and this is scikit-learn "
                f"{sklearn.__version__}: pip install -U 'scikit-learn>=1.9', or use "
                "nnscratch's own callbacks=[...]."
            )

    def with_callbacks(method):  # type: ignore[no-redef]
        """No callback context to manage."""
        return method

__all__ = ["AVAILABLE", "CallbackSupportMixin", "EpochTasks", "with_callbacks"]


def has_callbacks(estimator: Any) -> bool:
    """Whether scikit-learn callbacks are set on ``estimator`` or propagated to it."""
    return AVAILABLE and (hasattr(estimator, "_skl_callbacks")
                          or hasattr(estimator, "_parent_callback_ctx"))


class EpochTasks(Callback):
    """The epochs as subtasks of the fit's root task, for scikit-learn's callbacks.

    ``on_fit_task_begin`` of epoch ``i + 1`` is called right after ``on_fit_task_end``
    of epoch ``i`` (the loop has no event between them), as scikit-learn's own
    ``LogisticRegression`` does; no epoch beyond ``max_iter`` is opened, and one opened
    but not run (training stopped) is ended without data at ``on_train_end``. A true
    value from a scikit-learn callback's ``on_fit_task_end`` stops training.

    Parameters
    ----------
    context : sklearn.callback.CallbackContext
        The fit's root context (``estimator._init_callback_context(...)``).
    X : ndarray, sparse matrix or DataFrame of shape (n_samples, n_features)
        The training data, as passed to the callbacks (``ScoringMonitor`` scores it):
        a DataFrame as given, so that a model with ``feature_names_in_`` is scored
        without scikit-learn's feature-name warning.
    y : ndarray of shape (n_samples,)
    metadata : dict or None
        ``{"sample_weight": ...}`` when given.
    """

    def __init__(self, context, X, y, metadata) -> None:
        self.context, self.X, self.y, self.metadata = context, X, y, metadata
        self._epoch = None
        self._left = 0

    def _state(self, estimator):
        """The attributes of a fitted copy of ``estimator`` at this point of training,
        computed only if a callback asks for it (its ``fitted_estimator``)."""
        return lambda: {"params_": {key: value.copy()
                                    for key, value in estimator.params_.items()}}

    def _begin(self, estimator) -> None:
        self._epoch = self.context.subcontext(task_name="epoch")
        self._left -= 1
        self._epoch.call_on_fit_task_begin(
            estimator=estimator, X=self.X, y=self.y, metadata=self.metadata,
            reconstruction_attributes=self._state(estimator),
        )

    def on_train_begin(self, estimator, logs) -> None:
        self._left = logs["max_iter"]
        if self._left > 0:
            self._begin(estimator)

    def on_iteration_end(self, estimator, iteration, logs) -> bool:
        epoch, self._epoch = self._epoch, None
        stop = epoch.call_on_fit_task_end(
            estimator=estimator, X=self.X, y=self.y, metadata=self.metadata,
            reconstruction_attributes=self._state(estimator),
        )
        if not stop and self._left > 0:
            self._begin(estimator)
        return stop

    def on_train_end(self, estimator, logs) -> None:
        if self._epoch is not None:  # opened, never run: an empty task
            epoch, self._epoch = self._epoch, None
            epoch.call_on_fit_task_end(estimator=estimator)
