"""`susi evidence …`: meta-analysis of a CSV/Excel file of studies, straight through the engine (no database).

    susi evidence meta STUDIES.csv --measure RR --method REML [--hk] [--json]
        [--moderator ablat --moderator year] [--subgroup alloc] [--leave-one-out] [--egger]

Columns are named as in R's metafor (ai, bi, ci, di or ai, n1i, ci, n2i; m1i, sd1i, n1i, m2i, sd2i, n2i;
ri, ni; xi, ni; yi, vi) plus an optional `study` label and any moderator or group columns. Bad input
prints one clear sentence and exits with status 2.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from susi.engines import evidence as engine
from susi.engines.text import Text

app = typer.Typer(help="Evidens: effektstørrelser og metaanalyse.", no_args_is_help=True)
console = Console()
err_console = Console(stderr=True)


@app.callback()
def _group() -> None:
    """Evidens: effektstørrelser og metaanalyse (keeps `meta` a sub-command even when it is the only one)."""


def _clean(value: object) -> object:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


@app.command()
def meta(
    studies: Path = typer.Argument(..., help="CSV- eller Excel-fil med ét studie pr. række."),
    measure: str = typer.Option(
        ..., "--measure", help="RR, OR, RD, SMD, MD, ROM, COR, ZCOR, PR, PLO, PAS, PFT eller GEN (yi, vi)."
    ),
    method: str = typer.Option("REML", "--method", help="FE, DL, REML eller PM."),
    hk: bool = typer.Option(False, "--hk", help="Hartung–Knapp-justering (t-fordeling)."),
    as_json: bool = typer.Option(False, "--json", help="Skriv resultatet som JSON."),
    moderator: list[str] = typer.Option(
        [], "--moderator", help="Metaregression på denne kolonne (gentag for flere moderatorer)."
    ),
    subgroup: str = typer.Option("", "--subgroup", help="Subgruppeanalyse efter denne kolonne, med test."),
    leave_out: bool = typer.Option(False, "--leave-one-out", help="Metaanalysen uden hvert studie for sig."),
    egger: bool = typer.Option(False, "--egger", help="Eggers test for skævhed i tragtplottet."),
) -> None:
    """Meta-analysis of the studies in a file, with meta-regression, subgroups, leave-one-out and Egger."""
    try:
        if not studies.is_file():
            raise engine.EvidenceInputError(
                "file", Text(f"Filen findes ikke: {studies}", f"file not found: {studies}")
            )
        table = engine.read_table(studies.read_bytes(), studies.name)
        effects = engine.compute(measure, dict(table.columns), labels=table.labels)
        result = engine.meta_analysis(effects, method, hk)
        columns = {**table.extra, **table.columns}
        further = engine.further_analyses(
            effects,
            columns,
            moderators=moderator,
            subgroup=subgroup or None,
            leave_out=leave_out,
            egger=egger,
            method=method,
            hk=hk,
        )
    except engine.EvidenceInputError as exc:
        err_console.print(f"[red]Fejl:[/red] {exc.message.da} ({exc.message.en})")
        raise typer.Exit(code=2) from None
    data = {k: _clean(v) for k, v in result.as_dict().items()}
    data["studies"] = [
        {"study": lab, "yi": float(y), "vi": float(v), "weight": w}
        for lab, y, v, w in zip(effects.labels, effects.yi, effects.vi, result.weights, strict=True)
    ]
    data.update(further)
    if as_json:
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    summary = Table(
        title=f"Metaanalyse: {engine.MEASURE_LABELS[effects.measure].da}, {result.method.value}"
        + (" + Hartung–Knapp" if hk else "")
    )
    summary.add_column("Størrelse")
    summary.add_column("Værdi", justify="right")
    rows = [
        ("k", f"{result.k}"),
        ("estimat", f"{result.estimate:.4f}"),
        ("standardfejl", f"{result.se:.4f}"),
        ("95 %-KI", f"{result.ci_low:.4f} – {result.ci_high:.4f}"),
        ("p", f"{result.pval:.4g}"),
        ("τ²", f"{result.tau2:.4f}"),
        ("I²", f"{result.i2:.2f} %"),
        ("H²", f"{result.h2:.2f}"),
        (f"Q ({result.q_df} df)", f"{result.q:.4f} (p = {result.q_p:.4g})"),
        ("prædiktionsinterval", f"{result.pi_low:.4f} – {result.pi_high:.4f}"),
    ]
    if effects.measure in engine.effect_sizes.LOG_SCALE:
        rows.insert(
            2,
            (
                f"{effects.measure.value} (exp)",
                f"{math.exp(result.estimate):.4f} "
                f"[{math.exp(result.ci_low):.4f} – {math.exp(result.ci_high):.4f}]",
            ),
        )
    for name, value in rows:
        summary.add_row(name, value)
    console.print(summary)
    _print_further(further)


def _f(value: object, digits: int = 4) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def _print_further(further: dict) -> None:
    """The requested further analyses as tables (the same numbers as in --json)."""
    if "meta_regression" in further:
        reg = further["meta_regression"]
        table = Table(title=f"Metaregression: {', '.join(reg['moderators'])}")
        for column in ("Koefficient", "Estimat", "SE", "p", "95 %-KI"):
            table.add_column(column)
        for c in reg["coefficients"]:
            ci = f"{_f(c['ci_low'])} – {_f(c['ci_high'])}"
            table.add_row(c["name"], _f(c["estimate"]), _f(c["se"]), _f(c["pval"]), ci)
        console.print(table)
        console.print(
            f"Test af moderatorerne: QM({reg['qm_df']} df) = {_f(reg['qm'])}, p = {_f(reg['qm_p'])}; "
            f"resterende τ² = {_f(reg['tau2'])}, R² = {_f(reg['r2'], 2)} %"
        )
    if "subgroups" in further:
        sub = further["subgroups"]
        table = Table(title="Subgrupper")
        for column in ("Gruppe", "k", "Estimat", "95 %-KI", "τ²"):
            table.add_column(column)
        for g in sub["groups"]:
            ci = f"{_f(g['ci_low'])} – {_f(g['ci_high'])}"
            table.add_row(g["name"], str(g["k"]), _f(g["estimate"]), ci, _f(g["tau2"]))
        console.print(table)
        console.print(
            f"Test for forskel mellem grupperne: QM({sub['qm_df']} df) = {_f(sub['qm'])}, p = {_f(sub['qm_p'])}"
        )
    if "leave_one_out" in further:
        table = Table(title="Uden ét studie ad gangen")
        for column in ("Udeladt", "Estimat", "95 %-KI", "τ²", "I²"):
            table.add_column(column)
        for r in further["leave_one_out"]:
            ci = f"{_f(r['ci_low'])} – {_f(r['ci_high'])}"
            table.add_row(r["label"], _f(r["estimate"]), ci, _f(r["tau2"]), _f(r["i2"], 2))
        console.print(table)
    if "egger" in further:
        eg = further["egger"]
        console.print(f"Eggers test: z = {_f(eg['stat'])}, p = {_f(eg['pval'])}")


def _db_user(username: str):
    from susi.bootstrap import setup_django

    setup_django()
    from susi.accounts.models import User

    user = User.objects.filter(username=username).first()
    if user is None:
        err_console.print(f"[red]Ukendt bruger: {username}[/red]")
        raise typer.Exit(2)
    return user


@app.command("add-evaluation")
def add_evaluation(
    evaluation_id: int = typer.Argument(..., help="Den gemte effektevaluerings id."),
    user: str = typer.Option(..., "--user", help="Brugernavnet, handlingen sker som."),
    design: str = typer.Option("", "--design", help="Design (fx rct); standard: det, metoden giver."),
    outcome: str = typer.Option(
        "", "--outcome", help="Udfaldsmålet i evidensbasen; standard: måleredskabets navn."
    ),
) -> None:
    """Add a saved effect evaluation to the evidence base (idempotent); the meta-analysis is updated."""
    the_user = _db_user(user)
    from django.core.exceptions import PermissionDenied

    from susi.web.api_errors import DomainError

    from . import chain, selectors

    try:
        added = chain.add_evaluation_by_id(
            the_user, evaluation_id, design=design or None, outcome=outcome or None
        )
    except DomainError as exc:
        err_console.print(f"[red]Fejl[/red] i {exc.field}: {exc.message}")
        raise typer.Exit(2) from None
    except PermissionDenied:
        err_console.print("[red]Brugeren må ikke tilføje denne evaluering til evidensbasen.[/red]")
        raise typer.Exit(2) from None
    study = added.study
    status = {chain.CREATED: "tilføjet", chain.UPDATED: "opdateret", chain.UNCHANGED: "uændret"}[added.status]
    console.print(
        f"Studie nr. {study.pk} {status}: {study.outcome} – {study.measure}, design {study.design}, "
        f"SØM-niveau {study.grade or '–'}"
    )
    summary = selectors.effect_summary(study.intervention, study.outcome)
    if summary is None:
        console.print("Ingen metaanalyse endnu (kræver mindst 2 studier med samme udfaldsmål og effektmål).")
    else:
        console.print(
            f"Metaanalyse nr. {summary['meta_analysis_id']}: k = {summary['k']}, estimat {summary['estimate']:.4f} "
            f"[{summary['ci_low']:.4f}; {summary['ci_high']:.4f}], evidensvurdering {summary['rating_level']}"
        )
