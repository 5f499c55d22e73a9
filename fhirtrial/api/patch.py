"""The patch interaction: `PATCH [type]/[id]` with JSON Patch or FHIRPath Patch."""

from starlette.requests import Request
from starlette.responses import Response

from fhirtrial.api.bodies import media_type_of, parse_json, read_body
from fhirtrial.api.context import context
from fhirtrial.api.headers import if_match_version
from fhirtrial.api.interactions import _writable_type, _write_response
from fhirtrial.api.patched import patch_stored
from fhirtrial.api.responses import check_format
from fhirtrial.errors import BadRequest
from fhirtrial.resources.patching import PATCH_MEDIA_TYPES, UnsupportedPatchFormat
from fhirtrial.resources.validation import check_id


async def patch(request: Request) -> Response:
    check_format(request)
    spec = _writable_type(request)
    rid = request.path_params["rid"]
    check_id(rid)
    media_type = media_type_of(request)
    if media_type not in PATCH_MEDIA_TYPES:
        raise UnsupportedPatchFormat(media_type or "(none)")
    settings = context(request).settings
    raw = await read_body(request, settings.max_body_bytes)
    if not raw.strip():
        raise BadRequest("The request body is empty; a patch document was expected")
    document = parse_json(raw, settings.max_json_depth)
    result = await patch_stored(
        request,
        context(request).repository,
        spec.name,
        rid,
        document,
        media_type,
        if_match=if_match_version(request),
    )
    return _write_response(request, result)
