"""A diagnosis named by its ICD-10-CM title, recorded without an ICD-10-CM code in other words.

Epic exports a problem under its IMO code and Cerner or an HIE under SNOMED CT only, with the
clinician's words: "Primary osteoarthritis of right knee (HCC)", "Plaque psoriasis", "Gouty
arthritis of left great toe". No code places such an entry in the ICD-10-CM tree and its words
are not the title, yet they name every word of it: it may be the diagnosis. The answer is
`unknown` — never `not-met`, which on an inclusion hides the study from a patient who has the
disease — and the `$match` prefilter keeps the patient.
"""

from __future__ import annotations

import pytest

from fhirtrial.eligibility.rules import compile_text
from fhirtrial.matching.keys import patient_keys
from tests.eligibility.ehr_records import (
    EPIC_DX,
    ICD,
    SNOMED,
    condition,
    criteria_text,
    patient,
    record,
    result_of,
    verdict_of_study,
)

_HTN = condition("Essential hypertension", (ICD, "I10", "Essential (primary) hypertension"))
_KNEE_OA = condition(
    "Primary osteoarthritis of right knee (HCC)",
    (EPIC_DX, "1150342", "Primary osteoarthritis of right knee"),
)
_PLAQUE_PSORIASIS = condition("Plaque psoriasis", (SNOMED, "200965009", "Psoriasis vulgaris"))
_GOUTY_ARTHRITIS = condition("Gouty arthritis of left great toe")


@pytest.mark.parametrize(
    ("bullet", "entry"),
    [
        ("Osteoarthritis of the knee", _KNEE_OA),
        ("Gout", _GOUTY_ARTHRITIS),
    ],
)
def test_an_uncoded_entry_naming_the_diagnosis_may_be_it(bullet: str, entry: dict) -> None:
    criterion = compile_text(bullet)
    assert criterion is not None and (criterion.concept or "").startswith("icd10cm:")
    assert result_of(criterion, record(patient(), entry, _HTN)) == "unknown"
    exclusion = compile_text(bullet, exclusion=True)
    assert exclusion is not None
    assert result_of(exclusion, record(patient(), entry, _HTN)) == "unknown"


def test_words_that_are_the_title_of_a_code_below_it_are_the_diagnosis() -> None:
    # "Psoriasis vulgaris" (the SNOMED CT display) is the ICD-10-CM title of L40.0, and
    # "Plaque psoriasis" its name: the entry is L40.0 in words, a psoriasis (L40) as surely as
    # if it were coded (fifteenth session, export shapes; it was `unknown` as words that merely
    # hold the title's).
    criterion = compile_text("Psoriasis")
    assert criterion is not None and criterion.concept == "icd10cm:L40"
    assert result_of(criterion, record(patient(), _PLAQUE_PSORIASIS, _HTN)) == "met"
    exclusion = compile_text("Psoriasis", exclusion=True)
    assert exclusion is not None
    assert result_of(exclusion, record(patient(), _PLAQUE_PSORIASIS, _HTN)) == "met"


def test_the_study_that_requires_it_stays_open() -> None:
    text = criteria_text(["Osteoarthritis of the knee", "Age 40 to 85 years"], [])
    assert verdict_of_study(text, record(patient(), _KNEE_OA, _HTN)) == "potential-candidate"


def test_the_prefilter_keeps_the_patient() -> None:
    keys = patient_keys(record(patient(), _KNEE_OA, _HTN))
    assert keys.diagnoses is not None
    assert "icd10cm:M17" in keys.diagnoses


@pytest.mark.parametrize(
    "entry",
    [
        # Another site: the words do not name the title's.
        condition("Primary osteoarthritis of left hip", (EPIC_DX, "1150350", "OA of hip")),
        # An ICD-10-CM code says which diagnosis it is.
        condition(
            "Osteoarthritis of knee region (post-traumatic)",
            (ICD, "M12.561", "Traumatic arthropathy, right knee"),
        ),
        # About a relative.
        condition("Family history of osteoarthritis of knee"),
    ],
)
def test_entries_that_cannot_be_it_leave_it_not_met(entry: dict) -> None:
    criterion = compile_text("Osteoarthritis of the knee")
    assert criterion is not None
    assert result_of(criterion, record(patient(), entry, _HTN)) == "not-met"


def test_the_answer_it_would_give_is_kept_when_that_is_not_met() -> None:
    """A resolved entry is no current diagnosis, whatever it names."""
    criterion = compile_text("Current psoriasis")
    assert criterion is not None
    resolved = condition(
        "Plaque psoriasis",
        (SNOMED, "200965009", "Psoriasis vulgaris"),
        status="resolved",
        abated="2020-01-01",
    )
    assert result_of(criterion, record(patient(), resolved, _HTN)) == "not-met"
