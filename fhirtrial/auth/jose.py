"""Signed JWTs as the resource server and the token endpoint accept them (PyJWT underneath).

Only asymmetric signatures are accepted, with the algorithm the header names checked against the
key that verifies it: `alg: none` and HS256 (also when "signed" with an RSA public key used as an
HMAC secret) never verify, and an EC key never checks an RS256 signature.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import jwt

ALGORITHMS = ("RS256", "RS384", "ES256", "ES384")
# Clock skew tolerated on exp, nbf and iat.
LEEWAY_S = 30
# A bearer token or client assertion longer than this is refused before it is parsed.
MAX_TOKEN_LENGTH = 16 * 1024


class TokenProblem(Exception):
    """Why a JWT was refused, in words a client developer can act on."""


def header(token: str) -> tuple[str, str]:
    """(alg, kid) of a JWT whose algorithm we accept, before anything is verified."""
    if len(token) > MAX_TOKEN_LENGTH:
        raise TokenProblem(f"The token is longer than {MAX_TOKEN_LENGTH} characters")
    try:
        fields = jwt.get_unverified_header(token)
    except jwt.PyJWTError:
        raise TokenProblem("The token is not a signed JWT") from None
    alg, kid = fields.get("alg"), fields.get("kid")
    if alg not in ALGORITHMS:
        raise TokenProblem(
            f"The token is signed with '{alg}'; accepted algorithms: {', '.join(ALGORITHMS)}"
        )
    if not isinstance(kid, str) or not kid:
        raise TokenProblem("The token header has no 'kid' naming its signing key")
    return alg, kid


def unverified_claims(token: str) -> dict[str, Any]:
    """The claims, to tell which issuer's keys to verify with; never trusted by themselves."""
    try:
        claims: dict[str, Any] = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError:
        raise TokenProblem("The token's claims are not a JSON object") from None
    return claims


def public_key(jwk: dict[str, Any], alg: str) -> jwt.PyJWK:
    """The key of a JWK for verifying `alg` signatures; TokenProblem if it cannot."""
    if jwk.get("alg") not in (None, alg) or jwk.get("use") not in (None, "sig"):
        raise TokenProblem(f"Key '{jwk.get('kid')}' is not a signing key for {alg}")
    try:
        return jwt.PyJWK(jwk, algorithm=alg)
    except (jwt.PyJWKError, jwt.InvalidKeyError, ValueError, TypeError, KeyError):
        raise TokenProblem(f"Key '{jwk.get('kid')}' cannot verify {alg} signatures") from None


def verify(
    token: str,
    key: jwt.PyJWK,
    alg: str,
    *,
    audience: str | Iterable[str],
    issuer: str | None,
    required: Iterable[str] = ("exp",),
) -> dict[str, Any]:
    """The claims of `token` once its signature, `exp`, `nbf`, `iat`, `aud` and (if given)
    `iss` check out."""
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            key=key,
            algorithms=[alg],
            audience=audience,
            issuer=issuer,
            leeway=LEEWAY_S,
            options={"require": list(required)},
        )
    except jwt.ExpiredSignatureError:
        raise TokenProblem("The token has expired") from None
    except jwt.ImmatureSignatureError:
        raise TokenProblem("The token is not valid yet (nbf or iat in the future)") from None
    except jwt.InvalidAudienceError:
        raise TokenProblem("The token's audience (aud) is not this server") from None
    except jwt.InvalidIssuerError:
        raise TokenProblem("The token's issuer (iss) is not the expected one") from None
    except jwt.MissingRequiredClaimError as missing:
        raise TokenProblem(f"The token has no '{missing.claim}' claim") from None
    except jwt.InvalidSignatureError:
        raise TokenProblem("The token's signature does not verify") from None
    except jwt.PyJWTError as error:
        raise TokenProblem(f"The token is not valid ({type(error).__name__})") from None
    return claims
