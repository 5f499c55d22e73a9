"""The `fhirtrial` command line: serve, load, and (in later layers) import and match."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Coroutine
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from fhirtrial import __version__
from fhirtrial.cli.flags import FlagCommand, FlagGroup
from fhirtrial.config import Settings

if TYPE_CHECKING:
    from fhirtrial.matching.matcher import StudyMatch

app = typer.Typer(
    cls=FlagGroup,
    help="fhirtrial: a FHIR R5 server for computable clinical trials.",
    no_args_is_help=True,
    add_completion=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"fhirtrial {__version__}")
        raise typer.Exit()


def _run(work: Coroutine[Any, Any, int]) -> int:
    """Run a command's work; a database that cannot be reached (or goes away) is one line on
    stderr and exit status 2, not a traceback."""
    from pymongo.errors import ConnectionFailure, ServerSelectionTimeoutError

    try:
        return asyncio.run(work)
    except (ServerSelectionTimeoutError, ConnectionFailure) as error:
        reason = str(error).split(", Timeout:", 1)[0].split(" (configured timeouts", 1)[0]
        typer.echo(f"fhirtrial: the database cannot be reached: {reason}", err=True)
        return 2


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


@app.command(cls=FlagCommand)
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
) -> None:
    """Run the FHIR server (on the embedded database unless FHIRTRIAL_MONGODB_URL is set)."""
    import uvicorn

    from fhirtrial.api.app import create_app
    from fhirtrial.api.context import host_header_warning

    settings = Settings()
    warning = host_header_warning(host, settings.base_url)
    if warning:
        typer.echo(f"WARNING: {warning}", err=True)
    uvicorn.run(
        create_app(settings),
        host=host,
        port=port,
        log_level=settings.log_level.lower(),
        # Forwarded headers are not trusted: client addresses are the socket's (and nothing
        # is granted by address anyway; see README "Security").
        proxy_headers=False,
    )


@app.command(cls=FlagCommand)
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

    raise typer.Exit(_run(run()))


@app.command("import", cls=FlagCommand)
def import_(
    nct: Annotated[
        list[str] | None,
        typer.Option("--nct", metavar="<NCT>", help="NCT number to fetch; repeat for more."),
    ] = None,
    query: Annotated[str | None, typer.Option("--query", help="Free-text search.")] = None,
    condition: Annotated[str | None, typer.Option("--condition", help="Condition search.")] = None,
    status: Annotated[
        str | None,
        typer.Option(
            "--status", help="Comma-separated overall statuses, e.g. RECRUITING,NOT_YET_RECRUITING."
        ),
    ] = None,
    file: Annotated[
        list[Path] | None,
        typer.Option(
            "--file",
            exists=True,
            metavar="<path>",
            help="Study JSON, API page, ndjson, or a directory of these; repeat for more.",
        ),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers",
            min=1,
            help="Processes that map and validate studies read from files (default: one per "
            "core; 1 maps in the importing process).",
        ),
    ] = None,
) -> None:
    """Import ClinicalTrials.gov studies as ResearchStudy + PlanDefinition + EvidenceVariable."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from fhirtrial.catalog.importer import ImportSummary, import_studies
    from fhirtrial.catalog.sources import StudyInput, from_files, from_nct_ids, from_search
    from fhirtrial.ctgov import CtGovClient
    from fhirtrial.runtime import open_database

    if not (nct or query or condition or status or file):
        typer.echo(
            "error: nothing to import: give --nct, --query/--condition/--status, or --file "
            "(see fhirtrial import --help)",
            err=True,
        )
        raise typer.Exit(2)
    settings = Settings()
    statuses = [s.strip().upper() for s in status.split(",")] if status else None

    async def run() -> int:
        columns = (
            TextColumn("[bold]importing"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[rate]:.1f} studies/s · {task.fields[failed]} failed"),
            TimeElapsedColumn(),
        )
        async with (
            open_database(settings) as opened,
            CtGovClient(
                settings.ctgov_base_url, requests_per_minute=settings.ctgov_requests_per_minute
            ) as client,
        ):
            with Progress(*columns, transient=False) as bar:
                total = None
                sources: list[list[StudyInput] | AsyncIterator[StudyInput]] = []
                if file:
                    inputs = from_files(list(file))
                    total = len(inputs)
                    sources.append(inputs)
                if nct:
                    total = (total or 0) + len(nct)
                    sources.append(from_nct_ids(client, list(nct)))
                if query or condition or statuses:
                    total = None
                    sources.append(
                        from_search(
                            client, term=query, condition=condition, overall_status=statuses
                        )
                    )
                task = bar.add_task("import", total=total, rate=0.0, failed=0)

                def progress(summary: ImportSummary) -> None:
                    elapsed = bar.tasks[task].elapsed or 1e-9
                    bar.update(
                        task,
                        completed=summary.processed,
                        rate=summary.processed / elapsed,
                        failed=len(summary.failures),
                    )

                summaries = []
                for source in sources:
                    # Worker processes pay off only for many local records; fetched ones
                    # arrive at the ClinicalTrials.gov rate limit anyway.
                    many = isinstance(source, list) and len(source) > 100
                    pool = (workers or os.cpu_count() or 1) if many else 1
                    summaries.append(
                        await import_studies(
                            opened.matching, source, progress=progress, workers=pool
                        )
                    )
        failed = 0
        for summary in summaries:
            for line in summary.lines():
                typer.echo(line)
            failed += len(summary.failures)
        return 1 if failed else 0

    raise typer.Exit(_run(run()))


@app.command(cls=FlagCommand)
def sync(
    condition: Annotated[
        str | None, typer.Option("--condition", help="Keep studies of this condition current.")
    ] = None,
    query: Annotated[str | None, typer.Option("--query", help="Free-text scope.")] = None,
    status: Annotated[
        str | None,
        typer.Option(
            "--status",
            help="Comma-separated overall statuses to keep in the catalog "
            "(default RECRUITING,NOT_YET_RECRUITING,ENROLLING_BY_INVITATION).",
        ),
    ] = None,
    since: Annotated[
        str | None,
        typer.Option(
            "--since",
            metavar="<YYYY-MM-DD>",
            help="Start the window at this day, not the watermark.",
        ),
    ] = None,
    history: Annotated[
        bool, typer.Option("--history", help="Print the latest runs instead of running one.")
    ] = False,
    limit: Annotated[int, typer.Option("--limit", min=1, help="Runs --history prints.")] = 20,
) -> None:
    """Import the studies updated on ClinicalTrials.gov since the last sync of this scope, update
    those that closed, and record the run; one sync at a time (exit 3 when another runs)."""
    from datetime import date

    from fhirtrial.catalog.sync import LeaseHeld, SyncScope, recent_runs, sync_catalog
    from fhirtrial.ctgov import CtGovClient
    from fhirtrial.runtime import open_database

    try:
        scope = SyncScope.of(condition, query, status.split(",") if status else None)
    except ValueError as error:
        raise typer.BadParameter(str(error)) from error
    try:
        start = date.fromisoformat(since) if since else None
    except ValueError:
        raise typer.BadParameter(
            f"{since!r} is not a date (YYYY-MM-DD)", param_hint="'--since'"
        ) from None
    settings = Settings()

    async def run() -> int:
        async with open_database(settings) as opened:
            if history:
                for past in await recent_runs(opened.database, limit):
                    for line in past.lines():
                        typer.echo(line)
                return 0
            async with CtGovClient(
                settings.ctgov_base_url, requests_per_minute=settings.ctgov_requests_per_minute
            ) as client:
                try:
                    done = await sync_catalog(opened.matching, client, scope, since=start)
                except LeaseHeld as held:
                    typer.echo(f"fhirtrial: sync not run: {held}", err=True)
                    return 3
        for line in done.lines():
            typer.echo(line)
        return 0 if done.outcome == "succeeded" else 1

    raise typer.Exit(_run(run()))


@app.command(cls=FlagCommand)
def recompile(
    nct: Annotated[
        list[str] | None,
        typer.Option("--nct", metavar="<NCT>", help="Only this study; repeat for more."),
    ] = None,
) -> None:
    """Re-run the eligibility compiler over stored studies; new versions only where it changed.
    Exit 1 when a study failed or an --nct is not in the catalog."""
    from fhirtrial.catalog.recompile import recompile as run_recompile
    from fhirtrial.runtime import open_database

    async def run() -> int:
        async with open_database(Settings()) as opened:
            summary = await run_recompile(opened.database, list(nct) if nct else None)
        for line in summary.lines():
            typer.echo(line)
        return 1 if summary.failures or summary.missing else 0

    raise typer.Exit(_run(run()))


@app.command(cls=FlagCommand)
def reindex() -> None:
    """Rebuild the match index from the stored catalog, e.g. after an upgrade that narrows its
    keys (entries built earlier stay correct, only wider). Restart running servers afterwards:
    each keeps its copy of the index until then."""
    from fhirtrial.matching.index.sync import rebuild_index
    from fhirtrial.runtime import open_database

    async def run() -> int:
        async with open_database(Settings()) as opened:
            count = await rebuild_index(opened.matching)
        typer.echo(f"match index rebuilt: {count} studies")
        return 0

    raise typer.Exit(_run(run()))


# ---- backend clients of the built-in authorization server (fhirtrial.auth) -------------------

client_app = typer.Typer(
    cls=FlagGroup,
    help="Backend clients of the built-in authorization server (SMART Backend Services).",
    no_args_is_help=True,
)
app.add_typer(client_app, name="client")


@client_app.command("add", cls=FlagCommand)
def client_add(
    name: Annotated[str, typer.Argument(help="A name for the client, unique.")],
    jwks: Annotated[
        str,
        typer.Option(
            "--jwks", help="The client's public JWKS: a JSON file, or an https URL serving it."
        ),
    ],
    scope: Annotated[
        list[str],
        typer.Option(
            "--scope", help='system/ scopes it may be granted, e.g. "system/*.rs system/Patient.c".'
        ),
    ],
) -> None:
    """Register a backend client and print its client id."""
    from fhirtrial.auth.admin import add_client
    from fhirtrial.auth.clients import RegistrationError
    from fhirtrial.runtime import open_database

    async def run() -> int:
        async with open_database(Settings()) as opened:
            try:
                client = await add_client(opened.database.db, name, jwks, scope)
            except RegistrationError as error:
                typer.echo(f"fhirtrial: {error}", err=True)
                return 1
        typer.echo(f"registered '{client.name}' with {' '.join(client.scopes)}", err=True)
        typer.echo(client.client_id)
        return 0

    raise typer.Exit(_run(run()))


@client_app.command("list", cls=FlagCommand)
def client_list() -> None:
    """List the registered backend clients."""
    from fhirtrial.auth.clients import ClientRegistry
    from fhirtrial.runtime import open_database

    async def run() -> int:
        async with open_database(Settings()) as opened:
            clients = await ClientRegistry(opened.database.db).all()
        for client in clients:
            keys = client.jwks_uri or f"{len((client.jwks or {}).get('keys', []))} key(s)"
            typer.echo(f"{client.client_id}\t{client.name}\t{' '.join(client.scopes)}\t{keys}")
        return 0

    raise typer.Exit(_run(run()))


@client_app.command("remove", cls=FlagCommand)
def client_remove(
    client: Annotated[str, typer.Argument(help="The client id or name.")],
) -> None:
    """Remove a backend client: it gets no new tokens (issued ones expire within minutes)."""
    from fhirtrial.auth.clients import ClientRegistry
    from fhirtrial.runtime import open_database

    async def run() -> int:
        async with open_database(Settings()) as opened:
            removed = await ClientRegistry(opened.database.db).remove(client)
        if not removed:
            typer.echo(f"fhirtrial: no client '{client}'", err=True)
            return 1
        typer.echo(f"removed {client}")
        return 0

    raise typer.Exit(_run(run()))


@app.command("rotate-signing-key", cls=FlagCommand)
def rotate_signing_key() -> None:
    """Sign new tokens with a new key; the previous public key stays published for a day."""
    from fhirtrial.auth.admin import rotate_signing_key as rotate
    from fhirtrial.runtime import open_database

    async def run() -> int:
        async with open_database(Settings()) as opened:
            kid = await rotate(opened.database.db)
        typer.echo(f"new signing key {kid}")
        return 0

    raise typer.Exit(_run(run()))


# ---- match (fhirtrial.matching; the same matcher as ResearchStudy/$match) ---------------------


@app.command(cls=FlagCommand)
def match(
    bundle: Annotated[
        Path,
        typer.Argument(
            help="The patient's FHIR Bundle (R4 or R5 JSON).", exists=True, dir_okay=False
        ),
    ],
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of", metavar="<YYYY-MM-DD>", help="Evaluate for this day (default: today)."
        ),
    ] = None,
    zip_code: Annotated[
        str | None, typer.Option("--zip", help="US ZIP code of the patient.")
    ] = None,
    radius: Annotated[
        float | None,
        typer.Option(
            "--radius",
            help="Travel radius in miles, from --zip or the ZIP code of the Patient's address.",
        ),
    ] = None,
    include_ineligible: Annotated[
        bool, typer.Option("--include-ineligible", help="Also list ineligible trials.")
    ] = False,
    count: Annotated[int, typer.Option("--count", min=1, help="How many trials to list.")] = 20,
) -> None:
    """Rank the catalog's trials for one patient and print trial, verdict, score and the
    criteria that fail or are unknown."""
    from rich.console import Console
    from rich.table import Table

    from fhirtrial.cli.empty_result import why_none_listed
    from fhirtrial.cli.match_input import (
        UsageProblem,
        as_of_day,
        check_radius,
        in_flag_terms,
        read_bundle,
    )
    from fhirtrial.errors import FHIRError
    from fhirtrial.matching.matcher import match_patient
    from fhirtrial.matching.request import match_request
    from fhirtrial.patient.own_resources import keep_own_resources
    from fhirtrial.patient.record import PatientRecordError
    from fhirtrial.runtime import open_database

    try:
        day = as_of_day(as_of)
        check_radius(radius)
        document = read_bundle(bundle)
        own, left_out = keep_own_resources(document, as_of=day)
    except UsageProblem as problem:
        typer.echo(f"error: {problem}", err=True)
        raise typer.Exit(2) from None
    except PatientRecordError as error:
        typer.echo(
            f"error: {bundle.name}: {error} (fhirtrial match reads one patient's Bundle: "
            "one Patient and the resources about that patient)",
            err=True,
        )
        raise typer.Exit(2) from None
    for issue in left_out:
        typer.echo(f"warning: {bundle.name}: {issue.ref}: {issue.message}", err=True)

    parameters: list[dict[str, Any]] = [{"name": "patient", "resource": own}]
    options: dict[str, tuple[str, object]] = {
        "asOf": ("valueDate", as_of),
        "zipCode": ("valueString", zip_code),
    }
    options |= {"travelRadius": ("valueDecimal", radius), "count": ("valueInteger", count)}
    options["includeIneligible"] = ("valueBoolean", include_ineligible)
    for name, (kind, value) in options.items():
        if value is not None:
            parameters.append({"name": name, kind: value})

    async def run() -> int:
        try:
            request = match_request({"resourceType": "Parameters", "parameter": parameters})
            async with open_database(Settings()) as opened:
                result = await match_patient(opened.matching, request)
        except FHIRError as error:
            for issue in error.issues:
                typer.echo(f"error: {in_flag_terms(issue.diagnostics, bundle.name)}", err=True)
            return 2
        for issue in result.issues:
            typer.echo(f"note: {in_flag_terms(issue.diagnostics, bundle.name)}", err=True)
        if not result.returned:
            reason = why_none_listed(result, radius=radius)
            typer.echo(f"no trial listed for {bundle.name} as of {result.as_of}: {reason}")
            return 0
        title = f"{len(result.matches)} trial(s) for {bundle.name}, as of {result.as_of}"
        table = Table(title=title)
        for column in ("trial", "verdict", "score", "miles", "why"):
            table.add_column(column, overflow="fold")
        for found in result.returned:
            table.add_row(
                f"{found.study_id}\n{found.title or ''}",
                found.verdict,
                f"{found.score:.2f}",
                "" if found.distance is None else f"{found.distance:.0f}",
                _why(found),
            )
        Console(width=160).print(table)
        return 0

    raise typer.Exit(_run(run()))


@app.command(cls=FlagCommand)
def screen(
    panel: Annotated[
        list[Path],
        typer.Argument(
            help="Patient Bundles: JSON files, NDJSON files (a Bundle per line) or directories.",
            exists=True,
        ),
    ],
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Write a JSON line per patient here (default: stdout)."),
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of", metavar="<YYYY-MM-DD>", help="Evaluate for this day (default: today)."
        ),
    ] = None,
    count: Annotated[int, typer.Option("--count", min=1, help="Trials listed per patient.")] = 5,
    persist: Annotated[
        bool, typer.Option("--persist", help="Store each patient and its candidates.")
    ] = False,
) -> None:
    """Match every patient of a panel against the catalog (a batch of `$match`es) and write one
    JSON line per patient: its verdict counts and best trials, or why it could not be matched."""
    import sys
    import time

    import orjson

    from fhirtrial.cli.match_input import UsageProblem, as_of_day
    from fhirtrial.matching.panel import PanelOptions, panel_bundles, screen
    from fhirtrial.runtime import open_database

    try:
        day = as_of_day(as_of)
    except UsageProblem as problem:
        typer.echo(f"error: {problem}", err=True)
        raise typer.Exit(2) from None
    options = PanelOptions(as_of=day, count=count, persist=persist)

    async def run() -> int:
        started = time.perf_counter()
        done = failed = with_trials = 0
        sink = out.open("wb") if out is not None else sys.stdout.buffer
        try:
            async with open_database(Settings()) as opened:
                async for screened in screen(opened.matching, panel_bundles(panel), options):
                    sink.write(orjson.dumps(screened.as_json()) + b"\n")
                    done += 1
                    failed += screened.error is not None
                    with_trials += bool(screened.trials)
        finally:
            if out is not None:
                sink.close()
            else:
                sink.flush()
        seconds = time.perf_counter() - started
        typer.echo(
            f"screened {done} patient(s) in {seconds:.1f} s ({done / seconds:.1f}/s): "
            f"{with_trials} with at least one trial listed, {failed} could not be matched",
            err=True,
        )
        return 0 if done and not failed else 1 if done else 2

    raise typer.Exit(_run(run()))


def _why(found: StudyMatch) -> str:
    """The deciding criteria in words, or what a potential candidate's record leaves open."""
    explanation = found.explanation
    if explanation is None:
        return found.note or ""
    lines = [explanation.summary]
    for point in explanation.decided_by:
        lines.append(f"✗ {point.link_id}: {point.text} — {point.reason}")
    for point in explanation.to_check:
        lines.append(f"? {point.link_id}: {point.text}")
    return "\n".join(lines)


# ---- rematch (fhirtrial.matching.rematch: persisted candidates after catalog changes) ---------


@app.command(cls=FlagCommand)
def rematch() -> None:
    """Re-assess every persisted patient (`$match` with persist=true) against the studies whose
    study, criteria or sites changed since the last run; write the ResearchSubjects that change.
    Exit 3 when another process is running the job."""
    from fhirtrial.matching.rematch.job import run_rematch
    from fhirtrial.runtime import open_database

    async def run() -> int:
        async with open_database(Settings()) as opened:
            done = await run_rematch(opened.matching)
        if done.outcome == "busy":
            typer.echo("fhirtrial: another process is running the re-match job", err=True)
            return 3
        tally = done.tally
        typer.echo(
            f"{done.outcome}: {done.studies} changed studies, {tally.patients} patients "
            f"re-assessed, {tally.created} subjects created, {tally.updated} updated, "
            f"{tally.retired} retired, {tally.failed} patients skipped (logged), "
            f"{done.forgotten} records of deleted patients removed"
            + (" (resumed an interrupted job)" if done.resumed else "")
        )
        return 0

    raise typer.Exit(_run(run()))


# ---- conformance (fhirtrial.testscript; runs against any server, never imports ours) -----------


@app.command(cls=FlagCommand)
def conformance(
    base_url: Annotated[str, typer.Argument(help="The FHIR server's base URL.")],
    script: Annotated[
        list[str] | None,
        typer.Option(
            "--script",
            "-s",
            metavar="<name>",
            help="Run only this TestScript (name, id or file name); repeat for more.",
        ),
    ] = None,
    scripts_dir: Annotated[
        Path | None,
        typer.Option(
            "--scripts-dir",
            help="A folder of TestScript JSON files instead of the shipped ones.",
            exists=True,
            file_okay=False,
        ),
    ] = None,
    token: Annotated[
        str | None,
        typer.Option(
            "--token", envvar="FHIRTRIAL_CONFORMANCE_TOKEN", help="Bearer token for every request."
        ),
    ] = None,
) -> None:
    """Run FHIR TestScripts (by default the shipped conformance/testscripts/) against BASE_URL,
    print a pass/fail table, and exit 1 when any test fails."""
    from rich.console import Console

    from fhirtrial.testscript.report import print_report
    from fhirtrial.testscript.runner import run_scripts
    from fhirtrial.testscript.scripts import load_scripts, shipped_scripts_dir

    try:
        chosen = load_scripts(scripts_dir or shipped_scripts_dir(), script)
    except ValueError as error:
        typer.echo(f"fhirtrial: {error}", err=True)
        raise typer.Exit(2) from error
    if not chosen:
        typer.echo("fhirtrial: no TestScript to run", err=True)
        raise typer.Exit(2)
    results = run_scripts(chosen, base_url, token=token)
    print_report(results, base_url, Console(width=160))
    raise typer.Exit(1 if any(result.failed for result in results) else 0)


@app.command(cls=FlagCommand)
def demo(
    host: Annotated[
        str, typer.Option(help="Loopback interface to listen on (nothing else is accepted).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
    data_dir: Annotated[
        Path | None,
        typer.Option(
            "--data-dir",
            file_okay=False,
            help="Where the demo database lives (default: a new temporary directory).",
        ),
    ] = None,
) -> None:
    """Open the trial finder app on a throw-away local server: authorization off, loopback
    only, example trials and patients loaded; prints the URL to open."""
    import shutil
    import signal

    import uvicorn

    from fhirtrial.api.app import create_app
    from fhirtrial.app.demo import NotLoopback, demo_settings, demo_url, load_demo_catalog

    try:
        settings = demo_settings(host, port, data_dir)
    except NotLoopback as error:
        typer.echo(f"fhirtrial: {error}", err=True)
        raise typer.Exit(2) from error
    typer.echo(f"Demo data in {settings.data_dir} (authorization off; loopback only)")
    failed = _run(load_demo_catalog(settings))
    if failed:
        typer.echo(f"WARNING: {failed} demo studies could not be imported", err=True)
    typer.echo(f"Open the trial finder: {demo_url(settings)}")
    # uvicorn re-raises the signal that stopped it through the previous handler: SIGTERM then
    # arrives as KeyboardInterrupt, like Ctrl+C, and the demo's directory is still deleted.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        uvicorn.run(
            create_app(settings),
            host=host,
            port=port,
            log_level="warning",
            proxy_headers=False,
        )
    finally:
        if data_dir is None:  # the temporary directory is the demo's own
            shutil.rmtree(settings.data_dir, ignore_errors=True)
