"""The first layer on ``scipy.sparse`` data: sparse products, never a dense ``X``.

Only the first layer touches the data, so sparse input is this module's business
alone: the estimators keep a CSR matrix ``(m, n_x)`` and pass its transpose ``Xᵀ``
(a CSC matrix ``(n_x, m)`` over the same arrays, no copy) as the seeds' ``X``; the
engine (:func:`nnscratch._engine.first_layer`) then picks :class:`SparseFirstLayer`,
whose products are sparse times dense:

=====================  ===========================================  ==================
seeds                  computed as                                  cost
=====================  ===========================================  ==================
``Z1 = W1 X_B``        ``(X_Bᵀ @ W1ᵀ)ᵀ``, CSR rows times dense      ``2 n_1 nnz(X_B)``
``dW1 = dZ1 X_Bᵀ``     ``(X_B @ dZ1ᵀ)ᵀ``, CSC times dense           ``2 n_1 nnz(X_B)``
``X_B``                the batch's CSR rows (``X[rows]``)           ``nnz(X_B)``
=====================  ===========================================  ==================

so an epoch costs ``4 n_1 nnz`` for the products, plus the update of ``W1`` itself:
``n_1 n_x`` per step for the optimizers with a state (momentum, RMSProp, Adam) and with
L2, as for dense data (the weights are dense); plain gradient descent without L2,
when the batch is very sparse (:data:`COMPACT_STEP_RATIO`), updates only the columns
of ``W1`` whose features occur in the batch (the others' gradient is 0), ``n_1
nnz(X_B)`` per step. No array of shape ``(n_x, m)`` is ever made. ``W1`` is kept in
Fortran order, so that ``W1ᵀ`` (the right operand of the forward product) and the
gradient ``(X_B @ dZ1ᵀ)ᵀ`` are contiguous: scipy's kernels then read and write them
without a copy.

:func:`dot` is the one product helper: ``A @ B`` as a dense array when either side
is sparse (the row-space form's Gram matrix and its products use it too).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

__all__ = ["COMPACT_STEP_RATIO", "SparseFirstLayer", "dot", "issparse", "left_product"]

#: Plain gradient descent steps only the columns of ``W1`` whose features occur in the
#: batch when ``W1`` has more than this many times as many values as the batch has
#: non-zeros (measured: even at 160x, 3x faster at 3200x; below, the one dense pass
#: over ``W1`` beats the gather and scatter of its columns).
COMPACT_STEP_RATIO = 256

issparse = sp.issparse


def left_product(W: np.ndarray, X) -> np.ndarray:
    """``W @ X`` for a sparse ``X`` (n_x, m), as ``(Xᵀ @ Wᵀ)ᵀ``.

    Parameters
    ----------
    W : ndarray of shape (n_1, n_x)
        Fastest in Fortran order (``Wᵀ`` is then C-contiguous: no copy).
    X : sparse matrix of shape (n_x, m)
        Usually the transpose (CSC) of the estimators' CSR rows: ``Xᵀ`` is those rows.

    Returns
    -------
    ndarray of shape (n_1, m)
        Fortran-ordered (example-major), the layout of the engine's ``Z`` arrays.
    """
    return np.asarray(X.T @ W.T).T


def dot(A, B) -> np.ndarray:
    """``A @ B`` as a dense ndarray, either operand sparse or dense, neither densified.

    Parameters
    ----------
    A : ndarray or sparse matrix of shape (p, q)
    B : ndarray or sparse matrix of shape (q, r)

    Returns
    -------
    ndarray of shape (p, r)
        A sparse-times-sparse product is made sparse, then made dense (it is the
        ``(p, r)`` result, not an operand).
    """
    if issparse(A):
        out = A @ B
    elif issparse(B):
        out = (B.T @ A.T).T
    else:
        return A @ B
    return out.toarray() if issparse(out) else np.asarray(out)


class SparseFirstLayer:
    """The first layer (:class:`nnscratch._engine.FirstLayer`) on sparse data.

    ``W1`` is an array (dense, Fortran order) updated by the optimizer as
    :class:`~nnscratch._engine.DenseFirstLayer` updates it; only the products with the
    data are sparse.

    Parameters
    ----------
    W1 : ndarray of shape (n_1, n_x)
        Updated in place, in any memory order: Fortran order (which the estimators give
        a model trained on sparse data) is the fastest. A C-ordered one (a model
        trained full-batch or on dense data, continued on sparse data) was trained in a
        private Fortran copy, written back at :meth:`finish`: meanwhile the validation
        was scored with the ``W1`` the fit began with, and a callback's writes into it
        were lost.
    X : sparse matrix of shape (n_x, m_X)
        The data in the seeds' layout (the CSC transpose of CSR rows).
    rows : ndarray of int or None
        The columns of ``X`` that are the training examples (batches index into it).
    optimizer : nnscratch.optimizers.Optimizer
    """

    folds_learning_rate = True

    def __init__(self, W1: np.ndarray, X, rows, optimizer) -> None:
        self.W1 = self.W = W1
        self.examples = X.T if X.T.format == "csr" else sp.csr_matrix(X.T)  # (m_X, n_x)
        self.rows = rows
        self.optimizer = optimizer
        self._X_B = None  # the last forward's batch, (m_B, n_x) CSR
        # Plain gradient descent (no momentum, no state): W1 -= lr * dW1, lr folded in.
        rule = optimizer.linear_rule
        self._plain_descent = rule is not None and rule.momentum == 0.0 and not rule.velocity

    def _batch(self, batch):
        if self.rows is not None:
            return self.examples[self.rows[batch]]
        if isinstance(batch, slice) and batch == slice(None):
            return self.examples
        return self.examples[batch]

    def forward(self, batch) -> np.ndarray:
        X_B = self._X_B = self._batch(batch)
        return np.asarray(X_B @ self.W.T).T  # (n_1, m_B), Fortran order

    def sq_norm(self) -> float:
        return float(np.vdot(self.W, self.W))

    def step(self, dZ1, batch, alpha, m, scale) -> None:
        X_B = self._X_B
        l2 = scale * alpha / m
        if not l2 and self._plain_descent and X_B.nnz * COMPACT_STEP_RATIO < self.W.size:
            self._compact_step(X_B, dZ1)
            return
        dW1 = np.asarray(X_B.T @ dZ1.T).T  # dZ1 X_Bᵀ, Fortran order like W
        if l2:
            dW1 += l2 * self.W
        self.optimizer.update_more({"W1": self.W}, {"dW1": dW1}, scaled=True)

    def _compact_step(self, X_B, dZ1) -> None:
        """``W1 -= dZ1 X_Bᵀ`` on the columns of the features that occur in the batch.

        Gradient descent without L2 leaves the other columns of ``W1`` as they are
        (their gradient is 0), so the step costs ``n_1 · nnz(X_B)`` and two passes over
        ``n_x`` flags instead of ``n_1 · n_x``; ``dZ1`` comes multiplied by the learning
        rate. The sums are the full product's, in the same order.
        """
        n_x = X_B.shape[1]
        seen = np.zeros(n_x, dtype=bool)
        seen[X_B.indices] = True
        cols = np.flatnonzero(seen)
        position = np.empty(n_x, dtype=X_B.indices.dtype)
        position[cols] = np.arange(len(cols), dtype=position.dtype)
        compact = sp.csr_matrix((X_B.data, position[X_B.indices], X_B.indptr),
                                shape=(X_B.shape[0], len(cols)))
        rows = self.W.T  # (n_x, n_1): W1's columns are its rows (C order for a Fortran W1)
        rows[cols] -= np.asarray(compact.T @ dZ1.T)

    def weights(self) -> np.ndarray:
        return self.W

    def product(self, X_other):
        return None

    def finish(self) -> None:
        pass  # W1 is trained in place: nothing to write back
