"""Time a REML random-effects meta-analysis of 10, 100 and 1,000 studies (median of several runs).

    .venv/bin/python benchmarks/evidence_meta.py [--runs 7]

Prints one line per size: the median wall time of `meta_analysis(..., "REML")` (estimate, τ² by Fisher
scoring, Q, I², H², the Q-profile CI for τ², the prediction interval), and separately of the REML fit with
leave-one-out, which refits k times. The studies are simulated (fixed seed): true effects from N(0.3, 0.1²),
sampling variances from U(0.01, 0.1).
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from susi.engines.evidence import generic, leave_one_out, meta_analysis


def simulate(k: int, seed: int = 2024):
    rng = np.random.default_rng(seed)
    vi = rng.uniform(0.01, 0.1, k)
    yi = rng.normal(0.3, 0.1, k) + rng.normal(0, np.sqrt(vi))
    return generic(yi, vi)


def median_seconds(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    print(f"REML meta-analysis, median of {args.runs} runs")
    for k in (10, 100, 1000):
        effects = simulate(k)
        meta_analysis(effects, "REML")  # warm-up
        t = median_seconds(lambda e=effects: meta_analysis(e, "REML"), args.runs)
        res = meta_analysis(effects, "REML")
        print(f"  k = {k:>5}: {t * 1000:8.2f} ms   (estimate {res.estimate:.4f}, tau2 {res.tau2:.4f})")
    for k in (10, 100, 1000):
        effects = simulate(k)
        runs = max(1, args.runs if k < 1000 else 3)
        t = median_seconds(lambda e=effects: leave_one_out(e, "REML"), runs)
        print(f"  leave-one-out, k = {k:>5}: {t * 1000:8.1f} ms (median of {runs})")


if __name__ == "__main__":
    main()
