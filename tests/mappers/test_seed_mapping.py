"""The two seed trials: IOV-4001 phase 1/2 (NCT05361174) and the lifileucel expanded access
program (NCT05398640), as a reader of their ClinicalTrials.gov pages would expect them."""

from __future__ import annotations

import itertools
from functools import cache

from fhirtrial.mappers.ctgov import MappedStudy, map_study, validate_mapped
from tests.mappers.mapper_helpers import by_type, codes, load_seed, module, walk_actions

IOV_4001 = "NCT05361174"
LIFILEUCEL_EAP = "NCT05398640"
SEQUENCE = [
    "Tumour resection",
    "Cell product manufacture",
    "Lymphodepleting chemotherapy",
    "Cell product infusion",
    "Interleukin-2 (IL-2)",
]


@cache
def mapped(nct_id: str) -> MappedStudy:
    result = map_study(load_seed(nct_id))
    validate_mapped(result)
    return result


def step_actions(parent: dict) -> list[dict]:
    return [action for action in parent.get("action", []) if "-step-" in action["linkId"]]


def assert_chained_in_order(steps: list[dict]) -> None:
    assert [step["title"] for step in steps] == SEQUENCE
    assert "relatedAction" not in steps[0]
    for before, after in itertools.pairwise(steps):
        assert after["relatedAction"] == [
            {"targetId": before["linkId"], "relationship": "after-end"}
        ]


def test_iov_4001_targets_53_participants_in_phase_1_and_2():
    record = load_seed(IOV_4001)
    study = mapped(IOV_4001).resources[0]
    enrollment = module(record, "designModule")["enrollmentInfo"]
    assert enrollment == {"count": 53, "type": "ESTIMATED"}
    assert study["recruitment"]["targetNumber"] == 53
    assert codes(study["phase"], "http://hl7.org/fhir/research-study-phase") == ["phase-1-phase-2"]
    assert study["phase"]["text"] == "Phase 1/Phase 2"


def test_iov_4001_cohorts_are_the_comparison_groups():
    study = mapped(IOV_4001).resources[0]
    groups = [(g["linkId"], g["name"], g["description"]) for g in study["comparisonGroup"]]
    assert groups == [
        ("arm-1", "Cohort 1", "Participants with unresectable or metastatic melanoma"),
        ("arm-2", "Cohort 2", "Participants with Stage III or IV non-small-cell lung cancer"),
    ]


def test_iov_4001_has_seven_sites_and_the_expanded_access_program_six():
    for nct_id, count in ((IOV_4001, 7), (LIFILEUCEL_EAP, 6)):
        locations = by_type(mapped(nct_id).resources, "Location")
        assert len(locations) == count
        assert len(mapped(nct_id).resources[0]["site"]) == count
        assert {location["address"]["country"] for location in locations} == {"United States"}


def test_iov_4001_protocol_runs_resection_to_il2_in_each_cohort():
    protocol = mapped(IOV_4001).resources[1]
    assert [arm["title"] for arm in protocol["action"]] == ["Cohort 1", "Cohort 2"]
    for arm in protocol["action"]:
        (intervention,) = arm["action"]
        assert intervention["title"] == "IOV-4001"
        steps = step_actions(intervention)
        assert_chained_in_order(steps)
        agents = [agent["title"] for agent in steps[2]["action"]]
        assert agents == ["Cyclophosphamide", "Fludarabine"]


def test_expanded_access_program_is_mapped_as_expanded_access():
    study, protocol = mapped(LIFILEUCEL_EAP).resources[:2]
    our = "https://fhirtrial.org/fhir/CodeSystem"
    design_codes = [
        code
        for concept in study["studyDesign"]
        for code in codes(concept, f"{our}/ctgov-study-type")
    ]
    assert design_codes == ["EXPANDED_ACCESS"]
    assert ["SEVCO:01038"] in [
        codes(concept, "http://hl7.org/fhir/study-design") for concept in study["studyDesign"]
    ]
    access_types = [
        code
        for concept in study["classifier"]
        for code in codes(concept, f"{our}/ctgov-expanded-access-type")
    ]
    assert access_types == ["intermediate", "treatment"]
    state = study["progressStatus"][0]["state"]
    assert codes(state, f"{our}/ctgov-overall-status") == ["AVAILABLE"]
    assert codes(state, "http://hl7.org/fhir/research-study-status") == ["active"]
    # Not squeezed into an interventional shape: no arms, phase or enrollment were invented.
    for element in ("comparisonGroup", "phase", "primaryPurposeType"):
        assert element not in study
    assert set(study["recruitment"]) == {"eligibility"}
    (intervention,) = protocol["action"]
    assert intervention["title"] == "Lifileucel"
    assert [e["valueString"] for e in intervention["extension"]] == ["LN-144"]
    assert_chained_in_order(step_actions(intervention))


def test_both_seeds_share_one_sponsor_organization():
    sponsors = [by_type(mapped(n).resources, "Organization") for n in (IOV_4001, LIFILEUCEL_EAP)]
    assert sponsors[0] == sponsors[1]
    assert sponsors[0][0]["name"] == "Iovance Biotherapeutics, Inc."


def test_central_contact_keeps_phone_and_email():
    record = load_seed(LIFILEUCEL_EAP)
    (contact,) = module(record, "contactsLocationsModule")["centralContacts"]
    study = mapped(LIFILEUCEL_EAP).resources[0]
    (practitioner,) = study["contained"]
    assert practitioner["name"] == [{"text": contact["name"]}]
    assert {t["value"] for t in practitioner["telecom"]} == {contact["phone"], contact["email"]}
    contact_party = [
        p
        for p in study["associatedParty"]
        if p["party"].get("reference") == f"#{practitioner['id']}"
    ]
    assert codes(contact_party[0]["role"], "http://hl7.org/fhir/research-study-party-role") == [
        "recruitment-contact"
    ]


def test_seed_protocol_link_ids_are_unique():
    for nct_id in (IOV_4001, LIFILEUCEL_EAP):
        link_ids = [a["linkId"] for a in walk_actions(mapped(nct_id).resources[1]["action"])]
        assert len(link_ids) == len(set(link_ids))
