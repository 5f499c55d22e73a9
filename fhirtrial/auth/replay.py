"""One use per signed JWT: its `jti` is remembered, in the database every server process shares,
until the JWT expires (a backend client's assertion, a CDS client's call)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from fhirtrial.auth.jose import LEEWAY_S


async def first_use(
    db: AsyncDatabase[dict[str, Any]], collection: str, key: str, exp: float
) -> bool:
    """Records `key` (issuer or client, and jti) until `exp` plus the leeway; False when it was
    already recorded and has not expired: a replay."""
    seen = db[collection]
    await seen.delete_many({"until": {"$lt": datetime.now(UTC)}})
    until = datetime.fromtimestamp(exp, UTC) + timedelta(seconds=LEEWAY_S)
    try:
        await seen.insert_one({"_id": key, "until": until})
    except DuplicateKeyError:
        return False
    return True
