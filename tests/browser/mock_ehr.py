"""A mock EHR for SMART launches: discovery, an authorization endpoint that approves at once,
a token endpoint (authorization code + PKCE) issuing RS256 JWTs with the launch patient, its
JWKS, and FHIR R4 reads and searches of one patient's record, with CORS as EHRs serve them.

It is a real HTTP server (uvicorn in a thread): the browser and the fhirtrial server talk to it
over the network, as they would to an EHR.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

CLIENT_ID = "fhirtrial-trial-finder"
LAUNCH_ID = "launch-7f3a"


@dataclass
class MockEHR:
    """`base` is where it listens; `fhir_base` is its FHIR endpoint and the tokens' issuer."""

    base: str
    record: dict[str, Any]
    audiences: list[str]
    key: rsa.RSAPrivateKey = field(
        default_factory=lambda: rsa.generate_private_key(public_exponent=65537, key_size=2048)
    )
    codes: dict[str, dict[str, str]] = field(default_factory=dict)
    issued: set[str] = field(default_factory=set)
    fhir_reads: list[str] = field(default_factory=list)

    @property
    def fhir_base(self) -> str:
        return f"{self.base}/fhir"

    @property
    def patient_id(self) -> str:
        return str(self.resources("Patient")[0]["id"])

    def resources(self, resource_type: str) -> list[dict[str, Any]]:
        return [
            e["resource"]
            for e in self.record["entry"]
            if e["resource"]["resourceType"] == resource_type
        ]

    def app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/fhir/.well-known/smart-configuration", self.discovery),
                Route("/fhir/metadata", self.metadata),
                Route("/auth/authorize", self.authorize),
                Route("/auth/token", self.token, methods=["POST"]),
                Route("/auth/jwks", self.jwks),
                Route("/fhir/{resource_type}/{rid}", self.read),
                Route("/fhir/{resource_type}", self.search),
            ],
            middleware=[
                Middleware(
                    CORSMiddleware,
                    allow_origins=["*"],
                    allow_headers=["Authorization", "Accept", "Content-Type"],
                    allow_methods=["GET", "POST"],
                )
            ],
        )

    async def discovery(self, request: Request) -> Response:
        return JSONResponse(
            {
                "issuer": self.fhir_base,
                "authorization_endpoint": f"{self.base}/auth/authorize",
                "token_endpoint": f"{self.base}/auth/token",
                "jwks_uri": f"{self.base}/auth/jwks",
                "grant_types_supported": ["authorization_code"],
                "code_challenge_methods_supported": ["S256"],
                "capabilities": [
                    "launch-ehr",
                    "launch-standalone",
                    "client-public",
                    "context-ehr-patient",
                    "context-standalone-patient",
                    "permission-v2",
                    "permission-user",
                ],
            }
        )

    async def metadata(self, request: Request) -> Response:
        return JSONResponse(
            {"resourceType": "CapabilityStatement", "status": "active", "fhirVersion": "4.0.1"}
        )

    async def authorize(self, request: Request) -> Response:
        """Approves at once, as a signed-in clinician would: the launch must be the one the EHR
        handed out (EHR launch) or absent with `launch/patient` asked (standalone)."""
        query = request.query_params
        problems = []
        if query.get("client_id") != CLIENT_ID:
            problems.append(f"unknown client_id {query.get('client_id')}")
        if query.get("aud") != self.fhir_base:
            problems.append(f"aud {query.get('aud')} is not {self.fhir_base}")
        if query.get("response_type") != "code" or query.get("code_challenge_method") != "S256":
            problems.append("needs response_type=code and an S256 code challenge")
        launch = query.get("launch")
        if launch is not None and launch != LAUNCH_ID:
            problems.append(f"unknown launch {launch}")
        if launch is None and "launch/patient" not in (query.get("scope") or "").split():
            problems.append("a standalone launch needs launch/patient")
        if problems:
            return JSONResponse({"error": "invalid_request", "problems": problems}, 400)
        code = secrets.token_urlsafe(16)
        self.codes[code] = {
            "redirect_uri": query["redirect_uri"],
            "challenge": query["code_challenge"],
            "scope": query.get("scope") or "",
        }
        target = f"{query['redirect_uri']}?{urlencode({'code': code, 'state': query['state']})}"
        return RedirectResponse(target, status_code=302)

    async def token(self, request: Request) -> Response:
        # application/x-www-form-urlencoded, read without Starlette's multipart dependency.
        form = {k: v[0] for k, v in parse_qs((await request.body()).decode()).items()}
        grant = self.codes.pop(str(form.get("code")), None)
        verifier = str(form.get("code_verifier") or "")
        digest = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
        if (
            grant is None
            or form.get("grant_type") != "authorization_code"
            or form.get("redirect_uri") != grant["redirect_uri"]
            or digest.rstrip(b"=").decode() != grant["challenge"]
        ):
            return JSONResponse({"error": "invalid_grant"}, 400)
        scope = " ".join(s for s in grant["scope"].split() if s not in ("openid", "fhirUser"))
        now = int(time.time())
        access_token = jwt.encode(
            {
                "iss": self.fhir_base,
                "aud": [self.fhir_base, *self.audiences],
                "sub": "Practitioner/dr-oncology",
                "client_id": CLIENT_ID,
                "scope": scope,
                "patient": self.patient_id,
                "iat": now,
                "exp": now + 600,
                "jti": secrets.token_hex(8),
            },
            self.key,
            algorithm="RS256",
            headers={"kid": "ehr-1"},
        )
        self.issued.add(access_token)
        return JSONResponse(
            {
                "access_token": access_token,
                "token_type": "Bearer",
                "expires_in": 600,
                "scope": scope,
                "patient": self.patient_id,
            }
        )

    async def jwks(self, request: Request) -> Response:
        public = RSAAlgorithm.to_jwk(self.key.public_key(), as_dict=True)
        return JSONResponse({"keys": [public | {"kid": "ehr-1", "alg": "RS256", "use": "sig"}]})

    def _authorized(self, request: Request) -> bool:
        header = request.headers.get("authorization", "")
        return header.startswith("Bearer ") and header[7:] in self.issued

    async def read(self, request: Request) -> Response:
        if not self._authorized(request):
            return JSONResponse({"resourceType": "OperationOutcome"}, 401)
        kind, rid = request.path_params["resource_type"], request.path_params["rid"]
        self.fhir_reads.append(f"{kind}/{rid}")
        for resource in self.resources(kind):
            if resource.get("id") == rid:
                return JSONResponse(resource, media_type="application/fhir+json")
        return JSONResponse({"resourceType": "OperationOutcome"}, 404)

    async def search(self, request: Request) -> Response:
        if not self._authorized(request):
            return JSONResponse({"resourceType": "OperationOutcome"}, 401)
        kind = request.path_params["resource_type"]
        patient = request.query_params.get("patient")
        self.fhir_reads.append(f"{kind}?patient={patient}")
        found = [
            r
            for r in self.resources(kind)
            if (r.get("subject") or r.get("patient") or {}).get("reference") == f"Patient/{patient}"
        ]
        bundle = {
            "resourceType": "Bundle",
            "type": "searchset",
            "total": len(found),
            "entry": [
                {"fullUrl": f"{self.fhir_base}/{kind}/{r['id']}", "resource": r} for r in found
            ],
        }
        return JSONResponse(bundle, media_type="application/fhir+json")


def ehr_record(path: Path) -> dict[str, Any]:
    """A transaction Bundle as an EHR would serve its resources: `urn:uuid:` references
    turned into `Type/id`, as a FHIR server stores them."""
    bundle = json.loads(path.read_text())
    names = {
        e["fullUrl"]: f"{e['resource']['resourceType']}/{e['resource']['id']}"
        for e in bundle["entry"]
        if e.get("fullUrl") and e["resource"].get("id")
    }
    text = json.dumps(bundle)
    for full_url, reference in names.items():
        text = text.replace(f'"{full_url}"', f'"{reference}"')
    return dict(json.loads(text))
