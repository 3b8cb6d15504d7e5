"""`susi jobs`: list background jobs, follow one with a progress bar, queue a failed one again."""

from __future__ import annotations

import time

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

app = typer.Typer(no_args_is_help=True)
console = Console()


def _setup() -> None:
    from susi.bootstrap import setup_django

    setup_django()


@app.command("list")
def list_jobs(limit: int = typer.Option(20, help="antal job")) -> None:
    """The newest jobs: kind, state, progress, duration."""
    _setup()
    from susi.jobs.models import Job
    from susi.jobs.services import progress_of

    table = Table("id", "Slags", "Status", "Fremdrift", "Forsøg", "Varighed (s)", "Kan genstartes")
    for job in Job.objects.all()[:limit]:
        done, total = progress_of(job)
        seconds = (
            (job.finished_at - job.started_at).total_seconds() if job.finished_at and job.started_at else None
        )
        table.add_row(
            str(job.pk),
            job.kind,
            job.get_status_display(),
            f"{done}/{total}" if total else "–",
            str(job.attempts),
            f"{seconds:.1f}" if seconds is not None else "–",
            "ja" if job.retryable else "",
        )
    console.print(table)


@app.command()
def watch(job_id: str) -> None:
    """Follow a job with a progress bar until it ends."""
    _setup()
    from susi.jobs.models import Job
    from susi.jobs.services import progress_of

    job = Job.objects.filter(pk=job_id).first()
    if job is None:
        console.print(f"[red]Intet job med id {job_id}.[/red]")
        raise typer.Exit(2)
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console) as progress:
        task = progress.add_task(job.kind, total=None)
        while not job.finished:
            done, total = progress_of(job)
            progress.update(task, completed=done, total=total or None, description=job.get_status_display())
            time.sleep(1)
            job.refresh_from_db()
    colour = "green" if job.status == Job.Status.DONE else "red"
    console.print(f"[{colour}]{job.get_status_display()}[/{colour}]: {job.result.get('message', '')}")
    if job.status != Job.Status.DONE:
        raise typer.Exit(1)


@app.command()
def start(
    kind: str = typer.Argument(..., help="fx outcomes.register_followup"),
    user: str = typer.Option(..., "--user", help="brugernavnet, der står som ophav (rettighederne er hans)"),
    arg: list[str] = typer.Option([], "--arg", help="NØGLE=VÆRDI, fx --arg initiative=12"),
    wait: bool = typer.Option(True, help="følg jobbet med en fremdriftslinje, til det er færdigt"),
) -> None:
    """Queue a job (a worker runs it), e.g. the register follow-up:
    `susi jobs start outcomes.register_followup --user vive --arg initiative=12 --arg register_file=/data/reg.parquet
    --arg comparison_file=/data/comp.csv --arg years=10`."""
    _setup()
    from susi.accounts.models import User
    from susi.jobs import services

    if kind not in services.KINDS or kind == "som.knowledge_import":
        console.print(f"[red]Ukendt jobtype: {kind}.[/red]")
        raise typer.Exit(2)
    the_user = User.objects.filter(username=user, is_active=True).first()
    if the_user is None:
        console.print(f"[red]Ukendt bruger: {user}.[/red]")
        raise typer.Exit(2)
    args = {}
    for item in arg:
        key, sep, value = item.partition("=")
        if not sep:
            console.print(f"[red]--arg skal være NØGLE=VÆRDI, ikke {item}.[/red]")
            raise typer.Exit(2)
        args[key.strip()] = value.strip()
    job = services.enqueue(kind, user=the_user, args=args)
    console.print(f"Sat i kø: {job.pk}")
    if wait:
        watch(str(job.pk))


@app.command()
def retry(job_id: str) -> None:
    """Queue a failed job again (its first attempt wrote nothing)."""
    _setup()
    from susi.jobs import services
    from susi.jobs.models import Job

    job = Job.objects.filter(pk=job_id).first()
    if job is None:
        console.print(f"[red]Intet job med id {job_id}.[/red]")
        raise typer.Exit(2)
    try:
        services.retry(job)
    except services.JobRefused as exc:
        console.print(f"[red]{exc.message}[/red]")
        raise typer.Exit(1) from None
    console.print(f"Sat i kø igen: {job.pk}")
