"""A pregnancy the record shows has ended is no current pregnancy.

An EHR keeps the evidence of a pregnancy after it ends: the positive hCG of early November, the
"Pregnant" answer of the booking visit, the problem-list entry nobody closes. When the record
also documents the end — a delivery (O80, Z37.0, a cesarean), a miscarriage or other abortive
outcome (O00–O08), the pregnancy entry resolved — the earlier evidence says nothing of now: an
exclusion "Pregnancy" must not rule the woman out for it. And a negative test newer than a
pregnancy entry leaves the question open rather than answering "pregnant".
"""

from __future__ import annotations

from typing import Any

import pytest

from fhirtrial.eligibility.rules import compile_text
from tests.eligibility.ehr_records import (
    ICD,
    LOINC,
    NEGATIVE_HCG,
    condition,
    criteria_text,
    observation,
    patient,
    procedure,
    record,
    result_of,
    verdict_of_study,
)

_HTN = condition("Essential hypertension", (ICD, "I10", "Essential (primary) hypertension"))
_POSITIVE_HCG = observation(
    (LOINC, "2106-3", "Choriogonadotropin (pregnancy test) [Presence] in Urine"),
    "2026-11-10",
    valueCodeableConcept={"text": "Positive"},
)
_STATUS_PREGNANT = observation(
    (LOINC, "82810-3", "Pregnancy status"),
    "2026-11-10",
    valueCodeableConcept={
        "coding": [{"system": LOINC, "code": "LA15173-0", "display": "Pregnant"}]
    },
)


def _miscarriage() -> dict[str, Any]:
    return condition(
        "Complete spontaneous abortion",
        (ICD, "O03.9", "Complete or unspecified spontaneous abortion without complication"),
        status="resolved",
        onset="2026-11-20",
        abated="2026-11-21",
    )


def _delivery() -> dict[str, Any]:
    return condition("Single live birth", (ICD, "Z37.0", "Single live birth"), onset="2026-11-25")


def _pregnancy_closed() -> dict[str, Any]:
    return condition(
        "Pregnancy",
        (ICD, "Z33.1", "Pregnant state, incidental"),
        status="resolved",
        onset="2026-03-01",
        abated="2026-11-25",
    )


def _cesarean() -> dict[str, Any]:
    return procedure("Low transverse cesarean section", "2026-11-25")


@pytest.mark.parametrize(
    ("evidence", "end"),
    [
        (_POSITIVE_HCG, _miscarriage),
        (_STATUS_PREGNANT, _delivery),
        (_STATUS_PREGNANT, _pregnancy_closed),
        (_POSITIVE_HCG, _cesarean),
    ],
)
def test_evidence_older_than_the_end_of_the_pregnancy_is_not_a_current_pregnancy(
    evidence: dict[str, Any], end: Any
) -> None:
    criterion = compile_text("Pregnancy", exclusion=True)
    assert criterion is not None
    assert result_of(criterion, record(patient(), _HTN, evidence, end())) == "not-met"


def test_the_woman_is_not_ruled_out_for_a_pregnancy_that_ended() -> None:
    text = criteria_text(["Age 18 to 75 years"], ["Pregnant or breastfeeding"])
    delivered = record(patient(), _HTN, _STATUS_PREGNANT, _delivery())
    assert verdict_of_study(text, delivered) == "potential-candidate"


def test_a_pregnancy_recorded_after_an_earlier_one_ended_is_current() -> None:
    criterion = compile_text("Pregnancy", exclusion=True)
    assert criterion is not None
    again = condition("Pregnant", (ICD, "Z33.1", "Pregnant state, incidental"), onset="2026-11-28")
    end = condition(
        "Missed abortion",
        (ICD, "O02.1", "Missed abortion"),
        status="resolved",
        onset="2026-02-02",
        abated="2026-02-10",
    )
    assert result_of(criterion, record(patient(), _HTN, end, again)) == "met"


def test_a_negative_test_newer_than_a_pregnancy_entry_leaves_it_open() -> None:
    criterion = compile_text("Pregnancy", exclusion=True)
    assert criterion is not None
    entry = condition("Pregnant", (ICD, "Z33.1", "Pregnant state, incidental"), onset="2026-09-01")
    assert result_of(criterion, record(patient(), _HTN, entry, NEGATIVE_HCG)) == "unknown"


def test_a_previous_cesarean_noted_during_this_pregnancy_does_not_end_it() -> None:
    criterion = compile_text("Pregnancy", exclusion=True)
    assert criterion is not None
    scar = condition(
        "Pregnancy with history of cesarean section",
        (ICD, "O34.211", "Maternal care for low transverse scar from previous cesarean delivery"),
        onset="2026-04-08",
    )
    pregnant = condition(
        "Pregnant", (ICD, "Z33.1", "Pregnant state, incidental"), onset="2026-03-01"
    )
    assert result_of(criterion, record(patient(), _HTN, pregnant, scar)) == "met"


def test_each_pregnancy_criterion_of_a_record_finds_the_same_end_reading_it_once(monkeypatch):
    """Every pregnancy criterion of a `$match` asks when the last pregnancy ended; the record's
    outcomes and procedures are read once for them all (a Synthea record holds hundreds of
    procedures), and each criterion still finds the end: here a cesarean after the positive
    test."""
    from fhirtrial.eligibility.evaluation import pregnancy_end

    reads: list[str] = []
    real = pregnancy_end._ends_pregnancy

    def counted(procedure):  # type: ignore[no-untyped-def]
        reads.append(procedure.ref)
        return real(procedure)

    monkeypatch.setattr(pregnancy_end, "_ends_pregnancy", counted)
    person = record(patient(), _POSITIVE_HCG, _cesarean(), *(_cesarean() for _ in range(3)))
    results = [
        result_of(compile_text(text), person, excluding=True)
        for text in ("Pregnancy", "Pregnant women", "Currently pregnant")
    ]
    assert results == ["not-met"] * 3
    assert len(reads) == 4  # each procedure once, not once per criterion
