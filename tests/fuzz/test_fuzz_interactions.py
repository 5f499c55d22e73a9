"""A bounded, seeded fuzz run over every interaction the server offers, authorization off: a new
500 (or hang) anywhere fails the suite.

Why hypothesis rather than schemathesis: schemathesis generates requests from an OpenAPI schema,
which a FHIR server does not serve (its contract is the CapabilityStatement, and FHIR bodies are
far from what a JSON schema of a REST API describes). Hypothesis lets the strategies start from
real FHIR — the repository's fixture resources, the seed trials, every search parameter of the
CapabilityStatement — and bend it (tests/fuzz/fuzz_strategies.py, fuzz_requests.py).
`derandomize=True` runs the same examples every time (a failure reproduces), no example
database is written, and `max_examples` keeps the directory under a minute on a shared 2-core
machine (FHIRTRIAL_FUZZ_SCALE=10 runs a deeper pass by hand).

The property (fuzz_harness.check_answer): never a 5xx but a 503 with Retry-After, every error
an OperationOutcome (OAuth JSON on /auth/token), every resource emitted valid FHIR R5, no hang;
and a refused write stores nothing (checked on every write here).

`$import` is fuzzed with study records in the body; its `nctId` fetches go to a respx mock of
ClinicalTrials.gov (one record, 404 for the rest), never to the network.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.fuzz.fuzz_harness import LiveApp, Sent, fuzz_settings, live_app
from tests.fuzz.fuzz_requests import (
    FUZZ_ID,
    Corpus,
    any_request,
    import_request,
    match_request,
    read_request,
    token_request,
    write_request,
)
from tests.fuzz.fuzz_strategies import FHIR_JSON, json_bytes, minimal_resources


def seed_fuzz_resources(live: LiveApp, headers: dict[str, str] | None = None) -> Corpus:
    """One resource of each writable type at id `fuzz-1`; returns valid resources of each
    writable type to bend: those, and the seed trials' own."""
    found = {name: [resource] for name, resource in minimal_resources().items()}
    for name, resource in minimal_resources().items():
        body = json_bytes({**resource, "id": FUZZ_ID})
        hdrs = {"content-type": FHIR_JSON, **(headers or {})}
        sent = Sent("PUT", f"/{name}/{FUZZ_ID}", hdrs, body)
        assert live.send(sent).status_code in (200, 201), name
    for name in ("ResearchStudy", "PlanDefinition", "EvidenceVariable", "Location"):
        bundle = live.send(Sent("GET", f"/{name}?_count=3&_sort=_id", headers or {})).json()
        found[name] += [entry["resource"] for entry in bundle.get("entry", [])]
    return found


@pytest.fixture(scope="module")
def live(mongo_url: str) -> Iterator[LiveApp]:
    with live_app(mongo_url) as app:
        yield app


@pytest.fixture(scope="module")
def corpus(live: LiveApp) -> Corpus:
    return seed_fuzz_resources(live)


def _written_types(sent: Sent) -> tuple[str, ...]:
    if "/$match" in sent.url:
        return ("Patient", "ResearchSubject")
    name = sent.url.split("?")[0].split("/")[1]
    return (name,) if name in minimal_resources() else ()


def exchange_storing_nothing_if_refused(live: LiveApp, sent: Sent) -> None:
    types = _written_types(sent)
    before = live.versions_written(*types)
    response = live.exchange(sent)
    if response.status_code >= 400:
        assert live.versions_written(*types) == before, f"stored: {sent.describe()}"


@fuzz_settings(examples=250)
@given(sent=read_request())
def test_searches_reads_and_history_never_fail(live: LiveApp, sent: Sent) -> None:
    live.exchange(sent)


@fuzz_settings(examples=200)
@given(data=st.data())
def test_refused_writes_store_nothing(live: LiveApp, corpus: Corpus, data: st.DataObject) -> None:
    exchange_storing_nothing_if_refused(live, data.draw(write_request(corpus)))


@fuzz_settings(examples=60)
@given(sent=match_request())
def test_match_never_fails_and_a_refused_match_persists_nothing(live: LiveApp, sent: Sent) -> None:
    exchange_storing_nothing_if_refused(live, sent)


@fuzz_settings(examples=40)
@given(sent=import_request())
def test_import_never_fails(live: LiveApp, sent: Sent) -> None:
    live.exchange(sent)


@fuzz_settings(examples=40)
@given(sent=token_request("e30.e30.sig"))
def test_token_requests_are_oauth_answers(live: LiveApp, sent: Sent) -> None:
    live.exchange(sent)


@fuzz_settings(examples=150)
@given(sent=any_request())
def test_any_method_on_any_path_never_fails(live: LiveApp, sent: Sent) -> None:
    live.exchange(sent)
