"""`susi evidence …`: meta-analysis of a CSV/Excel file of studies, straight through the engine (no database).

    susi evidence meta STUDIES.csv --measure RR --method REML [--hk] [--json]

Columns are named as in R's metafor (ai, bi, ci, di; m1i, sd1i, n1i, m2i, sd2i, n2i; yi, vi) plus an
optional `study` label. Bad input prints one clear sentence and exits with status 2.
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
    measure: str = typer.Option(..., "--measure", help="RR, OR, RD, SMD, MD eller GEN (yi, vi)."),
    method: str = typer.Option("REML", "--method", help="FE, DL, REML eller PM."),
    hk: bool = typer.Option(False, "--hk", help="Hartung–Knapp-justering (t-fordeling)."),
    as_json: bool = typer.Option(False, "--json", help="Skriv resultatet som JSON."),
) -> None:
    """Meta-analysis of the studies in a file."""
    try:
        if not studies.is_file():
            raise engine.EvidenceInputError(
                "file", Text(f"Filen findes ikke: {studies}", f"file not found: {studies}")
            )
        table = engine.read_table(studies.read_bytes(), studies.name)
        effects = engine.compute(measure, dict(table.columns), labels=table.labels)
        result = engine.meta_analysis(effects, method, hk)
    except engine.EvidenceInputError as exc:
        err_console.print(f"[red]Fejl:[/red] {exc.message.da} ({exc.message.en})")
        raise typer.Exit(code=2) from None
    data = {k: _clean(v) for k, v in result.as_dict().items()}
    data["studies"] = [
        {"study": lab, "yi": float(y), "vi": float(v), "weight": w}
        for lab, y, v, w in zip(effects.labels, effects.yi, effects.vi, result.weights, strict=True)
    ]
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
