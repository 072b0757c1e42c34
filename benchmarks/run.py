"""Run the benchmarks of issues 5 and 14 in one process and write docs/benchmarks.md.

    python3 benchmarks/run.py                  # full run (a few minutes on 2 cores)
    python3 benchmarks/run.py --quick          # reduced sizes, for development
    python3 benchmarks/run.py --output docs/benchmarks.md

From the repository root, with ``src`` importable (``PYTHONPATH=src`` in a checkout).
Progress goes to stderr, the table to stdout; ``--output`` writes the Markdown report
(atomically: a temporary file in the same folder, then ``os.replace``).

1. The course's 4-layer cat model (20, 7, 5), 2500 full-batch iterations: nnscratch
   against ``seeds_baseline.py`` (the course's vectorized NumPy code); costs compared.
2. Mini-batch SGD on MNIST-shaped data (60000 x 784 float32), layers (256, 128),
   batch 256, 2 epochs: nnscratch against scikit-learn's MLPClassifier and PyTorch.
3. ``predict_proba`` on 60000 x 784 against both peers.
4. Fraction of the machine's GEMM peak reached by training; peak extra memory of fit.
5. The command line's start-up against ``python3 -c "import numpy"`` (``felt.py``).
6. The cat command and a mini-batch fit quiet and beside two busy neighbour processes
   (``felt.py``, ``neighbours.py``).
7. The commands whose times the documentation quotes (``nnscratch demo`` on the flower
   data and on the cat pictures, ``docs/cli.md``'s ``nnscratch train --hidden 7``), fresh
   processes; then the acceptance tables of issues 5 and 14.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import gc
import os
import platform
import sys
import tempfile
import time
import tracemalloc
import warnings
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "src"))

import felt
import fullbatch
import minibatch
import seeds_baseline

THREADS = 2
NA = "n/a"


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


# ---------------------------------------------------------------- timing helpers


def best_time(fn, repeat: int, budget_s: float = 30.0):
    """Best wall time of ``fn()`` over up to ``repeat`` runs (``time.perf_counter``).

    Stops repeating once the runs so far took more than ``budget_s``. Returns
    ``(best_seconds, n_runs, last_result)``.
    """
    best, spent, n, result = float("inf"), 0.0, 0, None
    while n < repeat and (n == 0 or spent < budget_s):
        gc.collect()
        t0 = time.perf_counter()
        result = fn()
        dt = time.perf_counter() - t0
        best, spent, n = min(best, dt), spent + dt, n + 1
    return best, n, result


def peak_extra_memory(fn):
    """Peak bytes allocated (tracemalloc, which NumPy reports to) while ``fn()`` runs."""
    gc.collect()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    tracemalloc.reset_peak()
    fn()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak - base


def gemm_peak(n: int, dtype) -> float:
    """FLOP/s of an n x n x n matmul, best of 5."""
    rng = np.random.default_rng(0)
    a = rng.random((n, n), dtype=np.float64).astype(dtype)
    b = rng.random((n, n), dtype=np.float64).astype(dtype)
    c = np.empty_like(a)
    best, _, _ = best_time(lambda: np.matmul(a, b, out=c), repeat=5)
    return 2.0 * n**3 / best


def gemm_floor_numpy(dims, m: int, batch_size: int, epochs: int, train: bool = True,
                     X=None):
    """The time of the matrix products alone, with NumPy's BLAS: the GEMMs of every
    step of training (``Z_l = W_l A_(l-1)``, ``dW_l = dZ_l A_(l-1)^T``, ``dA_(l-1) =
    W_l^T dZ_l`` for l >= 2), or of a forward pass by batches when ``train`` is False,
    in the library's layouts (examples' columns contiguous, weights row-major), with
    nothing else: no gather, no element-wise work, no Python around it.

    ``X`` (``(m, n_x)`` rows, for prediction): the first layer's products read its
    chunks, as prediction does (188 MB streamed from memory for 60000 x 784), rather
    than one random chunk that stays in the cache (8 % faster on the Intel machine:
    not the products the path runs). Training's products read a gathered batch, which
    the gather has just put in the cache, so a reused batch is what they read."""
    rng = np.random.default_rng(0)
    f32 = np.float32
    W = [None] + [rng.random((dims[l], dims[l - 1]), dtype=f32) for l in range(1, len(dims))]
    sizes = [min(batch_size, m - s) for s in range(0, m, batch_size)]

    def buffers(mb):
        A = [np.asfortranarray(rng.random((n, mb), dtype=f32)) for n in dims]
        return A, [np.empty_like(a) for a in A], [np.empty_like(w) for w in W[1:]]

    bufs = {mb: buffers(mb) for mb in set(sizes)}
    L = len(dims) - 1
    XT = None if X is None else np.asarray(X, dtype=f32).T  # the estimators' view

    def run():
        for _ in range(epochs):
            for start, mb in zip(range(0, m, batch_size), sizes, strict=True):
                A, dA, dW = bufs[mb]
                for l in range(1, L + 1):
                    A_prev = XT[:, start:start + mb] if l == 1 and XT is not None else A[l - 1]
                    np.matmul(W[l], A_prev, out=A[l])
                if not train:
                    continue
                for l in range(L, 0, -1):
                    np.matmul(A[l], A[l - 1].T, out=dW[l - 1])
                    if l > 1:
                        np.matmul(W[l].T, A[l], out=dA[l - 1])

    # The best of one BLAS thread and NumPy's default: the library picks between them
    # (nnscratch._threads), and beside other jobs the default collapses.
    from threadpoolctl import threadpool_limits

    best = best_time(run, repeat=5)[0]
    with threadpool_limits(limits=1, user_api="blas"):
        return min(best, best_time(run, repeat=5)[0])


def gemm_floor_torch(torch, dims, m: int, batch_size: int, epochs: int, train: bool = True):
    """:func:`gemm_floor_numpy` with PyTorch's BLAS (examples as rows, its layout)."""
    g = torch.Generator().manual_seed(0)
    W = [None] + [torch.rand(dims[l], dims[l - 1], generator=g) for l in range(1, len(dims))]
    sizes = [min(batch_size, m - s) for s in range(0, m, batch_size)]
    acts = {mb: [torch.rand(mb, n, generator=g) for n in dims] for mb in set(sizes)}
    dA = {mb: [torch.empty(mb, n) for n in dims] for mb in set(sizes)}
    dW = [None] + [torch.empty_like(w) for w in W[1:]]
    L = len(dims) - 1

    def run():
        with torch.no_grad():
            for _ in range(epochs):
                for mb in sizes:
                    A = acts[mb]
                    for l in range(1, L + 1):
                        torch.matmul(A[l - 1], W[l].T, out=A[l])
                    if not train:
                        continue
                    for l in range(L, 0, -1):
                        torch.matmul(A[l].T, A[l - 1], out=dW[l])
                        if l > 1:
                            torch.matmul(A[l], W[l], out=dA[mb][l - 1])

    return best_time(run, repeat=3)[0]


def mlp_flops_forward(dims, m: int) -> float:
    """FLOPs of one forward pass over ``m`` examples."""
    return sum(2.0 * m * dims[i] * dims[i + 1] for i in range(len(dims) - 1))


def mlp_flops(dims, m: int) -> float:
    """Forward + backward FLOPs of one pass over ``m`` examples (no input-layer dA)."""
    fwd = sum(2.0 * m * dims[i] * dims[i + 1] for i in range(len(dims) - 1))
    da = sum(2.0 * m * dims[i] * dims[i + 1] for i in range(1, len(dims) - 1))
    return fwd + fwd + da  # forward, every dW, dA of layers 2..L


# ---------------------------------------------------------------- nnscratch access


def nnscratch_estimator(**params):
    """``NeuralNetworkClassifier(**params)``, or ``(None, reason)`` when not available."""
    try:
        from nnscratch import NeuralNetworkClassifier
    except ImportError:
        return None, "n/a (NeuralNetworkClassifier not yet on this branch)"
    keys = set(NeuralNetworkClassifier().get_params())
    missing = sorted(k for k in params if k not in keys)
    if missing:
        return None, f"n/a (not yet supported: {', '.join(missing)})"
    return NeuralNetworkClassifier(**params), None


def rel_diff(a, b) -> float:
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return float(np.max(np.abs(a - b) / np.abs(b)))


# ---------------------------------------------------------------- benchmark 1


def bench_cat(quick: bool, repeat: int, plain_loop: bool = False) -> dict:
    n_iter = 300 if quick else 2500
    res = {"n_iter": n_iter, "rows": []}
    if not (seeds_baseline.DATA_DIR / "train_catvnoncat.h5").exists():
        res["skipped"] = f"missing {seeds_baseline.DATA_DIR}/train_catvnoncat.h5"
        return res
    train_x, train_y, _, _ = seeds_baseline.load_cat_data()  # (12288, 209), F-ordered
    X_rows = train_x.T  # (209, 12288) C-contiguous view: the estimator's layout
    y = train_y.ravel()
    dims = [train_x.shape[0], 20, 7, 5, 1]

    log(f"[1] seeds baseline, {n_iter} iterations ...")
    t_base, n_base, (_params_b, costs_b) = best_time(
        lambda: seeds_baseline.L_layer_model(train_x, train_y, dims, 0.0075, n_iter),
        repeat=min(repeat, 2),
        budget_s=40.0,  # two runs of ~15 s: a busy moment should not flatter the ratio
    )
    res["baseline"] = {"time": t_base, "runs": n_base, "costs": costs_b}
    res["rows"].append(("seeds' vectorized NumPy (baseline)", t_base, n_base, 1.0, 0.0))

    log("[1] nnscratch NeuralNetworkClassifier ...")
    clf, why = nnscratch_estimator(
        hidden_layer_sizes=(20, 7, 5),
        init="lecun",
        learning_rate=0.0075,
        max_iter=n_iter,
        random_state=1,
    )
    if clf is None:
        res["rows"].append(("nnscratch NeuralNetworkClassifier.fit", None, 0, None, why))
    else:
        t, n, fitted = best_time(lambda: clf.fit(X_rows, y), repeat=repeat, budget_s=10.0)
        d = rel_diff(fitted.costs_[: len(costs_b)], costs_b)
        res["estimator"] = {"time": t, "costs": list(fitted.costs_), "rel_diff": d}
        res["rows"].append(("nnscratch NeuralNetworkClassifier.fit", t, n, t_base / t, d))

    Y = train_y.astype(np.float64)
    loops = [(True, "row-space loop (nnscratch._rowspace)")]
    if plain_loop:  # 2500 iterations of two 20 x 12288 x 209 GEMMs: slow on a busy machine
        loops.append((False, "same lean loop, plain first layer"))
    for rowspace, name in loops:
        log(f"[1] {name} ...")
        t, n, (curve, _) = best_time(
            lambda rs=rowspace: fullbatch.train_full_batch(
                train_x, Y, (20, 7, 5), lr=0.0075, n_iter=n_iter, seed=1, rowspace=rs
            ),
            repeat=repeat,
            budget_s=10.0,
        )
        d = rel_diff(curve[::100][: len(costs_b)], costs_b)
        res["rows"].append((name, t, n, t_base / t, d))
        if rowspace:
            res["rowspace"] = {"time": t, "rel_diff": d, "curve": curve}
    res["flops"] = mlp_flops(dims, train_x.shape[1]) * n_iter
    return res


# ---------------------------------------------------------------- benchmarks 2 and 3


def mnist_like(n: int, seed: int = 0):
    """Synthetic MNIST-shaped data: 784 pixels in [0, 1), float32, ten "digits".

    Each digit has a random template; an example is ``0.4 * template + 0.6 * noise``
    (uniform). The binary target is the digit's parity, so that every peer trains the
    same one-output model (the multi-class target would be the digit itself).
    """
    rng = np.random.default_rng(seed)
    templates = rng.random((10, 784), dtype=np.float32)
    digit = rng.integers(0, 10, size=n)
    X = rng.random((n, 784), dtype=np.float32)
    X *= 0.6
    X += 0.4 * templates[digit]
    y = (digit % 2).astype(np.int64)
    return X, y


def torch_fit(torch, X, y, hidden, lr, epochs, batch_size, seed=0):
    torch.manual_seed(seed)
    layers, n_in = [], X.shape[1]
    for n in hidden:
        layers += [torch.nn.Linear(n_in, n), torch.nn.ReLU()]
        n_in = n
    layers.append(torch.nn.Linear(n_in, 1))
    model = torch.nn.Sequential(*layers)
    opt = torch.optim.SGD(model.parameters(), lr=lr, momentum=0)
    loss_fn = torch.nn.BCEWithLogitsLoss()
    Xt = torch.from_numpy(X)  # shares memory, no copy
    yt = torch.from_numpy(y.astype(np.float32))[:, None]
    g = torch.Generator().manual_seed(seed)
    m = X.shape[0]
    for _ in range(epochs):
        perm = torch.randperm(m, generator=g)
        for start in range(0, m, batch_size):
            idx = perm[start : start + batch_size]
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(model(Xt[idx]), yt[idx])
            loss.backward()
            opt.step()
    return model


def torch_predict_proba(torch, model, X):
    with torch.no_grad():
        return torch.sigmoid(model(torch.from_numpy(X)))[:, 0].numpy()


def interleaved_best(fns: dict, repeat: int) -> dict:
    """Best wall time of each ``fn()``, the runs interleaved (A, B, C, A, B, C, ...) so
    that every implementation meets the same quiet and busy moments of a shared
    machine. Returns ``{name: (best_seconds, n_runs, last_result)}``."""
    out = {name: (float("inf"), 0, None) for name in fns}
    for _ in range(repeat):
        for name, fn in fns.items():
            gc.collect()
            t0 = time.perf_counter()
            result = fn()
            dt = time.perf_counter() - t0
            best, n, _ = out[name]
            out[name] = (min(best, dt), n + 1, result)
            MEDIANS.setdefault(name, []).append(dt)
    return out


#: Every time :func:`interleaved_best` took, by implementation (cleared per benchmark):
#: the medians of the acceptance of issue 14 ("median of five interleaved pairs").
MEDIANS: dict[str, list[float]] = {}


def medians() -> dict[str, float]:
    out = {name: float(np.median(ts)) for name, ts in MEDIANS.items()}
    MEDIANS.clear()
    return out


def bench_minibatch(quick: bool, repeat: int) -> dict:
    n = 12000 if quick else 60000
    epochs = 1 if quick else 2
    hidden, lr, bs = (256, 128), 0.05, 256
    X, y = mnist_like(n)
    res = {"n": n, "epochs": epochs, "lr": lr, "fit": [], "predict": [], "nbytes": X.nbytes}
    res["flops"] = mlp_flops([784, *hidden, 1], n) * epochs
    fits, unavailable = {}, {}

    clf, why = nnscratch_estimator(
        hidden_layer_sizes=hidden,
        solver="gd",
        batch_size=bs,
        max_iter=epochs,
        learning_rate=lr,
        alpha=0,
        random_state=0,
    )
    if clf is None:
        unavailable["nnscratch"] = why
    else:
        fits["nnscratch"] = lambda: clf.fit(X, y)

    fits["lean NumPy loop (benchmarks/)"] = lambda: minibatch.train_minibatch(
        X, y, hidden, lr=lr, epochs=epochs, batch_size=bs
    )

    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    sk = MLPClassifier(
        hidden_layer_sizes=hidden,
        solver="sgd",
        momentum=0,
        nesterovs_momentum=False,
        learning_rate_init=lr,
        batch_size=bs,
        max_iter=epochs,
        shuffle=True,
        alpha=0,
        tol=0,
        n_iter_no_change=10**9,
        random_state=0,
    )
    fits["scikit-learn MLPClassifier"] = lambda: sk.fit(X, y)

    try:
        import torch
    except ImportError:
        torch = None
    if torch is None:
        unavailable["PyTorch (CPU)"] = "n/a (torch not installed)"
    else:
        torch.set_num_threads(THREADS)
        fits["PyTorch (CPU)"] = lambda: torch_fit(torch, X, y, hidden, lr, epochs, bs)

    repeat_fit = 2 if quick else max(repeat, 5)  # median of five interleaved (issue 14)
    log(f"[2] fit, {', '.join(fits)}: {repeat_fit} runs each, interleaved ...")
    medians()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("ignore", UserWarning)
        timed = interleaved_best(fits, repeat_fit)
    res["fit_median"] = medians()

    predictors = {}
    for name in [
        "nnscratch",
        "lean NumPy loop (benchmarks/)",
        "scikit-learn MLPClassifier",
        "PyTorch (CPU)",
    ]:
        if name in unavailable:
            res["fit"].append((name, None, 0, unavailable[name], None))
            continue
        t, k, fitted = timed[name]
        if name == "nnscratch":
            predictors[name] = lambda f=fitted: f.predict_proba(X)
            proba = None
        elif name.startswith("lean"):
            W, b, _ = fitted
            predictors[name] = lambda W=W, b=b: minibatch.predict_proba(W, b, X)
        elif name.startswith("scikit"):
            predictors[name] = lambda f=fitted: f.predict_proba(X)
        else:
            predictors[name] = lambda mdl=fitted: torch_predict_proba(torch, mdl, X)
        proba = predictors[name]()
        p1 = proba[:, 1] if proba.ndim == 2 else proba
        acc = float(np.mean((p1 > 0.5) == y))
        res["fit"].append((name, t, k, None, acc))

    log(f"[3] predict_proba, {', '.join(predictors)}: best of {max(repeat, 5)}, interleaved ...")
    timed_p = interleaved_best(predictors, max(repeat, 5))
    res["predict_median"] = medians()
    for name, (t, k, _) in timed_p.items():
        res["predict"].append((name, t, k))

    dims = [784, *hidden, 1]
    log("[2, 3] the matrix products alone, NumPy and PyTorch ...")
    res["gemm_fit"] = {"NumPy (OpenBLAS)": gemm_floor_numpy(dims, n, bs, epochs)}
    res["gemm_predict"] = {"NumPy (OpenBLAS)": gemm_floor_numpy(dims, n, 4096, 1, False, X)}
    if torch is not None:
        blas = "MKL" if "BLAS_INFO=mkl" in torch.__config__.show() else "its BLAS"
        name = f"PyTorch ({blas})"
        res["gemm_fit"][name] = gemm_floor_torch(torch, dims, n, bs, epochs)
        res["gemm_predict"][name] = gemm_floor_torch(torch, dims, n, n, 1, False)

    log("[4] peak memory of fit (tracemalloc) ...")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("ignore", UserWarning)
        if "nnscratch" in fits:
            res["nnscratch_mem"] = peak_extra_memory(fits["nnscratch"])
        res["lean_mem"] = peak_extra_memory(fits["lean NumPy loop (benchmarks/)"])
        res["sklearn_mem"] = peak_extra_memory(fits["scikit-learn MLPClassifier"])
    return res


# ---------------------------------------------------------------- machine


def machine_info() -> dict:
    info = {"date": _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%d %H:%M UTC")}
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    info["cpu"] = cpu
    info["cores"] = (
        len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    )
    info["python"] = platform.python_version()
    info["platform"] = platform.platform()
    versions = {"numpy": np.__version__}
    for mod in ("scipy", "sklearn", "torch"):
        try:
            versions[mod] = __import__(mod).__version__
        except ImportError:
            versions[mod] = "not installed"
    try:
        import nnscratch

        versions["nnscratch"] = nnscratch.__version__
    except ImportError:
        versions["nnscratch"] = "?"
    info["versions"] = versions
    try:
        cfg = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
        info["blas"] = (
            f"{cfg.get('name')} {cfg.get('version')} ({cfg.get('openblas configuration', '')})"
        )
    except Exception:  # noqa: BLE001 (older NumPy: no dict mode)
        info["blas"] = "unknown"
    try:
        from threadpoolctl import threadpool_info

        pools = [
            f"{p['internal_api']} {p.get('version') or ''} x{p['num_threads']} "
            f"({Path(p['filepath']).name})"
            for p in threadpool_info()
        ]
        info["threadpools"] = pools
    except ImportError:
        info["threadpools"] = []
    return info


# ---------------------------------------------------------------- report


def fmt_t(t):
    return NA if t is None else (f"{t * 1e3:.0f} ms" if t < 1 else f"{t:.2f} s")


def fmt_ratio(r):
    return NA if r is None else f"{r:.1f}x"


def gemm_floor_line(floors: dict, what: str, fastest_peer) -> str:
    """The report's sentence on the time of the matrix products alone."""
    if not floors:
        return ""
    line = (
        f"The matrix products alone ({what}, in the same shapes and layouts, nothing "
        "else): " + ", ".join(f"{name} {fmt_t(t)}" for name, t in floors.items()) + "."
    )
    ours = floors.get("NumPy (OpenBLAS)")
    if fastest_peer and ours:
        line += (
            f" 1.5x faster than the fastest peer is {fmt_t(fastest_peer / 1.5)}: "
            f"NumPy's BLAS takes {100 * ours / (fastest_peer / 1.5):.0f} % of that on "
            "the products alone."
        )
    return line


def build_report(args, info, peaks, cat, mb) -> str:
    cmd = " ".join(["PYTHONPATH=src python3 benchmarks/run.py", *args.argv])
    out = ["# Benchmarks", ""]
    out.append(
        f"Measured {info['date']} by `{cmd}` (one process, all figures from the same run)."
        + (" **Quick mode: reduced sizes, not the acceptance run.**" if args.quick else "")
    )
    out += ["", "## Machine", ""]
    out.append(f"- CPU: {info['cpu']}, {info['cores']} cores available; {info['platform']}")
    out.append(
        f"- Python {info['python']}; " + ", ".join(f"{k} {v}" for k, v in info["versions"].items())
    )
    out.append(f"- NumPy BLAS: {info['blas']}")
    for p in info["threadpools"]:
        out.append(f"  - thread pool: {p}")
    out.append(
        f"- GEMM peak measured in this run (2048^3 matmul, best of 5 at the start and 5 at the end): "
        f"float32 {peaks['f32'] / 1e9:.0f} GFLOP/s, float64 {peaks['f64'] / 1e9:.0f} GFLOP/s"
    )
    if "load" in info:
        out.append(
            f"- 1-minute load average: {info['load'][0]:.2f} at the start, "
            f"{info['load'][1]:.2f} at the end (this run itself adds about 2)"
        )
    out.append(
        "- The machine is shared (2 cores, other jobs may run): every time is the best "
        "of several runs; ratios compare runs from this one process."
    )

    out += [
        "",
        f"## 1. The course's cat model (20, 7, 5), {cat['n_iter']} full-batch iterations",
        "",
    ]
    if "skipped" in cat:
        out.append(f"Skipped: {cat['skipped']}.")
    else:
        out.append("| implementation | time | runs | speed-up vs seeds | max rel. cost diff |")
        out.append("|---|---:|---:|---:|---:|")
        for name, t, n, ratio, d in cat["rows"]:
            dd = d if isinstance(d, str) else f"{d:.1e}"
            out.append(f"| {name} | {fmt_t(t)} | {n} | {fmt_ratio(ratio)} | {dd} |")
        base = cat["baseline"]["costs"]
        out.append("")
        out.append(
            f"Baseline costs: iteration 0 {base[0]:.6f}"
            + (f", iteration 2400 {base[24]:.6f}" if len(base) > 24 else "")
        )
        out.append("")
        out.append(
            "Cost difference: max over the recorded costs (every 100 iterations) of "
            "|c - c_seeds| / c_seeds. The row-space loop trains the first layer as "
            "W1 = s W1_0 + C X^T (see `src/nnscratch/_rowspace.py`): an iteration costs "
            "n_1 m^2 instead of 2 n_1 n_x m for that layer (m = 209 examples, n_x = 12288)."
        )
    out += [
        "",
        (
            f"## 2. Mini-batch SGD, {mb['n']} x 784 float32, (256, 128), batch 256, "
            f"{mb['epochs']} epochs, lr {mb['lr']}"
        ),
        "",
    ]
    out.append(
        "| implementation | fit time | runs | nnscratch speed-up | train accuracy | GFLOP/s | % of float32 peak |"
    )
    out.append("|---|---:|---:|---:|---:|---:|---:|")
    ours = next((t for name, t, *_ in mb["fit"] if name == "nnscratch"), None)
    for name, t, k, why, acc in mb["fit"]:
        if t is None:
            out.append(f"| {name} | {why} | 0 | {NA} | {NA} | {NA} | {NA} |")
            continue
        sp = (
            fmt_ratio(t / ours)
            if ours and name != "nnscratch"
            else ("1.0x" if name == "nnscratch" else NA)
        )
        gf = mb["flops"] / t
        out.append(
            f"| {name} | {fmt_t(t)} | {k} | {sp} | {acc:.4f} | {gf / 1e9:.0f} | "
            f"{100 * gf / peaks['f32']:.0f} % |"
        )
    if mb["flops"]:
        bound = mb["flops"] / peaks["f32"]
        torch_t = next((t for name, t, *_ in mb["fit"] if name == "PyTorch (CPU)" and t), None)
        line = (
            f"The physical limit: these {mb['flops'] / 1e9:.0f} GFLOP need at least "
            f"{fmt_t(bound)} at the float32 GEMM peak measured in this run."
        )
        if torch_t:
            line += (
                f" Being 1.5x faster than PyTorch ({fmt_t(torch_t / 1.5)}) would need "
                f"{100 * bound / (torch_t / 1.5):.0f} % of that peak over the whole training, "
                "small layers, element-wise work and the batch gather included."
            )
        out += ["", line]
        peers = [t for name, t, *_ in mb["fit"] if t and name != "nnscratch"
                 and not name.startswith("lean")]
        out += ["", gemm_floor_line(mb["gemm_fit"], "of every training step",
                                    min(peers, default=None))]
    out += ["", f"## 3. predict_proba on {mb['n']} x 784 float32", ""]
    out.append("| implementation | time | runs | nnscratch speed-up |")
    out.append("|---|---:|---:|---:|")
    ours_p = next((t for name, t, _ in mb["predict"] if name == "nnscratch"), None)
    for name, t, k in mb["predict"]:
        sp = fmt_ratio(t / ours_p) if ours_p else NA
        out.append(f"| {name} | {fmt_t(t)} | {k} | {sp} |")
    if mb["n"]:
        pflops = mlp_flops_forward([784, 256, 128, 1], mb["n"])
        out += [
            "",
            (
                f"The physical limit: the forward pass is {pflops / 1e9:.0f} GFLOP, at least "
                f"{fmt_t(pflops / peaks['f32'])} at the measured float32 GEMM peak."
            ),
            "",
            gemm_floor_line(
                mb["gemm_predict"], "of the forward pass",
                min((t for name, t, _ in mb["predict"]
                     if name != "nnscratch" and not name.startswith("lean")), default=None),
            ),
        ]
    out += ["", "## 4. Peak memory of fit (extra bytes over the data)", ""]
    nb = mb["nbytes"]
    out.append(
        f"Training data: {nb / 2**20:.0f} MiB (float32). Peak of tracemalloc during fit, "
        "minus what was allocated before:"
    )
    out.append("")
    out.append("| implementation | peak extra memory | fraction of the data |")
    out.append("|---|---:|---:|")
    for key, name in [
        ("nnscratch_mem", "nnscratch"),
        ("lean_mem", "lean NumPy loop (benchmarks/)"),
        ("sklearn_mem", "scikit-learn MLPClassifier"),
    ]:
        v = mb.get(key)
        if v is None:
            out.append(f"| {name} | {NA} | {NA} |")
        else:
            out.append(f"| {name} | {v / 2**20:.1f} MiB | {v / nb:.2f} |")
    out += ["", "## How each figure was measured", ""]
    out += [
        (
            "- Times: wall time with `time.perf_counter`, best of up to 3 runs (5 for prediction; "
            "a single run where one run is long), `gc.collect()` before each; the data are built "
            "once and shared by every implementation."
        ),
        (
            f"- Threads: OpenBLAS with its default {THREADS} threads for NumPy/scikit-learn, "
            f"`torch.set_num_threads({THREADS})` for PyTorch."
        ),
        (
            "- Benchmark 1: the baseline is `benchmarks/seeds_baseline.py`, a transcription of the "
            "course's `dnn_app_utils` code (caches, `dAL = -(Y/AL - (1-Y)/(1-AL))`, a Python loop); "
            "nnscratch is `NeuralNetworkClassifier((20, 7, 5), init='lecun', learning_rate=0.0075, "
            "max_iter=2500, random_state=1).fit(X, y)` on the same arrays; the row-space and plain "
            "lean loops are `benchmarks/fullbatch.py`."
        ),
        (
            "- Benchmark 2: the same synthetic data for all (`np.random.default_rng(0)`: ten random "
            "'digit' templates, each example 0.4 template + 0.6 uniform noise, label = the "
            "digit's parity); "
            "scikit-learn `MLPClassifier(solver='sgd', momentum=0, nesterovs_momentum=False, "
            "batch_size=256, alpha=0, tol=0, n_iter_no_change=10**9)`; PyTorch `nn.Sequential` of "
            "Linear/ReLU with `BCEWithLogitsLoss`, `optim.SGD(momentum=0)`, shuffled index tensors "
            "(no DataLoader); nnscratch `NeuralNetworkClassifier(solver='gd', batch_size=256, "
            "alpha=0)`. Same architecture, learning rate, batch size and epochs (initialisations "
            "differ: each library's own)."
        ),
        (
            "- GFLOP/s of training: forward + backward FLOPs of a pass (2 m sum n_l n_(l-1) forward, "
            "the same for the weight gradients, plus the dA of layers 2..L) times epochs, over the "
            "fit time; the peak is a 2048^3 float32 matmul timed in the same run."
        ),
        (
            "- The matrix products alone: `gemm_floor_numpy` and `gemm_floor_torch` in "
            "`benchmarks/run.py` run just the GEMMs of every step (forward `Z = W A`, every "
            "`dW = dZ A^T`, the `dA = W^T dZ` of layers 2..L; for prediction the forward "
            "products by chunks of 4096 rows for NumPy, all rows at once for PyTorch) on "
            "random float32 arrays of the same shapes and memory layouts as the libraries "
            "use (for prediction the first layer reads the benchmark's data itself, as "
            "prediction does), outputs preallocated; NumPy's the best of 5 runs with its "
            "default threads and 5 with one BLAS thread (the library picks between the two), "
            "PyTorch's the "
            "best of 3. They are a lower bound for any implementation on that BLAS: where "
            "they take more than 100 % of a 1.5x budget (the acceptance table), no NumPy "
            "implementation can meet it."
        ),
        (
            "- Issue 14's acceptance: each path's best time against its products alone "
            "(best against best); against the peers the medians of at least 5 interleaved "
            "runs (2 in quick mode); start-up and the runs beside neighbours are "
            "`benchmarks/felt.py`."
        ),
        (
            "- Memory: `tracemalloc` (NumPy reports its buffers to it) peak during a fit minus the "
            "traced memory before it; PyTorch's allocator is not traced, so it has no figure."
        ),
    ]
    return "\n".join(out) + "\n"


def closing_note(cat, mb) -> str:
    """The acceptance criteria of issue 5 against this run's figures, then a summary."""
    rows = {name: (t, r, d) for name, t, _, r, d in cat.get("rows", [])}
    fits = {name: t for name, t, *_ in mb["fit"]}
    preds = {name: t for name, t, _ in mb["predict"]}
    crit = []  # (criterion, target, measured, met)

    est = rows.get("nnscratch NeuralNetworkClassifier.fit")
    if est and est[0] is not None:
        crit.append(("cat model: fit vs the seeds' code", ">= 30x", f"{est[1]:.1f}x", est[1] >= 30))
        crit.append(
            ("cat model: costs vs the seeds' code", "<= 1e-9 rel.", f"{est[2]:.1e}", est[2] <= 1e-9)
        )
    def budget(floors, peer_time):  # the products alone against the 1.5x time budget
        floor = (floors or {}).get("NumPy (OpenBLAS)")
        if not floor:
            return ""
        return (f"; NumPy's matrix products alone: {fmt_t(floor)}, "
                f"{100 * floor / (peer_time / 1.5):.0f} % of the {fmt_t(peer_time / 1.5)} budget")

    ours = fits.get("nnscratch")
    for peer in ("scikit-learn MLPClassifier", "PyTorch (CPU)"):
        if ours and fits.get(peer):
            r = fits[peer] / ours
            crit.append((f"mini-batch fit vs {peer}", ">= 1.5x",
                         f"{r:.2f}x{budget(mb.get('gemm_fit'), fits[peer])}", r >= 1.5))
    for peer in ("scikit-learn MLPClassifier", "PyTorch (CPU)"):
        if preds.get("nnscratch") and preds.get(peer):
            r = preds[peer] / preds["nnscratch"]
            crit.append((f"predict_proba vs {peer}", ">= 1.5x",
                         f"{r:.2f}x{budget(mb.get('gemm_predict'), preds[peer])}", r >= 1.5))
    if mb.get("nnscratch_mem") is not None:
        f = mb["nnscratch_mem"] / mb["nbytes"]
        crit.append(
            ("fit's extra memory, float32 data", "<= 0.5 x data", f"{f:.2f} x data", f <= 0.5)
        )
    if not crit:
        return ""
    out = ["", "## Acceptance criteria (issue 5), this run", ""]
    out.append("| criterion | target | measured | met |")
    out.append("|---|---|---:|---|")
    for name, target, measured, met in crit:
        out.append(f"| {name} | {target} | {measured} | {'yes' if met else '**no**'} |")
    lean = fits.get("lean NumPy loop (benchmarks/)")
    out += ["", "## Closing note", ""]
    parts = [f"{name}: {measured}" for name, _, measured, _ in crit]
    rs = rows.get("row-space loop (nnscratch._rowspace)")
    if rs:
        parts.append(f"the lean row-space loop alone: {rs[1]:.0f}x the seeds' code")
    if lean:
        for peer in ("scikit-learn MLPClassifier", "PyTorch (CPU)"):
            if fits.get(peer):
                parts.append(f"lean NumPy mini-batch loop vs {peer}: {fits[peer] / lean:.2f}x")
    out.append("In this run: " + "; ".join(parts) + ".")
    return "\n".join(out) + "\n"


def felt_sections(startup, load, documented=None) -> str:
    """Sections 5 to 7: the start-up, the runs beside busy neighbours and the documented
    commands (issue 14)."""
    out = []
    if startup:
        out += ["", "## 5. Start-up of the command line", "",
                ("Fresh processes, interleaved, `PYTHONPATH=src`; the ratio is to the median "
                 "of `python3 -c \"import numpy\"`."), "", felt.report_startup(startup)]
    if load:
        out += ["", "## 6. Beside busy neighbours", "",
                ("The README's cat command (`nnscratch train` on the course's cat file, a fresh "
                 f"process, {load['n_iter']} iterations) and a mini-batch fit (one epoch, "
                 "(256, 128), batch 256, float32), first as the machine is, then beside two "
                 "processes that multiply 600 x 600 matrices in a loop "
                 "(`benchmarks/neighbours.py`), with NumPy's default BLAS threads and with one "
                 "each. The library picks its BLAS threads itself (`nnscratch._threads`, "
                 "`benchmarks/README.md`)."), "", felt.report_under_load(load)]
    if documented:
        out += ["", "## 7. The documented commands", "",
                ("The commands whose times `docs/cli.md` and the README quote, on the machine "
                 "as it is: `nnscratch demo` on the built-in flower data and on the course's cat "
                 "pictures, and the one-hidden-layer cat network of `docs/cli.md` (2500 "
                 "iterations), with `--json`."), "",
                felt.report_documented(documented)]
    return "\n".join(out) + "\n" if out else ""


def acceptance_14(cat, mb, startup, load) -> str:
    """The acceptance criteria of issue 14 against this run's figures."""
    crit = []
    if startup:
        for name in ("nnscratch --version", "nnscratch --help"):
            r = startup[name]["ratio"]
            crit.append((f"`{name}` start vs `import numpy` (median)", "<= 1.5x",
                         f"{r:.2f}x", r <= 1.5))
    if load:
        for row in load["rows"]:
            if "before" in row[0]:
                continue
            r = row[5]  # beside neighbours with NumPy's default threads
            crit.append((f"{row[0]}: beside 2 busy neighbours / quiet (median)", "<= 3x",
                         f"{r:.2f}x (one-thread neighbours: {row[8]:.2f}x)", r <= 3))
    fit_med, pred_med = mb.get("fit_median", {}), mb.get("predict_median", {})
    best = {"mini-batch fit": {name: t for name, t, *_ in mb["fit"]},
            "predict_proba": {name: t for name, t, *_ in mb["predict"]}}
    for what, med, floors in (("mini-batch fit", fit_med, mb.get("gemm_fit")),
                              ("predict_proba", pred_med, mb.get("gemm_predict"))):
        ours = med.get("nnscratch")
        floor = (floors or {}).get("NumPy (OpenBLAS)")
        ours_best = best[what].get("nnscratch")
        if ours_best and floor:
            crit.append((f"{what} vs its products alone (best / best)", "<= 1.1x",
                         f"{ours_best / floor:.2f}x ({fmt_t(ours_best)} / {fmt_t(floor)})",
                         ours_best / floor <= 1.1))
        for peer in ("scikit-learn MLPClassifier", "PyTorch (CPU)"):
            if ours and med.get(peer):
                r = med[peer] / ours
                crit.append((f"{what} vs {peer} (medians, interleaved)", ">= 1x",
                             f"{r:.2f}x", r >= 1))
    rows = {name: (t, r, d) for name, t, _, r, d in cat.get("rows", [])}
    est = rows.get("nnscratch NeuralNetworkClassifier.fit")
    if est and est[0] is not None:
        crit.append(("cat model vs the seeds' code, same costs", ">= 30x, <= 1e-9",
                     f"{est[1]:.1f}x, {est[2]:.1e}", est[1] >= 30 and est[2] <= 1e-9))
    if not crit:
        return ""
    out = ["", "## Acceptance criteria (issue 14), this run", "",
           "| criterion | target | measured | met |", "|---|---|---:|---|"]
    for name, target, measured, met in crit:
        out.append(f"| {name} | {target} | {measured} | {'yes' if met else '**no**'} |")
    return "\n".join(out) + "\n"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="Run nnscratch's benchmarks (issue 5).")
    ap.add_argument("--quick", action="store_true", help="reduced sizes, for development")
    ap.add_argument("--output", help="write the Markdown report to this file")
    ap.add_argument("--repeat", type=int, default=3, help="best of this many runs (default 3)")
    ap.add_argument("--only", choices=["cat", "minibatch", "startup", "load", "documented"],
                    help="run one benchmark")
    ap.add_argument("--old-threads", action="store_true",
                    help="benchmark 6: also the cat command with every BLAS thread, as before "
                         "issue 14 (slow beside busy neighbours)")
    ap.add_argument(
        "--plain-loop",
        action="store_true",
        help="benchmark 1: also time the lean loop with a plain first layer (slow)",
    )
    ap.add_argument(
        "--wait-quiet",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="first wait up to SECONDS for the 1-minute load average to fall below 1",
    )
    args = ap.parse_args(argv)
    args.argv = list(sys.argv[1:] if argv is None else argv)
    if args.wait_quiet > 0 and hasattr(os, "getloadavg"):
        deadline = time.monotonic() + args.wait_quiet
        while os.getloadavg()[0] >= 1.0 and time.monotonic() < deadline:
            log(f"waiting for a quieter machine (load {os.getloadavg()[0]:.2f}) ...")
            time.sleep(15)
    load_start = os.getloadavg() if hasattr(os, "getloadavg") else None

    info = machine_info()
    log("[4] GEMM peak ...")
    peaks = {"f32": gemm_peak(2048, np.float32), "f64": gemm_peak(2048, np.float64)}
    cat = (
        bench_cat(args.quick, args.repeat, args.plain_loop)
        if args.only in (None, "cat")
        else {"rows": [], "skipped": "not run (--only)", "n_iter": 0, "baseline": {"costs": []}}
    )
    mb = (
        bench_minibatch(args.quick, args.repeat)
        if args.only in (None, "minibatch")
        else {"n": 0, "epochs": 0, "lr": 0, "fit": [], "predict": [], "nbytes": 1, "flops": 0}
    )
    startup = None
    if args.only in (None, "startup"):
        log("[5] start-up of the command line, interleaved ...")
        startup = felt.bench_startup(3 if args.quick else 7)
    load = None
    if args.only in (None, "load"):
        log("[6] the cat command and a mini-batch fit, quiet and beside busy neighbours ...")
        # at least 3 runs of each (--repeat more): beside neighbours one fit varies by 2x
        load = felt.bench_under_load(args.quick, 2 if args.quick else max(3, args.repeat),
                                     args.old_threads)
    documented = None
    if args.only in (None, "documented"):
        log("[7] the documented commands (nnscratch demo, demo --data, train --hidden 7) ...")
        documented = felt.bench_documented(1 if args.quick else 3)
    log("[4] GEMM peak again (the best of both measurements is kept) ...")
    peaks = {
        "f32": max(peaks["f32"], gemm_peak(2048, np.float32)),
        "f64": max(peaks["f64"], gemm_peak(2048, np.float64)),
    }
    if load_start is not None:
        info["load"] = (load_start[0], os.getloadavg()[0])
    report = (build_report(args, info, peaks, cat, mb) + felt_sections(startup, load, documented)
              + closing_note(cat, mb) + acceptance_14(cat, mb, startup, load))
    print(report)
    if args.output:
        path = Path(args.output)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "w") as f:
                f.write(report)
            os.replace(tmp, path)
        except BaseException:
            os.unlink(tmp)
            raise
        log(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
