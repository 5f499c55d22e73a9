"""Who may call operations that change the catalog.

With FHIRTRIAL_ADMIN_TOKEN set (and not blank), such calls need `Authorization: Bearer <token>`.
Without it, only clients on the loopback interface are trusted (a developer's own machine), by
the socket's address: the server does not read forwarded headers (`fhirtrial serve` runs uvicorn
without proxy headers), so "X-Forwarded-For: localhost" proves nothing.
"""

import hmac

from starlette.requests import Request

from fhirtrial.api.context import context
from fhirtrial.errors import FHIRError

# Addresses of the loopback interface as the socket reports them (never a name a forwarded
# header could carry, such as "localhost").
_LOOPBACK = {"127.0.0.1", "::1"}


class Unauthorized(FHIRError):
    def __init__(self, message: str) -> None:
        super().__init__(
            401, "login", message, headers={"WWW-Authenticate": 'Bearer realm="fhirtrial"'}
        )


class Forbidden(FHIRError):
    def __init__(self, message: str) -> None:
        super().__init__(403, "forbidden", message)


def require_admin(request: Request) -> None:
    token = (context(request).settings.admin_token or "").strip()
    if not token:  # unset, or set to nothing: an empty token must never match an empty header
        host = request.client.host if request.client else ""
        if host not in _LOOPBACK:
            raise Forbidden(
                "Catalog operations are only open to loopback clients unless "
                "FHIRTRIAL_ADMIN_TOKEN is configured"
            )
        return
    header = request.headers.get("authorization", "")
    scheme, _, supplied = header.partition(" ")
    supplied = supplied.strip()
    if scheme.lower() != "bearer" or not supplied:
        raise Unauthorized("This operation needs an administrator bearer token")
    if not hmac.compare_digest(supplied.encode(), token.encode()):
        raise Forbidden("The bearer token is not an administrator token")
