"""The shipped TestScripts (conformance/testscripts/): valid R5, covering every interaction the
CapabilityStatement claims, and green when `fhirtrial conformance` runs them against a real
server (uvicorn on a local port); the runner reports failures, errors and skipped tests."""

import asyncio
import json
import re
from pathlib import Path
from typing import Any

import httpx
import pytest
from pymongo import AsyncMongoClient
from typer.testing import CliRunner

from fhirtrial.auth.clients import ClientRegistry
from fhirtrial.cli import app
from fhirtrial.config import Settings
from fhirtrial.testscript.scripts import load_scripts, shipped_scripts_dir
from tests.auth.auth_helpers import FORM, assertion_claims, jwks, rsa_key, token_request
from tests.conformance.live_server import live_server
from tests.helpers import assert_valid_fhir

SCRIPTS = load_scripts(shipped_scripts_dir())


def run_cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["conformance", *args])
    return result.exit_code, result.output


def rows(output: str) -> dict[tuple[str, str], str]:
    """(script, test) → result, read from the printed table."""
    found = {}
    for line in output.splitlines():
        cells = [cell.strip() for cell in line.strip().split("│")[1:-1]]
        if len(cells) == 5 and cells[2].isdigit():
            found[(cells[0], cells[1])] = cells[3]
    return found


@pytest.fixture(scope="module")
def server(mongo_url) -> Any:
    with live_server(mongo_url) as settings:
        yield settings.base_url


def test_every_shipped_testscript_is_valid_r5() -> None:
    assert len(SCRIPTS) >= 10
    for script in SCRIPTS:
        assert_valid_fhir(script.resource)
        assert script.path.name == f"TestScript-{script.resource['id']}.json"


def claims(capability: dict[str, Any]) -> set[str]:
    """What the CapabilityStatement says works, as the names `covered` uses."""
    rest = capability["rest"][0]
    found = {"capabilities"} | {f"system:{i['code']}" for i in rest.get("interaction", [])}
    found |= {f"operation:{o['name']}" for o in rest.get("operation", [])}
    for resource in rest["resource"]:
        found |= {i["code"] for i in resource.get("interaction", [])}
        found |= {f"operation:{o['name']}" for o in resource.get("operation", [])}
        if resource.get("conditionalCreate"):
            found.add("conditional-create")
        if resource.get("conditionalUpdate"):
            found.add("conditional-update")
        if resource.get("conditionalDelete", "not-supported") != "not-supported":
            found.add("conditional-delete")
        if resource.get("versioning") == "versioned-update":
            found.add("if-match")
        if resource.get("updateCreate"):
            found.add("update-create")
    return found


def covered(operation: dict[str, Any]) -> set[str]:
    """What one TestScript operation exercises, in the names `claims` uses."""
    code = operation.get("type", {}).get("code", "")
    url = operation.get("url", "")
    params = operation.get("params", "")
    typed = bool(operation.get("resource")) and not url.startswith(("?", "_"))
    headers = {h["field"].lower() for h in operation.get("requestHeader", [])}
    found = {f"operation:{name}" for name in re.findall(r"\$([A-Za-z-]+)", url)}
    if code in ("read", "vread", "create", "update", "delete", "patch", "capabilities"):
        found.add(code)
    if code == "updateCreate":
        found |= {"update", "update-create"}
    if code == "update" and params.startswith("?"):
        found.add("conditional-update")
    if code in ("deleteCondSingle", "deleteCondMultiple"):
        found.add("conditional-delete")
    if code in ("batch", "transaction"):
        found.add(f"system:{code}")
    if code == "search" or url.split("?")[0].endswith("_search"):
        found.add("search-type" if typed else "system:search-system")
    if code == "history":
        instance = "targetId" in operation or params.startswith("/")
        found.add(("history-instance" if instance else "history-type") if typed else "")
        found.add("" if typed else "system:history-system")
    if "if-none-exist" in headers:
        found.add("conditional-create")
    if "if-match" in headers:
        found.add("if-match")
    return found - {""}


def script_operations(resource: dict[str, Any]) -> list[dict[str, Any]]:
    sections = [resource.get("setup", {}), *resource.get("test", []), resource.get("teardown", {})]
    return [a["operation"] for s in sections for a in s.get("action", []) if "operation" in a]


async def test_the_scripts_cover_every_interaction_the_capability_statement_claims(client):
    claimed = claims((await client.get("/metadata")).json())
    exercised = {
        name
        for script in SCRIPTS
        for operation in script_operations(script.resource)
        for name in covered(operation)
    }
    assert claimed - exercised == set()
    assert {"read", "vread", "create", "update", "delete", "search-type"} <= claimed


def test_the_shipped_scripts_all_pass_against_our_server(server) -> None:
    status, output = run_cli(server)
    results = rows(output)
    assert status == 0, output
    tests = {(s.name, t["name"]) for s in SCRIPTS for t in s.resource["test"]}
    assert set(results) == tests
    failing = {key: result for key, result in results.items() if result not in ("pass", "warning")}
    assert failing == {}
    assert re.search(rf"{len(tests)} of {len(tests)} tests passed", output)


def test_scripts_can_be_chosen_by_name_id_or_file(server) -> None:
    status, output = run_cli(server, "--script", "read-vread", "-s", "Capabilities")
    assert status == 0, output
    assert {script for script, _ in rows(output)} == {"ReadVread", "Capabilities"}
    status, output = run_cli(server, "--script", "no-such-script")
    assert status == 2
    assert "no TestScript no-such-script" in output


def failing_script(tmp_path: Path) -> Path:
    """A script with a passing test, a test whose assertion is wrong, one the runner cannot
    evaluate, and one whose setup-free operation points at a fixture that does not exist."""
    folder = tmp_path / "scripts"
    folder.mkdir()
    metadata = {"operation": {"type": {"code": "capabilities"}, "encodeRequestUrl": True}}

    def check(**fields: Any) -> dict[str, Any]:
        return {"assert": {"stopTestOnFail": False, "warningOnly": False, **fields}}

    script = {
        "resourceType": "TestScript",
        "id": "deliberately-failing",
        "name": "DeliberatelyFailing",
        "status": "draft",
        "test": [
            {"name": "right", "action": [metadata, check(response="okay")]},
            {
                "name": "wrong",
                "action": [
                    metadata,
                    check(expression="CapabilityStatement.fhirVersion", value="4.0.1"),
                    check(response="okay"),
                ],
            },
            {"name": "unsupported", "action": [metadata, check(validateProfileId="p")]},
            {
                "name": "missing-fixture",
                "action": [{"operation": {**metadata["operation"], "sourceId": "nothing"}}],
            },
        ],
    }
    (folder / "TestScript-deliberately-failing.json").write_text(json.dumps(script))
    return folder


def test_a_failing_assertion_is_reported_and_fails_the_run(server, tmp_path) -> None:
    status, output = run_cli(server, "--scripts-dir", str(failing_script(tmp_path)))
    assert status == 1
    results = rows(output)
    assert results == {
        ("DeliberatelyFailing", "right"): "pass",
        ("DeliberatelyFailing", "wrong"): "fail",
        ("DeliberatelyFailing", "unsupported"): "error",
        ("DeliberatelyFailing", "missing-fixture"): "error",
    }
    assert "'5.0.0', expected equals '4.0.1'" in output
    assert "validateProfileId is not supported" in output
    assert "1 of 4 tests passed" in output


def test_a_failing_setup_skips_the_tests_and_an_unreachable_server_is_an_error(
    server, tmp_path
) -> None:
    folder = failing_script(tmp_path)
    path = folder / "TestScript-deliberately-failing.json"
    script = json.loads(path.read_text())
    script["setup"] = {
        "action": [
            {
                "operation": {
                    "type": {"code": "read"},
                    "resource": "ResearchStudy",
                    "params": "/no-such-study",
                    "encodeRequestUrl": True,
                }
            },
            {"assert": {"response": "okay", "stopTestOnFail": True, "warningOnly": False}},
        ]
    }
    path.write_text(json.dumps(script))
    status, output = run_cli(server, "--scripts-dir", str(folder))
    assert status == 1
    results = rows(output)
    assert results[("DeliberatelyFailing", "setup")] == "fail"
    assert {results[("DeliberatelyFailing", t)] for t in ("right", "wrong")} == {"skipped"}
    closed = f"http://127.0.0.1:{server.rsplit(':', 1)[1]}0"  # a port nothing listens on
    status, output = run_cli(closed, "--script", "capabilities")
    assert status == 1
    assert set(rows(output).values()) == {"error"}
    assert "ConnectError" in output


def backend_token(settings: Settings, scopes: str) -> str:
    """A token from the running server's own token endpoint for a backend client registered as
    `fhirtrial client add` does (SMART Backend Services: a signed client assertion)."""
    key = rsa_key("conformance-1", "RS384")

    async def register() -> str:
        async with AsyncMongoClient(settings.mongodb_url) as mongo:
            registered = await ClientRegistry(mongo[settings.database]).add(
                "conformance", scopes.split(), jwks=jwks(key)
            )
            return registered.client_id

    client_id = asyncio.run(register())
    token_url = f"{settings.base_url}/auth/token"
    assertion = key.sign(assertion_claims(client_id, aud=token_url))
    response = httpx.post(token_url, data=token_request(assertion, scopes), headers=FORM)
    assert response.status_code == 200, response.text
    token: str = response.json()["access_token"]
    return token


def test_a_server_that_requires_authorization_is_run_with_a_bearer_token(mongo_url) -> None:
    with live_server(mongo_url, auth="required") as settings:
        status, output = run_cli(str(settings.base_url), "-s", "create", "-s", "capabilities")
        assert status == 1
        assert rows(output)[("Create", "create")] == "fail"
        assert "status is '401', expected equals '201'" in output
        token = backend_token(settings, "system/*.cruds")
        status, output = run_cli(str(settings.base_url), "-s", "create", "--token", token)
        assert status == 0, output
        assert set(rows(output).values()) == {"pass"}


def test_autocreated_fixtures_are_created_before_and_deleted_after(server, tmp_path) -> None:
    folder = tmp_path / "scripts"
    folder.mkdir()
    identifier = {"system": "urn:test", "value": "autocreated-fixture"}
    study = {"resourceType": "ResearchStudy", "id": "s", "status": "active"}
    script = {
        "resourceType": "TestScript",
        "id": "fixtures",
        "name": "Fixtures",
        "status": "draft",
        "contained": [{**study, "identifier": [identifier]}],
        "fixture": [
            {"id": "s", "autocreate": True, "autodelete": True, "resource": {"reference": "#s"}}
        ],
        "test": [
            {
                "name": "read-fixture",
                "action": [
                    {
                        "operation": {
                            "type": {"code": "read"},
                            "targetId": "s",
                            "encodeRequestUrl": True,
                        }
                    },
                    {"assert": {"response": "okay", "stopTestOnFail": False, "warningOnly": False}},
                    {
                        "assert": {
                            "expression": "ResearchStudy.identifier.value",
                            "value": "autocreated-fixture",
                            "stopTestOnFail": False,
                            "warningOnly": False,
                        }
                    },
                ],
            }
        ],
    }
    (folder / "TestScript-fixtures.json").write_text(json.dumps(script))
    status, output = run_cli(server, "--scripts-dir", str(folder))
    assert status == 0, output
    assert rows(output) == {("Fixtures", "read-fixture"): "pass"}
    left = httpx.get(
        f"{server}/ResearchStudy", params={"identifier": "urn:test|autocreated-fixture"}
    )
    assert left.json()["total"] == 0
