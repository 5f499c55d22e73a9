"""A patient's Bundle without the resources that describe another patient.

`$match` refuses a Bundle mixing patients (400: the sender must say which record it means). A
person matching a file at the command line wants the file's patient matched anyway, told what
was left out: `keep_own_resources` gives that Bundle and the refusals to show as warnings.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from fhirtrial.patient.items import RecordIssue
from fhirtrial.patient.record import entry_ref, read_patient_bundle


def keep_own_resources(
    bundle: dict[str, Any], *, as_of: date | None = None
) -> tuple[dict[str, Any], tuple[RecordIssue, ...]]:
    """The Bundle without the entries its reader refuses as another patient's, and the refusals.

    Raises PatientRecordError when the Bundle is no one patient's record (no or several
    Patients, not a Bundle)."""
    refused = read_patient_bundle(bundle, as_of=as_of).errors
    if not refused:
        return bundle, ()
    left_out = {issue.ref for issue in refused}
    kept = [
        entry
        for position, entry in enumerate(bundle["entry"])
        if not _has_resource(entry) or entry_ref(entry, position) not in left_out
    ]
    return {**bundle, "entry": kept}, refused


def _has_resource(entry: Any) -> bool:
    return (
        isinstance(entry, dict)
        and isinstance(entry.get("resource"), dict)
        and isinstance(entry["resource"].get("resourceType"), str)
    )
