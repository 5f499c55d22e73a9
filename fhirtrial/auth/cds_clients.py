"""CDS clients (EHRs calling our CDS Hooks service) and the JWT each call carries.

CDS Hooks 2.0 ("Trusting CDS Clients"): every call bears a JWT the client signed with its
private key, `iss` naming the client, `aud` the service URL called, `exp`, `iat` and a `jti`
never used before. The operator lists the clients trusted, each with the URL of its JWK set
(`FHIRTRIAL_CDS_CLIENTS`). A `jku` in the token header is never fetched: keys come only from
the configured URL, so a token cannot point the server at keys of its own choosing.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from fhirtrial.auth.jose import LEEWAY_S, TokenProblem, header, unverified_claims, verify
from fhirtrial.auth.principal import Principal
from fhirtrial.auth.remote_keys import RemoteKeySet
from fhirtrial.auth.replay import first_use

SEEN_TOKENS = "_cds_seen_tokens"
# A hook call's JWT is made for that call: one good for longer would only be kept longer.
MAX_LIFETIME_S = 300


class CdsClients:
    def __init__(self, jwks_urls: Mapping[str, str]) -> None:
        """`jwks_urls`: issuer (the `iss` of its tokens) → the https URL of its JWK set."""
        self.key_sets = {issuer: RemoteKeySet(jwks_uri=url) for issuer, url in jwks_urls.items()}

    async def caller(
        self, token: str, *, audience: Iterable[str], db: AsyncDatabase[dict[str, Any]]
    ) -> Principal:
        """The client a hook call's JWT proves; TokenProblem (or KeysUnavailable) if none."""
        alg, kid = header(token)
        issuer = unverified_claims(token).get("iss")
        keys = self.key_sets.get(issuer) if isinstance(issuer, str) else None
        if keys is None:
            raise TokenProblem(
                f"'{str(issuer)[:100]}' is not a trusted CDS client (FHIRTRIAL_CDS_CLIENTS)"
            )
        claims = verify(
            token,
            await keys.key(kid, alg),
            alg,
            audience=list(audience),
            issuer=issuer,
            required=("exp", "iat", "iss", "aud", "jti"),
        )
        exp = float(claims["exp"])
        if exp > time.time() + MAX_LIFETIME_S + LEEWAY_S:
            raise TokenProblem("The token's exp is more than five minutes ahead")
        await _refuse_replay(db, str(issuer), str(claims["jti"]), exp)
        return Principal(client_id=issuer, issuer=issuer, token_id=str(claims["jti"]))


async def _refuse_replay(
    db: AsyncDatabase[dict[str, Any]], issuer: str, jti: str, exp: float
) -> None:
    """A token is good for one call."""
    if not await first_use(db, SEEN_TOKENS, f"{issuer} {jti}", exp):
        raise TokenProblem("The token's jti was already used: each call needs a new JWT")
