"""A stage criterion is decided by the stage of the cancer it names (`stage_ties`,
`evaluation.staging.stage_for`).

Patients with cancer often have had another one: a breast cancer staged IIA in 2019, a lung
cancer found this year. "Stage IIIB or IV NSCLC" asks about the lung cancer; the breast cancer's
stage must not rule the patient out. Stages are tied to their cancer by `Condition.stage` or an
mCODE stage-group Observation's `focus`; a stage tied to no Condition decides only when no other
primary cancer may be the one it stages.
"""

from __future__ import annotations

from typing import Any

from fhirtrial.eligibility.evidence_variable import build_evidence_variable
from fhirtrial.eligibility.fhir_reader import ReadCharacteristic, read_characteristic
from fhirtrial.eligibility.model import Criterion, Kind
from tests.eligibility.ehr_records import (
    ICD,
    LOINC,
    SNOMED,
    condition,
    criteria_text,
    observation,
    patient,
    record,
    verdict_of_inclusion_bullet,
    verdict_of_study,
)

NSCLC_STAGE_BULLET = "Stage IIIB or IV non-small cell lung cancer"


def _breast_cancer(**stage: str) -> dict[str, Any]:
    found = condition(
        "Malignant neoplasm of right female breast (HCC)",
        (ICD, "C50.911", "Malignant neoplasm of unspecified site of right female breast"),
        onset="2019-03-04",
    )
    if stage:
        found["stage"] = [{"summary": {"text": stage["summary"]}}]
    return found


def _nsclc() -> dict[str, Any]:
    return condition(
        "Non-small cell lung cancer (HCC)",
        (SNOMED, "254637007", "Non-small cell lung cancer"),
        onset="2026-09-20",
    )


def _stage_of(group: str, day: str, cancer: dict[str, Any] | None) -> dict[str, Any]:
    """An mCODE stage-group Observation, its `focus` the Condition it stages (None: untied)."""
    found = observation(
        (LOINC, "21908-9", "Stage group.clinical Cancer"),
        day,
        valueCodeableConcept={"text": group},
    )
    if cancer is not None:
        found["focus"] = [{"reference": f"Condition/{cancer['id']}"}]
    return found


def test_the_stage_of_an_earlier_breast_cancer_does_not_decide_an_nsclc_stage() -> None:
    breast = _breast_cancer(summary="Stage IIA")
    person = record(patient(born="1958-02-02"), breast, _nsclc())
    # Before the tie, the breast cancer's IIA (the only stage) ruled the patient out.
    assert verdict_of_inclusion_bullet(NSCLC_STAGE_BULLET, person) == "potential-candidate"


def test_the_nsclc_own_stage_decides_both_ways() -> None:
    breast = _breast_cancer(summary="Stage IIA")
    nsclc = _nsclc()
    staged_iv = record(patient(), breast, nsclc, _stage_of("Stage IVA", "2026-10-02", nsclc))
    staged_ii = record(patient(), breast, nsclc, _stage_of("Stage IIB", "2026-10-02", nsclc))
    assert verdict_of_inclusion_bullet(NSCLC_STAGE_BULLET, staged_iv) == "eligible"
    assert verdict_of_inclusion_bullet(NSCLC_STAGE_BULLET, staged_ii) == "ineligible"


def test_a_later_stage_of_another_cancer_does_not_override_the_breast_cancer_stage() -> None:
    breast = _breast_cancer(summary="Stage IIA")
    nsclc = _nsclc()
    person = record(patient(), breast, nsclc, _stage_of("Stage IV", "2026-10-02", nsclc))
    # The latest stage on record is the lung cancer's IV; the breast cancer is stage II.
    assert verdict_of_inclusion_bullet("Stage I-III breast cancer", person) == "eligible"


def test_an_untied_stage_decides_only_when_one_cancer_is_on_record() -> None:
    untied = _stage_of("Stage IIB", "2026-10-02", None)
    alone = record(patient(), _nsclc(), untied)
    assert verdict_of_inclusion_bullet(NSCLC_STAGE_BULLET, alone) == "ineligible"
    beside_breast = record(patient(), _breast_cancer(), _nsclc(), untied)
    assert verdict_of_inclusion_bullet(NSCLC_STAGE_BULLET, beside_breast) == "potential-candidate"


def test_an_untied_stage_recorded_after_the_other_cancer_resolved_decides() -> None:
    resolved = condition(
        "History of breast cancer",
        (ICD, "C50.911", "Malignant neoplasm of unspecified site of right female breast"),
        status="resolved",
        onset="2012-01-05",
        abated="2013-06-01",
    )
    person = record(patient(), resolved, _nsclc(), _stage_of("Stage IIB", "2026-10-02", None))
    assert verdict_of_inclusion_bullet(NSCLC_STAGE_BULLET, person) == "ineligible"


def test_a_stage_criterion_naming_no_cancer_takes_the_study_cancer() -> None:
    text = criteria_text(["Stage IV disease"], [])
    breast_only_staged = record(patient(), _breast_cancer(summary="Stage IIA"), _nsclc())
    verdict = verdict_of_study(text, breast_only_staged, ["Non-small Cell Lung Cancer"])
    assert verdict == "potential-candidate"
    nsclc = _nsclc()
    staged = record(patient(), nsclc, _stage_of("Stage IIB", "2026-10-02", nsclc))
    assert verdict_of_study(text, staged, ["Non-small Cell Lung Cancer"]) == "ineligible"


def test_another_cancers_recent_stage_does_not_rule_out_metastatic_nsclc() -> None:
    breast = _breast_cancer()
    staged = _stage_of("Stage IIA", "2026-06-01", breast)  # recent: it rules out metastases
    person = record(patient(), breast, staged, _nsclc())
    verdict = verdict_of_inclusion_bullet("Metastatic non-small cell lung cancer", person)
    assert verdict == "potential-candidate"


def test_a_metastasis_beside_two_current_cancers_does_not_stage_the_nsclc() -> None:
    bone = condition(
        "Secondary malignant neoplasm of bone (HCC)",
        (ICD, "C79.51", "Secondary malignant neoplasm of bone"),
        onset="2026-10-15",
    )
    person = record(patient(), _breast_cancer(), _nsclc(), bone)
    # The bone metastasis may be the breast cancer's: the NSCLC may still be stage I-IIIA.
    bullet = "Stage I to IIIA non-small cell lung cancer"
    assert verdict_of_inclusion_bullet(bullet, person) == "potential-candidate"
    alone = record(patient(), _nsclc(), bone)
    assert verdict_of_inclusion_bullet(bullet, alone) == "ineligible"


def test_the_tie_is_written_in_the_evidence_variable_and_read_back() -> None:
    study = {
        "protocolSection": {
            "identificationModule": {"nctId": "NCT00000011", "briefTitle": "x"},
            "eligibilityModule": {
                "eligibilityCriteria": f"Inclusion Criteria:\n- {NSCLC_STAGE_BULLET}\n"
            },
        }
    }
    resource = build_evidence_variable(
        study, evidence_variable_id="nct00000011", study_reference="ResearchStudy/x"
    )

    def leaves(read: ReadCharacteristic) -> list[Criterion]:
        if read.children:
            return [leaf for child in read.children for leaf in leaves(child)]
        return [read.criterion] if read.criterion is not None else []

    found = leaves(read_characteristic(resource["characteristic"][-1]))
    stages = [leaf for leaf in found if leaf.kind is Kind.STAGE]
    assert [s.concept for s in stages] == ["stage-3b", "stage-4"]
    assert all(s.stage_of == ("nsclc",) for s in stages)
