"""Sub-bullets of an exclusion lead-in that only introduces alternatives ("Any of the
following:", "History of:", "… are the basis for exclusion criteria:") each exclude on their
own, as a top-level exclusion bullet would: they are read like one, in part too ("ESRD
requiring dialysis" → all-of(ESRD, TEXT)). Lead-ins that set a condition, a population, a
definition, examples that may be what does not count, or exceptions leave them as before."""

from __future__ import annotations

import pytest

from fhirtrial.eligibility.compiler import compile_outline
from fhirtrial.eligibility.model import CompiledNode
from fhirtrial.eligibility.outline import parse_outline
from tests.eligibility.ehr_records import (
    ICD,
    condition,
    criteria_text,
    patient,
    record,
    verdict_of_study,
)
from tests.eligibility.signature import signature

ESRD = "End-stage renal disease requiring dialysis"
ESRD_READ = "all-of(condition:icd10cm:N18.6, text)"
APHASIA = "Aphasia, apraxia or agnosia"


def _sub_bullet(lead_in: str, bullet: str) -> str:
    text = f"Inclusion Criteria:\n- Age 18 years or older\n\nExclusion Criteria:\n- {lead_in}\n"
    text += f"  - {bullet}\n  - Pregnancy\n"
    nodes = compile_outline(parse_outline(text))

    def find(found: list[CompiledNode]) -> CompiledNode | None:
        for node in found:
            if node.text == bullet:
                return node
            if (inner := find(node.children)) is not None:
                return inner
        return None

    node = find(nodes)
    assert node is not None
    return signature(node.criterion) if node.criterion is not None else ""


@pytest.mark.parametrize(
    "lead_in",
    [
        "Any of the following:",
        "At least one of the following criteria:",
        "History of:",
        "Medical conditions:",
        "The following exclusion criteria apply to all subjects:",
        "For all participants:",
        "None of the following criteria must be fulfilled for a subject to be eligible:",
        "Patients must not meet any of the following exclusion criteria to be eligible:",
        "Medical conditions, including but not limited to:",
    ],
)
def test_an_alternative_under_a_neutral_lead_in_is_read_as_an_exclusion(lead_in: str) -> None:
    assert _sub_bullet(lead_in, ESRD) == ESRD_READ


@pytest.mark.parametrize(
    "lead_in",
    [
        "For healthy controls:",  # a population: the bullet excludes only its members
        "Couples in whom the male partner has a history of:",  # someone else's history
        "Patients who are inappropriate to join this trial judged by the investigator:",
        "All of the following:",  # together, not each
        "Both of the following:",
        "Immunocompromised patients defined by:",  # a definition
        "Conditions not considered exclusionary, for example:",  # what does not count
        "Prior malignancy, with the following exceptions:",  # exceptions
        "Chronic kidney disease and:",  # "A and: - B": A with B
        "Severe symptoms",  # not a lead-in: the outline's nesting is doubtful
        "Uncontrolled intercurrent illness including:",  # narrows what it lists
        "Within 6 months prior to enrollment:",  # a window the sub-bullets read alone lose
        "Kidney diseases, including:",  # a diagnosis's own words may narrow (not read yet)
        "In category 1, the following are exclusionary:",  # a population
    ],
)
def test_a_lead_in_that_sets_a_condition_leaves_its_sub_bullets_as_text(lead_in: str) -> None:
    assert _sub_bullet(lead_in, ESRD) == ""


def test_a_sub_bullet_read_in_full_as_an_inclusion_keeps_that_reading() -> None:
    # Only a sub-bullet the inclusion reading leaves as text is read anew.
    # (Pregnancy beside breastfeeding is either state: `test_fifteenth_session_audit`.)
    assert _sub_bullet("Any of the following:", "Pregnant and lactating women") == (
        "any-of(pregnancy:pregnancy, breastfeeding:breastfeeding)"
    )


_ANY_OF_TEXT = criteria_text(["Age 18 years or older"], ["Any of the following:"]) + (
    f"  - {ESRD}\n  - {APHASIA}\n"
)
_ESRD_ENTRY = condition("ESRD on hemodialysis", (ICD, "N18.6", "End stage renal disease"))
_APHASIA_ENTRY = condition("Aphasia", (ICD, "R47.01", "Aphasia"))
_HYPERTENSION = condition("Hypertension", (ICD, "I10", "Essential (primary) hypertension"))


def test_a_patient_without_the_listed_conditions_is_not_excluded() -> None:
    assert verdict_of_study(_ANY_OF_TEXT, record(patient(), _HYPERTENSION)) != "ineligible"


def test_a_patient_meeting_only_the_read_part_of_a_narrowed_bullet_is_unknown() -> None:
    # ESRD is recorded; whether it requires dialysis is not: the exclusion is not met.
    assert verdict_of_study(_ANY_OF_TEXT, record(patient(), _ESRD_ENTRY)) == "potential-candidate"


def test_a_patient_with_one_listed_alternative_is_excluded() -> None:
    # "Aphasia, apraxia or agnosia": aphasia alone, as written, excludes.
    assert verdict_of_study(_ANY_OF_TEXT, record(patient(), _APHASIA_ENTRY)) == "ineligible"


def test_a_population_lead_in_does_not_exclude_a_patient_outside_it() -> None:
    text = criteria_text(["Age 18 years or older"], ["For healthy controls:"])
    text += f"  - {APHASIA}\n  - {ESRD}\n"
    assert verdict_of_study(text, record(patient(), _APHASIA_ENTRY)) != "ineligible"
