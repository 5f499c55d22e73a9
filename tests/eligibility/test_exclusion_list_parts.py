"""Exclusion lists read to the items the rules understand in full (`rules.partial._listed_parts`).

What a user notices: "history of myocardial infarction, supplemental oxygen requirement, or
diabetes" excludes a patient with diabetes on record (text-only before), while a patient with
neither stays "unknown" — an oxygen requirement is rarely in the record (a Z99.81 status at
most; none is no evidence), so the bullet is never cleared. And what must never happen: a word
of one item (a qualifier, a window, a lead such as "allergy to") reaches another item that then
excludes more patients than the text does, or an item the form leaves out as text is one a record
could decide.
"""

from __future__ import annotations

import pytest

from fhirtrial.eligibility.rules import compile_text
from tests.eligibility.ehr_records import (
    ICD,
    LOINC,
    condition,
    medication,
    observation,
    patient,
    record,
    result_of,
)
from tests.eligibility.signature import signature
from tests.eligibility.test_allergies_and_medications import RXNORM, allergy
from tools.partial_compile_report import describe

# ---------------------------------------------------------------- compiled forms

DEVELOPMENT_BULLETS = [
    # (study, bullet, parts) — exclusion bullets of the development texts
    (
        "NCT03869372",
        "psychosis or altered cognitive status",
        "any-of(condition:psychotic-disorder, TEXT)",
    ),
    (
        "NCT03935373",
        "(1) a history of alcohol abuse, diabetes mellitus, or major life-threatening condition",
        "any-of(condition:alcohol-use-disorder[history], "
        "condition:diabetes-mellitus[history], TEXT)",
    ),
    (
        "NCT03936803",
        "Heart failure, inability to exercise, or drug abuse.",
        "any-of(condition:heart-failure, condition:drug-use-disorder[active], TEXT)",
    ),
    (
        # another population's item: its negation and window reach no part
        "NCT03860584",
        "Pregnancy, lactation, changes in birth control (within 6-mo)",
        "any-of(pregnancy:pregnancy, breastfeeding:breastfeeding, TEXT)",
    ),
    (
        "NCT03926260",
        "Pregnant or lactating woman, or of childbearing age without effective contraception",
        "any-of(pregnancy:pregnancy, breastfeeding:breastfeeding, TEXT)",
    ),
    (
        "NCT03922386",
        "Known pregnancy, women breastfeeding or in childbearing age without an adequate "
        "contraceptive method",
        "any-of(pregnancy:pregnancy, breastfeeding:breastfeeding, TEXT)",
    ),
]

# Bullets of the same shapes with other kinds of items: each item as the compiler reads it alone.
SHAPES = [
    # NCT03869372 (a development bullet): read in full since session 14 gave supplemental oxygen
    # a concept (ICD-10-CM Z99.81); none on record is `unknown`, so the bullet is still never
    # cleared (test_without_any_listed_item_the_bullet_is_unknown_never_cleared).
    (
        "history of myocardial infarction, supplemental oxygen requirement, or diabetes",
        "any-of(condition:myocardial-infarction[history], procedure:supplemental-oxygen, "
        "condition:diabetes-mellitus[history])",
    ),
    (
        "Known allergy to penicillin; severe hepatic disease; inability to swallow tablets",
        "any-of(allergy:penicillin, condition:liver-disease[severe], TEXT)",
    ),
    (
        "Platelet count < 100,000/mm3, or inability to swallow tablets",
        "any-of(lab:platelets, TEXT)",
    ),
    (
        "Current use of warfarin, or inability to swallow tablets",
        "any-of(medication:warfarin, TEXT)",
    ),
    ("Glaucoma, or unable to read", "any-of(condition:icd10cm:H40, TEXT)"),
    (
        # a first sentence that is a list, then one that adds nothing a record holds
        "History of stroke. Patients must be able to walk unaided.",
        "any-of(condition:stroke[history], TEXT)",
    ),
    (
        "Uncontrolled hypertension, or inability to swallow tablets",
        "any-of(condition:hypertension[uncontrolled], TEXT)",
    ),
    (
        # each item with its own qualifier: none reaches another
        "Known HIV infection, active hepatitis B, or uncontrolled diabetes; inability to swallow",
        "any-of(condition:hiv, condition:hbv[active], condition:diabetes-mellitus[uncontrolled], "
        "TEXT)",
    ),
    (
        # "C" is no item of its own: it is read with "hepatitis B"
        "HIV, hepatitis B or C, tuberculosis, or inability to swallow",
        "any-of(condition:hiv, condition:hbv, condition:hcv, condition:tuberculosis, TEXT)",
    ),
]


@pytest.mark.parametrize(
    ("study", "text", "parts"),
    DEVELOPMENT_BULLETS,
    ids=[f"{s}-{t[:30]}" for s, t, _ in DEVELOPMENT_BULLETS],
)
def test_development_bullets_keep_their_understood_items(study: str, text: str, parts: str):
    criterion = compile_text(text, exclusion=True, partial=True)
    assert criterion is not None, study
    assert describe(criterion) == parts
    assert compile_text(text, exclusion=True) is None  # not understood in full


@pytest.mark.parametrize(("text", "parts"), SHAPES)
def test_any_kind_understood_in_full_is_a_part(text: str, parts: str):
    criterion = compile_text(text, exclusion=True, partial=True)
    assert criterion is not None
    assert describe(criterion) == parts


def test_a_lab_item_keeps_its_threshold_and_unit():
    text = "Platelet count < 100,000/mm3, or inability to swallow tablets"
    lab = compile_text(text, exclusion=True, partial=True)
    assert lab is not None
    bound = lab.children[0]
    assert (bound.comparator, bound.value, bound.unit) == ("<", 100, "10*3/uL")


def test_a_judgement_on_an_item_stays_with_that_item_only():
    criterion = compile_text(
        "Known allergy to penicillin; severe hepatic disease; inability to swallow tablets",
        exclusion=True,
        partial=True,
    )
    assert criterion is not None
    allergy_part, liver, _ = criterion.children
    assert allergy_part.qualifiers == ()
    assert liver.qualifiers == ("severe",)


# ---------------------------------------------------------------- refusals

REFUSED = [
    # (why, text)
    (
        "a qualifier opening the list may reach a later item without a lead of its own",
        "Severe asthma, oxygen requirement, or hypertension",
    ),
    (
        "a window at the end may reach every item before it",
        "Myocardial infarction, oxygen requirement, or stroke within 6 months",
    ),
    (
        "a restriction at the end may reach every item before it",
        "Diabetes, oxygen requirement, or hypertension requiring two drugs",
    ),
    (
        "a window in a later sentence may date the parts",
        "History of stroke, oxygen requirement, or diabetes. Within the last 6 months.",
    ),
    (
        # a residue naming a diagnosis no finder reads is a text member (test_partial_lists.py);
        # one a finder reads in part would be a leaf the form loses
        "the residue holds a diagnosis a finder reads",
        "Myocardial infarction, asthma-COPD overlap syndrome, or diabetes",
    ),
    (
        "the residue names a drug class the form would lose",
        "Diabetes, or use of inhaled steroids",
    ),
    # (Not "Thyroid or liver disease" any more: `rules.shared_heads` reads it in full, as
    # thyroid disease or liver disease; the guard is for first halves no finder names.)
    ("a modifier shares the part's head noun", "Pituitary or liver disease"),
    ("a head noun shared backwards", "Liver disease or failure"),
    (
        "the lead of a first item not understood may govern the rest",
        "Previous treatment of colon or any other cancer",
    ),
    (
        "a population's lead governs the items after it",
        "Women with endometrial cancer who receive preoperative chemotherapy or radiation therapy",
    ),
    (
        "'allergy to' governs the items after it",
        "Known allergy to hydromorphone, eggs or bee stings",
    ),
    (
        "a moment, not a state",
        "Prior to surgery, patient was fasting, or underwent gastrointestinal decompression",
    ),
    ("history before a pregnancy item", "History of stroke, metal implants, or pregnancy"),
    ("an allowance", "Diabetes, oxygen requirement, or stroke unless fully recovered"),
    ("an exception", "Diabetes or oxygen requirement, except diet-controlled diabetes"),
    ("other than", "Diabetes or oxygen requirement other than at night"),
    ("eligible if", "Diabetes or oxygen requirement. Patients are eligible if on insulin."),
    ("permitted", "Stroke or oxygen requirement. Prior TIA is permitted."),
    ("a negation in the residue", "Diabetes, or not able to walk"),
    ("examples", "Serious illness such as diabetes, stroke or oxygen requirement"),
    ("another population", "Diabetes, stroke, or family history of sudden death"),
    ("a hedge on the diagnosis", "Diabetes, suspected stroke, or oxygen requirement"),
    ("'and' joins a part to what is not understood", "Diabetes and oxygen requirement"),
    ("cancer in an exclusion list may mean another cancer", "Cancer or oxygen requirement"),
    ("the residue names a device a record may hold", "Parkinson disease; implanted baclofen pump"),
]


@pytest.mark.parametrize(("why", "text"), REFUSED, ids=[r[0] for r in REFUSED])
def test_words_that_can_reach_a_part_leave_the_bullet_text_only(why: str, text: str):
    assert compile_text(text, exclusion=True, partial=True) is None, why


def test_history_of_an_item_in_an_exclusion_list_is_a_record_of_it():
    """ "History of stroke" excludes a patient with a stroke on record, current or past: the
    compiler reads it so alone, and so as an item of a list."""
    alone = compile_text("history of stroke", exclusion=True)
    listed = compile_text("History of stroke, or unable to read", exclusion=True, partial=True)
    assert listed is not None
    assert signature(listed.children[0]) == signature(alone) == "condition:stroke"
    old_stroke = condition(
        "History of ischemic stroke",
        (ICD, "I63.9", "Cerebral infarction, unspecified"),
        status="resolved",
        onset="2014-03-01",
        abated="2014-04-01",
    )
    assert result_of(listed, record(patient(), old_stroke)) == "met"


# ---------------------------------------------------------------- evaluation

_LIST = "history of myocardial infarction, supplemental oxygen requirement, or diabetes"
_DIABETES = condition(
    "Type 2 diabetes mellitus without complication",
    (ICD, "E11.9", "Type 2 diabetes mellitus without complications"),
)
_GLAUCOMA = condition(
    "Primary open-angle glaucoma, bilateral",
    (ICD, "H40.1133", "Primary open-angle glaucoma, bilateral, severe stage"),
)


def _result(text: str, *resources: dict) -> str:
    criterion = compile_text(text, exclusion=True, partial=True)
    assert criterion is not None, text
    return result_of(criterion, record(patient(), *resources))


def test_a_listed_condition_on_record_excludes():
    assert _result(_LIST, _DIABETES) == "met"


def test_without_any_listed_item_the_bullet_is_unknown_never_cleared():
    assert _result(_LIST) == "unknown"
    hypertension = condition("Hypertension", (ICD, "I10", "Essential (primary) hypertension"))
    assert _result(_LIST, hypertension) == "unknown"


def test_an_icd10cm_title_item_is_met_by_any_code_under_it():
    assert _result("Glaucoma, or unable to read", _GLAUCOMA) == "met"
    assert _result("Glaucoma, or unable to read", _DIABETES) == "unknown"


def test_a_lab_item_is_met_by_a_low_count_and_unknown_otherwise():
    text = "Platelet count < 100,000/mm3, or inability to swallow tablets"
    platelets = (LOINC, "777-3", "Platelets [#/volume] in Blood by Automated count")
    low = observation(platelets, "2026-11-25", valueQuantity={"value": 62, "unit": "10*3/uL"})
    normal = observation(platelets, "2026-11-25", valueQuantity={"value": 240, "unit": "10*3/uL"})
    assert _result(text, low) == "met"
    assert _result(text, normal) == "unknown"


def test_an_allergy_item_is_met_by_the_allergy_and_unknown_without_it():
    text = "Known allergy to penicillin; severe hepatic disease; inability to swallow tablets"
    penicillin = allergy("Penicillin G", (RXNORM, "7980", "penicillin G"))
    assert _result(text, penicillin) == "met"
    assert _result(text, allergy("Peanut", category="food")) == "unknown"


def test_a_medication_item_is_met_by_current_use():
    text = "Current use of warfarin, or inability to swallow tablets"
    warfarin = medication("warfarin 5 mg tablet", "2026-06-01", status="active")
    assert _result(text, warfarin) == "met"
    assert _result(text) == "unknown"


def test_a_judgement_on_a_listed_item_is_not_decided_by_the_diagnosis_alone():
    liver = condition("Alcoholic cirrhosis of liver", (ICD, "K70.30", "Alcoholic cirrhosis"))
    text = "Known allergy to penicillin; severe hepatic disease; inability to swallow tablets"
    assert _result(text, liver) == "unknown"
