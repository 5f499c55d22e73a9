"""An alternative, a conjunction or an example never vanishes from a reading (issue 13,
fifteenth session, probe `test_alternatives_never_vanish.py`).

Expectations written from the clinical text before running the code:

- An inclusion "X or equivalent" / "X or another" names X and another alternative: any-of(X,
  TEXT), never X alone (development: "prednisolone (or equivalent) > 10 mg", NCT03920527 exc-2;
  "prednisone at doses >10 mg/day or equivalent", NCT03868046 exc-5; "Stable chest pain or
  equivalent symptoms", NCT03929341 inc-2; "40 mg or equivalent dose of other statins",
  NCT03867994 inc-3). A patient with the other alternative is not failed.
- An inclusion "A; or B" (a sentence end, then "or") makes A one alternative, not a necessary
  part (NCT03865420 inc-3 "…gene mutation; or already have had genetic testing…", NCT03868397
  inc-3 "a) liver transplantation as a recipient; or b) …").
- An exclusion "X, excluding Y" is X except Y: never any-of(X, TEXT), which excludes the patient
  whose X is the exception (NCT03867617 exc-7, NCT03794765 exc-5, NCT03923478 exc-4 "(excluding
  minor surgery)", NCT03922906 exc-8 "(excluding aspirin)").
- A connective before a comma ("A and, B"; "…spondylitis or, non-radiographic…", NCT03926195
  inc-2; "Informed consent and, where age appropriate, …", NCT03929887 inc-4; "consent or, when
  unable…", NCT03934151 inc-1) is the link between the items: "and" is no comma list.
- "Both A and B", "A plus B" say one patient has both ("Subjects with both DPN and PHN",
  NCT03865953 exc-2; "basal insulin plus 1-3 bolus insulin injections", NCT03862690 inc-4;
  "clinical and biochemical variables plus evidence of portal hypertension", NCT03932552 inc-1):
  all-of (or text), never the list reading any-of. "Both genders", "both eyes" say no such thing
  (NCT03867526 exc-2, NCT03864380 exc-1).
- Two items of an exclusion joined by a bare "and" around an implanted device ("Pacemaker and
  X") may be one patient with both: text; a list of three or more stays a list ("…, peacemaker,
  metallic foreign bodies, and claustrophobia", NCT03860909 exc-1).
- A state or a device given as the example of a class an inclusion names ("Adequate performance
  status (e.g. ECOG 0-1)", "hearing devices including cochlear implants") is one member of the
  class, never a necessary part ("e.g." examples: NCT03793959 inc-1, NCT03867591 inc-2; devices
  as examples: NCT03930914 exc-6, NCT03860922 exc-2, NCT03925129 exc-5).
"""

from __future__ import annotations

import pytest

from fhirtrial.eligibility.rules import compile_text
from tests.eligibility.ehr_records import ICD, condition, ecog, patient, record, result_of
from tests.eligibility.signature import signature


def _inclusion(text: str) -> str | None:
    return signature(compile_text(text, exclusion=False, partial=True))


def _exclusion(text: str) -> str | None:
    return signature(compile_text(text, exclusion=True, partial=True))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hypertension or equivalent", "any-of(condition:hypertension, text)"),
        ("ECOG 0-1 or equivalent", "any-of(performance-status:ecog:0..1{score}, text)"),
        ("Hemoglobin ≥ 9 g/dL or equivalent", "any-of(lab:hemoglobin:>=9g/dL, text)"),
        ("Asthma or another", "any-of(condition:asthma, text)"),
        # A bare trailing "or" joins the next bullet (the outline's sibling "or").
        ("Hypertension, or", "condition:hypertension"),
    ],
)
def test_an_or_with_words_after_it_is_an_alternative(text: str, expected: str) -> None:
    assert _inclusion(text) == expected


def test_a_time_of_the_same_reading_adds_no_alternative() -> None:
    """NCT03920397 exc-1: history of malignancy is malignancy in this model."""
    assert _exclusion("Clinical evidence of malignancy or prior history.") == (
        "all-of(condition:malignant-neoplasm, text)"
    )


def test_a_patient_with_the_equivalent_is_not_failed() -> None:
    """ECOG 2 on record, the bullet allows an equivalent scale: not failed outright."""
    criterion = compile_text("ECOG 0-1 or equivalent", exclusion=False, partial=True)
    assert criterion is not None
    assert result_of(criterion, record(patient(), ecog("2026-11-20", 2))) != "not-met"


@pytest.mark.parametrize(
    "text",
    [
        "Breast cancer; or Erdheim-Chester disease",
        "Metastatic melanoma. Or another solid tumour approved by the sponsor",
    ],
)
def test_an_alternative_after_the_main_clause_is_no_necessary_part(text: str) -> None:
    assert _inclusion(text) is None


def test_a_second_sentence_without_or_still_leaves_the_part() -> None:
    assert _inclusion("Breast cancer; Erdheim-Chester disease") == (
        "all-of(condition:breast-cancer, text)"
    )


@pytest.mark.parametrize(
    ("text", "allowed"),
    [
        (
            "Hypertension, excluding Erdheim-Chester disease",
            (None, "all-of(condition:hypertension, text)"),
        ),
        ("Asthma, excluding Erdheim-Chester disease", (None, "all-of(condition:asthma, text)")),
        (
            "Patient had been diagnosed with a malignancy within 5 years prior to study entry,"
            " excluding non-metastatic basal or squamous cell carcinoma of the skin.",
            ("all-of(condition:malignant-neoplasm:w-1826,0,enrollment, text)",),
        ),
    ],
)
def test_an_exclusion_with_an_exception_is_not_a_list(
    text: str, allowed: tuple[str | None, ...]
) -> None:
    assert _exclusion(text) in allowed


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hypertension and, Erdheim-Chester disease", None),
        ("Asthma or, Erdheim-Chester disease", "any-of(condition:asthma, text)"),
    ],
)
def test_a_connective_before_a_comma_links_the_items(text: str, expected: str | None) -> None:
    assert _exclusion(text) == expected


@pytest.mark.parametrize(
    ("text", "allowed"),
    [
        (
            "Both hypertension and diabetes",
            ("all-of(condition:hypertension, condition:diabetes-mellitus)",),
        ),
        ("Patients with both asthma and COPD", ("all-of(condition:asthma, condition:copd)",)),
        (
            "Hypertension plus diabetes",
            (None, "all-of(condition:hypertension, condition:diabetes-mellitus)"),
        ),
        (
            "Both pacemaker and cochlear implant",
            (None, "all-of(procedure:pacemaker, procedure:cochlear-implant)"),
        ),
        # "both genders" joins nothing: the ages are still a list.
        (
            "Patients of both genders younger than 6 months and older than 80 years",
            ("any-of(age:<6mo, age:>80a)",),
        ),
    ],
)
def test_both_and_plus_join_one_patient(text: str, allowed: tuple[str | None, ...]) -> None:
    assert _exclusion(text) in allowed


HYPERTENSION = condition("Hypertension", (ICD, "I10", "Essential (primary) hypertension"))


def test_a_patient_with_one_of_both_is_not_excluded() -> None:
    criterion = compile_text("Both hypertension and diabetes", exclusion=True, partial=True)
    assert criterion is not None
    assert result_of(criterion, record(patient(), HYPERTENSION), excluding=True) == "not-met"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Pacemaker and Erdheim-Chester disease", None),
        ("Erdheim-Chester disease and cochlear implant", None),
        (
            "The common contraindication to MRI, peacemaker, metallic foreign bodies, and"
            " claustrophobia",
            "any-of(procedure:pacemaker, condition:icd10cm:F40.240, text)",
        ),
    ],
)
def test_two_items_around_a_device_joined_by_and_stay_text(text: str, expected: str | None) -> None:
    assert _exclusion(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Adequate performance status (e.g. ECOG 0-1)", None),
        ("Good general condition, e.g. Karnofsky ≥ 70%", None),
        ("Hearing devices including cochlear implants", None),
        ("Advanced Bionics cochlear implant users", "all-of(procedure:cochlear-implant, text)"),
        (
            "Female, >18 y of age, athlete at Marywood University, passed NCAA-required medical"
            " screening (e.g. healthy enough to participate in sport).",
            "all-of(age:>18a, sex:female, text)",
        ),
    ],
)
def test_an_example_of_a_class_is_no_necessary_part(text: str, expected: str | None) -> None:
    assert _inclusion(text) == expected


def test_a_patient_with_another_adequate_status_is_not_failed() -> None:
    criterion = compile_text(
        "Adequate performance status (e.g. ECOG 0-1)", exclusion=False, partial=True
    )
    poor = record(patient(), ecog("2026-11-20", 2))
    assert criterion is None or result_of(criterion, poor) != "not-met"
