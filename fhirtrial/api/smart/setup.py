"""Wiring authorization into the app: its state, its routes and the gate."""

from __future__ import annotations

import logging
import os

from fastapi import FastAPI
from starlette.routing import Route

from fhirtrial.api.smart import discovery, token_endpoint
from fhirtrial.api.smart.authority import Authority
from fhirtrial.api.smart.middleware import AuthorizationMiddleware
from fhirtrial.config import Settings

log = logging.getLogger("fhirtrial.auth")

ROUTES = [
    Route("/.well-known/smart-configuration", discovery.smart_configuration, methods=["GET"]),
    Route("/auth/jwks", discovery.jwks, methods=["GET"]),
    # Every method, to answer OAuth's 405 rather than fall through to a FHIR route (a 404).
    Route("/auth/token", token_endpoint.token, methods=["GET", "POST", "PUT", "DELETE", "PATCH"]),
]


class ConfigurationError(ValueError):
    pass


def install_authorization(app: FastAPI, settings: Settings) -> None:
    if settings.auth_issuer and not settings.auth_audience:
        raise ConfigurationError(
            "FHIRTRIAL_AUTH_ISSUER needs FHIRTRIAL_AUTH_AUDIENCE (the aud its tokens carry)"
        )
    app.state.auth = Authority.from_settings(settings)
    # Before the FHIR routes: "/auth/token" would otherwise be read as a resource type and id.
    app.router.routes[:0] = ROUTES
    if os.environ.get("FHIRTRIAL_ADMIN_TOKEN"):
        log.warning(
            "FHIRTRIAL_ADMIN_TOKEN is no longer used: register a backend client "
            "(fhirtrial client add) with system/ scopes for $import"
        )
    if settings.auth == "off":
        log.warning(
            "FHIRTRIAL_AUTH=off: every client may read and write everything, patient data "
            "included. For local development only."
        )
        return
    app.add_middleware(AuthorizationMiddleware)
