"""Stable resource ids and canonical URLs derived from the NCT number and source values.

The same CT.gov record always maps to the same ids, so a re-import updates rather than duplicates.
Organizations are keyed by name only, so one sponsor is one resource across all studies.
"""

from __future__ import annotations

import hashlib
import re
from typing import TypeGuard

from fhirtrial.mappers.codes import FHIRTRIAL_BASE

NCT_ID_PATTERN = re.compile(r"NCT\d{8}")


def is_nct_id(value: object) -> TypeGuard[str]:
    return isinstance(value, str) and NCT_ID_PATTERN.fullmatch(value) is not None


def research_study_id(nct_id: str) -> str:
    return nct_id


def plan_definition_id(nct_id: str) -> str:
    return f"{nct_id}-protocol"


def evidence_variable_id(nct_id: str) -> str:
    return f"{nct_id}-eligibility"


def _sha1_hex(value: str) -> str:
    return hashlib.sha1(value.encode("utf-8")).hexdigest()


def location_id(
    nct_id: str, facility: str | None, city: str | None, zip_code: str | None, country: str | None
) -> str:
    key = "|".join(part or "" for part in (facility, city, zip_code, country))
    return f"{nct_id}-site-{_sha1_hex(key)[:10]}"


def normalized_organization_name(name: str) -> str:
    return " ".join(name.split()).casefold()


def organization_id(name: str) -> str:
    return f"org-{_sha1_hex(normalized_organization_name(name))[:16]}"


def canonical_url(resource_type: str, resource_id: str) -> str:
    return f"{FHIRTRIAL_BASE}/{resource_type}/{resource_id}"


def reference(resource_type: str, resource_id: str) -> str:
    return f"{resource_type}/{resource_id}"


def ctgov_study_page(nct_id: str) -> str:
    return f"https://clinicaltrials.gov/study/{nct_id}"


def ctgov_api_record(nct_id: str) -> str:
    return f"https://clinicaltrials.gov/api/v2/studies/{nct_id}"
