"""A client of the app whose requests can name their caller, and reading the audit trail back.

Until the authorization layer sets the caller from a verified token, `NamedCaller` (test only)
sets it from `X-Test-*` headers through `set_principal`, the same interface that layer uses. The
transport reports the client's socket address as 10.1.2.3, so the tests can tell it from any
address a header could claim.
"""

import base64
import contextlib
from collections.abc import AsyncIterator
from typing import Any

import httpx
from fastapi import FastAPI
from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from fhirtrial.api.app import create_app
from fhirtrial.auth.principal import Principal, set_principal
from fhirtrial.config import Settings
from tests.helpers import FHIR_JSON, assert_valid_fhir

CLIENT_ADDRESS = "10.1.2.3"
CLIENT_ID_SYSTEM = "https://fhirtrial.org/fhir/sid/client-id"
ISSUER = "https://auth.hospital.example"
DCM = "http://dicom.nema.org/resources/ontology/DCM"


class NamedCaller:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            headers = {k.decode(): v.decode() for k, v in scope["headers"]}
            if "x-test-client" in headers:
                set_principal(
                    Request(scope),
                    Principal(
                        client_id=headers["x-test-client"],
                        subject=headers.get("x-test-user"),
                        fhir_user=headers.get("x-test-fhir-user"),
                        issuer=ISSUER,
                        token_id=headers.get("x-test-token-id"),
                    ),
                )
        await self.app(scope, receive, send)


def caller(client: str, user: str | None = None, fhir_user: str | None = None) -> dict[str, str]:
    headers = {"X-Test-Client": client, "X-Test-Token-Id": f"jti-{client}"}
    if user:
        headers["X-Test-User"] = user
    if fhir_user:
        headers["X-Test-Fhir-User"] = fhir_user
    return headers


@contextlib.asynccontextmanager
async def audited_app(settings: Settings) -> AsyncIterator[tuple[httpx.AsyncClient, FastAPI]]:
    app = create_app(settings)
    app.add_middleware(NamedCaller)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, client=(CLIENT_ADDRESS, 50123))
        async with httpx.AsyncClient(transport=transport, base_url="http://fhir.test") as client:
            yield client, app
        await app.state.context.repository.database.client.drop_database(settings.database)


async def trail(client: httpx.AsyncClient, **params: Any) -> list[dict[str, Any]]:
    """The AuditEvents a search finds (newest first), each checked as valid FHIR R5."""
    response = await client.get("/AuditEvent", params={"_sort": "-date", "_count": 200, **params})
    assert response.status_code == 200, response.text
    events = [entry["resource"] for entry in response.json().get("entry", [])]
    for event in events:
        assert_valid_fhir(event)
    return events


def of_interaction(events: list[dict[str, Any]], code: str) -> list[dict[str, Any]]:
    return [e for e in events if e["code"]["coding"][0]["code"] == code]


def not_audit_reads(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Without the events that record reads of the audit trail itself."""
    return [e for e in events if not any(c["coding"][0]["code"] == "110101" for c in e["category"])]


def agent(event: dict[str, Any], dicom_code: str) -> dict[str, Any]:
    return next(a for a in event["agent"] if a["type"]["coding"][0]["code"] == dicom_code)


def requestor(event: dict[str, Any]) -> dict[str, Any]:
    return next(a for a in event["agent"] if a["requestor"])


def entity_references(event: dict[str, Any]) -> list[str]:
    whats = [e["what"] for e in event.get("entity", []) if "what" in e]
    return [what["reference"] for what in whats if "reference" in what]


def decoded_query(event: dict[str, Any]) -> str:
    query = next(e["query"] for e in event["entity"] if "query" in e)
    return base64.b64decode(query).decode()


def outcome_code(event: dict[str, Any]) -> str:
    code: str = event["outcome"]["code"]["code"]
    return code


async def create(client: httpx.AsyncClient, resource: dict, **headers: str) -> dict:
    response = await client.post(
        f"/{resource['resourceType']}", json=resource, headers={**FHIR_JSON, **headers}
    )
    assert response.status_code == 201, response.text
    created: dict = response.json()
    return created


def patient(mrn: str, **fields: Any) -> dict:
    return {
        "resourceType": "Patient",
        "identifier": [{"system": "urn:oid:2.16.840.1.113883.19.5", "value": mrn}],
        "name": [{"family": "Doe", "given": ["Alex"]}],
        "birthDate": "1965-04-12",
        **fields,
    }


def research_subject(patient_id: str, study: str = "NCT05361174") -> dict:
    return {
        "resourceType": "ResearchSubject",
        "status": "active",
        "study": {"reference": f"ResearchStudy/{study}"},
        "subject": {"reference": f"Patient/{patient_id}"},
    }
