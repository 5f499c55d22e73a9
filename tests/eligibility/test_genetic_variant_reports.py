"""Genomics reports as EHRs export them: the gene studied named by its HGNC ID with the approved
name as display (CodeX / mCODE) or the symbol (Epic-style), and the variant's clinical
significance. A variant of uncertain significance, or a benign one, is not "a BRCA1 mutation" or
"an EGFR mutation": it neither meets nor fails such a criterion."""

from __future__ import annotations

import pytest

from fhirtrial.eligibility.model import Criterion, Kind
from tests.eligibility.ehr_records import LOINC, observation, patient, record, result_of

GENES = "http://www.genenames.org/geneId"
PRESENT = {"coding": [{"system": LOINC, "code": "LA9633-4", "display": "Present"}]}
ABSENT = {"coding": [{"system": LOINC, "code": "LA9634-2", "display": "Absent"}]}
SIGNIFICANCE = {
    "pathogenic": ("LA6668-3", "Pathogenic"),
    "likely pathogenic": ("LA26332-9", "Likely pathogenic"),
    "uncertain": ("LA26333-7", "Uncertain significance"),
    "likely benign": ("LA26334-5", "Likely benign"),
    "benign": ("LA6675-8", "Benign"),
}
GERMLINE = {
    "code": {"coding": [{"system": LOINC, "code": "48002-0", "display": "Genomic source class"}]},
    "valueCodeableConcept": {
        "coding": [{"system": LOINC, "code": "LA6683-2", "display": "Germline"}]
    },
}


def variant(
    gene_coding: dict, result: dict, significance: str | None = None, germline: bool = False
):
    components = [
        {
            "code": {
                "coding": [{"system": LOINC, "code": "48018-6", "display": "Gene studied [ID]"}]
            },
            "valueCodeableConcept": {"coding": [gene_coding]},
        }
    ]
    if significance is not None:
        code, display = SIGNIFICANCE[significance]
        components.append(
            {
                "code": {"coding": [{"system": LOINC, "code": "53037-8"}]},
                "valueCodeableConcept": {
                    "coding": [{"system": LOINC, "code": code, "display": display}]
                },
            }
        )
    if germline:
        components.append(GERMLINE)
    return observation(
        (LOINC, "69548-6", "Genetic variant assessment"),
        "2026-03-02",
        valueCodeableConcept=result,
        component=components,
    )


def egfr_mutation() -> Criterion:
    return Criterion(Kind.BIOMARKER, concept="egfr-mutation", value_concept="detected")


def brca1_mutation(*qualifiers: str) -> Criterion:
    return Criterion(
        Kind.BIOMARKER, concept="brca1-mutation", value_concept="detected", qualifiers=qualifiers
    )


def of(*resources: dict):
    return record(patient(), *resources)


# The CodeX test patients name the gene by HGNC ID with the approved name as display.
EGFR_BY_NAME = {"system": GENES, "code": "HGNC:3236", "display": "epidermal growth factor receptor"}
EGFR_BY_SYMBOL = {"system": GENES, "code": "HGNC:3236", "display": "EGFR"}
EGFR_BY_ID_ONLY = {"system": GENES, "code": "HGNC:3236"}
BRCA1_BY_NAME = {"system": GENES, "code": "HGNC:1100", "display": "BRCA1 DNA repair associated"}
BRCA1_BY_SYMBOL = {"system": GENES, "code": "HGNC:1100", "display": "BRCA1"}


@pytest.mark.parametrize("gene", [EGFR_BY_NAME, EGFR_BY_SYMBOL, EGFR_BY_ID_ONLY])
def test_an_egfr_variant_is_found_however_the_report_names_the_gene(gene: dict) -> None:
    assert result_of(egfr_mutation(), of(variant(gene, PRESENT))) == "met"
    assert result_of(egfr_mutation(), of(variant(gene, ABSENT))) == "not-met"


def test_a_variant_in_another_gene_decides_nothing_about_egfr() -> None:
    kras = {"system": GENES, "code": "HGNC:6407", "display": "KRAS proto-oncogene, GTPase"}
    assert result_of(egfr_mutation(), of(variant(kras, PRESENT))) == "unknown"


@pytest.mark.parametrize("gene", [BRCA1_BY_NAME, BRCA1_BY_SYMBOL])
def test_a_brca1_variant_is_found_by_hgnc_id_or_symbol(gene: dict) -> None:
    assert result_of(brca1_mutation(), of(variant(gene, PRESENT, "pathogenic"))) == "met"
    assert result_of(brca1_mutation(), of(variant(gene, ABSENT))) == "not-met"


@pytest.mark.parametrize("significance", ["uncertain", "likely benign", "benign"])
def test_a_variant_that_is_not_pathogenic_is_not_a_mutation_either_way(significance: str) -> None:
    # A BRCA1 VUS must not exclude a patient from a trial that excludes BRCA1 carriers, nor
    # make her a carrier for one that wants them.
    vus = of(variant(BRCA1_BY_SYMBOL, PRESENT, significance, germline=True))
    assert result_of(brca1_mutation(), vus) == "unknown"
    assert result_of(brca1_mutation("germline"), vus) == "unknown"
    egfr = of(variant(EGFR_BY_SYMBOL, PRESENT, significance))
    assert result_of(egfr_mutation(), egfr) == "unknown"


@pytest.mark.parametrize("significance", ["pathogenic", "likely pathogenic"])
def test_a_pathogenic_or_likely_pathogenic_variant_is_a_mutation(significance: str) -> None:
    carrier = of(variant(BRCA1_BY_NAME, PRESENT, significance, germline=True))
    assert result_of(brca1_mutation("germline"), carrier) == "met"
    assert result_of(egfr_mutation(), of(variant(EGFR_BY_NAME, PRESENT, significance))) == "met"


def test_a_pathogenic_variant_beside_a_vus_still_decides() -> None:
    both = of(
        variant(EGFR_BY_SYMBOL, PRESENT, "uncertain"),
        variant(EGFR_BY_SYMBOL, PRESENT, "pathogenic"),
    )
    assert result_of(egfr_mutation(), both) == "met"


def test_significance_written_in_words_only_is_read() -> None:
    item = variant(BRCA1_BY_SYMBOL, PRESENT)
    item["component"].append(
        {
            "code": {"coding": [{"system": LOINC, "code": "53037-8"}]},
            "valueCodeableConcept": {"text": "Variant of uncertain significance (VUS)"},
        }
    )
    assert result_of(brca1_mutation(), of(item)) == "unknown"
