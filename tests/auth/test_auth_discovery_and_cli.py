"""Discovery (`/.well-known/smart-configuration`, `rest.security`), the `fhirtrial client`
commands, `FHIRTRIAL_AUTH=off`, and the end-to-end path of a backend client: registered by the
CLI's function, token from the token endpoint, `$match` with `persist=true`, the stored
ResearchSubjects read back."""

from __future__ import annotations

import json
import logging

import jwt
import respx
from typer.testing import CliRunner

from fhirtrial.api.smart.discovery import OAUTH_URIS, SECURITY_SERVICE
from fhirtrial.auth.admin import add_client
from fhirtrial.cli import app as cli
from tests.auth.auth_helpers import (
    BASE,
    FORM,
    ISSUER,
    TOKEN_URL,
    assertion_claims,
    bearer,
    database,
    jwks,
    rsa_key,
    secured_app,
    serve_identity_provider,
    token_request,
)
from tests.helpers import FHIR_JSON, assert_valid_fhir, make_settings, running_client
from tests.matching.match_patients import MRN, melanoma_patient, parameters

runner = CliRunner()


async def test_smart_configuration_describes_the_backend_services_server(mongo_url):
    async with secured_app(mongo_url) as (client, _):
        response = await client.get("/.well-known/smart-configuration")
        assert response.status_code == 200
        config = response.json()
    assert config["token_endpoint"] == TOKEN_URL
    assert config["jwks_uri"] == f"{BASE}/auth/jwks"
    assert config["token_endpoint_auth_methods_supported"] == ["private_key_jwt"]
    assert {"RS384", "ES384"} <= set(config["token_endpoint_auth_signing_alg_values_supported"])
    assert config["grant_types_supported"] == ["client_credentials"]
    assert "system/*.rs" in config["scopes_supported"]
    assert {"client-confidential-asymmetric", "permission-v2"} <= set(config["capabilities"])


async def test_the_capability_statement_declares_smart_security(mongo_url):
    async with secured_app(mongo_url, cors_origins="https://app.example") as (client, _):
        statement = (await client.get("/metadata")).json()
    assert_valid_fhir(statement)
    security = statement["rest"][0]["security"]
    assert security["cors"] is True
    assert security["service"][0]["coding"][0] == {
        "system": SECURITY_SERVICE,
        "code": "SMART-on-FHIR",
    }
    uris = next(e for e in security["extension"] if e["url"] == OAUTH_URIS)["extension"]
    assert {"url": "token", "valueUri": TOKEN_URL} in uris


async def test_an_external_issuer_s_endpoints_are_advertised(mongo_url):
    with respx.mock(assert_all_called=False) as mock:
        serve_identity_provider(mock, rsa_key())
        async with secured_app(mongo_url, auth_issuer=ISSUER, auth_audience=BASE) as (client, _):
            config = (await client.get("/.well-known/smart-configuration")).json()
            statement = (await client.get("/metadata")).json()
    assert config["authorization_endpoint"] == f"{ISSUER}/protocol/openid-connect/auth"
    assert config["token_endpoint"] == f"{ISSUER}/protocol/openid-connect/token"
    assert {"authorization_code", "client_credentials"} <= set(config["grant_types_supported"])
    assert "permission-patient" in config["capabilities"]
    assert_valid_fhir(statement)
    uris = statement["rest"][0]["security"]["extension"][0]["extension"]
    assert {e["url"] for e in uris} == {"token", "authorize"}


async def test_auth_off_is_announced_and_lets_everyone_in(mongo_url, caplog):
    with caplog.at_level(logging.WARNING, logger="fhirtrial.auth"):
        async with running_client(make_settings(mongo_url, auth="off")) as client:
            created = await client.post(
                "/Patient", json={"resourceType": "Patient"}, headers=FHIR_JSON
            )
            assert created.status_code == 201
            statement = (await client.get("/metadata")).json()
    assert "FHIRTRIAL_AUTH=off" in caplog.text
    assert "service" not in statement["rest"][0]["security"]
    assert_valid_fhir(statement)


def test_client_commands_register_list_and_remove(mongo_url, tmp_path):
    settings = make_settings(mongo_url)
    env = {"FHIRTRIAL_MONGODB_URL": mongo_url, "FHIRTRIAL_DATABASE": settings.database}
    keys = tmp_path / "jwks.json"
    keys.write_text(json.dumps(jwks(rsa_key("cli-key", "RS384"))))
    added = runner.invoke(
        cli,
        [
            "client",
            "add",
            "ehr-sync",
            "--jwks",
            str(keys),
            "--scope",
            "system/*.rs system/Patient.c",
        ],
        env=env,
    )
    assert added.exit_code == 0, added.output
    client_id = added.stdout.strip()
    assert len(client_id) >= 16
    listed = runner.invoke(cli, ["client", "list"], env=env)
    assert client_id in listed.stdout and "system/*.rs system/Patient.c" in listed.stdout
    twice = runner.invoke(
        cli, ["client", "add", "ehr-sync", "--jwks", str(keys), "--scope", "system/*.rs"], env=env
    )
    assert twice.exit_code == 1 and "already registered" in twice.stderr
    user_scope = runner.invoke(
        cli, ["client", "add", "x", "--jwks", str(keys), "--scope", "user/*.rs"], env=env
    )
    assert user_scope.exit_code == 1 and "not a system/ scope" in user_scope.stderr
    assert runner.invoke(cli, ["rotate-signing-key"], env=env).exit_code == 0
    assert runner.invoke(cli, ["client", "remove", "ehr-sync"], env=env).exit_code == 0
    assert client_id not in runner.invoke(cli, ["client", "list"], env=env).stdout
    assert runner.invoke(cli, ["client", "remove", "ehr-sync"], env=env).exit_code == 1


async def test_end_to_end_backend_client_matches_persists_and_reads_back(mongo_url, tmp_path):
    key = rsa_key("e2e", "RS384")
    keys = tmp_path / "jwks.json"
    keys.write_text(json.dumps(jwks(key)))
    async with secured_app(mongo_url, load_seeds=True) as (client, app):
        registered = await add_client(
            database(app),
            "trial-matcher",
            str(keys),
            [
                "system/Patient.cruds system/ResearchSubject.cruds",
                "system/ResearchStudy.rs system/AuditEvent.rs",
            ],
        )
        form = token_request(
            key.sign(assertion_claims(registered.client_id)),
            "system/Patient.rs system/Patient.cu system/ResearchSubject.crus system/AuditEvent.rs",
        )
        issued = await client.post("/auth/token", data=form, headers=FORM)
        assert issued.status_code == 200, issued.text
        token = issued.json()["access_token"]
        assert jwt.decode(token, options={"verify_signature": False})["scope"] == (
            "system/Patient.rs system/Patient.cu system/ResearchSubject.crus system/AuditEvent.rs"
        )
        body = parameters(
            melanoma_patient(mrn="MRN-E2E"), {"name": "persist", "valueBoolean": True}
        )
        anonymous = await client.post("/ResearchStudy/$match", json=body, headers=FHIR_JSON)
        assert anonymous.status_code == 401
        matched = await client.post(
            "/ResearchStudy/$match", json=body, headers={**FHIR_JSON, **bearer(token)}
        )
        assert matched.status_code == 200, matched.text
        subjects = [e for e in matched.json()["entry"] if e["search"]["mode"] == "match"]
        assert subjects
        patients = await client.get(
            "/Patient", params={"identifier": f"{MRN}|MRN-E2E"}, headers=bearer(token)
        )
        patient_id = patients.json()["entry"][0]["resource"]["id"]
        for entry in subjects:
            stored = await client.get(
                f"/ResearchSubject/{entry['resource']['id']}", headers=bearer(token)
            )
            assert stored.status_code == 200
            assert stored.json()["subject"]["reference"] == f"Patient/{patient_id}"
            assert stored.json()["study"] == entry["resource"]["study"]
        assert (await client.get("/ResearchSubject")).status_code == 401
        # The patient's audit trail: the $match and each read of its subjects, by this client.
        trail = await client.get(
            "/AuditEvent",
            params={"patient": f"Patient/{patient_id}", "_sort": "-date"},
            headers=bearer(token),
        )
        assert trail.status_code == 200, trail.text
        events = [e["resource"] for e in trail.json().get("entry", [])]
        assert any(e["code"].get("text") == "$match" for e in events)
        reads = [e for e in events if e["action"] == "R"]
        assert len(reads) >= len(subjects)
        for event in events:
            who = [a["who"].get("identifier", {}).get("value") for a in event["agent"]]
            assert registered.client_id in who
        assert (await client.get("/AuditEvent")).status_code == 401
