"""`GET /cds-services`: the one service this server offers and the data it asks the EHR for.

The prefetch templates are the record the matcher reads. Observations are not narrowed by
category: an oncology trial's criteria read laboratory values (blood counts, creatinine,
biomarkers), vital signs (weight, blood pressure), survey instruments (ECOG, Karnofsky) and
staging and tumour observations that EHRs file under several categories or none. `_count` keeps
each search to one page an EHR can send (prefetch has no next-page links), newest first for
Observations so that the latest values are those kept.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

SERVICE_ID = "trial-matches"
HOOK = "patient-view"
PATIENT_TOKEN = "{{context.patientId}}"

PREFETCH: dict[str, str] = {
    "patient": f"Patient/{PATIENT_TOKEN}",
    "conditions": f"Condition?patient={PATIENT_TOKEN}&_count=500",
    "observations": f"Observation?patient={PATIENT_TOKEN}&_sort=-date&_count=1000",
    "medicationRequests": f"MedicationRequest?patient={PATIENT_TOKEN}&_count=500",
    "procedures": f"Procedure?patient={PATIENT_TOKEN}&_count=500",
}

SERVICE: dict[str, Any] = {
    "hook": HOOK,
    "id": SERVICE_ID,
    "title": "Clinical trial matches",
    "description": (
        "Matches the patient's conditions, observations, medications and procedures against "
        "the eligibility criteria of the server's trial catalog and shows how many open trials "
        "may fit, with a link to review them."
    ),
    "prefetch": PREFETCH,
}


def filled(template: str, patient_id: str) -> str:
    """A prefetch template with the patient's id in it: the relative FHIR URL it asks for."""
    return template.replace(PATIENT_TOKEN, patient_id)


async def services(request: Request) -> Response:
    return JSONResponse({"services": [SERVICE]})
