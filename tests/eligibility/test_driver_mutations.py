"""Driver alterations (EGFR, ALK, ROS1) and hereditary BRCA variants as lung- and breast-cancer
criteria write them: read where the words mean any variant of the gene, left as text where they
name one kind of variant, a relative's, or the kidney's eGFR."""

from __future__ import annotations

import pytest

from fhirtrial.eligibility.compiler import compile_criterion
from tests.eligibility.ehr_records import LOINC, observation, patient, record, result_of
from tests.eligibility.signature import signature

EGFR = "biomarker:egfr-mutation:detected"
ALK = "biomarker:alk-rearrangement:detected"
ROS1 = "biomarker:ros1-rearrangement:detected"
BRCA = "any-of(biomarker:brca1-mutation:detected, biomarker:brca2-mutation:detected)"


@pytest.mark.parametrize(
    ("text", "exclusion", "expected"),
    [
        ("Known EGFR mutation or ALK rearrangement", True, f"any-of({EGFR}, {ALK})"),
        (
            "Patients with known EGFR, ALK or ROS1 genomic alterations",
            True,
            f"any-of({EGFR}, {ALK}, {ROS1})",
        ),
        ("Mutations in the EGFR gene", True, EGFR),
        ("ALK fusion", True, ALK),
        ("ROS1 rearrangement", False, ROS1),
        (
            "EGFR/ALK wild-type",
            False,
            "all-of(biomarker:egfr-mutation:negative, biomarker:alk-rearrangement:negative)",
        ),
        ("ALK-negative", False, "biomarker:alk-rearrangement:negative"),
        ("ALK-positive NSCLC", False, f"all-of({ALK}, condition:nsclc)"),
        ("EGFR-mutant non-small cell lung cancer", False, f"all-of({EGFR}, condition:nsclc)"),
        ("No known EGFR mutation or ALK rearrangement", False, f"all-of(NOT {EGFR}, NOT {ALK})"),
        ("Known BRCA1 or BRCA2 mutation", True, BRCA),
        ("BRCA1 and/or BRCA2 mutation carriers", False, BRCA),
        ("Patients must have a documented germline BRCA1/2 mutation", False, BRCA),
    ],
)
def test_any_variant_of_the_gene_is_read(text: str, exclusion: bool, expected: str) -> None:
    assert signature(compile_criterion(text, exclusion=exclusion)) == expected


@pytest.mark.parametrize(
    "text",
    [
        # One kind of variant: reading the gene would exclude patients with another one.
        "Documented EGFR sensitizing mutation",
        "Tumors harboring EGFR exon 20 insertion",
        "EGFR mutation (exon 19 deletion or L858R)",
        "Known EGFR T790M mutation",
        "Uncommon EGFR mutations",
        # "EGFR positive" is as often the protein (immunohistochemistry) as a mutation.
        "EGFR positive colorectal cancer",
        # Someone else's variant, or a variant the report does not call pathogenic.
        "Family history of BRCA1 mutation",
        "History of breast cancer in a first-degree relative with BRCA mutation",
        "Known BRCA1 or BRCA2 variant of uncertain significance",
    ],
)
def test_words_narrower_than_the_gene_stay_text(text: str) -> None:
    assert compile_criterion(text, exclusion=True) is None
    assert compile_criterion(text, exclusion=False) is None


@pytest.mark.parametrize("text", ["eGFR < 30 mL/min/1.73m2", "Prior treatment with an EGFR TKI"])
def test_the_kidney_egfr_and_egfr_drugs_are_not_the_gene(text: str) -> None:
    assert "egfr-mutation" not in signature(compile_criterion(text, exclusion=True))


def _variant(symbol: str, hgnc: str, answer: tuple[str, str]) -> dict:
    return observation(
        (LOINC, "69548-6", "Genetic variant assessment"),
        "2026-02-10",
        valueCodeableConcept={
            "coding": [{"system": LOINC, "code": answer[0], "display": answer[1]}]
        },
        component=[
            {
                "code": {"coding": [{"system": LOINC, "code": "48018-6"}]},
                "valueCodeableConcept": {
                    "coding": [
                        {
                            "system": "http://www.genenames.org/geneId",
                            "code": hgnc,
                            "display": symbol,
                        }
                    ]
                },
            }
        ],
    )


PRESENT = ("LA9633-4", "Present")
ABSENT = ("LA9634-2", "Absent")


def test_the_immunotherapy_exclusion_of_driver_mutations_against_ngs_results() -> None:
    exclusion = compile_criterion("Known EGFR mutation or ALK rearrangement", exclusion=True)
    assert exclusion is not None
    tested_negative = record(
        patient(), _variant("EGFR", "HGNC:3236", ABSENT), _variant("ALK", "HGNC:427", ABSENT)
    )
    alk_positive = record(patient(), _variant("ALK", "HGNC:427", PRESENT))
    egfr_only_tested = record(patient(), _variant("EGFR", "HGNC:3236", ABSENT))
    assert result_of(exclusion, tested_negative) == "not-met"  # not excluded
    assert result_of(exclusion, alk_positive) == "met"  # excluded
    # ALK never tested: whether the patient has a rearrangement is not known.
    assert result_of(exclusion, egfr_only_tested) == "unknown"
    assert result_of(exclusion, record(patient())) == "unknown"


def test_wild_type_inclusion_needs_every_gene_tested() -> None:
    inclusion = compile_criterion("EGFR/ALK wild-type", exclusion=False)
    assert inclusion is not None
    both = record(
        patient(), _variant("EGFR", "HGNC:3236", ABSENT), _variant("ALK", "HGNC:427", ABSENT)
    )
    assert result_of(inclusion, both) == "met"
    assert (
        result_of(inclusion, record(patient(), _variant("EGFR", "HGNC:3236", ABSENT))) == "unknown"
    )
    assert (
        result_of(inclusion, record(patient(), _variant("EGFR", "HGNC:3236", PRESENT))) == "not-met"
    )
