"""JSON Patch (RFC 6902) applied to a resource dict: `application/json-patch+json`."""

import copy
from typing import Any

import jsonpatch
import jsonpointer
import orjson

from fhirtrial.errors import BadRequest, FHIRError

JSON_PATCH_MEDIA_TYPE = "application/json-patch+json"
# The most a patch may grow a resource to, in serialized bytes. `copy` duplicates what the
# resource already holds, so a few small operations could otherwise double it again and again
# (40 copies of /name onto itself: 2^40 names) long before the result is validated.
MAX_PATCHED_BYTES = 10 * 1024 * 1024


class PatchTooLarge(FHIRError):
    def __init__(self) -> None:
        super().__init__(
            422,
            "too-costly",
            f"The JSON Patch would grow the resource beyond {MAX_PATCHED_BYTES:,} bytes",
        )


class PatchFailed(FHIRError):
    """A well-formed patch that cannot be applied to this resource (RFC 5789: 422)."""

    def __init__(self, diagnostics: str) -> None:
        super().__init__(422, "processing", diagnostics)


def apply_json_patch(resource: dict[str, Any], patch: Any) -> dict[str, Any]:
    """The resource with `patch` applied (a new dict; `resource` is left as it was).

    400 when `patch` is not a JSON Patch document, 422 when it does not apply (a path that is
    not there, a failed `test`); the whole patch applies or nothing does."""
    if not isinstance(patch, list) or not all(isinstance(op, dict) for op in patch):
        raise BadRequest(
            "A JSON Patch document is a JSON array of operation objects", code="structure"
        )
    try:
        document = jsonpatch.JsonPatch(patch)
    except (jsonpatch.InvalidJsonPatch, jsonpointer.JsonPointerException) as exc:
        raise BadRequest(f"Invalid JSON Patch: {exc}", code="structure") from None
    try:
        patched = _apply_bounded(document, copy.deepcopy(resource))
    except jsonpatch.InvalidJsonPatch as exc:  # e.g. an unknown `op`, found while applying
        raise BadRequest(f"Invalid JSON Patch: {exc}", code="structure") from None
    except jsonpatch.JsonPatchTestFailed as exc:
        raise PatchFailed(f"JSON Patch test failed: {exc}") from None
    except (jsonpatch.JsonPatchConflict, jsonpointer.JsonPointerException) as exc:
        raise PatchFailed(f"JSON Patch does not apply to this resource: {exc}") from None
    except (KeyError, IndexError, TypeError) as exc:  # a `from` or pointer into nothing
        raise PatchFailed(
            f"JSON Patch does not apply to this resource: no element at {exc}"
        ) from None
    if not isinstance(patched, dict):
        raise PatchFailed("JSON Patch replaced the whole resource with a non-object")
    return patched


def _apply_bounded(document: jsonpatch.JsonPatch, resource: dict[str, Any]) -> Any:
    """`document` applied one operation at a time, each `copy` counted against the size
    budget before it is made (values `add` and `replace` bring are bounded by the body)."""
    budget = MAX_PATCHED_BYTES - len(orjson.dumps(resource))
    patched: Any = resource
    for operation in document.patch:
        if operation.get("op") == "copy":
            copied = jsonpointer.resolve_pointer(patched, operation["from"])
            budget -= len(orjson.dumps(copied))
            if budget < 0:
                raise PatchTooLarge()
        patched = jsonpatch.JsonPatch([operation]).apply(patched, in_place=True)
    return patched
