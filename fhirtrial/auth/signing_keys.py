"""The built-in authorization server's signing keys, kept in the database.

In the database rather than a file in the data directory so that every server process on one
database signs and verifies with the same keys (several instances behind a load balancer, the
CLI rotating the key of a running server), and a backup holds keys and registered clients
together. The first key is created on first use; `fhirtrial rotate-signing-key` makes a new one
and retires the old, whose public half stays published for a day so tokens it signed keep
verifying until they expire.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm
from pymongo import DESCENDING
from pymongo.asynchronous.database import AsyncDatabase

from fhirtrial.auth.jose import TokenProblem, public_key

COLLECTION = "_auth_signing_keys"
ALGORITHM = "RS256"
RETIRED_KEPT = timedelta(days=1)
# How long this process trusts its copy of the keys (a rotation by another process is seen
# within this time), and how often an unknown `kid` may make it look again.
CACHE_S = 60
RELOAD_FOR_UNKNOWN_KID_S = 5

Document = dict[str, Any]


def new_key_document(now: datetime) -> Document:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    kid = secrets.token_urlsafe(12)
    public_jwk: dict[str, Any] = RSAAlgorithm.to_jwk(private.public_key(), as_dict=True)
    public_jwk |= {"kid": kid, "alg": ALGORITHM, "use": "sig"}
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return {
        "_id": kid,
        "private_pem": pem.decode(),
        "public_jwk": public_jwk,
        "created": now,
        "retired": None,
    }


class SigningKeys:
    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._documents: list[Document] = []
        self._loaded_at: float | None = None

    async def sign(self, db: AsyncDatabase[Document], claims: dict[str, Any]) -> str:
        key = await self._active(db)
        return jwt.encode(
            claims, key["private_pem"], algorithm=ALGORITHM, headers={"kid": key["_id"]}
        )

    async def jwks(self, db: AsyncDatabase[Document]) -> dict[str, Any]:
        await self._active(db)  # the first key is created before it is published
        return {"keys": [d["public_jwk"] for d in self._documents]}

    async def verification_key(self, db: AsyncDatabase[Document], kid: str, alg: str) -> jwt.PyJWK:
        found = self._find(kid) if self._fresh(CACHE_S) else None
        if found is None and not self._fresh(RELOAD_FOR_UNKNOWN_KID_S):
            await self._load(db)
            found = self._find(kid)
        if found is None:
            raise TokenProblem(f"The token names an unknown signing key '{kid}'")
        return public_key(found["public_jwk"], alg)

    async def rotate(self, db: AsyncDatabase[Document]) -> str:
        now = datetime.now(UTC)
        document = new_key_document(now)
        await db[COLLECTION].insert_one(document)
        await db[COLLECTION].update_many(
            {"_id": {"$ne": document["_id"]}, "retired": None}, {"$set": {"retired": now}}
        )
        await db[COLLECTION].delete_many({"retired": {"$lt": now - RETIRED_KEPT}})
        self._loaded_at = None
        return str(document["_id"])

    async def _active(self, db: AsyncDatabase[Document]) -> Document:
        if not self._fresh(CACHE_S):
            await self._load(db)
        active = [d for d in self._documents if d["retired"] is None]
        if not active:
            await db[COLLECTION].insert_one(new_key_document(datetime.now(UTC)))
            await self._load(db)
            active = [d for d in self._documents if d["retired"] is None]
        return active[0]

    async def _load(self, db: AsyncDatabase[Document]) -> None:
        kept_since = datetime.now(UTC) - RETIRED_KEPT
        cursor = db[COLLECTION].find().sort("created", DESCENDING)
        self._documents = [
            d async for d in cursor if d["retired"] is None or d["retired"] >= kept_since
        ]
        self._loaded_at = self.clock()

    def _fresh(self, seconds: float) -> bool:
        return self._loaded_at is not None and self.clock() - self._loaded_at < seconds

    def _find(self, kid: str) -> Document | None:
        return next((d for d in self._documents if d["_id"] == kid), None)
