"""The patch interaction: `PATCH [type]/[id]` with JSON Patch or FHIRPath Patch."""

from starlette.requests import Request
from starlette.responses import Response

from fhirtrial.api.bodies import media_type_of, parse_json, read_body
from fhirtrial.api.context import context
from fhirtrial.api.headers import if_match_version
from fhirtrial.api.interactions import _writable_type, _write_response
from fhirtrial.api.responses import check_format
from fhirtrial.api.smart import guards
from fhirtrial.errors import BadRequest, PreconditionFailed
from fhirtrial.resources.patching import PATCH_MEDIA_TYPES, UnsupportedPatchFormat, apply_patch
from fhirtrial.resources.validation import FHIR_ID

# Another writer may change the resource between our read and our write: the patch is then
# applied again to the newer version, this many times at most.
_ATTEMPTS = 5


async def patch(request: Request) -> Response:
    check_format(request)
    spec = _writable_type(request)
    rid = request.path_params["rid"]
    if not FHIR_ID.fullmatch(rid):
        raise BadRequest(f"'{rid[:80]}' is not a FHIR id (1 to 64 of A-Z, a-z, 0-9, '-', '.')")
    media_type = media_type_of(request)
    if media_type not in PATCH_MEDIA_TYPES:
        raise UnsupportedPatchFormat(media_type or "(none)")
    settings = context(request).settings
    raw = await read_body(request, settings.max_body_bytes)
    if not raw.strip():
        raise BadRequest("The request body is empty; a patch document was expected")
    document = parse_json(raw, settings.max_json_depth)
    await guards.confine_write(request, spec.name, "u", rid=rid)
    wanted = if_match_version(request)
    repository = context(request).repository
    for attempt in range(_ATTEMPTS):
        current = await repository.read(spec.name, rid)
        if wanted is not None and current.version != wanted:
            raise PreconditionFailed(
                f"If-Match expected version {wanted} of {spec.name}/{rid}, "
                f"found version {current.version}"
            )
        patched = apply_patch(current.resource, document, media_type)
        await guards.confine_write(request, spec.name, "u", body=patched)
        try:
            result = await repository.update(spec.name, rid, patched, if_match=current.version)
        except PreconditionFailed:
            if wanted is not None or attempt + 1 == _ATTEMPTS:
                raise
            continue
        return _write_response(request, result)
    raise AssertionError("unreachable")
