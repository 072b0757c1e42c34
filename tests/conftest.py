"""Shared fixtures: the course's data, read from ../shared/data beside the checkout."""

import os
import re
from pathlib import Path

import numpy as np
import pytest

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


#: A module whose every test is slow: ``pytestmark = pytest.mark.slow`` (or a list of
#: marks holding it) at the top level.
ALL_SLOW = re.compile(r"^pytestmark = (pytest\.mark\.slow|\[[^\]\n]*pytest\.mark\.slow\b)",
                      re.MULTILINE)


#: The BLAS limit this worker set for its whole life (kept so that it is not collected).
_WORKER_LIMIT: list = []


def pytest_configure(config):
    """Under pytest-xdist, each worker's BLAS gets its share of the CPUs (as
    scikit-learn's own conftest does): two workers on two cores, each running
    OpenBLAS's default two spin-waiting threads, oversubscribe the machine (the course's
    tests, test_course*, test_rowspace, test_gradients and test_optimizers, took 83 s
    against 75 s with one thread each, two runs each, 2026-12-07). The share is set through
    threadpoolctl, so a test that asks for two threads (``threadpool_limits(2)``)
    still gets them, and through ``OPENBLAS_NUM_THREADS`` and ``OMP_NUM_THREADS`` for
    the commands the tests start (unless already set)."""
    workers = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "0") or 0)
    if workers < 1:
        return
    share = str(max(1, (os.cpu_count() or 1) // workers))
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(name, share)
    from threadpoolctl import threadpool_limits

    _WORKER_LIMIT.append(threadpool_limits(limits=int(share)))


def pytest_ignore_collect(collection_path: Path, config):
    """A quick run (``-m "not slow"``) does not import the modules whose every test is
    slow: their imports (Dask, distributed, Zarr, Playwright) and the rewriting
    of their asserts cost each worker seconds before the first test."""
    if (config.getoption("markexpr", "") == "not slow" and collection_path.suffix == ".py"
            and collection_path.name.startswith("test_")
            and ALL_SLOW.search(collection_path.read_text(encoding="utf-8"))):
        return True
    return None


def shared_file(relative: str) -> Path:
    """The path of a file in ../shared/data, or skip the test saying which is missing."""
    path = SHARED_DATA / relative
    if not path.is_file():
        pytest.skip(f"missing ../shared/data/{relative}")
    return path


def wait_for_held(page, held: list, what: str, timeout_ms: int = 2000):
    """The first request that a ``page.route`` handler appended to ``held``, waiting up
    to ``timeout_ms`` for it in Playwright's own waits (route handlers run only
    while the test waits in a Playwright call, never during ``time.sleep``)."""
    for _ in range(max(1, timeout_ms // 25)):
        if held:
            return held[0]
        page.wait_for_timeout(25)
    raise AssertionError(f"the page asked for no {what}")


@pytest.fixture(scope="session")
def cat_data():
    """The cat / non-cat set as the course prepares it: flattened, divided by 255.

    Returns X_train (209, 12288), y_train (209,), X_test (50, 12288), y_test (50,).
    """
    h5py = pytest.importorskip("h5py")
    train = shared_file("catvnoncat/train_catvnoncat.h5")
    test = shared_file("catvnoncat/test_catvnoncat.h5")
    with h5py.File(train, "r") as f:
        X_train, y_train = f["train_set_x"][:], f["train_set_y"][:]
    with h5py.File(test, "r") as f:
        X_test, y_test = f["test_set_x"][:], f["test_set_y"][:]
    flat = lambda images: images.reshape(len(images), -1) / 255.0
    return flat(X_train), y_train.astype(np.int64), flat(X_test), y_test.astype(np.int64)


@pytest.fixture(scope="session")
def cat_raw(cat_data):
    """The cat training pixels unscaled (0-255), with their labels."""
    X_train, y_train, _, _ = cat_data
    return np.rint(X_train * 255.0), y_train


@pytest.fixture(autouse=True)
def _ctrl_c_handler_restored():
    """A command line run in this process (``cli.main``, standalone) ignores Ctrl-C once
    its work is done, as the process is about to exit: the next test gets it back."""
    import signal

    before = signal.getsignal(signal.SIGINT)
    yield
    if signal.getsignal(signal.SIGINT) is not before and before is not None:
        signal.signal(signal.SIGINT, before)


@pytest.fixture
def h5_reads(monkeypatch):
    """(file, external storage, virtual) of every h5py dataset read while it is on
    (tests/hdf5_crafted.py makes the files whose data lie elsewhere)."""
    import h5py

    reads = []
    get, array = h5py.Dataset.__getitem__, h5py.Dataset.__array__

    def note(dset):
        reads.append((Path(dset.file.filename).resolve(), dset.external, dset.is_virtual))

    def noted_get(self, *args, **kwargs):
        note(self)
        return get(self, *args, **kwargs)

    def noted_array(self, *args, **kwargs):
        note(self)
        return array(self, *args, **kwargs)

    monkeypatch.setattr(h5py.Dataset, "__getitem__", noted_get)
    monkeypatch.setattr(h5py.Dataset, "__array__", noted_array)
    return reads
