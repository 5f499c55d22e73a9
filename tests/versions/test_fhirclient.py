"""fhirclient (the SMART Python client, R4 models only) against a real server over HTTP: uvicorn
on a free local port, the seed trials loaded. fhirclient's models refuse unknown elements and
missing required ones, so every answer it parses here is R4 in shape.

fhirclient sends `Accept: application/fhir+json` without `fhirVersion`: pointed at the server's
`/r4` base it gets R4 unchanged; at the root, a client that sets the parameter gets R4 too."""

import contextlib
import json
import socket
import threading
import time
from collections.abc import Iterator

import pymongo
import pytest
import requests
import uvicorn
from fhirclient import client as fhir_client
from fhirclient.models.bundle import Bundle
from fhirclient.models.parameters import Parameters
from fhirclient.models.researchstudy import ResearchStudy
from fhirclient.models.researchsubject import ResearchSubject

from fhirtrial.api.app import create_app
from tests.helpers import DATA, make_settings
from tests.matching.match_patients import AS_OF, melanoma_patient

STUDY = "NCT05361174"
SEED_STUDIES = {"NCT05361174", "NCT05398640"}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def _uvicorn(app, port: int) -> Iterator[None]:
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 120  # start-up maps and stores the seeds
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    try:
        yield
    finally:
        server.should_exit = True
        thread.join()


@pytest.fixture(scope="module")
def base(mongo_url) -> Iterator[str]:
    port = _free_port()
    root = f"http://127.0.0.1:{port}"
    settings = make_settings(mongo_url, load_seeds=True, base_url=root)
    with _uvicorn(create_app(settings), port):
        yield root
    with pymongo.MongoClient(mongo_url) as mongo:
        mongo.drop_database(settings.database)


@pytest.fixture(scope="module")
def r4(base) -> fhir_client.FHIRClient:
    return fhir_client.FHIRClient(settings={"app_id": "fhirtrial-tests", "api_base": f"{base}/r4/"})


def test_read_a_study(r4):
    study = ResearchStudy.read(STUDY, r4.server)
    assert study.id == STUDY
    assert study.status == "active"
    assert study.phase.coding[0].code == "phase-1-phase-2"
    assert study.sponsor.reference.startswith("Organization/")
    assert [arm.name for arm in study.arm] == ["Cohort 1", "Cohort 2"]
    assert study.location[0].coding[0].code == "US"
    carried = {e.url.rsplit(".", 1)[1] for e in study.extension}
    assert {"status", "progressStatus", "recruitment", "url"} <= carried


def test_read_at_the_root_with_the_fhirversion_parameter(r4, base):
    server = fhir_client.FHIRClient(settings={"app_id": "t", "api_base": f"{base}/"}).server
    accept = {"Accept": "application/fhir+json; fhirVersion=4.0"}
    study = ResearchStudy(json.loads(server.request_data(f"ResearchStudy/{STUDY}", headers=accept)))
    assert study.status == "active"


def test_search_studies(r4):
    pages = list(ResearchStudy.where(struct={"_count": "1"}).perform_iter(r4.server))
    assert len(pages) == 2  # fhirclient followed the next link, under /r4
    bundle = pages[0]
    assert bundle.total is None  # counted only when asked (ADR 0018): with _total=accurate
    counted = ResearchStudy.where(struct={"_count": "1", "_total": "accurate"}).perform(r4.server)
    assert counted.total == 2
    assert isinstance(bundle.entry[0].resource, ResearchStudy)
    assert bundle.link[1].relation == "next" and "/r4/ResearchStudy?" in bundle.link[1].url
    found = list(
        ResearchStudy.where(struct={"identifier": STUDY}).perform_resources_iter(r4.server)
    )
    assert [s.id for s in found] == [STUDY]


def test_create_update_and_search_a_research_subject(r4):
    subject = ResearchSubject(
        {
            "resourceType": "ResearchSubject",
            "status": "candidate",
            "study": {"reference": f"ResearchStudy/{STUDY}"},
            "individual": {"reference": "Patient/fhirclient-1"},
        }
    )
    created = ResearchSubject(subject.create(r4.server))
    assert created.id and created.status == "candidate"
    created.status = "on-study"
    updated = ResearchSubject(created.update(r4.server))
    assert updated.status == "on-study" and updated.meta.versionId == "2"
    search = ResearchSubject.where(
        struct={"individual": "Patient/fhirclient-1", "status": "on-study"}
    )
    found = list(search.perform_resources_iter(r4.server))
    assert [s.id for s in found] == [created.id]
    assert found[0].individual.reference == "Patient/fhirclient-1"
    found[0].delete(r4.server)
    with pytest.raises(requests.HTTPError) as gone:
        ResearchSubject.read(created.id, r4.server)
    assert gone.value.response.status_code == 410


def _match(r4, patient_bundle: dict, *more: dict) -> Bundle:
    parameters = Parameters(
        {
            "resourceType": "Parameters",
            "parameter": [
                # Parsed by fhirclient's R4 models first: the patient's Bundle is R4.
                {"name": "patient", "resource": Bundle(patient_bundle).as_json()},
                {"name": "asOf", "valueDate": AS_OF},
                *more,
            ],
        }
    )
    response = r4.server.post_json("ResearchStudy/$match", parameters.as_json())
    return Bundle(response.json())


def test_match_through_the_r4_representation(r4):
    answer = _match(r4, melanoma_patient())
    matches = [e for e in answer.entry if e.search.mode == "match"]
    assert {e.resource.study.reference for e in matches} == {
        f"ResearchStudy/{s}" for s in SEED_STUDIES
    }
    for entry in matches:
        assert isinstance(entry.resource, ResearchSubject)
        assert entry.resource.status == "potential-candidate"
        assert 0 < entry.search.score < 1
    studies = [e.resource for e in answer.entry if e.search.mode == "include"]
    assert {s.id for s in studies} == SEED_STUDIES
    assert all(isinstance(s, ResearchStudy) and s.status == "active" for s in studies)


def test_match_with_a_codex_bundle_and_codex_parameters(r4):
    codex = json.loads((DATA / "patients" / "codex" / "TrialMatching_Patient01.json").read_text())
    answer = _match(
        r4,
        codex,
        {"name": "recruitmentStatus", "valueString": "active"},  # R4 ResearchStudy.status code
        {"name": "includeIneligible", "valueBoolean": True},
    )
    states = {e.resource.status for e in answer.entry if e.search.mode == "match"}
    assert states == {"ineligible"}  # breast cancer against melanoma and NSCLC trials


def test_match_the_codex_way_options_in_the_patient_bundle(r4):
    """As mcode/clinical-trial-matching-service clients post: the record and a Parameters entry."""
    patient = melanoma_patient()
    options = {
        "resourceType": "Parameters",
        "parameter": [
            {"name": "recruitmentStatus", "valueString": "active"},
            {"name": "phase", "valueString": "phase-1-phase-2"},
        ],
    }
    patient["entry"].append({"resource": options})
    body = Bundle(patient).as_json()  # an R4 Bundle by fhirclient's models
    answer = Bundle(r4.server.post_json("ResearchStudy/$match", body).json())
    assert answer.type == "searchset"
    matches = [e for e in answer.entry if e.search.mode == "match"]
    assert [e.resource.study.reference for e in matches] == [f"ResearchStudy/{STUDY}"]
    assert matches[0].resource.status == "potential-candidate"
