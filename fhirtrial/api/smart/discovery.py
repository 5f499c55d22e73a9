"""What a SMART client reads before it asks for a token: `/.well-known/smart-configuration`,
the built-in server's public keys (`/auth/jwks`) and `rest.security` of the
CapabilityStatement."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from fhirtrial.api.context import base_url
from fhirtrial.api.smart.authority import auth_database, authority
from fhirtrial.auth.jose import ALGORITHMS

SECURITY_SERVICE = "http://terminology.hl7.org/CodeSystem/restful-security-service"
OAUTH_URIS = "http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris"
# What an external issuer's discovery document may say about its own endpoints.
_EXTERNAL_FIELDS = (
    "issuer",
    "jwks_uri",
    "authorization_endpoint",
    "token_endpoint",
    "registration_endpoint",
    "introspection_endpoint",
    "revocation_endpoint",
    "management_endpoint",
    "response_types_supported",
    "code_challenge_methods_supported",
)


async def configuration(request: Request) -> dict[str, Any]:
    """The SMART configuration: the built-in backend-services server, overlaid with the
    external issuer's endpoints when one is configured (the built-in token endpoint keeps
    serving registered backend clients at `{base}/auth/token`)."""
    base = base_url(request)
    scopes = [f"{c}/*.{p}" for c in ("system", "user", "patient") for p in ("cruds", "rs")]
    config: dict[str, Any] = {
        "token_endpoint": f"{base}/auth/token",
        "jwks_uri": f"{base}/auth/jwks",
        "token_endpoint_auth_methods_supported": ["private_key_jwt"],
        "token_endpoint_auth_signing_alg_values_supported": list(ALGORITHMS),
        "grant_types_supported": ["client_credentials"],
        "scopes_supported": scopes,
        "capabilities": ["client-confidential-asymmetric", "permission-v1", "permission-v2"],
    }
    external = authority(request).external
    if external is not None:
        found = await external.discovered()
        config |= {k: found[k] for k in _EXTERNAL_FIELDS if k in found}
        grants = found.get("grant_types_supported")
        if isinstance(grants, list):
            config["grant_types_supported"] = sorted({*grants, "client_credentials"})
        capabilities = found.get("capabilities")
        extra = capabilities if isinstance(capabilities, list) else []
        config["capabilities"] = sorted(
            {*config["capabilities"], *extra, "permission-patient", "permission-user"}
        )
        config["scopes_supported"] += ["launch/patient", "openid", "fhirUser"]
    return config


async def smart_configuration(request: Request) -> Response:
    return JSONResponse(await configuration(request))


async def jwks(request: Request) -> Response:
    keys = await authority(request).signing_keys.jwks(auth_database(request))
    return JSONResponse(keys, headers={"Cache-Control": "max-age=300"})


async def rest_security(request: Request) -> dict[str, Any]:
    """`CapabilityStatement.rest.security`."""
    cors = bool(authority(request).settings.cors_origins.strip())
    if not authority(request).required:
        return {"cors": cors, "description": "Authorization is off (FHIRTRIAL_AUTH=off)."}
    config = await configuration(request)
    uris = [{"url": "token", "valueUri": config["token_endpoint"]}]
    if "authorization_endpoint" in config:
        uris.append({"url": "authorize", "valueUri": config["authorization_endpoint"]})
    return {
        "extension": [{"url": OAUTH_URIS, "extension": uris}],
        "cors": cors,
        "service": [
            {
                "coding": [{"system": SECURITY_SERVICE, "code": "SMART-on-FHIR"}],
                "text": "SMART App Launch 2.x and Backend Services (OAuth2 bearer tokens)",
            }
        ],
        "description": (
            "The trial catalog (ResearchStudy, PlanDefinition, EvidenceVariable, Location, "
            "Organization, conformance resources) is readable without a token; everything else "
            "needs a SMART bearer token with the matching scope. See "
            "/.well-known/smart-configuration."
        ),
    }
