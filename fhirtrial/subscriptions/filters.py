"""Whether a ResearchSubject concerns a Subscription: every `filterBy` of it must hold (R5:
filters are combined with AND), each comparing a reference for equality."""

from typing import Any

from fhirtrial.resources.extract import normalize_reference

# The ResearchSubject element each filter parameter of the topic reads.
_ELEMENT = {"patient": "subject", "subject": "subject", "study": "study"}


def concerns(subscription: dict[str, Any], subject: dict[str, Any]) -> bool:
    for criterion in subscription.get("filterBy") or []:
        element = _ELEMENT[criterion["filterParameter"]]
        found = _reference(subject.get(element))
        if found is None or found != normalize_reference(str(criterion.get("value", ""))):
            return False
    return True


def _reference(value: Any) -> str | None:
    reference = value.get("reference") if isinstance(value, dict) else None
    return normalize_reference(reference) if isinstance(reference, str) else None
