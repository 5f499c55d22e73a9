"""Who calls the hook service: with `FHIRTRIAL_AUTH=required`, a CDS client of
`FHIRTRIAL_CDS_CLIENTS` proving itself with the JWT it signed for this call (CDS Hooks 2.0)."""

from __future__ import annotations

from pymongo.errors import ConnectionFailure
from starlette.requests import Request

from fhirtrial.api.smart.authority import auth_database, authority
from fhirtrial.auth.cds_clients import CdsClients
from fhirtrial.auth.errors import InvalidToken, MissingToken
from fhirtrial.auth.jose import TokenProblem
from fhirtrial.auth.principal import set_principal
from fhirtrial.errors import DatabaseUnavailable


def cds_clients(request: Request) -> CdsClients:
    clients: CdsClients = request.app.state.cds_clients
    return clients


async def authenticate_cds_client(request: Request, audiences: list[str]) -> None:
    """Sets the caller, or raises 401; nothing is asked when authorization is off."""
    if not authority(request).required:
        return
    found = request.headers.get("authorization")
    if found is None:
        raise MissingToken(
            "A CDS Hooks call needs the CDS client's signed JWT (Authorization: Bearer <JWT>)"
        )
    scheme, _, token = found.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise InvalidToken("The Authorization header must be 'Bearer <JWT>'")
    try:
        caller = await cds_clients(request).caller(
            token, audience=audiences, db=auth_database(request)
        )
    except TokenProblem as problem:
        raise InvalidToken(str(problem)) from None
    except ConnectionFailure:
        raise DatabaseUnavailable() from None
    set_principal(request, caller)
