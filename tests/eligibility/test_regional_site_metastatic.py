"""A site right before "metastatic" where metastases may be regional (fifteenth session audit).

"Patient with cutaneous metastatic melanoma." with "Has 6 or more melanoma lesions"
(NCT03928275 inc-1) asks for melanoma metastatic to the skin: in-transit and satellite skin
metastases are stage III, not distant disease. Read as metastatic melanoma, the inclusion
failed a patient with stage IIIC in-transit melanoma recorded this year. Nodal metastases are
regional too. Bone, liver, lung and brain metastases are always distant: they keep the reading."""

from __future__ import annotations

from fhirtrial.eligibility.model import Criterion
from fhirtrial.eligibility.rules import compile_text
from tests.eligibility.ehr_records import (
    ICD,
    LOINC,
    condition,
    observation,
    patient,
    record,
    verdict_of_study,
)


def _qualifiers(criterion: Criterion | None) -> set[str]:
    if criterion is None:
        return set()
    found = set(criterion.qualifiers)
    for child in criterion.children:
        found |= _qualifiers(child)
    return found


def test_a_regional_site_before_metastatic_is_no_metastatic_disease() -> None:
    for text in (
        "Patient with cutaneous metastatic melanoma.",
        "Patients with skin-metastatic breast cancer",
        "Patients with lymph node metastatic breast cancer",
    ):
        assert "metastatic" not in _qualifiers(compile_text(text, partial=True)), text


def test_a_distant_site_or_none_keeps_the_reading() -> None:
    for text in ("Metastatic melanoma", "bone metastatic prostate cancer"):
        assert "metastatic" in _qualifiers(compile_text(text, partial=True)), text


def test_stage_iii_in_transit_melanoma_is_not_ineligible() -> None:
    text = (
        "Inclusion Criteria:\n- Patient with cutaneous metastatic melanoma.\n"
        "- Between 18 and 80 years of age.\n"
    )
    melanoma = condition(
        "Malignant melanoma of left lower limb",
        (ICD, "C43.72", "Malignant melanoma of left lower limb, including hip"),
        onset="2026-06-02",
    )
    stage = observation(
        (LOINC, "21908-9", "Stage group.clinical Cancer"),
        "2026-06-10",
        valueCodeableConcept={"text": "Stage IIIC"},
    )
    verdict = verdict_of_study(text, record(patient(), melanoma, stage))
    assert verdict == "potential-candidate"


def test_as_an_exclusion_it_stays_text() -> None:
    assert compile_text("Cutaneous metastatic melanoma", exclusion=True, partial=True) is None
