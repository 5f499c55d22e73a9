"""CT.gov study → FHIR R5 EvidenceVariable: validity, completeness, cohorts, seeds."""

from __future__ import annotations

import re

import pytest
from fhir.resources import get_fhir_model_class

from fhirtrial.eligibility.compiler import compile_outline
from fhirtrial.eligibility.evidence_variable import build_evidence_variable
from fhirtrial.eligibility.fhir_reader import read_evidence_variable
from fhirtrial.eligibility.fhir_writer import (
    COMPARISON_GROUP_EXTENSION,
    MANUAL_REVIEW_EXTENSION,
)
from fhirtrial.eligibility.outline import parse_outline
from tests.eligibility.real_data import SEED_IDS, seed_page_bullets, seed_study

EvidenceVariable = get_fhir_model_class("EvidenceVariable")
_BULLET_ID = re.compile(r"(?:inc|exc)-\d+(?:\.\d+)*")


def _build(study: dict) -> dict:
    nct_id = study["protocolSection"]["identificationModule"]["nctId"]
    return build_evidence_variable(
        study, evidence_variable_id=nct_id.lower(), study_reference=f"ResearchStudy/{nct_id}"
    )


def _walk(characteristics: list[dict]):
    for characteristic in characteristics:
        yield characteristic
        yield from _walk(
            characteristic.get("definitionByCombination", {}).get("characteristic", [])
        )


def _compiled_walk(nodes):
    for node in nodes:
        yield node
        yield from _compiled_walk(node.children)


def _extension(characteristic: dict, url: str):
    return next((e for e in characteristic.get("extension", []) if e["url"] == url), None)


def test_every_record_gives_a_valid_r5_evidence_variable(records: list[dict]) -> None:
    studies = [*records, *(seed_study(nct) for nct in SEED_IDS)]
    for study in studies:
        resource = _build(study)
        EvidenceVariable.model_validate(resource)
        assert "meta" not in resource
        nct_id = study["protocolSection"]["identificationModule"]["nctId"]
        assert resource["url"] == f"https://fhirtrial.org/fhir/EvidenceVariable/{nct_id.lower()}"
        assert resource["identifier"][0]["value"] == nct_id


def test_every_outline_node_is_a_characteristic_with_its_text(records: list[dict]) -> None:
    for study in records:
        eligibility = study["protocolSection"].get("eligibilityModule", {})
        outline = parse_outline(eligibility.get("eligibilityCriteria"))
        written = {c["linkId"]: c for c in _walk(_build(study).get("characteristic", []))}
        compiled = {n.link_id: n for n in _compiled_walk(compile_outline(outline))}
        for node in outline.walk():
            assert written[node.link_id]["description"] == node.text
            # A negated leaf ("HIV negative" → NOT hiv) is written with `exclude` flipped.
            criterion = compiled[node.link_id].criterion
            negated = criterion is not None and criterion.negated and not node.children
            assert written[node.link_id]["exclude"] == (node.exclude != negated)


def test_structured_age_sex_and_healthy_volunteers_come_first(records: list[dict]) -> None:
    study = next(
        r
        for r in records
        if r["protocolSection"]["eligibilityModule"].get("maximumAge")
        and r["protocolSection"]["eligibilityModule"].get("sex") == "FEMALE"
    )
    eligibility = study["protocolSection"]["eligibilityModule"]
    characteristics = _build(study)["characteristic"]
    assert [c["linkId"] for c in characteristics[:2]] == ["age", "sex"]
    age = characteristics[0]["definitionByTypeAndValue"]
    assert age["type"]["coding"][1] == {
        "system": "http://loinc.org",
        "code": "30525-0",
        "display": "Age",
    }
    assert age["valueRange"]["low"]["value"] == int(eligibility["minimumAge"].split()[0])
    assert age["valueRange"]["high"]["value"] == int(eligibility["maximumAge"].split()[0])
    sex = characteristics[1]["definitionByTypeAndValue"]["valueCodeableConcept"]["coding"][0]
    assert sex["code"] == "female"


@pytest.mark.parametrize("nct_id", SEED_IDS)
def test_seed_page_every_bullet_becomes_a_characteristic(nct_id: str) -> None:
    resource = _build(seed_study(nct_id))
    criteria = [c for c in _walk(resource["characteristic"]) if c["linkId"][:4] in ("inc-", "exc-")]
    # Bullets only: not the parts (`-p1`) nor the groups (`-sub`, `-or1`) the compiler adds.
    descriptions = [c["description"] for c in criteria if _BULLET_ID.fullmatch(c["linkId"])]
    assert descriptions == seed_page_bullets(nct_id)


def test_seed_cohort_criteria_are_tied_to_their_arm() -> None:
    resource = _build(seed_study("NCT05361174"))
    by_id = {c["linkId"]: c for c in _walk(resource["characteristic"])}
    assert _extension(by_id["inc-2.1"], COMPARISON_GROUP_EXTENSION)["valueString"] == "arm-1"
    assert _extension(by_id["inc-2.2"], COMPARISON_GROUP_EXTENSION)["valueString"] == "arm-2"
    # inc-1 names both cohorts: its two alternatives carry one arm each.
    alternatives = by_id["inc-1"]["definitionByCombination"]
    assert alternatives["code"] == "any-of"
    arms = [
        _extension(c, COMPARISON_GROUP_EXTENSION)["valueString"]
        for c in alternatives["characteristic"]
    ]
    assert arms == ["arm-1", "arm-2"]


def test_not_understood_criteria_stay_as_text_marked_for_review() -> None:
    resource = _build(seed_study("NCT05361174"))
    by_id = {c["linkId"]: c for c in _walk(resource["characteristic"])}
    measurable = by_id["inc-5"]
    assert measurable["description"].startswith("Participants who have at least one measurable")
    assert not any(key.startswith("definition") for key in measurable)
    assert _extension(measurable, MANUAL_REVIEW_EXTENSION)["valueBoolean"] is True
    assert _extension(by_id["exc-3"], MANUAL_REVIEW_EXTENSION) is None


def test_link_ids_and_content_are_stable_across_runs(records: list[dict]) -> None:
    for study in records[:10]:
        assert _build(study) == _build(study)


def test_reader_returns_every_top_level_characteristic(records: list[dict]) -> None:
    for study in records:
        resource = _build(study)
        read = read_evidence_variable(resource)
        assert [r.link_id for r in read] == [c["linkId"] for c in resource["characteristic"]]
