"""Groups of diagnoses named as a group ("History of mental illness", "neurological disease",
"significant cardiac disease"): how they compile, where they stay text, and how a record's
diagnoses decide them (terminology/diagnosis_groups.json, rules/diagnosis_groups.py)."""

from __future__ import annotations

import json
from importlib.resources import files

import pytest
import simple_icd_10_cm as release

from fhirtrial.eligibility.compiler import compile_outline
from fhirtrial.eligibility.model import Criterion, Kind
from fhirtrial.eligibility.outline import parse_outline
from fhirtrial.eligibility.rules import compile_text
from tests.eligibility.ehr_records import ICD, condition, patient, record, result_of
from tests.eligibility.signature import signature
from tools.build_diagnosis_groups import codings

_GROUPS = json.loads(
    files("fhirtrial.eligibility.terminology").joinpath("diagnosis_groups.json").read_text("utf-8")
)["concepts"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("psychiatric disorder.", "condition:psychiatric-disorder"),
        ("Patients with a history of mental illness;", "condition:psychiatric-disorder"),
        ("Mental disorders", "condition:psychiatric-disorder"),
        ("Known neurologic disease", "condition:neurological-disease"),
        ("Cardiovascular disease (CVD)", "condition:cardiovascular-disease"),
        ("Cardiac condition,", "condition:heart-disease"),
        ("congenital cardiac defects,", "condition:congenital-heart-disease"),
        ("chronic pulmonary diseases,", "condition:lung-disease"),
        (
            "Current or history of psychiatric or neurological illness;",
            "any-of(condition:psychiatric-disorder, condition:neurological-disease)",
        ),
        (
            "severe cardiovascular, hepatic, neurological or psychiatric disease",
            "any-of(condition:cardiovascular-disease, condition:liver-disease, "
            "condition:neurological-disease, condition:psychiatric-disorder)",
        ),
        (
            "unstable heart disease or presence of a cardiac pacemaker",
            "any-of(condition:heart-disease, procedure:pacemaker)",
        ),
        (
            "Evidence of seizure or major psychiatric disorder",
            "any-of(condition:seizure, condition:psychiatric-disorder)",
        ),
        ("History of neuromuscular disease", "condition:neuromuscular-disease"),
        ("cardiopulmonary disease", "any-of(condition:heart-disease, condition:lung-disease)"),
        (
            "History of cardiovascular, neurologic, or orthopedic diseases,",
            "any-of(condition:cardiovascular-disease, condition:neurological-disease, text)",
        ),
        (
            "Neurological and psychiatric disorders",
            "any-of(condition:neurological-disease, condition:psychiatric-disorder)",
        ),
        # An organ system no group bounds is a text member of the list.
        (
            "pre-existing respiratory, neurological, or renal disease.",
            "any-of(condition:neurological-disease, condition:kidney-disease, text)",
        ),
        (
            "Participants with clinically significant hematologic, endocrine, cardiovascular, "
            "pulmonary, renal, hepatic, gastrointestinal, or neurologic disease.",
            "any-of(condition:cardiovascular-disease, condition:lung-disease, "
            "condition:kidney-disease, condition:liver-disease, condition:neurological-disease, "
            "text)",
        ),
    ],
)
def test_an_exclusion_naming_a_group_compiles_to_it(text: str, expected: str) -> None:
    assert signature(compile_text(text, exclusion=True, partial=True)) == expected


@pytest.mark.parametrize(
    ("text", "qualifiers"),
    [
        ("Severe psychiatric illness", ("severe",)),
        ("Major psychiatric condition,", ("clinically-significant",)),
        ("Clinically significant cardiac disease.", ("clinically-significant",)),
        ("Uncontrolled psychiatric disorders", ("uncontrolled",)),
        ("Current neurological diseases", ("active",)),
        ("History of or current psychiatric disorder", ()),
        ("Pre-existing neurological disease", ()),
    ],
)
def test_judgements_and_states_before_a_group_are_its_qualifiers(
    text: str, qualifiers: tuple[str, ...]
) -> None:
    criterion = compile_text(text, exclusion=True)
    assert criterion is not None and criterion.qualifiers == qualifiers


def test_severe_or_unstable_gives_one_reading_per_judgement() -> None:
    criterion = compile_text("Severe or unstable cardiac disease", exclusion=True)
    assert criterion is not None and criterion.combination == "any-of"
    assert [c.qualifiers for c in criterion.children] == [("severe",), ("unstable",)]


@pytest.mark.parametrize(
    "text",
    [
        # Another than the study's own, a narrower kind, a relative's, a book.
        "Depression or other psychiatric disorders;",
        "Presence of other neurologic diseases affecting CNS",
        "Neurological disease diagnosis other than PD",
        "structural heart disease",
        "chronic heart disease",
        "Organic mental disorder",
        "Family history of cardiovascular disease",
        "Medical or psychiatric condition that would preclude informed consent",
        "Cognitive, neurological or psychiatric condition that prevents participation",
        # Joined by a slash: the assembly would read the two as both.
        "heart disease/ lung disease",
        # Organ systems no group bounds, alone or beside organs only the conditions read.
        "gastrointestinal disease",
        "hepatic or endocrine disease",
        "Preexisting neurological deficit",
        # The parenthesis says what the author counts: stroke is not in the group.
        "Cardiovascular disease (heart failure, myocardial infarction or stroke).",
    ],
)
def test_a_group_with_words_that_say_more_stays_text(text: str) -> None:
    assert signature(compile_text(text, exclusion=True, partial=True)) is None


def test_no_list_with_a_text_member_is_the_negated_list() -> None:
    # As "No allergy or contraindication to ibuprofen": NOT any-of(…, TEXT), each item denied.
    criterion = compile_text("No history of cardiac, respiratory or renal disease", partial=True)
    assert signature(criterion) == (
        "NOT any-of(condition:heart-disease, condition:kidney-disease, text)"
    )


def test_the_dsm_title_names_no_mental_disorder() -> None:
    text = (
        "ADHD diagnosis according to DSM 5 criteria (Diagnostic and Statistical Manual of "
        "Mental Disorders)"
    )
    assert signature(compile_text(text, partial=True)) == "all-of(condition:icd10cm:F90, text)"


def _compiled(text: str) -> dict[str, str | None]:
    return {n.text: signature(n.criterion) for n in compile_outline(parse_outline(text))}


def test_a_group_is_read_where_it_excludes_and_never_as_a_requirement() -> None:
    compiled = _compiled(
        "Inclusion Criteria:\n\n* Age 18 or older\n* No mental illness\n* Heart disease\n\n"
        "Exclusion Criteria:\n\n* Psychiatric illness"
    )
    assert compiled["No mental illness"] == "NOT condition:psychiatric-disorder"
    # Bounded narrow, a required group would be unmet for a diagnosis outside its bounds.
    assert compiled["Heart disease"] is None
    assert compiled["Psychiatric illness"] == "condition:psychiatric-disorder"


def test_a_group_holding_the_studys_own_disease_stays_text() -> None:
    depression = _compiled(
        "Inclusion Criteria:\n\n* Diagnosis of major depressive disorder\n\n"
        "Exclusion Criteria:\n\n* Psychiatric disorder\n* Cardiovascular disease"
    )
    assert depression["Psychiatric disorder"] is None
    assert depression["Cardiovascular disease"] == "condition:cardiovascular-disease"
    parkinson = _compiled(
        "Inclusion Criteria:\n\n* Idiopathic Parkinson's disease, Hoehn and Yahr 1-3\n\n"
        "Exclusion Criteria:\n\n* Neurological diseases\n* Psychiatric illness"
    )
    assert parkinson["Neurological diseases"] is None
    assert parkinson["Psychiatric illness"] == "condition:psychiatric-disorder"
    # Stroke is not a cardiovascular disease of the group: a stroke study may exclude it.
    stroke = _compiled(
        "Inclusion Criteria:\n\n* First time stroke\n\nExclusion Criteria:\n\n"
        "* Having cardiovascular diseases,"
    )
    assert stroke["Having cardiovascular diseases,"] == "condition:cardiovascular-disease"


def test_the_study_conditions_name_its_own_disease_too() -> None:
    outline = parse_outline(
        "Inclusion Criteria:\n\n* Age 18 or older\n\nExclusion Criteria:\n\n* Neurological disease"
    )
    (_, excluded) = compile_outline(outline, ["Multiple Sclerosis"])
    assert excluded.criterion is None


@pytest.mark.parametrize(
    ("group", "member", "left_out"),
    [
        ("psychiatric-disorder", "F32.A", "F17.210"),  # nicotine dependence is not one
        ("psychiatric-disorder", "F43.10", "F51.01"),  # nor primary insomnia
        ("psychiatric-disorder", "F60.3", "F90.0"),  # nor ADHD
        ("psychiatric-disorder", "F41.1", "F43.21"),  # nor an adjustment disorder
        ("psychiatric-disorder", "F40.10", "F40.240"),  # nor claustrophobia
        ("neurological-disease", "G40.909", "G24.01"),  # nor tardive dyskinesia
        ("neurological-disease", "G20.A1", "G43.909"),  # nor migraine
        ("neurological-disease", "G35.D", "G31.84"),  # nor mild cognitive impairment
        ("heart-disease", "I48.91", "I49.3"),  # nor premature ventricular beats
        ("heart-disease", "Q21.0", "Q21.12"),  # nor a patent foramen ovale
        ("cardiovascular-disease", "I70.213", "I10"),  # nor hypertension alone
        ("cardiovascular-disease", "I25.10", "I63.9"),  # nor a stroke
        ("lung-disease", "J44.9", "J18.9"),  # nor a pneumonia
        ("neuromuscular-disease", "G12.21", "G62.0"),  # nor a drug-induced polyneuropathy
        ("congenital-heart-disease", "Q21.10", "I35.0"),
    ],
)
def test_a_record_is_in_a_group_by_a_member_diagnosis(
    group: str, member: str, left_out: str
) -> None:
    def result(code: str) -> str:
        title = release.get_description(code)
        people = record(patient(), condition(title, (ICD, code.replace(".", ""), title)))
        return result_of(Criterion(Kind.CONDITION, concept=group), people)

    assert result(member) == "met"
    assert result(left_out) != "met"


def test_a_record_without_diagnoses_leaves_a_group_unknown() -> None:
    criterion = Criterion(Kind.CONDITION, concept="psychiatric-disorder")
    assert result_of(criterion, record(patient())) == "unknown"


def test_a_named_diagnosis_of_a_group_is_in_it_by_any_of_its_codes() -> None:
    # Major depressive disorder coded in SNOMED CT only is a psychiatric disorder.
    people = record(
        patient(), condition("Major depression", ("http://snomed.info/sct", "370143000", ""))
    )
    criterion = Criterion(Kind.CONDITION, concept="psychiatric-disorder")
    assert result_of(criterion, people) == "met"


@pytest.mark.parametrize("group", sorted(_GROUPS))
def test_codings_are_generated_from_the_groups_bounds(group: str) -> None:
    assert _GROUPS[group]["codings"] == codings(_GROUPS[group])
    for excluded in _GROUPS[group]["icd10cmExcludes"]:
        assert not any(
            excluded.startswith(c["code"].rstrip("*")) for c in _GROUPS[group]["codings"]
        )
