"""A kind of a named diagnosis that ICD-10-CM files, by an inclusion term, under a wider code of
another heading (fifteenth session audit of compiled development inclusions).

"Diagnosed with sciatica by GP" (NCT03924791 inc-1): a patient coded M51.17, the lumbosacral
disc disorder with radiculopathy whose inclusion term is "sciatica due to intervertebral disc
disorder", may well be diagnosed with sciatica; "aphasia, as determined by the Aachen Aphasia
Test" (NCT03930121 inc-3): primary progressive aphasia is coded G31.01; "panniculitis"
(NCT03936829 inc-2): lupus panniculitis L93.2; "autism spectrum disorder" (NCT03860389 inc-1):
atypical autism F84.9; "neurocognitive disorder" (NCT03931148 inc-2): an alcohol-induced major
neurocognitive disorder F10.27. None of them may be called ineligible by the inclusion (the
codes are wider than the name, so none meets it either): unknown."""

from __future__ import annotations

import pytest

from fhirtrial.eligibility.rules import compile_text
from fhirtrial.matching.keys import patient_keys
from tests.eligibility.ehr_records import (
    ICD,
    condition,
    patient,
    record,
    result_of,
    verdict_of_inclusion_bullet,
)

KINDS = [
    (
        "Sciatica",
        "M51.17",
        "Intervertebral disc disorders with radiculopathy, lumbosacral region",
    ),
    ("aphasia, as determined by the Aachen Aphasia Test (AAT);", "G31.01", "Pick's disease"),
    ("Panniculitis", "L93.2", "Other local lupus erythematosus"),
    ("Diagnosis of autism spectrum disorder", "F84.9", "Pervasive developmental disorder"),
    (
        "Diagnosis of neurocognitive disorder",
        "F10.27",
        "Alcohol dependence with alcohol-induced persisting dementia",
    ),
]


@pytest.mark.parametrize(("bullet", "code", "title"), KINDS)
def test_an_inclusion_is_not_failed_by_a_kind_an_inclusion_term_files_elsewhere(
    bullet: str, code: str, title: str
) -> None:
    entry = condition(title, (ICD, code, title))
    person = record(patient(), entry)
    assert verdict_of_inclusion_bullet(bullet, person) == "potential-candidate"


@pytest.mark.parametrize(("bullet", "code", "title"), KINDS)
def test_the_prefilter_keeps_the_patient(bullet: str, code: str, title: str) -> None:
    criterion = compile_text(bullet, partial=True)
    assert criterion is not None
    concepts = [criterion.concept] if criterion.concept else []
    concepts += [c.concept for c in criterion.children if c.concept]
    keys = patient_keys(record(patient(), condition(title, (ICD, code, title))))
    assert keys.diagnoses is not None
    assert any(c in keys.diagnoses for c in concepts)


def test_as_an_exclusion_such_an_entry_neither_excludes_nor_clears() -> None:
    aphasia = compile_text("aphasia", exclusion=True, partial=True)
    assert aphasia is not None
    pick = condition("Primary progressive aphasia", (ICD, "G31.01", "Pick's disease"))
    assert result_of(aphasia, record(patient(), pick), excluding=True) == "unknown"


def test_another_disease_still_fails_and_the_name_still_meets() -> None:
    sciatica = compile_text("Sciatica", partial=True)
    assert sciatica is not None
    hip = condition(
        "Osteoarthritis of right hip",
        (ICD, "M16.11", "Unilateral primary osteoarthritis, right hip"),
    )
    assert result_of(sciatica, record(patient(), hip)) == "not-met"
    right = condition("Sciatica, right side", (ICD, "M54.31", "Sciatica, right side"))
    assert result_of(sciatica, record(patient(), right)) == "met"
