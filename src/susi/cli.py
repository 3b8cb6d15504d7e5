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

from susi.bootstrap import setup_django

app = typer.Typer(help="SUSI Platform: udvikling af sociale indsatser.", no_args_is_help=True)
console = Console()


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
    from susi.demo import DemoModeOff, load_all

    try:
        load_all(lambda line: console.print(f"[green]✓[/green] {line}"))
    except DemoModeOff as refusal:
        console.print(f"[red]{refusal}[/red]")
        raise typer.Exit(1) from None


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
def serve(
    bind: str = typer.Option("127.0.0.1:8000", help="Address and port (or unix:/path/to/socket)."),
    workers: int = typer.Option(0, help="Worker processes; 0 means 2 × CPU cores + 1."),
    timeout: int = typer.Option(120, help="Seconds before a silent worker is restarted."),
    collectstatic: bool = typer.Option(
        True, help="Collect the static files first (a container does it at build)."
    ),
) -> None:
    """Start the production server (gunicorn) with production settings, after collecting the static files.

    Settings come from the environment (SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL …), see
    docs/developers/deployment.md. Run `susi migrate` first after an upgrade.
    """
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "susi.config.settings.production")
    setup_django()
    from django.core.management import call_command

    if collectstatic:
        call_command("collectstatic", interactive=False, verbosity=0)
    argv = gunicorn_argv(bind=bind, workers=workers or 2 * (os.cpu_count() or 1) + 1, timeout=timeout)
    console.print(f"SUSI på http://{bind} (gunicorn, {os.environ['DJANGO_SETTINGS_MODULE']})")
    os.execvp(argv[0], argv)


def gunicorn_argv(*, bind: str, workers: int, timeout: int) -> list[str]:
    """The gunicorn command line: access log to stdout, the proxy's X-Forwarded-* believed only from
    FORWARDED_ALLOW_IPS (gunicorn's own setting; 127.0.0.1 by default), and each worker replaced after about
    10,000 requests (jittered, so they are not replaced together): a safety net against slow growth of a worker's
    memory (the 10-minute soak in docs/developers/deployment.md: +6 MB per worker in ~800 requests)."""
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "susi.config.wsgi:application",
        "--bind",
        bind,
        "--workers",
        str(workers),
        "--timeout",
        str(timeout),
        "--access-logfile",
        "-",
        "--max-requests",
        "10000",
        "--max-requests-jitter",
        "1000",
    ]


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
    from susi.accounts.cli import app as users_app
    from susi.evidence.cli import app as evidence_app
    from susi.jobs.cli import app as jobs_app
    from susi.notifications.cli import app as notifications_app
    from susi.outcomes.cli import app as outcomes_app
    from susi.outcomes.cli import keys_app
    from susi.rounds.cli import rounds
    from susi.som.cli import app as som_app

    app.add_typer(som_app, name="som", help="SØM: den socialøkonomiske investeringsmodel.")
    app.add_typer(evidence_app, name="evidence", help="Evidens: effektstørrelser og metaanalyse.")
    app.add_typer(outcomes_app, name="outcomes", help="Borgerdata: import, effekt og monitorering.")
    app.add_typer(
        users_app, name="users", help="Brugere: roller med adgang til borgerdata (kun på serveren)."
    )
    app.add_typer(keys_app, name="keys", help="Pseudonymnøglen: rotation.")
    app.command(name="rounds")(rounds)
    app.add_typer(jobs_app, name="jobs", help="Baggrundsjob: oversigt, fremdrift, genstart.")
    app.add_typer(notifications_app, name="notifications", help="Notifikationer, der kommer af kalenderen.")


_mount_sub_commands()


def main() -> None:
    app(prog_name="susi")


if __name__ == "__main__":
    main()
