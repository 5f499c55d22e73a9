"""A time window written before what it limits ("Within 4 weeks prior to enrollment, any major
surgery", "In the past 6 months, hospitalization for heart failure") was dropped: the criterion
was read as any major surgery ever, and a patient operated on years ago was excluded. Such a
bullet stays text until a reading places the window; windows after the noun are read as before.
A procedure's bound counted from another moment ("radiotherapy < 4 weeks before surgery") is no
window of enrolment either.
A diagnosis's age ("diagnosed at least 1 year ago") is a window on the onset, and an undated
diagnosis recorded recently cannot say how old it is (`unknown`)."""

from __future__ import annotations

import pytest

from fhirtrial.eligibility.compiler import compile_text
from tests.eligibility.ehr_records import (
    ICD,
    condition,
    criteria_text,
    patient,
    record,
    result_of,
    verdict_of_study,
)
from tests.eligibility.signature import bullet_signature


@pytest.mark.parametrize(
    ("section", "bullet"),
    [
        ("Exclusion", "Within 4 weeks prior to enrollment, any major surgery"),
        ("Exclusion", "Within 6 months prior to screening, myocardial infarction or stroke"),
        ("Exclusion", "In the last 3 months, use of systemic corticosteroids"),
        ("Exclusion", "During the past 12 months, stroke"),
        ("Exclusion", "In the past 6 months, hospitalization for heart failure"),
        ("Exclusion", "Past year: myocardial infarction"),
        ("Exclusion", "(within 6 months) myocardial infarction"),
        ("Exclusion", "< 6 months ago, myocardial infarction"),
        ("Exclusion", "Within 4 weeks of the first dose, any major surgery"),
        ("Exclusion", "In the past year, smoking"),
        ("Exclusion", "Within the last 3 months, use of antibiotics or probiotics"),
        ("Exclusion", "In the past year: hospitalization for COPD exacerbation"),
        (
            "Exclusion",
            "Within 4 weeks prior to enrollment, any major surgery or significant traumatic injury",
        ),
        ("Inclusion", "Within the past 6 months, diagnosis of type 2 diabetes"),
        ("Inclusion", "In the past 5 years, HbA1c > 7%"),
    ],
)
def test_a_window_before_what_it_limits_stays_text(section: str, bullet: str) -> None:
    assert bullet_signature(bullet, section) is None


@pytest.mark.parametrize(
    ("bullet", "expected"),
    [
        (
            "Major surgery within 4 weeks prior to enrollment",
            "procedure:major-surgery:w-28,0,enrollment",
        ),
        (
            "Myocardial infarction in the past 6 months",
            "condition:myocardial-infarction:w-183,0,enrollment",
        ),
        (
            "Myocardial infarction, stroke or unstable angina within 6 months",
            "any-of(condition:myocardial-infarction:w-183,0,enrollment, "
            "condition:stroke:w-183,0,enrollment, condition:unstable-angina:w-183,0,enrollment)",
        ),
    ],
)
def test_a_window_after_what_it_limits_is_read(bullet: str, expected: str) -> None:
    assert bullet_signature(bullet, "Exclusion") == expected


@pytest.mark.parametrize(
    ("bullet", "expected"),
    [
        (
            "Diagnosis of type 2 diabetes for more than 1 year",
            "condition:diabetes-type-2:w,-365,enrollment",
        ),
        (
            "Type 2 diabetes diagnosed at least 1 year before screening",
            "condition:diabetes-type-2:w,-365,enrollment",
        ),
        (
            "Diagnosed with type 2 diabetes at least 6 months ago",
            "condition:diabetes-type-2:w,-183,enrollment",
        ),
        ("Asthma for at least 12 months", "condition:asthma:w,-365,enrollment"),
    ],
)
def test_the_age_of_a_diagnosis_is_a_window_on_its_onset(bullet: str, expected: str) -> None:
    assert bullet_signature(bullet, "Inclusion") == expected


@pytest.mark.parametrize(
    "bullet",
    [
        "Major surgery less than 4 weeks before surgery",
        "Major surgery < 4 weeks before the operation",
        "Radiotherapy less than 4 weeks before surgery",
        "Radiotherapy < 2 weeks before the planned procedure",
    ],
)
def test_a_procedure_bound_counted_from_another_moment_stays_text(bullet: str) -> None:
    # The study's operation is after enrolment: "< 4 weeks before surgery" is not [-28, 0].
    assert bullet_signature(bullet, "Exclusion") is None


@pytest.mark.parametrize(
    ("bullet", "expected"),
    [
        (
            "Major surgery < 4 weeks before the first dose",
            "procedure:major-surgery:w-28,0,enrollment",
        ),
        (
            "Radiotherapy ≤ 28 days prior to registration",
            "procedure:radiotherapy:w-28,0,enrollment",
        ),
        (
            "Major surgery less than 4 weeks before enrollment",
            "procedure:major-surgery:w-28,0,enrollment",
        ),
    ],
)
def test_a_procedure_bound_counted_from_enrolment_is_read(bullet: str, expected: str) -> None:
    assert bullet_signature(bullet, "Exclusion") == expected


OLD_STROKE = condition(
    "Cerebral infarction", (ICD, "I63.9", "Cerebral infarction, unspecified"), onset="2015-03-02"
)


def test_an_old_stroke_is_not_excluded_by_a_window_written_first() -> None:
    text = criteria_text(["Age 18 or older"], ["During the past 12 months, stroke"])
    assert verdict_of_study(text, record(patient(), OLD_STROKE)) != "ineligible"


def _diabetes(onset: str | None, recorded: str | None) -> dict:
    entry = condition(
        "Type 2 diabetes mellitus",
        (ICD, "E11.9", "Type 2 diabetes mellitus without complications"),
        onset=onset,
    )
    if recorded:
        entry["recordedDate"] = recorded
    return entry


@pytest.mark.parametrize(
    ("onset", "recorded", "expected"),
    [
        ("2020-05-01", None, "met"),
        ("2026-10-01", None, "not-met"),
        (None, "2019-01-15", "met"),  # recorded 7 years ago: diagnosed at least that long ago
        (None, "2026-11-01", "unknown"),  # recorded last month: the diagnosis may be older
        (None, None, "unknown"),
    ],
)
def test_an_undated_diagnosis_cannot_say_how_old_it_is(
    onset: str | None, recorded: str | None, expected: str
) -> None:
    criterion = compile_text("Type 2 diabetes diagnosed at least 1 year ago", exclusion=False)
    assert criterion is not None
    assert result_of(criterion, record(patient(), _diabetes(onset, recorded))) == expected


@pytest.mark.parametrize(
    ("bullet", "expected"),
    [
        (
            "Chronic anal fissure lasting more than 6 weeks",
            "condition:icd10cm:K60.1:w,-42,enrollment",
        ),
        ("Melasma persisting for more than 6 months", "condition:icd10cm:L81.1:w,-183,enrollment"),
        ("Melasma present for more than 12 weeks", "condition:icd10cm:L81.1:w,-84,enrollment"),
        (
            "Atopic dermatitis that has been documented for at least 2 years",
            "condition:icd10cm:L20:w,-731,enrollment",
        ),
        (
            "Psoriasis that persists for at least 6 months",
            "condition:icd10cm:L40:w,-183,enrollment",
        ),
    ],
)
def test_how_long_a_diagnosis_has_been_there_is_a_window_on_its_onset(
    bullet: str, expected: str
) -> None:
    assert bullet_signature(bullet, "Inclusion") == expected


@pytest.mark.parametrize(
    ("section", "bullet"),
    [
        # Which of two diagnoses the time is of is not said.
        ("Inclusion", "Asthma and hypertension present for at least 1 year"),
        ("Inclusion", "Psoriasis lasting at least 6 months or eczema"),
        # Past, negated, treated, a symptom's hours, a place not a time.
        ("Inclusion", "History of asthma lasting at least 1 year"),
        ("Inclusion", "No psoriasis lasting at least 6 months"),
        ("Inclusion", "Psoriasis persisting ≥ 3 months despite treatment"),
        ("Inclusion", "Headache lasting at least 4 hours"),
        ("Inclusion", "Psoriasis present in at least 3 body areas"),
        (
            "Inclusion",
            "Melasma persisting for more than 6 months that has failed to respond to conventional "
            "treatment with hydroquinone",
        ),
        # An exclusion reads only a recent diagnosis.
        ("Exclusion", "Psoriasis present for at least 6 months"),
    ],
)
def test_a_duration_the_reading_cannot_place_stays_text(section: str, bullet: str) -> None:
    assert bullet_signature(bullet, section) is None


def _dermatitis(onset: str | None, recorded: str | None) -> dict:
    entry = condition(
        "Atopic dermatitis", (ICD, "L20.9", "Atopic dermatitis, unspecified"), onset=onset
    )
    if recorded:
        entry["recordedDate"] = recorded
    return entry


@pytest.mark.parametrize(
    ("onset", "recorded", "expected"),
    [
        ("2019-06-01", None, "met"),
        ("2026-06-01", None, "not-met"),  # six months: not two years
        (None, "2026-11-20", "unknown"),  # charted last month, undated: may be older
    ],
)
def test_atopic_dermatitis_present_for_two_years_on_a_record(
    onset: str | None, recorded: str | None, expected: str
) -> None:
    criterion = compile_text("Atopic dermatitis present for at least 2 years", exclusion=False)
    assert criterion is not None
    assert result_of(criterion, record(patient(), _dermatitis(onset, recorded))) == expected
