"""The caller of one request, as the authorization layer established it.

Everything downstream (audit, rate limits, compartment checks) reads the caller from here and
never from headers: `principal(request)` is the anonymous caller until a verified bearer token
says otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import Request


@dataclass(frozen=True)
class Principal:
    # The OAuth client the token was issued to (`client_id`, else `azp`, else `sub` of a
    # backend client); None for an anonymous caller.
    client_id: str | None = None
    # The end user (`sub` of a user token; `fhirUser` when the issuer gives it).
    subject: str | None = None
    fhir_user: str | None = None
    issuer: str | None = None
    # The scopes granted, as the token states them ("patient/ResearchSubject.rs", "system/*.read").
    scopes: tuple[str, ...] = ()
    # The launch patient of a SMART patient-level token (the `patient` claim).
    patient: str | None = None
    # The token's `jti`, for audit trails.
    token_id: str | None = None

    @property
    def anonymous(self) -> bool:
        return self.client_id is None and self.subject is None


ANONYMOUS = Principal()


def principal(request: Request) -> Principal:
    """The caller of `request`: set by the authorization layer, anonymous otherwise."""
    found = getattr(request.state, "principal", None)
    return found if isinstance(found, Principal) else ANONYMOUS


def set_principal(request: Request, caller: Principal) -> None:
    request.state.principal = caller
