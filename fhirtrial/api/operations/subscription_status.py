"""`GET|POST Subscription/[id]/$status` and `Subscription/$status` (R5 Subscription-status): a
searchset Bundle of SubscriptionStatus resources (type query-status), one per Subscription.

At the type level, `id` and `status` (repeated or comma-separated, in the query or as a
Parameters body) narrow the Subscriptions reported; without them every Subscription is.
"""

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from fhirtrial.api.bodies import read_resource
from fhirtrial.api.context import base_url, context
from fhirtrial.api.responses import check_format, fhir_response
from fhirtrial.api.smart.guards import authorize_subscription_status
from fhirtrial.auth import compartment
from fhirtrial.errors import BadRequest, NotFound
from fhirtrial.resources.registry import RESOURCE_TYPES
from fhirtrial.resources.search_query import parse_search
from fhirtrial.subscriptions.status import query_status

DEFINITION = "http://hl7.org/fhir/OperationDefinition/Subscription-status"
_MOST = 1000
_QUERY = {"id", "status", "_format", "_pretty"}


async def handle(request: Request) -> Response:
    check_format(request)
    rid: str | None = request.path_params.get("rid")
    patient = authorize_subscription_status(request, instance=rid is not None)
    server = context(request)
    asked = await _arguments(request)
    if rid is not None:
        if asked:
            raise BadRequest("Subscription/[id]/$status takes no id or status parameter")
        subscription = (await server.repository.read("Subscription", rid)).resource
        if patient is not None and not compartment.contains(subscription, patient):
            raise NotFound(f"Subscription/{rid} is not known")
        subscriptions = [subscription]
    else:
        criteria = [(name, ",".join(values)) for name, values in asked.items() if values]
        criteria = [("_id" if name == "id" else name, value) for name, value in criteria]
        if patient is not None:
            criteria.append(compartment.search_criterion("Subscription", patient))
        query = parse_search(
            RESOURCE_TYPES["Subscription"],
            criteria,
            registry=RESOURCE_TYPES,
            lenient=False,
            default_count=_MOST,
            max_count=_MOST,
        )
        subscriptions = [
            stored.resource for stored in await server.repository.matches(query, limit=_MOST)
        ]
    base = base_url(request)
    statuses = [
        await query_status(server.repository.database, base, subscription)
        for subscription in subscriptions
    ]
    bundle: dict[str, Any] = {
        "resourceType": "Bundle",
        "type": "searchset",
        "total": len(statuses),
        "entry": [
            {"fullUrl": f"urn:uuid:{status['id']}", "resource": status, "search": {"mode": "match"}}
            for status in statuses
        ],
    }
    return fhir_response(request, bundle)


async def _arguments(request: Request) -> dict[str, list[str]]:
    asked: dict[str, list[str]] = {"id": [], "status": []}
    for name, value in request.query_params.multi_items():
        if name not in _QUERY:
            raise BadRequest(f"$status has no parameter '{name}'")
        if name in asked:
            asked[name].extend(v for v in value.split(",") if v)
    if request.method == "POST" and await request.body():
        body = await read_resource(request)
        if body.get("resourceType") != "Parameters":
            raise BadRequest("The body of $status is a Parameters resource")
        for parameter in body.get("parameter") or []:
            name = parameter.get("name")
            value = parameter.get("valueId") or parameter.get("valueCode")
            if name not in asked or not isinstance(value, str):
                raise BadRequest(f"$status has no parameter '{name}' of that type")
            asked[name].append(value)
    return {name: values for name, values in asked.items() if values}
