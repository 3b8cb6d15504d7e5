"""The `susi` command. Django-backed commands set Django up lazily; engine-only commands (e.g. `susi som calc`,
`susi evidence meta`) run without a database.

DJANGO_SETTINGS_MODULE defaults to the development settings (SQLite in var/).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

app = typer.Typer(help="SUSI Platform: udvikling af sociale indsatser.", no_args_is_help=True)
console = Console()


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "susi.config.settings.dev")
    import django

    django.setup()


@app.command()
def migrate() -> None:
    """Create or update the database tables."""
    setup_django()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=1)


@app.command()
def demo() -> None:
    """Load the demo data (idempotent: running it twice changes nothing the second time)."""
    setup_django()
    from susi.demo import load_all

    load_all(lambda line: console.print(f"[green]✓[/green] {line}"))


@app.command()
def initiatives(
    phase: str = typer.Option("", help="screening, maturation, testing or dissemination"),
    status: str = typer.Option("", help="active, stopped or completed"),
) -> None:
    """List initiatives by phase."""
    setup_django()
    from susi.engines import phases
    from susi.portfolio.models import Initiative

    qs = (
        Initiative.objects.select_related("intervention").prefetch_related("municipalities").order_by("title")
    )
    if phase:
        try:
            phases.Phase(phase)
        except ValueError:
            console.print(
                f"[red]Ukendt fase: {phase}. Brug screening, maturation, testing eller dissemination.[/red]"
            )
            raise typer.Exit(2) from None
        qs = qs.filter(phase=phase)
    if status:
        qs = qs.filter(status=status)
    for definition in phases.PHASE_MODEL:
        rows = [i for i in qs if i.phase == definition.phase.value]
        if phase and not rows:
            continue
        table = Table(title=f"{definition.name.da} ({len(rows)})", title_justify="left")
        for column in ("id", "Titel", "Spor", "Program", "Status", "Kommuner"):
            table.add_column(column)
        for i in rows:
            table.add_row(
                str(i.pk),
                i.title,
                i.get_track_display(),
                i.get_programme_display(),
                i.get_status_display(),
                str(i.municipalities.count()),
            )
        console.print(table)


@app.command()
def worker(
    batch: bool = typer.Option(False, help="run what is queued, then stop"),
    interval: float = typer.Option(1.0, help="seconds between looks at an empty queue"),
) -> None:
    """Run a background-job worker (run one or more, on one or more machines)."""
    setup_django()
    from django.core.management import call_command

    args = ["--interval", str(interval)] + (["--batch", "--no-startup-delay"] if batch else [])
    call_command("susi_worker", *args)


@app.command()
def backup(
    file: Path = typer.Argument(..., help="the archive to write (a .tar file; must not exist)"),
) -> None:
    """Back up the database and the product files (not the pseudonym key: back it up separately)."""
    setup_django()
    from susi.backup import BackupError
    from susi.backup import backup as make_backup

    try:
        make_backup(file, report=lambda line: console.print(f"[green]✓[/green] {line}"))
    except BackupError as exc:
        console.print(f"[red]{exc.message}[/red]")
        raise typer.Exit(1) from None
    console.print(f"Backup written to {file}. The pseudonym key is not in it: keep a copy of it elsewhere.")


@app.command()
def restore(
    file: Path = typer.Argument(..., help="an archive written by `susi backup`"),
    yes: bool = typer.Option(False, "--yes", help="do not ask before replacing the data"),
) -> None:
    """Replace the database and the product files with a backup's (checked in full before anything changes)."""
    setup_django()
    from susi.backup import BackupError
    from susi.backup import restore as do_restore

    if not yes and not typer.confirm("Replace ALL data of this installation with the backup's?"):
        raise typer.Exit(1)
    try:
        do_restore(file, report=lambda line: console.print(f"[green]✓[/green] {line}"))
    except BackupError as exc:
        console.print(f"[red]{exc.message} Nothing was changed.[/red]")
        raise typer.Exit(1) from None
    console.print("Restored. Run `susi migrate` if this version is newer than the backup's.")


@app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def manage(ctx: typer.Context) -> None:
    """Run a Django management command (e.g. `susi manage createsuperuser`)."""
    setup_django()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["susi manage", *ctx.args])


def _mount_sub_commands() -> None:
    from susi.evidence.cli import app as evidence_app
    from susi.jobs.cli import app as jobs_app
    from susi.outcomes.cli import app as outcomes_app
    from susi.som.cli import app as som_app

    app.add_typer(som_app, name="som", help="SØM: den socialøkonomiske investeringsmodel.")
    app.add_typer(evidence_app, name="evidence", help="Evidens: effektstørrelser og metaanalyse.")
    app.add_typer(outcomes_app, name="outcomes", help="Borgerdata: import, effekt og monitorering.")
    app.add_typer(jobs_app, name="jobs", help="Baggrundsjob: oversigt, fremdrift, genstart.")


_mount_sub_commands()


def main() -> None:
    app(prog_name="susi")


if __name__ == "__main__":
    sys.exit(main())
