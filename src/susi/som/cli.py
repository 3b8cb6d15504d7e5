import typer

app = typer.Typer(help="som", no_args_is_help=True)
