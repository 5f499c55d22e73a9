"""Example lists whose class carries a clause of what it does (`rules.class_clauses`).

What a user notices: "Medications that may prolong the QT interval (e.g., amiodarone,
sotalol)", "Any condition that could interfere with study procedures, such as dementia or
epilepsy", "Drugs known to affect bone metabolism (e.g., …)" exclude a patient with a listed
example on record — by the text each example is a member of what excludes; the "may" is on the
drug's effect, not on the exclusion — while a patient with none stays "unknown" (the class
itself is the TEXT member), never cleared. In the development texts 39 exclusion bullets are
of this shape (a class noun, a clause, then the examples); all stayed text before.

What must never happen: a clause that narrows the patient's own instance ("conditions that
required hospitalization", "associated with", "that may have complicated"), a clause that names
something of the examples' kind (diabetes: an example of the conditions, or of the neuropathy
they may cause?), a negation or someone's opinion in the clause, an example of another kind
than the class's, another time ("given during the study"), or an inclusion read this way.
Also here: a drug class with no lead is taken ("QT-prolonging medications (e.g., …)": use of
each example) and a class's own abbreviation ("Gastrointestinal (GI) disorders") is no aside.
"""

from __future__ import annotations

import pytest

from fhirtrial.eligibility.rules import compile_text
from tests.eligibility.ehr_records import (
    ICD,
    condition,
    criteria_text,
    medication,
    patient,
    record,
    result_of,
    verdict_of_study,
)
from tests.eligibility.signature import signature
from tools.partial_compile_report import describe


def _form(text: str, *, exclusion: bool = True) -> str | None:
    criterion = compile_text(text, exclusion=exclusion, partial=True)
    return describe(criterion) if criterion is not None else None


# ---------------------------------------------------------------- the matrix

_DRUG_CLASSES = ("Medications", "Drugs", "Use of medications", "Current use of drugs")
_DRUG_CLAUSES = (
    "that may prolong the QT interval",
    "known to affect bone metabolism",
    "that can interact with the study drug",
    "which affect heart rate",
)
_DRUG_EXAMPLES = (
    ("amiodarone, sotalol", "any-of(medication:amiodarone, medication:sotalol, TEXT)"),
    ("ketoconazole or rifampin", "any-of(medication:ketoconazole, medication:rifampin, TEXT)"),
    (
        "beta-blockers, calcium channel blockers",
        "any-of(medication:beta-blocker, medication:calcium-channel-blocker, TEXT)",
    ),
)
_CONDITION_CLASSES = ("Any condition", "Medical conditions", "Any disease", "Disorders")
_CONDITION_CLAUSES = (
    "that could interfere with study procedures",
    "that may affect the outcome",
    "which would preclude participation",
    "that may compromise cognition",
)
_CONDITION_EXAMPLES = (
    ("dementia, epilepsy", "any-of(condition:dementia, condition:epilepsy, TEXT)"),
    ("asthma or COPD", "any-of(condition:asthma, condition:copd, TEXT)"),
)
_MARKERS = ("({} e.g., {})", "({} such as {})", "{}, such as {}", "({} including {})")


def _paren(marker: str, listed: str) -> str:
    return "(" + marker[4:-1].replace("{}", listed) + ")"


MATRIX = [
    *(
        (f"{name} {clause} {_paren(marker, listed)}", form)
        for index, (listed, form) in enumerate(_DRUG_EXAMPLES)
        for name, clause in zip(_DRUG_CLASSES, _DRUG_CLAUSES, strict=True)
        for marker in _MARKERS
        if marker.startswith("(")
    ),
    *(
        (f"{name} {clause}, such as {listed}", form)
        for listed, form in _DRUG_EXAMPLES
        for name, clause in zip(_DRUG_CLASSES, _DRUG_CLAUSES, strict=True)
    ),
    *(
        (f"{name} {clause} {_paren(marker, listed)}", form)
        for listed, form in _CONDITION_EXAMPLES
        for name, clause in zip(_CONDITION_CLASSES, _CONDITION_CLAUSES, strict=True)
        for marker in _MARKERS
        if marker.startswith("(")
    ),
    *(
        (f"{name} {clause}, such as {listed}", form)
        for listed, form in _CONDITION_EXAMPLES
        for name, clause in zip(_CONDITION_CLASSES, _CONDITION_CLAUSES, strict=True)
    ),
]


@pytest.mark.parametrize(("text", "form"), MATRIX)
def test_each_example_of_a_class_with_a_clause_excludes(text: str, form: str) -> None:
    assert _form(text) == form


@pytest.mark.parametrize(("text", "form"), MATRIX[:: len(MATRIX) // 8])
def test_an_inclusion_never_reads_the_examples(text: str, form: str) -> None:
    assert form
    assert _form(text, exclusion=False) is None


DEVELOPMENT_BULLETS = [
    # exclusion bullets of the development texts (all text before)
    (
        "Medications known to affect adipose tissue metabolism (e.g., beta blockers, "
        "corticosteroids)",
        "any-of(medication:beta-blocker, medication:systemic-corticosteroid[any-route], TEXT)",
    ),
    (
        "History or current medical /neurological illnesses that may lead to an unstable "
        "course, e.g., epilepsy.",
        # "current" read on the example: narrower than "history or current", never wider
        "any-of(condition:epilepsy[active], TEXT)",
    ),
    (
        "Has a medical illness that compromises their cognition (for example, moderate to "
        "severe traumatic brain injury).",
        "any-of(condition:traumatic-brain-injury[moderate-or-severe], TEXT)",
    ),
]


@pytest.mark.parametrize(("text", "form"), DEVELOPMENT_BULLETS)
def test_development_bullets_with_a_clause(text: str, form: str) -> None:
    assert _form(text) == form


OTHER_SHAPES = [
    # the clause after the examples' parenthesis
    (
        "Any brain disorder (such as traumatic brain injury) that could impact the ability to "
        "engage in treatment",
        "any-of(condition:traumatic-brain-injury, TEXT)",
        "any-of(condition:traumatic-brain-injury, text)",
    ),
    (
        "Medications (e.g., amiodarone, sotalol) that may prolong the QT interval.",
        "any-of(medication:amiodarone, medication:sotalol, TEXT)",
        "any-of(medication:amiodarone, medication:sotalol, text)",
    ),
    (
        "Cognitive impairment that may interfere with consent (e.g., dementia)",
        "any-of(condition:dementia, TEXT)",
        "any-of(condition:dementia, text)",
    ),
    # a window after the examples is every example's
    (
        "Medications that may prolong the QT interval (e.g., amiodarone) within 14 days before "
        "enrollment",
        "any-of(medication:amiodarone, TEXT)",
        "any-of(medication:amiodarone:w-14,0,enrollment, text)",
    ),
    # a drug class with no lead is taken
    (
        "QT-prolonging medications (e.g., amiodarone, sotalol)",
        "any-of(medication:amiodarone, medication:sotalol, TEXT)",
        "any-of(medication:amiodarone, medication:sotalol, text)",
    ),
    (
        "Current blood-thinning medications such as warfarin or apixaban",
        "any-of(medication:warfarin, medication:apixaban, TEXT)",
        "any-of(medication:warfarin, medication:apixaban, text)",
    ),
    # a class's own abbreviation
    (
        "Gastrointestinal (GI) disorders (e.g., Crohn's disease, ulcerative colitis)",
        "any-of(condition:crohn-disease, condition:ulcerative-colitis, TEXT)",
        "any-of(condition:crohn-disease, condition:ulcerative-colitis, text)",
    ),
    (
        "Psychiatric disorders (Axis I) such as schizophrenia or bipolar disorder",
        "any-of(condition:schizophrenia, condition:bipolar-disorder, TEXT)",
        "any-of(condition:schizophrenia, condition:bipolar-disorder, text)",
    ),
]


@pytest.mark.parametrize(("text", "form", "windows"), OTHER_SHAPES)
def test_other_shapes_of_the_class(text: str, form: str, windows: str) -> None:
    criterion = compile_text(text, exclusion=True, partial=True)
    assert criterion is not None, text
    assert describe(criterion) == form
    assert signature(criterion) == windows


STAY_TEXT = [
    ("the patient's own instance", "Conditions that required hospitalization (e.g., asthma)"),
    ("the patient's own instance", "Conditions (e.g., asthma) that required hospitalization"),
    ("a relation", "Conditions associated with chronic pain, such as peripheral neuropathy"),
    ("an event", "Any condition that may have complicated surgery (e.g., bleeding disorder)"),
    ("names the kind", "A pathology that could cause neuropathy (e.g. diabetes, renal failure)"),
    ("names the kind", "Medications that may potentiate other drugs (e.g., ketoconazole)"),
    ("names the kind", "Conditions that may worsen heart failure (e.g., anemia)"),
    ("names the kind", "Conditions that may lead to lymphoma (e.g., HIV)"),
    # the examples could be the antiretrovirals' (the clause's last words), not the drugs'
    ("names the kind", "Drugs that may interact with antiretrovirals (e.g., ritonavir)"),
    ("names the kind", "Medications that may interact with antiretrovirals, such as ritonavir"),
    ("a negation", "Conditions that would not allow participation (e.g., dementia)"),
    ("a negation", "Medications that do not affect the QT interval (e.g., amoxicillin)"),
    (
        "an opinion",
        "Conditions that in the opinion of the investigator may interfere (e.g., asthma)",
    ),
    ("a risk", "Any disease that may increase the risk of bleeding (e.g., hemophilia)"),
    ("another kind", "Conditions that may prevent NSAID use (i.e. GI disorders, using warfarin)"),
    ("another kind", "Medications that may interact (e.g., grapefruit juice, asthma)"),
    ("another time", "Medications that may be given during the study (e.g., amiodarone)"),
    ("another time", "Drugs that could be prescribed after surgery (e.g., opioids)"),
    (
        "a number in the class's aside",
        "Previous long-term (>3 months) use of drugs (e.g., warfarin)",
    ),
    ("an allowance", "Medications that may prolong QT (e.g., amiodarone) unless stable"),
    ("a judgement in the class's aside", "Infections (active) (e.g., tuberculosis, HIV)"),
    ("a time in the class's aside", "Cardiac disease (recent) (e.g., myocardial infarction)"),
    ("an example not understood", "Drugs that may affect glucose (e.g., metformin, zorblatine)"),
]


@pytest.mark.parametrize(("why", "text"), STAY_TEXT)
def test_a_clause_that_could_change_what_an_example_means_leaves_the_text(
    why: str, text: str
) -> None:
    assert _form(text) is None, why


# ---------------------------------------------------------------- evaluation

_QT_TEXT = "Medications that may prolong the QT interval (e.g., amiodarone, sotalol)"
_CONDITION_TEXT = (
    "Any condition that could interfere with study procedures, such as dementia or epilepsy"
)
_AMIODARONE = medication("amiodarone 200 mg tablet", "2026-10-01", status="active")
_METFORMIN = medication("metformin 500 mg tablet", "2026-10-01", status="active")
_EPILEPSY = condition(
    "Epilepsy", (ICD, "G40.909", "Epilepsy, unspecified, not intractable, without status")
)
_DIABETES = condition(
    "Type 2 diabetes mellitus", (ICD, "E11.9", "Type 2 diabetes mellitus without complications")
)


def _result(text: str, *resources: dict) -> str:
    criterion = compile_text(text, exclusion=True, partial=True)
    assert criterion is not None, text
    return result_of(criterion, record(patient(), *resources))


def test_an_example_on_record_meets_the_exclusion() -> None:
    assert _result(_QT_TEXT, _AMIODARONE) == "met"
    assert _result(_CONDITION_TEXT, _EPILEPSY) == "met"


def test_without_an_example_the_class_stays_unknown_never_cleared() -> None:
    assert _result(_QT_TEXT) == "unknown"
    assert _result(_QT_TEXT, _METFORMIN) == "unknown"
    assert _result(_CONDITION_TEXT, _DIABETES) == "unknown"


@pytest.mark.parametrize("text", [_QT_TEXT, _CONDITION_TEXT])
def test_the_study_verdict(text: str) -> None:
    study = criteria_text(["Age 18 or older"], [text])
    example = _AMIODARONE if text == _QT_TEXT else _EPILEPSY
    other = _METFORMIN if text == _QT_TEXT else _DIABETES
    assert verdict_of_study(study, record(patient(), example)) == "ineligible"
    assert verdict_of_study(study, record(patient(), other)) == "potential-candidate"
    assert verdict_of_study(study, record(patient())) == "potential-candidate"
