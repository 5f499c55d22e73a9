"""A diagnosis ICD-10-CM files under another heading than the title a criterion names:
congenital hydrocephalus (Q03) is hydrocephalus, chronic gout (M1A) is gout, congenital glaucoma
(Q15.0) is glaucoma, osteomyelitis of a vertebra (M46.2) is osteomyelitis. The code lies outside
the title's subtree, so it never meets the title; but an inclusion naming the title must not
call the patient ineligible either: the entry, read by its words or its code's title, leaves the
answer unknown."""

from __future__ import annotations

import pytest

from fhirtrial.eligibility.rules import compile_text
from tests.eligibility.ehr_records import ICD, condition, patient, record, result_of

KINDS = [
    ("Hydrocephalus", "Q03.9", "Congenital hydrocephalus, unspecified"),
    ("Gout", "M1A.9XX0", "Chronic gout, unspecified, without tophus (tophi)"),
    ("Glaucoma", "Q15.0", "Congenital glaucoma"),
    ("Osteomyelitis", "M46.20", "Osteomyelitis of vertebra, site unspecified"),
]


@pytest.mark.parametrize(("name", "code", "title"), KINDS)
def test_an_inclusion_is_never_failed_by_a_kind_filed_elsewhere(
    name: str, code: str, title: str
) -> None:
    inclusion = compile_text(f"Patients with {name.lower()}", partial=True)
    assert inclusion is not None
    assert (
        result_of(inclusion, record(patient(), condition(title, (ICD, code, title)))) == "unknown"
    )


@pytest.mark.parametrize(
    ("name", "code"), [("Hydrocephalus", "Q03.9"), ("Gout", "M1A.9XX0"), ("Glaucoma", "Q15.0")]
)
def test_a_bare_code_is_read_by_its_title(name: str, code: str) -> None:
    # Some exports send the code alone: the title of the code (or of its category) says it.
    inclusion = compile_text(name, partial=True)
    assert inclusion is not None
    assert result_of(inclusion, record(patient(), condition("", (ICD, code, "")))) == "unknown"


def test_a_name_merely_held_by_another_title_is_another_disease() -> None:
    # Only "<kind word> <name>" and "<name> of / in …" are kinds: "Lupus anticoagulant
    # syndrome" holds "lupus" and is a clotting disorder.
    lupus = compile_text("History of lupus", exclusion=True, partial=True)
    assert lupus is not None
    anticoagulant = condition("LAC", (ICD, "D68.62", "Lupus anticoagulant syndrome"))
    assert result_of(lupus, record(patient(), anticoagulant)) == "not-met"


def test_another_disease_still_fails_and_the_title_still_meets() -> None:
    gout = compile_text("Gout", partial=True)
    assert gout is not None
    pseudogout = condition(
        "Chondrocalcinosis", (ICD, "M11.20", "Other chondrocalcinosis, unspecified site")
    )
    assert result_of(gout, record(patient(), pseudogout)) == "not-met"
    acute = condition("Gout flare", (ICD, "M10.9", "Gout, unspecified"))
    assert result_of(gout, record(patient(), acute)) == "met"
    angle = compile_text("Angle-closure glaucoma", partial=True)
    assert angle is not None
    open_angle = condition("POAG", (ICD, "H40.11", "Primary open-angle glaucoma"))
    assert result_of(angle, record(patient(), open_angle)) == "not-met"
