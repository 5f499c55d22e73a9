"""Imaging reports (radiology DiagnosticReports, imaging Observations with text) in R4 and R5."""

from __future__ import annotations

import base64
from datetime import date
from typing import Any

from fhirtrial.patient.record import PatientRecord, read_patient_bundle
from fhirtrial.patient.values import SNOMED
from tests.patient.patient_record_helpers import patient_bundle

AS_OF = date(2026, 12, 1)
V2_0074 = "http://terminology.hl7.org/CodeSystem/v2-0074"
RAD = {"coding": [{"system": V2_0074, "code": "RAD", "display": "Radiology"}]}
LAB = {"coding": [{"system": V2_0074, "code": "LAB", "display": "Laboratory"}]}


def report(report_id: str, **fields: Any) -> dict[str, Any]:
    resource = {
        "resourceType": "DiagnosticReport",
        "id": report_id,
        "status": "final",
        "category": [RAD],
        "code": {"text": "MRI BRAIN W WO CONTRAST"},
        "subject": {"reference": "Patient/p1"},
        "effectiveDateTime": "2026-10-02T15:10:00-05:00",
        "conclusion": "IMPRESSION: No evidence of intracranial metastatic disease.",
    }
    resource.update(fields)
    return resource


def read(*resources: dict[str, Any]) -> PatientRecord:
    return read_patient_bundle(patient_bundle(*resources), as_of=AS_OF)


def test_an_r4_radiology_report_is_read_with_its_date_status_and_conclusion() -> None:
    record = read(
        report(
            "mri",
            issued="2026-10-03T08:00:00Z",
            conclusionCode=[{"coding": [{"system": SNOMED, "code": "281900007"}]}],
        )
    )
    (item,) = record.imaging_reports
    assert item.ref == "DiagnosticReport/mri"
    assert item.source == "DiagnosticReport"
    assert item.date == date(2026, 10, 2)
    assert item.issued == date(2026, 10, 3)
    assert item.status == "final" and not item.is_preliminary
    assert item.code.label == "MRI BRAIN W WO CONTRAST"
    assert item.conclusion == "IMPRESSION: No evidence of intracranial metastatic disease."
    assert item.conclusion_codes[0].codes_in(SNOMED) == ("281900007",)
    assert not record.issues


def test_an_r5_report_reads_its_notes_and_presented_form() -> None:
    body = "FINDINGS: No enhancing lesion.\nIMPRESSION: No intracranial metastases."
    record = read(
        report(
            "r5",
            status="modified",
            conclusion=None,
            effectiveDateTime=None,
            effectivePeriod={"start": "2026-11-01T10:00:00Z", "end": "2026-11-01T10:40:00Z"},
            note=[{"text": "Addendum: compared with 2026-05-01."}],
            presentedForm=[
                {"contentType": "text/plain", "data": base64.b64encode(body.encode()).decode()},
                {"contentType": "application/pdf", "data": "JVBERi0xLjQK"},
            ],
            study=[{"reference": "ImagingStudy/x"}],
        )
    )
    (item,) = record.imaging_reports
    assert item.is_preliminary  # R5 "modified": changed before being final
    assert item.date == date(2026, 11, 1)
    assert item.conclusion is None
    assert item.text is not None
    assert "IMPRESSION: No intracranial metastases." in item.text
    assert "Addendum" in item.text


def test_entered_in_error_and_cancelled_reports_are_left_out_preliminary_kept() -> None:
    record = read(
        report("wrong", status="entered-in-error"),
        report("cancelled", status="cancelled"),
        report("prelim", status="preliminary"),
    )
    assert [r.ref for r in record.imaging_reports] == ["DiagnosticReport/prelim"]
    assert record.imaging_reports[0].is_preliminary


def test_laboratory_and_note_reports_are_not_imaging() -> None:
    notes = {"coding": [{"system": "http://loinc.org", "code": "34117-2"}]}
    record = read(
        report("cbc", category=[LAB], code={"text": "CBC panel"}),
        report("note", category=[notes], code={"text": "History and physical note"}),
        report("uncategorised", category=None, code={"text": "CT HEAD WO CONTRAST"}),
        report(
            "cpt",
            category=None,
            code={"coding": [{"system": "http://www.ama-assn.org/go/cpt", "code": "70553"}]},
        ),
        report("other", category=None, code={"text": "Sleep study"}),
    )
    assert {r.ref for r in record.imaging_reports} == {
        "DiagnosticReport/uncategorised",
        "DiagnosticReport/cpt",
    }
    assert record.resource_counts["DiagnosticReport"] == 5


def test_reports_are_newest_first_and_result_texts_are_read() -> None:
    impression = {
        "resourceType": "Observation",
        "id": "imp",
        "status": "final",
        "category": [
            {
                "coding": [
                    {
                        "system": "http://terminology.hl7.org/CodeSystem/observation-category",
                        "code": "imaging",
                    }
                ]
            }
        ],
        "code": {"text": "MRI brain impression"},
        "subject": {"reference": "Patient/p1"},
        "effectiveDateTime": "2026-11-20",
        "valueString": "Two new enhancing lesions consistent with metastases.",
    }
    loose = dict(impression, id="loose", effectiveDateTime="2026-11-25")
    record = read(
        report("old", effectiveDateTime="2026-01-05"),
        report(
            "new",
            effectiveDateTime="2026-11-20",
            conclusion=None,
            result=[{"reference": "Observation/imp"}],
        ),
        impression,
        loose,
    )
    refs = [r.ref for r in record.imaging_reports]
    # The impression Observation is the report's result: read once, inside the report.
    assert refs == ["Observation/loose", "DiagnosticReport/new", "DiagnosticReport/old"]
    assert record.imaging_reports[0].source == "Observation"
    assert record.imaging_reports[0].conclusion == impression["valueString"]
    assert record.imaging_reports[1].text == impression["valueString"]


def test_bad_report_input_never_crashes() -> None:
    record = read(
        report("a", status=7, code="MRI", category="RAD", conclusion=["x"]),
        report("b", effectiveDateTime="not a date", issued=3),
        report("c", presentedForm=[{"contentType": "text/plain", "data": "@@@not base64"}]),
        report("d", presentedForm="nope", note=[None, {"text": 4}], result=[{"reference": 5}]),
        report("e", subject={"reference": "Patient/someone-else"}),
        report("f", effectiveDateTime="2099-01-01"),
    )
    refs = {r.ref for r in record.imaging_reports}
    assert "DiagnosticReport/e" not in refs  # another patient's
    assert {"DiagnosticReport/b", "DiagnosticReport/c", "DiagnosticReport/d"} <= refs
    dated = {r.ref: r.date for r in record.imaging_reports}
    assert dated["DiagnosticReport/b"] is None
    assert dated["DiagnosticReport/f"] is None  # a future date is not a study date
    assert any(i.ref == "DiagnosticReport/b" for i in record.warnings)
    assert any(i.ref == "DiagnosticReport/e" for i in record.errors)
