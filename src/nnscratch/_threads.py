"""How many BLAS threads the library's products run with: chosen here, never raised.

NumPy's OpenBLAS runs every product on all the machine's cores by default, and its
threads spin-wait for each other. For a small product two threads gain nothing, and
beside a busy neighbour (another process, a notebook beside a browser,
``GridSearchCV(n_jobs=2)``) a thread that waits for a descheduled partner turns a
0.4 ms product into 20 ms: the course's cat model took 31-43 s instead of 0.9 s on
a 2-core machine with one other busy process. So the library picks the threads of
each training run and each prediction itself (``benchmarks/README.md`` has the
measurements behind the rule):

- **one thread** unless the run's largest product is big enough to gain from more:
  at least :data:`MIN_FLOPS` floating-point operations and both dimensions of its
  result at least :data:`MIN_DIM` (a thin product such as the cat model's
  ``W1 X``, 20 x 12288 x 209, is split badly by OpenBLAS and gains nothing);
- otherwise as many threads as there are **free CPUs**: the CPUs this process may
  run on, less the threads of other processes that are running right now (read from
  ``/proc/loadavg``, less this process's own running threads); one when none is free.
  Training looks again every :data:`RECHECK_S` seconds, so a neighbour that starts
  or stops in the middle of a long fit is noticed;
- and when a run of big products finds more threads of other processes running than
  the machine has CPUs (and it has several), one BLAS thread and **two halves**:
  :attr:`BlasThreads.two_halves` tells a mini-batch training loop to split each batch
  over two threads of its own (:mod:`nnscratch._halves`). Those threads wait for each
  other by blocking, not by spinning as BLAS threads do, so a descheduled one costs no
  CPU and the run keeps about the share of the machine that two threads get beside
  the neighbours.

The choice only ever lowers the number of threads: a limit the user set
(``OPENBLAS_NUM_THREADS``, ``threadpoolctl.threadpool_limits`` around the call) is
an upper bound, and the previous numbers are restored when the run ends, error or
Ctrl-C included. A limit set while runs are under way (in a callback, in another
thread) is one too: the libraries' numbers are read again whenever a run starts,
looks again or ends, and a number that is not the one nnscratch set is the user's,
kept as the bound and never overwritten at the end. ``NNSCRATCH_BLAS_THREADS=auto``
(the default) uses this rule; an integer fixes the threads of every run (still never
above the user's limit).
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterable, Iterator
from typing import Self

__all__ = ["MIN_DIM", "MIN_FLOPS", "RECHECK_S", "BlasThreads", "blas_threads", "free_cpus",
           "gains_from_threads", "n_cpus", "other_threads"]

#: Products below this many floating-point operations (2 M K N) run on one thread.
MIN_FLOPS = 50e6
#: Products whose result has a dimension below this run on one thread.
MIN_DIM = 128
#: Seconds between two looks at the machine's load during a training run.
RECHECK_S = 0.5

_CONTROLLER = None


def _controller():
    """The one ``threadpoolctl.ThreadpoolController`` of the process's BLAS libraries."""
    global _CONTROLLER
    if _CONTROLLER is None:
        from threadpoolctl import ThreadpoolController

        _CONTROLLER = ThreadpoolController().select(user_api="blas")
    return _CONTROLLER


def n_cpus() -> int:
    """The CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not Linux
        return os.cpu_count() or 1


def _own_running() -> int:
    """This process's threads that are running or runnable now (Linux)."""
    running = 0
    for tid in os.listdir("/proc/self/task"):
        try:
            with open(f"/proc/self/task/{tid}/stat", "rb") as f:
                data = f.read()
        except OSError:  # the thread ended meanwhile
            continue
        if data[data.rindex(b")") + 2:data.rindex(b")") + 3] == b"R":
            running += 1
    return running


#: Looks at the machine per decision: the fewest other running threads seen counts, so
#: that a kernel thread or one of this process's own BLAS threads caught between two
#: reads does not take a CPU away (a busy neighbour runs at every look).
SAMPLES = 3


def _others_running() -> int:
    """Threads of other processes running now: ``/proc/loadavg``'s count less this
    process's own, counted before and after (the larger: they may stop in between)."""
    before = _own_running()
    with open("/proc/loadavg", "rb") as f:
        running = int(f.read().split()[3].split(b"/")[0])
    return running - max(before, _own_running())


#: The last reading of :func:`other_threads`: (``time.monotonic()`` when read, threads).
_LAST_READING: tuple[float, float] | None = None


def other_threads() -> float:
    """The threads of other processes running now (at least 0).

    ``/proc/loadavg``'s count of running threads, less this process's own (the fewest
    of :data:`SAMPLES` looks); where that cannot be read (not Linux), the one-minute
    load average less one; 0 where neither can. A reading is used again, by every
    run of the process, for :data:`RECHECK_S` seconds (the interval training looks
    at): each look reads the state of every thread of the process, and a process of
    hundreds of threads (a server, a Dask worker) paid it on every prediction.
    """
    global _LAST_READING
    last = _LAST_READING
    now = time.monotonic()
    if last is not None and 0.0 <= now - last[0] < RECHECK_S:
        return last[1]
    try:
        threads = float(max(0, min(_others_running() for _ in range(SAMPLES))))
    except (OSError, ValueError, IndexError):
        try:
            threads = max(0.0, os.getloadavg()[0] - 1.0)
        except (AttributeError, OSError):
            threads = 0.0
    _LAST_READING = (now, threads)  # one tuple: threads reading at once see either
    return threads


def _free(cpus: int, others: float) -> int:
    return max(1, min(cpus, int(cpus - others)))


def free_cpus() -> int:
    """The CPUs not used by other processes right now (at least 1): this process's
    CPUs less :func:`other_threads`."""
    return _free(n_cpus(), other_threads())


def gains_from_threads(M: int, K: int, N: int) -> bool:
    """Whether the product of an (M, K) and a (K, N) matrix gains from more than one thread."""
    return 2.0 * M * K * N >= MIN_FLOPS and min(M, N) >= MIN_DIM


def _fixed() -> int | None:
    value = os.environ.get("NNSCRATCH_BLAS_THREADS", "auto").strip().lower()
    if value in ("", "auto"):
        return None
    try:
        return max(1, int(value))
    except ValueError:
        return None


class BlasThreads:
    """The BLAS threads of one run: set on entry, looked at again by :meth:`refresh`,
    the user's numbers restored on exit.

    Runs may nest (a prediction in a callback during a fit) or overlap (fits in
    several threads of one process): the numbers found when the first run starts are
    the upper bounds, an inner run's exit gives the enclosing run its threads back,
    and the last run to end restores the user's numbers. A run started inside another
    of its thread's (the library's own nesting) has the enclosing run's bounds; one
    started beside another thread's runs, or from user code a run called
    (:func:`user_code`: a callback), has the numbers set when it starts as bounds: a
    ``threadpool_limits(1)`` entered there while a run had set one thread changes no
    number, and only so is it kept. A number found changed since nnscratch set it (a
    limit entered or left meanwhile) lowers the bounds of every run under way, and is
    what the last run to end leaves in place.

    Parameters
    ----------
    products : iterable of (M, K, N)
        The shapes of the run's matrix products.
    """

    def __init__(self, products: Iterable[tuple[int, int, int]]) -> None:
        self.big = any(gains_from_threads(*p) for p in products)
        self.threads = 1
        #: Whether a training loop should split each mini-batch over two threads of its
        #: own, each running its products on this one BLAS thread: more threads of
        #: other processes run than the machine has CPUs (two or more), the products
        #: are big, and the user's limit allows two threads.
        self.two_halves = False
        self._next = 0.0
        #: The most threads each BLAS library may run with during this run.
        self.limits: list[int] = []
        self._thread = 0  # the thread that entered the run,
        self._depth = 0  # and how deep in user code (user_code) it was then

    def _want(self) -> tuple[int, bool]:
        """The BLAS threads to run with, and whether to split batches in two."""
        fixed = _fixed()
        if fixed is not None:
            return fixed, False
        if not self.big:
            return 1, False
        cpus, others = n_cpus(), other_threads()
        # Two halves only where more threads of other processes run than there are
        # CPUs: beside fewer, one thread of ours gets (nearly) a CPU of its own, and the
        # halves' extra work and waiting made a fit slower (benchmarks/README.md)
        return _free(cpus, others), cpus >= 2 and others > cpus

    def _apply(self, want: tuple[int, bool]) -> None:
        threads, halves = want
        with _LOCK:
            _ACTIVE.sync()  # a limit set since the run's last look lowers its bounds
            _ACTIVE.set([max(1, min(limit, threads)) for limit in self.limits])
            self.threads = min([threads, *self.limits])
            # two threads of our own only where the user allows two BLAS threads (not
            # under OPENBLAS_NUM_THREADS=1 or a joblib worker's limit of one), and only
            # where those BLAS threads can be held at one (threadpoolctl sees them)
            self.two_halves = halves and min(self.limits, default=1) >= 2

    def __enter__(self) -> Self:
        self._thread, self._depth = threading.get_ident(), getattr(_LOCAL, "depth", 0)
        with _LOCK:
            if not _ACTIVE.runs:
                try:
                    libs = list(_controller().lib_controllers)
                except Exception:  # noqa: BLE001 - no threadpoolctl view of BLAS: leave it
                    libs = []
                _ACTIVE.libs = libs
                _ACTIVE.limits = [lib.get_num_threads() or 1 for lib in libs]
                _ACTIVE.now = list(_ACTIVE.limits)
                self.limits = list(_ACTIVE.limits)
            else:
                _ACTIVE.sync()
                outer = next((run for run in reversed(_ACTIVE.runs)
                              if run._thread == self._thread), None)
                if outer is not None and outer._depth == self._depth:
                    self.limits = list(outer.limits)  # the library's own nesting
                else:
                    # beside another thread's run, or in user code a run called: a limit
                    # entered there to the number a run had set is not seen as a change,
                    # so what is set now is the most this run may use
                    self.limits = [min(n, limit) for n, limit in zip(_ACTIVE.now,
                                                                      _ACTIVE.limits)]
            _ACTIVE.runs.append(self)
        try:
            self._apply(self._want())
        except BaseException:
            self.__exit__(None, None, None)
            raise
        self._next = time.perf_counter() + RECHECK_S
        return self

    def refresh(self) -> None:
        """Look at the machine again (at most every :data:`RECHECK_S` s; cheap otherwise)."""
        if self.big and time.perf_counter() >= self._next:
            self._apply(self._want())
            self._next = time.perf_counter() + RECHECK_S

    def __exit__(self, *exc) -> None:
        with _LOCK:
            if self in _ACTIVE.runs:
                _ACTIVE.runs.remove(self)
            _ACTIVE.sync()  # a number changed meanwhile is the user's: left as it is
            if _ACTIVE.runs:  # the enclosing (or another) run gets its threads back
                back = _ACTIVE.runs[-1]
                targets = [max(1, min(limit, back.threads)) for limit in back.limits]
            else:  # the last run: the user's numbers
                targets = list(_ACTIVE.limits)
            _ACTIVE.set(targets)


class _Active:
    """The runs under way in this process and the user's numbers found before them."""

    def __init__(self) -> None:
        self.runs: list[BlasThreads] = []
        self.libs: list = []
        self.limits: list[int] = []  # the user's numbers: what the last run leaves
        self.now: list[int] = []  # what each library is set to while runs are under way

    def sync(self) -> None:
        """Read the libraries' numbers: one that is not what nnscratch set was set by
        someone else meanwhile (``threadpool_limits`` entered or left, in a callback or
        in another thread). It is the user's number from now on, the end of the last
        run leaves it in place, and it bounds every run under way (lower, never higher:
        a limit of one entered and left again while a run had set one is not seen)."""
        for i, lib in enumerate(self.libs):
            n = lib.get_num_threads() or 1
            if n != self.now[i]:
                self.now[i] = self.limits[i] = n
                for run in self.runs:
                    run.limits[i] = min(run.limits[i], n)

    def set(self, numbers: list[int]) -> None:
        for i, (lib, n) in enumerate(zip(self.libs, numbers)):
            if self.now[i] != n:
                lib.set_num_threads(n)
                self.now[i] = n


_ACTIVE = _Active()
_LOCK = threading.RLock()
_LOCAL = threading.local()  # depth: how deep in user code (user_code) the thread is


class _UserCode:
    """See :func:`user_code`."""

    def __enter__(self) -> None:
        _LOCAL.depth = getattr(_LOCAL, "depth", 0) + 1

    def __exit__(self, *exc) -> None:
        _LOCAL.depth -= 1


_USER_CODE = _UserCode()


def user_code() -> _UserCode:
    """A context manager around user code that a run calls (its callbacks): a run that
    code starts is bounded by the numbers set when it starts, as a run of another
    thread is, not by the enclosing run's bounds (see :class:`BlasThreads`)."""
    return _USER_CODE


def blas_threads(products: Iterable[tuple[int, int, int]]) -> BlasThreads:
    """A context manager giving the run whose products have these shapes its BLAS threads.

    Examples
    --------
    >>> with blas_threads([(20, 12288, 209)]) as threads:  # the cat model's W1 X
    ...     threads.threads
    1
    """
    return BlasThreads(products)


def network_products(layer_dims: Iterable[int], m: int) -> Iterator[tuple[int, int, int]]:
    """The forward products ``W[l] A[l-1]`` of a network on ``m`` examples."""
    dims = list(layer_dims)
    for l in range(1, len(dims)):
        yield (dims[l], dims[l - 1], m)


def for_network(params: dict, m: int) -> BlasThreads:
    """:func:`blas_threads` for a network with weights ``params`` on ``m`` examples at a time."""
    dims, l = [], 1
    while f"W{l}" in params:
        W = params[f"W{l}"]
        if l == 1:
            dims.append(W.shape[1])
        dims.append(W.shape[0])
        l += 1
    return BlasThreads(network_products(dims, m))
