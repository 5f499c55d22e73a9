"""A bounded, seeded fuzz run over every interaction the server offers, authorization off: a new
500 (or hang) anywhere fails the suite.

Why hypothesis rather than schemathesis: schemathesis generates requests from an OpenAPI schema,
which a FHIR server does not serve (its contract is the CapabilityStatement, and FHIR bodies are
far from what a JSON schema of a REST API describes). Hypothesis lets the strategies start from
real FHIR — the repository's fixture resources, the seed trials, every search parameter of the
CapabilityStatement — and bend it (tests/fuzz/fuzz_strategies.py). `derandomize=True` makes each
run the same examples (a failure reproduces), no example database is written, and
`max_examples` keeps the whole directory under a minute on a shared 2-core machine.

The property (tests/fuzz/fuzz_harness.py `check_answer`): never a 5xx but a 503 with
Retry-After, every error an OperationOutcome (OAuth JSON on /auth/token), every resource emitted
valid FHIR R5, and a refused write stores nothing.

`$import` is fuzzed with study records in the body; its `nctId` fetches go to a respx mock of
ClinicalTrials.gov (one record, 404 for the rest), never to the network.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fuzz.fuzz_harness import LiveApp, Sent, check_answer, live_app
from tests.fuzz.fuzz_strategies import (
    CONTENT_TYPES,
    FHIR_JSON,
    NOT_JSON_BODIES,
    SEED_IDS,
    TYPES,
    WRITABLE_TYPES,
    WRONG_JSON,
    bent_resource,
    headers,
    json_bytes,
    minimal_resources,
    query_string,
)

FUZZ_ID = "fuzz-1"
FORM = "application/x-www-form-urlencoded"
DATA = Path(__file__).parents[1] / "data"
CTGOV_RECORD_LINES = (DATA / "ctgov" / "breast-cancer-studies.ndjson").read_bytes().splitlines()[:3]
PATIENT_BUNDLE = json.loads((DATA / "patients/codex/TrialMatching_Patient01.json").read_text())


def fuzz_settings(examples: int) -> Any:
    return settings(
        max_examples=examples,
        derandomize=True,
        database=None,
        deadline=None,
        print_blob=False,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.large_base_example,
        ],
    )


@pytest.fixture(scope="module")
def live(mongo_url: str) -> Iterator[LiveApp]:
    with live_app(mongo_url) as app:
        for name, resource in minimal_resources().items():
            body = json_bytes({**resource, "id": FUZZ_ID})
            sent = Sent("PUT", f"/{name}/{FUZZ_ID}", {"content-type": FHIR_JSON}, body)
            assert app.send(sent).status_code in (200, 201), name
        yield app


@pytest.fixture(scope="module")
def corpus(live: LiveApp) -> dict[str, list[dict[str, Any]]]:
    """Valid resources of each writable type: a minimal one, and the seed trials' own."""
    found = {name: [resource] for name, resource in minimal_resources().items()}
    for name in ("ResearchStudy", "PlanDefinition", "EvidenceVariable", "Location"):
        bundle = live.send(Sent("GET", f"/{name}?_count=3&_sort=_id")).json()
        found[name] += [entry["resource"] for entry in bundle.get("entry", [])]
    return found


def _ids() -> st.SearchStrategy[str]:
    return st.sampled_from((*SEED_IDS, FUZZ_ID, "missing", "a" * 65, "é", "%2e%2e", "1" * 300))


def _type_or_bogus(types: list[str]) -> st.SearchStrategy[str]:
    return st.sampled_from(types) | st.sampled_from(("Foo", "patient", "%20", "Patient%00", "$x"))


def _exchange(live: LiveApp, sent: Sent) -> Any:
    response = live.send(sent)
    check_answer(sent, response)
    return response


@fuzz_settings(examples=250)
@given(data=st.data())
def test_searches_reads_and_history_never_fail(live: LiveApp, data: st.DataObject) -> None:
    resource_type = data.draw(st.sampled_from(TYPES))
    rid = data.draw(_ids())
    query = data.draw(query_string(resource_type))
    kind = data.draw(
        st.sampled_from(("search", "search", "post-search", "read", "vread", "history"))
    )
    hdrs = data.draw(headers(body=False))
    body = None
    if kind == "search":
        url = f"/{resource_type}?{query}"
    elif kind == "post-search":
        url = f"/{resource_type}/_search"
        if data.draw(st.booleans()):
            url += "?" + data.draw(query_string(resource_type))
        hdrs["content-type"] = data.draw(st.sampled_from((FORM,) * 4 + CONTENT_TYPES))
        body = query.encode()
    elif kind == "read":
        url = f"/{resource_type}/{rid}"
    elif kind == "vread":
        vid = data.draw(st.sampled_from(("1", "2", "0", "-1", "x", str(2**64), "")))
        url = f"/{resource_type}/{rid}/_history/{vid}"
    else:
        instance = f"/{rid}" if data.draw(st.booleans()) else ""
        url = f"/{resource_type}{instance}/_history?{query}"
    method = "POST" if body is not None else data.draw(st.sampled_from(("GET",) * 5 + ("HEAD",)))
    _exchange(live, Sent(method, url, hdrs, body))


@fuzz_settings(examples=200)
@given(data=st.data())
def test_refused_writes_store_nothing(
    live: LiveApp, corpus: dict[str, list[dict[str, Any]]], data: st.DataObject
) -> None:
    resource_type = data.draw(_type_or_bogus(WRITABLE_TYPES))
    known = resource_type in corpus
    kind = data.draw(st.sampled_from(("create", "conditional", "update", "update", "delete")))
    rid = data.draw(_ids())
    if known and data.draw(st.integers(0, 5)):
        resource = data.draw(bent_resource(data.draw(st.sampled_from(corpus[resource_type]))))
        if kind == "update" and data.draw(st.booleans()) and isinstance(resource, dict):
            resource["id"] = rid
        body = json_bytes(resource)
    else:
        body = data.draw(NOT_JSON_BODIES | WRONG_JSON.map(json_bytes))
    hdrs = data.draw(headers(body=True))
    if kind == "conditional":
        hdrs["if-none-exist"] = data.draw(query_string(resource_type if known else "Patient"))
    method, url = {
        "create": ("POST", f"/{resource_type}"),
        "conditional": ("POST", f"/{resource_type}"),
        "update": ("PUT", f"/{resource_type}/{rid}"),
        "delete": ("DELETE", f"/{resource_type}/{rid}"),
    }[kind]
    sent = Sent(method, url, hdrs, None if kind == "delete" else body)
    before = live.versions_written(resource_type) if known else 0
    response = _exchange(live, sent)
    if known and response.status_code >= 400:
        assert live.versions_written(resource_type) == before, f"stored: {sent.describe()}"


def _match_body(data: st.DataObject, patient_bundle: dict[str, Any]) -> Any:
    bundle = (
        data.draw(bent_resource(patient_bundle)) if data.draw(st.booleans()) else patient_bundle
    )
    parameter: list[dict[str, Any]] = [{"name": "patient", "resource": bundle}]
    extras: dict[str, st.SearchStrategy[dict[str, Any]]] = {
        "asOf": st.sampled_from(("2026-06-01", "0000-00-00", "9999-12-31T24:00")).map(
            lambda v: {"valueDate": v}
        ),
        "zipCode": st.sampled_from(("02115", "", "x" * 300)).map(lambda v: {"valueString": v}),
        "travelRadius": st.one_of(
            st.sampled_from((50, -1, 2**64, 1e308)).map(lambda v: {"valueDecimal": v}),
            st.just({"valueString": "far"}),
            st.just({"valueQuantity": {"value": 10, "unit": "mi"}}),
        ),
        "count": st.sampled_from((1, 0, -5, 2**70, "3")).map(lambda v: {"valueInteger": v}),
        "persist": st.sampled_from((True, False, "yes")).map(lambda v: {"valueBoolean": v}),
        "includeIneligible": st.just({"valueBoolean": True}),
        "study": st.sampled_from((*SEED_IDS, "nope")).map(
            lambda v: {"valueReference": {"reference": f"ResearchStudy/{v}"}}
        ),
        "phase": st.just({"valueCoding": {"code": "phase-2"}}),
        "bogus": WRONG_JSON.map(lambda v: {"valueString": v}),
    }
    for name, strategy in extras.items():
        if data.draw(st.integers(0, 3)) == 0:
            parameter.append({"name": name, **data.draw(strategy)})
    if data.draw(st.integers(0, 5)) == 0:
        parameter.append(parameter[0])  # the patient twice
    if data.draw(st.booleans()):
        return {"resourceType": "Parameters", "parameter": parameter}
    return bundle


@fuzz_settings(examples=60)
@given(data=st.data())
def test_match_never_fails(live: LiveApp, data: st.DataObject) -> None:
    if data.draw(st.integers(0, 6)):
        body = json_bytes(_match_body(data, PATIENT_BUNDLE))
    else:
        body = data.draw(NOT_JSON_BODIES | WRONG_JSON.map(json_bytes))
    query = data.draw(st.sampled_from(("", "?_format=json", "?persist=true", "?_pretty=%")))
    sent = Sent("POST", f"/ResearchStudy/$match{query}", data.draw(headers(body=True)), body)
    before = live.versions_written("Patient", "ResearchSubject")
    response = _exchange(live, sent)
    if response.status_code >= 400:
        assert live.versions_written("Patient", "ResearchSubject") == before, sent.describe()


@fuzz_settings(examples=40)
@given(data=st.data())
def test_import_never_fails(live: LiveApp, data: st.DataObject) -> None:
    parameter: list[dict[str, Any]] = []
    for _ in range(data.draw(st.integers(0, 3))):
        choice = data.draw(st.sampled_from(("nct", "string", "attachment", "bent")))
        if choice == "nct":
            value = data.draw(st.sampled_from(("NCT02513394", "NCT00000000", "", " ", "x/../")))
            parameter.append({"name": "nctId", "valueString": value})
            continue
        record = json.loads(data.draw(st.sampled_from(CTGOV_RECORD_LINES)))
        if choice == "bent":
            record = data.draw(bent_resource(record))
        raw = json_bytes(record)
        if choice == "attachment":
            encoded = base64.b64encode(raw).decode()
            parameter.append({"name": "study", "valueAttachment": {"data": encoded}})
        else:
            parameter.append({"name": "study", "valueString": raw.decode()})
    if data.draw(st.integers(0, 4)) == 0:
        parameter.append(
            {"name": data.draw(st.sampled_from(("study", "x"))), **{"valueInteger": 1}}
        )
    body = json_bytes({"resourceType": "Parameters", "parameter": parameter})
    _exchange(live, Sent("POST", "/ResearchStudy/$import", data.draw(headers(body=True)), body))


_PATHS = (
    *("/metadata", "/health", "/.well-known/smart-configuration", "/auth/jwks", "/auth/token"),
    *("/", "//Patient", "/Patient/", "/Patient/fuzz-1/", "/Patient/_history/1", "/Patient/$match"),
    *("/ResearchStudy/$import", "/ResearchStudy/NCT05361174/$match", "/$meta", "/_history"),
    *("/Patient/fuzz-1/_history/1/extra", "/metadata/x", "/auth", "/.well-known/x", "/%ff"),
)


@fuzz_settings(examples=150)
@given(data=st.data())
def test_any_method_on_any_path_never_fails(live: LiveApp, data: st.DataObject) -> None:
    method = data.draw(
        st.sampled_from(("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE"))
    )
    path = data.draw(
        st.sampled_from(_PATHS)
        | st.builds("/{}/{}".format, _type_or_bogus(TYPES), _ids())
        | st.builds("/{}/${}".format, _type_or_bogus(TYPES), st.sampled_from(("match", "x", "")))
    )
    if data.draw(st.booleans()):
        path += "?" + data.draw(query_string("Patient"))
    body = data.draw(st.none() | NOT_JSON_BODIES | WRONG_JSON.map(json_bytes))
    _exchange(live, Sent(method, path, data.draw(headers(body=body is not None)), body))
