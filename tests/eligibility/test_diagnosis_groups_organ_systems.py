"""The organ-system groups beyond the first ten, read literally ("gastrointestinal disease",
"hematologic disease", "musculoskeletal disorders", "rheumatologic disease", "infectious" in a
list of organ systems, "genitourinary disease", "eye disease", "ear disease", "metabolic
disease"): how real-looking bullets compile, where they stay text, and the three answers a
record gets, with a common minor entry of each system in the periphery (unknown), never in the
core (terminology/diagnosis_groups.json, rules/diagnosis_groups.py)."""

from __future__ import annotations

import pytest

from fhirtrial.eligibility.compiler import compile_outline
from fhirtrial.eligibility.model import Criterion, Kind
from fhirtrial.eligibility.outline import parse_outline
from fhirtrial.eligibility.rules import compile_text
from tests.eligibility.ehr_records import (
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


def test_missing_data_is_unknown() -> None:
    criterion = Criterion(Kind.CONDITION, concept="gastrointestinal-disease")
    assert result_of(criterion, record(patient())) == "unknown"
