"""Packaged terminology: lookups across code systems, hierarchy, classes, sources."""

from __future__ import annotations

from fhirtrial.eligibility import terminology

SNOMED = "http://snomed.info/sct"
ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
ATC = "http://www.whocc.no/atc"
ALLOWED_SYSTEMS = {
    SNOMED,
    ICD10CM,
    RXNORM,
    ATC,
    "http://loinc.org",
    "http://id.nlm.nih.gov/mesh",
    "http://hl7.org/fhir/sid/cvx",
    "http://cancerstaging.org",
}


def test_icd10cm_descendant_satisfies_melanoma_of_skin_and_melanoma() -> None:
    assert {"melanoma-cutaneous", "melanoma", "malignant-neoplasm"} <= terminology.concepts_for(
        ICD10CM, "C43.52"
    )
    assert "melanoma" not in terminology.concepts_for(ICD10CM, "C50.911")


def test_a_snomed_diagnosis_satisfies_a_criterion_written_from_any_system() -> None:
    breast = terminology.concepts_for(SNOMED, "408643008")  # infiltrating duct carcinoma
    assert "breast-cancer" in breast
    assert "breast-cancer" in terminology.concepts_for("http://id.nlm.nih.gov/mesh", "D001943")


def test_uveal_melanoma_is_not_melanoma_of_skin() -> None:
    uveal = terminology.concepts_for(ICD10CM, "C69.31")
    assert "melanoma-uveal-ocular" in uveal
    assert "melanoma-cutaneous" not in uveal


def test_drug_ingredients_and_atc_codes_resolve_to_their_class() -> None:
    assert "anti-pd-1-pd-l1" in terminology.concepts_for(RXNORM, "1547545")  # pembrolizumab
    assert "anti-pd-1-pd-l1" in terminology.concepts_for(ATC, "L01FF02")
    braf = terminology.concepts_for(RXNORM, "1424911")  # dabrafenib
    assert {"braf-inhibitor", "targeted-therapy", "systemic-anticancer-therapy"} <= braf
    assert terminology.concepts_for(RXNORM, "2555") >= {"platinum-chemotherapy"}  # cisplatin


def test_stage_codes_from_mcode_records_reach_the_parent_stage() -> None:
    assert {"stage-3c", "stage-3"} <= terminology.concepts_for(SNOMED, "261640009")
    assert {"stage-3c", "stage-3"} <= terminology.concepts_for("http://cancerstaging.org", "c3C")
    assert "stage-4" in terminology.concepts_for("http://cancerstaging.org", "4")


def test_text_synonyms_are_the_last_resort_path() -> None:
    found = terminology.concepts_for_text("History of uveal melanoma and HIV")
    assert {"melanoma-uveal-ocular", "hiv"} <= found
    assert "hcv" not in found


def test_prednisone_equivalence() -> None:
    assert terminology.prednisone_equivalent_factor("3264") > 6  # dexamethasone
    assert terminology.prednisone_equivalent_factor("8640") == 1.0
    assert terminology.prednisone_equivalent_factor("1547545") is None


def test_every_value_set_names_its_sources_and_uses_known_systems() -> None:
    sources = terminology.sources()
    assert set(sources) == {
        "conditions",
        "therapies",
        "observations",
        "stages",
        "biomarkers",
        "medications",
        "allergens",
        "procedures",
        "tobacco",
        "obstetric",
        "diagnosis_groups",
        "serology",
    }
    for concept in terminology.terminology().concepts.values():
        for coding in (*concept.codings, *concept.members):
            assert coding.system in ALLOWED_SYSTEMS
            assert coding.system in sources[concept.value_set], (concept.id, coding.system)
