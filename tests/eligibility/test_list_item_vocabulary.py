"""Comorbidities that exclusion lists name item by item ("atrial fibrillation, atrial flutter or
VT", "hypertension, diabetes mellitus, dyslipidemia") compile as ICD-10-CM classes, so the list
is no longer refused for an item it cannot read; names that mean something else stay text, and
records coded the way EHRs code them meet the new classes or not."""

from __future__ import annotations

import pytest

from fhirtrial.eligibility.compiler import compile_criterion, compile_outline
from fhirtrial.eligibility.outline import parse_outline
from fhirtrial.eligibility.rules import compile_text
from tests.eligibility.ehr_records import (
    ICD,
    SNOMED,
    condition,
    medication,
    patient,
    record,
    result_of,
)
from tests.eligibility.signature import signature


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Patients with a diagnosis of atrial fibrillation (AF), atrial flutter and/or "
            "ventricular tachycardia (VT)",
            "any-of(condition:atrial-fibrillation, condition:atrial-flutter, "
            "condition:icd10cm:I47.2)",
        ),
        (
            "Previous history of hypertension , diabetes mellitus, Dyslipidemia",
            "any-of(condition:hypertension, condition:diabetes-mellitus, condition:dyslipidemia)",
        ),
        (
            "severe coagulopathy or thrombocytopenia",
            "any-of(condition:coagulopathy, condition:thrombocytopenia)",
        ),
        (
            "patients with long-term use of immunosuppressive drugs or with immunodeficiency.",
            "any-of(medication:immunosuppressant, condition:immunodeficiency)",
        ),
        (
            "History of depression or anxiety disorder",
            "any-of(condition:depression, condition:anxiety-disorder)",
        ),
        (
            "History of alcohol or drug abuse or dependence within past year.",
            "condition:substance-use-disorder:w-365,0,enrollment",
        ),
        ("Alcohol abuse or dependence", "condition:alcohol-use-disorder"),
        ("Mental retardation.", "condition:intellectual-disability"),
        ("Personality disorders", "condition:personality-disorder"),
        ("History of traumatic brain injury", "condition:traumatic-brain-injury"),
        ("Proliferative diabetic retinopathy", "condition:proliferative-diabetic-retinopathy"),
        ("Known aortic aneurysm", "condition:aortic-aneurysm"),
        ("Active peptic ulcer disease", "condition:peptic-ulcer"),
        ("Anaemia", "condition:anemia"),
        (
            "Sickle cell disease or thalassemia",
            "any-of(condition:sickle-cell-disease, condition:icd10cm:D56)",
        ),
        ("Severe neuropathy;", "condition:peripheral-neuropathy"),
        # A title that says more than the class is still read as its title.
        ("Iron deficiency anemia", "condition:icd10cm:D50"),
        ("Major depression", "condition:major-depressive-disorder"),
        ("Human immunodeficiency virus infection", "condition:hiv"),
        # Other meanings of the same words stay text.
        ("Respiratory depression", None),
        ("ST depression on ECG", None),
        ("Optic neuropathy", None),
        # Not `anemia` (a value): each its own codes.
        ("Aplastic anemia", "condition:icd10cm:D61.0+D61.1+D61.2+D61.3+D61.9"),
        ("Sickle cell anemia", "condition:icd10cm:D57.0+D57.1"),
        ("Prior TBI", None),  # total body irradiation in transplant studies
        # A name defined by a measurement is the measurement, read by the lab finder, or text.
        ("Thrombocytopenia (platelet count < 100,000/mm3)", "lab:platelets:<10010*3/uL"),
        ("Anemia (Hb < 9 g/dL)", "lab:hemoglobin:<9g/dL"),
        ("Dyslipidemia (LDL > 190 mg/dL)", None),
        ("Immunodeficiency (CD4 < 200)", None),
    ],
)
def test_exclusion_items_compile_to_their_class(text: str, expected: str | None) -> None:
    assert signature(compile_text(text, exclusion=True, partial=True)) == expected


def test_a_congenital_immune_deficiency_is_not_read_as_the_wider_class() -> None:
    criterion = compile_text(
        "Human immunodeficiency virus infection or congenital immune deficiency diseases;",
        exclusion=True,
        partial=True,
    )
    assert signature(criterion) == "any-of(condition:hiv, text)"


def test_a_negated_name_defined_by_a_measurement_stays_text_in_an_inclusion_list() -> None:
    assert compile_criterion("No anemia (hemoglobin < 10 g/dL)") is None
    assert compile_criterion("No thrombocytopenia (platelets < 100 x 10^9/L)") is None


def test_a_judgement_on_an_item_is_kept_as_its_qualifier() -> None:
    criterion = compile_criterion("Severe anemia", exclusion=True)
    assert criterion is not None and "severe" in criterion.qualifiers


def _result(text: str, *resources: dict) -> str:
    criterion = compile_criterion(text, exclusion=True)
    assert criterion is not None
    return result_of(criterion, record(patient(), *resources))


FLUTTER = condition("Atrial flutter", (ICD, "I48.92", "Unspecified atrial flutter"))
PAROXYSMAL_AF = condition("PAF", (ICD, "I48.0", "Paroxysmal atrial fibrillation"))
DEPRESSION = condition("Depression", (ICD, "F32.A", "Depression, unspecified"))
MDD_SNOMED = condition("MDD", (SNOMED, "370143000", "Major depressive disorder"))
GAD = condition("GAD", (ICD, "F41.1", "Generalized anxiety disorder"))
IRON_ANEMIA = condition("IDA", (ICD, "D50.9", "Iron deficiency anemia, unspecified"))
SICKLE_TRAIT = condition("Sickle trait", (ICD, "D57.3", "Sickle-cell trait"))
HB_SS = condition("Sickle cell anemia", (ICD, "D57.1", "Sickle-cell disease without crisis"))
ITP = condition("ITP", (ICD, "D69.3", "Immune thrombocytopenic purpura"))
HYPERLIPIDEMIA = condition("HLD", (ICD, "E78.5", "Hyperlipidemia, unspecified"))
CVID = condition("CVID", (ICD, "D83.9", "Common variable immunodeficiency, unspecified"))
CONCUSSION = condition(
    "Concussion", (ICD, "S06.0X0A", "Concussion without loss of consciousness, initial encounter")
)
AAA = condition("AAA", (ICD, "I71.40", "Abdominal aortic aneurysm, without rupture, unspecified"))
AORTIC_DISSECTION = condition(
    "Dissection", (ICD, "I71.00", "Dissection of unspecified site of aorta")
)


@pytest.mark.parametrize(
    ("text", "resources", "result"),
    [
        ("Atrial flutter", (FLUTTER,), "met"),
        ("Atrial flutter", (PAROXYSMAL_AF,), "not-met"),
        ("Atrial flutter", (), "unknown"),
        ("Depression", (DEPRESSION,), "met"),
        ("Depression", (MDD_SNOMED,), "met"),
        ("Depression", (GAD,), "not-met"),
        ("Anxiety disorder", (GAD,), "met"),
        ("Severe depression", (DEPRESSION,), "unknown"),
        ("Anemia", (IRON_ANEMIA,), "met"),
        ("Anemia", (SICKLE_TRAIT,), "not-met"),
        ("Sickle cell disease", (SICKLE_TRAIT,), "not-met"),
        ("Sickle cell disease", (HB_SS,), "met"),
        ("Thrombocytopenia", (ITP,), "met"),
        ("Dyslipidemia", (HYPERLIPIDEMIA,), "met"),
        ("Immunodeficiency", (CVID,), "met"),
        ("History of traumatic brain injury", (CONCUSSION,), "met"),
        ("Aortic aneurysm", (AAA,), "met"),
        ("Aortic aneurysm", (AORTIC_DISSECTION,), "not-met"),
    ],
)
def test_coded_records_meet_the_list_item_classes(
    text: str, resources: tuple[dict, ...], result: str
) -> None:
    assert _result(text, *resources) == result


def test_current_depression_asks_for_an_active_diagnosis() -> None:
    past = condition(
        "Depression",
        (ICD, "F32.A", "Depression, unspecified"),
        status="resolved",
        abated="2025-06-01",
    )
    assert _result("Current depression", past) == "not-met"
    assert _result("History of depression", past) == "met"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Patients taking beta blockers or calcium channel blockers",
            "any-of(medication:beta-blocker, medication:calcium-channel-blocker)",
        ),
        ("Current use of calcium channel blockers", "medication:calcium-channel-blocker"),
        ("Prior calcium channel blocker", None),
    ],
)
def test_calcium_channel_blockers_are_a_medication_class(text: str, expected: str | None) -> None:
    assert signature(compile_text(text, exclusion=True, partial=True)) == expected


@pytest.mark.parametrize(
    ("resources", "result"),
    [
        ((medication("amlodipine 5 mg oral tablet", "2026-01-01", status="active"),), "met"),
        ((medication("metoprolol 50 mg oral tablet", "2026-01-01", status="active"),), "not-met"),
        ((medication("amlodipine 5 mg oral tablet", "2020-01-01", "2020-06-01"),), "not-met"),
        ((), "unknown"),
    ],
)
def test_a_current_calcium_channel_blocker_meets_the_class(
    resources: tuple[dict, ...], result: str
) -> None:
    criterion = compile_criterion("Current use of calcium channel blockers", exclusion=True)
    assert criterion is not None
    assert result_of(criterion, record(patient(), *resources)) == result


def test_an_inclusion_lead_in_asking_for_absence_leaves_its_items_text() -> None:
    text = (
        "Inclusion Criteria:\n"
        "should report the absence of:\n"
        "  -  anemia,\n"
        "  -  diabetes,\n"
        "Exclusion Criteria:\n"
        "  -  anemia\n"
    )
    inclusion, exclusion = compile_outline(parse_outline(text))
    assert [child.criterion for child in inclusion.children] == [None, None]
    assert signature(exclusion.criterion) == "condition:anemia"


@pytest.mark.parametrize(
    ("text", "record_text", "result"),
    [
        # A record's words name the class only where the name means it.
        ("Depression", "Depression", "met"),
        ("Depression", "Respiratory depression", "not-met"),
        ("Depression", "ST depression", "not-met"),
        ("Immunodeficiency", "Human immunodeficiency virus disease", "not-met"),
        ("Proliferative diabetic retinopathy", "Non proliferative diabetic retinopathy", "not-met"),
        ("Proliferative diabetic retinopathy", "Proliferative diabetic retinopathy", "met"),
    ],
)
def test_record_words_meet_the_classes_only_where_they_mean_them(
    text: str, record_text: str, result: str
) -> None:
    assert _result(text, condition(record_text)) == result
