"""OperationOutcome construction."""

from typing import Any

from fhirtrial.errors import Issue


def operation_outcome(issues: list[Issue]) -> dict[str, Any]:
    return {
        "resourceType": "OperationOutcome",
        "issue": [_issue_json(issue) for issue in issues],
    }


def information(message: str) -> dict[str, Any]:
    return operation_outcome([Issue("information", "informational", message)])


def _issue_json(issue: Issue) -> dict[str, Any]:
    out: dict[str, Any] = {
        "severity": issue.severity,
        "code": issue.code,
        "diagnostics": issue.diagnostics,
    }
    if issue.expression:
        out["expression"] = issue.expression
    return out
