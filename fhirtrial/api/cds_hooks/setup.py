"""Wiring the CDS Hooks service into the app: its routes (ahead of the FHIR routes, which would
read `/cds-services` as a resource type) and the trusted CDS clients."""

from __future__ import annotations

import logging

from fastapi import FastAPI
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from fhirtrial.api.cds_hooks import discovery, feedback, service
from fhirtrial.auth.cds_clients import CdsClients
from fhirtrial.config import Settings
from fhirtrial.errors import MethodNotAllowed, NotFound

log = logging.getLogger("fhirtrial.cds_hooks")
_ALL = ["GET", "POST", "PUT", "PATCH", "DELETE"]


async def _services(request: Request) -> Response:
    if request.method != "GET":
        raise MethodNotAllowed("The CDS Hooks discovery endpoint takes GET", "GET")
    return await discovery.services(request)


async def _service(request: Request) -> Response:
    _known(request)
    if request.method != "POST":
        raise MethodNotAllowed("A CDS Hooks service is called with POST", "POST")
    return await service.call(request)


async def _feedback(request: Request) -> Response:
    _known(request)
    if request.method != "POST":
        raise MethodNotAllowed("CDS Hooks feedback is sent with POST", "POST")
    return await feedback.feedback(request)


def _known(request: Request) -> None:
    name = request.path_params["service_id"]
    if name != discovery.SERVICE_ID:
        raise NotFound(f"No CDS service '{name}'; GET /cds-services lists them")


ROUTES = [
    Route("/cds-services", _services, methods=_ALL),
    Route("/cds-services/{service_id:str}", _service, methods=_ALL),
    Route("/cds-services/{service_id:str}/feedback", _feedback, methods=_ALL),
]


def install_cds_hooks(app: FastAPI, settings: Settings) -> None:
    if settings.auth != "off" and not settings.cds_clients:
        log.info(
            "CDS Hooks: no FHIRTRIAL_CDS_CLIENTS, so every hook call is refused (401) until an "
            "EHR's issuer and JWK set URL are configured"
        )
    app.state.cds_clients = CdsClients(settings.cds_clients)
    app.router.routes[:0] = ROUTES
