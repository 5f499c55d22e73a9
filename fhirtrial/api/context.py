"""What a request handler needs from the running server, kept on `app.state`."""

from dataclasses import dataclass

from starlette.requests import Request

from fhirtrial.config import Settings
from fhirtrial.matching.service import MatchService
from fhirtrial.store.repository import Repository


@dataclass
class ServerContext:
    settings: Settings
    repository: Repository
    matching: MatchService


def context(request: Request) -> ServerContext:
    return request.app.state.context


def base_url(request: Request) -> str:
    configured = request.app.state.context.settings.base_url
    if configured:
        return configured.rstrip("/")
    return str(request.base_url).rstrip("/")
