"""CT.gov enum → FHIR code decisions: statuses, MeSH ids, countries, our code systems."""

from __future__ import annotations

import copy

import pytest
from fhir.resources import get_fhir_model_class

from fhirtrial.mappers.codes import ALL_ENUMS, code_system_resources
from fhirtrial.mappers.countries import country_concept
from fhirtrial.mappers.ctgov import map_study
from fhirtrial.mappers.mesh import mesh_unique_id
from tests.mappers.mapper_helpers import by_type, codes, load_seed

HL7_STATUS = "http://hl7.org/fhir/research-study-status"
OVERALL_STATUS_CS = "https://fhirtrial.org/fhir/CodeSystem/ctgov-overall-status"

# (CT.gov overallStatus, HL7 R5 research-study-status code or None, Location.status,
#  PlanDefinition.status)
STATUSES = [
    ("NOT_YET_RECRUITING", "not-yet-recruiting", "active", "active"),
    ("RECRUITING", "recruiting", "active", "active"),
    ("ENROLLING_BY_INVITATION", "enrolling-by-invitation", "active", "active"),
    ("ACTIVE_NOT_RECRUITING", "active-but-not-recruiting", "active", "active"),
    ("SUSPENDED", "temporarily-closed-to-accrual", "suspended", "active"),
    ("TERMINATED", "terminated", "inactive", "retired"),
    ("COMPLETED", "completed", "inactive", "retired"),
    ("WITHDRAWN", "withdrawn", "inactive", "retired"),
    ("UNKNOWN", None, None, "unknown"),
    ("AVAILABLE", "active", "active", "active"),
    ("NO_LONGER_AVAILABLE", "closed-to-accrual", "inactive", "retired"),
    ("TEMPORARILY_NOT_AVAILABLE", "temporarily-closed-to-accrual", "suspended", "active"),
    ("APPROVED_FOR_MARKETING", None, "inactive", "retired"),
    ("WITHHELD", None, "inactive", "unknown"),
]


@pytest.mark.parametrize(("ctgov", "hl7", "location_status", "protocol_status"), STATUSES)
def test_every_ctgov_overall_status_maps_without_warning(
    ctgov, hl7, location_status, protocol_status
):
    record = copy.deepcopy(load_seed("NCT05398640"))
    record["protocolSection"]["statusModule"]["overallStatus"] = ctgov
    for site in record["protocolSection"]["contactsLocationsModule"]["locations"]:
        site["status"] = ctgov
    mapped = map_study(record)
    assert mapped.warnings == []
    study, protocol = mapped.resources[:2]
    state = study["progressStatus"][0]["state"]
    assert codes(state, OVERALL_STATUS_CS) == [ctgov]
    assert codes(state, HL7_STATUS) == ([hl7] if hl7 else [])
    assert protocol["status"] == protocol_status
    location = by_type(mapped.resources, "Location")[0]
    assert location.get("status") == location_status
    assert codes(location["characteristic"][0], OVERALL_STATUS_CS) == [ctgov]


def test_sites_without_their_own_status_follow_the_overall_status():
    record = copy.deepcopy(load_seed("NCT05398640"))
    record["protocolSection"]["statusModule"]["overallStatus"] = "COMPLETED"
    for site in record["protocolSection"]["contactsLocationsModule"]["locations"]:
        del site["status"]
    locations = by_type(map_study(record).resources, "Location")
    assert {location["status"] for location in locations} == {"inactive"}
    assert all("characteristic" not in location for location in locations)


def test_unknown_status_keeps_the_last_known_status_out_of_progress_states():
    record = copy.deepcopy(load_seed("NCT05361174"))
    status = record["protocolSection"]["statusModule"]
    status["overallStatus"] = "UNKNOWN"
    status["lastKnownStatus"] = "RECRUITING"
    study = map_study(record).resources[0]
    states = [codes(entry["state"], OVERALL_STATUS_CS) for entry in study["progressStatus"]]
    assert ["UNKNOWN"] in states and ["RECRUITING"] not in states
    assert {"text": "Last known status: Recruiting"} in study["classifier"]


@pytest.mark.parametrize(
    ("ctgov_id", "mesh_id"),
    [
        ("D000001943", "D001943"),  # Breast Neoplasms, padded by CT.gov
        ("D001943", "D001943"),  # older records give the six-digit id itself
        ("D000064726", "D064726"),  # Triple Negative Breast Neoplasms
        ("D000068878", "D000068878"),  # Trastuzumab: a real nine-digit MeSH id
        ("D000086382", "D000086382"),  # COVID-19
        ("C000500026", "C500026"),  # palbociclib (supplementary concept)
        ("D000066888", None),  # padded or native cannot be told apart here
        ("C000582435", None),
        ("X123", None),
        (None, None),
    ],
)
def test_mesh_ids_lose_ctgov_padding_only_where_certain(ctgov_id, mesh_id):
    assert mesh_unique_id(ctgov_id) == mesh_id


def test_countries_get_iso_codes_and_unknown_names_stay_text():
    assert country_concept("Korea, Republic of")["coding"][0]["code"] == "KR"
    assert country_concept("South Korea")["coding"][0]["code"] == "KR"
    assert country_concept("United States")["coding"][0] == {
        "system": "urn:iso:std:iso:3166",
        "code": "US",
        "display": "United States",
    }
    assert country_concept("Atlantis") == {"text": "Atlantis"}


def test_our_ctgov_code_systems_are_publishable_codesystem_resources():
    systems = code_system_resources()
    assert len(systems) == len(ALL_ENUMS)
    for system in systems:
        get_fhir_model_class("CodeSystem").model_validate(system)
    by_url = {system["url"]: system for system in systems}
    overall = by_url[OVERALL_STATUS_CS]
    assert {concept["code"] for concept in overall["concept"]} == {row[0] for row in STATUSES}
