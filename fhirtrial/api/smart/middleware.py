"""The resource server's gate: who is calling (a verified bearer token, or nobody) and whether
the interaction on that resource type is allowed, before any handler runs.

Compartment confinement and the checks that need a request's parameters (`_include`, the
`$match` patient) happen later, in `fhirtrial.api.smart.guards`, where those are parsed.
"""

from __future__ import annotations

from pymongo.errors import ConnectionFailure
from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from fhirtrial.api.context import base_url
from fhirtrial.api.responses import fhir_response
from fhirtrial.api.smart.authority import auth_database, authority
from fhirtrial.auth.classify import classify, route_path
from fhirtrial.auth.errors import InvalidToken, MissingToken
from fhirtrial.auth.jose import TokenProblem
from fhirtrial.auth.policy import authorize
from fhirtrial.auth.principal import ANONYMOUS, Principal, set_principal
from fhirtrial.errors import DatabaseUnavailable, FHIRError
from fhirtrial.resources.outcome import operation_outcome


class AuthorizationMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        interaction = classify(scope["method"], route_path(scope))
        if interaction is None:  # public, or answered 404/405 by the router
            await self.app(scope, receive, send)
            return
        request = Request(scope, receive)
        try:
            caller = await authenticate(request)
            set_principal(request, caller)
            if interaction.is_system:
                pass  # the handler authorizes each type it searches (guards.searchable_types)
            elif interaction.permission is not None:
                authorize(caller, interaction.resource_type, interaction.permission)
            elif caller.anonymous:
                raise MissingToken(f"Operations on {interaction.resource_type} need a bearer token")
        except FHIRError as error:
            response = fhir_response(
                request, operation_outcome(error.issues), status=error.status, headers=error.headers
            )
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)


async def authenticate(request: Request) -> Principal:
    """The caller a bearer token proves, or the anonymous caller when there is no token."""
    header = request.headers.get("authorization")
    if header is None:
        return ANONYMOUS
    scheme, _, token = header.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise InvalidToken("The Authorization header must be 'Bearer <access token>'")
    try:
        return await authority(request).verifier.principal(
            token, db=auth_database(request), base=base_url(request)
        )
    except TokenProblem as problem:
        raise InvalidToken(str(problem)) from None
    except ConnectionFailure:
        raise DatabaseUnavailable() from None
