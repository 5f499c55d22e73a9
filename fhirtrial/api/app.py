"""The ASGI application: lifespan (database), routes and error handling."""

import asyncio
import contextlib
import logging
import sys
from collections.abc import AsyncIterator, Mapping
from datetime import timedelta

from fastapi import FastAPI
from pymongo.errors import (
    ConnectionFailure,
    PyMongoError,
    ServerSelectionTimeoutError,
    WriteConcernError,
)
from starlette.exceptions import HTTPException
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from fhirtrial import __version__
from fhirtrial.api import bulk_export, conditional, system, transaction
from fhirtrial.api import interactions as fhir
from fhirtrial.api.allow import allowed_methods
from fhirtrial.api.audit import AuditMiddleware
from fhirtrial.api.budget import RequestBudget, RequestTimedOut
from fhirtrial.api.cds_hooks.setup import install_cds_hooks
from fhirtrial.api.collector import freeze_what_is_alive, tuned_collector
from fhirtrial.api.context import ServerContext, context
from fhirtrial.api.limits import AuthFailureThrottle, RateLimits, SearchAdmission
from fhirtrial.api.patch import patch
from fhirtrial.api.r4_base import R4Base
from fhirtrial.api.responses import fhir_response
from fhirtrial.api.smart.setup import install_authorization
from fhirtrial.app.routes import app_routes
from fhirtrial.audit.event import Server
from fhirtrial.audit.log import AuditLog
from fhirtrial.catalog.seeds import load_seeds_if_empty
from fhirtrial.catalog.sync.periodic import PeriodicSync
from fhirtrial.catalog.sync.scope import SyncScope
from fhirtrial.config import Settings
from fhirtrial.errors import DatabaseUnavailable, FHIRError, Issue
from fhirtrial.export.runner import ExportRunner, ExportSettings
from fhirtrial.matching.plan_loading import start_warm_up
from fhirtrial.matching.rematch.periodic import PeriodicRematch
from fhirtrial.matching.service import MatchService
from fhirtrial.publication import publish
from fhirtrial.resources.outcome import operation_outcome
from fhirtrial.runtime import open_database
from fhirtrial.store.embedded import EmbeddedMongo
from fhirtrial.store.probe import DatabaseProbe
from fhirtrial.store.repository import Repository
from fhirtrial.subscriptions.setup import subscription_worker

log = logging.getLogger("fhirtrial")
_SWITCH_INTERVAL_S = 0.001

_T = "/{resource_type:str}"
_ALL_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]
ROUTES = [
    Route("/metadata", fhir.metadata, methods=["GET"]),
    Route("/health", fhir.health, methods=["GET"]),
    Route("/$versions", fhir.versions, methods=["GET"]),
    # Bulk export (api/bulk_export.py): kick-off, status (poll, cancel), files.
    Route("/$export", bulk_export.kick_off, methods=["GET", "POST"]),
    Route("/$export-status/{job:str}", bulk_export.status, methods=["GET", "DELETE"]),
    Route("/$export-file/{job:str}/{name:str}", bulk_export.download, methods=["GET"]),
    Route("/", system.search, methods=["GET"]),
    Route("/_search", system.search, methods=["POST"]),
    Route("/_history", system.history, methods=["GET"]),
    Route(f"{_T}/_search", fhir.search, methods=["POST"]),
    Route(f"{_T}/_history", fhir.history_type, methods=["GET"]),
    # Every method, so that a PUT or DELETE of an operation is its 405 (Allow: POST), not a
    # write of the id "$name".
    Route(f"{_T}/${{operation:str}}", fhir.operation, methods=_ALL_METHODS),
    Route(f"{_T}/{{rid:str}}/${{operation:str}}", fhir.operation, methods=_ALL_METHODS),
    Route(f"{_T}/{{rid:str}}/_history/{{vid:str}}", fhir.vread, methods=["GET"]),
    Route(f"{_T}/{{rid:str}}/_history", fhir.history_instance, methods=["GET"]),
    Route(f"{_T}/{{rid:str}}", fhir.read, methods=["GET"]),
    Route(f"{_T}/{{rid:str}}", fhir.update, methods=["PUT"]),
    Route(f"{_T}/{{rid:str}}", fhir.delete, methods=["DELETE"]),
    Route(f"{_T}/{{rid:str}}", patch, methods=["PATCH"]),
    Route(_T, fhir.search, methods=["GET"]),
    Route(_T, fhir.create, methods=["POST"]),
    Route(_T, conditional.update, methods=["PUT"]),
    Route(_T, conditional.delete, methods=["DELETE"]),
    Route("/", transaction.bundle, methods=["POST"]),
]

# The handlers a read-only type (AuditEvent) does not offer: left out of its `Allow` header.
WRITE_HANDLERS = frozenset(
    {fhir.create, fhir.update, fhir.delete, patch, conditional.update, conditional.delete}
)

# What a SMART app or other browser client sends and must read across origins (FHIR's
# conditional and versioned interactions, Prefer, bearer tokens).
CORS_REQUEST_HEADERS = [
    *("Authorization", "Content-Type", "Accept", "If-Match", "If-None-Match"),
    *("If-None-Exist", "If-Modified-Since", "Prefer", "X-Request-Id"),
]
CORS_EXPOSED_HEADERS = ["Location", "Content-Location", "ETag", "Last-Modified", "Retry-After"]
CORS_EXPOSED_HEADERS += ["X-Progress", "Expires"]  # a bulk export's status (api/bulk_export.py)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    logging.basicConfig(
        level=settings.log_level.upper(), format="%(levelname)s %(name)s: %(message)s"
    )

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with open_database(settings) as opened:
            database, embedded = opened.database, opened.embedded
            await publish(database)
            if settings.load_seeds:
                await load_seeds_if_empty(opened.matching)
            syncing = _periodic_sync(opened.matching, settings)
            audit = AuditLog(
                database, Server(settings.base_url), retention_days=settings.audit_retention_days
            )
            app.state.exports = ExportRunner(database, _export_settings(settings))
            await app.state.exports.prepare()
            audit.start()
            subscriptions = subscription_worker(database, settings)
            app.state.subscriptions = subscriptions
            subscriptions.start()
            app.state.exports.start()
            rematch = PeriodicRematch(opened.matching, settings.rematch_interval_s)
            rematch.start()
            app.state.context = ServerContext(
                settings,
                Repository(
                    database, max_joined=settings.max_joined, max_counted=settings.max_counted
                ),
                opened.matching,
                audit,
            )
            app.state.embedded = embedded
            app.state.sync = syncing
            if syncing is not None:
                syncing.start()
            app.state.probe = DatabaseProbe(database.url or "", settings.db_timeout_ms)
            supervisor = None if embedded is None else asyncio.create_task(_supervise(embedded))
            # The event loop shares the interpreter lock with the CPU worker (fhirtrial.offload):
            # a shorter switch interval hands it back sooner (bench/README.md, abuse load).
            switch_interval = sys.getswitchinterval()
            sys.setswitchinterval(_SWITCH_INTERVAL_S)
            warming: asyncio.Task[int] | None = None
            try:
                with tuned_collector():
                    warming = (
                        start_warm_up(opened.matching, then=freeze_what_is_alive)
                        if settings.match_warm_up
                        else None
                    )
                    yield
            finally:
                sys.setswitchinterval(switch_interval)
                await subscriptions.stop()
                await app.state.exports.stop()
                await rematch.stop()
                if warming is not None:
                    warming.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await warming
                await audit.stop()
                if syncing is not None:
                    await syncing.stop()
                if supervisor is not None:
                    supervisor.cancel()
                await app.state.probe.close()

    app = FastAPI(
        title="fhirtrial",
        version=__version__,
        lifespan=lifespan,
        openapi_url=None,
        docs_url=None,
        redoc_url=None,
        # The trial finder app's routes first: `/app` would otherwise be a search of a type.
        routes=[*app_routes(settings), *ROUTES],
    )
    install_authorization(app, settings)
    install_cds_hooks(app, settings)
    # Added after the authorization layer and before CORS: each wraps what came before, so the
    # failure throttle sees its 401/403 answers, and CORS wraps the early 503s and 429s.
    app.add_middleware(
        RequestBudget,
        budget_s=settings.request_timeout_s,
        probe=lambda: getattr(app.state, "probe", None),
    )
    app.state.limits = RateLimits(settings)
    app.state.search_admission = SearchAdmission(settings.max_concurrent_searches)
    app.add_middleware(AuthFailureThrottle, limit=app.state.limits.limits["auth-failure"])
    origins = [o.strip() for o in settings.cors_origins.split(",") if o.strip()]
    if origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=origins,
            allow_methods=["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"],
            allow_headers=CORS_REQUEST_HEADERS,
            expose_headers=CORS_EXPOSED_HEADERS,
            max_age=600,
        )
    # Added last, so outermost of ours: it also records requests the layers inside refuse.
    app.add_middleware(AuditMiddleware)
    # Outermost: requests under /r4 reach every layer as the same paths, marked as R4.
    app.add_middleware(R4Base)
    # Starlette types every handler as taking an Exception; each gets only its own type.
    app.add_exception_handler(FHIRError, _fhir_error)  # type: ignore[arg-type]
    app.add_exception_handler(HTTPException, _http_error)  # type: ignore[arg-type]
    app.add_exception_handler(PyMongoError, _database_error)  # type: ignore[arg-type]
    app.add_exception_handler(Exception, _unexpected_error)
    return app


def _periodic_sync(matching: MatchService, settings: Settings) -> PeriodicSync | None:
    """The server's catalog sync (`FHIRTRIAL_SYNC_INTERVAL`), or None when it is off; a bad
    `FHIRTRIAL_SYNC_STATUSES` stops the start with the reason."""
    if not settings.sync_interval:
        return None
    statuses = [s for s in settings.sync_statuses.split(",") if s.strip()]
    return PeriodicSync(
        matching,
        SyncScope.of(settings.sync_condition, settings.sync_query, statuses or None),
        interval_s=settings.sync_interval,
        ctgov_base_url=settings.ctgov_base_url,
        requests_per_minute=settings.ctgov_requests_per_minute,
    )


def _export_settings(settings: Settings) -> ExportSettings:
    return ExportSettings(
        retention=timedelta(hours=settings.export_retention_hours),
        file_max_resources=settings.export_file_max_resources,
        max_joined=settings.max_joined,
    )


async def _supervise(embedded: EmbeddedMongo) -> None:
    """Restart the embedded database if it dies, so the server heals without an operator."""
    while True:
        await asyncio.sleep(1)
        try:
            await asyncio.to_thread(embedded.restart_if_dead)
        except Exception:  # keep supervising; the next round tries again
            log.exception("Could not restart the embedded database")


def _outcome_response(
    request: Request, status: int, issues: list[Issue], headers: Mapping[str, str] | None = None
) -> Response:
    return fhir_response(request, operation_outcome(issues), status=status, headers=headers)


async def _fhir_error(request: Request, exc: FHIRError) -> Response:
    return _outcome_response(request, exc.status, exc.issues, exc.headers)


async def _http_error(request: Request, exc: HTTPException) -> Response:
    # Starlette's 405 names the methods of one route only; the URL may have several.
    allow = None
    if exc.status_code == 405:
        allow = allowed_methods(request, writes=WRITE_HANDLERS, post_only={fhir.operation})
        if allow is None:
            name = request.url.path.strip("/").split("/")[0]
            issue = Issue("error", "not-found", f"Resource type '{name}' is not supported")
            return _outcome_response(request, 404, [issue])
    if exc.status_code == 404:
        issue = Issue("error", "not-found", f"No FHIR endpoint at {request.url.path}")
    elif allow is not None:
        issue = Issue(
            "error", "not-supported", f"{request.method} is not supported on {request.url.path}"
        )
        return _outcome_response(
            request, 405, [issue], {**(exc.headers or {}), "Allow": ", ".join(allow)}
        )
    else:
        issue = Issue("error", "processing", str(exc.detail))
    return _outcome_response(request, exc.status_code, [issue], exc.headers)


async def _database_error(request: Request, exc: PyMongoError) -> Response:
    error = _database_outage(request, exc)
    if error is not None:
        return _outcome_response(request, error.status, error.issues, error.headers)
    log.exception("Database error on %s %s", request.method, request.url.path)
    issue = Issue("error", "exception", "The database rejected the operation")
    return _outcome_response(request, 500, [issue])


def _database_outage(request: Request, exc: PyMongoError) -> FHIRError | None:
    if isinstance(exc, ServerSelectionTimeoutError):
        return DatabaseUnavailable()
    if exc.timeout:  # the request's deadline (pymongo.timeout) passed during a database call
        return RequestTimedOut(context(request).settings.request_timeout_s, request.method)
    if isinstance(exc, ConnectionFailure):
        return DatabaseUnavailable()
    if isinstance(exc, WriteConcernError):  # applied, but not confirmed as journaled
        return DatabaseUnavailable(
            "The database did not confirm the write as durable; it may have been stored: "
            "repeat a create with If-None-Exist (conditional create) so that it cannot be "
            "stored twice; a PUT or DELETE is safe to repeat"
        )
    return None


async def _unexpected_error(request: Request, exc: Exception) -> Response:
    log.exception("Unhandled error on %s %s", request.method, request.url.path)
    issue = Issue(
        "fatal", "exception", f"Internal error ({type(exc).__name__}); see the server log"
    )
    return _outcome_response(request, 500, [issue])
