"""An excluded use or procedure with what it was for (`rules.narrowing_clauses`,
`narrowed_by_purpose`).

"Treatment with Warfarin due to increased risk of Calciphylaxis", "Surgery for sciatica at the
same level", "Radiotherapy for antalgic purposes": the purpose only says which uses are meant,
so in an exclusion the use is necessary and the bullet is all-of(use, TEXT) — not met without
the use, unknown with it. Durations, times to come, people, needs, numbers, exceptions and a
purpose the finders read (a diagnosis of its own) are not such a purpose.

Expected forms were written from the bullets before running the compiler.
"""

from __future__ import annotations

import pytest

from fhirtrial.eligibility.rules import compile_text
from tests.eligibility.ehr_records import medication, patient, record, result_of
from tests.eligibility.signature import bullet_signature, signature


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Treatment with Warfarin due to increased risk of Calciphylaxis (calcific uremic "
            "arteriolopathy, CUA)",
            "all-of(medication:warfarin, text)",
        ),
        ("Surgery for sciatica at the same level", "all-of(procedure:surgery, text)"),
        ("Use of antibiotics for other infections", "all-of(medication:antibiotic, text)"),
        ("Radiotherapy for antalgic purposes", "all-of(procedure:radiotherapy, text)"),
        # (a test record's bullet, tests/eligibility/golden)
        (
            "Patients treated with radiation for palliative intent",
            "all-of(procedure:radiotherapy, text)",
        ),
        (
            "Prior chemotherapy for other reasons",
            "all-of(prior-therapy:cytotoxic-chemotherapy, text)",
        ),
    ],
)
def test_an_excluded_use_with_its_purpose_keeps_the_use(text: str, expected: str) -> None:
    assert compile_text(text, exclusion=True) is None  # not understood in full
    assert bullet_signature(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        # A time to come, not a purpose.
        "Use of anticoagulants for the duration of the study",
        # An exception inside the purpose: what it keeps is open.
        "Taking antibiotics for any reason other than UTI at the time of enrollment",
        # Any medication defined by its purpose: no class a record holds.
        "Use of medication for depression",
        # The study's own moment after the purpose.
        "Ongoing antibiotic treatment for other infections that cannot be stopped before study "
        "treatment administration.",
        # A negated head.
        "No use of antibiotics for infections",
    ],
)
def test_what_is_not_only_a_purpose_keeps_the_bullet_text(text: str) -> None:
    assert bullet_signature(text) is None


def test_a_purpose_is_read_in_exclusions_only() -> None:
    assert bullet_signature("Use of antibiotics for other infections", "Inclusion") is None


WARFARIN = "Treatment with Warfarin due to increased risk of Calciphylaxis"


@pytest.mark.parametrize(
    ("drug", "expected"),
    [
        # On warfarin: whether it is for calciphylaxis risk is the residue's to say.
        ("warfarin 5 mg tablet", "unknown"),
        # No warfarin in the medication list: not excluded by it.
        ("atorvastatin 20 mg tablet", "not-met"),
    ],
)
def test_a_use_with_its_purpose_against_a_record(drug: str, expected: str) -> None:
    criterion = compile_text(WARFARIN, exclusion=True, partial=True)
    assert criterion is not None and signature(criterion) == "all-of(medication:warfarin, text)"
    current = medication(drug, "2026-06-01", status="active")
    assert result_of(criterion, record(patient(), current)) == expected
