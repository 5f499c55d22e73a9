"""Backend clients registered with the built-in authorization server (SMART Backend Services):
a name, the public keys its assertions are signed with (a JWKS, or the URL of one) and the
`system/` scopes it may be granted."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from fhirtrial.auth.jose import ALGORITHMS, TokenProblem, public_key
from fhirtrial.auth.scopes import parse_scope

COLLECTION = "_auth_clients"


class RegistrationError(ValueError):
    """A client that cannot be registered as given, in words for the operator."""


@dataclass(frozen=True)
class Client:
    client_id: str
    name: str
    scopes: tuple[str, ...]
    jwks: dict[str, Any] | None
    jwks_uri: str | None
    created: datetime

    @classmethod
    def from_document(cls, doc: dict[str, Any]) -> Client:
        return cls(
            doc["_id"],
            doc["name"],
            tuple(doc["scopes"]),
            doc.get("jwks"),
            doc.get("jwks_uri"),
            doc["created"],
        )


def checked_scopes(scopes: list[str]) -> list[str]:
    """Backend clients act for no user or patient: only resource-level `system/` scopes."""
    if not scopes:
        raise RegistrationError("give at least one scope, e.g. --scope 'system/*.rs'")
    for text in scopes:
        scope = parse_scope(text)
        if scope is None or scope.context != "system":
            raise RegistrationError(
                f"'{text}' is not a system/ scope (e.g. system/*.rs, system/Patient.cruds)"
            )
        if scope.query:
            raise RegistrationError(f"'{text}': granular scopes (?param=value) are not supported")
    return scopes


def checked_jwks(jwks: Any) -> dict[str, Any]:
    """A public JWK set with at least one key usable for client assertions."""
    keys = jwks.get("keys") if isinstance(jwks, dict) else None
    if not isinstance(keys, list) or not keys:
        raise RegistrationError("the JWKS must be a JSON object with a non-empty 'keys' list")
    usable = 0
    for jwk in keys:
        if not isinstance(jwk, dict) or not isinstance(jwk.get("kid"), str):
            raise RegistrationError("every key of the JWKS needs a 'kid'")
        if "d" in jwk or "p" in jwk:
            raise RegistrationError(
                f"key '{jwk['kid']}' holds a private key: register the public JWKS only"
            )
        for alg in ALGORITHMS:
            try:
                public_key(jwk, alg)
            except TokenProblem:
                continue
            usable += 1
            break
    if not usable:
        raise RegistrationError(f"no key of the JWKS can verify {', '.join(ALGORITHMS)}")
    return {"keys": keys}


class ClientRegistry:
    def __init__(self, db: AsyncDatabase[dict[str, Any]]) -> None:
        self.collection = db[COLLECTION]

    async def add(
        self,
        name: str,
        scopes: list[str],
        *,
        jwks: dict[str, Any] | None = None,
        jwks_uri: str | None = None,
    ) -> Client:
        if (jwks is None) == (jwks_uri is None):
            raise RegistrationError("give the client's public keys: a JWKS or a JWKS URL")
        if jwks_uri is not None and not jwks_uri.startswith("https://"):
            raise RegistrationError("a JWKS URL must use https")
        if await self.collection.find_one({"name": name}) is not None:
            raise RegistrationError(f"a client named '{name}' is already registered")
        document = {
            "_id": secrets.token_urlsafe(16),
            "name": name,
            "scopes": checked_scopes(scopes),
            "jwks": checked_jwks(jwks) if jwks is not None else None,
            "jwks_uri": jwks_uri,
            "created": datetime.now(UTC),
        }
        await self.collection.insert_one(document)
        return Client.from_document(document)

    async def get(self, client_id: str) -> Client | None:
        found = await self.collection.find_one({"_id": client_id})
        return Client.from_document(found) if found else None

    async def all(self) -> list[Client]:
        return [Client.from_document(d) async for d in self.collection.find().sort("created")]

    async def remove(self, id_or_name: str) -> bool:
        result = await self.collection.delete_many(
            {"$or": [{"_id": id_or_name}, {"name": id_or_name}]}
        )
        return result.deleted_count > 0
