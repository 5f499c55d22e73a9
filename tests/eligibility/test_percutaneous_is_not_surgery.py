"""A percutaneous procedure is not "surgery" by its words (`evaluation.procedures`).

An audit of the panel's verdicts found a patient with a recent PCI ("PCI with drug-eluting
stent, LAD", CPT 92928, whose title says "… with coronary angioplasty") ruled out by "Surgery
within six weeks": "angioplasty" matched the surgery pattern's "-plasty". Angioplasty,
vertebroplasty, kyphoplasty and transcatheter valves are done through a needle or a catheter;
some protocols count them as surgery, most do not. Such a procedure in the window leaves a
surgery criterion `unknown`, never `met`; an operation still decides.
"""

from __future__ import annotations

import pytest

from tests.eligibility.ehr_records import (
    SNOMED,
    criteria_text,
    patient,
    procedure,
    record,
    verdict_of_study,
)

CPT = "http://www.ama-assn.org/go/cpt"
PCI = procedure(
    "PCI with drug-eluting stent, LAD",
    "2026-11-10",
    (
        CPT,
        "92928",
        "Percutaneous transcatheter placement of intracoronary stent(s), with coronary "
        "angioplasty when performed; single major coronary artery or branch",
    ),
)
VERTEBROPLASTY = procedure("Percutaneous vertebroplasty, lumbar", "2026-10-20")
APPENDECTOMY = procedure(
    "Laparoscopic appendectomy", "2026-11-12", (SNOMED, "6025007", "Laparoscopic appendectomy")
)


@pytest.mark.parametrize(
    "bullet", ["Surgery within six weeks", "Any surgery during the last 3 months"]
)
def test_a_recent_percutaneous_procedure_leaves_a_surgery_exclusion_open(bullet: str) -> None:
    text = criteria_text(["Age 18 years or older"], [bullet])
    for done in (PCI, VERTEBROPLASTY):
        assert verdict_of_study(text, record(patient(), done)) == "potential-candidate"


def test_an_operation_in_the_window_still_rules_out() -> None:
    text = criteria_text(["Age 18 years or older"], ["Surgery within six weeks"])
    assert verdict_of_study(text, record(patient(), PCI, APPENDECTOMY)) == "ineligible"


def test_a_percutaneous_procedure_before_the_window_does_not_count() -> None:
    old_pci = procedure("PCI with drug-eluting stent, LAD", "2024-02-01")
    text = criteria_text(["Age 18 years or older"], ["Surgery within six weeks"])
    assert verdict_of_study(text, record(patient(), old_pci)) == "eligible"
