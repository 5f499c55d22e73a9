"""Classes the fifteenth session's blind audit of compiled development readings found (150
inclusion and 150 exclusion leaves drawn at random, seeds 1501 and 1502).

- Pregnancy and breastfeeding side by side name two states, either of which excludes:
  "Pregnancy/nursing" (NCT03923049 exc-4), "pregnant/breastfeeding;" (NCT03932422 exc-5),
  "Pregnancy-Lactation" (NCT03927937 exc-1), "Pregnant of breastfeeding women" (NCT03861988
  exc-1), "Pregnant and lactating women" under an exclusion lead-in (NCT03923140 exc-1.2) were
  all-of: a pregnant woman who does not breastfeed was let through.
- "Sciatica" is M54.3 and, with lumbago, M54.4 ("Diagnosed with sciatica by GP", NCT03924791
  inc-1): the title's M54.3 alone turned away a patient coded M54.4-.
- "Type 1 or type 2 diabetes" is those two types (NCT03797105 exc-4, NCT03865342 exc-2,
  NCT03868592 exc-1, NCT03863561 inc-1, NCT03920683 inc-2, NCT03927690 inc-3), not every
  diabetes: a drug-induced or other specified diabetes (E09, E13) met the exclusion.
- "Newly diagnosed or previously untreated X" (NCT03923998 inc-3): the lead is one of two
  alternatives, so "untreated" is no requirement of the bullet; read as X{untreated}, it turned
  away a newly diagnosed patient already operated on.
"""

from __future__ import annotations

import pytest

from fhirtrial.eligibility.compiler import compile_outline, compile_text
from fhirtrial.eligibility.outline import parse_outline
from tests.eligibility.ehr_records import (
    ICD,
    LOINC,
    PREGNANT,
    condition,
    criteria_text,
    observation,
    patient,
    procedure,
    record,
    result_of,
    verdict_of_inclusion_bullet,
    verdict_of_study,
)
from tests.eligibility.signature import bullet_signature, signature

EITHER_STATE = "any-of(pregnancy:pregnancy, breastfeeding:breastfeeding)"


@pytest.mark.parametrize(
    "bullet",
    [
        "Pregnancy/nursing",
        "pregnant/breastfeeding;",
        "Pregnancy-Lactation",
        "Pregnant of breastfeeding women",
    ],
)
def test_pregnancy_beside_breastfeeding_is_either_state(bullet: str) -> None:
    assert bullet_signature(bullet) == EITHER_STATE


def test_pregnant_and_lactating_under_an_exclusion_lead_in_is_either_state() -> None:
    text = (
        "Inclusion Criteria:\n- Adults\n\nExclusion Criteria:\n"
        "  -  Patients will not be included if meets any of the following criteria:\n"
        "       1. Pregnant and lactating women\n"
        "       2. Expected life time less than 6 months\n"
    )
    lead = compile_outline(parse_outline(text))[-1]
    assert signature(lead.children[0].criterion) == EITHER_STATE


def test_a_pregnant_woman_who_does_not_breastfeed_is_excluded_by_pregnancy_slash_nursing() -> None:
    text = criteria_text(["Age 18 years or older"], ["Pregnancy/nursing"])
    assert verdict_of_study(text, record(patient(), PREGNANT)) == "ineligible"


def test_a_denial_of_both_states_keeps_both_denials() -> None:
    assert (
        bullet_signature("Not pregnant/nursing", "Inclusion")
        == "all-of(NOT pregnancy:pregnancy, NOT breastfeeding:breastfeeding)"
    )


LUMBAGO_WITH_SCIATICA = condition(
    "Lumbago with sciatica, right side", (ICD, "M54.41", "Lumbago with sciatica, right side")
)


def test_sciatica_is_also_lumbago_with_sciatica() -> None:
    assert (
        bullet_signature("Diagnosed with sciatica by GP", "Inclusion")
        == "all-of(condition:icd10cm:M54.3+M54.4, text)"
    )
    criterion = compile_text("Sciatica")
    assert criterion is not None
    assert result_of(criterion, record(patient(), LUMBAGO_WITH_SCIATICA)) == "met"


@pytest.mark.parametrize(
    ("bullet", "section"),
    [
        ("Type 1 or 2 diabetes medical diagnosis", "Exclusion"),
        ("Diagnosis of type 1 or type 2 diabetes", "Inclusion"),
        ("Diabetes mellitus (type 1 or 2)", "Inclusion"),
        ("Presence of type I or type II diabetes mellitus", "Inclusion"),
    ],
)
def test_type_1_or_type_2_diabetes_is_those_two_types(bullet: str, section: str) -> None:
    assert (
        bullet_signature(bullet, section)
        == "any-of(condition:diabetes-type-1, condition:diabetes-type-2)"
    )


DRUG_INDUCED_DIABETES = condition(
    "Steroid-induced diabetes",
    (ICD, "E09.9", "Drug or chemical induced diabetes mellitus without complications"),
)
TYPE_2_DIABETES = condition(
    "Type 2 diabetes", (ICD, "E11.9", "Type 2 diabetes mellitus without complications")
)


def test_a_drug_induced_diabetes_does_not_meet_type_1_or_2() -> None:
    criterion = compile_text("Type 1 or 2 diabetes medical diagnosis", exclusion=True)
    assert criterion is not None
    # Not the types the text names. (The evaluator leaves a diabetes entry that names no type
    # unknown for a typed criterion, `vague_diagnoses`: never met.)
    drug_induced = result_of(criterion, record(patient(), DRUG_INDUCED_DIABETES), excluding=True)
    assert drug_induced != "met"
    assert result_of(criterion, record(patient(), TYPE_2_DIABETES), excluding=True) == "met"


def test_newly_diagnosed_or_untreated_does_not_require_untreated() -> None:
    cancer = condition(
        "Squamous cell carcinoma of the oral cavity",
        (ICD, "C06.9", "Malignant neoplasm of mouth, unspecified"),
        onset="2026-10-20",
    )
    operation = procedure("Partial glossectomy", "2026-11-02")
    operation["reasonReference"] = [{"reference": f"Condition/{cancer['id']}"}]
    bullet = "Newly diagnosed or previously untreated squamous cell carcinoma of the oral cavity."
    # Newly diagnosed a month ago: the text admits him whether or not he was operated on.
    assert verdict_of_inclusion_bullet(bullet, record(patient(), cancer, operation)) != "ineligible"


def test_either_type_with_its_defining_value_leaves_an_uncoded_diabetic_unknown() -> None:
    # The problem list under-codes diabetes: an HbA1c of 8% in the range asked for may be a
    # diabetic's whose diabetes is not on the list (`value_defined`), as for "Diabetes (…)".
    hypertension = condition("Hypertension", (ICD, "I10", "Essential (primary) hypertension"))
    hba1c = observation(
        (LOINC, "4548-4", "Hemoglobin A1c/Hemoglobin.total in Blood"),
        "2026-11-20",
        valueQuantity={
            "value": 8.0,
            "unit": "%",
            "system": "http://unitsofmeasure.org",
            "code": "%",
        },
    )
    bullet = "Type 1 or type 2 diabetes with HbA1c between 7 and 10%"
    assert verdict_of_inclusion_bullet(bullet, record(patient(), hypertension, hba1c)) == (
        "potential-candidate"
    )


def _weights(*pairs: tuple[str, float]) -> list[dict]:
    return [
        observation(
            (LOINC, "29463-7", "Body weight"),
            day,
            valueQuantity={
                "value": kg,
                "unit": "kg",
                "system": "http://unitsofmeasure.org",
                "code": "kg",
            },
        )
        for day, kg in pairs
    ]


# "±5 kg" is a band around a weight the text does not name (NCT03864107 inc-5, NCT03925142
# inc-8): 80, 85 and 79 kg all lie within 5 kg of the 80 kg recorded first, so the patient may
# meet "Weight stable (±5kg)"; weights 11 kg apart lie within no 5 kg band around any of them.
@pytest.mark.parametrize(
    ("bullet", "weights", "verdict"),
    [
        (
            "Weight stable (±5kg) for at least 6 months",
            (("2026-07-01", 80.0), ("2026-09-01", 85.0), ("2026-11-20", 79.0)),
            "potential-candidate",
        ),
        (
            "Weight stable (±5kg) for at least 6 months",
            (("2026-07-01", 80.0), ("2026-09-01", 91.0), ("2026-11-20", 80.0)),
            "ineligible",
        ),
        (
            "Body weight stable for 3 months prior (±3 kg)",
            (("2026-09-10", 70.0), ("2026-10-15", 73.0), ("2026-11-20", 68.0)),
            "potential-candidate",
        ),
    ],
)
def test_a_stable_weight_fails_only_beyond_the_band_around_every_recorded_weight(
    bullet: str, weights: tuple[tuple[str, float], ...], verdict: str
) -> None:
    person = record(patient(), *_weights(*weights))
    assert verdict_of_inclusion_bullet(bullet, person) == verdict


# "Glaucoma" is the title of H40, whose H40.0 holds the glaucoma suspects (borderline findings,
# anatomical narrow angle, steroid responders, ocular hypertension): no glaucoma ("history of
# glaucoma or ocular hypertension", NCT03863535 exc-4; "severe glaucoma", NCT03866746 exc-6).
NARROW_ANGLE = condition(
    "Anatomical narrow angle, bilateral", (ICD, "H40.033", "Anatomical narrow angle, bilateral")
)
OCULAR_HYPERTENSION = condition(
    "Ocular hypertension, bilateral", (ICD, "H40.053", "Ocular hypertension, bilateral")
)
OPEN_ANGLE_GLAUCOMA = condition(
    "Primary open-angle glaucoma",
    (ICD, "H40.1131", "Primary open-angle glaucoma, bilateral, mild stage"),
)


@pytest.mark.parametrize(
    ("bullet", "entry", "expected"),
    [
        ("Glaucoma", NARROW_ANGLE, "not-met"),
        ("Glaucoma", OCULAR_HYPERTENSION, "not-met"),
        ("Glaucoma", OPEN_ANGLE_GLAUCOMA, "met"),
        ("history of glaucoma or ocular hypertension;", NARROW_ANGLE, "not-met"),
        ("history of glaucoma or ocular hypertension;", OCULAR_HYPERTENSION, "met"),
    ],
)
def test_a_glaucoma_suspect_is_no_glaucoma(bullet: str, entry: dict, expected: str) -> None:
    criterion = compile_text(bullet, exclusion=True)
    assert criterion is not None
    assert result_of(criterion, record(patient(), entry), excluding=True) == expected
