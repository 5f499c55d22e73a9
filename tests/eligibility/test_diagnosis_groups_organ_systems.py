"""The organ-system groups beyond the first ten, read literally ("gastrointestinal disease",
"hematologic disease", "musculoskeletal disorders", "rheumatologic disease", "infectious" in a
list of organ systems, "genitourinary disease", "eye disease", "ear disease", "metabolic
disease"): how real-looking bullets compile, where they stay text, and the three answers a
record gets, with a common minor entry of each system in the periphery (unknown), never in the
core (terminology/diagnosis_groups.json, rules/diagnosis_groups.py)."""

from __future__ import annotations

import pytest
import simple_icd_10_cm as release

from fhirtrial.eligibility.compiler import compile_outline
from fhirtrial.eligibility.model import Criterion, Kind
from fhirtrial.eligibility.outline import parse_outline
from fhirtrial.eligibility.rules import compile_text
from tests.eligibility.ehr_records import (
    ICD,
    SNOMED,
    condition,
    criteria_text,
    patient,
    record,
    result_of,
)
from tests.eligibility.signature import signature


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Any gastrointestinal disorders", "condition:gastrointestinal-disease"),
        ("GI disease", "condition:gastrointestinal-disease"),
        ("digestive diseases", "condition:gastrointestinal-disease"),
        ("With current or prior history of hematological disease", "condition:hematologic-disease"),
        ("Haematological disorders", "condition:hematologic-disease"),
        ("blood disorders", "condition:hematologic-disease"),
        ("Musculoskeletal disorders", "condition:musculoskeletal-disease"),
        ("Rheumatologic disease", "condition:rheumatic-disease"),
        ("genitourinary disease", "condition:genitourinary-disease"),
        ("Eye disease", "condition:eye-disease"),
        ("Ophthalmological disorders", "condition:eye-disease"),
        ("Ear disease", "condition:ear-disease"),
        ("metabolic diseases,", "condition:metabolic-disease"),
        (
            "Presence of neurologic or metabolic diseases",
            "any-of(condition:neurological-disease, condition:metabolic-disease)",
        ),
        (
            "kidney or urologic disease",
            "any-of(condition:kidney-disease, condition:genitourinary-disease)",
        ),
        # "Infectious" beside other organ systems is the group.
        (
            "Prior diagnosis of any cardiovascular, renal, endocrine, infectious, or"
            " hematological disorder",
            "any-of(condition:cardiovascular-disease, condition:kidney-disease,"
            " condition:endocrine-disease, condition:infectious-disease,"
            " condition:hematologic-disease)",
        ),
        # An organ system still without a group stays a text member.
        (
            "hepatobiliary or gastrointestinal disease",
            "any-of(condition:gastrointestinal-disease, text)",
        ),
    ],
)
def test_an_organ_system_name_compiles_to_its_group(text: str, expected: str) -> None:
    assert signature(compile_text(text, exclusion=True)) == expected


def test_a_negated_group_in_an_inclusion() -> None:
    assert signature(compile_text("No gastrointestinal disease")) == (
        "NOT condition:gastrointestinal-disease"
    )


@pytest.mark.parametrize(
    "text",
    [
        # Alone, "infectious disease" is the `infection` concept, read only with its treatment.
        "Active infectious disease",
        "Acute infectious diseases",
        # Narrower classes, other than the study's, examples, relatives.
        "Primary metabolic disorder",
        "Inherited metabolic diseases",
        "uveitis or other inflammatory eye disease",
        "Other gastrointestinal disorders",
        "Gastrointestinal disease (e.g., Crohn's disease, celiac disease)",
        "Musculoskeletal disorders that could affect exercise performance",
        "Family history of hematologic disease",
    ],
)
def test_a_name_that_says_more_or_less_stays_text(text: str) -> None:
    assert signature(compile_text(text, exclusion=True)) is None


def test_infectious_disease_requiring_treatment_keeps_the_infection_concept() -> None:
    text = "Active infectious disease requiring systemic treatment"
    assert signature(compile_text(text, exclusion=True)) == "condition:infection"


def test_a_group_holding_the_studys_own_disease_stays_text() -> None:
    text = criteria_text(
        ["Diagnosis of Crohn's disease"], ["Gastrointestinal disease", "Hematologic disease"]
    )
    found = {n.text: signature(n.criterion) for n in compile_outline(parse_outline(text))}
    assert found["Gastrointestinal disease"] is None
    assert found["Hematologic disease"] == "condition:hematologic-disease"
    lymphoma = criteria_text(["Diffuse large B-cell lymphoma"], ["Hematologic disease"])
    found = {n.text: signature(n.criterion) for n in compile_outline(parse_outline(lymphoma))}
    assert found["Hematologic disease"] is None


# ---------------------------------------------------------------- core and periphery


def _dx(code: str) -> dict:
    title = release.get_description(code)
    return condition(title, (ICD, code.replace(".", ""), title))


@pytest.mark.parametrize(
    ("group", "core", "periphery", "outside"),
    [
        ("gastrointestinal-disease", "K50.90", "K21.9", "J45.909"),  # GERD may count
        ("gastrointestinal-disease", "K90.0", "K74.60", "C34.90"),  # cirrhosis may count
        ("hematologic-disease", "D57.1", "D50.9", "D86.0"),  # iron deficiency; sarcoidosis
        ("hematologic-disease", "D69.3", "C83.30", "E11.9"),  # a lymphoma may count
        ("musculoskeletal-disease", "M06.9", "M54.50", "G35.D"),  # low back pain may count
        ("rheumatic-disease", "L40.50", "M17.11", "L40.0"),  # knee osteoarthritis may count
        ("infectious-disease", "B20", "B00.1", "J18.9"),  # cold sores may count
        ("genitourinary-disease", "N04.9", "N39.0", "K21.9"),  # a urinary tract infection
        ("genitourinary-disease", "N18.5", "N95.1", "I10"),  # menopause may count
        ("eye-disease", "H40.1110", "H52.13", "H90.3"),  # myopia may count
        ("ear-disease", "H81.09", "H91.10", "H52.13"),  # presbycusis may count
        ("metabolic-disease", "E75.22", "E78.5", "I10"),  # hyperlipidemia may count
        ("metabolic-disease", "E83.110", "E11.9", "F32.A"),  # diabetes may count
    ],
)
def test_a_record_is_in_a_group_by_its_core_and_may_be_by_its_extent(
    group: str, core: str, periphery: str, outside: str
) -> None:
    criterion = Criterion(Kind.CONDITION, concept=group)
    assert result_of(criterion, record(patient(), _dx(core))) == "met"
    assert result_of(criterion, record(patient(), _dx(periphery))) == "unknown"
    assert result_of(criterion, record(patient(), _dx(outside))) == "not-met"


@pytest.mark.parametrize(
    ("group", "entry", "expected"),
    [
        # SNOMED CT as EHRs send it: a named diagnosis of the core, or words that name one.
        ("gastrointestinal-disease", ("Crohn's disease", (SNOMED, "34000006", "")), "met"),
        ("musculoskeletal-disease", ("Rheumatoid arthritis", (SNOMED, "69896004", "")), "met"),
        ("infectious-disease", ("HIV infection", (SNOMED, "86406008", "")), "met"),
        ("hematologic-disease", ("Type 2 diabetes", (SNOMED, "44054006", "")), "not-met"),
        # The body system's disorder concept itself says no more than the group's name.
        (
            "gastrointestinal-disease",
            ("Disorder of digestive system", (SNOMED, "53619000", "")),
            "unknown",
        ),
        (
            "musculoskeletal-disease",
            ("Disorder of musculoskeletal system", (SNOMED, "928000", "")),
            "unknown",
        ),
        ("metabolic-disease", ("Metabolic disease", (SNOMED, "75934005", "")), "unknown"),
        ("infectious-disease", ("Infectious disease", (SNOMED, "40733004", "")), "unknown"),
    ],
)
def test_a_snomed_coded_diagnosis_is_placed_by_what_it_names(
    group: str, entry: tuple[str, tuple[str, str, str]], expected: str
) -> None:
    people = record(patient(), condition(entry[0], entry[1]))
    assert result_of(Criterion(Kind.CONDITION, concept=group), people) == expected


def test_missing_data_is_unknown() -> None:
    criterion = Criterion(Kind.CONDITION, concept="gastrointestinal-disease")
    assert result_of(criterion, record(patient())) == "unknown"
