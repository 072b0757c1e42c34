"""Speed a user feels (issue 14): start-up time, and the time beside busy neighbours.

    PYTHONPATH=src python3 benchmarks/felt.py            # both, printed as Markdown
    PYTHONPATH=src python3 benchmarks/felt.py --quick

Used by ``run.py`` (its sections 5 and 6); runnable alone:

- :func:`bench_startup`: ``nnscratch --version``, ``nnscratch --help`` and
  ``nnscratch train --help`` against ``python3 -c "import numpy"``, fresh processes,
  interleaved, median of several;
- :func:`bench_documented`: the commands whose times ``docs/cli.md`` quotes
  (``nnscratch demo``, ``nnscratch train --hidden 7`` on the cat data);
- :func:`bench_under_load`: the README's cat command (``nnscratch train`` on the
  course's cat HDF5 file, a fresh process) and a mini-batch fit (in this process),
  each on the machine as it is and then beside two neighbour processes that multiply
  600 x 600 matrices in a loop (:mod:`neighbours`), median of several; the ratio
  busy / quiet is the acceptance figure (at most 3x: a fair share of two cores).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
import neighbours

DATA = ROOT.parent / "shared" / "data" / "catvnoncat"


def _env(**extra) -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), env.get("PYTHONPATH", "")]).rstrip(
        os.pathsep)
    env.update(extra)
    return env


def _run(cmd, env, timeout=None) -> float:
    t0 = time.perf_counter()
    subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   timeout=timeout, check=True)
    return time.perf_counter() - t0


def bench_startup(repeat: int = 7) -> dict:
    """Median wall time of each start-up command, ``repeat`` interleaved runs."""
    py = sys.executable
    cmds = {
        'python3 -c "import numpy"': [py, "-c", "import numpy"],
        "nnscratch --version": [py, "-m", "nnscratch", "--version"],
        "nnscratch --help": [py, "-m", "nnscratch", "--help"],
        "nnscratch train --help": [py, "-m", "nnscratch", "train", "--help"],
    }
    env = _env()
    times = {name: [] for name in cmds}
    for cmd in cmds.values():  # warm the file cache once
        _run(cmd, env)
    for _ in range(repeat):
        for name, cmd in cmds.items():
            times[name].append(_run(cmd, env))
    base = statistics.median(times['python3 -c "import numpy"'])
    return {name: {"median": statistics.median(t), "min": min(t), "runs": len(t),
                   "ratio": statistics.median(t) / base} for name, t in times.items()}


def cat_command(n_iter: int, out: str) -> list[str] | None:
    """The README's cat command (None when the course's data is absent)."""
    train, test = DATA / "train_catvnoncat.h5", DATA / "test_catvnoncat.h5"
    if not train.exists():
        return None
    return [sys.executable, "-m", "nnscratch", "train", str(train), "--hidden", "20,7,5",
            "--init", "lecun", "--learning-rate", "0.0075", "--iterations", str(n_iter),
            "--seed", "1", "--output", out, "--test", str(test)]


def _minibatch_fit(quick: bool):
    import numpy as np

    from nnscratch import NeuralNetworkClassifier

    rng = np.random.default_rng(0)
    n = 12000 if quick else 60000
    X = rng.random((n, 784), dtype=np.float32)
    y = (X[:, :392].sum(axis=1) > X[:, 392:].sum(axis=1)).astype(int)
    clf = NeuralNetworkClassifier((256, 128), solver="gd", batch_size=256, max_iter=1,
                                  learning_rate=0.05, random_state=0)
    return lambda: clf.fit(X, y)


def _timed(fn, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def bench_under_load(quick: bool, repeat: int = 3, old_threads: bool = False,
                     timeout: float = 300.0) -> dict:
    """The cat command and a mini-batch fit, quiet and beside two busy neighbours.

    With ``old_threads`` the cat command also runs with every BLAS thread
    (``NNSCRATCH_BLAS_THREADS`` = the CPU count, the behaviour before issue 14), once
    per condition, stopped after ``timeout`` seconds.
    """
    n_iter = 300 if quick else 2500
    res = {"n_iter": n_iter, "repeat": repeat, "rows": []}
    with tempfile.TemporaryDirectory() as tmp:
        cmd = cat_command(n_iter, str(Path(tmp) / "cat.npz"))
        fit = _minibatch_fit(quick)
        fit()  # warm: imports, first-touch of the data
        jobs = {}
        if cmd is None:
            res["skipped"] = f"missing {DATA}/train_catvnoncat.h5"
        else:
            env = _env()
            jobs[f"cat command ({n_iter} iterations)"] = lambda: _run(cmd, env, timeout)
        jobs["mini-batch fit (1 epoch, 60000 x 784)" if not quick
             else "mini-batch fit (1 epoch, 12000 x 784)"] = fit
        old = {}
        if old_threads and cmd is not None:
            env_old = _env(NNSCRATCH_BLAS_THREADS=str(len(os.sched_getaffinity(0))))

            def run_old():
                try:
                    return _run(cmd, env_old, timeout)
                except subprocess.TimeoutExpired:
                    return float("inf")

            old["cat command, every BLAS thread (before)"] = run_old
        quiet = {name: _timed(fn, repeat) for name, fn in jobs.items()}
        quiet.update({name: [fn()] for name, fn in old.items()})
        res["load"] = [os.getloadavg()[0]]
        busy = {}
        for threads, label in ((None, "NumPy's default threads"), (1, "one BLAS thread")):
            with neighbours.busy(2, threads=threads):
                busy[label] = {name: _timed(fn, repeat) for name, fn in jobs.items()}
                busy[label].update({name: [fn()] for name, fn in old.items()})
                res["load"].append(os.getloadavg()[0])
    res["neighbours"] = list(busy)
    for name, times in quiet.items():
        q = statistics.median(times)
        row = [name, q, min(times)]
        for label in busy:
            b = statistics.median(busy[label][name])
            row += [b, min(busy[label][name]), b / q]
        res["rows"].append(tuple(row))
    return res


def bench_documented(repeat: int = 3) -> dict:
    """The commands whose times the documentation quotes, each a fresh process, run
    ``repeat`` times (the run with the median wall time is reported): ``nnscratch demo``
    on the flower data and on the course's cat pictures, and ``docs/cli.md``'s
    one-hidden-layer cat network (``nnscratch train --hidden 7``), with ``--json`` for the
    training times they print."""
    import json

    env = _env()
    runs: dict[str, list] = {}
    with tempfile.TemporaryDirectory() as tmp:
        cmds = {"nnscratch demo": [sys.executable, "-m", "nnscratch", "demo", "--json",
                                   "--output-dir", str(Path(tmp) / "demo")]}
        train, test = DATA / "train_catvnoncat.h5", DATA / "test_catvnoncat.h5"
        if train.exists():
            cmds["nnscratch demo --data (cat)"] = [
                sys.executable, "-m", "nnscratch", "demo", "--data", str(DATA), "--json",
                "--output-dir", str(Path(tmp) / "cat-demo")]
            cmds["nnscratch train --hidden 7 (cat)"] = [
                sys.executable, "-m", "nnscratch", "train", str(train), "--hidden", "7",
                "--init", "small", "--learning-rate", "0.0075", "--iterations", "2500",
                "--seed", "1", "--test", str(test), "--output", str(Path(tmp) / "cat7.npz"),
                "--json"]
        for _ in range(repeat):
            for name, cmd in cmds.items():
                t0 = time.perf_counter()
                out = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True)
                runs.setdefault(name, []).append((time.perf_counter() - t0,
                                                  json.loads(out.stdout)))
    res = {}
    for name, pairs in runs.items():
        pairs.sort(key=lambda p: p[0])
        wall, doc = pairs[len(pairs) // 2]
        models = doc.get("models", [doc])
        res[name] = {"wall": wall, "runs": len(pairs), "models": [
            (m["model"] if "file" in m else "network (7)", m["train_accuracy"],
             m["test_accuracy"], m["seconds"]) for m in models]}
    return res


def report_documented(res: dict) -> str:
    out = ["| command | model | train / test accuracy | training (printed) | whole command |",
           "|---|---|---:|---:|---:|"]
    for name, r in res.items():
        for i, (model, tr, te, sec) in enumerate(r["models"]):
            whole = fmt_t(r["wall"]) if i == 0 else ""
            out.append(f"| `{name}` | {model} | {100 * tr:.2f} / {100 * te:.2f} % | "
                       f"{sec:.2f} s | {whole} |")
    runs = max((r["runs"] for r in res.values()), default=0)
    out += ["", ("Each command a fresh process, run once." if runs == 1 else
                 f"Each command a fresh process, run {runs} times interleaved; the run with "
                 "the median wall time is shown.")]
    return "\n".join(out)


def fmt_t(t: float) -> str:
    if t == float("inf"):
        return "> timeout"
    return f"{t * 1e3:.0f} ms" if t < 1 else f"{t:.2f} s"


def report_startup(res: dict) -> str:
    out = ["| command | median | min | runs | vs `import numpy` |", "|---|---:|---:|---:|---:|"]
    for name, r in res.items():
        out.append(f"| `{name}` | {fmt_t(r['median'])} | {fmt_t(r['min'])} | {r['runs']} | "
                   f"{r['ratio']:.2f}x |")
    return "\n".join(out)


def report_under_load(res: dict) -> str:
    out = []
    if "skipped" in res:
        out += [f"Cat command skipped: {res['skipped']}.", ""]
    heads = "".join(f" beside 2 neighbours, {label}: median (min) | busy / quiet |"
                    for label in res["neighbours"])
    out += ["| run | quiet: median (min) |" + heads,
            "|---|---:|" + "---:|---:|" * len(res["neighbours"])]
    for name, q, qmin, *busy in res["rows"]:
        cells = "".join(f" {fmt_t(busy[i])} ({fmt_t(busy[i + 1])}) | {busy[i + 2]:.2f}x |"
                        for i in range(0, len(busy), 3))
        out.append(f"| {name} | {fmt_t(q)} ({fmt_t(qmin)}) |" + cells)
    loads = ", ".join(f"{x:.2f}" for x in res["load"])
    out += ["", (f"Load average (1 minute) after the quiet runs and during each busy part: "
                 f"{loads}; medians of {res['repeat']} runs (one for 'before').")]
    return "\n".join(out)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="300 iterations, 12000 rows")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--old-threads", action="store_true",
                    help="also the cat command with every BLAS thread (slow under load)")
    args = ap.parse_args(argv)
    print(f"load average {os.getloadavg()[0]:.2f}\n", flush=True)
    print("## Start-up\n\n" + report_startup(bench_startup(3 if args.quick else 7)), flush=True)
    print("\n## The documented commands\n\n" + report_documented(
        bench_documented(1 if args.quick else 3)), flush=True)
    print("\n## Beside busy neighbours\n\n" + report_under_load(
        bench_under_load(args.quick, args.repeat, args.old_threads)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
