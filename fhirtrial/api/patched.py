"""Patch a stored resource: read it, apply the patch, write the result as an update of the
version read. Shared by `PATCH [type]/[id]` and a batch or transaction's PATCH entry."""

from typing import Any

from starlette.requests import Request

from fhirtrial.api.smart import guards
from fhirtrial.errors import PreconditionFailed
from fhirtrial.resources.patching import apply_patch
from fhirtrial.store.repository import Repository, WriteResult

# Another writer may change the resource between our read and our write: the patch is then
# applied again to the newer version, this many times at most.
_ATTEMPTS = 5


async def patch_stored(
    request: Request,
    repository: Repository,
    resource_type: str,
    rid: str,
    document: Any,
    media_type: str,
    *,
    if_match: int | None,
) -> WriteResult:
    await guards.confine_write(request, resource_type, "u", rid=rid)
    for attempt in range(_ATTEMPTS):
        current = await repository.read(resource_type, rid)
        if if_match is not None and current.version != if_match:
            raise PreconditionFailed(
                f"If-Match expected version {if_match} of {resource_type}/{rid}, "
                f"found version {current.version}"
            )
        patched = apply_patch(current.resource, document, media_type)
        await guards.confine_write(request, resource_type, "u", body=patched)
        try:
            return await repository.update(resource_type, rid, patched, if_match=current.version)
        except PreconditionFailed:
            if if_match is not None or attempt + 1 == _ATTEMPTS:
                raise
    raise AssertionError("unreachable")
