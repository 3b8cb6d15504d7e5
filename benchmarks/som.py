"""Benchmark of the SØM engine: Monte Carlo with 10,000 draws.

Prints the median wall time (of several runs) for
  1. one case with 10 outcomes, 3 consequences each, a 10-year horizon, every success rate, relapse,
     consequence and price uncertain, and a 3-year intake;
  2. a portfolio of 100 such cases (each with its own seed), run one after the other.
Run: .venv/bin/python benchmarks/som.py [--runs 7] [--portfolio-runs 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

from susi.engines.som import (
    Case,
    Consequence,
    Cost,
    Interval90,
    LogNormal,
    Normal,
    Outcome,
    Pert,
    Price,
    compile_case,
    simulate_compiled,
)

AREAS = ("housing", "psychiatry", "health", "employment", "income_transfers", "police_justice")


def benchmark_case(index: int = 0) -> Case:
    """A 10-outcome, 10-year case in which nearly every number is a distribution."""
    prices = tuple(
        Price(
            f"service_{u}",
            municipality=LogNormal(400.0 + 50 * u, 60.0),
            region=Normal(200.0, 30.0),
            state=100.0 + 10 * u,
            area=AREAS[u % len(AREAS)],
            committee="social",
        )
        for u in range(12)
    )
    outcomes = tuple(
        Outcome(
            f"Outcome {o}",
            success_rate=Normal(0.05 + 0.01 * o, 0.02),
            relapse=Pert(0.0, 0.1, 0.3),
            phase_in_years=float(o % 3),
            effect_delay_years=o % 2,
            consequences=tuple(
                Consequence(f"service_{(o + j) % 12}", Interval90(-30.0 - j, -5.0)) for j in range(3)
            ),
        )
        for o in range(10)
    )
    return Case(
        name=f"benchmark {index}",
        intake=(Normal(40.0, 5.0), 40.0, 40.0),
        costs=(
            Cost("Opstart", "once", 250_000.0),
            Cost("Forløb", "per_citizen", LogNormal(60_000.0, 8_000.0)),
            Cost("Koordinator", "per_year", 400_000.0),
        ),
        outcomes=outcomes,
        prices=prices,
        horizon=10,
        duration_years=1,
    )


def typical_case() -> Case:
    """The same case with only the ten success rates, the relapse and the per-citizen cost uncertain."""
    heavy = benchmark_case()
    outcomes = tuple(
        Outcome(
            o.name,
            o.success_rate,
            tuple(Consequence(c.service, -20.0) for c in o.consequences),
            effect_delay_years=o.effect_delay_years,
            phase_in_years=o.phase_in_years,
            relapse=o.relapse,
        )
        for o in heavy.outcomes
    )
    prices = tuple(
        Price(p.service, 450.0, 200.0, 100.0, area=p.area, committee=p.committee) for p in heavy.prices
    )
    return heavy.with_changes(outcomes=outcomes, prices=prices, intake=(40.0, 40.0, 40.0))


def _median_time(fn, runs: int) -> tuple[float, float]:
    """Median wall-clock and CPU (this process) seconds over `runs` runs."""
    wall, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return statistics.median(wall), statistics.median(cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--portfolio-runs", type=int, default=3)
    parser.add_argument("--draws", type=int, default=10_000)
    args = parser.parse_args()

    case = benchmark_case()
    n_uncertain = len(compile_case(case).uncertain_parameters)

    def one() -> None:
        simulate_compiled(compile_case(case), draws=args.draws, seed=1, with_tornado=False)

    def one_with_tornado() -> None:
        simulate_compiled(compile_case(case), draws=args.draws, seed=1, with_tornado=True)

    typical = typical_case()
    n_typical = len(compile_case(typical).uncertain_parameters)

    def one_typical() -> None:
        simulate_compiled(compile_case(typical), draws=args.draws, seed=1, with_tornado=False)

    portfolio = [benchmark_case(i) for i in range(100)]

    def many() -> None:
        for i, c in enumerate(portfolio):
            simulate_compiled(compile_case(c), draws=args.draws, seed=i, with_tornado=False)

    one()  # warm-up (imports, BLAS threads)
    t_one = _median_time(one, args.runs)
    t_tornado = _median_time(one_with_tornado, args.runs)
    t_typical = _median_time(one_typical, args.runs)
    t_many = _median_time(many, args.portfolio_runs)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"SØM Monte Carlo, {args.draws:,} draws, 10 outcomes × 3 consequences, 10 years, "
        f"{n_uncertain} uncertain inputs (load average {load:.1f} on {os.cpu_count()} CPUs)"
    )
    rows = (
        ("one case", t_one, 1000, "ms", args.runs),
        ("one case incl. tornado", t_tornado, 1000, "ms", args.runs),
        (f"typical ({n_typical} uncertain)", t_typical, 1000, "ms", args.runs),
        ("portfolio of 100 cases", t_many, 1, "s", args.portfolio_runs),
    )
    for label, (wall, cpu), scale, unit, runs in rows:
        print(
            f"{label:24s} median {wall * scale:8.1f} {unit} wall, {cpu * scale:8.1f} {unit} CPU  ({runs} runs)"
        )


if __name__ == "__main__":
    main()
