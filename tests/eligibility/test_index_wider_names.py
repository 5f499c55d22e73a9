"""A diagnosis name the ICD-10-CM Alphabetic Index (or an Includes note) files under more than
one heading reads as all of them, even where one title spells the name.

An inclusion that held only the title's code would call a patient coded under the other heading
ineligible, though the text admits him: "insomnia" is G47.0 (organic) and F51.0- (not due to a
substance or known physiological condition: primary, psychophysiologic, due to a mental
disorder), "low back pain" M54.5 and M54.4- (lumbago with sciatica), "osteoarthritis" M15-M19 and
M47 Spondylosis, whose Includes note is "arthrosis or osteoarthritis of spine"."""

from __future__ import annotations

import pytest

from fhirtrial.eligibility.compiler import compile_criterion
from tests.eligibility.ehr_records import (
    ICD,
    condition,
    criteria_text,
    patient,
    record,
    verdict_of_inclusion_bullet,
    verdict_of_study,
)
from tests.eligibility.signature import signature


@pytest.mark.parametrize(
    ("bullet", "expected"),
    [
        ("Has insomnia", "condition:icd10cm:G47.0+F51.0"),
        ("Patient has low back pain", "condition:icd10cm:M54.4+M54.5"),
        ("osteoarthritis", "condition:icd10cm:M15+M16+M17+M18+M19+M47"),
    ],
)
def test_the_name_holds_every_heading_the_index_gives_it(bullet: str, expected: str) -> None:
    criterion = compile_criterion(bullet)
    assert criterion is not None
    assert signature(criterion) == expected


@pytest.mark.parametrize(
    ("bullet", "entry"),
    [
        (
            "Has insomnia",
            condition(
                "Insomnia due to anxiety",
                (ICD, "F51.05", "Insomnia due to other mental disorder"),
            ),
        ),
        (
            "having a clinical diagnose of insomnia",
            condition("Primary insomnia", (ICD, "F51.01", "Primary insomnia")),
        ),
        (
            "Patient has low back pain",
            condition(
                "Lumbago with sciatica, right side",
                (ICD, "M54.41", "Lumbago with sciatica, right side"),
            ),
        ),
        (
            "Adult patients with osteoarthritis in need of a TKR",
            condition(
                "Lumbar spondylosis",
                (ICD, "M47.816", "Spondylosis without myelopathy or radiculopathy, lumbar region"),
            ),
        ),
    ],
)
def test_a_patient_coded_under_the_other_heading_is_not_ineligible(
    bullet: str, entry: dict
) -> None:
    person = record(patient(), entry)
    assert verdict_of_inclusion_bullet(bullet, person) != "ineligible"


def test_a_list_of_comorbidities_admits_spine_osteoarthritis() -> None:
    text = criteria_text(["Age 65 years or older", "Osteoarthritis"], ["Active malignancy"])
    person = record(
        patient(born="1950-02-01"),
        condition(
            "Cervical spondylosis with radiculopathy",
            (ICD, "M47.22", "Other spondylosis with radiculopathy, cervical region"),
        ),
    )
    assert verdict_of_study(text, person) != "ineligible"


def test_the_title_alone_still_reads_and_another_diagnosis_is_not_it() -> None:
    person = record(patient(), condition("Insomnia", (ICD, "G47.00", "Insomnia, unspecified")))
    assert verdict_of_inclusion_bullet("Has insomnia", person) == "eligible"
    apnea = record(
        patient(), condition("OSA", (ICD, "G47.33", "Obstructive sleep apnea (adult) (pediatric)"))
    )
    assert verdict_of_inclusion_bullet("Has insomnia", apnea) == "ineligible"
