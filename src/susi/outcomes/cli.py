"""`susi outcomes`: import outcome files with a progress bar, write synthetic files, register follow-up."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

app = typer.Typer(help="Borgerdata: import, effekt og monitorering.", no_args_is_help=True)
console = Console()


def _setup():
    from susi.bootstrap import setup_django

    setup_django()


def _user(username: str):
    from susi.accounts.models import User

    try:
        return User.objects.get(username=username)
    except User.DoesNotExist:
        console.print(f"[red]Ukendt bruger: {username}[/red]")
        raise typer.Exit(2) from None


def _initiative(pk: int):
    from susi.portfolio.models import Initiative

    try:
        return Initiative.objects.get(pk=pk)
    except Initiative.DoesNotExist:
        console.print(f"[red]Ukendt initiativ: {pk}[/red]")
        raise typer.Exit(2) from None


@app.command("import")
def import_file(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="CSV- eller Excel-fil"),
    initiative: int = typer.Option(..., "--initiative", help="initiativets id"),
    municipality: str = typer.Option(
        "", "--municipality", help="kommunenummer for rækker uden kolonnen 'kommune'"
    ),
    user: str = typer.Option(..., "--user", help="brugernavnet, importen sker (og logges) som"),
    yes: bool = typer.Option(False, "--yes", help="importér uden at spørge, når filen er gyldig"),
) -> None:
    """Check a file row by row, then import it all or nothing (CPR numbers become pseudonyms at once)."""
    _setup()
    from django.core.exceptions import PermissionDenied

    from susi.organisations.models import Organisation

    from . import services

    the_user, the_initiative = _user(user), _initiative(initiative)
    muni = None
    if municipality:
        muni = Organisation.objects.filter(kind=Organisation.Kind.MUNICIPALITY, code=municipality).first()
        if muni is None:
            console.print(f"[red]Ukendt kommunenummer: {municipality}[/red]")
            raise typer.Exit(2)
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    try:
        with Progress(*columns, console=console) as progress, file.open("rb") as fh:
            task = progress.add_task("Kontrollerer", total=None)
            batch = services.stage_file(
                user=the_user,
                initiative=the_initiative,
                municipality=muni,
                fh=fh,
                name=file.name,
                progress=lambda done, total: progress.update(task, completed=done, total=total),
            )
    except services.ImportRefused as exc:
        console.print(f"[red]{exc.message}[/red]")
        raise typer.Exit(1) from None
    except PermissionDenied:
        console.print("[red]Du må ikke indlæse data i dette initiativ for denne kommune.[/red]")
        raise typer.Exit(1) from None

    console.print(
        f"{batch.rows_total} rækker, {services.batch_meta(batch)['citizens']} borgere, {batch.error_count} fejl · "
        f"nye {batch.rows_new}, ændrede {batch.rows_changed}, uændrede {batch.rows_unchanged}"
    )
    if batch.status == batch.Status.INVALID:
        table = Table("Række", "Felt", "Problem", title="Valideringsrapport (de første 30 fejl)")
        for error in services.batch_errors(batch)[:30]:
            table.add_row(str(error["row"]), error["field"], error["message"])
        console.print(table)
        console.print("[red]Filen er ikke importeret; intet er ændret.[/red]")
        raise typer.Exit(1)
    if batch.status == batch.Status.UNCHANGED:
        console.print("Filens indhold er allerede indlæst: intet er ændret.")
        return
    if not yes and not typer.confirm("Importér nu?"):
        services.discard_batch(user=the_user, batch=batch)
        console.print("Kasseret; intet er indlæst.")
        return
    with Progress(*columns, console=console) as progress:
        task = progress.add_task("Importerer", total=batch.rows_total)
        batch = services.commit_batch(
            user=the_user,
            batch=batch,
            progress=lambda done, total: progress.update(task, completed=done, total=total),
        )
    console.print(f"[green]Importeret:[/green] {batch.rows_new} nye, {batch.rows_changed} ændrede målinger.")


@app.command()
def synth(
    out: Path = typer.Argument(Path("var/synthetic"), help="mappe til filerne"),
    citizens: int = typer.Option(400, help="antal borgere"),
    municipalities: str = typer.Option("751,461,851,101", help="kommunenumre, kommasepareret"),
    effect: float = typer.Option(3.0, help="den sande effekt på trivselsskalaen"),
    seed: int = typer.Option(0),
) -> None:
    """Write synthetic import files (CSV and Excel) whose CPR numbers can never be a real person's."""
    from susi.engines.evaluation import synthetic

    out.mkdir(parents=True, exist_ok=True)
    dataset = synthetic.generate(
        citizens,
        municipalities=tuple(m.strip() for m in municipalities.split(",")),
        true_effect=effect,
        seed=seed,
    )
    csv_path = synthetic.write_csv(dataset, out / "maalinger.csv")
    xlsx_path = synthetic.write_xlsx(dataset, out / "ja_nej.xlsx", instrument=synthetic.BINARY_INSTRUMENT)
    console.print(
        f"{csv_path} ({len(dataset.measurements) // 2} rækker), {xlsx_path}; sand effekt {dataset.true_effect}"
    )


@app.command()
def register(
    initiative: int = typer.Option(..., "--initiative"),
    register_file: Path = typer.Option(
        ..., "--register", exists=True, help="pseudonym, year, outcome, value; or a register-store folder"
    ),
    comparison_file: Path = typer.Option(..., "--comparison", exists=True, help="pseudonym, index_year"),
    user: str = typer.Option(..., "--user"),
    years: int = typer.Option(10, help="år at følge borgerne"),
) -> None:
    """Register follow-up in DuckDB: yearly differences, enrolled vs comparison, stored as aggregates."""
    _setup()
    from susi.engines.evaluation.errors import EvaluationError

    from .register import followup_from_files

    try:
        count = followup_from_files(
            user=_user(user),
            initiative=_initiative(initiative),
            comparison_file=comparison_file,
            register_file=register_file,
            years=years,
        )
    except EvaluationError as exc:
        console.print(f"[red]{exc.message.da}[/red]")
        raise typer.Exit(1) from None
    console.print(f"[green]{count} år × udfald gemt.[/green]")


@app.command("register-store")
def register_store(
    source: Path = typer.Argument(..., exists=True, help="registerudtræk: pseudonym, year, outcome, value"),
    destination: Path = typer.Argument(..., help="mappe til Parquet-data opdelt pr. år"),
) -> None:
    """Store a register extract as Parquet partitioned by year with integer person keys, for `register`.

    Pass the folder to `susi outcomes register --register FOLDER`: the follow-up then reads only what it
    needs, without parsing text, however often it runs."""
    from susi.engines.evaluation.register import store_register

    try:
        rows = store_register(str(source), str(destination))
    except Exception as exc:  # DuckDB's parse errors name the file and line, never a row's content
        console.print(f"[red]Registerudtrækket kunne ikke læses: {type(exc).__name__}[/red]")
        raise typer.Exit(1) from None
    console.print(f"[green]{rows:,} rækker gemt i {destination}.[/green]".replace(",", "."))


@app.command()
def waves(
    initiative: int = typer.Option(..., "--initiative"),
    starts: list[str] = typer.Argument(..., help="KOMMUNENUMMER=PERIODE, fx 751=2 461=3 101=aldrig"),
) -> None:
    """Record when each municipality began offering the intervention (staggered adoption)."""
    _setup()

    from .models import AdoptionWave

    the_initiative = _initiative(initiative)
    parsed = []
    for item in starts:
        code, _, period = item.partition("=")
        municipality = the_initiative.municipalities.filter(code=code.strip()).first()
        if municipality is None:
            console.print(f"[red]Kommune {code} deltager ikke i initiativet.[/red]")
            raise typer.Exit(2)
        text = period.strip().lower()
        if text in {"aldrig", "never", ""}:
            parsed.append((municipality, None))
        elif text.isdigit():
            parsed.append((municipality, int(text)))
        else:
            console.print(f"[red]Perioden for {code} skal være et helt tal eller 'aldrig'.[/red]")
            raise typer.Exit(2)
    for municipality, period in parsed:
        AdoptionWave.objects.update_or_create(
            initiative=the_initiative, municipality=municipality, defaults={"treated_from": period}
        )
    console.print(f"[green]{len(parsed)} opstartsbølger gemt.[/green]")


@app.command()
def deliveries(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="CSV- eller Excel-fil med leverancer"),
    initiative: int = typer.Option(..., "--initiative"),
    user: str = typer.Option(..., "--user"),
) -> None:
    """Import delivery records (implementation fidelity): CPR-nummer, kerneelement, leveret, planlagt."""
    _setup()
    from .deliveries import import_deliveries
    from .importing import FileError

    with file.open("rb") as fh:
        try:
            report = import_deliveries(
                user=_user(user), initiative=_initiative(initiative), fh=fh, name=file.name
            )
        except FileError as exc:
            console.print(f"[red]{exc.message}[/red]")
            raise typer.Exit(1) from None
    if report.error_count:
        table = Table("Række", "Felt", "Problem", title=f"{report.error_count} fejl (de første 30)")
        for error in report.errors[:30]:
            table.add_row(str(error["row"]), error["field"], error["message"])
        console.print(table)
        console.print("[red]Intet er indlæst.[/red]")
        raise typer.Exit(1)
    console.print(f"[green]{report.rows_new} nye og {report.rows_changed} ændrede leverancer.[/green]")


@app.command("purge-staging")
def purge_staging() -> None:
    """Expire previews past SUSI_OUTCOMES_STAGING_MAX_AGE_HOURS and delete their and orphaned staging files."""
    _setup()
    from . import services

    result = services.purge_staging()
    console.print(
        f"{result.expired_batches} udløbne gennemsyn kasseret, {result.removed_files} midlertidige filer slettet."
    )


keys_app = typer.Typer(help="Pseudonymnøglen: rotation.", no_args_is_help=True)


@keys_app.command("rotate")
def rotate(yes: bool = typer.Option(False, "--yes", help="rotér uden at spørge")) -> None:
    """Append a new pseudonym key and re-key every stored pseudonym in one transaction."""
    _setup()
    from .keys import rotate_key
    from .pseudonyms import PseudonymKeyError

    if not yes and not typer.confirm("Rotér pseudonymnøglen nu? Tag en sikkerhedskopi af nøglen bagefter."):
        raise typer.Exit(1)
    try:
        result = rotate_key()
    except PseudonymKeyError as exc:
        console.print(f"[red]{exc.message}[/red]")
        raise typer.Exit(1) from None
    console.print(
        f"[green]Nøglen er roteret[/green] (generation {result.generations}): {result.citizens} pseudonymer "
        f"omregnet, {result.discarded_previews} ventende gennemsyn kasseret. Den tidligere nøglefil er gemt "
        f"som {result.backup}. Tag en ny sikkerhedskopi af nøglefilen nu."
    )


def _allowed(the_user, the_initiative) -> None:
    """The same rule as the pages: aggregate figures need ``outcomes.view_aggregates`` on the initiative."""
    from susi.accounts.permissions import can

    if not can(the_user, "outcomes.view_aggregates", the_initiative):
        console.print("[red]Du må ikke se resultater for dette initiativ.[/red]")
        raise typer.Exit(1)


def _instrument(the_initiative, code: str):
    from . import selectors

    instruments = selectors.instruments_in(the_initiative)
    found = next((i for i in instruments if i.code == code), None)
    if found is None:
        known = ", ".join(i.code for i in instruments) or "ingen"
        console.print(f"[red]Ukendt måleredskab i initiativet: {code} (kendte: {known}).[/red]")
        raise typer.Exit(2)
    return found


def _num(value: float | None, digits: int = 2) -> str:
    """A number with a decimal comma, as the pages show it; '–' when it may not be shown."""
    return "–" if value is None else f"{value:.{digits}f}".replace(".", ",")


@app.command()
def estimate(
    initiative: int = typer.Option(..., "--initiative", help="initiativets id"),
    instrument: str = typer.Option(..., "--instrument", help="måleredskabets kode, fx trivsel"),
    design: str = typer.Option(
        "ancova",
        "--design",
        help="metode: rct_means, rct_proportions, ancova, did, twfe, staggered, psm eller survival",
    ),
    followup: int = typer.Option(1, "--followup", help="opfølgningens nummer"),
    user: str = typer.Option(..., "--user", help="brugernavnet, der ser resultatet"),
    cluster: str = typer.Option(
        "pseudonym",
        "--cluster",
        help="did/staggered: klynger på pseudonym (borger) eller municipality (kommune)",
    ),
    baseline_rate: float | None = typer.Option(
        None, "--baseline-rate", help="andelen der når succesudfaldet uden indsatsen (til SØM)"
    ),
    as_json: bool = typer.Option(False, "--json", help="skriv resultatet som JSON"),
) -> None:
    """The effect estimate, as on the initiative's page (figures from fewer than 5 citizens withheld)."""
    import json

    _setup()
    from susi.engines.evaluation.estimators import DESIGNS

    from .evaluation import CLUSTERS, SURVIVAL, run_estimate

    the_user, the_initiative = _user(user), _initiative(initiative)
    _allowed(the_user, the_initiative)
    if design not in (*DESIGNS, SURVIVAL):
        console.print(f"[red]Ukendt metode: {design}. Vælg en af: {', '.join((*DESIGNS, SURVIVAL))}.[/red]")
        raise typer.Exit(2)
    if cluster not in CLUSTERS:
        console.print("[red]Klyngerne skal være pseudonym (borger) eller municipality (kommune).[/red]")
        raise typer.Exit(2)
    if baseline_rate is not None and not 0 < baseline_rate < 1:
        console.print("[red]Grundraten skal være en andel mellem 0 og 1 (fx 0,02 skrives 0.02).[/red]")
        raise typer.Exit(2)
    result = run_estimate(
        the_initiative,
        _instrument(the_initiative, instrument),
        design,
        followup,
        chart=False,
        baseline_rate=baseline_rate,
        cluster=cluster,
    )
    if result.error:
        console.print(f"[red]{result.error}[/red]")
        raise typer.Exit(1)
    if as_json:
        typer.echo(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
        return
    est = result.estimate
    table = Table("Størrelse", "Værdi", title=f"{est.label.da} · {result.instrument.name}")
    table.add_row(f"Effekt ({est.measure})", _num(est.estimate))
    table.add_row("95 %-konfidensinterval", f"{_num(est.ci_low)} til {_num(est.ci_high)}")
    table.add_row("p-værdi", _num(est.p_value, 4))
    table.add_row("Borgere (indsats / sammenligning)", f"{est.n_intervention} / {est.n_comparison}")
    table.add_row(
        "Effektstørrelse til evidensbasen", f"{est.measure}: yi = {_num(est.yi, 3)}, vi = {_num(est.vi, 4)}"
    )
    rate = result.success_rate
    table.add_row("Succesrate til SØM", _num(rate.mean, 3) if rate else "angiv --baseline-rate")
    console.print(table)
    if result.clustering:
        console.print(result.clustering)
    if result.clustering_warning:
        console.print(f"[yellow]{result.clustering_warning}[/yellow]")


@app.command()
def monitor(
    initiative: int = typer.Option(..., "--initiative", help="initiativets id (udbredelse)"),
    instrument: str = typer.Option(..., "--instrument", help="måleredskabets kode"),
    user: str = typer.Option(..., "--user", help="brugernavnet, der ser resultatet"),
    as_json: bool = typer.Option(False, "--json", help="skriv resultatet som JSON"),
) -> None:
    """Each municipality's continued effect per period against the effect found in testing, with warnings."""
    import json

    _setup()
    from susi.accounts.permissions import bound_municipality

    from .monitoring import monitoring_rows

    the_user, the_initiative = _user(user), _initiative(initiative)
    _allowed(the_user, the_initiative)
    municipalities = list(the_initiative.municipalities.order_by("name"))
    own = bound_municipality(the_user)
    if own is not None:  # as on the page: a municipality sees its own figures only
        municipalities = [m for m in municipalities if m.pk == own.pk]
    data = monitoring_rows(
        the_initiative, _instrument(the_initiative, instrument), visible=[m.code for m in municipalities]
    )
    if data.get("monitoring_error"):
        console.print(f"[red]{data['monitoring_error']}[/red]")
        raise typer.Exit(1)
    rows = [
        {
            "municipality": name,
            "period": r.period,
            "n": r.n if not r.suppressed else None,
            "estimate": r.estimate,
            "ci_low": r.ci_low,
            "ci_high": r.ci_high,
            "ratio_to_reference": r.ratio_to_reference,
            "drift_warning": r.drift_warning,
            "reason": r.reason.da if r.reason else "",
            "suppressed": r.suppressed,
        }
        for name, r in data["rows"]
    ]
    reference = data["reference"]
    if as_json:
        out = {
            "reference": {
                "estimate": reference.estimate,
                "method": reference.method,
                "kind": reference.effect_size_kind,
            },
            "counterfactual": data.get("counterfactual"),
            "rows": rows,
        }
        typer.echo(json.dumps(out, ensure_ascii=False, indent=2))
        return
    table = Table(
        "Kommune",
        "Periode",
        "Borgere",
        "Effekt (95 %-KI)",
        "Af afprøvningen",
        "Advarsel",
        title=f"Monitorering mod effekten fra afprøvningen ({_num(reference.estimate)})",
    )
    for row in rows:
        if row["suppressed"]:
            table.add_row(
                row["municipality"], str(row["period"]), "<5", "Færre end 5 borgere: vises ikke", "", ""
            )
            continue
        effect = f"{_num(row['estimate'])} ({_num(row['ci_low'])}; {_num(row['ci_high'])})"
        share = f"{row['ratio_to_reference'] * 100:.0f} %" if row["ratio_to_reference"] is not None else ""
        table.add_row(row["municipality"], str(row["period"]), str(row["n"]), effect, share, row["reason"])
    console.print(table)


@app.command()
def subgroups(
    initiative: int = typer.Option(..., "--initiative", help="initiativets id"),
    instrument: str = typer.Option(..., "--instrument", help="måleredskabets kode"),
    by: str = typer.Option(
        ..., "--by", help="forhåndsdefineret undergruppe: municipality, sex eller age_group"
    ),
    followup: int = typer.Option(1, "--followup", help="opfølgningens nummer"),
    user: str = typer.Option(..., "--user", help="brugernavnet, der ser resultatet"),
    as_json: bool = typer.Option(False, "--json", help="skriv resultatet som JSON"),
) -> None:
    """For whom does it work: the effect per declared subgroup and the test that it is the same in all."""
    import json

    _setup()
    from susi.accounts.permissions import bound_municipality
    from susi.engines.evaluation.errors import EvaluationError

    from .evaluation import run_subgroups

    the_user, the_initiative = _user(user), _initiative(initiative)
    _allowed(the_user, the_initiative)
    if by == "municipality" and bound_municipality(the_user) is not None:
        console.print("[red]En kommune kan ikke se effekten opdelt på de andre kommuner.[/red]")
        raise typer.Exit(1)
    try:
        data = run_subgroups(the_initiative, _instrument(the_initiative, instrument), by, followup)
    except EvaluationError as exc:
        console.print(f"[red]{exc.message.da}[/red]")
        raise typer.Exit(2) from None
    if as_json:
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    table = Table(
        "Gruppe", "Effekt (95 %-KI)", "Borgere (indsats / sammenligning)", title=f"Effekt efter {by}"
    )
    for g in data["groups"]:
        if g["estimate"] is None:
            table.add_row(g["group"], g["reason"], "")
            continue
        effect = f"{_num(g['estimate'])} ({_num(g['ci_low'])}; {_num(g['ci_high'])})"
        table.add_row(g["group"], effect, f"{g['n_intervention']} / {g['n_comparison']}")
    console.print(table)
    test = data["interaction"]
    if test["f"] is None:
        console.print(test["reason"])
    else:
        console.print(
            f"Test af, om effekten er den samme i alle grupper: F({test['df_num']}, {test['df_denom']}) = "
            f"{_num(test['f'])}, p = {_num(test['p_value'], 4)}"
        )
