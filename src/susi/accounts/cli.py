"""`susi users …`: what Django admin refuses, done by the operator on the server.

    susi users grant USERNAME --role municipality --organisation 751 [--create]

Giving a user a role that reads citizen-level data (municipality, evaluator, administrator), moving such a user
to another organisation or re-activating one is refused in Django admin (accounts/admin.py): one administrator
must not be able to give itself access to citizens' data by one save in the browser. The operator does it here;
the change is recorded in the user's history with the reason "susi users grant".
"""

from __future__ import annotations

import typer
from rich.console import Console

app = typer.Typer(help="Brugere: roller med adgang til borgerdata (kun på serveren).", no_args_is_help=True)
console = Console()


@app.callback()
def main() -> None:
    """Brugere: roller med adgang til borgerdata (kun på serveren)."""


@app.command()
def grant(
    username: str,
    role: str = typer.Option(..., help="municipality, evaluator, admin, agency, foundation or steering"),
    organisation: str = typer.Option("", help="the organisation's code (e.g. 751) or exact name"),
    create: bool = typer.Option(False, help="create the user (without a usable password)"),
) -> None:
    """Give USERNAME a role (and organisation), active; refused with a message if the two do not fit."""
    from susi.bootstrap import setup_django

    setup_django()
    from django.core.exceptions import ValidationError
    from django.db import transaction
    from django.db.models import Q

    from susi.accounts.models import Role, User
    from susi.organisations.models import Organisation

    if role not in Role.values:
        console.print(f"[red]Ukendt rolle: {role}. Brug {', '.join(Role.values)}.[/red]")
        raise typer.Exit(2)
    org = None
    if organisation:
        org = Organisation.objects.filter(Q(code=organisation) | Q(name=organisation)).first()
        if org is None:
            console.print(f"[red]Ingen organisation med koden eller navnet »{organisation}«.[/red]")
            raise typer.Exit(2)
    user = User.objects.filter(username=username).first()
    if user is None and not create:
        console.print(f"[red]Ingen bruger »{username}«. Brug --create for at oprette brugeren.[/red]")
        raise typer.Exit(2)
    if user is None:
        user = User(username=username)
        user.set_unusable_password()
    user.role, user.organisation, user.is_active = role, org, True
    try:
        user.full_clean()
    except ValidationError as error:
        messages = [m for ms in error.message_dict.values() for m in ms]
        console.print("[red]" + " ".join(messages) + "[/red]")
        raise typer.Exit(2) from None
    with transaction.atomic():
        user._change_reason = "susi users grant"  # type: ignore[attr-defined]  # read by django-simple-history
        user.save()
    where = f" i {org}" if org else ""
    console.print(f"[green]✓[/green] {user.username} har nu rollen {Role(role).label}{where}.")
