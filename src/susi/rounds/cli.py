"""`susi rounds`: the application rounds with their counts."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.table import Table


def rounds(state: str = typer.Option("", help="draft, open, closed eller decided")) -> None:
    """List application rounds with applicants, places, pool and what is allocated."""
    from susi.bootstrap import setup_django

    console = Console()  # made per call, so it takes the terminal's width (COLUMNS) as it is now

    setup_django()
    from susi.engines.phases import rounds as flow
    from susi.rounds import selectors, services
    from susi.rounds.models import Round
    from susi.web.formatting import kr

    if state and state not in {s.value for s in flow.RoundState}:
        console.print(f"[red]Ukendt status: {state}. Brug draft, open, closed eller decided.[/red]")
        raise typer.Exit(2)
    services.close_due_rounds()
    qs = Round.objects.select_related("initiative").order_by("closes_at")
    if state:
        qs = qs.filter(state=state)
    table = Table(title="Ansøgningsrunder", title_justify="left")
    for column in (
        "id",
        "Runde",
        "Fase",
        "Status",
        "Frist",
        "Pladser",
        "Ansøgere",
        "Optaget",
        "Pulje",
        "Fordelt",
    ):
        table.add_column(column)
    for r in qs:
        demand = (
            next(d for d in selectors.demand(r.initiative) if d.round.pk == r.pk)
            if r.state != "draft"
            else None
        )
        pool = selectors.pool(r)
        table.add_row(
            str(r.pk),
            r.title,
            r.get_phase_display(),
            r.get_state_display(),
            r.closes_at.strftime("%d.%m.%Y %H:%M"),
            str(r.places or "alle"),
            str(demand.applicants if demand else 0),
            str(demand.accepted if demand else 0),
            kr(pool.amount),
            kr(pool.allocated),
        )
    console.print(table)
