"""A patch document applied to a resource: JSON Patch or FHIRPath Patch, by media type. The
PATCH interaction and a batch/transaction entry both call `apply_patch`."""

import base64
import binascii
from typing import Any

import orjson

from fhirtrial.errors import BadRequest, FHIRError
from fhirtrial.resources.fhirpath_patch import apply_fhirpath_patch
from fhirtrial.resources.json_patch import JSON_PATCH_MEDIA_TYPE, apply_json_patch

FHIRPATH_PATCH_MEDIA_TYPES = ("application/fhir+json", "application/json", "application/json+fhir")
PATCH_MEDIA_TYPES = (JSON_PATCH_MEDIA_TYPE, *FHIRPATH_PATCH_MEDIA_TYPES)
# What the CapabilityStatement's `patchFormat` lists.
PATCH_FORMATS = (JSON_PATCH_MEDIA_TYPE, "application/fhir+json")


class UnsupportedPatchFormat(FHIRError):
    def __init__(self, media_type: str) -> None:
        super().__init__(
            415,
            "not-supported",
            f"Content-Type '{media_type}' is not a patch format; send "
            f"{JSON_PATCH_MEDIA_TYPE} (JSON Patch) or application/fhir+json (FHIRPath Patch)",
        )


def apply_patch(resource: dict[str, Any], patch: Any, media_type: str) -> dict[str, Any]:
    """`resource` patched (a new dict), its type and id unchanged; 400 for a malformed patch or
    one that changes them, 415 for another media type, 422 for one that does not apply."""
    if media_type == JSON_PATCH_MEDIA_TYPE:
        patched = apply_json_patch(resource, patch)
    elif media_type in FHIRPATH_PATCH_MEDIA_TYPES:
        patched = apply_fhirpath_patch(resource, patch)
    else:
        raise UnsupportedPatchFormat(media_type or "(none)")
    for element in ("resourceType", "id"):
        if patched.get(element) != resource.get(element):
            raise BadRequest(
                f"A patch may not change the resource's {element} "
                f"({resource.get(element)!r} → {patched.get(element)!r})"
            )
    return patched


def bundle_patch(resource: Any) -> tuple[Any, str]:
    """The patch of a Bundle entry and its media type: a Parameters is a FHIRPath Patch, a Binary
    of `application/json-patch+json` (base64 `data`) a JSON Patch (R5 http.html#patch)."""
    kind = resource.get("resourceType") if isinstance(resource, dict) else None
    if kind == "Parameters":
        return resource, "application/fhir+json"
    if kind == "Binary" and resource.get("contentType") == JSON_PATCH_MEDIA_TYPE:
        data = resource.get("data")
        try:
            return orjson.loads(base64.b64decode(data if isinstance(data, str) else "")), (
                JSON_PATCH_MEDIA_TYPE
            )
        except (binascii.Error, ValueError):
            raise BadRequest("The Binary's data is not base64 JSON (a JSON Patch)") from None
    raise BadRequest(
        "A PATCH entry's resource is a Parameters (FHIRPath Patch) or a Binary with "
        f"contentType {JSON_PATCH_MEDIA_TYPE} (JSON Patch)",
        code="required",
    )
