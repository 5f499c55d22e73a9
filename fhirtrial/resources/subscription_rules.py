"""What a Subscription must say for this server to serve it, beyond the R5 model: the topic it
ships (conformance/SubscriptionTopic-candidate-changed.json), the rest-hook channel to an
http(s) endpoint, filters the topic allows and header parameters that are headers.

Checked on every write (`validation.validate_resource`), whatever the path (REST, a Bundle
entry, PATCH): a Subscription the delivery worker could not serve is never stored.
"""

import re
from functools import cache
from typing import Any
from urllib.parse import urlsplit

from fhirtrial.conformance import static_resources
from fhirtrial.errors import Issue

CHANNEL_TYPES = "http://terminology.hl7.org/CodeSystem/subscription-channel-type"
CONTENT_TYPES = ("application/fhir+json", "application/json")
# The type a filter value names, per filter parameter of the topic.
FILTER_TARGETS = {"patient": "Patient", "subject": "Patient", "study": "ResearchStudy"}
# A FHIR id (validation.FHIR_ID, which imports this module).
_ID = re.compile(r"[A-Za-z0-9\-.]{1,64}")
_HEADER_NAME = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
# Headers the server sets itself: a Subscription may not replace them.
_RESERVED_HEADERS = frozenset({"content-type", "content-length", "host", "transfer-encoding"})


@cache
def topic() -> dict[str, Any]:
    """The SubscriptionTopic the server ships ("candidate added or changed")."""
    return next(r for r in static_resources() if r["resourceType"] == "SubscriptionTopic")


def topic_url() -> str:
    url: str = topic()["url"]
    return url


def filter_parameters() -> frozenset[str]:
    return frozenset(f["filterParameter"] for f in topic()["canFilterBy"])


def subscription_issues(resource: dict[str, Any]) -> list[Issue]:
    issues: list[Issue] = []

    def refuse(path: str, message: str, code: str = "invalid") -> None:
        issues.append(Issue("error", code, message, [f"Subscription.{path}"]))

    if resource.get("topic") != topic_url():
        refuse(
            "topic",
            f"This server serves the topic {topic_url()} only (see SubscriptionTopic)",
            "not-supported",
        )
    channel = resource.get("channelType")
    if not isinstance(channel, dict) or channel.get("code") != "rest-hook":
        refuse("channelType", "This server delivers by the rest-hook channel only", "not-supported")
    elif channel.get("system") not in (None, CHANNEL_TYPES):
        refuse("channelType", f"channelType.system must be {CHANNEL_TYPES}")
    if not _is_http_url(resource.get("endpoint")):
        refuse("endpoint", "A rest-hook Subscription needs an absolute http(s) endpoint URL")
    content_type = resource.get("contentType")
    if content_type is not None and content_type not in CONTENT_TYPES:
        refuse("contentType", f"contentType must be one of {', '.join(CONTENT_TYPES)}")
    for index, criterion in enumerate(resource.get("filterBy") or []):
        _filter_issues(criterion, f"filterBy[{index}]", refuse)
    for index, parameter in enumerate(resource.get("parameter") or []):
        name, value = parameter.get("name", ""), parameter.get("value", "")
        if not _HEADER_NAME.fullmatch(name) or name.lower() in _RESERVED_HEADERS:
            refuse(f"parameter[{index}].name", f"'{name[:40]}' is not a header this server sends")
        if any(c in value for c in "\r\n\0"):
            refuse(f"parameter[{index}].value", "A header value may not hold line breaks")
    return issues


def _filter_issues(criterion: dict[str, Any], path: str, refuse: Any) -> None:
    kind = criterion.get("resourceType")
    if kind not in (
        None,
        "ResearchSubject",
        "http://hl7.org/fhir/StructureDefinition/ResearchSubject",
    ):
        refuse(f"{path}.resourceType", "The topic filters ResearchSubjects only", "not-supported")
    name = criterion.get("filterParameter")
    if name not in filter_parameters():
        allowed = ", ".join(sorted(filter_parameters()))
        refuse(
            f"{path}.filterParameter", f"The topic can filter by {allowed} only", "not-supported"
        )
        return
    if criterion.get("comparator") not in (None, "eq") or criterion.get("modifier") is not None:
        refuse(path, "Filters compare references for equality only", "not-supported")
    value = str(criterion.get("value", ""))
    kind, _, rid = value.partition("/")
    if kind != FILTER_TARGETS[name] or not _ID.fullmatch(rid):
        refuse(f"{path}.value", f"A {name} filter names a {FILTER_TARGETS[name]}/[id]")


def _is_http_url(value: object) -> bool:
    if not isinstance(value, str):
        return False
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.hostname)
