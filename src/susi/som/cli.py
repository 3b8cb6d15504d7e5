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


# --- the knowledge database from the evidence chain (som.chain); needs the database ---------------------

knowledge_app = typer.Typer(
    help="SØM's vidensdatabase: udgiv fra evalueringer og registeropfølgning.", no_args_is_help=True
)
app.add_typer(knowledge_app, name="knowledge")


def _db(username: str, target_group: str):
    from susi.bootstrap import setup_django

    setup_django()
    from susi.accounts.models import User

    from .models import TargetGroup

    user = User.objects.filter(username=username).first()
    group = TargetGroup.objects.filter(code=target_group).first()
    if user is None or group is None:
        err_console.print(
            f"[red]Ukendt {'bruger' if user is None else 'målgruppe'}: "
            f"{username if user is None else target_group}[/red]"
        )
        raise typer.Exit(2)
    return user, group


def _report(publish) -> None:
    from django.core.exceptions import PermissionDenied

    from susi.web.api_errors import DomainError

    try:
        published = publish()
    except DomainError as exc:
        err_console.print(f"[red]Fejl[/red] i {exc.field}: {exc.message}")
        raise typer.Exit(2) from None
    except PermissionDenied:
        err_console.print("[red]Brugeren må ikke ændre vidensdatabasen.[/red]")
        raise typer.Exit(2) from None
    if published.version is None:
        console.print("Uændret: det samme findes allerede i vidensdatabasen (ingen ny version).")
    else:
        console.print(f"Ny version af vidensdatabasen: {published.version.number} – {published.version.note}")
    for s in published.studies:
        console.print(
            f"Effektstudie nr. {s.pk}: niveau {s.grade}, effekt {_dec(s.effect, 4)}"
            f" (SE {_dec(s.standard_error, 4) if s.standard_error else '–'})"
        )
    for c in published.consequences:
        console.print(
            f"Konsekvens: {c.service} år {c.year_after_success}: {c.change:+.4f} (SE {c.standard_error:.4f})"
            if c.standard_error
            else f"Konsekvens: {c.service} år {c.year_after_success}: {c.change:+.4f}"
        )
    for p in published.prices_created:
        console.print(f"[yellow]Ny pris oprettet (illustrativ, ret den):[/yellow] {p.service}")
    if published.warning:
        console.print(f"[yellow]Bemærk:[/yellow] {published.warning}")


@knowledge_app.command("from-evaluation")
def from_evaluation(
    evaluation_id: int = typer.Argument(..., help="Den gemte effektevaluerings id."),
    target_group: str = typer.Option(..., "--target-group", help="Målgruppens kode i vidensdatabasen."),
    user: str = typer.Option(..., "--user", help="Brugernavnet, handlingen sker (og registreres) som."),
    outcome: str = typer.Option("", "--outcome", help="Succesmålets kode; standard: målgruppens første."),
    design: str = typer.Option("", "--design", help="Design (fx rct); standard: det, metoden giver."),
) -> None:
    """A saved effect evaluation becomes an effect study (graded 1-3) in a new knowledge version."""
    the_user, group = _db(user, target_group)
    from susi.outcomes.models import EffectEvaluation

    from . import chain

    evaluation = EffectEvaluation.objects.filter(pk=evaluation_id).first()
    if evaluation is None:
        err_console.print(f"[red]Ukendt effektevaluering: {evaluation_id}[/red]")
        raise typer.Exit(2)
    _report(
        lambda: chain.publish_evaluation(
            the_user, evaluation, target_group=group, outcome=outcome or None, design=design or None
        )
    )


@knowledge_app.command("from-meta-analysis")
def from_meta_analysis(
    meta_id: int = typer.Argument(..., help="Den gemte metaanalyses id."),
    target_group: str = typer.Option(..., "--target-group", help="Målgruppens kode i vidensdatabasen."),
    baseline_rate: float = typer.Option(
        ..., "--baseline-rate", help="Andel med succes i nuværende praksis (0-1)."
    ),
    user: str = typer.Option(..., "--user", help="Brugernavnet, handlingen sker (og registreres) som."),
    outcome: str = typer.Option("", "--outcome", help="Succesmålets kode; standard: målgruppens første."),
) -> None:
    """A saved meta-analysis becomes a grade-1 effect study in a new knowledge version."""
    the_user, group = _db(user, target_group)
    from susi.evidence.models import MetaAnalysis

    from . import chain

    meta = MetaAnalysis.objects.filter(pk=meta_id).first()
    if meta is None:
        err_console.print(f"[red]Ukendt metaanalyse: {meta_id}[/red]")
        raise typer.Exit(2)
    _report(
        lambda: chain.publish_meta_analysis(
            the_user, meta, target_group=group, outcome=outcome or None, baseline_rate=baseline_rate
        )
    )


@knowledge_app.command("from-register")
def from_register(
    initiative_id: int = typer.Argument(..., help="Initiativets id (dets registeropfølgning)."),
    target_group: str = typer.Option(..., "--target-group", help="Målgruppens kode i vidensdatabasen."),
    user: str = typer.Option(..., "--user", help="Brugernavnet, handlingen sker (og registreres) som."),
) -> None:
    """A register follow-up becomes consequences per year (with the prices they need) in a new version."""
    the_user, group = _db(user, target_group)
    from susi.portfolio.models import Initiative

    from . import chain

    initiative = Initiative.objects.filter(pk=initiative_id).first()
    if initiative is None:
        err_console.print(f"[red]Ukendt initiativ: {initiative_id}[/red]")
        raise typer.Exit(2)
    _report(lambda: chain.publish_register(the_user, initiative, target_group=group))
