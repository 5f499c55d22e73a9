"""What the `fhirtrial client …` and `fhirtrial rotate-signing-key` commands do, as functions
(the CLI runs them on the configured database; tests call them directly)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from fhirtrial.auth.clients import Client, ClientRegistry, RegistrationError
from fhirtrial.auth.scopes import split_scope_string
from fhirtrial.auth.signing_keys import SigningKeys


def key_source(source: str) -> tuple[dict[str, Any] | None, str | None]:
    """(JWKS, None) read from a file, or (None, URL) for a JWKS fetched at token time."""
    if source.startswith(("https://", "http://")):
        return None, source
    path = Path(source)
    try:
        return json.loads(path.read_text(encoding="utf-8")), None
    except OSError as error:
        raise RegistrationError(f"cannot read {path}: {error.strerror}") from None
    except ValueError:
        raise RegistrationError(f"{path} is not JSON") from None


async def add_client(
    db: AsyncDatabase[dict[str, Any]], name: str, jwks_source: str, scopes: list[str]
) -> Client:
    """Register a backend client; each `scopes` item may hold several space-separated ones."""
    jwks, jwks_uri = key_source(jwks_source)
    wanted = [s for item in scopes for s in split_scope_string(item)]
    return await ClientRegistry(db).add(name, wanted, jwks=jwks, jwks_uri=jwks_uri)


async def rotate_signing_key(db: AsyncDatabase[dict[str, Any]]) -> str:
    return await SigningKeys().rotate(db)
