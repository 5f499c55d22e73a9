"""Exclusion bullets that name a known diagnosis with words around it the rules used to miss.

Three classes, mined from the development texts (forms written from the text first):

- time windows worded "during the past N months", "during the N months prior to X", "in the
  preceding N weeks": a window before enrolment, like "within N months";
- "acute" before an event that is acute by nature (stroke, TIA, pulmonary embolism) when the
  bullet gives a window: the window says the episode is recent; without one it stays text;
- "hospitalized for X …" / "hospitalization for X or Y": each condition carries the qualifier
  ``requiring-hospitalization``, which no diagnosis states: `unknown` when X is recorded (in the
  window), `not-met` when it is not;
- "known or suspected X" (`rules.suspicion`): a recorded X excludes; a suspicion is no record
  and stays text: any-of(X, text); a suspicion alone stays text;
- "moderate to severe X": a judgement (``moderate-or-severe``) like "severe": `unknown` when X is
  recorded; "chronic" before a disease chronic by definition (IBD) adds nothing, elsewhere it
  narrows the diagnosis and stays text.
"""

from __future__ import annotations

import pytest

from fhirtrial.eligibility.model import Criterion, Kind
from fhirtrial.eligibility.rules import compile_text
from tests.eligibility.ehr_records import ICD, condition, patient, record, result_of
from tests.eligibility.signature import signature

W6M = "w-183,0,enrollment"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # "Receipt of" is "received" (the usual lead of the live-vaccine exclusion).
        (
            "Receipt of a live vaccine within 30 days prior to the first dose",
            "vaccine:live-vaccine:w-30,0,enrollment",
        ),
        ("Stroke during the past 6 months", f"condition:stroke:{W6M}"),
        (
            "Myocardial infarction during the last 6 months.",
            f"condition:myocardial-infarction:{W6M}",
        ),
        (
            "History of myocardial infarction during the 6 months prior to enrollment",
            f"condition:myocardial-infarction:{W6M}",
        ),
        (
            "Pulmonary embolism in the preceding 6 weeks",
            "condition:pulmonary-embolism:w-42,0,enrollment",
        ),
        (
            "Acute stroke or transient ischemic attack (TIA) within 6 months prior to enrolment;",
            f"any-of(condition:stroke:{W6M}, condition:transient-ischemic-attack:{W6M})",
        ),
        (
            "Acute pulmonary embolism within the past 3 months",
            "condition:pulmonary-embolism:w-91,0,enrollment",
        ),
        (
            "Hospitalized for AF in the past three months.",
            "condition:atrial-fibrillation:w-91,0,enrollment",
        ),
        (
            "Hospitalization for unstable angina or acute myocardial infarction within 6 months "
            "prior to enrolment;",
            f"any-of(condition:unstable-angina:{W6M}, condition:myocardial-infarction:{W6M})",
        ),
        (
            "Been hospitalised for heart failure, coronary artery disease or atrial fibrillation "
            "in the last four weeks",
            "any-of(condition:heart-failure:w-28,0,enrollment, "
            "condition:coronary-artery-disease:w-28,0,enrollment, "
            "condition:atrial-fibrillation:w-28,0,enrollment)",
        ),
        ("Stroke < 3 months ago", "condition:stroke:w-91,0,enrollment"),
        (
            "Myocardial infarction less than 6 months before enrollment",
            f"condition:myocardial-infarction:{W6M}",
        ),
        ("Stroke in the 6 months preceding enrollment", f"condition:stroke:{W6M}"),
        ("History of seizures requiring hospitalization", "condition:seizure"),
        ("Heart failure of any severity", "condition:heart-failure"),
        ("Any grade of heart failure", "condition:heart-failure"),
        # Who made the diagnosis or where it is written: the record's diagnosis is that one.
        ("Bronchial asthma (recorded by anamnesis)", "condition:asthma"),
        ("Coded diagnoses of type 1 diabetes", "condition:diabetes-type-1"),
        ("Diabetes, as documented in the medical record", "condition:diabetes-mellitus"),
        (
            "Subject has previously received allogenic stem cell transplant",
            "condition:stem-cell-transplant",
        ),
        ("Moderate to severe chronic obstructive lung disease", "condition:copd"),
        ("Moderate or severe asthma", "condition:asthma"),
        ("Chronic inflammatory bowel diseases,", "condition:inflammatory-bowel-disease"),
        # The manual the diagnosis is made by adds nothing the record's diagnosis lacks.
        ("Intellectual disability as defined in DSM V.", "condition:intellectual-disability"),
        (
            "DSM-5 diagnosis of schizophrenia or bipolar disorder",
            "any-of(condition:schizophrenia, condition:bipolar-disorder)",
        ),
        ("Meets DSM-5 criteria for bipolar disorder", "condition:bipolar-disorder"),
        # Nor does the test it was made by: a coded epilepsy is the established one.
        ("Epilepsy diagnosed by EEG", "condition:epilepsy"),
        (
            "Schizophrenia / schizoaffective disorder (DSM V).",
            "any-of(condition:schizophrenia, condition:schizoaffective-disorder)",
        ),
    ],
)
def test_exclusion_phrasings_compile_to_the_form_the_text_states(text: str, expected: str) -> None:
    assert signature(compile_text(text, exclusion=True)) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Acute stroke",  # no window: a current episode, which a problem list cannot tell
        "Acute heart failure within 1 month",  # acute HF is not any heart failure in the window
        "Stroke during pregnancy",  # not a window before enrolment
        "Stroke > 3 months ago",  # the converse of a window
        # Whether the window reaches the first clause is not said.
        "Prior allogenic stem cell transplant, or subject has received autologous stem cell "
        "transplant within 3 months before administration of the study agent;",
        "Stroke less than 3 months before surgery",  # another moment than enrolment
        "Stroke < 6 months",  # a duration as much as a window
        "Asthma or COPD requiring hospitalization",  # which items the stay is for is unclear
        "Hospitalization for heart failure or a fall within 6 months",  # an item not understood
        "History of chronic liver failure",  # chronic narrows liver failure (K72 is any)
        "Present DSM disorders, apart from alcohol use disorders",  # the class, with an exception
    ],
)
def test_phrasings_that_change_the_meaning_stay_text(text: str) -> None:
    assert compile_text(text, exclusion=True) is None


def _leaves(criterion: Criterion) -> list[tuple[str | None, tuple[str, ...]]]:
    if criterion.kind is Kind.COMBINATION:
        return [leaf for child in criterion.children for leaf in _leaves(child)]
    return [(criterion.concept, criterion.qualifiers)]


def test_every_condition_hospitalized_for_carries_the_qualifier() -> None:
    criterion = compile_text(
        "Hospitalization for unstable angina or acute myocardial infarction within 6 months",
        exclusion=True,
    )
    assert criterion is not None
    assert [q for _, q in _leaves(criterion)] == [("requiring-hospitalization",)] * 2


AF = (ICD, "I48.91", "Unspecified atrial fibrillation")
HOSPITALIZED_AF = "Hospitalized for AF in the past three months."


def _verdict(text: str, *resources: dict) -> str:
    criterion = compile_text(text, exclusion=True)
    assert criterion is not None
    return result_of(criterion, record(patient(), *resources))


def test_hospitalization_is_unknown_when_the_condition_is_recorded_in_the_window() -> None:
    recent_af = condition("Atrial fibrillation", AF, onset="2026-10-01")
    assert _verdict(HOSPITALIZED_AF, recent_af) == "unknown"


def test_hospitalization_is_not_met_without_the_condition_or_outside_the_window() -> None:
    hypertension = condition("Hypertension", (ICD, "I10", "Essential (primary) hypertension"))
    assert _verdict(HOSPITALIZED_AF, hypertension) == "not-met"
    assert _verdict(HOSPITALIZED_AF) == "unknown"  # no problem list: missing, never not-met
    old_af = condition(
        "Atrial fibrillation", AF, status="resolved", onset="2019-03-01", abated="2019-04-01"
    )
    assert _verdict(HOSPITALIZED_AF, old_af) == "not-met"


def test_a_window_read_from_during_decides_met_and_not_met() -> None:
    stroke = (ICD, "I63.9", "Cerebral infarction, unspecified")
    text = "Stroke during the past 6 months"
    recent = condition("Stroke", stroke, status="resolved", onset="2026-09-01", abated="2026-09-20")
    old = condition("Stroke", stroke, status="resolved", onset="2024-09-01", abated="2024-09-20")
    assert _verdict(text, recent) == "met"
    assert _verdict(text, old) == "not-met"


COPD = (ICD, "J44.9", "Chronic obstructive pulmonary disease, unspecified")


def test_moderate_to_severe_is_a_judgement_the_record_does_not_state() -> None:
    text = "Moderate to severe chronic obstructive lung disease"
    criterion = compile_text(text, exclusion=True)
    assert criterion is not None and criterion.qualifiers == ("moderate-or-severe",)
    assert _verdict(text, condition("COPD", COPD)) == "unknown"
    hypertension = condition("Hypertension", (ICD, "I10", "Essential (primary) hypertension"))
    assert _verdict(text, hypertension) == "not-met"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Known or suspected brain metastases", "any-of(condition:brain-metastases, text)"),
        ("Suspected or confirmed stroke", "any-of(condition:stroke, text)"),
        ("HIV infection (known or suspected)", "any-of(condition:hiv, text)"),
        (
            "Known or suspected hepatitis B or C",
            "any-of(condition:hbv, condition:hcv, text)",
        ),
        (
            "Patient has known or suspected active seizure disorder",
            "any-of(condition:epilepsy, text)",
        ),
        ("Suspected stroke", None),
        ("Known or suspected malignancy", None),  # in a cancer study: another one
        ("Known or suspected non-compliance, drug or alcohol abuse", None),
    ],
)
def test_known_or_suspected_reads_the_record_and_leaves_the_suspicion(
    text: str, expected: str | None
) -> None:
    assert signature(compile_text(text, exclusion=True, partial=True)) == expected


def test_a_suspicion_is_never_met_nor_not_met_by_the_record() -> None:
    text = "Known or suspected brain metastases"
    criterion = compile_text(text, exclusion=True, partial=True)
    assert criterion is not None
    mets = condition("Brain metastases", (ICD, "C79.31", "Secondary malignant neoplasm of brain"))
    hypertension = condition("Hypertension", (ICD, "I10", "Essential (primary) hypertension"))
    assert result_of(criterion, record(patient(), mets)) == "met"
    assert result_of(criterion, record(patient(), hypertension)) == "unknown"


def test_a_condition_requiring_hospitalization_after_it_carries_the_qualifier() -> None:
    criterion = compile_text("History of seizures requiring hospitalization", exclusion=True)
    assert criterion is not None
    assert criterion.qualifiers == ("requiring-hospitalization",)


def test_a_misspelt_graft_source_is_still_the_graft_source() -> None:
    criterion = compile_text("Prior allogenic stem cell transplant", exclusion=True)
    assert criterion is not None and criterion.qualifiers == ("allogeneic",)
