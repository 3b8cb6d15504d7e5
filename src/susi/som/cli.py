"""`susi som …`: the SØM calculation of a case file, straight through the engine (no database).

    susi som calc CASE.json [--draws N] [--seed S] [--json]

The case file is read by the engine's case schema (`susi.engines.som.SomCase`, documented in
docs/developers/som.md); the JSON export of a saved calculation carries one under `case`. Bad input prints
every problem (field and message, the same as the API and the calculator form give) and exits with status 2.
"""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from susi.engines import som as engine
from susi.engines.text import Text

app = typer.Typer(help="SØM: den socialøkonomiske investeringsmodel.", no_args_is_help=True)
console = Console()
err_console = Console(stderr=True)

AUTHORITY_DA = {a.code: a.name.da for a in engine.AUTHORITIES}


@app.callback()
def main() -> None:
    """SØM: den socialøkonomiske investeringsmodel."""


def _kr(value: float) -> str:
    return f"{value:,.0f}".replace(",", ".")


def _dec(value: float, decimals: int = 2) -> str:
    return f"{value:.{decimals}f}".replace(".", ",")


def _print_notes(result: engine.SomResult) -> None:
    """Break-even and what the reader must know about the result (truncations, double counting, return)."""
    breakeven = f"år {result.break_even_year}" if result.break_even_year else "ikke inden for horisonten"
    console.print(f"Break-even: {breakeven}")
    if result.turns_negative_again:
        console.print("  Bemærk: det akkumulerede resultat er positivt undervejs, men bliver negativt igen.")
    if not result.has_costs:
        console.print("[yellow]Advarsel:[/yellow] beregningen har ingen omkostninger til indsatsen.")
    for cut in result.truncations:
        console.print(
            f"Afkortet til det mulige område: {cut.label.da} (middel {cut.stated_mean:g} → {cut.mean:g}, "
            f"{cut.share_outside:.1%} lå uden for)"
        )
    for service, names in result.possible_double_counting:
        console.print(f"[yellow]Mulig dobbelttælling:[/yellow] {service} ændres af {', '.join(names)}")
    if result.return_per_krone is not None:
        console.print(f"Afkast pr. investeret krone: {_dec(result.return_per_krone)} kr.")


@app.command()
def calc(
    case_file: Path = typer.Argument(..., help="Beregningen som JSON-fil (se docs/developers/som.md)."),
    draws: int = typer.Option(
        engine.DEFAULT_DRAWS,
        "--draws",
        help="Antal Monte Carlo-træk (0 = kun den deterministiske beregning).",
    ),
    seed: int = typer.Option(
        engine.DEFAULT_SEED, "--seed", help="Startværdi for tilfældige tal (reproducerbar)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Skriv resultatet som JSON."),
) -> None:
    """Calculate a SØM case: net result per year, present value, break-even, and Monte Carlo."""
    try:
        if not case_file.is_file():
            raise engine.SomInputError(
                "(file)", Text(f"filen findes ikke: {case_file}", f"file not found: {case_file}")
            )
        if draws < 0:
            raise engine.SomInputError(
                "--draws", Text("antal træk må ikke være negativt", "must not be negative")
            )
        case = engine.loads_case(case_file.read_text(encoding="utf-8"))
        result = engine.calculate(case)
        mc = engine.simulate(case, draws=draws, seed=seed) if draws > 0 and case.has_uncertainty else None
    except engine.SomInputError as exc:
        for problem in exc.problems:
            err_console.print(
                f"[red]Fejl[/red] i {problem.field}: {problem.message.da} ({problem.message.en})"
            )
        raise typer.Exit(code=2) from None

    if as_json:
        data = {"case": engine.case_to_json(case), "result": result.to_json()}
        data["monte_carlo"] = mc.to_json() if mc is not None else None
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return

    console.print(
        f"[bold]{case.name}[/bold] – horisont {case.horizon} år, diskonteringsrente {_dec(case.discount_rate * 100, 1)} %"
    )
    table = Table(title="Budgetøkonomisk nettoresultat pr. år (kr.)", title_justify="left")
    for column in ("År", "Omkostninger", "Gevinster", "Netto", *AUTHORITY_DA.values(), "Akk. nutidsværdi"):
        table.add_column(column, justify="right")
    for t, year in enumerate(result.years):
        table.add_row(
            str(year),
            _kr(result.costs[t]),
            _kr(result.gains[t]),
            _kr(result.net[t]),
            *(_kr(result.net_by_authority[a][t]) for a in AUTHORITY_DA),
            _kr(result.cumulative_discounted[t]),
        )
    console.print(table)
    console.print(f"Nutidsværdi af nettoresultatet: [bold]{_kr(result.present_value)} kr.[/bold]")
    for code, name in AUTHORITY_DA.items():
        console.print(f"  {name}: {_kr(result.pv_by_authority[code])} kr.")
    _print_notes(result)
    if mc is None:
        if case.has_uncertainty:
            console.print("(Monte Carlo sprunget over: --draws 0)")
        return
    pv = mc.pv_percentiles
    console.print(
        f"\n[bold]Monte Carlo[/bold] ({mc.draws:,} træk, seed {mc.seed}): nutidsværdi middel {_kr(mc.mean_present_value)} kr., "
        f"90 %-interval {_kr(pv[5])} til {_kr(pv[95])} kr., sandsynlighed for overskud "
        f"{(mc.present_value >= 0).mean():.0%}"
    )
    p = mc.cumulative_percentiles
    mc_table = Table(title="Akkumuleret nutidsværdi (kr.) og chance for break-even", title_justify="left")
    for column in ("År", "P5", "P50", "P95", "P(break-even)"):
        mc_table.add_column(column, justify="right")
    for t, year in enumerate(result.years):
        mc_table.add_row(
            str(year), _kr(p[5][t]), _kr(p[50][t]), _kr(p[95][t]), f"{mc.probability_break_even[t]:.0%}"
        )
    console.print(mc_table)
    if mc.tornado:
        tornado = Table(title="Følsomhed (tornado): nutidsværdi ved lav/høj værdi", title_justify="left")
        for column in ("Input", "Grundlag", "Lav", "Høj", "Udsving"):
            tornado.add_column(column, justify="right" if column != "Input" else "left")
        for bar in mc.tornado:
            tornado.add_row(
                bar.label.da,
                "P10–P90" if bar.basis == "p10-p90" else "±20 %",
                _kr(bar.result_low),
                _kr(bar.result_high),
                _kr(bar.swing),
            )
        console.print(tornado)
