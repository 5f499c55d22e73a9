"""The search fields of a stored document, and the index keys a search looks for.

Written at write time (`search_fields`), read by fhirtrial.store.query:
- `s`: per parameter, the values fhirtrial.resources.extract selects from the resource, unindexed
  (sorting, `:exact`, `:missing`, dates, `:contains`, `:below`);
- `k`: "<param>=<value>" for token, reference and uri values (exact matches), e.g.
  "status=c:active", and "<param>:identifier=<token>" for the identifiers of References;
- `t`: "<param>~<folded>" for string values (prefix ranges), e.g. "name~welch cancer center",
  and "<param>:text~<folded>" for the display texts of token values, one per word (`:text`);
- `k` also holds "near=g<grid>:<row>:<column>", the grid cells of a Location's position
  (fhirtrial.resources.geo);
- `o`: the order key, a 48-bit hash of the id: the default order of search results, paged by
  ranges of it (fhirtrial.store.keyset). The `k` index is on (`k`, `o`).
Each array is under one multikey index, so a write maintains one or two indexes, not one per
parameter. The `t` index exists only where the database can use it for a prefix range (mongod);
SecantusDB cannot use an index for a range inside an array, so there `t` is left unindexed and
the keys of string parameters are also written as rows of their own (fhirtrial.store.string_rows,
ADR 0025), which a string search reads by index ranges.

Each key costs every write, so none is kept that a query can reach another way (`index_keys` on
the write side, `exact_search_keys` and `string_search_keys` on the search side): a code without
a system has only its "n:" key (a search by code alone looks for "c:" and "n:"), a reference with
known target types only its "<Type>/<id>" key (a bare id is searched as each target type), and
`address` does not repeat the city, state, postal code and country that have their own
parameters. "s:<system>" keys stay: a prefix range over "sc:<system>|" could not use
SecantusDB's index.
"""

import hashlib
import re
from collections.abc import Sequence
from typing import Any

from fhirtrial.resources.extract import parameter_values
from fhirtrial.resources.geo import cells_key_values
from fhirtrial.resources.registry import ResourceType, SearchParameter

KEYS = "k"
TEXT_KEYS = "t"
ORDER = "o"
# A word starts where a letter or digit follows anything else; a text keeps a key for each of
# its first MAX_TEXT_WORDS words (displays are short: CT.gov conditions are a few words).
_WORD_START = re.compile(r"(?<!\w)\w")
MAX_TEXT_WORDS = 12

# A search on the key parameter also looks under the keys of these parameters (where the type has
# them), so their values are not indexed a second time under it: an `address` search is a prefix
# search over the address text and lines, and over the city, state, postal code and country keys.
SHARED_STRING_KEYS = {
    "address": ("address-city", "address-state", "address-postalcode", "address-country"),
}


def search_fields(resource: dict[str, Any], spec: ResourceType) -> dict[str, Any]:
    """The stored search fields of one resource: values per parameter (`s`), exact keys (`k`)
    and string keys (`t`)."""
    values: dict[str, list[Any]] = {}
    keys: list[str] = []
    text_keys: list[str] = []
    for param in spec.search_params.values():
        if param.stored_at:  # the document's own field, set by the store
            continue
        found = parameter_values(resource, param)
        for key, vals in found.items():
            if vals:
                values[key] = vals
        own = index_keys(param, found.get(param.name) or [])
        if param.type == "string":
            text_keys += own
        else:
            keys += own
        if param.type == "special":  # `near`: the grid cells of the position
            keys += [exact_key(param.name, cell) for cell in cells_key_values(resource)]
        if param.type == "token":
            text_keys += token_text_keys(param, found.get(f"{param.name}:text") or [])
        if param.type == "reference":
            identifiers = found.get(f"{param.name}:identifier") or []
            keys += index_keys(identifier_param(param), identifiers)
    for name, parts in SHARED_STRING_KEYS.items():
        if name in values and any(part in values for part in parts):
            shared = {string_key(name, v) for part in parts for v in values.get(part, ())}
            text_keys = [k for k in text_keys if k not in shared]
    values = {name: vals for name, vals in values.items() if not name.endswith(":text")}
    fields: dict[str, Any] = {"s": values, KEYS: keys, TEXT_KEYS: text_keys}
    if "id" in resource:
        fields[ORDER] = order_key(resource["id"])
    return fields


# Order keys are 48-bit: exact in a double (JSON, BSON comparisons) and in an int64.
ORDER_SPACE = 1 << 48


def order_key(rid: str) -> int:
    """The order key of a resource id: 48 bits of its SHA-256, spread evenly however ids are
    chosen, and exact in a double and an int64."""
    return int.from_bytes(hashlib.sha256(rid.encode()).digest()[:6], "big")


def index_keys(param: SearchParameter, values: list[str]) -> list[str]:
    """The index keys for one parameter's extracted values."""
    if param.type == "string":
        return [string_key(param.name, v) for v in values]
    if param.type == "token":
        present = set(values)
        kept = [v for v in values if not (v.startswith("c:") and f"n:{v[2:]}" in present)]
        return [exact_key(param.name, v) for v in kept]
    if param.type == "reference":
        return [exact_key(param.name, v) for v in values if "/" in v or not param.targets]
    if param.type == "uri":
        return [exact_key(param.name, v) for v in values]
    return []


def exact_search_keys(param: SearchParameter, values: Sequence[str]) -> list[str]:
    """The `k` keys that token, reference or uri search values (as parsed) match."""
    return [key for value in values for key in _exact_search_keys(param, value)]


def _exact_search_keys(param: SearchParameter, value: str) -> list[str]:
    if param.type == "token" and value.startswith("c:"):  # any system, or none
        return [exact_key(param.name, value), exact_key(param.name, f"n:{value[2:]}")]
    if param.type == "reference" and "/" not in value and param.targets:
        return [exact_key(param.name, f"{target}/{value}") for target in param.targets]
    return [exact_key(param.name, value)]


def string_search_keys(param: SearchParameter, values: Sequence[str]) -> list[str]:
    """The `t` key prefixes that string search values (folded) look for."""
    names = (param.name, *SHARED_STRING_KEYS.get(param.name, ()))
    return [string_key(name, v) for name in names for v in values]


def token_text_keys(param: SearchParameter, texts: list[str]) -> list[str]:
    """The `t` keys of a token parameter's display texts (folded): one per word a text has
    (its end from that word on), so that a prefix search finds a text by its start or by the
    start of any word in it ("non-small-cell lung" under "small-cell lung", "cell lung" and
    "lung" too)."""
    name = f"{param.name}:text"
    keys: list[str] = []
    for text in texts:
        starts = [m.start() for m in _WORD_START.finditer(text)][:MAX_TEXT_WORDS]
        keys += [string_key(name, text[at:]) for at in starts]
    return list(dict.fromkeys(keys))


def token_text_search_keys(param: SearchParameter, values: Sequence[str]) -> list[str]:
    """The `t` key prefixes a `:text` search (folded values) looks for."""
    return [string_key(f"{param.name}:text", v) for v in values]


def identifier_param(param: SearchParameter) -> SearchParameter:
    """The token parameter `<reference param>:identifier` whose keys are the identifiers of the
    References (e.g. "agent:identifier=sc:https://fhirtrial.org/fhir/sid/client-id|ehr-1")."""
    return SearchParameter(
        f"{param.name}:identifier",
        "token",
        param.paths,
        f"{param.description} (by identifier)",
        param.definition,
    )


def exact_key(name: str, value: str) -> str:
    return f"{name}={value}"


def string_key(name: str, folded: str) -> str:
    return f"{name}~{folded}"
