"""What a request handler needs from the running server, kept on `app.state`."""

from dataclasses import dataclass

from starlette.requests import Request

from fhirtrial.audit.log import AuditLog
from fhirtrial.config import Settings
from fhirtrial.matching.service import MatchService
from fhirtrial.store.repository import Repository


@dataclass
class ServerContext:
    settings: Settings
    repository: Repository
    matching: MatchService
    audit: AuditLog


def context(request: Request) -> ServerContext:
    server: ServerContext = request.app.state.context
    return server


def base_url(request: Request) -> str:
    configured = context(request).settings.base_url
    if configured:
        return configured.rstrip("/")
    return str(request.base_url).rstrip("/")
