"""The stored document of a resource version: its shape, built and read back only here.

In the current-version collection of a type, one document per resource:
    {_id: <id>, v: <version>, lu: <lastUpdated>, del: <deleted?>, m: <method>, res: <resource>,
     s: <search values>, k: <exact keys>, t: <string keys>}
(`s`, `k` and `t`: see fhirtrial.store.search_keys; a deletion has them empty and no `res`.)
In its history collection, one document per *superseded* version:
    {_id: "<id>/<version>", rid: <id>, v, lu, del, method, res}

Versions of a resource are numbered 1, 2, … whether a version is a write or a deletion. The
stored resource carries its id and a `meta` whose versionId and lastUpdated the server sets; the
rest of the meta sent is kept. lastUpdated is cut to milliseconds, the precision MongoDB keeps.
Content is compared without those two (`content_key`): writers skip content already current
(`already_current`).

The history `_id` is the serialization point of the writers (fhirtrial.store.repository,
fhirtrial.store.batch): two writers racing to supersede the same version cannot both archive it.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, TypeGuard

import orjson

from fhirtrial.resources.dates import format_instant
from fhirtrial.resources.registry import ResourceType
from fhirtrial.store.search_keys import search_fields

# A write becomes visible within this long after its `lu` stamp, whoever wrote it: what readers
# that follow writes by `lu` (the match index, `_include`'s kept resources, the subscription
# worker) wait for. Transactions restamp just before they commit (ADR 0012); the clocks of the
# processes sharing a database must agree within it.
WRITE_VISIBLE_WITHIN = timedelta(seconds=5)

# Everything a read, vread, history or write needs from a current document (not the search fields).
STORED_FIELDS = {"v": 1, "lu": 1, "del": 1, "m": 1, "res": 1}
# What a writer reads of the version it supersedes: also its string keys, whose rows it removes
# (fhirtrial.store.string_rows).
SUPERSEDED_FIELDS = {**STORED_FIELDS, "t": 1}


@dataclass(frozen=True)
class Stored:
    """A resource version as stored: its body (with meta), version and write moment."""

    resource: dict[str, Any]
    version: int
    last_updated: datetime

    @property
    def id(self) -> str:
        rid: str = self.resource["id"]
        return rid


def now() -> datetime:
    """The moment of a write, at the precision it is stored with."""
    moment = datetime.now(UTC)
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def content_key(resource: dict[str, Any]) -> bytes:
    """The resource without server-managed meta, serialized canonically."""
    meta = dict(resource.get("meta") or {})
    meta.pop("versionId", None)
    meta.pop("lastUpdated", None)
    body = {k: v for k, v in resource.items() if k != "meta"}
    if meta:
        body["meta"] = meta
    return orjson.dumps(body, option=orjson.OPT_SORT_KEYS)


def already_current(
    current: dict[str, Any] | None, resource: dict[str, Any]
) -> TypeGuard[dict[str, Any]]:
    """Whether `current` (the current document, None if there is none) is a live version with
    the content of `resource` (which carries its id): writing it would make no new version."""
    return (
        current is not None
        and not current["del"]
        and content_key(current["res"]) == content_key(resource)
    )


def new_version(
    resource: dict[str, Any],
    rid: str,
    spec: ResourceType,
    *,
    previous: dict[str, Any] | None,
    moment: datetime,
    method: str,
    search: dict[str, Any] | None = None,
) -> tuple[dict[str, Any], Stored]:
    """The current document (without `_id`) of the version after `previous` (the current
    document, None if there is none), and that version as stored.

    `search` may hold the resource's `search_fields`, computed elsewhere (the importer's worker
    processes); search values never depend on meta, so ones extracted before it was set hold."""
    version = (previous["v"] if previous else 0) + 1
    meta = {
        **(resource.get("meta") or {}),
        "versionId": str(version),
        "lastUpdated": format_instant(moment),
    }
    body = {**resource, "id": rid, "meta": meta}
    document = {
        "v": version,
        "lu": moment,
        "del": False,
        "m": method,
        "res": body,
        **(search or search_fields(body, spec)),
    }
    return document, Stored(body, version, moment)


def deletion(previous: dict[str, Any], moment: datetime) -> dict[str, Any]:
    """The current document (without `_id`) of the deletion after `previous`."""
    return {
        "v": previous["v"] + 1,
        "lu": moment,
        "del": True,
        "m": "DELETE",
        "s": {},
        "k": [],
        "t": [],
    }


def archive_document(rid: str, current: dict[str, Any]) -> dict[str, Any]:
    """The history document for a current version being superseded."""
    return {
        "_id": f"{rid}/{current['v']}",
        "rid": rid,
        "v": current["v"],
        "lu": current["lu"],
        "del": current["del"],
        "method": current.get("m", "PUT"),
        "res": current.get("res"),
    }


def restored_document(archived: dict[str, Any], spec: ResourceType) -> dict[str, Any]:
    """The current document (without `_id`) that makes an archived version current again."""
    document = {
        "v": archived["v"],
        "lu": archived["lu"],
        "del": archived["del"],
        "m": archived.get("method", "PUT"),
    }
    if archived["del"]:
        return {**document, "s": {}, "k": [], "t": []}
    return {**document, "res": archived["res"], **search_fields(archived["res"], spec)}


def read_version(document: dict[str, Any]) -> Stored:
    """A version as stored, from its current or history document (not a deletion)."""
    return Stored(document["res"], document["v"], document["lu"])


def written_by(document: dict[str, Any]) -> str:
    """The interaction that wrote a version, from its current or history document."""
    method: str = document.get("method") or document.get("m", "PUT")
    return method
