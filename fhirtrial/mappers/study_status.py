"""Status elements: ResearchStudy.status / progressStatus and the protocol's publication status.

R5 splits a study's state in two: `ResearchStudy.status` is the publication status of the record
(draft | active | retired | unknown), while where the study stands (recruiting, completed, ...)
and its dated milestones go to `progressStatus`.
"""

from __future__ import annotations

from typing import Any

from fhirtrial.mappers.codes import (
    CLOSED_STATUSES,
    MILESTONE,
    OPEN_STATUSES,
    OVERALL_STATUS,
    OVERALL_STUDY_STATE,
    PAUSED_STATUSES,
)
from fhirtrial.mappers.context import MappingContext
from fhirtrial.mappers.record import dig, section, text

_MILESTONE_DATES = (
    ("study-start", "startDateStruct"),
    ("primary-completion", "primaryCompletionDateStruct"),
    ("study-completion", "completionDateStruct"),
    ("study-first-posted", "studyFirstPostDateStruct"),
    ("results-first-posted", "resultsFirstPostDateStruct"),
    ("last-update-posted", "lastUpdatePostDateStruct"),
)


def overall_status(study: dict[str, Any]) -> str | None:
    return text(section(study, "statusModule").get("overallStatus"))


def research_study_status(study: dict[str, Any]) -> str:
    """The record is published on CT.gov and current, whatever stage the study is at."""
    return "unknown" if overall_status(study) == "WITHHELD" else "active"


def protocol_status(study: dict[str, Any]) -> str:
    """PlanDefinition.status: the protocol is in use while the study runs, retired after."""
    status = overall_status(study)
    if status in OPEN_STATUSES or status in PAUSED_STATUSES:
        return "active"
    if status in CLOSED_STATUSES:
        return "retired"
    return "unknown"


def _date_actual(date_struct: object) -> bool | None:
    date_type = dig(date_struct, "type")
    if date_type == "ACTUAL":
        return True
    if date_type == "ESTIMATED":
        return False
    return None


def _date(date_struct: object) -> str | None:
    return text(dig(date_struct, "date"))


def _current_state(study: dict[str, Any], ctx: MappingContext) -> dict[str, Any] | None:
    status = overall_status(study)
    if status is None:
        return None
    return {"state": OVERALL_STATUS.concept(status, ctx)}


def _overall_study_period(status_module: dict[str, Any]) -> dict[str, Any] | None:
    start_struct = status_module.get("startDateStruct")
    end_struct = status_module.get("completionDateStruct")
    period = {
        key: value
        for key, value in (("start", _date(start_struct)), ("end", _date(end_struct)))
        if value
    }
    if not period:
        return None
    entry: dict[str, Any] = {"state": {"coding": [OVERALL_STUDY_STATE], "text": "Overall study"}}
    flags = [
        _date_actual(struct)
        for struct, present in ((start_struct, "start"), (end_struct, "end"))
        if present in period
    ]
    if None not in flags:
        entry["actual"] = all(flags)
    entry["period"] = period
    return entry


def _milestones(status_module: dict[str, Any]) -> list[dict[str, Any]]:
    entries = []
    for code, key in _MILESTONE_DATES:
        struct = status_module.get(key)
        date = _date(struct)
        if date is None:
            continue
        entry: dict[str, Any] = {
            "state": {"coding": [MILESTONE.own_coding(code)], "text": MILESTONE.displays[code]}
        }
        actual = _date_actual(struct)
        if actual is not None:
            entry["actual"] = actual
        entry["period"] = {"start": date, "end": date}
        entries.append(entry)
    return entries


def progress_status(study: dict[str, Any], ctx: MappingContext) -> list[dict[str, Any]]:
    """Current state first, then the overall-study period, then each dated milestone."""
    status_module = section(study, "statusModule")
    entries = [_current_state(study, ctx), _overall_study_period(status_module)]
    return [entry for entry in entries if entry] + _milestones(status_module)


def last_known_status(study: dict[str, Any], ctx: MappingContext) -> dict[str, Any] | None:
    """For UNKNOWN studies CT.gov keeps the status last reported before verification lapsed."""
    value = text(section(study, "statusModule").get("lastKnownStatus"))
    if value is None:
        return None
    concept = OVERALL_STATUS.concept(value, ctx)
    # A classifier, not a progressStatus, so that searches by status do not match it.
    return {"text": f"Last known status: {concept['text']}"}
