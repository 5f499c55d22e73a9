"""What a `$match` caller asks for: the patient Bundle and the search options.

The body is either the patient Bundle itself or a Parameters resource (names follow the CodeX
trial-matching draft where it has one: zipCode, travelRadius, phase, recruitmentStatus).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from fhirtrial.errors import BadRequest
from fhirtrial.matching.study_facets import UnknownValue, parse_phases, parse_statuses
from fhirtrial.patient.values import parse_fhir_date
from fhirtrial.resources.parameters import parameter_entries

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


_SINGLE = {
    "patient",
    "asOf",
    "zipCode",
    "travelRadius",
    "count",
    "includeIneligible",
    "persist",
}
_REPEATING = {"phase", "recruitmentStatus", "condition", "study"}


def match_request(body: dict[str, Any]) -> MatchRequest:
    """The request in a `$match` body; BadRequest names any unknown or malformed parameter."""
    kind = body.get("resourceType")
    if kind == "Bundle":
        return MatchRequest(bundle=body)
    if kind != "Parameters":
        raise BadRequest(
            f"$match expects the patient's Bundle or a Parameters resource, not {kind!r}"
        )
    seen: set[str] = set()
    values: dict[str, Any] = {}
    for where, parameter in parameter_entries(body):
        name = parameter.get("name")
        if not isinstance(name, str) or (name not in _SINGLE and name not in _REPEATING):
            raise BadRequest(f"{where}: unknown parameter '{name}' for $match", expression=[where])
        if name in _SINGLE and name in seen:
            raise BadRequest(f"{where}: '{name}' may appear only once", expression=[where])
        seen.add(name)
        values.setdefault(name, []).append((_read(name, parameter, where), where))
    if "patient" not in values:
        raise BadRequest("$match needs the 'patient' parameter (the patient's Bundle)")
    ((bundle, bundle_where),) = values["patient"]

    def one(name: str, default=None):
        return values[name][0][0] if name in values else default

    def many(name: str) -> list:
        return [value for value, _ in values.get(name, [])]

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
        bundle_path=f"{bundle_where}.resource",
    )


def _read(name: str, parameter: dict, where: str) -> Any:
    readers = {
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
    return readers[name](parameter, f"{where} ({name})")


def _value(parameter: dict, where: str, *kinds: str) -> tuple[str, Any]:
    present = [k for k in parameter if k.startswith("value") or k in ("resource", "part")]
    if len(present) != 1 or present[0] not in kinds:
        expected = " or ".join(kinds)
        raise BadRequest(f"{where}: expected {expected}", expression=[where])
    return present[0], parameter[present[0]]


def _patient(parameter: dict, where: str) -> dict:
    _, resource = _value(parameter, where, "resource")
    if not isinstance(resource, dict) or resource.get("resourceType") != "Bundle":
        raise BadRequest(f"{where}: 'patient' must hold the patient's Bundle as its resource")
    return resource


def _as_of(parameter: dict, where: str) -> date:
    _, value = _value(parameter, where, "valueDate", "valueDateTime", "valueString")
    day = parse_fhir_date(value) if isinstance(value, str) else None
    if day is None or len(value) < 10:
        raise BadRequest(f"{where}: {value!r} is not a full date (YYYY-MM-DD)")
    return day


def _zip_code(parameter: dict, where: str) -> str:
    _, value = _value(parameter, where, "valueString", "valueCode")
    if not isinstance(value, str) or not value.strip():
        raise BadRequest(f"{where}: zipCode needs a value")
    return value.strip()


def _radius(parameter: dict, where: str) -> float:
    kind, value = _value(
        parameter, where, "valueDecimal", "valueInteger", "valueString", "valueQuantity"
    )
    unit = "[mi_i]"
    if kind == "valueQuantity":
        unit = (value or {}).get("code") or (value or {}).get("unit") or "[mi_i]"
        value = (value or {}).get("value")
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


def _count(parameter: dict, where: str) -> int:
    _, value = _value(parameter, where, "valueInteger", "valuePositiveInt", "valueUnsignedInt")
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise BadRequest(f"{where}: count must be a positive integer")
    return min(value, MAX_COUNT)


def _boolean(parameter: dict, where: str) -> bool:
    _, value = _value(parameter, where, "valueBoolean")
    if not isinstance(value, bool):
        raise BadRequest(f"{where}: expected true or false")
    return value


def _codes(parameter: dict, where: str) -> list[str]:
    kind, value = _value(parameter, where, "valueString", "valueCode", "valueCoding")
    if kind == "valueCoding":
        value = (value or {}).get("code") if isinstance(value, dict) else None
    if not isinstance(value, str) or not value.strip():
        raise BadRequest(f"{where}: expected a code")
    return [part for part in value.split(",") if part.strip()]


def _condition(parameter: dict, where: str) -> ConditionFilter:
    kind, value = _value(parameter, where, "valueString", "valueCoding", "valueCodeableConcept")
    if kind == "valueString" and isinstance(value, str) and value.strip():
        return ConditionFilter(text=value.strip())
    if kind == "valueCodeableConcept" and isinstance(value, dict):
        codings = value.get("coding") or []
        if codings and isinstance(codings[0], dict):
            value = codings[0]
        elif isinstance(value.get("text"), str):
            return ConditionFilter(text=value["text"])
    if isinstance(value, dict) and isinstance(value.get("code"), str):
        return ConditionFilter(system=value.get("system"), code=value["code"])
    raise BadRequest(f"{where}: condition needs text or a coding with a code")


def _study(parameter: dict, where: str) -> str:
    kind, value = _value(parameter, where, "valueReference", "valueString", "valueId")
    if kind == "valueReference":
        value = (value or {}).get("reference") if isinstance(value, dict) else None
    if not isinstance(value, str) or not value.strip():
        raise BadRequest(f"{where}: study needs a ResearchStudy reference")
    value = value.strip()
    if "/" in value:
        parts = value.rstrip("/").split("/")
        if len(parts) < 2 or parts[-2] != "ResearchStudy":
            raise BadRequest(f"{where}: {value!r} is not a ResearchStudy reference")
        value = parts[-1]
    return value
