"""Search values selected from a resource: what each search parameter finds in it, per datatype.

`parameter_values` gives, per parameter, its values in the form fhirtrial.resources.search_query
parses search values into, so that a stored value and a searched one compare directly:
- token:     "c:<code>", "s:<system>", "sc:<system>|<code>", and "n:<code>" when there is no system;
             the folded display texts (CodeableConcept.text, Coding.display, Identifier.type)
             under "<param>:text", for the `:text` modifier
- string:    case- and accent-folded text (`fold`, prefix search); the text as written under the
             `<param>:exact` key
- reference: "<Type>/<id>" and the bare "<id>" (`normalize_reference`); the token values of the
             Reference's `identifier` under "<param>:identifier"
- uri:       the uri itself
- date:      {"lo": datetime, "hi": datetime} ranges (see fhirtrial.resources.dates)

How the store keeps and indexes them is fhirtrial.store.search_keys.
"""

import unicodedata
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any

from fhirtrial.resources.dates import parse_range
from fhirtrial.resources.registry import SearchParameter


def parameter_values(resource: dict[str, Any], param: SearchParameter) -> dict[str, list[Any]]:
    """The values of one search parameter in a resource: under its name, and for a string
    parameter also the unfolded text under "<name>:exact"."""
    elements = [e for path in param.paths for e in walk(resource, path)]
    if param.type == "token":
        found = {param.name: _dedupe(t for e in elements for t in token_values(e))}
        texts = _dedupe(fold(t) for e in elements for t in token_texts(e))
        if texts:
            found[f"{param.name}:text"] = texts
        return found
    if param.type == "string":
        raw = [s for e in elements for s in _strings(e)]
        return {
            param.name: _dedupe(fold(s) for s in raw),
            f"{param.name}:exact": _dedupe(raw),
        }
    if param.type == "reference":
        found = {param.name: _dedupe(r for e in elements for r in _references(e, param.targets))}
        identifiers = _dedupe(t for e in elements for t in _reference_identifiers(e, param.targets))
        if identifiers:
            found[f"{param.name}:identifier"] = identifiers
        return found
    if param.type == "uri":
        return {param.name: _dedupe(e for e in elements if isinstance(e, str))}
    if param.type == "date":
        ranges = []
        for e in elements:
            r = _date_range(e)
            if r is not None:
                ranges.append({"lo": r[0], "hi": r[1]})
        return {param.name: ranges}
    if param.type == "special":  # `near`: grid keys only (fhirtrial.store.search_keys)
        return {}
    raise ValueError(f"unsupported search parameter type {param.type}")


def walk(node: Any, path: str) -> Iterator[Any]:
    """Yield every value at a dotted path, flattening lists along the way."""
    parts = path.split(".")
    stack = [(node, 0)]
    while stack:
        current, depth = stack.pop()
        if isinstance(current, list):
            stack.extend((item, depth) for item in reversed(current))
            continue
        if depth == len(parts):
            yield current
            continue
        if isinstance(current, dict) and parts[depth] in current:
            stack.append((current[parts[depth]], depth + 1))


def fold(text: str) -> str:
    """Case- and accent-insensitive form used for string search."""
    if text.isascii():  # nothing to decompose (most text): the same result, far cheaper
        return " ".join(text.lower().split())
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.casefold().split())


def token_values(element: Any) -> Iterator[str]:
    if isinstance(element, bool):
        yield f"c:{'true' if element else 'false'}"
        yield f"n:{'true' if element else 'false'}"
    elif isinstance(element, str | int):
        yield f"c:{element}"
        yield f"n:{element}"
    elif isinstance(element, dict):
        if "coding" in element or ("text" in element and "value" not in element):
            for coding in element.get("coding", []):
                yield from _system_code(coding.get("system"), coding.get("code"))
        elif "value" in element and "code" not in element:  # Identifier, ContactPoint
            yield from _system_code(element.get("system"), element.get("value"))
        elif "code" in element:
            yield from _system_code(element.get("system"), element.get("code"))
        elif "concept" in element:  # CodeableReference
            yield from token_values(element["concept"])


def token_texts(element: Any) -> Iterator[str]:
    """The text a `:text` search matches: a CodeableConcept's text and its codings' displays, a
    Coding's display, an Identifier's type."""
    if not isinstance(element, dict):
        return
    if "concept" in element and "coding" not in element:  # CodeableReference
        yield from token_texts(element["concept"])
        return
    if isinstance(element.get("text"), str):
        yield element["text"]
    if isinstance(element.get("display"), str):
        yield element["display"]
    for coding in element.get("coding", []) if isinstance(element.get("coding"), list) else []:
        if isinstance(coding, dict) and isinstance(coding.get("display"), str):
            yield coding["display"]
    if "value" in element and isinstance(element.get("type"), dict):  # Identifier
        yield from token_texts(element["type"])


def _system_code(system: str | None, code: Any) -> Iterator[str]:
    if system:
        yield f"s:{system}"
    if code is None:
        return
    yield f"c:{code}"
    yield f"sc:{system}|{code}" if system else f"n:{code}"


def _strings(element: Any) -> Iterator[str]:
    if isinstance(element, str):
        yield element
    elif isinstance(element, dict):
        for key in (
            "text",
            "family",
            "given",
            "prefix",
            "suffix",
            "line",
            "city",
            "district",
            "state",
            "postalCode",
            "country",
        ):
            value = element.get(key)
            if isinstance(value, str):
                yield value
            elif isinstance(value, list):
                yield from (v for v in value if isinstance(v, str))


def _references(element: Any, targets: tuple[str, ...]) -> Iterator[str]:
    if (
        isinstance(element, dict)
        and "reference" not in element
        and "reference" in element.get("reference", {})
    ):
        element = element["reference"]  # CodeableReference
    if not isinstance(element, dict):
        return
    ref = element.get("reference")
    if not isinstance(ref, str):
        return
    typed = normalize_reference(ref)
    if typed is None:
        return
    type_name, _, rid = typed.partition("/")
    if targets and type_name not in targets:
        return
    yield typed
    yield rid


def _reference_identifiers(element: Any, targets: tuple[str, ...]) -> Iterator[str]:
    """The token values of a Reference's `identifier` (searched with `:identifier`), unless the
    Reference says it points at a type the parameter does not."""
    if not isinstance(element, dict) or not isinstance(element.get("identifier"), dict):
        return
    pointed = element.get("type")
    if isinstance(element.get("reference"), str):
        typed = normalize_reference(element["reference"])
        pointed = typed.partition("/")[0] if typed else pointed
    if targets and isinstance(pointed, str) and pointed not in targets:
        return
    identifier = element["identifier"]
    yield from _system_code(identifier.get("system"), identifier.get("value"))


def normalize_reference(ref: str) -> str | None:
    """ "http://x/fhir/Patient/1/_history/2" → "Patient/1"; None for contained/urn references."""
    if ref.startswith("#") or ref.startswith("urn:"):
        return None
    parts = ref.split("/")
    if "_history" in parts:
        parts = parts[: parts.index("_history")]
    if len(parts) < 2:
        return None
    return f"{parts[-2]}/{parts[-1]}"


def _date_range(element: Any) -> tuple[datetime, datetime] | None:
    if isinstance(element, str):
        return parse_range(element)
    if isinstance(element, dict) and ("start" in element or "end" in element):
        start = parse_range(element["start"]) if "start" in element else None
        end = parse_range(element["end"]) if "end" in element else None
        lo = start[0] if start else None
        hi = end[1] if end else None
        from fhirtrial.resources.dates import MAX_DT, MIN_DT

        return (lo or MIN_DT, hi or MAX_DT)
    return None


def _dedupe(values: Iterable[str]) -> list[str]:
    seen: dict[str, None] = {}
    for v in values:
        seen.setdefault(v, None)
    return list(seen)
