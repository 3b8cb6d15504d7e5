import typer

app = typer.Typer(help="outcomes", no_args_is_help=True)
