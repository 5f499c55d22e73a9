"""What counts as an NCT number and as a ClinicalTrials.gov API v2 study record."""

from __future__ import annotations

import re
from typing import Any

NCT_ID_PATTERN = re.compile(r"NCT\d{8}")


def normalize_nct_id(value: str) -> str:
    """Return the NCT number in canonical form ("nct01234567 " → "NCT01234567").

    Raises ValueError for anything that is not "NCT" followed by eight digits.
    """
    if not isinstance(value, str):
        raise ValueError(f"an NCT number must be a string, got {type(value).__name__}")
    candidate = value.strip().upper()
    if not NCT_ID_PATTERN.fullmatch(candidate):
        raise ValueError(f"{value!r} is not an NCT number (NCT followed by 8 digits)")
    return candidate


def study_problem(document: Any) -> str | None:
    """Say why `document` is not an API v2 study record, or return None when it is one."""
    if not isinstance(document, dict):
        return f"expected a study JSON object, got {_json_type(document)}"
    protocol = document.get("protocolSection")
    if not isinstance(protocol, dict):
        return "not a ClinicalTrials.gov study: no protocolSection object"
    identification = protocol.get("identificationModule")
    nct_id = identification.get("nctId") if isinstance(identification, dict) else None
    if nct_id is None:
        return "not a ClinicalTrials.gov study: no protocolSection.identificationModule.nctId"
    if not isinstance(nct_id, str) or not NCT_ID_PATTERN.fullmatch(nct_id):
        return f"nctId {nct_id!r} is not an NCT number"
    return None


def study_nct_id(study: dict[str, Any]) -> str:
    """The NCT number of a record that passed `study_problem`."""
    nct_id: str = study["protocolSection"]["identificationModule"]["nctId"]
    return nct_id


def _json_type(value: Any) -> str:
    names = {dict: "object", list: "array", str: "string", bool: "boolean", type(None): "null"}
    return names.get(type(value), "number")
