"""The authorization state of one running server, kept on `app.state.auth`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase
from starlette.requests import Request

from fhirtrial.api.context import context
from fhirtrial.auth.remote_keys import RemoteKeySet
from fhirtrial.auth.signing_keys import SigningKeys
from fhirtrial.auth.verify import TokenVerifier
from fhirtrial.config import Settings


@dataclass
class Authority:
    settings: Settings
    signing_keys: SigningKeys
    verifier: TokenVerifier
    # The external issuer's keys and discovery document, when one is configured.
    external: RemoteKeySet | None = None
    # The JWKS of backend clients registered with a URL, by URL.
    client_key_sets: dict[str, RemoteKeySet] = field(default_factory=dict)

    @classmethod
    def from_settings(cls, settings: Settings) -> Authority:
        signing_keys = SigningKeys()
        external = None
        if settings.auth_issuer:
            external = RemoteKeySet(issuer=settings.auth_issuer)
        verifier = TokenVerifier(
            signing_keys,
            external=external,
            external_issuer=settings.auth_issuer,
            external_audience=settings.auth_audience,
        )
        return cls(settings, signing_keys, verifier, external)

    @property
    def required(self) -> bool:
        return self.settings.auth != "off"

    def client_key_set(self, jwks_uri: str) -> RemoteKeySet:
        if jwks_uri not in self.client_key_sets:
            self.client_key_sets[jwks_uri] = RemoteKeySet(jwks_uri=jwks_uri)
        return self.client_key_sets[jwks_uri]


def authority(request: Request) -> Authority:
    found: Authority = request.app.state.auth
    return found


def auth_database(request: Request) -> AsyncDatabase[dict[str, Any]]:
    return context(request).repository.database.db
