"""A Condition's end and start as EHRs write them besides a dateTime (issue 13, red team).

R4 allows ``abatement[x]`` and ``onset[x]`` as a string, a boolean (abatement only), an Age or a
Range. Cerner encounter diagnoses carry no clinicalStatus, and some exports write the end of a
problem as ``abatementString: "2019"`` or ``abatementBoolean: true``. The reader ignored those
forms: a cancer resolved in 2019 with no clinicalStatus was "status not recorded", taken as
current, and met "Patients who have active cancer" — a wrong `ineligible`. R4's invariant con-4
says an abated condition is inactive, resolved or in remission: the reader now reads it so.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from fhirtrial.eligibility.compiler import compile_criterion
from fhirtrial.patient.readers import string_date
from fhirtrial.patient.values import parse_fhir_date
from tests.eligibility.ehr_records import ICD, patient, record, result_of

ACTIVE_CANCER = "Patients who have active cancer"  # NCT03861689
ACTIVE_HBV = "active hepatitis B"  # NCT03932669
MI_6_MONTHS = "Myocardial infarction within 6 months"  # NCT03868384


def _encounter_diagnosis(text: str, code: str, **dates: Any) -> dict[str, Any]:
    """A Cerner-style encounter diagnosis: category encounter-diagnosis, no clinicalStatus."""
    return {
        "resourceType": "Condition",
        "id": f"dx-{code}",
        "subject": {"reference": "Patient/p1"},
        "category": [
            {
                "coding": [
                    {
                        "system": "http://terminology.hl7.org/CodeSystem/condition-category",
                        "code": "encounter-diagnosis",
                    }
                ]
            }
        ],
        "code": {"coding": [{"system": ICD, "code": code, "display": text}], "text": text},
        **dates,
    }


BREAST = ("Malignant neoplasm of unspecified site of right female breast", "C50.911")
HBV = ("Chronic viral hepatitis B without delta-agent", "B18.1")
MI = ("Acute ST elevation (STEMI) myocardial infarction of unspecified site", "I21.3")


def _result(text: str, resource: dict[str, Any]) -> str:
    criterion = compile_criterion(text, exclusion=True)
    assert criterion is not None, text
    return result_of(criterion, record(patient(), resource))


@pytest.mark.parametrize(
    ("text", "diagnosis", "dates", "expected"),
    [
        # Abated, however written: not current.
        (
            ACTIVE_CANCER,
            BREAST,
            {"onsetDateTime": "2017-03-01", "abatementString": "2019"},
            "not-met",
        ),
        (
            ACTIVE_CANCER,
            BREAST,
            {"onsetDateTime": "2017-03-01", "abatementBoolean": True},
            "not-met",
        ),
        (ACTIVE_CANCER, BREAST, {"abatementString": "in remission since 03/2020"}, "not-met"),
        (ACTIVE_CANCER, BREAST, {"abatementString": "after mastectomy"}, "not-met"),
        (ACTIVE_HBV, HBV, {"onsetDateTime": "2010-01-01", "abatementBoolean": True}, "not-met"),
        (ACTIVE_HBV, HBV, {"abatementAge": {"value": 50, "unit": "yr", "code": "a"}}, "not-met"),
        # Not abated: a recent encounter diagnosis without a status is current.
        (ACTIVE_CANCER, BREAST, {"onsetDateTime": "2026-10-01", "abatementBoolean": False}, "met"),
        (ACTIVE_CANCER, BREAST, {"onsetDateTime": "2026-10-01"}, "met"),
        # An abatement written for a day after the evaluation has not happened yet.
        (ACTIVE_CANCER, BREAST, {"onsetDateTime": "2026-10-01", "abatementString": "2031"}, "met"),
        # An old one says the cancer was there at that visit: whether it still is, unknown.
        (ACTIVE_CANCER, BREAST, {"onsetDateTime": "2017-03-01"}, "unknown"),
        # An onset written as a string places the event (a year only: unknown within it).
        (MI_6_MONTHS, MI, {"onsetString": "2018"}, "not-met"),
        (MI_6_MONTHS, MI, {"onsetString": "10/2026"}, "met"),
        (MI_6_MONTHS, MI, {"onsetString": "2026"}, "unknown"),
        (MI_6_MONTHS, MI, {"onsetString": "in her forties"}, "unknown"),
    ],
)
def test_an_end_or_start_written_otherwise_than_as_a_datetime(
    text: str, diagnosis: tuple[str, str], dates: dict[str, Any], expected: str
) -> None:
    assert _result(text, _encounter_diagnosis(*diagnosis, **dates)) == expected


def test_the_reader_says_it_read_a_missing_status_as_inactive() -> None:
    resource = _encounter_diagnosis(*BREAST, abatementBoolean=True)
    read = record(patient(), resource)
    assert read.conditions[0].clinical_status == "inactive"
    assert any("read as inactive" in issue.message for issue in read.warnings)


def test_a_recorded_status_is_kept_whatever_the_abatement_says() -> None:
    resource = _encounter_diagnosis(*BREAST, abatementString="2019") | {
        "clinicalStatus": {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/condition-clinical",
                    "code": "remission",
                }
            ]
        }
    }
    assert record(patient(), resource).conditions[0].clinical_status == "remission"


@pytest.mark.parametrize(
    ("written", "first", "last"),
    [
        ("2019", date(2019, 1, 1), date(2019, 12, 31)),
        ("2019-06", date(2019, 6, 1), date(2019, 6, 30)),
        ("2019-06-12", date(2019, 6, 12), date(2019, 6, 12)),
        ("06/2019", date(2019, 6, 1), date(2019, 6, 30)),
        ("6/12/2019", date(2019, 6, 12), date(2019, 6, 12)),
        ("resolved in 2019", date(2019, 1, 1), date(2019, 12, 31)),
        ("between 2018 and 2019", None, None),
        ("childhood", None, None),
        ("13/2019", date(2019, 1, 1), date(2019, 12, 31)),
    ],
)
def test_the_day_a_written_date_stands_for(
    written: str, first: date | None, last: date | None
) -> None:
    assert string_date(written) == first
    assert string_date(written, end=True) == last


def test_a_month_past_december_is_no_date_at_either_end() -> None:
    assert parse_fhir_date("2019-13") is None
    assert parse_fhir_date("2019-13", end=True) is None
