"""What a `$match` caller asks for: the patient Bundle and the search options.

The body is either the patient Bundle itself or a Parameters resource (names follow the CodeX
trial-matching draft where it has one: zipCode, travelRadius, phase, recruitmentStatus). The
operation's definition (conformance/OperationDefinition-ResearchStudy-match.json) says which
parameters there are, how often each may appear and which value types it takes; the readers
here say what each value means.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from fhirtrial.errors import BadRequest
from fhirtrial.matching.study_facets import UnknownValue, parse_phases, parse_statuses
from fhirtrial.patient.values import parse_fhir_date
from fhirtrial.resources.parameters import Argument, Reader, operation_parameters

MATCH_DEFINITION = "https://fhirtrial.org/fhir/OperationDefinition/ResearchStudy-match"
MAX_COUNT = 1000
DEFAULT_COUNT = 20
_KM_PER_MILE = 1.609344


@dataclass(frozen=True)
class ConditionFilter:
    text: str | None = None
    system: str | None = None
    code: str | None = None


@dataclass(frozen=True)
class MatchRequest:
    bundle: dict[str, Any]
    as_of: date | None = None
    zip_code: str | None = None
    travel_radius: float | None = None
    """Miles."""
    phases: frozenset[str] = frozenset()
    statuses: frozenset[str] | None = None
    """CT.gov overallStatus values; None: the default open statuses (DEFAULT_STATUSES)."""
    conditions: tuple[ConditionFilter, ...] = ()
    studies: tuple[str, ...] = ()
    count: int = DEFAULT_COUNT
    include_ineligible: bool = False
    persist: bool = False
    bundle_path: str = "Bundle"


def match_request(body: dict[str, Any]) -> MatchRequest:
    """The request in a `$match` body; BadRequest names any unknown or malformed parameter."""
    kind = body.get("resourceType")
    if kind == "Bundle":
        return _codex_bundle(body)
    if kind != "Parameters":
        raise BadRequest(
            f"$match expects the patient's Bundle or a Parameters resource, not {kind!r}"
        )
    values = operation_parameters(MATCH_DEFINITION).read(body, _READERS)
    ((bundle, bundle_path),) = values["patient"]

    def one(name: str, default: Any = None) -> Any:
        return values[name][0] if name in values else default

    def many(name: str) -> list[Any]:
        return values.get(name, [])

    try:
        phases = parse_phases(v for group in many("phase") for v in group)
        statuses = (
            parse_statuses(v for group in many("recruitmentStatus") for v in group)
            if "recruitmentStatus" in values
            else None
        )
    except UnknownValue as error:
        raise BadRequest(str(error)) from None
    return MatchRequest(
        bundle=bundle,
        as_of=one("asOf"),
        zip_code=one("zipCode"),
        travel_radius=one("travelRadius"),
        phases=phases,
        statuses=statuses,
        conditions=tuple(many("condition")),
        studies=tuple(many("study")),
        count=one("count", DEFAULT_COUNT),
        include_ineligible=one("includeIneligible", False),
        persist=one("persist", False),
        bundle_path=bundle_path,
    )


# What CodeX clients (mcode/clinical-trial-matching-service) put in a Parameters entry of the
# patient's Bundle instead of sending a Parameters body.
CODEX_BUNDLE_OPTIONS = frozenset({"zipCode", "travelRadius", "phase", "recruitmentStatus"})


def _codex_bundle(bundle: dict[str, Any]) -> MatchRequest:
    """A Bundle body: the patient's record, with the search options of its Parameters entries
    read like those of a Parameters body (the record reader skips those entries)."""
    entries = bundle.get("entry")
    options = [
        entry["resource"]
        for entry in (entries if isinstance(entries, list) else [])
        if isinstance(entry, dict)
        and isinstance(entry.get("resource"), dict)
        and entry["resource"].get("resourceType") == "Parameters"
    ]
    if not options:
        return MatchRequest(bundle=bundle)
    parameters = []
    for resource in options:
        listed = resource.get("parameter", [])
        if not isinstance(listed, list) or not all(isinstance(p, dict) for p in listed):
            raise BadRequest("Bundle: a Parameters entry must hold a list of parameters")
        parameters += listed
    unknown = sorted({str(p.get("name")) for p in parameters} - CODEX_BUNDLE_OPTIONS)
    if unknown:
        raise BadRequest(
            f"Bundle: a Parameters entry may hold {', '.join(sorted(CODEX_BUNDLE_OPTIONS))}, "
            f"not {', '.join(unknown)}"
        )
    body = {
        "resourceType": "Parameters",
        "parameter": [{"name": "patient", "resource": bundle}, *parameters],
    }
    return replace(match_request(body), bundle_path="Bundle")


def _patient(argument: Argument) -> tuple[dict[str, Any], str]:
    return argument.value, f"{argument.where}.resource"


AS_OF_RANGE = (date(1900, 1, 1), date(2999, 12, 31))


def _as_of(argument: Argument) -> date:
    value = argument.value
    day = parse_fhir_date(value) if isinstance(value, str) else None
    if day is None or len(value) < 10:
        raise BadRequest(f"{argument.label}: {value!r} is not a full date (YYYY-MM-DD)")
    if not AS_OF_RANGE[0] <= day <= AS_OF_RANGE[1]:
        # The evaluation adds and subtracts durations: near year 1 or 9999 they leave the calendar.
        first, last = (d.isoformat() for d in AS_OF_RANGE)
        raise BadRequest(f"{argument.label}: asOf must fall between {first} and {last}")
    return day


def _zip_code(argument: Argument) -> str:
    value = argument.value
    if not isinstance(value, str) or not value.strip():
        raise BadRequest(f"{argument.label}: zipCode needs a value")
    return value.strip()


def _radius(argument: Argument) -> float:
    where, value = argument.label, argument.value
    unit = "[mi_i]"
    if argument.element == "valueQuantity":
        unit = value.get("code") or value.get("unit") or "[mi_i]"
        value = value.get("value")
    try:
        miles = float(value)
    except (TypeError, ValueError):
        raise BadRequest(f"{where}: {value!r} is not a number of miles") from None
    if unit == "km":
        miles /= _KM_PER_MILE
    elif unit not in ("[mi_i]", "mi", "[mi_us]"):
        raise BadRequest(f"{where}: travelRadius unit must be miles ([mi_i]) or km")
    if not miles > 0:
        raise BadRequest(f"{where}: travelRadius must be positive")
    return miles


def _count(argument: Argument) -> int:
    value = argument.value
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise BadRequest(f"{argument.label}: count must be a positive integer")
    return min(value, MAX_COUNT)


def _boolean(argument: Argument) -> bool:
    if not isinstance(argument.value, bool):
        raise BadRequest(f"{argument.label}: expected true or false")
    return argument.value


def _codes(argument: Argument) -> list[str]:
    value = argument.value
    if argument.element == "valueCoding":
        value = value.get("code")
    if not isinstance(value, str) or not value.strip():
        raise BadRequest(f"{argument.label}: expected a code")
    return [part for part in value.split(",") if part.strip()]


def _condition(argument: Argument) -> ConditionFilter:
    kind, value = argument.element, argument.value
    if kind == "valueString" and isinstance(value, str) and value.strip():
        return ConditionFilter(text=value.strip())
    if kind == "valueCodeableConcept":
        codings = value.get("coding") or []
        if codings and isinstance(codings[0], dict):
            value = codings[0]
        elif isinstance(value.get("text"), str):
            return ConditionFilter(text=value["text"])
    if isinstance(value, dict) and isinstance(value.get("code"), str):
        return ConditionFilter(system=value.get("system"), code=value["code"])
    raise BadRequest(f"{argument.label}: condition needs text or a coding with a code")


def _study(argument: Argument) -> str:
    where, value = argument.label, argument.value
    if argument.element == "valueReference":
        value = value.get("reference")
    if not isinstance(value, str) or not value.strip():
        raise BadRequest(f"{where}: study needs a ResearchStudy reference")
    value = value.strip()
    if "/" in value:
        parts = value.rstrip("/").split("/")
        if len(parts) < 2 or parts[-2] != "ResearchStudy":
            raise BadRequest(f"{where}: {value!r} is not a ResearchStudy reference")
        value = parts[-1]
    return value


_READERS: dict[str, Reader] = {
    "patient": _patient,
    "asOf": _as_of,
    "zipCode": _zip_code,
    "travelRadius": _radius,
    "count": _count,
    "includeIneligible": _boolean,
    "persist": _boolean,
    "phase": _codes,
    "recruitmentStatus": _codes,
    "condition": _condition,
    "study": _study,
}
