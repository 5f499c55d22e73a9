"""What the CapabilityStatement says about the search features beyond one parameter:
system-level search and history, chaining, `_has`, `_include:iterate`, `:text` and `near`.

R5 has no element for chaining: each reference parameter's documentation names the target
types it chains to, a `_has` searchParam (type special) lists the reverse chains into the type,
and `searchRevInclude` lists the `_revinclude`s that reach it.
"""

from typing import Any

from fhirtrial.resources.registry import COMMON_SEARCH_PARAMS, RESOURCE_TYPES
from fhirtrial.resources.search_query import MAX_JOIN_DEPTH
from fhirtrial.store.repository import MAX_INCLUDE_ITERATIONS
from fhirtrial.store.system import MAX_SYSTEM_WINDOW

SYSTEM_INTERACTIONS = ("search-system", "history-system")


def system_capabilities() -> dict[str, Any]:
    """`rest.interaction` and `rest.searchParam` of the system level (`[base]?_type=`)."""
    params = [
        {
            "name": p.name,
            "definition": p.definition,
            "type": p.type,
            "documentation": p.description,
        }
        for p in COMMON_SEARCH_PARAMS.values()
    ]
    params.append(
        {
            "name": "_type",
            "type": "token",
            "documentation": "The types to search (comma-separated); without it every served "
            "type the caller may search. Other parameters must be defined on every listed type; "
            f"_sort by _id or _lastUpdated; _offset + _count at most {MAX_SYSTEM_WINDOW:,}",
        }
    )
    return {
        "interaction": [{"code": code} for code in SYSTEM_INTERACTIONS],
        "searchParam": params,
    }


def reverse_chains(target: str) -> list[str]:
    """`Type:param` for every served reference parameter that may refer to `target`."""
    return sorted(
        f"{name}:{p.name}"
        for name, spec in RESOURCE_TYPES.items()
        for p in spec.search_params.values()
        if p.type == "reference" and (not p.targets or target in p.targets)
    )


def add_search_features(resource: dict[str, Any], name: str) -> None:
    """Mark up one `rest.resource` entry with the search features that apply to its type."""
    spec = RESOURCE_TYPES[name]
    for entry in resource["searchParam"]:
        param = spec.search_params.get(entry["name"])
        if param is None:
            continue
        if param.type == "reference":
            targets = [t for t in param.targets if t in RESOURCE_TYPES] or ["any served type"]
            entry["documentation"] += (
                f". Chains (e.g. {param.name}.name=x, {param.name}:Type.param=x, up to "
                f"{MAX_JOIN_DEPTH} levels) to the parameters of " + ", ".join(targets)
            )
        elif param.type == "token":
            entry["documentation"] += ". Modifiers :not, :missing, :text (display text)"
    revincludes = reverse_chains(name)
    if revincludes:
        resource["searchRevInclude"] = revincludes
        resource["searchParam"].append(
            {
                "name": "_has",
                "type": "special",
                "documentation": "Reverse chaining: _has:Type:param:criterion=value, from "
                + ", ".join(revincludes),
            }
        )
    resource["documentation"] = (
        f"_include and _revinclude, also with :iterate (applied up to {MAX_INCLUDE_ITERATIONS} "
        "more times); chained parameters and _has resolve by an inner search of at most "
        "FHIRTRIAL_MAX_JOINED resources (400 beyond)"
    )
