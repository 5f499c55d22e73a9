"""Diagnoses ICD-10-CM files outside the codes of the concept a criterion names (sweep of every
diagnosis concept a development bullet compiles to, against the whole release).

A pregnant woman whose diabetes is coded O24.113 "Pre-existing type 2 diabetes mellitus, in
pregnancy, third trimester" has type 2 diabetes ("Diabetes type 2", NCT03864510 inc-1); O10.-
"Pre-existing hypertension complicating pregnancy" is hypertension ("≥21 years old with medical
diagnosis of hypertension", NCT03793881 inc-1); "Alcohol dependence with alcohol-induced
persisting dementia" F10.27 is a dementia ("diagnosed as dementia", NCT03864471 exc-1); a
postprocedural hypothyroidism E89.0 is hypothyroidism (NCT03863873 exc-2). Such codes are now
the concept's own (met, for an exclusion too). Codes that may or may not be it — gestational
hypertension O13 or postprocedural hypertension I97.3 for "hypertension", an unspecified
pre-existing diabetes O24.3 for "type 2
diabetes", "Personal history of pulmonary embolism" Z86.711 coded without the words — leave
the criterion unknown: never ineligible, and an exclusion neither excludes nor clears. (A
gestational diabetes whose words say "diabetes mellitus" is read by its words, as before.)

The entries carry the code without a display and Epic's short problem name as text, which
names no diagnosis the readers know: the code alone must decide. (An entry whose words name
the diagnosis — a display "Gestational hypertension" — is read by its words, as before.)
"""

from __future__ import annotations

import pytest

from fhirtrial.eligibility.rules import compile_text
from fhirtrial.matching.keys import patient_keys
from tests.eligibility.ehr_records import (
    ICD,
    condition,
    patient,
    record,
    result_of,
    verdict_of_inclusion_bullet,
)


def _entry(code: str, title: str) -> dict:
    """An encounter export that carries the code without its title (``title`` documents the
    case) and Epic's short problem name, no diagnosis in its words: the code alone decides."""
    del title
    return condition("OB problem list item", (ICD, code, ""))


# (bullet, code, title): the code is wholly the diagnosis the bullet names.
WHOLLY = [
    (
        "Diabetes type 2",
        "O24.113",
        "Pre-existing type 2 diabetes mellitus, in pregnancy, third trimester",
    ),
    (
        "Patients with Type 1 diabetes",
        "O24.012",
        "Pre-existing type 1 diabetes mellitus, in pregnancy, second trimester",
    ),
    (
        "diabetes mellitus",
        "O24.313",
        "Unspecified pre-existing diabetes mellitus in pregnancy, third trimester",
    ),
    (
        "medical diagnosis of hypertension",
        "O10.013",
        "Pre-existing essential hypertension complicating pregnancy, third trimester",
    ),
    ("hypertension", "O11.2", "Pre-existing hypertension with pre-eclampsia, second trimester"),
    (
        "Known HIV",
        "O98.712",
        "Human immunodeficiency virus [HIV] disease complicating pregnancy, second trimester",
    ),
    (
        "diagnosed as dementia",
        "F10.27",
        "Alcohol dependence with alcohol-induced persisting dementia",
    ),
    ("Anxiety Disorders.", "F06.4", "Anxiety disorder due to known physiological condition"),
    ("Hypothyroidism", "E89.0", "Postprocedural hypothyroidism"),
    ("The patients with liver failure", "K91.82", "Postprocedural hepatic failure"),
    (
        "peripheral neuropathy",
        "M05.50",
        "Rheumatoid polyneuropathy with rheumatoid arthritis of unspecified site",
    ),
    ("Anaemia", "O99.013", "Anemia complicating pregnancy, third trimester"),
]

# (bullet, code, title): the code may or may not be the diagnosis.
MAY_BE = [
    (
        "History of a psychotic disorder",
        "F12.259",
        "Cannabis dependence with psychotic disorder, unspecified",
    ),
    (
        "Diabetes type 2",
        "O24.313",
        "Unspecified pre-existing diabetes mellitus in pregnancy, third trimester",
    ),
    (
        "medical diagnosis of hypertension",
        "O13.3",
        "Gestational [pregnancy-induced] hypertension without significant proteinuria, third "
        "trimester",
    ),
    ("hypertension", "I97.3", "Postprocedural hypertension"),
    (
        "Secondary hypertension",
        "O10.413",
        "Pre-existing secondary hypertension complicating pregnancy, third trimester",
    ),
    ("Chronic kidney disease", "D63.1", "Anemia in chronic kidney disease"),
    # its companion code says which kidney failure: N17, or N18 (stages 1-4 no renal failure)
    ("Have renal failure", "N99.0", "Postprocedural (acute) (chronic) kidney failure"),
    (
        "peripheral neuropathy",
        "E11.40",
        "Type 2 diabetes mellitus with diabetic neuropathy, unspecified",
    ),
    (
        "Rheumatoid arthritis",
        "M08.20",
        "Juvenile rheumatoid arthritis with systemic onset, unspecified site",
    ),
    (
        "Patients with histologically proven stage 1-3 breast cancer",
        "Z85.3",
        "Personal history of malignant neoplasm of breast",
    ),
    ("cardiac arrest history", "Z86.74", "Personal history of sudden cardiac arrest"),
    ("Glaucoma", "H42", "Glaucoma in diseases classified elsewhere"),
    (
        "Bowel obstruction",
        "K50.012",
        "Crohn's disease of small intestine with intestinal obstruction",
    ),
]


@pytest.mark.parametrize(("bullet", "code", "title"), WHOLLY)
def test_an_inclusion_is_met_by_a_code_that_is_wholly_the_diagnosis(
    bullet: str, code: str, title: str
) -> None:
    criterion = compile_text(bullet, partial=True)
    assert criterion is not None
    assert result_of(criterion, record(patient(), _entry(code, title))) == "met"


@pytest.mark.parametrize(("bullet", "code", "title"), WHOLLY)
def test_an_exclusion_is_met_by_a_code_that_is_wholly_the_diagnosis(
    bullet: str, code: str, title: str
) -> None:
    criterion = compile_text(bullet, exclusion=True, partial=True)
    assert criterion is not None
    person = record(patient(), _entry(code, title))
    assert result_of(criterion, person, excluding=True) == "met"


@pytest.mark.parametrize(("bullet", "code", "title"), MAY_BE)
def test_an_inclusion_is_not_failed_by_a_code_that_may_be_the_diagnosis(
    bullet: str, code: str, title: str
) -> None:
    person = record(patient(), _entry(code, title))
    assert verdict_of_inclusion_bullet(bullet, person) == "potential-candidate"


@pytest.mark.parametrize(("bullet", "code", "title"), MAY_BE)
def test_an_exclusion_is_left_open_by_a_code_that_may_be_the_diagnosis(
    bullet: str, code: str, title: str
) -> None:
    criterion = compile_text(bullet, exclusion=True, partial=True)
    assert criterion is not None
    person = record(patient(), _entry(code, title))
    assert result_of(criterion, person, excluding=True) == "unknown"


@pytest.mark.parametrize(("bullet", "code", "title"), WHOLLY + MAY_BE)
def test_the_prefilter_keeps_a_patient_whose_code_is_or_may_be_the_diagnosis(
    bullet: str, code: str, title: str
) -> None:
    criterion = compile_text(bullet, partial=True)
    assert criterion is not None
    concepts = [criterion.concept] if criterion.concept else []
    concepts += [c.concept for c in criterion.children if c.concept]
    keys = patient_keys(record(patient(), _entry(code, title)))
    assert keys.diagnoses is not None
    assert any(c in keys.diagnoses for c in concepts)


def test_a_pregnancy_code_of_another_disease_still_fails_and_insulin_use_is_no_diabetes() -> None:
    # O99.353 is any disease of the nervous system in pregnancy (its companion code says
    # which); Z79.4 "Long term (current) use of insulin" is a treatment, not a diagnosis.
    epilepsy = compile_text("Epilepsy", partial=True)
    diabetes = compile_text("Diabetes type 2", partial=True)
    assert epilepsy is not None and diabetes is not None
    nervous = _entry(
        "O99.353", "Diseases of the nervous system complicating pregnancy, third trimester"
    )
    assert result_of(epilepsy, record(patient(), nervous)) == "not-met"
    insulin = condition("Insulin use", (ICD, "Z79.4", "Long term (current) use of insulin"))
    assert result_of(diabetes, record(patient(), insulin)) == "not-met"
