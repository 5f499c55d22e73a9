"""An issuer's public keys fetched over HTTP (its JWKS), cached, and refetched when a token names
a key we do not have, at most once per `min_interval_s`: a stream of tokens with invented `kid`s
costs one fetch per interval, not one per request."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import Any

import httpx
import jwt

from fhirtrial.auth.errors import KeysUnavailable
from fhirtrial.auth.jose import TokenProblem, public_key

log = logging.getLogger("fhirtrial.auth")

DISCOVERY_PATHS = ("/.well-known/openid-configuration", "/.well-known/smart-configuration")
_MAX_KEYS = 100


class RemoteKeySet:
    def __init__(
        self,
        *,
        jwks_uri: str | None = None,
        issuer: str | None = None,
        min_interval_s: float = 30,
        max_age_s: float = 3600,
        timeout_s: float = 5,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """Either the JWKS URL itself, or the issuer whose discovery document names it."""
        self.jwks_uri = jwks_uri
        self.issuer = issuer.rstrip("/") if issuer else None
        self.min_interval_s = min_interval_s
        self.max_age_s = max_age_s
        self.timeout_s = timeout_s
        self.clock = clock
        self.configuration: dict[str, Any] | None = None
        self._keys: dict[str, dict[str, Any]] = {}
        self._fetched_at: float | None = None
        self._attempted_at: float | None = None
        self._discovery_attempted_at: float | None = None
        self._lock = asyncio.Lock()

    async def key(self, kid: str, alg: str) -> jwt.PyJWK:
        jwk = self._keys.get(kid) if not self._stale() else None
        if jwk is None and self._may_fetch():
            async with self._lock:
                if (kid not in self._keys and self._may_fetch()) or self._stale():
                    await self._refresh()
            jwk = self._keys.get(kid)
        if jwk is None:
            raise TokenProblem(f"The issuer has no key '{kid}'")
        return public_key(jwk, alg)

    async def discovered(self) -> dict[str, Any]:
        """The issuer's discovery document (fetched once; retried at most once an interval)."""
        if self.configuration is None and self._due(self._discovery_attempted_at):
            async with self._lock:
                if self.configuration is None and self._due(self._discovery_attempted_at):
                    await self._discover()
        return self.configuration or {}

    def _stale(self) -> bool:
        return self._fetched_at is not None and self.clock() - self._fetched_at > self.max_age_s

    def _may_fetch(self) -> bool:
        return self._due(self._attempted_at)

    def _due(self, attempted_at: float | None) -> bool:
        return attempted_at is None or self.clock() - attempted_at >= self.min_interval_s

    async def _refresh(self) -> None:
        self._attempted_at = self.clock()
        try:
            if self.jwks_uri is None:
                await self._discover()
            if self.jwks_uri is None:
                raise KeysUnavailable(f"The issuer {self.issuer} publishes no jwks_uri")
            document = await self._get_json(self.jwks_uri)
        except (httpx.HTTPError, ValueError) as error:
            log.warning("Cannot fetch the keys of %s: %s", self.jwks_uri or self.issuer, error)
            if not self._keys:
                raise KeysUnavailable("The token issuer's keys cannot be fetched") from None
            return  # keep verifying with the keys we have
        keys = document.get("keys")
        if not isinstance(keys, list):
            raise KeysUnavailable(f"{self.jwks_uri} is not a JWK set")
        self._keys = {
            k["kid"]: k
            for k in keys[:_MAX_KEYS]
            if isinstance(k, dict) and isinstance(k.get("kid"), str)
        }
        self._fetched_at = self.clock()

    async def _discover(self) -> None:
        if self.issuer is None:
            return
        self._discovery_attempted_at = self.clock()
        for path in DISCOVERY_PATHS:
            try:
                document = await self._get_json(self.issuer + path)
            except (httpx.HTTPError, ValueError):
                continue
            if isinstance(document.get("jwks_uri"), str):
                self.configuration = document
                self.jwks_uri = document["jwks_uri"]
                return

    async def _get_json(self, url: str) -> dict[str, Any]:
        async with httpx.AsyncClient(timeout=self.timeout_s) as client:
            response = await client.get(url, headers={"Accept": "application/json"})
        response.raise_for_status()
        document = response.json()
        if not isinstance(document, dict):
            raise ValueError(f"{url} did not answer with a JSON object")
        return document
