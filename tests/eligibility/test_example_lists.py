"""Exclusion bullets that name a class and give examples of it (`rules.example_lists`).

What a user notices: "Clinically significant cardiovascular disease (e.g., myocardial infarction
within 6 months, unstable angina)" or "have any metabolic diseases (such as diabetes,
hypertension etc)" excludes a patient with a listed example on record (text-only before), while
a patient with none stays "unknown" — the class itself is never decided. And what must never
happen: an example read without the window or judgement the class puts on it, an allowance or
a negation ignored, examples of something that is not what excludes ("change in use of X,
e.g. …", "dyspnea due to causes such as …"), or an inclusion bullet read this way.
"""

from __future__ import annotations

import pytest

from fhirtrial.eligibility.rules import compile_text
from tests.eligibility.ehr_records import ICD, condition, medication, patient, record, result_of
from tests.eligibility.signature import signature
from tests.eligibility.test_allergies_and_medications import RXNORM, allergy
from tools.partial_compile_report import describe

# ---------------------------------------------------------------- compiled forms

DEVELOPMENT_BULLETS = [
    # (study, bullet, form) — exclusion bullets of the development texts
    (
        "NCT03868683",
        "have any metabolic diseases (such as diabetes, hypertension etc)",
        "any-of(condition:diabetes-mellitus, condition:hypertension, TEXT)",
    ),
    (
        "NCT03865550",
        "Any neurologic or psychiatric disorder (including bipolar disorder, post traumatic "
        "stress disorder, schizophrenia)",
        "any-of(condition:bipolar-disorder, condition:icd10cm:F43.1, "
        "condition:schizophrenia, TEXT)",
    ),
    (
        # the class's judgement goes with every example
        "NCT03869359",
        "serious gastrointestinal disease: including celiac disease and inflammatory bowel "
        "diseases (IBD),",
        "any-of(condition:celiac-disease[clinically-significant], "
        "condition:inflammatory-bowel-disease[clinically-significant], TEXT)",
    ),
    (
        "NCT03861156",
        "Severe respiratory diseases such as interstitial lung disease, severe asthma, pulmonary "
        "embolism, etc.",
        "any-of(condition:interstitial-lung-disease[severe], condition:asthma[severe], "
        "condition:pulmonary-embolism[severe], TEXT)",
    ),
    (
        "NCT03868917",
        "Comorbid conditions such as sepsis, unstable angina, congestive heart failure",
        "any-of(condition:sepsis[active], condition:unstable-angina, "
        "condition:heart-failure, TEXT)",
    ),
    (
        # a definition: the whole class, read with the class's judgement
        "NCT03798548",
        "Severe cognitive impairment, i.e. dementia",
        "condition:dementia[severe]",
    ),
    (
        "NCT03920670",
        "Patients with systemic neuromuscular diseases such as myasthenia gravis",
        "any-of(condition:icd10cm:G70.0, TEXT)",
    ),
]

# Bullets of the same shapes: each example as the compiler reads it alone, with the class's
# lead, judgement and window. (bullet, form with qualifiers, signature with windows)
SHAPES = [
    (
        "Clinically significant cardiovascular disease (e.g., myocardial infarction within 6 "
        "months, unstable angina)",
        "any-of(condition:myocardial-infarction[clinically-significant], "
        "condition:unstable-angina[clinically-significant], TEXT)",
        "any-of(condition:myocardial-infarction:w-183,0,enrollment, condition:unstable-angina, "
        "text)",
    ),
    (
        "History of cardiovascular disease (e.g., myocardial infarction, stroke)",
        "any-of(condition:myocardial-infarction[history], condition:stroke[history], TEXT)",
        "any-of(condition:myocardial-infarction, condition:stroke, text)",
    ),
    (
        # a window on the class, outside the parenthesis: every example's
        "Cardiovascular disease within the past 6 months (e.g., myocardial infarction, stroke)",
        "any-of(condition:myocardial-infarction, condition:stroke, TEXT)",
        "any-of(condition:myocardial-infarction:w-183,0,enrollment, "
        "condition:stroke:w-183,0,enrollment, text)",
    ),
    (
        # (a class the compiler reads is the class: see test_medication_classes)
        "Use of QT-prolonging medications (e.g., fluconazole, verapamil) within 14 days "
        "before the first dose",
        "any-of(medication:fluconazole, medication:verapamil, TEXT)",
        "any-of(medication:fluconazole:w-14,0,enrollment, "
        "medication:verapamil:w-14,0,enrollment, text)",
    ),
    (
        "Use of systemic pain medications, e.g. oxycodone in the past 2 weeks",
        "any-of(medication:oxycodone, TEXT)",
        "any-of(medication:oxycodone:w-14,0,enrollment, text)",
    ),
    (
        "Current use of blood-thinning medications (e.g., warfarin, apixaban)",
        "any-of(medication:warfarin, medication:apixaban, TEXT)",
        "any-of(medication:warfarin, medication:apixaban, text)",
    ),
    (
        "Any condition including but not limited to: stroke, seizure disorder, or dementia",
        "any-of(condition:stroke, condition:epilepsy, condition:dementia, TEXT)",
        "any-of(condition:stroke, condition:epilepsy, condition:dementia, text)",
    ),
    (
        # "hepatitis B or C": the short item read with the one before
        "Infectious diseases such as HIV, hepatitis B or C",
        "any-of(condition:hiv, condition:hbv, condition:hcv, TEXT)",
        "any-of(condition:hiv, condition:hbv, condition:hcv, text)",
    ),
    (
        "Chronic liver disease (for example chronic hepatitis B)",
        "any-of(condition:hbv, TEXT)",
        "any-of(condition:hbv, text)",
    ),
    (
        "Known allergy to antibiotics (e.g., penicillin)",
        "any-of(allergy:penicillin, TEXT)",
        "any-of(allergy:penicillin, text)",
    ),
    (
        # a definition lists the whole class: no TEXT when every item is understood
        "Viral infections, namely HIV, hepatitis B or hepatitis C",
        "any-of(condition:hiv, condition:hbv, condition:hcv)",
        "any-of(condition:hiv, condition:hbv, condition:hcv)",
    ),
    (
        "Autoimmune disease (i.e., rheumatoid arthritis, psoriasis)",
        "any-of(condition:rheumatoid-arthritis, condition:icd10cm:L40)",
        "any-of(condition:rheumatoid-arthritis, condition:icd10cm:L40)",
    ),
    (
        # an example that only leaves the list open is the TEXT's
        "Immune-mediated disease (e.g., rheumatoid arthritis, psoriasis, or any other "
        "immune-mediated disease)",
        "any-of(condition:rheumatoid-arthritis, condition:icd10cm:L40, TEXT)",
        "any-of(condition:rheumatoid-arthritis, condition:icd10cm:L40, text)",
    ),
    (
        # a class read in full that holds every example is the reading (`class_heads`)
        "Autoimmune disease (e.g., rheumatoid arthritis, psoriasis, or any other autoimmune "
        "disease)",
        "condition:autoimmune-disease",
        "condition:autoimmune-disease",
    ),
    (
        # … but a definition left open keeps it
        "Viral infections, namely HIV, hepatitis B or hepatitis C, etc.",
        "any-of(condition:hiv, condition:hbv, condition:hcv, TEXT)",
        "any-of(condition:hiv, condition:hbv, condition:hcv, text)",
    ),
]


def _form(text: str) -> str | None:
    criterion = compile_text(text, exclusion=True, partial=True)
    return describe(criterion) if criterion is not None else None


@pytest.mark.parametrize(("study", "text", "form"), DEVELOPMENT_BULLETS)
def test_development_bullets_keep_their_understood_examples(study: str, text: str, form: str):
    assert _form(text) == form, study


@pytest.mark.parametrize(("text", "form", "windows"), SHAPES)
def test_each_example_is_read_in_full_with_what_the_class_says_of_it(
    text: str, form: str, windows: str
):
    criterion = compile_text(text, exclusion=True, partial=True)
    assert criterion is not None, text
    assert describe(criterion) == form
    assert signature(criterion) == windows


REFUSED = [
    (
        "an allowance",
        "Significant medical conditions (e.g., diabetes, hypertension) unless controlled",
    ),
    (
        "an allowance",
        "Autoimmune disease (e.g., lupus, psoriasis); controlled psoriasis is allowed",
    ),
    ("an allowance", "Cardiac disease (e.g., myocardial infarction) except if remote"),
    ("a negation", "No cardiovascular disease (e.g., myocardial infarction)"),
    ("a negation", "Cardiac disease without a pacemaker (e.g., myocardial infarction)"),
    ("examples of something else", "Change in use of anticoagulants, e.g. warfarin, apixaban"),
    ("examples of something else", "Dyspnea due to non-cardiac causes such as asthma"),
    ("examples of something else", "Neurological disease other than epilepsy (e.g., stroke)"),
    ("examples of something else", "History of disease due to infection (e.g., tuberculosis)"),
    # (Not "Contraindications to MRI (e.g., pacemaker)": a pacemaker is, by the text, one of
    # the contraindications the bullet excludes; `rules.device_lists` reads it.)
    ("examples of something else", "Dyspnea caused by cardiac devices such as a pacemaker"),
    # (Not "Medications that may prolong QT (e.g., amiodarone)": the "may" is on the drug's
    # effect; amiodarone is, by the text, one of the medications that exclude —
    # `rules.class_clauses`, tests/eligibility/test_example_list_clauses.py.)
    ("a hedge", "Medications possibly prolonging QT (e.g., amiodarone)"),
    ("a hedge", "Suspected autoimmune disease (e.g., rheumatoid arthritis)"),
    (
        "a window that may reach back",
        "Cardiac disease (e.g., myocardial infarction, stroke within 6 months)",
    ),
    (
        "a restriction that may reach back",
        "Psychiatric disorders such as schizophrenia or bipolar disorder requiring hospitalization",
    ),
    (
        "a qualifier that may reach on",
        "Metabolic disorders (e.g. uncontrolled diabetes, hypertension)",
    ),
    ("a shared head", "Chronic diseases (e.g., kidney or liver disease)"),
    ("a lead that may reach on", "Immune disorders (e.g., allergy to penicillin, pollen)"),
    (
        "an example the form would lack",
        "Psychiatric disorders (e.g., schizophrenia, conversion syndrome)",
    ),
    (
        "an example the form would lack",
        "Clinically significant cardiovascular disease (e.g., myocardial infarction, NYHA "
        "class III-IV heart failure)",
    ),
    (
        # stroke, which a record decides, would be missing from the form
        "an example not understood",
        "history of thromboembolic event - including myocardial infarction or cerebral "
        "vascular accident;",
    ),
    (
        "an item before the class",
        "History of stroke, or cardiac disease (e.g., myocardial infarction)",
    ),
    ("an item before the class", "Diabetes or other metabolic diseases (e.g., hypothyroidism)"),
    (
        "a restriction after the examples",
        "Cardiac disease (e.g. myocardial infarction) treated with surgery",
    ),
    ("more after the examples", "Cardiac disease (e.g., myocardial infarction), or renal failure"),
    ("a second sentence", "Cardiac disease (e.g., myocardial infarction). Events must be recent."),
    ("the study's future", "Infections (e.g., HIV) planned during the study"),
    ("two markers", "Cardiac disease (e.g., stroke) or lung disease (e.g., asthma)"),
]


@pytest.mark.parametrize(("why", "text"), REFUSED)
def test_words_that_change_what_an_example_means_leave_the_bullet_text(why: str, text: str):
    assert _form(text) is None, why


def test_an_inclusion_bullet_is_never_read_for_its_examples():
    """In an inclusion the examples are alternatives: none of them is necessary."""
    text = "History of cardiovascular disease (e.g., myocardial infarction, stroke)"
    assert compile_text(text, exclusion=False, partial=True) is None


# ---------------------------------------------------------------- evaluation

_MI = condition(
    "Acute myocardial infarction",
    (ICD, "I21.9", "Acute myocardial infarction, unspecified"),
    onset="2026-09-15",
)
_DIABETES = condition(
    "Type 2 diabetes mellitus without complication",
    (ICD, "E11.9", "Type 2 diabetes mellitus without complications"),
)
_HIV = condition(
    "HIV disease", (ICD, "B20", "Human immunodeficiency virus [HIV] disease"), onset="2015-02-01"
)
_GLAUCOMA = condition(
    "Primary open-angle glaucoma, bilateral",
    (ICD, "H40.1133", "Primary open-angle glaucoma, bilateral, severe stage"),
)


def _result(text: str, *resources: dict) -> str:
    criterion = compile_text(text, exclusion=True, partial=True)
    assert criterion is not None, text
    return result_of(criterion, record(patient(), *resources))


def test_an_example_on_record_excludes():
    text = "History of cardiovascular disease (e.g., myocardial infarction, stroke)"
    assert _result(text, _MI) == "met"


def test_without_an_example_the_class_is_unknown_never_cleared():
    text = "History of cardiovascular disease (e.g., myocardial infarction, stroke)"
    assert _result(text) == "unknown"
    assert _result(text, _GLAUCOMA) == "unknown"


def test_a_window_on_the_class_is_every_examples_window():
    text = "Cardiovascular disease within the past 6 months (e.g., myocardial infarction, stroke)"
    old_mi = condition(
        "Old myocardial infarction",
        (ICD, "I21.9", "Acute myocardial infarction, unspecified"),
        status="resolved",
        onset="2019-03-01",
        abated="2019-04-01",
    )
    assert _result(text, _MI) == "met"
    assert _result(text, old_mi) == "unknown"


def test_a_judgement_on_the_class_is_not_decided_by_the_diagnosis_alone():
    text = (
        "Clinically significant cardiovascular disease (e.g., myocardial infarction within 6 "
        "months, unstable angina)"
    )
    assert _result(text, _MI) == "unknown"


def test_a_medication_example_is_met_by_current_use_within_the_window():
    text = (
        "Use of QT-prolonging medications (e.g., fluconazole) within 14 days before the first dose"
    )
    current = medication("fluconazole 200 mg tablet", "2026-11-20", status="active")
    long_ago = medication("fluconazole 200 mg tablet", "2025-01-01", "2025-02-01")
    assert _result(text, current) == "met"
    assert _result(text, long_ago) == "unknown"


def test_an_allergy_example_is_met_by_the_allergy():
    text = "Known allergy to antibiotics (e.g., penicillin)"
    assert _result(text, allergy("Penicillin G", (RXNORM, "7980", "penicillin G"))) == "met"
    assert _result(text, allergy("Peanut", category="food")) == "unknown"


def test_a_definition_understood_in_full_decides_the_class():
    text = "Viral infections, namely HIV, hepatitis B or hepatitis C"
    assert _result(text, _HIV) == "met"
    assert _result(text, _DIABETES) == "not-met"
    open_ended = "Viral infections, namely HIV, hepatitis B or hepatitis C, etc."
    assert _result(open_ended, _DIABETES) == "unknown"
