"""One TestScript `assert` against an exchange.

Supported: `response` (every R5 assert-response-code-types code, e.g. okay, created,
badRequest, notFound, preconditionFailed, unprocessableContent), `responseCode`,
`resource`, `contentType`, `headerField`, `expression`/`path` (paths.py), `requestMethod`,
`requestURL`, each with `value` or `compareToSourceId` + `compareToSourceExpression`/`Path`, and
the operators equals, notEquals, in, notIn, greaterThan, lessThan, empty, notEmpty, contains,
notContains. `direction: request` checks the request instead. Not supported (reported as an
error, never passed): `validateProfileId`, `minimumId`, `navigationLinks`, operators `eval` and
`manualEval`.
"""

from collections.abc import Callable
from typing import Any

from fhirtrial.testscript.exchange import Exchange
from fhirtrial.testscript.paths import UnsupportedPathError, as_text, evaluate
from fhirtrial.testscript.variables import Variables

# The R5 assert-response-code-types, and the R4 names R5 renamed (bad, unprocessable).
RESPONSES = {
    "continue": 100,
    "switchingProtocols": 101,
    "okay": 200,
    "created": 201,
    "accepted": 202,
    "nonAuthoritativeInformation": 203,
    "noContent": 204,
    "resetContent": 205,
    "partialContent": 206,
    "multipleChoices": 300,
    "movedPermanently": 301,
    "found": 302,
    "seeOther": 303,
    "notModified": 304,
    "useProxy": 305,
    "temporaryRedirect": 307,
    "permanentRedirect": 308,
    "badRequest": 400,
    "unauthorized": 401,
    "paymentRequired": 402,
    "forbidden": 403,
    "notFound": 404,
    "methodNotAllowed": 405,
    "notAcceptable": 406,
    "proxyAuthenticationRequired": 407,
    "requestTimeout": 408,
    "conflict": 409,
    "gone": 410,
    "lengthRequired": 411,
    "preconditionFailed": 412,
    "contentTooLarge": 413,
    "uriTooLong": 414,
    "unsupportedMediaType": 415,
    "rangeNotSatisfiable": 416,
    "expectationFailed": 417,
    "misdirectedRequest": 421,
    "unprocessableContent": 422,
    "upgradeRequired": 426,
    "internalServerError": 500,
    "notImplemented": 501,
    "badGateway": 502,
    "serviceUnavailable": 503,
    "gatewayTimeout": 504,
    "httpVersionNotSupported": 505,
    "bad": 400,
    "unprocessable": 422,
}
UNSUPPORTED = ("validateProfileId", "minimumId", "navigationLinks")


class AssertError(ValueError):
    """The assertion cannot be evaluated here (unsupported or malformed)."""


def check(
    assertion: dict[str, Any],
    exchange: Exchange | None,
    variables: Variables,
    sources: Callable[[str], Exchange | None],
) -> str | None:
    """None when the assertion holds, else what failed."""
    for key in UNSUPPORTED:
        if key in assertion:
            raise AssertError(f"{key} is not supported by this runner")
    if exchange is None:
        return "there is no response to check yet"
    if "response" in assertion:
        status = RESPONSES.get(str(assertion["response"]))
        if status is None:
            raise AssertError(f"unknown response code type {assertion['response']!r}")
        return _compare([str(exchange.status)], "equals", str(status), "status")
    actual, what = _actual(assertion, exchange)
    operator = str(assertion.get("operator", "equals"))
    if operator in ("eval", "manualEval"):
        raise AssertError(f"operator {operator} is not supported by this runner")
    if operator in ("empty", "notEmpty"):
        present = any(value not in ("", None) for value in actual)
        if present == (operator == "notEmpty"):
            return None
        return f"{what} is {_shown(actual)}, expected {operator}"
    if _expected_of(assertion):
        expected = variables.substitute(_expected_of(assertion))
    elif "compareToSourceId" in assertion:
        other = sources(str(assertion["compareToSourceId"]))
        path = assertion.get("compareToSourceExpression") or assertion.get("compareToSourcePath")
        if other is None or path is None:
            raise AssertError("compareToSourceId needs a known source and an expression or path")
        expected_values = [as_text(v) for v in evaluate(str(path), other.body)]
        expected = ",".join(expected_values)
    elif "value" in assertion:
        expected = variables.substitute(str(assertion["value"]))
    else:
        raise AssertError(f"nothing to compare {what} with (no value, no compareToSourceId)")
    return _compare(actual, operator, expected, what)


def _actual(assertion: dict[str, Any], exchange: Exchange) -> tuple[list[str], str]:
    request = assertion.get("direction") == "request"
    body = exchange.request_body if request else exchange.body
    if "responseCode" in assertion:
        return [str(exchange.status)], "status"
    if "resource" in assertion:
        kind = body.get("resourceType") if isinstance(body, dict) else None
        return [str(kind)], "resource type"
    if "contentType" in assertion:
        header = (exchange.request_headers if request else exchange.headers).get("content-type", "")
        return [header.split(";")[0].strip()], "Content-Type"
    if "headerField" in assertion:
        name = str(assertion["headerField"])
        headers = exchange.request_headers if request else exchange.headers
        value = next((v for k, v in headers.items() if k.lower() == name.lower()), None)
        return ([] if value is None else [value]), f"header {name}"
    if "requestMethod" in assertion:
        return [exchange.method], "request method"
    if "requestURL" in assertion:
        return [exchange.url], "request URL"
    expression = assertion.get("expression") or assertion.get("path")
    if expression is not None:
        try:
            return [as_text(v) for v in evaluate(str(expression), body)], str(expression)
        except UnsupportedPathError as error:
            raise AssertError(str(error)) from error
    raise AssertError("the assert checks nothing this runner knows")


def _expected_of(assertion: dict[str, Any]) -> str:
    for key in ("responseCode", "resource", "contentType", "requestMethod", "requestURL"):
        if key in assertion:
            return str(assertion[key])
    return ""


def _compare(actual: list[str], operator: str, expected: str, what: str) -> str | None:
    holds: bool
    if operator == "equals":
        holds = bool(actual) and all(a == expected for a in actual)
    elif operator == "notEquals":
        holds = all(a != expected for a in actual)
    elif operator == "in":
        holds = bool(actual) and all(a in expected.split(",") for a in actual)
    elif operator == "notIn":
        holds = not any(a in expected.split(",") for a in actual)
    elif operator in ("contains", "notContains"):
        found = any(expected in a for a in actual)
        holds = found == (operator == "contains")
    elif operator in ("greaterThan", "lessThan"):
        try:
            numbers = [float(a) for a in actual]
            bound = float(expected)
        except ValueError:
            return f"{what} {actual!r} or {expected!r} is not a number"
        holds = bool(numbers) and all(
            (n > bound) if operator == "greaterThan" else (n < bound) for n in numbers
        )
    else:
        raise AssertError(f"unknown operator {operator!r}")
    if holds:
        return None
    return f"{what} is {_shown(actual)}, expected {operator} {expected!r}"


def _shown(actual: list[str]) -> str:
    text = repr(actual[0] if len(actual) == 1 else actual)
    return text if len(text) <= 200 else text[:200] + "…"
