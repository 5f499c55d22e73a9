"""An exclusion lead-in whose sub-bullets do not exclude: "The following conditions are
allowed:", "… will not be considered exclusions:", "Patients with any of the following are
eligible:". Read alone, each sub-bullet excluded the very patients the lead-in keeps."""

from __future__ import annotations

import pytest

from tests.eligibility.ehr_records import (
    ICD,
    condition,
    criteria_text,
    patient,
    record,
    verdict_of_study,
)

HYPERTENSION = condition("Essential hypertension", (ICD, "I10", "Essential (primary) hypertension"))


def _text(lead_in: str) -> str:
    text = criteria_text(["Age 18 years or older"], ["Pregnancy"])
    return text + f"- {lead_in}\n  - Hypertension\n  - Asthma\n"


@pytest.mark.parametrize(
    "lead_in",
    [
        "The following conditions are allowed:",
        "The following will not be considered exclusions:",
        "Patients with any of the following are eligible:",
        "Participants with the following may be enrolled:",
        "The following conditions will not be considered, unless they present with",
    ],
)
def test_a_sub_bullet_of_an_allowance_never_excludes(lead_in: str) -> None:
    person = record(patient(), HYPERTENSION)
    assert verdict_of_study(_text(lead_in), person) != "ineligible"


def test_a_sub_bullet_of_a_plain_lead_in_still_excludes() -> None:
    person = record(patient(), HYPERTENSION)
    assert verdict_of_study(_text("Any of the following:"), person) == "ineligible"


def test_a_lead_in_wrapped_before_its_colon_is_one_lead_in() -> None:
    # The registry wraps long lines: "… unless they present with" / "systemic repercussion.
    # For example:" is one lead-in whose examples are not exclusions.
    text = criteria_text(["Age 18 years or older"], []) + (
        "The following conditions will not be considered as outcome, unless they present with\n"
        "systemic repercussion due to infection. For example:\n"
        "  -  Hypertension\n"
        "  -  Tuberculosis\n"
    )
    person = record(patient(), HYPERTENSION)
    assert verdict_of_study(text, person) != "ineligible"
