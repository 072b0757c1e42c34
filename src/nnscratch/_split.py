"""A training step on two threads that wait by sleeping: a fair share of a busy machine.

NumPy's BLAS threads wait for each other by spinning. Beside other busy processes a
thread that waits for a descheduled partner wastes its time slice, so the library
then gives its products one BLAS thread (:mod:`nnscratch._threads`). But Linux shares
the CPUs out per thread: beside two neighbours that keep two BLAS threads each busy,
one thread gets about 2/5 of a core of a 2-core machine, and a mini-batch fit that
used both cores when the machine was quiet takes 4-5 times as long.

:class:`Halves` runs each step as two halves of its batch, the first half in the
calling thread and the second in a helper thread, each with one BLAS thread. A
column of ``Z`` depends only on its own example, so each half's forward and backward
passes are those of :mod:`nnscratch._engine` on half of the columns; the weights'
gradients are sums over the examples, so the batch's are the sum of the halves'.
The threads meet once per step, and the one that waits sleeps: two threads of ours
get two of the six threads' shares (``benchmarks/README.md`` has the measurements).

The step is the serial step's up to rounding: the gradients are summed in another
order (as BLAS itself does when its thread count changes); the cost is computed from
the whole batch's ``Z_L``, as the serial step computes it. Used by
:func:`nnscratch.training.train` when :attr:`nnscratch._threads.BlasThreads.split`
says so, for the dense first layer without dropout (dropout's masks are drawn for
the whole batch in one order); tested against the serial step
(``tests/test_split.py``).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor, wait

import numpy as np

from . import _engine

__all__ = ["MIN_HALF", "Halves", "can_split"]

#: The fewest examples in each half: a smaller batch (an epoch's last one, say) is
#: not worth a meeting of the threads and runs as one.
MIN_HALF = 32


def can_split(first: _engine.FirstLayer, keep_probs, width: int) -> bool:
    """Whether a step of this training can run in halves: the dense first layer, no
    dropout, and a batch of at least two :data:`MIN_HALF`."""
    return (isinstance(first, _engine.DenseFirstLayer) and width >= 2 * MIN_HALF
            and (keep_probs is None or all(p >= 1.0 for p in keep_probs)))


class Halves:
    """Runs training steps in two halves of the batch, on this thread and a helper.

    One per training run; :meth:`close` stops the helper (it waits for a half under
    way, so nothing runs after the training ends). The helper is started at the
    first step, so a run that never splits starts no thread.
    """

    def __init__(self) -> None:
        self._pool: ThreadPoolExecutor | None = None
        self._spaces = (_engine.Workspace(), _engine.Workspace())

    def step(self, first: _engine.DenseFirstLayer, batch, problem, params, Y_b, w_b, m_b,
             scale: float) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        """One step's forward and backward passes, in two halves.

        Returns ``Z_L`` of the whole batch (for the cost) and the gradients
        (``"dW1"``, ``"db1"``, ..., ``"dWL"``, ``"dbL"``, times ``scale``); the
        caller checks the cost and applies them, as after the serial step.
        """
        index = batch if first.rows is None else first.rows[batch]
        width = Y_b.shape[1]
        cut = width // 2
        parts = [slice(0, cut), slice(cut, width)]
        if isinstance(index, slice):  # the examples in order: views of X, no gather
            start = index.start or 0
            index = slice(start, start + width)
            columns = [slice(start, start + cut), slice(start + cut, start + width)]
        else:
            columns = [index[p] for p in parts]
        if self._pool is None:
            self._pool = ThreadPoolExecutor(1, thread_name_prefix="nnscratch-half")
        # The second half's gradients carry no L2 term: the first half's carries it once.
        second = self._pool.submit(
            self._half, first, columns[1], problem, params, Y_b[:, parts[1]],
            None if w_b is None else w_b[parts[1]], m_b, 0.0, scale, self._spaces[1])
        try:
            ZL, grads = self._half(first, columns[0], problem, params, Y_b[:, parts[0]],
                                   None if w_b is None else w_b[parts[0]], m_b, problem.alpha,
                                   scale, self._spaces[0])
        except BaseException:
            wait([second])  # the helper's half ends before anything else happens
            raise
        ZL2, grads2 = second.result()
        for name, g in grads.items():
            g += grads2[name]
        return np.concatenate([ZL, ZL2], axis=1), grads

    @staticmethod
    def _half(first, columns, problem, params, Y_h, w_h, m_b, alpha, scale, workspace):
        """The forward and backward passes of one half (its examples gathered in this
        thread); its ``Z_L`` and gradients."""
        W1, X_h = first.W1, _engine.gather_columns(first.X, columns, workspace)
        order = _engine._order(X_h)
        Z1 = np.matmul(W1, X_h, out=workspace(
            "Z1", (W1.shape[0], X_h.shape[1]), _engine._dtype(W1, X_h), order))
        AL, caches = _engine.forward(Z1, params, problem.activations, problem.output,
                                     None, None, workspace)
        ZL = caches[-1][1].Z
        grads = _engine.backward(AL, Y_h, caches, problem.activations, alpha, w_h, scale,
                                 workspace, m=m_b)
        grads["dW1"] = _engine.weight_gradient(grads.pop("dZ1"), X_h, W1, scale * alpha / m_b,
                                               workspace, 1)
        return ZL, grads

    def close(self) -> None:
        """Stop the helper thread (after the half it runs, if any)."""
        if self._pool is not None:
            self._pool.shutdown(wait=True)
            self._pool = None
