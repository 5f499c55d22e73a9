"""Time windows written without "within" (fourteenth session, `windows`).

- An exclusion's "X two years prior to enrollment", "X 4 weeks preceding the enrollment", "X 2
  years prior to the screening period" names the window before enrolment as "within" would
  (NCT03863197 exc-3, NCT03925818 exc-6, NCT03921775 exc-2). Not in an inclusion (where "X 3
  months prior to screening" is as often "at least" as "within"), not after a word that makes
  the number a bound, a duration or a range, not before another moment than enrolment.
- "Within the past 12-month period" (NCT03861650 exc-3, NCT03869021 exc-3) and "in the past six
  month period" (NCT03862924 inc-1): the period is the window. A hyphenated number of weeks that
  names a programme ("the 4-week run-in") is no window.
- An ICD-10-CM title followed by "during the previous three months" (NCT03933059 exc-3) is dated
  by that window as the hand-made names are; "during pregnancy" is not a window.

Expected forms and results were written from the clinical text before running the code.
"""

from __future__ import annotations

import pytest

from fhirtrial.eligibility.rules import compile_text
from tests.eligibility.ehr_records import (
    ICD,
    condition,
    criteria_text,
    patient,
    procedure,
    record,
    result_of,
    verdict_of_study,
)
from tests.eligibility.signature import signature


def _form(text: str, *, exclusion: bool = True) -> str | None:
    return signature(compile_text(text, exclusion=exclusion, partial=True))


@pytest.mark.parametrize(
    ("bullet", "expected"),
    [
        (
            "Lower limb surgery two years prior to enrollment",
            "all-of(procedure:surgery:w-731,0,enrollment, text)",
        ),
        (
            "Patients with a history of drug abuse and / or alcohol abuse 2 years prior to the "
            "screening period",
            "any-of(condition:drug-use-disorder:w-731,0,enrollment, "
            "condition:alcohol-use-disorder:w-731,0,enrollment)",
        ),
        (
            "Use of anti-secretory drugs, antibiotics or probiotics 4 weeks preceding the "
            "enrollment.",
            "any-of(medication:antibiotic:w-28,0,enrollment, "
            "medication:probiotic:w-28,0,enrollment, text)",
        ),
        (
            "Major surgery 4 weeks prior to randomization",
            "procedure:major-surgery:w-28,0,enrollment",
        ),
        ("Stroke 6 months before inclusion", "condition:stroke:w-183,0,enrollment"),
        (
            "Use of antibiotics 3 months prior to screening",
            "medication:antibiotic:w-91,0,enrollment",
        ),
    ],
)
def test_an_exclusions_time_before_enrolment_is_its_window(bullet: str, expected: str) -> None:
    assert _form(bullet) == expected


@pytest.mark.parametrize(
    "bullet",
    [
        # a duration, a range, a bound opened by a symbol or a word before the number
        "Use of antibiotics for 3 months prior to screening",
        "Use of antibiotics between 3 and 6 months prior to screening",
        "Use of antibiotics 3-6 months prior to screening",
        # another moment: the study's operation comes after enrolment
        "Use of antibiotics 3 months before surgery",
        "Stroke 6 months before the operation",
        # a window written before what it limits is not placed
        "6 months prior to screening, myocardial infarction",
    ],
)
def test_an_exclusions_time_that_is_no_window_of_enrolment_stays_text(bullet: str) -> None:
    assert _form(bullet) is None


@pytest.mark.parametrize(
    "bullet",
    [
        "Diagnosis of Crohn disease 3 months prior to screening",
        "Stroke 6 months before inclusion",
    ],
)
def test_an_inclusions_time_before_enrolment_without_within_stays_text(bullet: str) -> None:
    # "Diagnosis 3 months prior to screening" in an inclusion means "at least" as often.
    assert _form(bullet, exclusion=False) is None


@pytest.mark.parametrize(
    ("bullet", "expected"),
    [
        (
            "Chemotherapy within the past 12-month period.",
            "prior-therapy:cytotoxic-chemotherapy:w-365,0,enrollment",
        ),
        ("Stroke in the previous six month period", "condition:stroke:w-183,0,enrollment"),
        ("Major surgery within the 4-week period", "procedure:major-surgery:w-28,0,enrollment"),
    ],
)
def test_a_period_of_months_is_a_window(bullet: str, expected: str) -> None:
    assert _form(bullet) == expected


def test_a_programme_of_weeks_is_no_window() -> None:
    assert _form("Major surgery in the 4-week run-in") is None


@pytest.mark.parametrize(
    "bullet",
    [
        "Pneumonia in the 12-month period following transplant",
        "Pneumonia within the 6-month period prior to surgery",
    ],
)
def test_a_period_counted_from_another_moment_stays_text(bullet: str) -> None:
    assert _form(bullet) is None


@pytest.mark.parametrize(
    ("bullet", "expected"),
    [
        (
            "Suicide attempt during the previous three months;",
            "condition:icd10cm:T14.91+Z91.51:w-91,0,enrollment",
        ),
        ("Migraine during the past 3 months", "condition:icd10cm:G43:w-91,0,enrollment"),
    ],
)
def test_a_title_is_dated_by_a_window_opened_with_during(bullet: str, expected: str) -> None:
    assert _form(bullet) == expected


def test_a_title_during_another_moment_stays_text() -> None:
    assert _form("Migraine during pregnancy") is None


KNEE_SURGERY_LONG_AGO = procedure(
    "Arthroscopy of knee", "2019-05-14", ("http://snomed.info/sct", "76689009", "Arthroscopy")
)
KNEE_SURGERY_THIS_YEAR = procedure(
    "Arthroscopy of knee", "2026-05-14", ("http://snomed.info/sct", "76689009", "Arthroscopy")
)


def test_an_operation_seven_years_ago_does_not_exclude() -> None:
    text = criteria_text(["Age 18 or older"], ["Lower limb surgery two years prior to enrollment"])
    assert verdict_of_study(text, record(patient(), KNEE_SURGERY_LONG_AGO)) == "eligible"


def test_an_operation_this_year_is_left_to_review() -> None:
    # Surgery in the window, but whether it was of the lower limb the record does not say.
    text = criteria_text(["Age 18 or older"], ["Lower limb surgery two years prior to enrollment"])
    assert verdict_of_study(text, record(patient(), KNEE_SURGERY_THIS_YEAR)) not in (
        "eligible",
        "ineligible",
    )


def _alcohol_dependence(onset: str, abated: str | None) -> dict:
    return condition(
        "Alcohol dependence",
        (ICD, "F10.20", "Alcohol dependence, uncomplicated"),
        status="resolved" if abated else "active",
        onset=onset,
        abated=abated,
    )


@pytest.mark.parametrize(
    ("onset", "abated", "expected"),
    [
        ("2010-02-01", "2015-06-30", "not-met"),  # over long before the two years
        ("2026-03-01", None, "met"),  # in the two years before enrolment
    ],
)
def test_a_past_abuse_counts_only_in_its_window(
    onset: str, abated: str | None, expected: str
) -> None:
    criterion = compile_text(
        "Patients with a history of drug abuse and / or alcohol abuse 2 years prior to the "
        "screening period",
        exclusion=True,
    )
    assert criterion is not None
    assert (
        result_of(criterion, record(patient(), _alcohol_dependence(onset, abated)), excluding=True)
        == expected
    )
