"""JSON Patch (RFC 6902) applied to a resource dict: `application/json-patch+json`."""

import copy
from typing import Any

import jsonpatch
import jsonpointer

from fhirtrial.errors import BadRequest, FHIRError

JSON_PATCH_MEDIA_TYPE = "application/json-patch+json"


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
        patched = document.apply(copy.deepcopy(resource), in_place=True)
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
