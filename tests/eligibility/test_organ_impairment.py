"""Impairment of the kidneys' or the liver's function named as a class ("renal impairment",
"renal dysfunction", "hepatic or renal dysfunction", "impaired liver function"): the compiled
form of real-style phrasings (and those that must stay text: a definition, a band of a measured
GFR, a treatment, organs joined by "and"), and what EHR-style records get — met on a diagnosis of
the core, unknown on one that may or may not be an impairment, not met on another kidney or liver
disease (rules/organ_impairment.py, terminology/diagnosis_groups.json).

How often the development texts write them (exclusions mostly): "renal impairment" 13, "renal
dysfunction" 7, "hepatic impairment" 7, "liver dysfunction" 4, "kidney dysfunction" 4, "hepatic
dysfunction" 4, "impaired renal / liver function" 3; "renal insufficiency" (18) is a group of its
own (tests/eligibility/test_renal_insufficiency.py)."""

from __future__ import annotations

import pytest

from fhirtrial.eligibility.model import Criterion, Kind
from fhirtrial.eligibility.rules import compile_text
from tests.eligibility.ehr_records import (
    ICD,
    condition,
    criteria_text,
    patient,
    record,
    result_of,
    verdict_of_study,
)
from tests.eligibility.signature import signature

_RENAL = "condition:renal-impairment"
_HEPATIC = "condition:hepatic-impairment"


def _form(text: str, exclusion: bool = True) -> str | None:
    compiled = compile_text(text, exclusion=exclusion, partial=True)
    return signature(compiled) if compiled is not None else None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("renal impairment.", _RENAL),
        ("Renal dysfunction", _RENAL),
        ("Kidney dysfunction", _RENAL),
        ("History of renal impairment", _RENAL),
        ("Known renal impairment", _RENAL),
        ("impaired renal function", _RENAL),
        ("Hepatic impairment", _HEPATIC),
        ("Patients with liver impairment", _HEPATIC),
        ("Liver dysfunction", _HEPATIC),
        ("Impaired liver function;", _HEPATIC),
        ("Patients with impaired liver functions.", _HEPATIC),
        ("Impaired renal or hepatic function", f"any-of({_RENAL}, {_HEPATIC})"),
        ("Patients with hepatic or renal dysfunction.", f"any-of({_HEPATIC}, {_RENAL})"),
        ("Severe renal or hepatic impairment", f"any-of({_RENAL}, {_HEPATIC})"),
        ("Renal / hepatic impairment", f"any-of({_RENAL}, {_HEPATIC})"),
        # "hepatic insufficiency" is hepatic failure, a hand-made concept
        ("Hepatic insufficiency", "condition:liver-failure"),
    ],
)
def test_an_impairment_named_as_a_class_compiles_to_its_group(text: str, expected: str) -> None:
    assert _form(text) == expected
    assert _form(text, exclusion=False) == expected


def test_the_judgement_before_the_name_is_its_qualifier() -> None:
    compiled = compile_text("Clinically significant renal impairment", exclusion=True)
    assert compiled is not None and compiled.concept == "renal-impairment"
    assert compiled.qualifiers == ("clinically-significant",)
    severe = compile_text("Severe hepatic impairment", exclusion=True)
    assert severe is not None and severe.qualifiers == ("severe",)


@pytest.mark.parametrize(
    "text",
    [
        # a definition by a measurement is what the study asks, not a diagnosis
        "Severe renal impairment defined as eGFR<30ml/m.",
        "Chronic renal insufficiency with Cr > 1.4 or GFR < 60",
        "Renal insufficiency stage 4 or 5, or autoimmune disease, or viral hepatitis",
        "Liver dysfunction, child pugh B or worse",
        "Hepatic impairment, Child-Pugh C, renal failure",
        "Renal impairment requiring dialysis",
        # bands of a measured GFR no problem list carries
        "Moderate to severe renal impairment",
        "Acute renal insufficiency",
        # "and" between organs: both, or either?
        "Hepatic and renal impairment",
        "Impaired renal and hepatic function",
        # a normal function is no diagnosis
        "Normal renal function",
    ],
)
def test_a_name_that_says_more_stays_text_in_an_inclusion(text: str) -> None:
    assert _form(text, exclusion=False) is None


@pytest.mark.parametrize(
    "text",
    [
        "Renal insufficiency (GFR < 30 ml/min/1.73m^2)",
        "Hepatic and renal impairment",
        # kidney failure to some readers, any reduced function to others: its own group
        "Renal insufficiency",
        "Patients with renal insufficiency",
        "History of renal or hepatic insufficiency",
    ],
)
def test_no_group_is_read_beside_a_definition_or_an_and(text: str) -> None:
    assert _RENAL not in (_form(text) or "")


def _dx(code: str, display: str) -> dict:
    return condition(display, (ICD, code, display))


@pytest.mark.parametrize(
    ("group", "core", "periphery", "outside"),
    [
        (
            "renal-impairment",
            ("N18.4", "Chronic kidney disease, stage 4 (severe)"),
            ("N18.2", "Chronic kidney disease, stage 2 (mild)"),  # GFR 60-89 may count
            ("N20.0", "Calculus of kidney"),
        ),
        (
            "renal-impairment",
            ("Z99.2", "Dependence on renal dialysis"),
            ("Z94.0", "Kidney transplant status"),
            ("N04.9", "Nephrotic syndrome with unspecified morphologic changes"),
        ),
        (
            "hepatic-impairment",
            ("K72.10", "Chronic hepatic failure without coma"),
            ("K74.60", "Unspecified cirrhosis of liver"),  # Child-Pugh class unrecorded
            ("N18.4", "Chronic kidney disease, stage 4 (severe)"),
        ),
        (
            "hepatic-impairment",
            ("K76.82", "Hepatic encephalopathy"),
            ("K76.0", "Fatty (change of) liver, not elsewhere classified"),
            ("K80.20", "Calculus of gallbladder without cholecystitis without obstruction"),
        ),
    ],
)
def test_a_record_meets_an_impairment_by_its_core_only(
    group: str, core: tuple[str, str], periphery: tuple[str, str], outside: tuple[str, str]
) -> None:
    criterion = Criterion(Kind.CONDITION, concept=group)
    assert result_of(criterion, record(patient(), _dx(*core))) == "met"
    assert result_of(criterion, record(patient(), _dx(*periphery))) == "unknown"
    assert result_of(criterion, record(patient(), _dx(*outside))) == "not-met"


_STUDY = criteria_text(
    ["Adults aged 18 to 80 years"], ["Patients with hepatic or renal dysfunction."]
)


@pytest.mark.parametrize(
    ("resources", "verdict"),
    [
        # end-stage renal disease on dialysis: excluded
        (
            [("N18.6", "End stage renal disease"), ("Z99.2", "Dependence on renal dialysis")],
            "ineligible",
        ),
        # CKD of unstated stage: may or may not be an impairment, never a wrong "ineligible"
        ([("N18.9", "Chronic kidney disease, unspecified")], "potential-candidate"),
        # compensated cirrhosis: its function is not recorded
        ([("K74.60", "Unspecified cirrhosis of liver")], "potential-candidate"),
        # a kidney stone and hypertension: no impairment of either organ
        (
            [("N20.0", "Calculus of kidney"), ("I10", "Essential (primary) hypertension")],
            "eligible",
        ),
    ],
)
def test_an_exclusion_of_organ_dysfunction_against_ehr_records(
    resources: list[tuple[str, str]], verdict: str
) -> None:
    person = record(patient(born="1970-05-01"), *(_dx(*r) for r in resources))
    assert verdict_of_study(_STUDY, person) == verdict


def test_a_required_impairment_is_not_failed_on_an_unstaged_kidney_disease() -> None:
    text = criteria_text(["Patients with renal impairment"], ["Pregnancy"])
    unstaged = record(patient(gender="male"), _dx("N18.9", "Chronic kidney disease, unspecified"))
    assert verdict_of_study(text, unstaged) == "potential-candidate"
    stage3 = record(
        patient(gender="male"), _dx("N18.30", "Chronic kidney disease, stage 3 unspecified")
    )
    assert verdict_of_study(text, stage3) == "eligible"
    stones = record(patient(gender="male"), _dx("N20.0", "Calculus of kidney"))
    assert verdict_of_study(text, stones) == "ineligible"
