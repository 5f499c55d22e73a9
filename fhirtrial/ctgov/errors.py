"""Errors raised while fetching or reading ClinicalTrials.gov study JSON."""

from fhirtrial.ctgov.origin import SourceOrigin


class CtGovError(Exception):
    """Base class of every error of this package."""


class StudyNotFound(CtGovError):
    """ClinicalTrials.gov answered 404 for this NCT number."""

    def __init__(self, nct_id: str) -> None:
        super().__init__(f"{nct_id} was not found on ClinicalTrials.gov")
        self.nct_id = nct_id


class CtGovResponseError(CtGovError):
    """The API answered, but not with what we asked for (a 4xx, non-JSON, not study JSON)."""

    def __init__(self, message: str, *, url: str, status_code: int | None = None) -> None:
        super().__init__(f"{message} ({url})")
        self.url = url
        self.status_code = status_code


class CtGovUnavailable(CtGovError):
    """The API could not be reached or kept failing after all retries."""

    def __init__(self, message: str, *, url: str, attempts: int) -> None:
        super().__init__(f"{message} ({url}, {attempts} attempt{'s' if attempts != 1 else ''})")
        self.url = url
        self.attempts = attempts


class StudySourceError(CtGovError):
    """A file, or a line of one, that does not hold a ClinicalTrials.gov study."""

    def __init__(self, message: str, *, origin: SourceOrigin) -> None:
        super().__init__(f"{origin}: {message}")
        self.origin = origin
        self.reason = message
