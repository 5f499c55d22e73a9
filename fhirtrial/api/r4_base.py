"""`[base]/r4`: the same server for R4 clients that do not send the `fhirVersion` parameter
(fhirclient and most integration engines). Everything under it is answered, and read, as FHIR
R4 (4.0.1), as if Accept and Content-Type said `fhirVersion=4.0`; the links in its answers stay
under it. Mounted as the application's root path, so the router, the authorization gate and the
audit trail see the same paths as at the root (`auth.classify.route_path`).
"""

from starlette.types import ASGIApp, Receive, Scope, Send

from fhirtrial.api.fhir_version import BASE_PATH_KEY, BASE_VERSION_KEY, R4

R4_BASE = "/r4"


class R4Base:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            prefix = scope.get("root_path", "") + R4_BASE
            path: str = scope["path"]
            if path == prefix or path.startswith(prefix + "/"):
                scope = {**scope, "root_path": prefix, BASE_VERSION_KEY: R4}
                scope[BASE_PATH_KEY] = R4_BASE
        await self.app(scope, receive, send)
