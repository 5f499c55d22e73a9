"""A known diagnosis in a setting no record decides (`rules.diagnosis_contexts`), and an
exclusion list of diagnoses with a name the finders read only in part (`rules.unread_members`).

"admitted with transient ischemic attack", "Hypertensive urgency as an admission diagnosis",
"Presence of clinical signs of radiculopathy", "Glaucoma or glaucoma suspicion", "Current
episode of major depressive disorder": the whole bullet used to stay text. What a user notices:
a patient whose record lacks the diagnosis is no longer held for review by such an exclusion
(and fails such an inclusion); a patient who has it stays a "potential candidate" (the setting
is for a coordinator). What must never happen: a setting read as the diagnosis alone, a finding
or symptom made necessary in an inclusion, or a list item read wider than its words.
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

HF = "condition:heart-failure"
PNEUMONIA = "condition:pneumonia"
TIA = "condition:transient-ischemic-attack"
EPILEPSY = "condition:epilepsy"
AF = "condition:atrial-fibrillation"
T2D = "condition:diabetes-type-2"
MDD = "condition:major-depressive-disorder"
GLAUCOMA = "condition:icd10cm:H40"

NAMES = {
    "heart failure": HF,
    "pneumonia": PNEUMONIA,
    "transient ischemic attack": TIA,
    "epilepsy": EPILEPSY,
    "atrial fibrillation": AF,
    "type 2 diabetes": T2D,
}

# The encounter a diagnosis was made in: all-of(X, TEXT) in either list.
ENCOUNTERS = [
    "Admitted with {x}",
    "Patients hospitalized with {x}",
    "Patients presenting to the emergency department with {x}",
    "Patients admitted to the ICU for {x}",
    "{X} as an admission diagnosis",
    "{X} as the primary diagnosis",
    "{X} at admission",
    "{X} on admission",
    "Current episode of {x}",
    "Admission for {x}",
    "ICU admission for {x}",
    "Primary diagnosis of {x}",
    "Admitted with a primary diagnosis of {x}",
]
# How it shows: all-of(X, TEXT) in an exclusion; text in an inclusion.
FINDINGS = [
    "Presence of clinical signs of {x}",
    "Clinical signs of {x}",
    "Radiological evidence of {x}",
]
# A suspicion beside it, or a relative's history: any-of(X, TEXT) in either list.
SUSPICIONS = [
    "{X} or suspected {x}",
    "{X} or {x} suspicion",
    "{X} or suspicion of {x}",
    # the patient's own history, or a relative's
    "A personal or family history of {x}",
    "Family or personal history of {x}",
]
# Words that leave the bullet text: a window, a negation, someone else's, a judgement clause, a
# symptom, a suspicion alone, another class.
STAY_TEXT = [
    "Symptoms of {x}",
    "Suspected {x}",
    "Admitted with {x} within the last 3 months",
    "Admitted without {x}",
    "Family history of {x} at admission",
    "Signs of {x} that would interfere with the study",
    "Admitted with {x} or other illness",
    "Personal and family history of {x}",
    "Personal or family history of {x} within 5 years",
]


def _say(phrasing: str, name: str) -> str:
    return phrasing.format(x=name, X=name[0].upper() + name[1:])


@pytest.mark.parametrize("phrasing", ENCOUNTERS)
@pytest.mark.parametrize("name", list(NAMES))
def test_an_encounter_reads_as_the_diagnosis_and_text(phrasing: str, name: str) -> None:
    text = _say(phrasing, name)
    expected = f"all-of({NAMES[name]}, text)"
    assert signature(compile_text(text, partial=True)) == expected
    assert signature(compile_text(text, exclusion=True, partial=True)) == expected


@pytest.mark.parametrize("phrasing", FINDINGS)
@pytest.mark.parametrize("name", list(NAMES))
def test_a_finding_reads_in_an_exclusion_only(phrasing: str, name: str) -> None:
    text = _say(phrasing, name)
    assert signature(compile_text(text, exclusion=True, partial=True)) == (
        f"all-of({NAMES[name]}, text)"
    )
    # signs of X before X is on record: a wrong not-met would hide the trial
    assert compile_text(text, partial=True) is None


@pytest.mark.parametrize("phrasing", SUSPICIONS)
@pytest.mark.parametrize("name", list(NAMES))
def test_a_suspicion_or_a_relatives_history_is_a_text_alternative(phrasing: str, name: str) -> None:
    text = _say(phrasing, name)
    expected = f"any-of({NAMES[name]}, text)"
    assert signature(compile_text(text, partial=True)) == expected
    assert signature(compile_text(text, exclusion=True, partial=True)) == expected


@pytest.mark.parametrize("phrasing", STAY_TEXT)
@pytest.mark.parametrize("name", list(NAMES))
@pytest.mark.parametrize("exclusion", [False, True])
def test_other_settings_stay_text(phrasing: str, name: str, exclusion: bool) -> None:
    assert compile_text(_say(phrasing, name), exclusion=exclusion, partial=True) is None


@pytest.mark.parametrize("name", list(NAMES))
def test_a_heading_in_an_exclusion_stays_text(name: str) -> None:
    # "Patients admitted with X:" names the group of the bullets under it
    assert compile_text(f"Patients admitted with {name}:", exclusion=True, partial=True) is None


@pytest.mark.parametrize(
    ("bullet", "expected"),
    [
        # development-text phrasings
        ("admitted with transient ischemic attack", f"all-of({TIA}, text)"),
        ("Presence of clinical signs of radiculopathy.", "all-of(condition:icd10cm:M54.1, text)"),
        ("preoperative signs of hepatic failure;", "all-of(condition:liver-failure, text)"),
        (
            "Known radiographic evidence of glenohumeral osteoarthritis",
            "all-of(condition:icd10cm:M19.01+M19.11+M19.21, text)",
        ),
        ("Current episode of Major Depressive Disorder (MDD)", f"all-of({MDD}, text)"),
        ("Glaucoma or glaucoma suspicion", f"any-of({GLAUCOMA}, text)"),
        (
            "A personal or family history of epilepsy, seizures or schizophrenia",
            f"any-of({EPILEPSY}, condition:seizure, condition:schizophrenia, text)",
        ),
        (
            "Hypertensive urgency as an admission diagnosis",
            "all-of(condition:icd10cm:I16.0, text)",
        ),
    ],
)
def test_development_phrasings_in_an_exclusion(bullet: str, expected: str) -> None:
    assert signature(compile_text(bullet, exclusion=True, partial=True)) == expected


# An exclusion list with an item the finders read only in part: any-of(items read…, TEXT).
LISTS = [
    (
        "Diagnosis of cognitive disorders, psychotic disorders, bipolar disorder, or active"
        " substance abuse.",
        "any-of(condition:psychotic-disorder, condition:bipolar-disorder,"
        " condition:substance-use-disorder, text)",
    ),
    (
        "Cirrhosis, liver failure or chronic active hepatitis",
        "any-of(condition:liver-cirrhosis, condition:liver-failure, text)",
    ),
    (
        "Patients with epilepsy, asthma or chronic inflammatory bowel disorders",
        f"any-of({EPILEPSY}, condition:asthma, text)",
    ),
]
# Lists whose items could reach each other, or whose unread item a label would code: text.
LISTS_STAY_TEXT = [
    "Uncontrolled epilepsy, asthma or hemodynamically relevant valve disease",
    "Epilepsy or cardiac heart failure",
    "Epilepsy, asthma or chronic inflammatory bowel disorders in the last 6 months",
    "Epilepsy, asthma or chronic inflammatory bowel disorders requiring treatment",
    "Epilepsy, asthma or chronic inflammatory bowel disorders in a first-degree relative",
    "Epilepsy, asthma and chronic inflammatory bowel disorders",
    "Epilepsy, asthma or no chronic inflammatory bowel disorders",
    "Chronic active hepatitis, cirrhosis or liver failure",
    "Cirrhosis, chronic active hepatitis or liver failure",
    "Neuromuscular scoliosis, kyphosis, or chronic inflammatory bowel disorders",
    "Patients with active colitis, diverticulitis, or chronic inflammatory bowel disorders",
]


@pytest.mark.parametrize(("bullet", "expected"), LISTS)
def test_an_exclusion_list_keeps_the_items_read(bullet: str, expected: str) -> None:
    assert signature(compile_text(bullet, exclusion=True, partial=True)) == expected


@pytest.mark.parametrize("bullet", LISTS_STAY_TEXT)
def test_lists_whose_items_may_reach_each_other_stay_text(bullet: str) -> None:
    assert compile_text(bullet, exclusion=True, partial=True) is None


TIA_DX = condition(
    "TIA (transient ischemic attack)", (ICD, "G45.9", "Transient cerebral ischemic attack")
)
GLAUCOMA_DX = condition(
    "Primary open angle glaucoma of both eyes", (ICD, "H40.1133", "Primary open-angle glaucoma")
)
BIPOLAR_DX = condition("Bipolar 1 disorder (HCC)", (ICD, "F31.9", "Bipolar disorder"))
HYPERTENSION = condition("Essential hypertension", (ICD, "I10", "Essential hypertension"))
AGE = "Age 18 years or older"


@pytest.mark.parametrize(
    ("bullet", "has_it"),
    [
        ("admitted with transient ischemic attack", TIA_DX),
        ("Clinical signs of transient ischemic attack", TIA_DX),
        ("Transient ischemic attack as an admission diagnosis", TIA_DX),
    ],
)
def test_an_exclusion_in_a_setting_spares_a_patient_without_the_diagnosis(
    bullet: str, has_it: dict
) -> None:
    text = criteria_text([AGE], [bullet])
    assert verdict_of_study(text, record(patient(), HYPERTENSION)) == "eligible"
    # with it, whether it was this admission's is for a coordinator: never excluded by it alone
    assert verdict_of_study(text, record(patient(), has_it)) == "potential-candidate"


def test_an_inclusion_in_an_admission_needs_the_diagnosis() -> None:
    text = criteria_text(["Patients admitted with transient ischemic attack"], [])
    assert verdict_of_study(text, record(patient(), HYPERTENSION)) == "ineligible"
    assert verdict_of_study(text, record(patient(), TIA_DX)) == "potential-candidate"


def test_a_suspicion_alternative_excludes_the_diagnosis_and_holds_the_rest() -> None:
    text = criteria_text([AGE], ["Glaucoma or glaucoma suspicion"])
    assert verdict_of_study(text, record(patient(), GLAUCOMA_DX)) == "ineligible"
    assert verdict_of_study(text, record(patient(), HYPERTENSION)) == "potential-candidate"
    included = criteria_text(["Glaucoma or glaucoma suspicion"], [])
    # an inclusion: met with the diagnosis, never failed without it (a suspicion may hold)
    assert verdict_of_study(included, record(patient(), GLAUCOMA_DX)) == "eligible"
    assert verdict_of_study(included, record(patient(), HYPERTENSION)) == "potential-candidate"


def test_an_exclusion_list_excludes_on_an_item_read_and_holds_the_rest() -> None:
    text = criteria_text([AGE], [LISTS[0][0]])
    assert verdict_of_study(text, record(patient(), BIPOLAR_DX)) == "ineligible"
    assert verdict_of_study(text, record(patient(), HYPERTENSION)) == "potential-candidate"


def test_a_personal_or_family_history_excludes_the_patients_own_and_holds_a_relatives() -> None:
    text = criteria_text(
        [AGE], ["A personal or family history of epilepsy, seizures or schizophrenia"]
    )
    epilepsy = condition("Epilepsy (HCC)", (ICD, "G40.909", "Epilepsy, unspecified"))
    resolved = condition(
        "Epilepsy (HCC)",
        (ICD, "G40.909", "Epilepsy, unspecified"),
        status="resolved",
        abated="2010-01-01",
    )
    relative = condition(
        "Family history of epilepsy",
        (ICD, "Z82.0", "Family history of epilepsy and other diseases of the nervous system"),
    )
    assert verdict_of_study(text, record(patient(), epilepsy)) == "ineligible"
    assert verdict_of_study(text, record(patient(), resolved)) == "ineligible"  # a history
    # a relative's epilepsy: the text for a coordinator, never read as the patient's
    assert verdict_of_study(text, record(patient(), relative)) == "potential-candidate"
