"""Wall time of a search on the cat data: one local process, the local cores, a Dask cluster.

Runs the same 8 candidates x 3 folds (``nnscratch.search.run_search``, the work behind
``nnscratch search``) three ways and prints the times and the speed-ups over one
process, checking that every run finds the same best parameters:

1. one local process (``n_jobs=1``);
2. the local cores through joblib (``n_jobs=-1``);
3. a ``dask.distributed.LocalCluster`` of N worker processes (1 thread each) that this
   script starts and stops (``--workers``, default 2), through joblib's Dask backend.

Usage (from the repository root)::

    PYTHONPATH=src python3 benchmarks/search.py                 # the issue's search
    PYTHONPATH=src python3 benchmarks/search.py --quick         # fewer iterations
    PYTHONPATH=src python3 benchmarks/search.py --data PATH --workers 4

Needs ``pip install 'nnscratch[dask]'`` and the course's data (``--data``, default
``../shared/data/catvnoncat/train_catvnoncat.h5``). On a machine shared with other jobs
the times mean little: run it on a quiet one.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "catvnoncat" / "train_catvnoncat.h5"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=str(DEFAULT_DATA))
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--cv", type=int, default=3)
    parser.add_argument("--quick", action="store_true",
                        help="iterations 50;100 instead of 150;400")
    args = parser.parse_args(argv)

    from nnscratch import NeuralNetworkClassifier
    from nnscratch.datasets import load_dataset
    from nnscratch.search import parse_params, run_search
    from nnscratch.streaming import require_dask

    require_dask()
    import distributed

    if not Path(args.data).is_file():
        print(f"search.py: no data at {args.data}; give --data", file=sys.stderr)
        return 2
    data = load_dataset(args.data)
    iterations = "50;100" if args.quick else "150;400"
    grid = parse_params(["hidden=7;16", "learning_rate=0.01;0.05",
                         f"iterations={iterations}"])
    estimator = NeuralNetworkClassifier((7,), init="lecun", random_state=1)
    print(f"search: 8 candidates x {args.cv} folds on {data.n_samples} x {data.n_features} "
          f"({Path(args.data).name}), iterations {iterations}; load average "
          f"{os.getloadavg()[0]:.2f} on {os.cpu_count()} cores", file=sys.stderr)

    def timed(label, **where):
        start = time.perf_counter()
        outcome = run_search(estimator, data.X, data.y, grid, cv=args.cv, **where)
        seconds = time.perf_counter() - start
        print(f"  {label}: {seconds:.1f} s, best {outcome.best_params} "
              f"({outcome.best_score:.4f})", file=sys.stderr)
        return seconds, outcome.best_params

    results = {"one process": timed("one process", n_jobs=1),
               "local cores": timed("local cores", n_jobs=-1)}
    os.environ["PYTHONPATH"] = os.pathsep.join(
        [str(ROOT / "src"), *[p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep)
                              if p]])
    with distributed.LocalCluster(n_workers=args.workers, threads_per_worker=1,
                                  processes=True, dashboard_address=":0") as cluster, \
            distributed.Client(cluster) as client:
        label = f"Dask, {args.workers} workers"
        results[label] = timed(label, client=client)
    base = results["one process"][0]
    print("| run | wall time | speed-up over one process |")
    print("|---|---|---|")
    for label, (seconds, _) in results.items():
        print(f"| {label} | {seconds:.1f} s | {base / seconds:.2f}x |")
    same = len({str(best) for _, best in results.values()}) == 1
    print(f"\nsame best parameters everywhere: {'yes' if same else 'NO'}")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
