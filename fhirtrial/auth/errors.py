"""The 401 and 403 answers of the resource server, as OperationOutcomes with the
`WWW-Authenticate` challenge RFC 6750 defines for bearer tokens."""

import re

from fhirtrial.errors import FHIRError

_REALM = 'Bearer realm="fhirtrial"'


def _quoted(text: str) -> str:
    """A value for a quoted-string in a challenge: printable ASCII without quotes or
    backslashes (RFC 6750 error_description)."""
    return re.sub(r'[^\x20-\x7e]|["\\]', "?", text)[:200]


class MissingToken(FHIRError):
    """No credentials: the challenge carries no error code (RFC 6750 §3.1)."""

    def __init__(self, message: str) -> None:
        super().__init__(401, "login", message, headers={"WWW-Authenticate": _REALM})


class InvalidToken(FHIRError):
    def __init__(self, message: str) -> None:
        challenge = f'{_REALM}, error="invalid_token", error_description="{_quoted(message)}"'
        super().__init__(401, "login", message, headers={"WWW-Authenticate": challenge})


class InsufficientScope(FHIRError):
    def __init__(self, message: str, needed: list[str]) -> None:
        challenge = f'{_REALM}, error="insufficient_scope", scope="{_quoted(" ".join(needed))}"'
        super().__init__(403, "forbidden", message, headers={"WWW-Authenticate": challenge})


class KeysUnavailable(FHIRError):
    """The issuer's keys cannot be fetched: nothing is wrong with the token, try again."""

    def __init__(self, message: str) -> None:
        super().__init__(503, "transient", message, headers={"Retry-After": "10"})
