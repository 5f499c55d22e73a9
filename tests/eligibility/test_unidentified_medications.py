"""A current medication the evaluator cannot identify leaves a required drug unknown.

Cerner and other EHRs export brand-ordered drugs by their brand ("Sinemet 25/100 tablet") with
an RxNorm branded code the shipped tables do not hold. Read as "no levodopa among the recorded
medications", an inclusion "Current treatment with levodopa" called a patient on Sinemet
ineligible. An inclusion now stays unknown while such a medication is on the list; an exclusion
("current use of warfarin") is still not met by it, and a medication the evaluator does know
("metformin") decides as before.
"""

from __future__ import annotations

from tests.eligibility.ehr_records import (
    criteria_text,
    medication,
    patient,
    record,
    verdict_of_inclusion_bullet,
    verdict_of_study,
)

RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"


def _brand_only(text: str, code: str) -> dict:
    use = medication(text, "2026-06-01", status="active")
    use["medicationCodeableConcept"]["coding"] = [{"system": RXNORM, "code": code, "display": text}]
    return use


SINEMET = _brand_only("Sinemet 25 mg-100 mg oral tablet", "209459")


def test_a_brand_the_evaluator_does_not_know_leaves_a_required_drug_unknown() -> None:
    person = record(patient(), SINEMET)
    verdict = verdict_of_inclusion_bullet("Current treatment with levodopa", person)
    assert verdict == "potential-candidate"


def test_an_unknown_brand_does_not_meet_an_exclusion() -> None:
    person = record(patient(), SINEMET)
    text = criteria_text(["Age 18 years or older"], ["Current use of warfarin"])
    assert verdict_of_study(text, person) == "eligible"


def test_known_medications_still_decide_a_required_drug() -> None:
    metformin = medication("metformin 500 mg tablet", "2026-06-01", status="active")
    person = record(patient(), metformin)
    verdict = verdict_of_inclusion_bullet("Current treatment with levodopa", person)
    assert verdict == "ineligible"


ZYNYZ = _brand_only("Zynyz 500 mg/20 mL intravenous solution", "2640471")


def test_an_unknown_brand_leaves_a_required_prior_therapy_unknown() -> None:
    course = dict(ZYNYZ, status="completed")
    person = record(patient(), course)
    verdict = verdict_of_inclusion_bullet("Prior treatment with an anti-PD-1 antibody", person)
    assert verdict == "potential-candidate"


def test_a_known_drug_of_another_class_still_rules_out_a_required_prior_therapy() -> None:
    metformin = medication("metformin 500 mg tablet", "2025-03-01", "2025-09-01")
    person = record(patient(), metformin)
    verdict = verdict_of_inclusion_bullet("Prior treatment with an anti-PD-1 antibody", person)
    assert verdict == "ineligible"
