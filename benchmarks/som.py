"""Benchmark of the SØM engine: Monte Carlo with 10,000 draws, beside a plain NumPy floor.

Prints the median wall time (of several runs) for
  1. one case with 10 outcomes, 3 consequences each, a 10-year horizon, every success rate, relapse,
     consequence and price uncertain, and a 3-year intake — the engine (`simulate_compiled` plus the
     summaries a result page reads: percentiles of the net result, the cumulative present value and the
     present value, and the break-even probability) and, in the same run, `numpy_floor`: the same
     arithmetic written straight in vectorised NumPy for this one case (the same distributions drawn, the
     same summaries), with the ratio engine / floor;
  2. a portfolio of 100 such cases (each with its own seed), one after the other and in several processes.
Run: .venv/bin/python benchmarks/som.py [--runs 7] [--portfolio-runs 3] [--processes 2]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from concurrent.futures import ProcessPoolExecutor

import numpy as np

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
from susi.engines.som.case import discount_factors
from susi.engines.som.distributions import as_distribution
from susi.engines.som.montecarlo import PERCENTILES

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


def summaries(mc) -> None:
    """What the result page reads: computed once per result."""
    mc.net_percentiles, mc.cumulative_percentiles, mc.pv_percentiles, mc.probability_break_even  # noqa: B018


def numpy_floor(case: Case, draws: int, seed: int) -> dict[str, np.ndarray]:
    """The benchmark case's Monte Carlo written directly in NumPy, without the engine's generality (no
    compile step, no parameter bookkeeping, no splits): the floor the engine is measured against."""
    rng = np.random.default_rng(seed)
    n, horizon = draws, case.horizon

    def draw(q):
        d = as_distribution(q)
        return d.sample(rng, n) if not hasattr(d, "value") else np.full(n, d.value)

    intake = np.column_stack([draw(x) for x in case.intake])  # (n, S)
    services = {p.service: u for u, p in enumerate(case.prices)}
    price = np.stack(
        [np.column_stack([draw(p.municipality), draw(p.region), draw(p.state)]) for p in case.prices], axis=1
    )
    gains_per_starter = np.zeros((n, horizon, 3))
    k = np.arange(horizon)
    for o in case.outcomes:
        sr, keep = draw(o.success_rate), 1.0 - draw(o.relapse)
        phase = max(float(as_distribution(o.phase_in_years).mean), 1.0)
        arrivals = np.minimum(1.0, (k + 1) / phase) - np.minimum(1.0, k / phase)
        profile = np.empty((n, horizon))
        profile[:, 0] = arrivals[0]
        for j in range(1, horizon):
            profile[:, j] = profile[:, j - 1] * keep + arrivals[j]
        delay = o.effect_delay_years if o.effect_delay_years is not None else case.duration_years - 1
        shifted = np.zeros((n, horizon))
        shifted[:, delay:] = profile[:, : horizon - delay] * sr[:, None]
        value = sum(draw(c.change)[:, None] * price[:, services[c.service], :] for c in o.consequences)
        gains_per_starter -= shifted[:, :, None] * value[:, None, :]
    gains = np.zeros((n, horizon, 3))
    for s in range(intake.shape[1]):
        gains[:, s:, :] += intake[:, s, None, None] * gains_per_starter[:, : horizon - s, :]
    costs = np.zeros((n, horizon))
    operating_end = min(horizon, intake.shape[1] + case.duration_years - 1)
    for c in case.costs:
        amount = draw(c.amount)
        if c.kind == "once":
            costs[:, c.year - 1] += amount
        elif c.kind == "per_year":
            costs[:, :operating_end] += amount[:, None]
        else:  # per citizen, duration 1: paid in the start year
            costs[:, : intake.shape[1]] += amount[:, None] * intake
    net = gains.sum(axis=2) - costs
    cumulative = np.cumsum(net * np.array(discount_factors(case.discount_rate, horizon)), axis=1)
    pv = cumulative[:, -1]
    stays = np.minimum.accumulate(cumulative[:, ::-1], axis=1)[:, ::-1] >= 0
    return {
        "net": np.percentile(net, PERCENTILES, axis=0),
        "cumulative": np.percentile(cumulative, PERCENTILES, axis=0),
        "pv": np.percentile(pv, PERCENTILES),
        "break_even": stays.mean(axis=0),
    }


def _one_portfolio_case(i: int, draws: int) -> None:
    summaries(simulate_compiled(compile_case(benchmark_case(i)), draws=draws, seed=i, with_tornado=False))


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
    parser.add_argument("--processes", type=int, default=2, help="processes for the parallel portfolio")
    args = parser.parse_args()

    case = benchmark_case()
    n_uncertain = len(compile_case(case).uncertain_parameters)

    def one() -> None:
        summaries(simulate_compiled(compile_case(case), draws=args.draws, seed=1, with_tornado=False))

    def floor() -> None:
        numpy_floor(case, args.draws, seed=1)

    # The floor computes the same thing: its mean present value agrees with the engine's within sampling error.
    engine_pv = simulate_compiled(
        compile_case(case), draws=args.draws, seed=1, with_tornado=False
    ).present_value
    floor_median = numpy_floor(case, args.draws, seed=1)["pv"][PERCENTILES.index(50)]
    engine_median = float(np.median(engine_pv))
    spread = float(np.subtract(*np.percentile(engine_pv, [75, 25])))
    assert abs(floor_median - engine_median) < 0.1 * spread, (floor_median, engine_median)

    def one_with_tornado() -> None:
        simulate_compiled(compile_case(case), draws=args.draws, seed=1, with_tornado=True)

    typical = typical_case()
    n_typical = len(compile_case(typical).uncertain_parameters)

    def one_typical() -> None:
        summaries(simulate_compiled(compile_case(typical), draws=args.draws, seed=1, with_tornado=False))

    def floor_typical() -> None:
        numpy_floor(typical, args.draws, seed=1)

    portfolio = [benchmark_case(i) for i in range(100)]

    def many() -> None:
        for i, c in enumerate(portfolio):
            summaries(simulate_compiled(compile_case(c), draws=args.draws, seed=i, with_tornado=False))

    pool = ProcessPoolExecutor(max_workers=args.processes)
    list(pool.map(_one_portfolio_case, range(args.processes), [args.draws] * args.processes))  # warm-up

    def many_parallel() -> None:
        list(pool.map(_one_portfolio_case, range(100), [args.draws] * 100, chunksize=10))

    one()  # warm-up (imports, BLAS threads)
    floor()
    # Alternate engine and floor run by run so that both see the same load on a shared machine.
    t_one, t_floor, t_typical, t_floor_typical = [], [], [], []
    for _ in range(args.runs):
        t_one.append(_median_time(one, 1))
        t_floor.append(_median_time(floor, 1))
        t_typical.append(_median_time(one_typical, 1))
        t_floor_typical.append(_median_time(floor_typical, 1))
    t_tornado = _median_time(one_with_tornado, args.runs)
    t_many = _median_time(many, args.portfolio_runs)
    t_parallel = _median_time(many_parallel, args.portfolio_runs)
    pool.shutdown()

    def med(times):
        return statistics.median(w for w, _ in times), statistics.median(c for _, c in times)

    t_one, t_floor, t_typical, t_floor_typical = (
        med(t_one),
        med(t_floor),
        med(t_typical),
        med(t_floor_typical),
    )
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"SØM Monte Carlo, {args.draws:,} draws, 10 outcomes × 3 consequences, 10 years, "
        f"{n_uncertain} uncertain inputs (load average {load:.1f} on {os.cpu_count()} CPUs)"
    )
    rows = (
        ("one case", t_one, 1000, "ms", args.runs),
        ("  NumPy floor", t_floor, 1000, "ms", args.runs),
        ("one case incl. tornado", t_tornado, 1000, "ms", args.runs),
        (f"typical ({n_typical} uncertain)", t_typical, 1000, "ms", args.runs),
        ("  NumPy floor", t_floor_typical, 1000, "ms", args.runs),
        ("portfolio of 100 cases", t_many, 1, "s", args.portfolio_runs),
        (f"  in {args.processes} processes", t_parallel, 1, "s", args.portfolio_runs),
    )
    for label, (wall, cpu), scale, unit, runs in rows:
        print(
            f"{label:24s} median {wall * scale:8.1f} {unit} wall, {cpu * scale:8.1f} {unit} CPU  ({runs} runs)"
        )
    print(
        f"engine / NumPy floor, with summaries: one case {t_one[0] / t_floor[0]:.2f}x wall, "
        f"{t_one[1] / t_floor[1]:.2f}x CPU; typical {t_typical[0] / t_floor_typical[0]:.2f}x wall, "
        f"{t_typical[1] / t_floor_typical[1]:.2f}x CPU"
    )


if __name__ == "__main__":
    main()
