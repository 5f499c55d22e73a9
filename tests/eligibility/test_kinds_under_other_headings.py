"""A diagnosis ICD-10-CM files under another heading than the title a criterion names:
congenital hydrocephalus (Q03) is hydrocephalus, chronic gout (M1A) is gout, congenital glaucoma
(Q15.0) is glaucoma, osteomyelitis of a vertebra (M46.2) is osteomyelitis. The code lies outside
the title's subtree, so it never meets the title; but an inclusion naming the title must not
call the patient ineligible either: the entry, read by its words or its code's title, leaves the
answer unknown."""

from __future__ import annotations

import pytest

from fhirtrial.eligibility.rules import compile_text
from fhirtrial.matching.keys import patient_keys
from fhirtrial.patient.record import PatientRecord
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


# Sciatica due to a disc disorder is an inclusion term of M51.1-, not a kind named by its title.


def _answer(text: str, rec: PatientRecord, *, excluding: bool = False) -> str:
    criterion = compile_text(text)
    assert criterion is not None, text
    return result_of(criterion, rec, excluding=excluding)


DISC_RADICULOPATHY = (
    ICD,
    "M51.16",
    "Intervertebral disc disorders with radiculopathy, lumbar region",
)


def test_sciatica_from_a_disc_coded_as_disc_radiculopathy_may_be_sciatica() -> None:
    # ICD-10-CM codes "sciatica due to intervertebral disc disorder" under M51.1- (an
    # inclusion term of M51.1, excluded from M54.3 Sciatica): a patient whose lumbar disc
    # radiculopathy is recorded so may have the sciatica the bullet asks for. M51.1- also holds
    # radiculopathies that are not sciatica, so it never meets it either.
    rec = record(
        patient(), condition("Lumbar disc herniation with radiculopathy", DISC_RADICULOPATHY)
    )
    assert _answer("Sciatica", rec) == "unknown"
    assert _answer("Sciatica", rec, excluding=True) == "unknown"
    # Coded as sciatica, it is sciatica.
    sciatica = condition("Sciatica, left side", (ICD, "M54.32", "Sciatica, left side"))
    assert _answer("Sciatica", record(patient(), sciatica)) == "met"
    # Dotless, as some exports write it, and kept by the prefilter for a study requiring it.
    dotless = condition("Lumbar disc herniation", (ICD, "M5117", DISC_RADICULOPATHY[2]))
    rec = record(patient(), dotless)
    assert _answer("Sciatica", rec) == "unknown"
    assert "icd10cm:M54.3+M54.4" in (patient_keys(rec).diagnoses or ())


@pytest.mark.parametrize(
    ("bullet", "code", "title"),
    [
        # M54.5 Low back pain excludes these (Excludes1): the back pain is coded with the disc.
        (
            "LBP of any duration",
            "M51.360",
            "Other intervertebral disc degeneration, lumbar region with discogenic back pain only",
        ),
        (
            "Low back pain",
            "M51.26",
            "Other intervertebral disc displacement, lumbar region",  # "lumbago due to …"
        ),
        # M54.3 Sciatica excludes disc degeneration with leg pain only.
        (
            "Sciatica",
            "M51.371",
            "Other intervertebral disc degeneration, lumbosacral region with lower extremity "
            "pain only",
        ),
    ],
)
def test_back_pain_coded_with_its_disc_may_be_the_named_pain(
    bullet: str, code: str, title: str
) -> None:
    rec = record(patient(), condition(title, (ICD, code, title)))
    assert _answer(bullet, rec) == "unknown"
    assert _answer(bullet, rec, excluding=True) == "unknown"
