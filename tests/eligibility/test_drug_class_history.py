"""Prior-therapy requirements by drug class (issue 12): "prior therapy with an anthracycline and a
taxane in an adjuvant setting", "progressed on a CDK4/6 inhibitor".

A class requirement is decided from the medication history: not met when the record lists
medications but none of the class (docetaxel + cyclophosphamide has no anthracycline); met or
unknown when a member drug (by RxNorm code, ATC class or name) was given; unknown when the record
has no medications at all.
"""

from __future__ import annotations

import pytest

from fhirtrial.eligibility.evaluation.context import DEFAULT_POLICY, EvalContext
from fhirtrial.eligibility.evaluation.evaluator import evaluate_criterion
from fhirtrial.eligibility.evaluation.facts import facts_for
from fhirtrial.eligibility.rules import compile_text
from tests.eligibility.ehr_records import medication, patient, record

ADJUVANT_AC_T = "Prior therapy with an anthracycline and a taxane in an adjuvant setting."


def _verdict(text: str, *resources: dict) -> str:
    criterion = compile_text(text, partial=True)
    assert criterion is not None
    rec = record(patient(), *resources)
    ctx = EvalContext(facts=facts_for(rec), as_of=rec.as_of, policy=DEFAULT_POLICY)
    return evaluate_criterion(criterion, ctx).result


def test_anthracycline_and_taxane_read_as_two_adjuvant_class_requirements():
    criterion = compile_text(ADJUVANT_AC_T)
    assert criterion is not None
    assert [(c.concept, c.qualifiers) for c in criterion.children] == [
        ("anthracycline", ("adjuvant",)),
        ("taxane", ("adjuvant",)),
    ]


def test_docetaxel_cyclophosphamide_history_fails_an_anthracycline_requirement():
    history = (
        medication("Docetaxel 20 MG/ML Injection", "2018-03-05", "2018-05-10"),
        medication("Cyclophosphamide 500 MG Injection", "2018-03-05", "2018-05-10"),
        medication("Atorvastatin 20 MG Oral Tablet", "2015-03-01", status="active"),
    )
    assert _verdict(ADJUVANT_AC_T, *history) == "not-met"


@pytest.mark.parametrize(
    "drugs",
    [
        ("DOXOrubicin 60 mg/m2 IV", "PACLitaxel 80 mg/m2 IV"),
        ("ADRIAMYCIN 50 mg", "TAXOTERE 75 mg/m2"),
        ("EPIrubicin 100 mg/m2 IV", "Paclitaxel protein-bound particles 100 MG Injection"),
    ],
)
def test_a_recorded_anthracycline_and_taxane_leave_only_the_setting_open(drugs):
    history = [medication(name, "2019-01-10", "2019-06-10") for name in drugs]
    # Both classes were given; whether it was adjuvant is not computable.
    assert _verdict(ADJUVANT_AC_T, *history) == "unknown"


def test_no_medication_history_leaves_a_class_requirement_unknown():
    assert _verdict(ADJUVANT_AC_T) == "unknown"


def test_cdk46_inhibitor_requirement_is_read_and_met_by_palbociclib():
    text = "Prior treatment with a CDK4/6 inhibitor"
    assert _verdict(text, medication("palbociclib 125 mg oral capsule", "2024-02-19")) == "met"
    assert _verdict(text, medication("letrozole 2.5 mg oral tablet", "2024-02-19")) == "not-met"
    assert _verdict(text, medication("IBRANCE 100 MG capsule", "2024-02-19")) == "met"
