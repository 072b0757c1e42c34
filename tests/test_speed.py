"""Speed a user feels (issue 14), as behaviour: the BLAS threads the library picks and
gives back, a command line that starts without the heavy libraries, and a prediction
path that reads X only through its products."""

import inspect
import subprocess
import sys
import tracemalloc

import numpy as np
import pytest
from threadpoolctl import threadpool_info, threadpool_limits

from nnscratch import LogisticRegression, NeuralNetworkClassifier, _engine, _threads
from nnscratch import estimators as estimators_module
from nnscratch._params import BUILTIN_CHOICES, ESTIMATOR_DEFAULTS, choices
from nnscratch.callbacks import Callback

HEAVY = ("numpy", "scipy", "sklearn", "matplotlib", "h5py", "PIL", "tqdm", "threadpoolctl")


def blas_threads_now() -> list[int]:
    return [lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas"]


class RecordThreads(Callback):
    """Records the BLAS threads while training runs."""

    def __init__(self):
        self.seen = []

    def on_iteration_end(self, estimator, iteration, logs):
        self.seen.append(blas_threads_now())


def data(m=300, n=20, seed=0, dtype=np.float64):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((m, n)).astype(dtype)
    return X, (X[:, 0] + 0.3 * X[:, 1] > 0).astype(int)


# ---------------------------------------------------------------- BLAS threads


_STUCK: dict = {}  # the run a test waited 30 s for: the next tests do not wait again


@pytest.fixture(autouse=True)
def no_run_of_another_test():
    """These tests read the process's BLAS threads, which a training run of an earlier
    test still ending in another thread (a playground session closing, under load)
    would hold: wait for such runs to end, and name a run that never does."""
    import time

    stuck = _threads._ACTIVE.runs
    if stuck and stuck[0] is _STUCK.get("run"):  # waited for already: fail at once
        pytest.fail(f"a training run of an earlier test never ended: {stuck}")
    deadline = time.monotonic() + 30
    while _threads._ACTIVE.runs and time.monotonic() < deadline:
        time.sleep(0.05)
    if _threads._ACTIVE.runs:
        _STUCK["run"] = _threads._ACTIVE.runs[0]
    assert not _threads._ACTIVE.runs, ("a training run of an earlier test never ended: "
                                       f"{_threads._ACTIVE.runs}")

needs_blas = pytest.mark.skipif(not blas_threads_now(),
                                reason="threadpoolctl sees no BLAS library in this NumPy")


@needs_blas
def test_small_products_train_on_one_thread_and_the_threads_are_given_back():
    X, y = data()
    record = RecordThreads()
    with threadpool_limits(limits=2, user_api="blas"):
        clf = NeuralNetworkClassifier((8,), max_iter=3, batch_size=64, callbacks=[record],
                                      random_state=0).fit(X, y)
        assert blas_threads_now() == [2] * len(blas_threads_now())  # restored
        seen_predict = []
        real = estimators_module.forward_logits
        estimators_module.forward_logits = lambda *a, **k: (seen_predict.append(
            blas_threads_now()), real(*a, **k))[1]
        try:
            clf.predict_proba(X)
        finally:
            estimators_module.forward_logits = real
        assert blas_threads_now() == [2] * len(blas_threads_now())
    assert record.seen and all(set(s) == {1} for s in record.seen)
    assert seen_predict and set(seen_predict[0]) == {1}


@needs_blas
def test_big_products_use_the_free_cpus_but_never_more_than_the_users_limit(monkeypatch):
    X, y = data()
    monkeypatch.setattr(_threads, "MIN_FLOPS", 0.0)  # every product counts as big
    monkeypatch.setattr(_threads, "MIN_DIM", 1)
    monkeypatch.setattr(_threads, "n_cpus", lambda: 2)
    monkeypatch.setattr(_threads, "other_threads", lambda: 0.0)  # both CPUs free
    monkeypatch.delenv("NNSCRATCH_BLAS_THREADS", raising=False)
    for outer in (2, 1):
        record = RecordThreads()
        with threadpool_limits(limits=outer, user_api="blas"):
            LogisticRegression(max_iter=2, callbacks=[record]).fit(X, y)
            assert set(blas_threads_now()) == {outer}
        assert all(set(s) == {outer} for s in record.seen)  # 2 when free, never above 1


@needs_blas
def test_a_busy_machine_gets_one_thread_even_for_big_products(monkeypatch):
    X, y = data()
    monkeypatch.setattr(_threads, "MIN_FLOPS", 0.0)
    monkeypatch.setattr(_threads, "MIN_DIM", 1)
    monkeypatch.setattr(_threads, "n_cpus", lambda: 2)
    monkeypatch.setattr(_threads, "other_threads", lambda: 1.0)  # one CPU free
    record = RecordThreads()
    with threadpool_limits(limits=2, user_api="blas"):
        LogisticRegression(max_iter=2, callbacks=[record]).fit(X, y)
    assert all(set(s) == {1} for s in record.seen)


@needs_blas
def test_threads_are_given_back_after_an_error_and_an_interrupt():
    X, y = data()

    class Boom(Callback):
        def __init__(self, exc):
            self.exc = exc

        def on_iteration_end(self, estimator, iteration, logs):
            raise self.exc

    with threadpool_limits(limits=2, user_api="blas"):
        with pytest.raises(RuntimeError):
            LogisticRegression(max_iter=3, callbacks=[Boom(RuntimeError("x"))]).fit(X, y)
        assert set(blas_threads_now()) == {2}
        with pytest.warns(UserWarning, match="interrupted"):
            LogisticRegression(max_iter=3, callbacks=[Boom(KeyboardInterrupt())]).fit(X, y)
        assert set(blas_threads_now()) == {2}


def test_results_are_the_same_with_and_without_the_choice(monkeypatch):
    X, y = data(seed=3)
    params = {"hidden_layer_sizes": (16, 8), "max_iter": 5, "batch_size": 50, "random_state": 1}
    with threadpool_limits(limits=2, user_api="blas"):
        chosen = NeuralNetworkClassifier(**params).fit(X, y)
        p_chosen = chosen.predict_proba(X)
        monkeypatch.setenv("NNSCRATCH_BLAS_THREADS", "2")  # the old way: every thread
        plain = NeuralNetworkClassifier(**params).fit(X, y)
        p_plain = plain.predict_proba(X)
    for key in chosen.params_:
        np.testing.assert_array_equal(chosen.params_[key], plain.params_[key])
    np.testing.assert_array_equal(p_chosen, p_plain)


def test_the_rule_by_shape():
    assert not _threads.gains_from_threads(20, 12288, 209)  # the cat model's W1 X: thin
    assert not _threads.gains_from_threads(64, 64, 64)
    assert _threads.gains_from_threads(4096, 784, 256)  # a prediction chunk
    with _threads.blas_threads([(20, 12288, 209)]) as threads:
        assert threads.threads == 1


# ---------------------------------------------------------------- an instant start


def test_version_and_every_help_import_none_of_the_heavy_libraries():
    code = (
        "import sys\n"
        "from nnscratch.cli import cli, run\n"
        "codes = [run(['--version']), run(['--help'])]\n"
        "codes += [run([name, '--help']) for name in sorted(cli.commands)]\n"
        f"loaded = [m for m in {HEAVY!r} if m in sys.modules]\n"
        "lazy = 'nnscratch._commands' in sys.modules\n"
        "import nnscratch.exceptions as e\n"
        "print(codes, loaded, lazy, e.NonFiniteWeightsError.__mro__[1].__name__, "
        "[m for m in ('sklearn',) if m in sys.modules], file=sys.stderr)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=60, check=False)
    line = out.stderr.strip().splitlines()[-1]
    assert line.endswith("FloatingPointError []"), line
    assert "[] False" in line, line  # nothing heavy; the commands' module not imported
    assert line.startswith("[0, 0"), line
    assert "Usage: nnscratch train" in out.stdout


def test_python_m_nnscratch_version_imports_no_heavy_module():
    out = subprocess.run([sys.executable, "-X", "importtime", "-m", "nnscratch", "--version"],
                         capture_output=True, text=True, timeout=60, check=False)
    assert out.returncode == 0 and "nnscratch" in out.stdout
    imported = {line.split("|")[-1].strip() for line in out.stderr.splitlines()
                if line.startswith("import time:")}
    assert not imported & set(HEAVY), sorted(imported & set(HEAVY))


def test_convergence_warning_is_scikit_learns():
    from sklearn.exceptions import ConvergenceWarning

    import nnscratch
    from nnscratch.exceptions import ConvergenceWarning as ours

    assert ours is ConvergenceWarning is nnscratch.ConvergenceWarning


def test_the_command_lines_names_and_defaults_are_the_librarys():
    import nnscratch.optimizers  # noqa: F401  registers the solvers and schedules

    for name, names in BUILTIN_CHOICES.items():
        assert names == choices(name), name
    for cls in (LogisticRegression, NeuralNetworkClassifier):
        signature = {k: p.default for k, p in inspect.signature(cls).parameters.items()}
        assert ESTIMATOR_DEFAULTS[cls.__name__] == signature, cls.__name__


# ---------------------------------------------------------------- prediction reads X once


@pytest.mark.parametrize("dtype,order", [(np.float32, "C"), (np.float64, "F")])
def test_predict_proba_makes_no_copy_of_x(dtype, order):
    X, y = data(m=400, n=30, dtype=dtype)
    clf = NeuralNetworkClassifier((8,), max_iter=2, random_state=0).fit(X, y)
    big = np.asarray(np.tile(X, (100, 1)), order=order)  # 40000 x 30
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        proba = clf.predict_proba(big)
        peak = tracemalloc.get_traced_memory()[1] - base
    finally:
        tracemalloc.stop()
    assert proba.shape == (40000, 2)
    assert peak < big.nbytes / 2, (peak, big.nbytes)  # the result and one chunk's layers


@pytest.mark.parametrize("bad,word", [(np.nan, "NaN"), (np.inf, "infinity"),
                                      (-np.inf, "infinity")])
def test_a_non_finite_x_is_refused_by_name_wherever_it_is(bad, word):
    X, y = data()
    clf = NeuralNetworkClassifier((4,), activation="tanh", max_iter=2, random_state=0).fit(X, y)
    big = np.tile(X, (20, 1))  # 6000 rows: more than one chunk
    big[5000, 3] = bad  # in the second chunk
    with pytest.raises(ValueError, match=f"Input X contains {word}"):
        clf.predict_proba(big)


@pytest.mark.filterwarnings("error")
@pytest.mark.parametrize("activation", ["relu", "tanh"])
@pytest.mark.parametrize("n_classes", [2, 3])
def test_finite_x_whose_products_overflow_float32_is_predicted_in_float64(activation,
                                                                           n_classes):
    """NaN from inf - inf once gave NaN probabilities and the first class, with NumPy's
    warnings: those rows are now computed again in float64, without a warning."""
    X, y = data(dtype=np.float32)
    y = np.arange(len(y)) % n_classes
    clf = NeuralNetworkClassifier((6, 4), activation=activation, max_iter=2,
                                  random_state=0).fit(X, y)
    rows = np.vstack([X[:2], np.full((2, X.shape[1]), 3e38), np.full((1, X.shape[1]), -1e38),
                      X[2:3]]).astype(np.float32)  # W1 X overflows float32 in rows 2-4
    proba = clf.predict_proba(rows)
    expected = NeuralNetworkClassifier(**clf.get_params())
    expected.__dict__.update({k: v for k, v in clf.__dict__.items() if k.endswith("_")})
    expected.params_ = {k: v.astype(np.float64) for k, v in clf.params_.items()}
    assert np.isfinite(proba).all()
    # tanh saturates (tanh(inf) = 1): only ReLU's inf - inf made NaN, computed again
    assert proba.dtype == (np.float64 if activation == "relu" else np.float32)
    np.testing.assert_allclose(proba, expected.predict_proba(rows.astype(np.float64)),
                               rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(proba[[0, 1, 5]], clf.predict_proba(rows[[0, 1, 5]]),
                               rtol=1e-5, atol=1e-6)  # the other rows as they were
    assert clf.predict_proba(rows[[0, 1, 5]]).dtype == np.float32  # no overflow: float32


@pytest.mark.filterwarnings("error")
def test_finite_x_whose_products_overflow_float64_is_refused_naming_the_row():
    X, y = data()
    clf = NeuralNetworkClassifier((4,), max_iter=2, random_state=0).fit(X, y)
    rows = np.vstack([X[:3], np.full((2, X.shape[1]), 1.7e308)])
    with pytest.raises(ValueError, match=r"^row X\[3\] \(and 1 more\) holds values too large "
                                         "for the network: its outputs overflow float64; scale "
                                         "the features as the training data were scaled$"):
        clf.predict(rows)


@needs_blas
def test_nested_and_overlapping_runs_give_the_users_numbers_back(monkeypatch):
    monkeypatch.setattr(_threads, "n_cpus", lambda: 2)
    monkeypatch.setattr(_threads, "other_threads", lambda: 0.0)  # both CPUs free
    with threadpool_limits(limits=2, user_api="blas"):
        outer = _threads.blas_threads([(20, 12288, 209)])  # small: one thread
        inner = _threads.blas_threads([(4096, 784, 256)])  # big: the free CPUs
        with outer:
            assert set(blas_threads_now()) == {1}
            with inner:
                assert set(blas_threads_now()) == {2}
            assert set(blas_threads_now()) == {1}  # the enclosing run's
        assert set(blas_threads_now()) == {2}
        a, b = _threads.blas_threads([(64, 64, 64)]), _threads.blas_threads([(64, 64, 64)])
        a.__enter__()
        b.__enter__()
        a.__exit__(None, None, None)  # overlapping, not nested: a ends first
        assert set(blas_threads_now()) == {1}
        b.__exit__(None, None, None)
        assert set(blas_threads_now()) == {2}


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_the_finiteness_of_z1_read_through_its_column_sums(dtype):
    ws = _engine.Workspace()
    Z = np.asfortranarray(np.ones((256, 50), dtype))
    assert _engine._all_finite(Z, ws)
    for bad in ([np.nan], [np.inf], [-np.inf], [np.inf, -np.inf]):  # inf - inf is NaN
        Z_bad = Z.copy(order="F")
        Z_bad[:len(bad), 17] = bad
        assert not _engine._all_finite(Z_bad, ws), bad
    huge = np.full_like(Z, np.finfo(dtype).max / 2)  # every entry finite, sums overflow
    assert np.isfinite(huge).all() and not _engine._all_finite(huge, ws)


def test_minus_infinity_that_relu_would_swallow_is_still_refused():
    # W1's first column is positive, so X[0] = -inf gives Z1 = -inf in every unit, which
    # ReLU turns into 0: only a check before the activation sees it.
    rng = np.random.default_rng(0)
    params = {"W1": np.abs(rng.standard_normal((5, 3))), "b1": np.zeros((5, 1)),
              "W2": rng.standard_normal((1, 5)), "b2": np.zeros((1, 1))}
    X = rng.standard_normal((3, 10))
    X[0, 7] = -np.inf
    seen = []

    def check(A):
        seen.append(A.shape)
        raise ValueError("Input X contains infinity")

    with pytest.raises(ValueError, match="infinity"):
        _engine.forward_logits(X, params, "relu", chunk_size=4, check_input=check)
    assert seen == [(3, 4)]  # only the chunk that holds it was read
    X[0, 7] = 1.0
    assert np.isfinite(_engine.forward_logits(X, params, "relu", check_input=check)).all()
