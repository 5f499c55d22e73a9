"""Diagnosis names of the seventh session's common names (`terminology/icd10cm_common_names.json`):
real-style bullets compile to the set of ICD-10-CM codes that are wholly the name, and problem
lists as Epic (ICD-10-CM beside SNOMED CT) or Cerner (SNOMED CT only) write them decide them —
never a patient ruled out by a code the name does not mean."""

from __future__ import annotations

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
from tests.eligibility.heldout_score import with_judgement_as_text
from tests.eligibility.signature import signature

ANGLE_CLOSURE = "condition:icd10cm:H40.2"
UVEITIS = "condition:icd10cm:H20+H30+H44.11+H44.13"
ARTHRITIS = (
    "condition:icd10cm:M02+M05+M06+M07+M08+M10+M11+M1A+M45+M46.8+M46.9+L40.5"  # inflammatory
)
SCI = "condition:icd10cm:S14.0+S14.1+S24.0+S24.1+S34.0+S34.1"
HEAD = "condition:icd10cm:S02.0+S02.1+S06+S09.8+S09.90+Z87.820"
SUICIDALITY = "condition:icd10cm:R45.851+T14.91+Z91.51"
APHASIA = "condition:icd10cm:R47.01+I69.020+I69.120+I69.220+I69.320+I69.820+I69.920"
NCD = "condition:icd10cm:F01+F02+F03+G30+G31.83+G31.84+F06.7"
ECZEMA = "condition:icd10cm:L20+L30.0+L30.1+L30.9"


@pytest.mark.parametrize(
    ("text", "exclusion", "expected"),
    [
        ("Narrow angle glaucoma", True, ANGLE_CLOSURE),
        ("History of angle-closure glaucoma", True, ANGLE_CLOSURE),
        (
            "Secondary Glaucoma, Closed angle glaucoma",
            True,
            f"any-of(condition:icd10cm:H40.3+H40.4+H40.5+H40.6, {ANGLE_CLOSURE})",
        ),
        (
            "Patients had uveitis or other inflammatory eye disease.",
            True,
            f"any-of({UVEITIS}, text)",
        ),
        ("Lipodystrophy", True, "condition:icd10cm:E88.1"),
        ("Subject diagnosed to have Phenylketonuria (PKU)", True, "condition:icd10cm:E70.0+E70.1"),
        ("Inflammatory arthritis", True, ARTHRITIS),
        ("Spinal cord injuries", True, SCI),
        (
            "Individuals with spinal cord injury for greater than six months",
            False,
            f"{SCI}:w,-183,enrollment",
        ),
        ("Head injury within last 2 years", True, f"{HEAD}:w-731,0,enrollment"),
        # suicidal now is not recorded: the name, and the state for review (`rules.mental_states`)
        ("active suicidality", True, f"all-of({SUICIDALITY}, text)"),
        ("Active suicidal ideation", True, "condition:icd10cm:R45.851"),
        (
            # the test that made the diagnosis does not narrow it (`diagnosis_phrasing`)
            "aphasia, as determined by the Aachen Aphasia Test (AAT);",
            False,
            APHASIA,
        ),
        ("Neurocognitive disorder (current)", True, NCD),
        ("Developmental delay", True, "condition:icd10cm:F88+R62.0+R62.50"),
        ("Evidence of hearing impairment", True, "condition:icd10cm:H90+H91"),
        ("Eczema or sensitive skin;", True, f"any-of({ECZEMA}, text)"),
        ("Fatty liver disease", True, "condition:icd10cm:K70.0+K75.81+K76.0"),
        ("Sideroblastic anaemia .", True, "condition:icd10cm:D64.0+D64.1+D64.2+D64.3"),
        ("color blindness", True, "condition:icd10cm:H53.5"),
        ("Clinical diagnosis of NTM pulmonary disease.", False, "condition:icd10cm:A31.0"),
        ("Retinal detachment", True, "condition:icd10cm:H33.0+H33.2+H33.4+H33.8"),
        # DSM-5's "schizophrenia spectrum and other psychotic disorders": F20-F29.
        ("Schizophrenia-spectrum disorder (lifetime)", True, "condition:psychotic-disorder"),
        # A judgement is the name's qualifier (`rules.diagnosis_leads`), written as the label
        # notation writes it, a text member beside the name: the name alone never excludes.
        ("Serious head trauma", True, f"all-of({HEAD}, text)"),
        ("Severe aphasia", True, f"all-of({APHASIA}, text)"),
        # What the name does not say keeps the bullet text.
        # the stem written once is read (`rules.hyphen_prefixes`): both names are H40.2
        ("narrow- or closed-angle glaucoma", True, "condition:icd10cm:H40.2"),
        ("Moderate or high suicide risk", True, None),  # a risk, not a diagnosis
        ("Brain injury", True, None),  # traumatic or acquired (stroke, anoxia): not said
    ],
)
def test_a_name_compiles_to_its_set(text: str, exclusion: bool, expected: str | None) -> None:
    read = compile_text(text, exclusion=exclusion, partial=True)
    assert signature(with_judgement_as_text(read)) == expected


RA_EPIC = condition(
    "Rheumatoid arthritis involving multiple sites",
    (ICD, "M06.9", "Rheumatoid arthritis, unspecified"),
    (SNOMED, "69896004", "Rheumatoid arthritis"),
)
GOUT_CERNER = condition("Gout", (SNOMED, "90560007", "Gout"))
KNEE_OA = condition(
    "Primary osteoarthritis of right knee",
    (ICD, "M17.11", "Unilateral primary osteoarthritis, right knee"),
)
SEPTIC_KNEE = condition(
    "Septic arthritis of knee",
    (ICD, "M00.861", "Arthritis due to other bacteria, right knee"),
)


@pytest.mark.parametrize(
    ("resources", "result"),
    [
        ((RA_EPIC,), "met"),
        ((GOUT_CERNER,), "met"),  # SNOMED CT only: its display is the title of M10
        ((KNEE_OA,), "not-met"),  # the study's own osteoarthritis is no inflammatory arthritis
        ((SEPTIC_KNEE,), "not-met"),  # an infection, named apart
    ],
)
def test_inflammatory_arthritis_against_problem_lists(resources, result) -> None:
    criterion = compile_criterion("Inflammatory arthritis", exclusion=True)
    assert criterion is not None
    assert result_of(criterion, record(patient(), *resources)) == result


def test_an_osteoarthritis_study_keeps_its_patient_and_turns_away_rheumatoid_arthritis() -> None:
    text = criteria_text(["Knee osteoarthritis"], ["Inflammatory arthritis"])
    person = patient(born="1958-03-01")
    assert verdict_of_study(text, record(person, KNEE_OA)) == "eligible"
    assert verdict_of_study(text, record(person, KNEE_OA, RA_EPIC)) == "ineligible"


IDEATION_2019 = condition(
    "Suicidal ideation",
    (ICD, "R45.851", "Suicidal ideations"),
    status="resolved",
    onset="2019-02-01",
    abated="2019-06-01",
)
IDEATION_NOW = condition(
    "Suicidal ideation", (ICD, "R45.851", "Suicidal ideations"), onset="2026-11-20"
)
ATTEMPT_HISTORY = condition(
    "History of suicide attempt", (ICD, "Z91.51", "Personal history of suicidal behavior")
)


@pytest.mark.parametrize(
    ("resources", "result"),
    [
        # an open entry does not say the patient is suicidal now (a 2015 attempt stays open as
        # long as a fresh ideation): for review, never excluded on the entry alone
        ((IDEATION_NOW,), "unknown"),
        ((IDEATION_2019,), "not-met"),  # resolved years ago: not active
        ((ATTEMPT_HISTORY,), "not-met"),  # a history code is past, not active suicidality
    ],
)
def test_active_suicidality_is_current(resources, result) -> None:
    criterion = compile_criterion("active suicidality", exclusion=True)
    assert criterion is not None and criterion.qualifiers == ("active", "symptomatic")
    assert result_of(criterion, record(patient(), *resources)) == result


def test_a_resolved_episode_leaves_a_bare_suicidal_ideation_open() -> None:
    criterion = compile_criterion("Suicidal ideation", exclusion=True)
    assert criterion is not None
    assert result_of(criterion, record(patient(), IDEATION_2019)) == "unknown"


TBI_HISTORY = condition(
    "History of traumatic brain injury",
    (ICD, "Z87.820", "Personal history of traumatic brain injury"),
)
CONCUSSION = condition(
    "Concussion without loss of consciousness",
    (ICD, "S06.0X0A", "Concussion without loss of consciousness, initial encounter"),
    onset="2026-05-02",
)
TOOTH = condition(
    "Fracture of tooth", (ICD, "S02.5XXA", "Fracture of tooth (traumatic), initial encounter")
)
SCALP = condition(
    "Laceration of scalp",
    (ICD, "S01.01XA", "Laceration without foreign body of scalp, initial encounter"),
)


@pytest.mark.parametrize(
    ("text", "resources", "result"),
    [
        ("History of head injury", (TBI_HISTORY,), "met"),
        ("History of head injury", (TOOTH,), "not-met"),  # a head injury ICD's block holds
        ("History of head injury", (SCALP,), "not-met"),
        ("Head injury within last 2 years", (CONCUSSION,), "met"),
    ],
)
def test_head_injury_is_the_skull_and_the_brain(text, resources, result) -> None:
    criterion = compile_criterion(text, exclusion=True)
    assert criterion is not None
    assert result_of(criterion, record(patient(), *resources)) == result


def test_angle_closure_glaucoma_is_not_a_narrow_angle_nor_open_angle_glaucoma() -> None:
    criterion = compile_criterion("Narrow angle glaucoma", exclusion=True)
    assert criterion is not None
    closure = condition(
        "Chronic angle-closure glaucoma, bilateral",
        (ICD, "H40.2233", "Chronic angle-closure glaucoma, bilateral, severe stage"),
    )
    suspect = condition(
        "Anatomical narrow angle, bilateral", (ICD, "H40.033", "Anatomical narrow angle, bilateral")
    )
    poag = condition(
        "Primary open-angle glaucoma",
        (ICD, "H40.1131", "Primary open-angle glaucoma, bilateral, mild stage"),
    )
    assert result_of(criterion, record(patient(), closure)) == "met"
    assert result_of(criterion, record(patient(), suspect)) == "not-met"
    assert result_of(criterion, record(patient(), poag)) == "not-met"


def test_post_stroke_aphasia_is_aphasia() -> None:
    criterion = compile_criterion("Aphasia", exclusion=True)
    assert criterion is not None
    after_stroke = condition(
        "Aphasia as late effect of cerebrovascular accident",
        (ICD, "I69.320", "Aphasia following cerebral infarction"),
    )
    dysarthria = condition(
        "Dysarthria", (ICD, "I69.322", "Dysarthria following cerebral infarction")
    )
    assert result_of(criterion, record(patient(), after_stroke)) == "met"
    assert result_of(criterion, record(patient(), dysarthria)) == "not-met"


# Groups named by a phrase of their own (`rules.named_groups`, diagnosis_groups.json).
CIRRHOSIS_EPIC = condition(
    "Cirrhosis of liver without ascites",
    (ICD, "K74.60", "Unspecified cirrhosis of liver"),
    (SNOMED, "19943007", "Cirrhosis of liver"),
)
CIRRHOSIS_CERNER = condition("Cirrhosis of liver", (SNOMED, "19943007", "Cirrhosis of liver"))
CHRONIC_HCV = condition(
    "Chronic hepatitis C", (ICD, "B18.2", "Chronic viral hepatitis C"), status="active"
)
NAFLD = condition(
    "Fatty liver", (ICD, "K76.0", "Fatty (change of) liver, not elsewhere classified")
)
HTN = condition("Hypertension", (ICD, "I10", "Essential (primary) hypertension"))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Chronic liver diseases", "condition:chronic-liver-disease"),
        ("severe chronic liver disease", "condition:chronic-liver-disease"),
        ("History of severe mental illness", "condition:serious-mental-illness"),
        ("Severe psychiatric illness.", "condition:serious-mental-illness"),
        (
            "Patient with serious psychiatric disorders , or dementia.",
            "any-of(condition:serious-mental-illness, condition:dementia)",
        ),
        # What follows defines the name: the examples are read, not the name.
        ("Chronic liver disease (for example chronic hepatitis B)", "any-of(condition:hbv, text)"),
        # A stage the name does not say: the name and a text member, never the name alone.
        ("Advanced chronic liver disease", "all-of(condition:chronic-liver-disease, text)"),
    ],
)
def test_a_named_group_compiles(text: str, expected: str | None) -> None:
    assert signature(compile_text(text, exclusion=True, partial=True)) == expected


@pytest.mark.parametrize(
    ("resources", "result"),
    [
        ((CIRRHOSIS_EPIC,), "met"),
        ((CIRRHOSIS_CERNER,), "met"),  # SNOMED CT only: the cirrhosis concept's code
        ((CHRONIC_HCV,), "met"),
        ((NAFLD,), "unknown"),  # fatty liver: a chronic liver disease to some, not to others
        ((HTN,), "not-met"),
    ],
)
def test_chronic_liver_disease_against_problem_lists(resources, result) -> None:
    criterion = compile_criterion("Chronic liver diseases", exclusion=True)
    assert criterion is not None
    assert result_of(criterion, record(patient(), *resources)) == result


SCHIZOPHRENIA = condition("Schizophrenia", (ICD, "F20.9", "Schizophrenia, unspecified"))
BIPOLAR_CERNER = condition("Bipolar disorder", (SNOMED, "13746004", "Bipolar disorder"))
SEVERE_MDD = condition(
    "Major depressive disorder, recurrent severe",
    (ICD, "F33.2", "Major depressive disorder, recurrent severe without psychotic features"),
)
MODERATE_MDD = condition(
    "Major depressive disorder, single episode, moderate",
    (ICD, "F32.1", "Major depressive disorder, single episode, moderate"),
)
GAD = condition("Generalized anxiety disorder", (ICD, "F41.1", "Generalized anxiety disorder"))


@pytest.mark.parametrize(
    ("resources", "result"),
    [
        ((SCHIZOPHRENIA,), "met"),
        ((BIPOLAR_CERNER,), "met"),
        ((SEVERE_MDD,), "met"),
        ((MODERATE_MDD,), "unknown"),  # serious by definitions that count disability
        ((GAD,), "unknown"),
        ((HTN,), "not-met"),
    ],
)
def test_severe_mental_illness_is_the_term_of_art(resources, result) -> None:
    criterion = compile_criterion("History of severe mental illness", exclusion=True)
    assert criterion is not None
    assert result_of(criterion, record(patient(), *resources)) == result


def test_an_anxiety_disorder_never_rules_a_patient_out_of_severe_mental_illness() -> None:
    text = criteria_text(["Age 18 years or older"], ["Severe psychiatric illness."])
    person = patient(born="1975-06-01")
    assert verdict_of_study(text, record(person, GAD)) == "potential-candidate"
    assert verdict_of_study(text, record(person, SCHIZOPHRENIA)) == "ineligible"
    assert verdict_of_study(text, record(person, HTN)) == "eligible"


def test_a_depression_study_reads_severe_psychiatric_illness_as_another_one() -> None:
    text = criteria_text(["Major depressive disorder"], ["Severe psychiatric illness."])
    person = patient(born="1975-06-01")
    # The study's own diagnosis lies in the group: the bullet is text, never the patient's MDD.
    assert verdict_of_study(text, record(person, SEVERE_MDD)) != "ineligible"
