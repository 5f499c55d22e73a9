"""Bearer token → Principal: which issuer, which key, and what the verified claims say.

Two issuers are trusted: the built-in authorization server (`{base}/auth`, keys in the
database) and, when configured, one external issuer (`FHIRTRIAL_AUTH_ISSUER`, keys from its
discovered `jwks_uri`, tokens for `FHIRTRIAL_AUTH_AUDIENCE`). The unverified `iss` only picks
which keys to check the signature with; every claim is then verified against them.
"""

from __future__ import annotations

from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from fhirtrial.auth.jose import TokenProblem, header, unverified_claims, verify
from fhirtrial.auth.principal import Principal
from fhirtrial.auth.remote_keys import RemoteKeySet
from fhirtrial.auth.scopes import split_scope_string
from fhirtrial.auth.signing_keys import SigningKeys


def own_issuer(base: str) -> str:
    return f"{base}/auth"


class TokenVerifier:
    def __init__(
        self,
        signing_keys: SigningKeys,
        *,
        external: RemoteKeySet | None = None,
        external_issuer: str | None = None,
        external_audience: str | None = None,
    ) -> None:
        self.signing_keys = signing_keys
        self.external = external
        self.external_issuer = external_issuer
        self.external_audience = external_audience

    async def principal(self, token: str, *, db: AsyncDatabase[Any], base: str) -> Principal:
        alg, kid = header(token)
        issuer = unverified_claims(token).get("iss")
        if issuer == own_issuer(base):
            key = await self.signing_keys.verification_key(db, kid, alg)
            audience = base
        elif (
            self.external is not None
            and self.external_audience is not None
            and issuer == self.external_issuer
        ):
            key = await self.external.key(kid, alg)
            audience = self.external_audience
        else:
            raise TokenProblem(f"Tokens from the issuer '{str(issuer)[:100]}' are not accepted")
        claims = verify(
            token, key, alg, audience=audience, issuer=issuer, required=("exp", "iss", "aud")
        )
        return principal_from_claims(claims)


def principal_from_claims(claims: dict[str, Any]) -> Principal:
    def text(name: str) -> str | None:
        value = claims.get(name)
        return value if isinstance(value, str) and value else None

    scopes: list[str] = []
    if isinstance(claims.get("scope"), str):
        scopes = split_scope_string(claims["scope"])
    elif isinstance(claims.get("scp"), list):  # Azure AD, Okta
        scopes = [s for s in claims["scp"] if isinstance(s, str)]
    subject = text("sub")
    client_id = text("client_id") or text("azp") or subject
    return Principal(
        client_id=client_id,
        subject=subject if subject != client_id else None,
        fhir_user=text("fhirUser"),
        issuer=text("iss"),
        scopes=tuple(scopes),
        patient=text("patient"),
        token_id=text("jti"),
    )
