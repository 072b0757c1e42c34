"""One mini-batch step on two threads, for a machine whose CPUs are busy.

Beside busy neighbours the library runs its products on one BLAS thread
(:mod:`nnscratch._threads`): BLAS threads spin-wait for each other, and one waiting
for a partner that the kernel has descheduled turns a 0.4 ms product into 20 ms. But
one thread gets only one thread's share of the machine: beside two neighbours that
keep four threads busy on two cores, about 2/5 of a core. Here each mini-batch is
split in two halves, computed at the same time by the training loop's thread and one
helper thread, each running its products on that one BLAS thread. The two meet once
a step, and wait for each other by blocking, not spinning: a descheduled half costs
the other no CPU. :attr:`nnscratch._threads.BlasThreads.two_halves` says when: where
more threads of other processes run than the machine has CPUs (beside fewer, one
thread of ours has nearly a CPU of its own, and the halves only cost).
(``benchmarks/README.md`` has the measurements.)

The gradient is the batch's, in two parts: each half's backward pass divides by the
whole batch's size (or weight), the L2 term is added by one half only, and the parts
are summed; the optimizer then takes its step as for one pass over the batch. The sum
rounds differently from one product over the whole batch (about 1e-7 relative in
float32), as one BLAS thread rounds differently from two.
"""

from __future__ import annotations

import contextvars
import threading
from collections.abc import Sequence

import numpy as np

from ._engine import DenseFirstLayer, Workspace, backward, forward, penalty, weight_gradient
from .activations import Activation
from .losses import OUTPUTS

__all__ = ["TwoHalves", "two_halves"]


def two_halves(first, workspace: Workspace | None, keep_probs, batch_size: int | None,
               m: int, big: bool, params: dict[str, np.ndarray],
               activations: Sequence[Activation] | str, output: str) -> TwoHalves | None:
    """A :class:`TwoHalves` for a training run that can use one, else None.

    The run must train a dense first layer on mini-batches with arrays reused from
    step to step (a workspace: batches large enough to gain), without dropout (its
    masks are drawn in one order from one generator), and have products big enough
    to gain from a second thread (``big``, :attr:`nnscratch._threads.BlasThreads.big`).
    """
    dropout = keep_probs is not None and any(p < 1.0 for p in keep_probs)
    if (not big or dropout or workspace is None or not isinstance(first, DenseFirstLayer)
            or batch_size is None or min(batch_size, m) < 2):
        return None
    return TwoHalves(first, params, activations, output)


class TwoHalves:
    """Computes a mini-batch's cost and gradients on two threads (see the module).

    Parameters
    ----------
    first : DenseFirstLayer
        The first layer (its ``W1``, its data ``X`` and training columns ``rows``).
    params : dict
        The network's weights, read (never written) by both threads.
    activations : str or sequence of Activation
    output : {"sigmoid", "softmax"}
    """

    def __init__(self, first: DenseFirstLayer, params: dict[str, np.ndarray],
                 activations: Sequence[Activation] | str, output: str) -> None:
        self.first, self.params = first, params
        self.activations, self.output = activations, output
        self._workspaces = (Workspace(), Workspace())
        self._go = threading.Semaphore(0)
        self._done = threading.Semaphore(0)
        self._job: tuple | None = None
        self._result: tuple | BaseException | None = None
        self._thread: threading.Thread | None = None

    def step(self, batch: slice | np.ndarray, Y_b: np.ndarray, w_b: np.ndarray | None,
             alpha: float, scale: float) -> tuple[float, float, dict[str, np.ndarray]] | None:
        """The batch's cost, size (or total weight) and gradients times ``scale``
        (``"dW1"``, ``"db1"``, ..., ``"dWL"``, ``"dbL"``), or None when the batch cannot
        be split (one example, or a half whose examples all weigh zero).

        ``Y_b`` and ``w_b`` are the batch's labels and weights (``Y[:, batch]``). The
        gradients are arrays of this object's, valid until the next step.
        """
        n = Y_b.shape[1]
        h = n // 2
        if h == 0:
            return None
        if isinstance(batch, slice):
            start = batch.start or 0
            parts = (slice(start, start + h), slice(start + h, start + n))
        else:
            parts = (batch[:h], batch[h:])
        w_parts = (None, None) if w_b is None else (w_b[:h], w_b[h:])
        if w_b is None:
            m_parts = (float(h), float(n - h))
        else:
            m_parts = (float(np.sum(w_parts[0])), float(np.sum(w_parts[1])))
            if not (m_parts[0] > 0 and m_parts[1] > 0):
                return None
        m = m_parts[0] + m_parts[1]
        self._start((1, parts[1], Y_b[:, h:], w_parts[1], m_parts[1], 0.0, m, scale))
        try:
            # this half adds the L2 term (alpha) to its weight gradients: once in the sum
            J_a, grads = self._half(0, parts[0], Y_b[:, :h], w_parts[0], m_parts[0], alpha, m,
                                    scale)
        finally:
            other = self._wait()
        J_b, grads_b = other
        for key, g in grads.items():
            g += grads_b[key]
        J = (J_a + J_b) / m
        if alpha:
            J += penalty(self.params, alpha, m, self.first.sq_norm)
        return J, m, grads

    def _half(self, i: int, cols, Y_h: np.ndarray, w_h: np.ndarray | None, m_h: float,
              alpha: float, m: float, scale: float) -> tuple[float, dict[str, np.ndarray]]:
        """Half ``i``'s summed cost and its share of the batch's gradients (``m_h``: the
        half's examples or weight, ``m``: the batch's)."""
        ws = self._workspaces[i]
        X_h, Z1 = self.first.gather_product(cols, ws)
        AL, caches = forward(Z1, self.params, self.activations, self.output, None, None, ws)
        J = OUTPUTS[self.output].cost(caches[-1][1].Z, Y_h, w_h) * m_h
        grads = backward(AL, Y_h, caches, self.activations, alpha, w_h, scale, ws, m=m)
        grads["dW1"] = weight_gradient(grads.pop("dZ1"), X_h, self.first.W1, scale * alpha / m,
                                       ws, 1)
        return J, grads

    # ------------------------------------------------------------ the helper thread

    def _start(self, job: tuple) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._serve, name="nnscratch-half",
                                            daemon=True)
            self._thread.start()
        # the helper runs in the loop thread's context: NumPy's errstate (which the
        # estimators set around training) is a context variable, not inherited by a thread
        self._job = (contextvars.copy_context(), job)
        self._go.release()

    def _wait(self) -> tuple[float, dict[str, np.ndarray]]:
        self._done.acquire()
        result, self._result = self._result, None
        if isinstance(result, BaseException):
            raise result
        return result

    def _serve(self) -> None:
        while True:
            self._go.acquire()
            job, self._job = self._job, None
            if job is None:
                return
            context, args = job
            try:
                self._result = context.run(self._half, *args)
            except BaseException as exc:  # noqa: BLE001 - raised again in the loop's thread
                self._result = exc
            self._done.release()

    def close(self) -> None:
        """Stop the helper thread (after the half it may be computing)."""
        if self._thread is not None:
            self._job = None
            self._go.release()
            self._thread.join()
            self._thread = None
