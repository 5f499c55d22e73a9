"""Bullets that belong to one group of a study decide no patient of another group.

A study with two groups (healthy volunteers and neonates, Group A and Group B, emergency and
surgical patients) lists some criteria for one group only. Read as everyone's, such a bullet
turns away a patient who fits the other group: a wrong "ineligible". Each expectation below is
written from the clinical text: a patient who fits group A is never ineligible because of a
bullet that belongs to group B.
"""

from __future__ import annotations

from fhirtrial.eligibility.compiler import compile_outline
from fhirtrial.eligibility.model import CompiledNode
from fhirtrial.eligibility.outline import parse_outline
from tests.eligibility.ehr_records import (
    ICD,
    LOINC,
    PREGNANT,
    condition,
    medication,
    observation,
    patient,
    record,
    verdict_of_study,
)
from tests.eligibility.signature import signature

_UCUM = "http://unitsofmeasure.org"


def _leaves(text: str) -> dict[str, tuple[str | None, str | None]]:
    """Every compiled leaf's text → (its cohort, its signature)."""
    found: dict[str, tuple[str | None, str | None]] = {}

    def walk(nodes: list[CompiledNode]) -> None:
        for node in nodes:
            if not node.children:
                found[node.text] = (node.cohort, signature(node.criterion))
            walk(node.children)

    walk(compile_outline(parse_outline(text)))
    return found


def _combination_of(text: str, lead_in: str) -> str:
    for node in compile_outline(parse_outline(text)):
        if node.text == lead_in:
            return node.combination
    raise AssertionError(lead_in)


# NCT03861182: the adults' lead-in is spelled with two adjectives and a space before its colon.
VOLUNTEERS_AND_NEONATES = """Inclusion Criteria:
Adult Healthy Volunteers :
- Over 18 years of age
Neonates:
  -  Aged between 1h of life and 28 days of life
  -  Hospitalized in the medical-surgical centre of Pediatrics
Exclusion Criteria:
Adult Healthy Volunteers :
  -  Systemic inflammatory disease
Neonates:
  -  Current anticoagulant treatment
"""


def test_a_lead_in_naming_people_beside_a_population_is_another_population() -> None:
    leaves = _leaves(VOLUNTEERS_AND_NEONATES)
    assert leaves["Over 18 years of age"] == ("Adult Healthy Volunteers", "age:>18a")
    assert leaves["Current anticoagulant treatment"] == ("Neonate", "medication:anticoagulant")


def test_a_neonate_is_not_held_to_the_adult_volunteers_age() -> None:
    """A 10-day-old in hospital fits the neonates' list; 'Over 18 years of age' is the adult
    volunteers' criterion. Before, it applied to everyone and ruled every neonate out."""
    neonate = record(patient("male", born="2026-11-21"))
    assert verdict_of_study(VOLUNTEERS_AND_NEONATES, neonate) != "ineligible"


def test_an_adult_volunteer_is_not_held_to_the_neonates_exclusion() -> None:
    """'Current anticoagulant treatment' excludes neonates; an adult volunteer on warfarin is
    judged by the volunteers' list only (where a drug acting on coagulation stays unknown)."""
    on_warfarin = record(
        patient("male", born="1980-03-01"),
        medication("warfarin 5 mg tablet", "2026-06-01", status="active"),
    )
    assert verdict_of_study(VOLUNTEERS_AND_NEONATES, on_warfarin) != "ineligible"


# NCT03934866 and NCT03922932 ("I. Group B"): a label alone on its line, without a colon.
TWO_GROUPS_WITHOUT_COLONS = """Inclusion Criteria:
- Group A
  1. Type 2 diabetes
Group B
  1. Individuals 50 to 77 years old
Exclusion Criteria:
  -  Group A
  -  Pregnancy.
I. Group B
  -  Currently receiving chemotherapy
"""


def test_a_label_alone_on_its_line_ties_the_criteria_after_it() -> None:
    leaves = _leaves(TWO_GROUPS_WITHOUT_COLONS)
    assert leaves["Type 2 diabetes"] == ("Group A", "condition:diabetes-type-2")
    assert leaves["Individuals 50 to 77 years old"] == ("Group B", "age:50..77a")
    assert leaves["Pregnancy."] == ("Group A", "pregnancy:pregnancy")


def test_a_patient_of_group_a_is_not_held_to_group_b_age() -> None:
    """A 40-year-old man with type 2 diabetes fits Group A; Group B's '50 to 77 years old' must
    not rule him out. Before, both lists were one all-of."""
    diabetic = record(
        patient("male", born="1986-05-01"),
        condition("Type 2 diabetes", (ICD, "E11.9", "Type 2 diabetes mellitus")),
    )
    assert verdict_of_study(TWO_GROUPS_WITHOUT_COLONS, diabetic) != "ineligible"


def test_a_patient_of_group_b_is_not_held_to_group_a_exclusion() -> None:
    """A pregnant 52-year-old without diabetes fits Group B by age; 'Pregnancy.' is listed under
    Group A's exclusions only."""
    pregnant = record(patient("female", born="1974-02-01"), PREGNANT)
    assert verdict_of_study(TWO_GROUPS_WITHOUT_COLONS, pregnant) != "ineligible"


# NCT03929159: the SIRS signs are asked of the emergency-center patients only.
EMERGENCY_ONLY = """Inclusion Criteria:
  -  Scheduled for surgery (for patients in POEM) or suspicion of sepsis (for patients in ED)
  -  For patients in the emergency center only, two or more of the following SIRS criteria:
       -  Heart rate > 90 beats/minute (min)
       -  Respiratory rate > 20 breaths/min or partial pressure of carbon dioxide (CO2) < 32 mmHg
Exclusion Criteria:
  -  Active "Do Not Resuscitate" order
"""


def test_a_lead_in_for_one_group_only_leaves_its_sub_bullets_text() -> None:
    leaves = _leaves(EMERGENCY_ONLY)
    assert leaves["Heart rate > 90 beats/minute (min)"] == (None, None)


def test_a_surgical_patient_is_not_held_to_the_emergency_patients_signs() -> None:
    """A patient scheduled for surgery has a heart rate of 72 and a respiratory rate of 14: no
    SIRS signs, which only the emergency-center patients must show."""
    calm = record(
        patient("female", born="1961-01-01"),
        observation(
            (LOINC, "8867-4", "Heart rate"),
            "2026-11-28",
            valueQuantity={"value": 72, "unit": "/min", "system": _UCUM},
        ),
        observation(
            (LOINC, "9279-1", "Respiratory rate"),
            "2026-11-28",
            valueQuantity={"value": 14, "unit": "/min", "system": _UCUM},
        ),
    )
    assert verdict_of_study(EMERGENCY_ONLY, calm) != "ineligible"


def test_bullets_one_group_only_stay_text() -> None:
    """NCT03921450, NCT03863561, NCT03869372, NCT03799497: the group a bullet is reserved for
    is named, the outline ties it to none; the bullet decides nobody."""
    text = """Inclusion Criteria:
  -  Age 18 years or older
  -  A1C ≥ 8.0% (DSME cohort only)
  -  Only for the control Group : BMI between 18 and 25
Exclusion Criteria:
  -  Patients only: any TMS treatment in the past 3 months
  -  Controls only: history of any psychiatric disorder
  -  history of chronic gastrointestinal symptoms (for healthy control population only)
"""
    leaves = _leaves(text)
    assert leaves["Age 18 years or older"] == (None, "age:>=18a")
    for bullet in (
        "A1C ≥ 8.0% (DSME cohort only)",
        "Only for the control Group : BMI between 18 and 25",
        "Patients only: any TMS treatment in the past 3 months",
        "Controls only: history of any psychiatric disorder",
        "history of chronic gastrointestinal symptoms (for healthy control population only)",
    ):
        assert leaves[bullet][1] is None, bullet


def test_a_cohort_named_with_only_keeps_its_tie() -> None:
    """NCT03921658: 'Cohort 1 only:' is tied to its cohort, as before."""
    text = "Inclusion Criteria:\n  -  Cohort 1 only: Age 18 years or older\n"
    assert _leaves(text)["Cohort 1 only: Age 18 years or older"][0] == "Cohort 1"


# NCT03923231: the patient is in one of the listed populations, not in all of them.
ONE_OF_THE_POPULATIONS = """Inclusion Criteria:
  -  Participant is within one of the target populations:
       -  Pregnant (>20 weeks)
       -  Body mass index >30 or <18.5 Kg/m2
       -  Child or adolescent aged <18 years
"""
# NCT03937934: "one of more" is a slip for "one or more".
ONE_OR_MORE_DISEASES = """Inclusion Criteria:
  -  Adult patients
  -  Also has one of more of the following chronic diseases:
       -  Hypertension,
       -  DM 2,
       -  obesity
"""


def test_one_of_the_target_populations_is_any_of() -> None:
    lead_in = "Participant is within one of the target populations:"
    assert _combination_of(ONE_OF_THE_POPULATIONS, lead_in) == "any-of"
    lead_in = "Also has one of more of the following chronic diseases:"
    assert _combination_of(ONE_OR_MORE_DISEASES, lead_in) == "any-of"
    every = "Inclusion Criteria:\n  -  Every one of the listed items:\n    -  Asthma\n    -  COPD\n"
    assert _combination_of(every, "Every one of the listed items:") == "all-of"


def test_a_pregnant_adult_fits_one_of_the_target_populations() -> None:
    """A 30-year-old pregnant woman with a BMI of 24: she is in the pregnant population and
    neither of the other two; before, all three were required."""
    pregnant = record(
        patient("female", born="1996-03-01"),
        PREGNANT,
        observation(
            (LOINC, "39156-5", "Body mass index (BMI) [Ratio]"),
            "2026-10-15",
            valueQuantity={"value": 24, "unit": "kg/m2", "system": _UCUM},
        ),
    )
    assert verdict_of_study(ONE_OF_THE_POPULATIONS, pregnant) != "ineligible"


def test_a_hypertensive_adult_has_one_of_the_chronic_diseases() -> None:
    """Hypertension alone is one of the diseases; no diabetes or obesity is needed."""
    hypertensive = record(
        patient("male", born="1960-01-01"),
        condition("Hypertension", (ICD, "I10", "Essential (primary) hypertension")),
    )
    assert verdict_of_study(ONE_OR_MORE_DISEASES, hypertensive) != "ineligible"
