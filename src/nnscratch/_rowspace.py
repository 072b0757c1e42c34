"""Exact row-space ("kernel") form of the first layer, for gradient descent.

Why it is exact
---------------
Every gradient of the first layer's weights has the form ``dW1 = D @ X.T`` (``D`` is
``dZ1 / m`` scattered on the columns of the batch), so it lies in the row space of
``X``; an L2 penalty adds ``weight_decay * W1`` and momentum mixes past gradients, both
linear. Plain gradient descent (with or without L2 and momentum) therefore keeps
``W1`` of the form

    W1 = s * W1_0 + C @ X.T,      s a scalar (starts at 1), C of shape (n_1, m) (starts at 0),

and the first layer's pre-activation never needs ``W1`` itself:

    Z1 = W1 @ X + b1 = s * P0 + C @ G + b1,      P0 = W1_0 @ X (n_1, m),   G = X.T @ X (m, m),

with ``P0`` and ``G`` computed once. A step ``W1 -= lr * (dZ1 @ X_B.T / m_B + lam * W1)``
becomes ``s *= 1 - lr*lam; C *= 1 - lr*lam; C[:, B] -= lr/m_B * dZ1``. An iteration
over all ``m`` examples then costs ``2 * n_1 * m * m`` flops for the first layer instead
of ``4 * n_1 * n_x * m`` (forward ``W1 @ X`` and backward ``dZ1 @ X.T``): when there
are fewer examples than features, the cost of an iteration no longer grows with the
number of features. ``W1`` is recovered as ``s * W1_0 + C @ X.T`` at the end, or
whenever it is needed (``weights()``). The squared norm that the L2 cost needs is

    ||W1||^2 = s^2 ||W1_0||^2 + 2 s <P0, C> + <C @ G, C>.

Element-wise, non-linear updates (Adam, RMSProp, AdaGrad) leave the row space: they
must use the plain path. So must dropout on the input layer (it changes ``X``).

This module is private. :func:`use_rowspace` decides whether to use it (called from
one place, :func:`nnscratch._engine.first_layer`), and :class:`RowSpaceFirstLayer` is
the training loop's first layer (:class:`nnscratch._engine.FirstLayer`) in this form.
How a loop uses it, per iteration (the caller keeps ``b1`` and the other layers)::

    layer = RowSpaceLinear(params["W1"], X)            # once: G = X.T X, P0 = W1_0 X
    Z1 = layer.forward(batch) ; Z1 += b1               # instead of W1 @ X[:, batch] + b1
    penalty = alpha / (2 m) * (layer.sq_norm() + sum ||W_l||^2 for l >= 2)
    ... backward down to dZ1 (no dW1, no dA0) ...
    layer.step(dZ1, lr, batch, weight_decay=alpha / m)  # instead of W1 -= lr * dW1
    params["W1"] = layer.weights()                      # at the end

The training loop (:func:`nnscratch.training.train`) does this when no user callback
may change ``W1`` during training; ``W1`` is computed into the parameters when a
callback reads it (early stopping keeping the best weights: the loop's weights are a
lazy view), and the validation set's ``W1 X_val`` is computed in the same form
(:meth:`RowSpaceLinear.product`).
"""

from __future__ import annotations

import numpy as np

from . import _sparse

__all__ = [
    "MAX_SAMPLES",
    "ROWSPACE_SOLVERS",
    "RowSpaceFirstLayer",
    "RowSpaceLinear",
    "rowspace_is_faster",
    "use_rowspace",
]

#: Largest number of training examples for which the row-space form is used: the Gram
#: matrix G is (m, m), 512 MiB in float64 at m = 8192.
MAX_SAMPLES = 8192

#: Solvers whose update is linear in the gradient, hence stays in the row space of X.
ROWSPACE_SOLVERS = frozenset({"gd", "sgd", "momentum"})

# Cost, in GEMM flops, of touching one array element in an element-wise NumPy
# operation (memory-bound; roughly GEMM flop rate / element-wise rate on 2 cores).
_ELEMENTWISE_FLOPS = 16.0

# Cost, in GEMM flops, of one multiply-add of a sparse-times-dense product (scipy's
# CSR/CSC kernels: one thread, indirect reads), and of one multiply-add of the
# sparse-times-sparse Gram matrix XᵀX (scipy's SpGEMM); measured in docs/sparse.md.
_SPARSE_FLOPS = 30.0
_GRAM_FLOPS = 400.0


def rowspace_is_faster(
    n_x: int,
    m: int,
    n_1: int,
    n_iter: int,
    batch_size: int | None = None,
    solver: str = "gd",
    nnz: int | None = None,
    gram_nnz: float | None = None,
) -> bool:
    """Whether training the first layer in row-space form is expected to be faster.

    Parameters
    ----------
    n_x : int
        Number of input features.
    m : int
        Number of training examples.
    n_1 : int
        Number of units of the first layer (1 for logistic regression).
    n_iter : int
        Number of passes over the data (iterations of full-batch gradient descent,
        or epochs of mini-batch gradient descent).
    batch_size : int or None
        Examples per step; ``None`` (or ``>= m``) for full batch.
    solver : str
        Update rule. Only rules linear in the gradient (:data:`ROWSPACE_SOLVERS`) stay
        in the row space; anything else (``"adam"``, ``"rmsprop"``, ...) returns False.
    nnz : int or None
        For sparse data, its number of non-zeros (None: dense data).
    gram_nnz : float or None
        For sparse data, the multiply-adds of the sparse product ``Xᵀ X``
        (``Σ_j c_j²``, ``c_j`` the examples in which feature ``j`` is non-zero);
        None: ``nnz² / n_x``, its value for features spread evenly.

    Returns
    -------
    bool
        True when the row-space form is exact for this solver, fits in memory
        (``m <= MAX_SAMPLES``; for dense data ``2 m <= n_x``, so that ``G`` takes at
        most half the memory of the training data; for sparse data ``m² <= nnz + n_1
        n_x``, no more values than the data and the weights together) and its
        estimated cost, one-off set-up included, is below 80 % of the plain path's.

    Notes
    -----
    Estimated costs in flops, with an element-wise array operation counted as
    ``_ELEMENTWISE_FLOPS`` per element, ``k = ceil(m / batch_size)`` steps per pass:

    - plain: ``n_iter * (4 n_1 n_x m + k * e n_1 n_x)`` (forward, weight gradient,
      update of ``W1``);
    - row space: ``m^2 n_x`` (``G`` by a symmetric rank-k product) ``+ 4 n_1 n_x m``
      (``P0`` and the final recovery of ``W1``) ``+ n_iter * (2 n_1 m^2 + k * e n_1 m
      + [k > 1] * e m^2)`` (the product ``C @ G``, the update of ``C``, and the
      gather of ``G``'s rows for shuffled mini-batches).

    On sparse data a product with ``X`` costs ``_SPARSE_FLOPS`` per non-zero and unit
    instead of ``n_x m`` GEMM flops (measured: ``docs/sparse.md``):

    - plain: ``n_iter * (4 s n_1 nnz + k * e n_1 n_x)``;
    - row space: ``g gram_nnz + e m^2`` (``G``, made dense; ``g = _GRAM_FLOPS``)
      ``+ 4 s n_1 nnz + 10 e n_1 n_x`` (``P0``, the recovery of ``W1`` and its copies)
      ``+ n_iter *
      (2 n_1 m^2 + k * e n_1 m + [k > 1] * e m^2)``.

    The dense update of ``W1`` (``n_1 n_x`` per step) is what the row-space form saves
    on sparse data: it pays with many features, few examples and many steps.

    Examples
    --------
    >>> rowspace_is_faster(12288, 209, 20, 2500)      # the course's cat model
    True
    >>> rowspace_is_faster(784, 60000, 256, 2, 256)   # MNIST: more examples than features
    False
    >>> rowspace_is_faster(12288, 209, 20, 2500, solver="adam")
    False
    """
    if solver not in ROWSPACE_SOLVERS:
        return False
    if m < 1 or n_x < 1 or n_1 < 1 or n_iter < 1:
        return False
    if m > MAX_SAMPLES:
        return False  # G (m x m) must fit
    if nnz is None and 2 * m > n_x:
        return False  # G must stay within half the size of X (m x n_x)
    if nnz is not None and float(m) * m > nnz + float(n_1) * n_x:
        return False  # G no larger than the data and the weights
    steps = 1 if batch_size is None or batch_size >= m else -(-m // batch_size)
    e = _ELEMENTWISE_FLOPS
    per_pass = 2.0 * n_1 * m * m + steps * e * n_1 * m + (e * m * m if steps > 1 else 0.0)
    if nnz is None:
        plain = n_iter * (4.0 * n_1 * n_x * m + steps * e * n_1 * n_x)
        setup = float(m) * m * n_x + 4.0 * n_1 * n_x * m
    else:
        s = _SPARSE_FLOPS
        gram = float(nnz) * nnz / n_x if gram_nnz is None else float(gram_nnz)
        plain = n_iter * (4.0 * s * n_1 * nnz + steps * e * n_1 * n_x)
        setup = _GRAM_FLOPS * gram + e * m * m + 4.0 * s * n_1 * nnz + 10.0 * e * n_1 * n_x
    return setup + n_iter * per_pass < 0.8 * plain


class GramOverflowError(ValueError):
    """The row-space form's ``G = XᵀX`` (or ``W1_0 X``) overflows its dtype."""


class RowSpaceLinear:
    """The first layer's weights ``W1`` held as ``s * W1_0 + C @ X.T``.

    The object owns the first layer's weights during training (the caller keeps
    ``b1``). It never copies ``X``: it keeps a reference to it, for the final recovery
    of ``W1``.

    Parameters
    ----------
    W1_0 : ndarray of shape (n_1, n_x)
        Initial weights of the first layer (copied).
    X : ndarray or sparse matrix of shape (n_x, m)
        Training inputs, one column per example (the seeds' layout). A transposed view
        of a row-major ``(m, n_x)`` array is fine and is not copied. A sparse ``X``
        (the CSC transpose of CSR rows) is never made dense: ``G``, ``P0`` and the
        recovery of ``W1`` are sparse products.
    dtype : numpy dtype or None
        float32 or float64; defaults to ``X.dtype`` (float64 if ``X`` is not floating).

    Attributes
    ----------
    s : float
        Scale of ``W1_0`` in ``W1`` (shrinks under weight decay).
    C : ndarray of shape (n_1, m)
        Coefficients of ``W1`` on the rows of ``X.T``.
    G : ndarray of shape (m, m)
        Gram matrix ``X.T @ X``.
    P0 : ndarray of shape (n_1, m)
        ``W1_0 @ X``.

    Notes
    -----
    Memory: ``G`` (m x m) plus a few (n_1, m) arrays; no copy of ``X``. ``G`` is
    ``m / n_x`` times the size of ``X``: at most half when :func:`rowspace_is_faster`
    chose this form.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((50, 8)); W1_0 = rng.standard_normal((3, 50))
    >>> layer = RowSpaceLinear(W1_0, X)
    >>> dZ1 = rng.standard_normal((3, 8))
    >>> layer.step(dZ1, lr=0.1)
    >>> bool(np.allclose(layer.weights(), W1_0 - 0.1 * dZ1 @ X.T / 8))
    True
    >>> bool(np.allclose(layer.forward(), layer.weights() @ X))
    True
    """

    def __init__(self, W1_0: np.ndarray, X: np.ndarray, dtype=None) -> None:
        sparse = _sparse.issparse(X)
        if not sparse:
            X = np.asarray(X)
        if X.ndim != 2:
            raise ValueError(f"X must be 2-D (n_x, m), got shape {X.shape}")
        if dtype is None:
            dtype = X.dtype if X.dtype in (np.float32, np.float64) else np.float64
        dtype = np.dtype(dtype)
        if dtype not in (np.float32, np.float64):
            raise ValueError(f"dtype must be float32 or float64, got {dtype}")
        if X.dtype != dtype:
            X = X.astype(dtype)  # only when the caller asks for another dtype
        W1_0 = np.array(W1_0, dtype=dtype, copy=True, order="C")
        if W1_0.ndim != 2 or W1_0.shape[1] != X.shape[0]:
            raise ValueError(
                f"W1_0 must have shape (n_1, {X.shape[0]}) to match X, got {W1_0.shape}"
            )
        n_1, m = W1_0.shape[0], X.shape[1]
        self.dtype = dtype
        self.X = X
        self.W1_0 = W1_0
        # X.T @ X with the same buffer on both sides: NumPy calls the symmetric rank-k
        # BLAS routine (syrk), half the flops of a general product.
        # Sparse X: G is a sparse product, made dense (it is (m, m), not (n_x, m)).
        with np.errstate(over="ignore", invalid="ignore"):  # checked just below
            self.G = _sparse.dot(X.T, X) if sparse else X.T @ X
            self.P0 = _sparse.dot(W1_0, X)
        if not (np.isfinite(self.G).all() and np.isfinite(self.P0).all()):
            # finite X whose products overflow (a value near 1e20 in float32): the plain
            # form trains it, this one would diverge at its first step
            raise GramOverflowError(
                "the row-space form cannot train this X: X.T @ X overflows "
                f"{dtype.name} (values up to {float(np.abs(X).max()):.3g}); use "
                "algorithm='plain', or scale the features")
        self.w0_sq = float(np.vdot(W1_0, W1_0))
        self.s = 1.0
        self.C = np.zeros((n_1, m), dtype=dtype)
        self._v_s = 0.0  # velocity (momentum) = _v_s * W1_0 + _v_C @ X.T
        self._v_C: np.ndarray | None = None
        self._CG = np.empty((n_1, m), dtype=dtype)  # C @ G of the last full forward
        self._CG_valid = False
        self._buffers: dict[int, tuple[np.ndarray, np.ndarray]] = {}

    @property
    def n_units(self) -> int:
        """Number of units of the layer, ``n_1``."""
        return self.C.shape[0]

    @property
    def n_samples(self) -> int:
        """Number of training examples, ``m``."""
        return self.C.shape[1]

    def forward(self, batch=None, out: np.ndarray | None = None) -> np.ndarray:
        """Pre-activation without bias, ``W1 @ X[:, batch]``.

        Parameters
        ----------
        batch : None, slice or ndarray of int
            Columns of ``X`` (examples) to use; ``None`` for all ``m``. Indices must lie
            in ``[0, m)``: they are not checked (``np.take(..., mode="clip")``, 3x
            faster than the checking mode when writing into a buffer).
        out : ndarray of shape (n_1, m_B), optional
            Where to write the result (reused across iterations by the caller).

        Returns
        -------
        Z : ndarray of shape (n_1, m_B)
            ``s * P0[:, batch] + C @ G[:, batch]``; add ``b1`` to get ``Z1``.
        """
        s = self.s
        if batch is None:
            np.matmul(self.C, self.G, out=self._CG)
            self._CG_valid = True
            if out is None:
                out = np.empty_like(self._CG)
            if s == 1.0:
                return np.add(self._CG, self.P0, out=out)
            np.multiply(self.P0, s, out=out)
            out += self._CG
            return out
        if isinstance(batch, slice):
            G_B = self.G[batch]  # rows = columns, G is symmetric; a view
            P0_B = self.P0[:, batch]
        else:
            batch = np.asarray(batch)
            mb = batch.shape[0]
            gbuf, pbuf = self._batch_buffers(mb)
            G_B = np.take(self.G, batch, axis=0, out=gbuf, mode="clip")
            P0_B = np.take(self.P0, batch, axis=1, out=pbuf, mode="clip")
        out = np.matmul(self.C, G_B.T, out=out)
        if s == 1.0:
            out += P0_B
        else:
            out += s * P0_B
        return out

    def product(self, X_other: np.ndarray):
        """``W1 @ X_other`` for other examples (a validation set), as a function that
        computes it from the current ``W1``.

        ``W1 X_other = s (W1_0 X_other) + C (Xᵀ X_other)``: both products with
        ``X_other`` are made once, here, so that each call costs ``n_1 m m_other``
        instead of ``n_1 n_x m_other``.

        Parameters
        ----------
        X_other : ndarray of shape (n_x, m_other)

        Returns
        -------
        callable
            ``W1X()``, a new ndarray of shape (n_1, m_other) at each call.
        """
        X_other = (X_other.astype(self.dtype, copy=False) if _sparse.issparse(X_other)
                   else np.asarray(X_other, dtype=self.dtype))
        P0 = _sparse.dot(self.W1_0, X_other)
        G = _sparse.dot(self.X.T, X_other)

        def W1X() -> np.ndarray:
            out = self.C @ G
            out += P0 if self.s == 1.0 else self.s * P0
            return out

        return W1X

    def _batch_buffers(self, mb: int) -> tuple[np.ndarray, np.ndarray]:
        bufs = self._buffers.get(mb)
        if bufs is None:
            bufs = (
                np.empty((mb, self.n_samples), dtype=self.dtype),
                np.empty((self.n_units, mb), dtype=self.dtype),
            )
            self._buffers[mb] = bufs
        return bufs

    def step(
        self,
        dZ1: np.ndarray,
        lr: float,
        batch=None,
        weight_decay: float = 0.0,
        momentum: float = 0.0,
        dampening: float = 0.0,
        nesterov: bool = False,
        m: float | None = None,
        track_velocity: bool = False,
    ) -> None:
        """One gradient-descent step of ``W1``, done on ``(s, C)``.

        Equivalent to the plain update, with ``m_B`` the batch size (or ``m``)::

            dW1 = dZ1 @ X[:, batch].T / m_B + weight_decay * W1
            v = momentum * v + (1 - dampening) * dW1          # v starts at 0
            W1 -= lr * (dW1 + momentum * v if nesterov else v)

        With ``momentum=0`` this is plain gradient descent ``W1 -= lr * dW1``. The
        velocity starts at zero: PyTorch's ``SGD`` when ``dampening=0``, the course's
        momentum ``v = beta v + (1 - beta) dW`` with ``momentum=dampening=beta``.

        Parameters
        ----------
        dZ1 : ndarray of shape (n_1, m_B)
            Gradient of the cost (before the ``1/m_B``) with respect to ``Z1``, as in
            the seeds: ``dW1 = dZ1 @ X.T / m``.
        lr : float
            Learning rate.
        batch : None, slice or ndarray of int
            The batch's columns, as given to :meth:`forward`; an index array must not
            repeat an index.
        weight_decay : float
            Coefficient ``lam`` of ``lam * W1`` in the gradient (``alpha / m`` for an
            L2 cost ``alpha / (2 m) * ||W||^2``).
        momentum, dampening : float
            Momentum coefficients, see above.
        nesterov : bool
            Nesterov momentum.
        m : float, optional
            The divisor ``m_B`` of the gradient; defaults to the number of examples in
            the batch (pass the sum of the sample weights when ``dZ1`` is weighted).
        track_velocity : bool, default False
            Keep the velocity with ``momentum=0`` too (it is then the last step's
            ``(1 - dampening) * dW1``): a momentum optimizer's state, which a later
            step with momentum (a ``warm_start`` after ``set_params``) continues from.
        """
        self._CG_valid = False
        mb = float(m) if m is not None else (self.n_samples if batch is None else dZ1.shape[1])
        eta = float(lr) / mb
        lam = float(weight_decay)
        if momentum == 0.0 and not track_velocity:
            if lam != 0.0:
                shrink = 1.0 - float(lr) * lam
                self.s *= shrink
                self.C *= shrink
            self._scatter_sub(self.C, dZ1, eta, batch)
            return
        mu = float(momentum)
        # The gradient in coefficient form: dW1 = g_s * W1_0 + g_C @ X.T.
        g_s = lam * self.s
        g_C = self.C * lam if lam != 0.0 else np.zeros_like(self.C)
        self._scatter_sub(g_C, dZ1, -1.0 / mb, batch)
        if self._v_C is None:
            self._v_C = np.zeros_like(self.C)
        keep = 1.0 - float(dampening)
        self._v_s = mu * self._v_s + keep * g_s
        self._v_C *= mu
        self._v_C += keep * g_C
        if nesterov:
            u_s = g_s + mu * self._v_s
            g_C += mu * self._v_C
            u_C = g_C
        else:
            u_s, u_C = self._v_s, self._v_C
        self.s -= float(lr) * u_s
        self.C -= float(lr) * u_C

    @staticmethod
    def _scatter_sub(target: np.ndarray, dZ1: np.ndarray, eta: float, batch) -> None:
        """``target[:, batch] -= eta * dZ1``."""
        if batch is None:
            target -= eta * dZ1
        elif isinstance(batch, slice):
            target[:, batch] -= eta * dZ1
        else:
            target[:, batch] -= eta * dZ1

    def weights(self) -> np.ndarray:
        """The first layer's weights ``W1 = s * W1_0 + C @ X.T``.

        Returns
        -------
        W1 : ndarray of shape (n_1, n_x)
            A new array (costs ``2 * n_1 * m * n_x`` flops).
        """
        W1 = _sparse.dot(self.C, self.X.T)
        if self.s == 1.0:
            W1 += self.W1_0
        else:
            W1 += self.s * self.W1_0
        return W1

    def velocity(self) -> np.ndarray:
        """The momentum velocity of ``W1``, ``v = v_s * W1_0 + v_C @ X.T``.

        Returns
        -------
        v : ndarray of shape (n_1, n_x)
            Zeros when no momentum step was taken.
        """
        if self._v_C is None:
            return np.zeros_like(self.W1_0)
        v = _sparse.dot(self._v_C, self.X.T)
        v += self._v_s * self.W1_0
        return v

    def sq_norm(self) -> float:
        """Squared Frobenius norm ``||W1||^2``, without forming ``W1``.

        Uses ``s^2 ||W1_0||^2 + 2 s <P0, C> + <C @ G, C>``; ``C @ G`` is taken from the
        last full-batch :meth:`forward` when no step came after it, otherwise it is
        computed (``2 * n_1 * m^2`` flops).

        Returns
        -------
        float
        """
        if not self._CG_valid:
            np.matmul(self.C, self.G, out=self._CG)
            self._CG_valid = True
        s = self.s
        return float(
            s * s * self.w0_sq
            + 2.0 * s * float(np.vdot(self.P0, self.C))
            + float(np.vdot(self._CG, self.C))
        )


# ------------------------------------------------------------ the training loop's side


def use_rowspace(
    algorithm: str,
    n_x: int,
    m: int,
    n_1: int,
    optimizer,
    *,
    n_iter: int,
    batch_size: int | None,
    fixed_weights: bool,
    nnz: int | None = None,
    gram_nnz: float | None = None,
) -> bool:
    """Whether to train the first layer in its exact row-space form.

    It is exact for update rules linear in the gradient (the optimizer's
    ``linear_rule``), when no user code may change the weights during training (early
    stopping only reads them), and faster when there are fewer examples than features
    (:func:`rowspace_is_faster`).

    Parameters
    ----------
    algorithm : {"auto", "plain", "rowspace"}
        "plain": never; "rowspace": always (an error where it cannot be used);
        "auto": where it is exact and expected to be faster.
    n_x, m, n_1 : int
        Features, training examples, units of the first layer.
    optimizer : nnscratch.optimizers.Optimizer
    n_iter : int
        Epochs to run.
    batch_size : int or None
    fixed_weights : bool
        False when user callbacks may change the weights while training.
    nnz, gram_nnz : int or float or None
        Sparse training data's non-zeros and the multiply-adds of its Gram matrix
        (:func:`rowspace_is_faster`); None for dense data.

    Raises
    ------
    ValueError
        For ``algorithm="rowspace"`` where the form cannot be used, naming why.
    """
    if algorithm == "plain":
        return False
    reasons = []
    if optimizer.linear_rule is None:
        reasons.append(f"solver={optimizer.name!r} is not linear in the gradient")
    if not fixed_weights:
        reasons.append("user callbacks may change the weights while training")
    if optimizer.velocity("W1") is not None:
        reasons.append("the momentum of a previous fit continues")
    if m > MAX_SAMPLES:
        reasons.append(f"{m} examples is more than {MAX_SAMPLES}")
    if algorithm == "rowspace":
        if reasons:
            raise ValueError(f"algorithm='rowspace' cannot be used here: {'; '.join(reasons)}.")
        return True
    return not reasons and rowspace_is_faster(n_x, m, n_1, n_iter, batch_size, nnz=nnz,
                                                  gram_nnz=gram_nnz)


class RowSpaceFirstLayer:
    """The training loop's first layer (:class:`nnscratch._engine.FirstLayer`) held
    as ``W1 = s·W1_0 + C·Xᵀ`` (a :class:`RowSpaceLinear`).

    It steps with the optimizer's linear rule (gradient descent, momentum; see
    :attr:`nnscratch.optimizers.Optimizer.linear_rule`) and keeps the momentum of
    ``W1`` in coefficient form, giving ``W1`` and the velocity back at :meth:`finish`.

    Parameters
    ----------
    W1 : ndarray of shape (n_1, n_x)
        The initial weights; :meth:`finish` writes the final ones into this array.
    X : ndarray of shape (n_x, m)
        The training examples (batches index their columns).
    optimizer : nnscratch.optimizers.Optimizer
        Gives the learning rate and the rule's coefficients.
    """

    folds_learning_rate = False

    def __init__(self, W1: np.ndarray, X: np.ndarray, optimizer) -> None:
        self.W1 = W1
        self.layer = RowSpaceLinear(W1, X)
        self.optimizer = optimizer
        self.rule = optimizer.linear_rule

    @staticmethod
    def _part(batch):
        """None for the full batch (``slice(None)``), else the batch's columns."""
        return None if isinstance(batch, slice) and batch == slice(None) else batch

    def forward(self, batch) -> np.ndarray:
        return self.layer.forward(self._part(batch))

    def sq_norm(self) -> float:
        return self.layer.sq_norm()

    def step(self, dZ1, batch, alpha, m, scale) -> None:
        # dZ1 is ∂J/∂Z1 (its 1/m included: m=1.0 below), not scaled (scale is 1.0).
        rule = self.rule
        self.layer.step(dZ1, self.optimizer.learning_rate, self._part(batch),
                        weight_decay=alpha / m, momentum=rule.momentum,
                        dampening=rule.dampening, m=1.0, track_velocity=rule.velocity)

    def weights(self) -> np.ndarray:
        return self.layer.weights()

    def product(self, X_other):
        return self.layer.product(X_other)

    def finish(self) -> None:
        np.copyto(self.W1, self.layer.weights())
        if self.rule.velocity:
            self.optimizer.set_velocity("W1", self.layer.velocity())
