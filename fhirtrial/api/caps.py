"""Caps on the work one request may ask for, checked before any of that work is done.

Bodies are capped in bytes while they stream in (`api.bodies.read_body`); this module caps what a
parsed body asks the server to process (the resources of a `$match` patient record) and says
when a search page left included resources out.

Included resources are cut, not refused, as Microsoft's FHIR server does (1,000 included items,
then a warning OperationOutcome in the Bundle) and HAPI's include limit per page: the matches of
the page are complete, and a client that needs every included resource asks for smaller pages.
"""

from typing import Any

from fhirtrial.errors import FHIRError, Issue
from fhirtrial.resources.outcome import operation_outcome


class TooManyResources(FHIRError):
    def __init__(self, found: int, limit: int) -> None:
        super().__init__(
            413,
            "too-costly",
            f"The patient's record has {found} resources; $match takes at most {limit} "
            "(FHIRTRIAL_MATCH_MAX_RESOURCES): send the resources eligibility depends on "
            "(Patient, Conditions, recent Observations, medications, procedures)",
        )


def resource_count(body: dict[str, Any]) -> int:
    """The resources a `$match` body carries: a Bundle's entries, or those of the Bundles (and
    single resources) in a Parameters body. Counted without walking the resources."""
    if body.get("resourceType") == "Bundle":
        entries = body.get("entry")
        return len(entries) if isinstance(entries, list) else 0
    count = 0
    parameters = body.get("parameter")
    for parameter in parameters if isinstance(parameters, list) else ():
        resource = parameter.get("resource") if isinstance(parameter, dict) else None
        if isinstance(resource, dict):
            count += resource_count(resource) if resource.get("resourceType") == "Bundle" else 1
    return count


def check_match_size(body: dict[str, Any], max_resources: int) -> None:
    found = resource_count(body)
    if found > max_resources:
        raise TooManyResources(found, max_resources)


def search_outcome(
    ignored: list[str], includes_truncated: bool, max_included: int, uncounted_over: int = 0
) -> dict[str, Any] | None:
    """The OperationOutcome entry of a searchset Bundle, if the search has something to say
    (`uncounted_over`: the total asked for was left out, more than that many match)."""
    issues = []
    if ignored:
        issues.append(
            Issue(
                "information",
                "informational",
                "Ignored unknown search parameters: " + ", ".join(ignored),
            )
        )
    if includes_truncated:
        issues.append(
            Issue(
                "warning",
                "incomplete",
                f"_include/_revinclude found more than {max_included} resources for this page "
                "(FHIRTRIAL_MAX_INCLUDED); the first ones are included, the others left out: "
                "ask for a smaller _count to get them all",
            )
        )
    if uncounted_over:
        issues.append(
            Issue(
                "warning",
                "too-costly",
                f"More than {uncounted_over} resources match: the total is not counted on the "
                "embedded database (FHIRTRIAL_MAX_COUNTED); follow the next links to the end, or "
                "narrow the search",
            )
        )
    return operation_outcome(issues) if issues else None
