"""Diagnoses ICD-10-CM names only as the head of titles split by a qualifier ("Conductive
hearing loss, bilateral" …), its inverted titles ("Disorder of pituitary gland": pituitary
disorder) and the symptoms a problem list codes ("nausea", "motion sickness"): the table the
tool builds, the criteria that name them, and records that meet them or not."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import pytest
import simple_icd_10_cm as release

from fhirtrial.eligibility import terminology
from fhirtrial.eligibility.compiler import compile_criterion
from fhirtrial.eligibility.evidence_variable import build_evidence_variable
from fhirtrial.eligibility.fhir_reader import read_evidence_variable
from fhirtrial.eligibility.model import Kind
from tests.eligibility.ehr_records import ICD, SNOMED, condition, patient, record, result_of
from tests.eligibility.signature import signature
from tools.build_icd10cm_titles import build, table_json

CHL = "icd10cm:H90.0+H90.1+H90.2+H90.A1"
BILATERAL_INGUINAL_HERNIA = "icd10cm:K40.0+K40.1+K40.2"
PITUITARY = "icd10cm:E22+E23"


@cache
def _table() -> dict[str, Any]:
    table: dict[str, Any] = json.loads(table_json(build()))
    return table


def test_the_packaged_heads_are_what_the_release_gives() -> None:
    packaged = terminology.terminology().icd_heads
    assert packaged == _table()["heads"]


def test_a_head_names_the_codes_of_its_titles_under_one_parent() -> None:
    heads = _table()["heads"]
    assert heads["K40.0+K40.1+K40.2"] == "Bilateral inguinal hernia"
    assert heads["H90.0+H90.1+H90.2+H90.A1"] == "Conductive hearing loss"
    assert heads["H40.3+H40.4+H40.5+H40.6"] == "Secondary glaucoma"  # "Glaucoma secondary to"
    assert heads["K86.0+K86.1"] == "Chronic pancreatitis"  # "Other chronic pancreatitis"
    assert heads["E22+E23"] == "Disorder of pituitary gland"  # hyper- and hypofunction
    assert heads["H90+H91"] == "Hearing loss"
    assert heads["R10.A"] == "Flank pain"  # every child: the parent's code
    names = {name.lower() for name in heads.values()}
    # Spread over chapters, named elsewhere in other words, or a class, a side, a common word:
    for nowhere in (
        "secondary hyperparathyroidism",  # E21.1 and N25.81
        "headache",  # R51 and tension-type headache G44.2
        "dementia",  # F01-F03 and frontotemporal dementia G31.0
        "abdominal hernia",  # "Other abdominal hernia" K45 beside inguinal hernia K40
        "hyperlipidemia",  # "Hyperlipidemia, unspecified" beside pure hypercholesterolemia
        "disorder of ear",
        "entropion of left eye",
        "male",
    ):
        assert nowhere not in names


def test_symptoms_are_kept_but_what_is_measured_or_common() -> None:
    titles = _table()["titles"]
    assert titles["T75.3"] == "Motion sickness"
    assert titles["R30.0"] == "Dysuria"
    for left_out in ("R50", "R00.0", "R03.0", "R63.4", "R79.1", "R51", "R12", "R23.2", "T68"):
        assert left_out not in titles  # fever, tachycardia, BP, weight loss, lab; headache…
    assert not any(code.startswith(("S", "Z", "O", "T8")) for code in titles)


@pytest.mark.parametrize(
    ("text", "exclusion", "expected"),
    [
        ("Bilateral inguinal hernia", True, f"condition:{BILATERAL_INGUINAL_HERNIA}"),
        ("Conductive hearing loss (CHL)", False, f"condition:{CHL}"),
        ("History of chronic pancreatitis", True, "condition:icd10cm:K86.0+K86.1"),
        ("Secondary glaucoma", True, "condition:icd10cm:H40.3+H40.4+H40.5+H40.6"),
        # Inverted titles: "Disorder of pituitary gland", "Torsion of testis".
        ("Pituitary disorder", True, f"condition:{PITUITARY}"),
        ("Disorders of the pituitary gland", True, f"condition:{PITUITARY}"),
        ("previous testicular torsion", True, "condition:icd10cm:N44.0"),
        # Symptoms a problem list codes.
        ("Nausea", True, "condition:icd10cm:R11.0+R11.2"),
        ("Currently have nausea", True, "condition:icd10cm:R11.0+R11.2"),
        ("History of motion sickness", True, "condition:icd10cm:T75.3"),
        # A hand-made concept reading the same words is preferred.
        ("Osteoporosis", True, "condition:osteoporosis"),
        # No head, but a common name spread over two chapters: the set of both codes
        # (icd10cm_common_names.json).
        ("Secondary hyperparathyroidism", True, "condition:icd10cm:E21.1+N25.81"),
        # Ambiguous heads, measured symptoms, common words and words saying more stay text.
        ("History of headache", True, None),
        ("Fever", True, None),
        ("Heartburn", True, None),
        ("Uncontrolled chronic pancreatitis requiring treatment", True, None),
        ("Conductive hearing loss surgery", True, None),
    ],
)
def test_criteria_naming_a_head(text: str, exclusion: bool, expected: str | None) -> None:
    assert signature(compile_criterion(text, exclusion=exclusion)) == expected


@pytest.mark.parametrize("text", ["Currently have nausea", "Patient currently has glaucoma"])
def test_a_diagnosis_one_currently_has_is_active(text: str) -> None:
    criterion = compile_criterion(text, exclusion=True)
    assert criterion is not None and criterion.qualifiers == ("active",)


def test_a_set_of_codes_is_a_concept_of_its_own() -> None:
    concept = terminology.concept(BILATERAL_INGUINAL_HERNIA)
    assert concept.display == "Bilateral inguinal hernia"
    assert [c.code for c in terminology.codings(BILATERAL_INGUINAL_HERNIA)] == [
        "K40.0",
        "K40.1",
        "K40.2",
    ]
    with pytest.raises(KeyError):
        terminology.concept("icd10cm:K40.0+K40.9")  # no head names that set
    assert BILATERAL_INGUINAL_HERNIA in terminology.concepts_for(ICD, "K40.20")
    assert BILATERAL_INGUINAL_HERNIA in terminology.concepts_for(ICD, "K4011")
    assert BILATERAL_INGUINAL_HERNIA not in terminology.concepts_for(ICD, "K40.90")
    assert "icd10cm:K40" in terminology.concepts_for(ICD, "K40.20")  # the title above


CHL_RIGHT = condition(
    "Conductive hearing loss, right ear",
    (ICD, "H90.12", "Conductive hearing loss, unilateral, left ear, with unrestricted hearing"),
)
SNHL = condition("SNHL", (ICD, "H90.3", "Sensorineural hearing loss, bilateral"))
CHL_BY_NAME = condition("Conductive hearing loss", (SNOMED, "44057004", "Conductive deafness"))
HEARING_LOSS = condition("Hearing loss", (SNOMED, "15188001", "Hearing loss (disorder)"))
HTN = condition("Hypertension", (ICD, "I10", "Essential (primary) hypertension"))


@pytest.mark.parametrize(
    ("resources", "result"),
    [
        ((CHL_RIGHT,), "met"),  # a code of the set
        ((CHL_BY_NAME,), "met"),  # no ICD-10-CM code: the record names the head
        ((SNHL,), "not-met"),  # another hearing loss of the same category
        ((HEARING_LOSS,), "unknown"),  # hearing loss, not said which
        ((HTN,), "not-met"),
        ((), "unknown"),
    ],
)
def test_conductive_hearing_loss_against_records(resources: tuple[dict, ...], result) -> None:
    criterion = compile_criterion("Conductive hearing loss", exclusion=False)
    assert criterion is not None
    assert result_of(criterion, record(patient(), *resources)) == result


def test_a_pituitary_disorder_is_any_code_of_the_set() -> None:
    criterion = compile_criterion("Pituitary disorder", exclusion=True)
    assert criterion is not None
    prolactinoma = condition("Hyperprolactinemia", (ICD, "E22.1", "Hyperprolactinemia"))
    insipidus = condition("DI", (ICD, "E23.2", "Diabetes insipidus"))
    assert result_of(criterion, record(patient(), prolactinoma)) == "met"
    assert result_of(criterion, record(patient(), insipidus)) == "met"
    assert result_of(criterion, record(patient(), HTN)) == "not-met"


def test_a_set_concept_survives_the_evidence_variable_round_trip() -> None:
    study = {
        "protocolSection": {
            "identificationModule": {"nctId": "NCT00000042", "briefTitle": "Hernia repair"},
            "eligibilityModule": {
                "eligibilityCriteria": "Inclusion Criteria:\n- Adults\n\n"
                "Exclusion Criteria:\n- Bilateral inguinal hernia\n"
            },
        }
    }
    resource = build_evidence_variable(
        study, evidence_variable_id="nct00000042", study_reference="ResearchStudy/NCT00000042"
    )
    written = json.dumps(resource)
    assert BILATERAL_INGUINAL_HERNIA in written
    assert all(f'"code": "{code}"' in written for code in ("K40.0", "K40.1", "K40.2"))
    read = [r.criterion for r in read_evidence_variable(resource) if r.criterion is not None]
    assert any(c.kind is Kind.CONDITION and c.concept == BILATERAL_INGUINAL_HERNIA for c in read)


def test_organ_adjectives_are_those_icd10cm_uses() -> None:
    words = {
        word.strip(",()[]").lower()
        for code in release.get_all_codes(with_dots=False)
        for word in release.get_description(code).split()
    }
    assert set(terminology.ORGAN_ADJECTIVES.values()) <= words
