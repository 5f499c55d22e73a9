"""What `fhirtrial match` and `screen` were given, checked and told back in terms of their flags.

The match itself runs through the `$match` request reader, whose messages name the operation's
parameters (`Parameters.parameter[1] (asOf)`, "give zipCode"); a person typed `--as-of`, `--zip`.
The flags are checked here first, and what the reader still says is put in the flags' names.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import orjson

from fhirtrial.matching.request import AS_OF_RANGE

FLAG_OF_PARAMETER = {
    "asOf": "--as-of",
    "zipCode": "--zip",
    "travelRadius": "--radius",
    "count": "--count",
    "includeIneligible": "--include-ineligible",
}
_PARAMETER_AT = re.compile(r"Parameters\.parameter\[\d+\] \((\w+)\)")
_PATIENT_AT = re.compile(r"Parameters\.parameter\[\d+\]\.resource")
_PARAMETER_NAME = re.compile(r"(?<![-\w])(" + "|".join(FLAG_OF_PARAMETER) + r")\b")


class UsageProblem(ValueError):
    """A flag or the file cannot be used; the message says which and why, in one line."""


def as_of_day(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        day = date.fromisoformat(value) if len(value) == 10 else None
    except ValueError:
        day = None
    if day is None:
        raise UsageProblem(f"--as-of {value!r} is not a date (YYYY-MM-DD)")
    first, last = AS_OF_RANGE
    if not first <= day <= last:
        raise UsageProblem(f"--as-of {value} must fall between {first} and {last}")
    return day


def check_radius(radius: float | None) -> None:
    if radius is not None and not radius > 0:
        raise UsageProblem(f"--radius {radius:g} must be a positive number of miles")


def read_bundle(path: Path) -> dict[str, Any]:
    """The JSON object in the file, which must be a FHIR Bundle."""
    try:
        document = orjson.loads(path.read_bytes())
    except orjson.JSONDecodeError as error:
        raise UsageProblem(f"{path.name} is not JSON ({error})") from None
    except OSError as error:
        raise UsageProblem(f"{path} cannot be read: {error.strerror or error}") from None
    kind = document.get("resourceType") if isinstance(document, dict) else None
    if kind != "Bundle":
        what = f"a {kind} resource" if isinstance(kind, str) else "no FHIR resource"
        raise UsageProblem(
            f"{path.name} holds {what}, not a Bundle: give the patient's FHIR Bundle "
            "(a Patient and the resources about them)"
        )
    bundle: dict[str, Any] = document
    return bundle


def in_flag_terms(diagnostics: str, file_name: str) -> str:
    """A `$match` reader's message with the parameters named by their flags and the patient
    parameter by the file."""
    text = _PARAMETER_AT.sub(lambda m: FLAG_OF_PARAMETER.get(m[1], m[1]), diagnostics)
    text = _PATIENT_AT.sub(file_name, text)
    return _PARAMETER_NAME.sub(lambda m: FLAG_OF_PARAMETER[m[1]], text)
