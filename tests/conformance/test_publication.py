"""The server publishes a definition for every extension, code system and search parameter of
its own that appears in what it emits."""

import json

from fhirtrial.catalog.sources import seed_inputs
from fhirtrial.mappers.ctgov import map_study
from fhirtrial.publication import conformance_resources
from tests.helpers import DATA, assert_valid_fhir, make_settings, running_client

OUR_BASE = "https://fhirtrial.org/fhir/"


def emitted_resources() -> list[dict]:
    studies = [item.study for item in seed_inputs()]
    lines = (DATA / "ctgov" / "breast-cancer-studies.ndjson").read_text().splitlines()
    studies += [json.loads(line) for line in lines if line.strip()]
    return [r for study in studies for r in map_study(study).resources]


def _walk_all(node, found_urls: set, found_codes: set) -> None:
    if isinstance(node, dict):
        if isinstance(node.get("url"), str) and any(k.startswith("value") for k in node):
            found_urls.add(node["url"])
        if isinstance(node.get("system"), str) and "code" in node:
            found_codes.add((node["system"], node["code"]))
        for value in node.values():
            _walk_all(value, found_urls, found_codes)
    elif isinstance(node, list):
        for item in node:
            _walk_all(item, found_urls, found_codes)


def test_every_extension_and_code_of_ours_that_we_emit_is_defined():
    published = conformance_resources()
    definitions = {r["url"] for r in published if r["resourceType"] == "StructureDefinition"}
    code_systems = {
        r["url"]: {c["code"] for c in r.get("concept", [])}
        for r in published
        if r["resourceType"] == "CodeSystem"
    }
    urls, codes = set(), set()
    for resource in emitted_resources():
        _walk_all(resource, urls, codes)
    ours = {u for u in urls if u.startswith(OUR_BASE)}
    assert ours, "expected the mapped studies to use our extensions"
    assert ours <= definitions, ours - definitions
    our_codes = {(s, c) for s, c in codes if s.startswith(OUR_BASE)}
    undefined = {(s, c) for s, c in our_codes if c not in code_systems.get(s, set())}
    assert not undefined, sorted(undefined)[:10]


def test_every_code_of_our_code_systems_is_defined_once():
    # A drug named by criteria that also has a hand-made concept ("warfarin") is one code.
    for code_system in (r for r in conformance_resources() if r["resourceType"] == "CodeSystem"):
        codes = [c["code"] for c in code_system.get("concept", [])]
        assert len(codes) == len(set(codes)), code_system["url"]


def test_published_resources_are_valid_and_uniquely_identified():
    published = conformance_resources()
    for resource in published:
        assert_valid_fhir(resource)
    assert len({(r["resourceType"], r["id"]) for r in published}) == len(published)
    assert len({r["url"] for r in published}) == len(published)


async def test_the_server_serves_its_conformance_resources_and_republishing_is_a_no_op(mongo_url):
    settings = make_settings(mongo_url)
    async with running_client(settings, keep=True) as client:
        extension = await client.get("/StructureDefinition/manual-review")
        assert extension.status_code == 200
        assert extension.json()["type"] == "Extension"
        found = (
            await client.get(
                "/CodeSystem",
                params={"url": "https://fhirtrial.org/fhir/CodeSystem/ctgov-overall-status"},
            )
        ).json()
        assert found["total"] == 1
        assert "RECRUITING" in {c["code"] for c in found["entry"][0]["resource"]["concept"]}
        statement = (await client.get("/metadata")).json()
        study = next(r for r in statement["rest"][0]["resource"] if r["type"] == "ResearchStudy")
        custom = next(p for p in study["searchParam"] if p["name"] == "recruitment-status")
        parameter = await client.get("/SearchParameter", params={"url": custom["definition"]})
        assert parameter.json()["total"] == 1
        operation = next(op for op in study["operation"] if op["name"] == "import")
        definition = await client.get(
            "/OperationDefinition", params={"url": operation["definition"]}
        )
        assert definition.json()["total"] == 1
    async with running_client(settings) as client:
        history = (await client.get("/StructureDefinition/manual-review/_history")).json()
        assert history["total"] == 1
