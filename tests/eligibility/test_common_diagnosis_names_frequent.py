"""The everyday diagnosis names added in session 8 by frequency over the development texts
(`icd10cm_common_names.json`): hepatitis, hernia, lupus, pathologic fracture,
hemolytic anemia, meningitis, … Each compiles to the codes that are wholly it, a problem list
exported as Epic does (ICD-10-CM with SNOMED CT) meets it, and a neighbouring diagnosis that is
not it — NASH beside hepatitis, lupus anticoagulant beside lupus, a disc herniation beside a
hernia, sickle-cell trait beside hemolytic anemia — does not."""

from __future__ import annotations

import json
from importlib.resources import files

import pytest

from fhirtrial.eligibility.compiler import compile_criterion
from fhirtrial.eligibility.rules import compile_text
from tests.eligibility.ehr_records import (
    ICD,
    SNOMED,
    condition,
    criteria_text,
    patient,
    record,
    result_of,
    verdict_of_study,
)
from tests.eligibility.signature import bullet_signature

_NAMES = json.loads(
    files("fhirtrial.eligibility.terminology").joinpath("icd10cm_common_names.json").read_text()
)["names"]


def _set(name: str) -> str:
    return "condition:icd10cm:" + "+".join(_NAMES[name]["codes"])


HEPATITIS = _set("hepatitis")
PNEUMOTHORAX = _set("pneumothorax")


@pytest.mark.parametrize(
    ("text", "exclusion", "expected"),
    [
        ("Known hepatitis", True, HEPATITIS),
        ("History of lupus", True, _set("lupus")),
        ("Hernia", True, _set("hernia")),
        ("Pathologic fractures", True, _set("pathologic fracture")),
        ("Hemolytic anemia,", False, _set("hemolytic anemia")),
        ("Vestibular disorder,", True, _set("vestibular disorder")),
        ("Opioid addiction", True, "condition:icd10cm:F11.2"),
        ("Pneumothorax or pneumomediastinum", True, f"any-of({PNEUMOTHORAX}, text)"),
        ("History of bilateral adhesive capsulitis", True, "all-of(condition:icd10cm:M75.0, text)"),
        ("sexually transmitted diseases", True, _set("sexually transmitted disease")),
        ("Sensorineural hearing loss;", False, _set("sensorineural hearing loss")),
        # Abbreviations with no other meaning in criteria.
        ("History of IVH", True, _set("intraventricular hemorrhage")),
        ("SNHL", False, _set("sensorineural hearing loss")),
        (
            "Individuals with a history of heparin-induced thrombocytopenia (HIT)",
            True,
            "condition:icd10cm:D75.82",
        ),
        (
            "Ileus, intestinal obstruction, megacolon.",
            True,
            f"any-of({_set('ileus')}, {_set('bowel obstruction')}, {_set('megacolon')})",
        ),
        # In a list with other named diagnoses.
        ("HIV, hepatitis", True, f"any-of(condition:hiv, {HEPATITIS})"),
        # Named kinds keep their own, narrower readings: never the whole name.
        ("Hepatitis B or hepatitis C", True, "any-of(condition:hbv, condition:hcv)"),
        ("Autoimmune hepatitis", True, "condition:icd10cm:K75.4"),
        ("Lupus nephritis", True, "condition:icd10cm:M32.14"),
        ("Inguinal hernia", True, "condition:icd10cm:K40"),
        # Kinds said in parentheses or other words: no wider reading, the bullet stays text.
        ("Hepatitis (B or C)", True, None),
        ("Positive lupus anticoagulant", True, None),
        ("History of hernia repair", True, None),
        ("Hepatitis B vaccine", False, None),
        # "TBI" is left out: total body irradiation in transplant criteria, a radiotherapy
        # narrowed to a field no code tells (never the diagnosis traumatic brain injury).
        ("Prior total body irradiation (TBI)", True, "all-of(procedure:radiotherapy, text)"),
    ],
)
def test_a_frequent_name_compiles_to_its_set(
    text: str, exclusion: bool, expected: str | None
) -> None:
    assert bullet_signature(text, "Exclusion" if exclusion else "Inclusion") == expected


@pytest.mark.parametrize(
    ("text", "entry", "expected"),
    [
        (
            "Known hepatitis",
            condition(
                "Autoimmune hepatitis",
                (ICD, "K75.4", "Autoimmune hepatitis"),
                (SNOMED, "408335007", "Autoimmune hepatitis"),
            ),
            "met",
        ),
        (
            "Known hepatitis",
            condition(
                "NASH (nonalcoholic steatohepatitis)",
                (ICD, "K75.81", "Nonalcoholic steatohepatitis (NASH)"),
                (SNOMED, "442685003", "Nonalcoholic steatohepatitis"),
            ),
            "not-met",
        ),
        (
            "History of lupus",
            condition(
                "SLE (systemic lupus erythematosus)",
                (ICD, "M32.9", "Systemic lupus erythematosus, unspecified"),
                (SNOMED, "55464009", "Systemic lupus erythematosus"),
            ),
            "met",
        ),
        (
            "History of lupus",
            condition("Discoid lupus", (ICD, "L93.0", "Discoid lupus erythematosus")),
            "met",
        ),
        (
            "History of lupus",
            condition("Lupus anticoagulant", (ICD, "D68.62", "Lupus anticoagulant syndrome")),
            "not-met",
        ),
        (
            "Hernia",
            condition(
                "Right inguinal hernia",
                (
                    ICD,
                    "K40.90",
                    "Unilateral inguinal hernia, without obstruction or gangrene, not specified"
                    " as recurrent",
                ),
                (SNOMED, "396232000", "Inguinal hernia"),
            ),
            "met",
        ),
        (
            "Hernia",
            condition(
                "Lumbar disc herniation",
                (ICD, "M51.26", "Other intervertebral disc displacement, lumbar region"),
            ),
            "not-met",
        ),
        (
            "Hemolytic anemia",
            condition("Warm AIHA", (ICD, "D59.11", "Warm autoimmune hemolytic anemia")),
            "met",
        ),
        (
            "Hemolytic anemia",
            condition("Sickle cell trait", (ICD, "D57.3", "Sickle-cell trait")),
            "not-met",
        ),
        (
            "Pathologic fractures",
            condition(
                "Pathological fracture of vertebra",
                (ICD, "M84.48XA", "Pathological fracture, other site, initial encounter"),
            ),
            "met",
        ),
        (
            "Pathologic fractures",
            condition(
                "Stress fracture of left foot",
                (ICD, "M84.375A", "Stress fracture, left foot, initial encounter for fracture"),
            ),
            "not-met",
        ),
        (
            "History of meningitis",
            condition("Meningitis", (ICD, "G03.9", "Meningitis, unspecified")),
            "met",
        ),
        (
            "History of meningitis",
            condition("Encephalitis", (ICD, "G04.90", "Encephalitis and encephalomyelitis")),
            "not-met",
        ),
        (
            "Opioid addiction",
            condition("Opioid abuse", (ICD, "F11.10", "Opioid abuse, uncomplicated")),
            "not-met",
        ),
        (
            "History of cellulitis",
            condition(
                "Cellulitis of left leg",
                (ICD, "L03.116", "Cellulitis of left lower limb"),
                (SNOMED, "128045006", "Cellulitis"),
            ),
            "met",
        ),
        (
            "History of cellulitis",
            condition(
                "Acute lymphangitis of left leg",
                (ICD, "L03.126", "Acute lymphangitis of left lower limb"),
            ),
            "not-met",
        ),
        (
            "Sexually transmitted diseases",
            condition(
                "Chlamydia infection",
                (ICD, "A56.00", "Chlamydial infection of lower genitourinary tract, unspecified"),
            ),
            "met",
        ),
        (
            "Respiratory failure",
            condition(
                "Acute hypoxemic respiratory failure",
                (ICD, "J96.01", "Acute respiratory failure with hypoxia"),
                (SNOMED, "409622000", "Respiratory failure"),
            ),
            "met",
        ),
        (
            "Respiratory failure",
            condition("Interstitial emphysema", (ICD, "J98.2", "Interstitial emphysema")),
            "not-met",
        ),
        (
            "Blindness",
            condition("Low vision, both eyes", (ICD, "H54.2", "Low vision, both eyes")),
            "not-met",
        ),
    ],
)
def test_an_epic_problem_list_meets_the_name_and_not_its_neighbour(
    text: str, entry: dict, expected: str
) -> None:
    criterion = compile_text(text, exclusion=True)
    assert criterion is not None
    assert result_of(criterion, record(patient(), entry)) == expected


def test_a_study_excluding_hepatitis_keeps_a_patient_with_nash() -> None:
    text = criteria_text(["Age 18 years or older"], ["Known hepatitis"])
    nash = condition("NASH", (ICD, "K75.81", "Nonalcoholic steatohepatitis (NASH)"))
    autoimmune = condition("Autoimmune hepatitis", (ICD, "K75.4", "Autoimmune hepatitis"))
    assert verdict_of_study(text, record(patient(), autoimmune)) == "ineligible"
    assert verdict_of_study(text, record(patient(), nash)) == "eligible"


@pytest.mark.parametrize(
    ("code", "title", "expected"),
    [
        # ICD-10-CM titles L93 "Lupus erythematosus" (cutaneous only); criteria mean the disease
        # with its systemic form, so a patient with SLE meets "lupus erythematosus".
        ("M32.9", "Systemic lupus erythematosus, unspecified", "met"),
        ("L93.0", "Discoid lupus erythematosus", "met"),
        ("A18.4", "Tuberculosis of skin and subcutaneous tissue", "not-met"),
    ],
)
def test_lupus_erythematosus_in_an_inclusion_is_met_by_systemic_lupus(
    code: str, title: str, expected: str
) -> None:
    inclusion = compile_criterion("Diagnosis of lupus erythematosus", exclusion=False)
    assert inclusion is not None
    entry = condition(title, (ICD, code, title))
    assert result_of(inclusion, record(patient(), entry)) == expected
