"""`/app`: the trial finder's static files, and its launch settings as `/app/config.json`.

Public in the SMART gate (`auth.classify` knows no resource type `app`): HTML and scripts need
no token; the app gets one by its SMART launch and sends it with its FHIR requests.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from fhirtrial.config import Settings

STATIC_DIR = Path(__file__).parent / "static"

# What the app asks an EHR for: the launch context, the user, read access to the record it
# matches, and the writes of a referral (`$match` with persist=true: Patient and
# ResearchSubject). User-level scopes: a referral stores the Patient under this server's id,
# which a patient-level token (confined to the EHR's id) could not write.
APP_SCOPE = (
    "launch launch/patient openid fhirUser user/*.rs user/Patient.cu user/ResearchSubject.cu"
)


# Scripts and styles from this origin only (the views build the DOM as text, and this keeps an
# injected `<script>` from running should a bug ever let one in); any origin for fetches, since
# the EHR's FHIR API is elsewhere. No frame-ancestors: EHRs embed SMART apps in frames.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src *; object-src 'none'; base-uri 'self'; form-action 'self'"
)


class AppFiles(StaticFiles):
    def file_response(self, *args: Any, **kwargs: Any) -> Response:
        response = super().file_response(*args, **kwargs)
        response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        return response


def app_routes(settings: Settings) -> list[BaseRoute]:
    async def config(request: Request) -> Response:
        return JSONResponse(
            {"clientId": settings.app_client_id, "scope": APP_SCOPE, "auth": settings.auth},
            headers={"Cache-Control": "no-store"},
        )

    async def to_index(request: Request) -> Response:
        return RedirectResponse(request.url.replace(path=request.url.path + "/"), status_code=308)

    return [
        Route("/app/config.json", config, methods=["GET"]),
        Route("/app", to_index, methods=["GET"]),
        Mount("/app", app=AppFiles(directory=STATIC_DIR, html=True), name="app"),
    ]
