"""One known diagnosis and a clause the rules cannot read (`rules.diagnosis_residue`).

"Patients with type 2 diabetes who are scheduled for colonoscopy", "Seizure disorder requiring
anticonvulsant therapy": whatever the clause says, the patient has the diagnosis. What a user
notices: a patient whose record holds no such diagnosis is no longer a "potential candidate" for
an inclusion like this, and is not held for review by an exclusion like this; a patient who has
it stays a "potential candidate" (the clause is for a coordinator). What must never happen: a
diagnosis that is optional, hedged, someone else's, negated, one item of a list, or defined by
words its codes may not cover is made necessary, and a patient who could join is called
ineligible.
"""

from __future__ import annotations

import pytest

from fhirtrial.eligibility.rules import compile_text
from tests.eligibility.ehr_records import (
    ICD,
    condition,
    criteria_text,
    patient,
    record,
    verdict_of_study,
)
from tests.eligibility.signature import signature

T2D = "condition:diabetes-type-2"
COPD = "condition:copd"
HF = "condition:heart-failure"
EPILEPSY = "condition:epilepsy"

# (bullet, signature in an inclusion, signature in an exclusion): diagnoses × clause types.
READ = [
    # a clause of plan or need
    (
        "Patients with type 2 diabetes who are scheduled for colonoscopy",
        f"all-of({T2D}, text)",
        f"all-of({T2D}, text)",
    ),
    (
        "Seizure disorder requiring anticonvulsant therapy",
        f"all-of({EPILEPSY}, text)",
        f"all-of({EPILEPSY}, text)",
    ),
    (
        "Respiratory failure requiring mechanical ventilation",
        "all-of(condition:icd10cm:J96+J95.82+P28.5+J80, text)",
        "all-of(condition:icd10cm:J96+J95.82+P28.5+J80, text)",
    ),
    (
        "Adult patients with osteoarthritis in need of a TKR",
        "all-of(condition:icd10cm:M15+M16+M17+M18+M19+M47, text)",
        "all-of(condition:icd10cm:M15+M16+M17+M18+M19+M47, text)",
    ),
    (
        "Diagnosis of obstructive sleep apnea prescribed CPAP",
        "all-of(condition:obstructive-sleep-apnea, text)",
        "all-of(condition:obstructive-sleep-apnea, text)",
    ),
    # a therapy no finder reads
    (
        "Patients with stable COPD on inhaled therapy",
        f"all-of({COPD}, text)",
        f"all-of({COPD}, text)",
    ),
    (
        "Subjects with hypertension on pharmacological treatment",
        "all-of(condition:hypertension, text)",
        "all-of(condition:hypertension, text)",
    ),
    # a wish, a duration, a relative clause
    (
        "Women with polycystic ovary syndrome (Rotterdam criteria) seeking pregnancy",
        "all-of(condition:icd10cm:E28.2, text)",
        "all-of(condition:icd10cm:E28.2, text)",
    ),
    (
        # In an inclusion the judgement leads read it whole (`rules.diagnosis_leads`): plaque
        # psoriasis [moderate-or-severe] diagnosed at least 6 months before enrolment.
        "Adults with moderate to severe plaque psoriasis for at least 6 months",
        "condition:icd10cm:L40.0:w,-183,enrollment",
        "all-of(condition:icd10cm:L40.0, text)",
    ),
    (
        "A patient with COPD who is able to walk 100 meters",
        f"all-of({COPD}, text)",
        f"all-of({COPD}, text)",
    ),
    # "acute" where the diagnosis's own ICD-10-CM family codes acute kinds
    ("Patients hospitalized for acute heart failure", f"all-of({HF}, text)", f"all-of({HF}, text)"),
    ("Acute liver failure.", None, "all-of(condition:liver-failure, text)"),
    # "and" with a symptom or a verb phrase: both required (an inclusion only)
    (
        "Participants with knee osteoarthritis and pain in the target knee for at least 3 months",
        "all-of(condition:icd10cm:M17, text)",
        None,
    ),
]

# Bullets that must stay text-only, in both lists.
STAY_TEXT = [
    # optional or one of alternatives
    "Patients with asthma or COPD who use inhalers",
    "Patients with asthma such as those requiring oral steroids",
    # hedged, someone else's, negated, an exception
    "Patients with suspected heart failure requiring diuretics",
    "Family history of epilepsy requiring treatment",
    "Partner with HIV infection who is on treatment",
    "Patients with COPD without exacerbation in the last month",
    "Patients with heart failure unless stable for 3 months",
    # part of another noun: the diagnosis is not the patient's
    "Patients with hepatitis B vaccination",
    "Patients with HIV prevention needs",
    # a second diagnosis the residue would hide
    "Patients with psoriasis and nephropathy who are on dialysis",
    "Patients with psoriasis and psoriatic arthritis requiring biologics",
    # a definition or a bound that may reach beyond the diagnosis's codes
    "Presence of toxic megacolon as defined by transverse colon diameter more than 5.5cm",
    "Patients with anemia (hemoglobin < 10 g/dL) requiring transfusion",
    # "acute" before a diagnosis whose codes are not the acute kind
    "Acute kidney failure requiring dialysis",
    # a past diagnosis: whether a resolved entry counts is the finders' reading, not this one's
    "Patients with a history of heart failure who were hospitalized in the last year",
    # a heading: its group's name, no requirement
    "Patients with type 2 diabetes:",
    # a drug class after a word of use: a medication part the residue would hide
    "Patients with hypertension taking vasodilator drugs",
]

# Exclusions other readers decide (an inclusion reads these in full elsewhere).
STAY_TEXT_IN_AN_EXCLUSION = [
    # dated: a window other readers place
    "Stroke diagnosed more than 3 months ago",
    # ("Uncontrolled glaucoma", "Women with Cushing's syndrome": read in full by the judgement
    # leads, `rules.diagnosis_leads`, not by this reading.)
    "Asthma (exacerbation within 3 months)",
]

# Only in an inclusion: an exclusion filed among the inclusions, and a graded diagnosis whose
# codes may cover fewer patients than its grade ("depressive episode" F32 beside F33).
STAY_TEXT_IN_AN_INCLUSION = [
    "Cognitive impairment that would interfere with participation in the study",
    "Current moderate-to-severe depressive episode",
]


@pytest.mark.parametrize(("bullet", "inclusion", "exclusion"), READ)
def test_a_diagnosis_with_a_clause_reads_as_the_diagnosis_and_text(
    bullet: str, inclusion: str | None, exclusion: str | None
) -> None:
    for wanted, excluding in ((inclusion, False), (exclusion, True)):
        compiled = compile_text(bullet, exclusion=excluding, partial=True)
        if wanted is None:
            continue
        assert compiled is not None, (bullet, excluding)
        assert signature(compiled) == wanted, (bullet, excluding)


def test_list_like_and_stays_text_in_an_exclusion() -> None:
    # "Hypertensive emergency and urgency": either excludes; the first is not necessary.
    for bullet in ("Hypertensive emergency and urgency", "Uveitis and media opacity"):
        assert compile_text(bullet, exclusion=True, partial=True) is None, bullet
    assert compile_text("Hypertensive emergency and urgency", partial=True) is None


@pytest.mark.parametrize("bullet", STAY_TEXT)
@pytest.mark.parametrize("exclusion", [False, True])
def test_optional_hedged_or_defined_diagnoses_stay_text(bullet: str, exclusion: bool) -> None:
    assert compile_text(bullet, exclusion=exclusion, partial=True) is None, bullet


@pytest.mark.parametrize("exclusion", [False, True])
def test_a_drug_the_rules_read_elsewhere_is_not_hidden_in_the_residue(exclusion: bool) -> None:
    # The medication finders read the whole bullet (`rules.drug_use_phrasing`); the residue
    # reading never stands in for them with all-of(diagnosis, TEXT).
    bullet = "Patients with type 2 diabetes on metformin for at least 3 months"
    read = compile_text(bullet, exclusion=exclusion, partial=True)
    assert signature(read) == "all-of(condition:diabetes-type-2, medication:metformin)"


@pytest.mark.parametrize("bullet", STAY_TEXT_IN_AN_EXCLUSION)
def test_exclusions_other_readers_decide_stay_text(bullet: str) -> None:
    assert compile_text(bullet, exclusion=True, partial=True) is None


@pytest.mark.parametrize("bullet", STAY_TEXT_IN_AN_INCLUSION)
def test_an_inclusion_that_may_be_wider_stays_text(bullet: str) -> None:
    assert compile_text(bullet, partial=True) is None
    read = compile_text(bullet, exclusion=True, partial=True)
    assert read is not None
    assert read.combination == "all-of"  # in an exclusion: narrower than the text


# ------------------------------------------------------------------ against EHR-style records

DIABETES = condition("Type 2 diabetes mellitus (HCC)", (ICD, "E11.9", "Type 2 diabetes mellitus"))
COPD_DX = condition("COPD (HCC)", (ICD, "J44.9", "Chronic obstructive pulmonary disease"))
EPILEPSY_DX = condition("Epilepsy (HCC)", (ICD, "G40.909", "Epilepsy, unspecified"))
HYPERTENSION = condition("Essential hypertension", (ICD, "I10", "Essential hypertension"))
AGE = "Age 18 years or older"


@pytest.mark.parametrize(
    ("bullet", "has_it"),
    [
        ("Patients with type 2 diabetes who are scheduled for colonoscopy", DIABETES),
        ("Patients with stable COPD on inhaled therapy", COPD_DX),
        ("Seizure disorder requiring anticonvulsant therapy", EPILEPSY_DX),
    ],
)
def test_an_inclusion_fails_without_the_diagnosis_and_is_unknown_with_it(
    bullet: str, has_it: dict
) -> None:
    text = criteria_text([AGE, bullet], [])
    assert verdict_of_study(text, record(patient(), HYPERTENSION)) == "ineligible"
    assert verdict_of_study(text, record(patient(), has_it, HYPERTENSION)) == "potential-candidate"


@pytest.mark.parametrize(
    ("bullet", "has_it"),
    [
        ("Patients with type 2 diabetes who are scheduled for colonoscopy", DIABETES),
        ("Patients with stable COPD on inhaled therapy", COPD_DX),
        ("Seizure disorder requiring anticonvulsant therapy", EPILEPSY_DX),
    ],
)
def test_an_exclusion_spares_a_patient_without_the_diagnosis(bullet: str, has_it: dict) -> None:
    text = criteria_text([AGE], [bullet])
    assert verdict_of_study(text, record(patient(), HYPERTENSION)) == "eligible"
    # with it, the clause decides: never excluded by the reading alone
    assert verdict_of_study(text, record(patient(), has_it)) == "potential-candidate"


def test_a_list_like_exclusion_never_spares_a_patient_with_the_second_item() -> None:
    urgency = condition("Hypertensive urgency", (ICD, "I16.0", "Hypertensive urgency"))
    text = criteria_text([AGE], ["Hypertensive emergency and urgency"])
    assert verdict_of_study(text, record(patient(), urgency)) != "eligible"
