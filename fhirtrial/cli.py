"""The `fhirtrial` command line: serve, load, and (in later layers) import and match."""

import asyncio
from pathlib import Path
from typing import Annotated

import typer

from fhirtrial import __version__
from fhirtrial.config import Settings

app = typer.Typer(
    help="fhirtrial: a FHIR R5 server for computable clinical trials.",
    no_args_is_help=True,
    add_completion=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"fhirtrial {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """fhirtrial command line."""


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
) -> None:
    """Run the FHIR server (on the embedded database unless FHIRTRIAL_MONGODB_URL is set)."""
    import uvicorn

    from fhirtrial.api.app import create_app

    settings = Settings()
    uvicorn.run(create_app(settings), host=host, port=port, log_level=settings.log_level.lower())


@app.command()
def load(
    paths: Annotated[
        list[Path],
        typer.Argument(help="FHIR JSON files: resources or Bundles.", exists=True, dir_okay=False),
    ],
) -> None:
    """Load FHIR resources (or the entries of Bundles) from JSON files into the database."""
    from fhirtrial.loader import load_files
    from fhirtrial.runtime import open_repository

    async def run() -> int:
        async with open_repository(Settings()) as repository:
            report = await load_files(repository, paths)
        for line in report.lines():
            typer.echo(line)
        return 1 if report.failures else 0

    raise typer.Exit(asyncio.run(run()))
