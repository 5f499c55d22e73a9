"""Groups of diagnoses read literally, evaluated by a core ("mental disorders", "neurological
disease", "cardiovascular disease", "congenital abnormality"): how real bullets compile, where
they stay text, and the three answers a record gets — met on a diagnosis of the core, unknown on
one of the rest of the group's ICD-10-CM extent, and what any absent diagnosis gets otherwise —
the same after a round trip through the stored EvidenceVariable
(terminology/diagnosis_groups.json, rules/diagnosis_groups.py, evaluation/diagnosis_groups.py)."""

from __future__ import annotations

import json
from importlib.resources import files

import pytest
import simple_icd_10_cm as release

from fhirtrial.eligibility.compiler import compile_outline
from fhirtrial.eligibility.evaluation import evaluate_study
from fhirtrial.eligibility.evidence_variable import build_evidence_variable
from fhirtrial.eligibility.fhir_reader import read_evidence_variable
from fhirtrial.eligibility.model import Criterion, Kind, Window
from fhirtrial.eligibility.outline import parse_outline
from fhirtrial.eligibility.rules import compile_text
from fhirtrial.matching.keys import criteria_keys, patient_keys
from fhirtrial.patient.record import PatientRecord
from tests.eligibility.ehr_records import (
    ICD,
    SNOMED,
    condition,
    criteria_text,
    patient,
    record,
    result_of,
)
from tests.eligibility.signature import signature
from tools.build_diagnosis_groups import generated

_GROUPS = json.loads(
    files("fhirtrial.eligibility.terminology").joinpath("diagnosis_groups.json").read_text("utf-8")
)["concepts"]

# ---------------------------------------------------------------- compiled forms


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("mental disorders", "condition:mental-disorder"),
        ("Patients with a history of mental illness;", "condition:mental-disorder"),
        ("Psychological disorders", "condition:mental-disorder"),
        ("cardio vascular disease", "condition:cardiovascular-disease"),
        ("Cardiovascular disease (CVD)", "condition:cardiovascular-disease"),
        ("Endocrinal Diseases", "condition:endocrine-disease"),
        ("Any form of skin disease", "condition:skin-disease"),
        ("Congenital abnormalities.", "condition:congenital-malformation"),
        ("congenital cardiac defects,", "condition:congenital-heart-disease"),
        ("Known neurologic disease", "condition:neurological-disease"),
        ("cardiopulmonary disease", "any-of(condition:heart-disease, condition:lung-disease)"),
        (
            "Claustrophobia or respiratory disorders",
            "any-of(condition:icd10cm:F40.240, condition:lung-disease)",
        ),
        (
            "hepatic or endocrine disease",
            "any-of(condition:liver-disease, condition:endocrine-disease)",
        ),
        (
            "Neurological and psychiatric disorders",
            "any-of(condition:neurological-disease, condition:mental-disorder)",
        ),
        # An organ system no group names is a text member of the list.
        (
            "History of cardiovascular, neurologic, or orthopedic diseases,",
            "any-of(condition:cardiovascular-disease, condition:neurological-disease, text)",
        ),
        # Judgements are the leaf's qualifiers: the scorer's all-of(leaf, text).
        (
            "Clinically significant cardiac disease.",
            "all-of(condition:heart-disease, text)",
        ),
        ("Blood borne infections", "any-of(condition:hiv, condition:hbv, condition:hcv, text)"),
    ],
)
def test_an_exclusion_naming_a_group_compiles_to_it(text: str, expected: str) -> None:
    assert _form(compile_text(text, exclusion=True, partial=True)) == expected


def _form(criterion: Criterion | None) -> str | None:
    from tests.eligibility.heldout_score import with_judgement_as_text

    return signature(with_judgement_as_text(criterion))


def test_a_required_group_is_read_as_the_text_says() -> None:
    assert signature(compile_text("patients with pulmonary disease")) == "condition:lung-disease"
    assert signature(compile_text("No mental illness.")) == "NOT condition:mental-disorder"


@pytest.mark.parametrize(
    "text",
    [
        # A narrower kind, a relative's, a book. (The term of art "severe mental illness" is
        # a group of its own, `rules.named_groups`: test_condition_vocabulary.)
        "structural heart disease",
        "Organic mental disorder",
        "Family history of cardiovascular disease",
        "Medical or psychiatric condition that would preclude informed consent",
        # Joined by a slash to another word: the assembly would read the two as both.
        "heart disease/ lung disease",
        # Organ systems no group names, alone.
        "hepatobiliary disease",
        "Preexisting neurological deficit",
    ],
)
def test_a_group_with_words_that_say_more_stays_text(text: str) -> None:
    assert signature(compile_text(text, exclusion=True, partial=True)) is None


def test_a_group_with_its_list_reads_the_examples_not_the_name() -> None:
    # What follows says what the author counts: the examples are read, not the name (stayed
    # text until the fifteenth session read an unmarked list as examples, `example_lists`).
    text = "Cardiovascular disease (heart failure, myocardial infarction or stroke)."
    assert signature(compile_text(text, exclusion=True, partial=True)) == (
        "any-of(condition:heart-failure, condition:myocardial-infarction, condition:stroke, text)"
    )


def test_a_chronic_kind_of_a_group_is_the_group_and_a_text_member() -> None:
    # Chronic lung diseases are coded inside the group's J00-J99: never the group alone, the
    # narrower kind as all-of(group, TEXT), which excludes nobody by itself.
    assert (
        signature(compile_text("chronic lung disease", exclusion=True, partial=True))
        == "all-of(condition:lung-disease, text)"
    )
    assert compile_text("chronic lung disease", exclusion=False, partial=True) is None


def test_a_term_of_art_is_never_the_bare_group() -> None:
    # "Severe mental illness" (a term of art) is its own group (`rules.named_groups`: psychoses,
    # bipolar disorder, severe depression), never the whole mental-disorder group, which would
    # exclude every anxiety disorder.
    for exclusion in (True, False):
        form = signature(compile_text("Severe mental illness", exclusion=exclusion, partial=True))
        assert form == "condition:serious-mental-illness"


def test_other_than_the_studys_own_is_no_group() -> None:
    form = signature(compile_text("Depression or other psychiatric disorders;", exclusion=True))
    assert form is None or "mental-disorder" not in form


def test_examples_after_a_group_are_read_without_the_group() -> None:
    # Read as a requirement, the examples of an inclusion would all be required.
    text = "Psychiatric disorder (including bipolar disorder, schizophrenia)"
    assert signature(compile_text(text, partial=True)) is None
    assert signature(compile_text(text, exclusion=True, partial=True)) == (
        "any-of(condition:bipolar-disorder, condition:schizophrenia, text)"
    )


def _compiled(text: str, conditions: tuple[str, ...] = ()) -> dict[str, str | None]:
    nodes = compile_outline(parse_outline(text), conditions)
    return {n.text: signature(n.criterion) for n in nodes}


def test_a_group_holding_the_studys_own_disease_stays_text() -> None:
    depression = _compiled(
        criteria_text(
            ["Diagnosis of major depressive disorder"],
            ["Psychiatric disorder", "Cardiovascular disease", "HIV or psychiatric illness"],
        )
    )
    assert depression["Psychiatric disorder"] is None
    assert depression["HIV or psychiatric illness"] == "any-of(condition:hiv, text)"
    assert depression["Cardiovascular disease"] == "condition:cardiovascular-disease"
    infarction = _compiled(
        criteria_text(["Myocardial infarction", "History of heart disease"], ["Mental disorders"])
    )
    assert infarction["History of heart disease"] is None
    assert infarction["Mental disorders"] == "condition:mental-disorder"
    # The study conditions name its disease too; "No mental illness" names none.
    assert (
        _compiled(criteria_text(["Age 18 or older"], ["Neurological disease"]), ("Epilepsy",))[
            "Neurological disease"
        ]
        is None
    )
    assert _compiled(criteria_text(["No mental illness"], ["Psychiatric disorder"]))[
        "Psychiatric disorder"
    ] == ("condition:mental-disorder")


# ---------------------------------------------------------------- core and periphery


def _dx(code: str) -> dict:
    title = release.get_description(code)
    return condition(title, (ICD, code.replace(".", ""), title))


@pytest.mark.parametrize(
    ("group", "core", "periphery", "outside"),
    [
        ("mental-disorder", "F32.A", "F17.210", "E11.9"),  # nicotine dependence may count
        ("mental-disorder", "F41.1", "F40.240", "G43.909"),  # claustrophobia may count
        ("mental-disorder", "F43.10", "F51.01", "I10"),  # primary insomnia may count
        ("neurological-disease", "G40.909", "G43.909", "I63.9"),  # migraine; a stroke is I
        ("neurological-disease", "G20.A1", "G24.01", "F32.A"),  # tardive dyskinesia
        ("heart-disease", "I48.91", "I49.3", "J45.909"),  # premature beats
        ("heart-disease", "Q21.0", "Q21.12", "Q25.0"),  # patent foramen ovale
        ("cardiovascular-disease", "I70.213", "I10", "E78.5"),  # hypertension alone
        ("cardiovascular-disease", "I25.10", "I63.9", "N18.3"),  # a stroke may count
        ("lung-disease", "J44.9", "J18.9", "C34.90"),  # a pneumonia may count
        ("endocrine-disease", "E11.9", "E28.2", "E78.5"),  # polycystic ovaries may count
        ("skin-disease", "L40.0", "L70.0", "B07.9"),  # acne may count
        ("congenital-malformation", "Q90.9", "Q82.5", "P07.30"),  # a congenital nevus
        ("neuromuscular-disease", "G12.21", "G62.0", "G35.D"),  # drug-induced polyneuropathy
        # organ systems of the second round (gastrointestinal, hematologic, …)
        ("gastrointestinal-disease", "K50.90", "K21.9", "J45.909"),  # GERD may count
        ("gastrointestinal-disease", "K90.0", "K74.60", "C34.90"),  # cirrhosis may count
        ("hematologic-disease", "D57.1", "D50.9", "D86.0"),  # iron deficiency; sarcoidosis
        ("hematologic-disease", "D69.3", "C83.30", "E11.9"),  # a lymphoma may count
        ("musculoskeletal-disease", "M06.9", "M54.50", "G35.D"),  # low back pain may count
        ("rheumatic-disease", "L40.50", "M17.11", "L40.0"),  # knee osteoarthritis may count
        ("infectious-disease", "B20", "B00.1", "J18.9"),  # cold sores may count
        ("genitourinary-disease", "N04.9", "N39.0", "K21.9"),  # a urinary tract infection
        ("genitourinary-disease", "N18.5", "N95.1", "I10"),  # menopause may count
        ("eye-disease", "H40.1110", "H52.13", "H90.3"),  # myopia may count
        ("ear-disease", "H81.09", "H91.10", "H52.13"),  # presbycusis may count
        ("metabolic-disease", "E75.22", "E78.5", "I10"),  # hyperlipidemia may count
        ("metabolic-disease", "E83.110", "E11.9", "F32.A"),  # diabetes may count
    ],
)
def test_a_record_is_in_a_group_by_its_core_and_may_be_by_its_extent(
    group: str, core: str, periphery: str, outside: str
) -> None:
    criterion = Criterion(Kind.CONDITION, concept=group)
    assert result_of(criterion, record(patient(), _dx(core))) == "met"
    assert result_of(criterion, record(patient(), _dx(periphery))) == "unknown"
    assert result_of(criterion, record(patient(), _dx(outside))) == "not-met"


def test_the_reason_names_the_diagnosis_that_may_count() -> None:
    from fhirtrial.eligibility.evaluation.context import DEFAULT_POLICY, EvalContext
    from fhirtrial.eligibility.evaluation.evaluator import evaluate_criterion
    from fhirtrial.eligibility.evaluation.facts import facts_for

    people = record(patient(), _dx("G43.909"))
    ctx = EvalContext(facts_for(people), people.as_of, DEFAULT_POLICY)
    found = evaluate_criterion(Criterion(Kind.CONDITION, concept="neurological-disease"), ctx)
    assert found.result == "unknown"
    assert "G43.909" in found.reason and "may or may not count" in found.reason


@pytest.mark.parametrize(
    ("group", "entry", "expected"),
    [
        # SNOMED CT as EHRs send it: a named diagnosis of the core, or words that name one.
        ("mental-disorder", ("Major depression", (SNOMED, "370143000", "")), "met"),
        ("mental-disorder", ("Generalized anxiety disorder", (SNOMED, "21897009", "")), "met"),
        ("cardiovascular-disease", ("Hypertension", (SNOMED, "38341003", "")), "unknown"),
        ("neurological-disease", ("Migraine (disorder)", (SNOMED, "37796009", "")), "unknown"),
        ("endocrine-disease", ("Diabetes mellitus", (SNOMED, "73211009", "")), "met"),
        ("mental-disorder", ("Type 2 diabetes", (SNOMED, "44054006", "")), "not-met"),
        # The body system's disorder concept itself says no more than the group's name.
        ("neurological-disease", ("Neurologic disorder", (SNOMED, "118940003", "")), "unknown"),
        ("mental-disorder", ("Mental disorder", (SNOMED, "74732009", "")), "unknown"),
        # organ systems of the second round
        ("gastrointestinal-disease", ("Crohn's disease", (SNOMED, "34000006", "")), "met"),
        ("musculoskeletal-disease", ("Rheumatoid arthritis", (SNOMED, "69896004", "")), "met"),
        ("infectious-disease", ("HIV infection", (SNOMED, "86406008", "")), "met"),
        ("hematologic-disease", ("Type 2 diabetes", (SNOMED, "44054006", "")), "not-met"),
        (
            "gastrointestinal-disease",
            ("Disorder of digestive system", (SNOMED, "53619000", "")),
            "unknown",
        ),
        (
            "musculoskeletal-disease",
            ("Disorder of musculoskeletal system", (SNOMED, "928000", "")),
            "unknown",
        ),
        ("metabolic-disease", ("Metabolic disease", (SNOMED, "75934005", "")), "unknown"),
        ("infectious-disease", ("Infectious disease", (SNOMED, "40733004", "")), "unknown"),
    ],
)
def test_a_snomed_coded_diagnosis_is_placed_by_what_it_names(
    group: str, entry: tuple[str, tuple[str, str, str]], expected: str
) -> None:
    people = record(patient(), condition(entry[0], entry[1]))
    assert result_of(Criterion(Kind.CONDITION, concept=group), people) == expected


def test_absence_and_windows_are_read_as_for_any_diagnosis() -> None:
    criterion = Criterion(Kind.CONDITION, concept="mental-disorder")
    assert result_of(criterion, record(patient())) == "unknown"  # no problem list
    provisional = condition("Schizophrenia", (ICD, "F209", "Schizophrenia, unspecified"))
    provisional["verificationStatus"] = {"coding": [{"code": "provisional"}]}
    assert result_of(criterion, record(patient(), provisional)) == "unknown"
    resolved = _dx("F32.A") | {"abatementDateTime": "2015-03-01", "onsetDateTime": "2014-01-01"}
    resolved["clinicalStatus"] = {"coding": [{"code": "resolved"}]}
    recent = Criterion(Kind.CONDITION, concept="mental-disorder", window=Window(-180, 0))
    assert result_of(recent, record(patient(), resolved)) == "not-met"


# ---------------------------------------------------------------- the stored EvidenceVariable


def _study(text: str) -> dict:
    return {
        "protocolSection": {
            "identificationModule": {"nctId": "NCT00000077", "briefTitle": "x"},
            "conditionsModule": {"conditions": ["Osteoarthritis, Knee"]},
            "eligibilityModule": {"eligibilityCriteria": text},
        }
    }


_TEXT = criteria_text(["History of heart disease"], ["Neurological disease", "Mental disorders"])


def _verdicts(resource: dict, people: PatientRecord) -> tuple[str, list[str]]:
    evaluation = evaluate_study(resource, people, as_of=people.as_of)
    return evaluation.verdict, [c.result for c in evaluation.criteria]


@pytest.mark.parametrize(
    ("codes", "verdict"),
    [
        (("I48.91",), "eligible"),  # heart disease of the core, nothing else
        (("I48.91", "G40.909"), "ineligible"),  # an epilepsy excludes
        (("I48.91", "G43.909"), "potential-candidate"),  # a migraine may
        (("I10",), "potential-candidate"),  # hypertension may be heart disease
        (("E11.9",), "ineligible"),  # no heart disease in a recorded problem list
    ],
)
def test_the_stored_evidence_variable_evaluates_as_compiled(
    codes: tuple[str, ...], verdict: str
) -> None:
    resource = build_evidence_variable(
        _study(_TEXT), evidence_variable_id="nct00000077", study_reference="ResearchStudy/x"
    )
    stored = json.loads(json.dumps(resource))
    people = record(patient(), *(_dx(code) for code in codes))
    assert _verdicts(stored, people) == _verdicts(resource, people)
    assert _verdicts(stored, people)[0] == verdict
    # The group is written with its extent as codings and read back as the same concept.
    read = [c.criterion for c in read_evidence_variable(stored) if c.criterion is not None]
    assert {c.concept for c in read} >= {"heart-disease", "neurological-disease"}
    rebuilt = build_evidence_variable(
        _study(_TEXT), evidence_variable_id="nct00000077", study_reference="ResearchStudy/x"
    )
    assert rebuilt == resource  # `fhirtrial recompile` writes the same resource
    codings = json.dumps(stored)
    assert '"code": "F01-F99"' in codings and '"code": "G00-G99"' in codings


def test_the_prefilter_keeps_a_patient_whose_diagnosis_may_be_the_required_group() -> None:
    resource = build_evidence_variable(
        _study(_TEXT), evidence_variable_id="nct00000077", study_reference="ResearchStudy/x"
    )
    required = set(criteria_keys(resource, None).diagnoses)
    assert "heart-disease" in required
    for code in ("I10", "I48.91"):
        offered = patient_keys(record(patient(), _dx(code))).diagnoses
        assert offered is not None and required & set(offered), code


@pytest.mark.parametrize("group", sorted(_GROUPS))
def test_codings_and_core_are_generated_from_the_release(group: str) -> None:
    codings, core = generated(_GROUPS[group])
    assert _GROUPS[group]["codings"] == codings
    assert _GROUPS[group]["core"] == core
