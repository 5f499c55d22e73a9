"""ClinicalTrials.gov API v2: fetching study JSON over HTTP and reading it from files.

Knows nothing of FHIR or storage: it yields the API's own study records as dicts.
"""

from fhirtrial.ctgov.client import DEFAULT_BASE_URL, CtGovClient
from fhirtrial.ctgov.errors import (
    CtGovError,
    CtGovResponseError,
    CtGovUnavailable,
    StudyNotFound,
    StudySourceError,
)
from fhirtrial.ctgov.origin import SourceOrigin
from fhirtrial.ctgov.query import OVERALL_STATUSES, GeoDistance
from fhirtrial.ctgov.rate_limit import RateLimiter
from fhirtrial.ctgov.sources import SourceRecord, iter_source_records, iter_study_files
from fhirtrial.ctgov.study import normalize_nct_id, study_nct_id, study_problem

__all__ = [
    "DEFAULT_BASE_URL",
    "OVERALL_STATUSES",
    "CtGovClient",
    "CtGovError",
    "CtGovResponseError",
    "CtGovUnavailable",
    "GeoDistance",
    "RateLimiter",
    "SourceOrigin",
    "SourceRecord",
    "StudyNotFound",
    "StudySourceError",
    "iter_source_records",
    "iter_study_files",
    "normalize_nct_id",
    "study_nct_id",
    "study_problem",
]
