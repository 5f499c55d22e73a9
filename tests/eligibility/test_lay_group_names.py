"""Diagnoses named in everyday or older clinical words rather than the terminology's names, read
only where the words name a class the shipped terminology holds (fourteenth session, from the
development texts):

- "clotting disorder(s)", "blood clotting disorder / disease": the group `clotting-disorder`. The
  words mean a disorder of coagulation to some (haemophilia "is a clotting disorder") and a
  tendency to clot to others ("deep vein thrombosis or clotting disorders", "bleeding and clotting
  disorders"); only the thrombophilias (D68.5, D68.6) are one in both senses, so they are its core
  and the coagulation defects and haemostatic disorders (D65–D69, heparin-induced
  thrombocytopenia) leave it unknown. A venous thrombosis is a clot, no disorder of clotting.
- "blood dyscrasia(s)": a disease of the blood, the `hematologic-disease` group as "blood
  disorders" already is.
- "bleeding tendency / tendencies": the bleeding diathesis `bleeding-disorder` names already.
- "low blood pressure": hypotension (ICD-10-CM I95), as "high blood pressure" is hypertension.
- "thromboembolic disease(s) / disorder(s)": the group `thromboembolic-disease`, whose core is
  venous thromboembolism and arterial embolism; an infarction of the heart or the brain, a
  superficial or portal vein thrombosis and a history code leave it unknown.
A word that narrows the name ("hereditary", "arterial", "congenital") leaves the bullet text, and
so do names no code set holds whole and no other name of the bullet offers as an alternative:
"immunocompromised" (drugs, HIV, a transplant make it without a code; any-of(immunodeficiency,
TEXT) would read a member the text does not write), "brain injury" (traumatic or acquired:
test_condition_vocabulary).
"""

from __future__ import annotations

import json

import pytest

from fhirtrial.eligibility.evaluation import evaluate_study
from fhirtrial.eligibility.evidence_variable import build_evidence_variable
from fhirtrial.eligibility.model import Criterion, Kind
from fhirtrial.eligibility.rules import compile_text
from fhirtrial.matching.keys import criteria_keys, patient_keys
from tests.eligibility.ehr_records import (
    ICD,
    condition,
    criteria_text,
    patient,
    record,
    result_of,
)
from tests.eligibility.signature import signature


def _form(text: str, *, exclusion: bool = True) -> str | None:
    from tests.eligibility.heldout_score import with_judgement_as_text

    return signature(with_judgement_as_text(compile_text(text, exclusion=exclusion, partial=True)))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # NCT03925467 exc-6, NCT03866265 exc-1 (its first item), NCT03937947 exc-4 (first item)
        ("Blood clotting disease,", "condition:clotting-disorder"),
        ("Subjects with clotting disorders", "condition:clotting-disorder"),
        ("Known blood clotting disorder", "condition:clotting-disorder"),
        # NCT03860623 exc-3: each alternative excludes.
        (
            "History of deep vein thrombosis or clotting disorders",
            "any-of(condition:deep-vein-thrombosis, condition:clotting-disorder)",
        ),
        # NCT03794687 exc-4 (its named items), NCT03862118, NCT03935074
        ("Known history of blood dyscrasia", "condition:hematologic-disease"),
        ("Blood dyscrasias", "condition:hematologic-disease"),
        (
            "Known history of blood dyscrasia or bleeding diathesis.",
            "any-of(condition:hematologic-disease, condition:bleeding-disorder)",
        ),
        # NCT03921281 exc-3, NCT03921437 exc-6: the judgement is the scorer's text member.
        ("bleeding tendencies", "condition:bleeding-disorder"),
        ("Severe bleeding tendency.", "all-of(condition:bleeding-disorder, text)"),
        # NCT03792906 exc-2
        ("Patients with low blood pressure", "condition:icd10cm:I95"),
        # NCT03868332 exc-4, NCT03921736 exc-3, NCT03867214 exc-4 (first item)
        ("Thromboembolic diseases", "condition:thromboembolic-disease"),
        ("history of thromboembolic diseases,", "condition:thromboembolic-disease"),
        ("Patients with thromboembolic disorders", "condition:thromboembolic-disease"),
        # The venous kind keeps its own concept.
        ("History of venous thromboembolic disease", "condition:venous-thromboembolism"),
    ],
)
def test_an_exclusion_in_everyday_words_compiles_to_the_class(text: str, expected: str) -> None:
    assert _form(text) == expected


def test_an_inclusion_without_a_clotting_disorder_is_the_negated_group() -> None:
    assert _form("No blood clotting disorders", exclusion=False) == (
        "NOT condition:clotting-disorder"
    )


@pytest.mark.parametrize(
    "text",
    [
        # A relative's disorder, a laboratory result, a drug: no diagnosis of the patient.
        "Family history of clotting disorders",
        "Abnormal clotting tests",
        "Plasma cell dyscrasia",
        "Immunocompromising disease",
        "Chronic thromboembolic pulmonary hypertension",
        "Family history of thromboembolic disease",
        # A state no code set holds whole: immunodeficiency is one way to be it, not written.
        "Immunocompromised subjects",
        "HIV positive or otherwise immunocompromised",
        # Narrower kinds: the class alone would turn away patients the text keeps.
        "Hereditary clotting disorder",
        "Arterial thromboembolic disease",
        "Congenital bleeding tendency",
        "Malignant blood dyscrasia",
        "Postural low blood pressure",
        # What follows says what the author counts.
        "Clotting disorders (e.g. factor V Leiden)",
    ],
)
def test_words_that_say_more_or_something_else_are_not_the_class(text: str) -> None:
    form = _form(text)
    assert form is None or not any(
        name in form
        for name in (
            "clotting-disorder",
            "hematologic",
            "thromboembolic",
            "immunodeficiency",
            "bleeding-disorder",
            "I95",
        )
    )


def _dx(code: str, title: str) -> dict:
    return condition(title, (ICD, code.replace(".", ""), title))


@pytest.mark.parametrize(
    ("code", "title", "expected"),
    [
        # A thrombophilia is a clotting disorder in every sense of the words.
        ("D68.51", "Activated protein C resistance", "met"),
        ("D68.61", "Antiphospholipid syndrome", "met"),
        # A coagulation defect that bleeds, a platelet disorder: a clotting disorder to some.
        ("D66", "Hereditary factor VIII deficiency", "unknown"),
        ("D69.6", "Thrombocytopenia, unspecified", "unknown"),
        ("D75.829", "Heparin-induced thrombocytopenia, unspecified", "unknown"),
        # A clot is no disorder of clotting; nor is diabetes.
        (
            "I82.401",
            "Acute embolism and thrombosis of unspecified deep veins of right lower extremity",
            "not-met",
        ),
        ("E11.9", "Type 2 diabetes mellitus without complications", "not-met"),
    ],
)
def test_a_record_has_a_clotting_disorder_by_a_thrombophilia(
    code: str, title: str, expected: str
) -> None:
    criterion = Criterion(Kind.CONDITION, concept="clotting-disorder")
    assert result_of(criterion, record(patient(), _dx(code, title))) == expected


@pytest.mark.parametrize(
    ("code", "title", "expected"),
    [
        # A venous thromboembolism or an arterial embolism is a thromboembolic disease.
        ("I26.99", "Other pulmonary embolism without acute cor pulmonale", "met"),
        (
            "I82.401",
            "Acute embolism and thrombosis of unspecified deep veins of right lower extremity",
            "met",
        ),
        ("I74.3", "Embolism and thrombosis of arteries of the lower extremities", "met"),
        # A heart attack or a stroke counts to some authors, a superficial thrombophlebitis,
        # a portal vein thrombosis or a history code may.
        ("I21.9", "Acute myocardial infarction, unspecified", "unknown"),
        ("I63.9", "Cerebral infarction, unspecified", "unknown"),
        ("I80.8", "Phlebitis and thrombophlebitis of other sites", "unknown"),
        ("Z86.718", "Personal history of other venous thrombosis and embolism", "unknown"),
        # A thrombophilia is a tendency to clot, not a thromboembolism; asthma is nothing of it.
        ("D68.51", "Activated protein C resistance", "not-met"),
        ("J45.909", "Unspecified asthma, uncomplicated", "not-met"),
    ],
)
def test_a_record_has_a_thromboembolic_disease_by_a_thromboembolism(
    code: str, title: str, expected: str
) -> None:
    criterion = Criterion(Kind.CONDITION, concept="thromboembolic-disease")
    assert result_of(criterion, record(patient(), _dx(code, title))) == expected


def _study(text: str) -> dict:
    return {
        "protocolSection": {
            "identificationModule": {"nctId": "NCT00000078", "briefTitle": "x"},
            "conditionsModule": {"conditions": ["Osteoarthritis, Knee"]},
            "eligibilityModule": {"eligibilityCriteria": text},
        }
    }


def test_a_stored_study_decides_the_new_names_as_compiled() -> None:
    text = criteria_text(
        ["Knee osteoarthritis"],
        ["Thromboembolic diseases", "Clotting disorders"],
    )
    resource = build_evidence_variable(
        _study(text), evidence_variable_id="nct00000078", study_reference="ResearchStudy/x"
    )
    stored = json.loads(json.dumps(resource))
    knee = _dx("M17.11", "Unilateral primary osteoarthritis, right knee")

    def verdict(*entries: dict) -> str:
        people = record(patient(), knee, *entries)
        return evaluate_study(stored, people, as_of=people.as_of).verdict

    # A pulmonary embolism, a factor V Leiden each exclude.
    assert verdict(_dx("I26.99", "Other pulmonary embolism without acute cor pulmonale")) == (
        "ineligible"
    )
    assert verdict(_dx("D68.51", "Activated protein C resistance")) == "ineligible"
    # A past infarction, a haemophilia: either may be what the study meant; nobody is ruled out.
    assert verdict(_dx("I21.9", "Acute myocardial infarction, unspecified")) != "ineligible"
    assert verdict(_dx("D66", "Hereditary factor VIII deficiency")) != "ineligible"
    # The prefilter keeps a patient whose diagnosis may be a required group.
    required = criteria_keys(
        build_evidence_variable(
            _study(criteria_text(["Thromboembolic disease"], [])),
            evidence_variable_id="nct00000079",
            study_reference="ResearchStudy/x",
        ),
        None,
    ).diagnoses
    offered = patient_keys(
        record(patient(), _dx("I21.9", "Acute myocardial infarction, unspecified"))
    ).diagnoses
    assert offered is not None and set(required) & set(offered)
