"""Another malignancy with its exceptions, in a cancer study's exclusions: all-of(it, TEXT).

"History of another malignancy within the past 3 years, except adequately treated basal cell or
squamous cell skin cancer or carcinoma in situ of the cervix" stayed text: the exceptions are
words no finder reads. The malignancy before them reads in full, and the exceptions only take
patients out of it; so a patient with no other cancer on record is not excluded by the bullet,
and one with another cancer is a candidate to check — never excluded on the record alone, not
even by an excepted kind (a basal cell carcinoma of the skin, C44.91).
"""

from __future__ import annotations

import pytest

from fhirtrial.eligibility.evaluation.evaluator import evaluate_study
from fhirtrial.eligibility.evidence_variable import build_evidence_variable
from fhirtrial.eligibility.rules import compile_text
from tests.eligibility.ehr_records import ICD, condition, criteria_text, patient, record
from tests.eligibility.signature import signature

READ = [
    (
        "History of another malignancy within the past 3 years, except adequately treated basal "
        "cell or squamous cell skin cancer or carcinoma in situ of the cervix",
        "all-of(condition:malignant-neoplasm:w-1096,0,enrollment, text)",
    ),
    (
        "Other malignancy except non-melanoma skin cancer",
        "all-of(condition:malignant-neoplasm, text)",
    ),
    (
        "Pre-existing cancer (except non-melanoma skin cancer)",
        "all-of(condition:malignant-neoplasm, text)",
    ),
    (
        "Patient had been diagnosed with a malignancy within 5 years prior to study entry, "
        "excluding non-metastatic basal or squamous cell carcinoma of the skin.",
        "all-of(condition:malignant-neoplasm:w-1826,0,enrollment, text)",
    ),
    (
        "Second primary malignancy within the past 5 years with the exception of adequately "
        "treated in situ carcinoma of any organ or basal cell carcinoma of the skin.",
        "all-of(condition:malignant-neoplasm:w-1826,0,enrollment, text)",
    ),
    (
        "Known additional malignancy that is progressing or requires active treatment",
        "all-of(condition:malignant-neoplasm, text)",
    ),
    (
        "Other active malignancy requiring systemic treatment <=12 months prior to enrollment",
        "all-of(condition:malignant-neoplasm, text)",
    ),
]


@pytest.mark.parametrize(("bullet", "expected"), READ)
def test_the_malignancy_is_read_and_its_exceptions_kept_as_text(bullet, expected) -> None:
    assert compile_text(bullet, exclusion=True) is None  # not understood in full
    criterion = compile_text(bullet, exclusion=True, partial=True)
    assert criterion is not None and signature(criterion) == expected


def test_the_window_and_the_other_primary_stay_on_the_malignancy() -> None:
    criterion = compile_text(
        "History of other malignancy within the last 5 years, except for carcinoma in situ of "
        "cervix, basal cell carcinoma or squamous cell carcinoma of the skin",
        exclusion=True,
        partial=True,
    )
    assert criterion is not None
    malignancy = criterion.children[0]
    assert "other-primary" in malignancy.qualifiers
    assert malignancy.window is not None and malignancy.window.low_days == -1826


KEPT_AS_TEXT = [
    # What follows adds another criterion, not an exception.
    ("History of malignancy except non-melanoma skin cancer, or diabetes", True),
    ("History of malignancy except skin cancer or uncontrolled hypertension", True),
    # "including" names what is counted: perhaps the study's own cancer.
    (
        "Patient past or current history of any cancer other than non-melanoma skin cancer, "
        "including prior breast cancer",
        True,
    ),
    # A later sentence: another criterion, or an allowance no exclusion may read.
    ("Other malignancy except skin cancer. Severe heart failure", True),
    (
        "Malignancy - except spino- or basocellular skin cancer. Patients with prior malignant "
        "disease are allowed if cancer-free for at least one year",
        True,
    ),
    # A type of cancer, not another malignancy: the exception is a kind of the study's own.
    ("Rectal malignancy other than adenocarcinoma", True),
    # In an inclusion the head denies what the exceptions allow.
    ("No diagnosis of malignancy (except non-melanoma skin cancer)", False),
    ("Other malignancy except non-melanoma skin cancer", False),
]


@pytest.mark.parametrize(("bullet", "exclusion"), KEPT_AS_TEXT)
def test_an_exception_that_may_add_or_an_inclusion_keeps_the_bullet_text(bullet, exclusion) -> None:
    assert compile_text(bullet, exclusion=exclusion, partial=True) is None


# ---------------------------------------------------------------- against Epic-style records

EXCLUSION = (
    "History of another malignancy within the past 3 years, except adequately treated basal cell "
    "or squamous cell skin cancer or carcinoma in situ of the cervix"
)
BREAST = condition(
    "Malignant neoplasm of right breast (HCC)",
    (ICD, "C50.911", "Malignant neoplasm of unspecified site of right female breast"),
    onset="2026-09-01",
)
BCC = condition(
    "Basal cell carcinoma of skin",
    (ICD, "C44.91", "Basal cell carcinoma of skin, unspecified"),
    onset="2025-03-01",
)
COLON = condition(
    "Malignant neoplasm of colon (HCC)",
    (ICD, "C18.9", "Malignant neoplasm of colon, unspecified"),
    onset="2024-11-05",
)
COLON_2012 = condition(
    "Malignant neoplasm of colon (HCC)",
    (ICD, "C18.9", "Malignant neoplasm of colon, unspecified"),
    onset="2012-11-05",
    status="resolved",
    abated="2013-05-01",
)


def _evaluate(exclusion: str, *resources: dict) -> tuple[str, str]:
    """(study verdict, result of the exclusion bullet) for a breast cancer patient."""
    text = criteria_text(["Histologically confirmed breast cancer"], [exclusion])
    study = {
        "protocolSection": {
            "identificationModule": {"nctId": "NCT00000011", "briefTitle": "x"},
            "conditionsModule": {"conditions": ["Breast Cancer"]},
            "eligibilityModule": {"eligibilityCriteria": text},
        }
    }
    resource = build_evidence_variable(
        study, evidence_variable_id="nct00000011", study_reference="ResearchStudy/x"
    )
    person = record(patient(), BREAST, *resources)
    evaluation = evaluate_study(resource, person, as_of=person.as_of)
    (bullet,) = [c for c in evaluation.criteria if c.exclude]
    return evaluation.verdict, bullet.result


def test_the_studys_own_cancer_alone_is_not_another_malignancy() -> None:
    assert _evaluate(EXCLUSION) == ("eligible", "not-met")


def test_an_excepted_skin_cancer_never_excludes() -> None:
    assert _evaluate(EXCLUSION, BCC) == ("potential-candidate", "unknown")


def test_another_cancer_in_the_window_is_a_candidate_to_check() -> None:
    """Whether the colon cancer was adequately treated or is an excepted kind, the text says."""
    assert _evaluate(EXCLUSION, COLON) == ("potential-candidate", "unknown")


def test_another_cancer_resolved_before_the_window_does_not_exclude() -> None:
    assert _evaluate(EXCLUSION, COLON_2012) == ("eligible", "not-met")


# ------------------------------------------------------- "progressing or requiring treatment"

PROGRESSING = "Known additional malignancy that is progressing or requires active treatment"
BCC_TREATED = condition(
    "Basal cell carcinoma of skin",
    (ICD, "C44.91", "Basal cell carcinoma of skin, unspecified"),
    onset="2025-03-01",
    status="resolved",
    abated="2025-04-01",
)


def test_a_cancer_progressing_or_requiring_treatment_is_an_active_one() -> None:
    criterion = compile_text(PROGRESSING, exclusion=True, partial=True)
    assert criterion is not None
    assert set(criterion.children[0].qualifiers) == {"other-primary", "active"}


def test_a_resolved_other_cancer_is_neither_progressing_nor_treated() -> None:
    assert _evaluate(PROGRESSING, BCC_TREATED) == ("eligible", "not-met")
    assert _evaluate(PROGRESSING, COLON_2012) == ("eligible", "not-met")


def test_an_open_other_cancer_is_a_candidate_to_check() -> None:
    assert _evaluate(PROGRESSING, COLON) == ("potential-candidate", "unknown")
    assert _evaluate(PROGRESSING) == ("eligible", "not-met")


@pytest.mark.parametrize(
    "bullet",
    [
        "Other malignancy requiring treatment within the past 2 years",
        "Known additional malignancy that is progressing or has required active treatment within "
        "the past 3 years",
        "History of other malignancy that requires treatment",
    ],
)
def test_a_time_in_the_bullet_keeps_a_resolved_cancer_open(bullet) -> None:
    """A cancer treated 18 months ago and resolved since is what the text excludes: the
    resolved entry must not answer "not met"."""
    criterion = compile_text(bullet, exclusion=True, partial=True)
    assert criterion is not None and "active" not in criterion.children[0].qualifiers
    assert _evaluate(bullet, COLON_2012)[1] != "met"
