"""Problem-list names as Epic and Cerner export them, read by the ICD-10-CM titles.

Epic appends the payer's risk-adjustment flag to a problem's name ("Gout (HCC)", "Psoriasis
(CMS/HCC)"), and clinicians write a name beside its abbreviation ("MDS (myelodysplastic
syndrome)"). An entry coded in SNOMED CT only, or not at all, is read by its words: with the flag
or the abbreviation in the way no title was found, and a patient with the diagnosis was only a
"maybe" for a study requiring it.
"""

from __future__ import annotations

import pytest

from fhirtrial.eligibility.compiler import compile_criterion
from tests.eligibility.ehr_records import SNOMED, condition, patient, record, result_of

MDS = "Diagnosis of myelodysplastic syndrome"


@pytest.mark.parametrize(
    ("bullet", "entry", "expected"),
    [
        ("Diagnosis of gout", condition("Gout (HCC)", (SNOMED, "90560007", "Gout")), "met"),
        ("Diagnosis of psoriasis", condition("Psoriasis (CMS/HCC)"), "met"),
        (
            "Diagnosis of myelodysplastic syndrome",
            condition("MDS (myelodysplastic syndrome)"),
            "met",
        ),
        (
            "Diagnosis of myelodysplastic syndrome",
            condition("Myelodysplastic syndrome (MDS)"),
            "met",
        ),
        # A parenthesis that is no abbreviation of the name stays in the way: the entry may be
        # the diagnosis (its words hold the title), never more than that.
        ("Diagnosis of gout", condition("Gout (FH)"), "unknown"),
        ("Diagnosis of psoriasis", condition("Psoriasis (RO)"), "unknown"),
        # Another diagnosis with the flag is not this one.
        ("Diagnosis of gout", condition("Psoriasis (HCC)"), "not-met"),
    ],
)
def test_an_epic_problem_name_meets_the_diagnosis_it_names(bullet, entry, expected) -> None:
    inclusion = compile_criterion(bullet, exclusion=False)
    assert inclusion is not None
    assert result_of(inclusion, record(patient(), entry)) == expected


def test_a_flagged_problem_rules_a_patient_out_of_an_exclusion() -> None:
    exclusion = compile_criterion("History of gout", exclusion=True)
    assert exclusion is not None
    assert result_of(exclusion, record(patient(), condition("Gout (HCC)"))) == "met"
