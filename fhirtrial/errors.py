"""Errors every layer can raise; the API turns them into OperationOutcome responses."""

from dataclasses import dataclass, field


@dataclass
class Issue:
    severity: str
    code: str
    diagnostics: str
    expression: list[str] = field(default_factory=list)


class FHIRError(Exception):
    """A failure with an HTTP status and one or more OperationOutcome issues."""

    def __init__(
        self,
        status: int,
        code: str,
        diagnostics: str,
        *,
        expression: list[str] | None = None,
        issues: list[Issue] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(diagnostics)
        self.status = status
        self.issues = issues or [Issue("error", code, diagnostics, expression or [])]
        self.headers = headers or {}

    @property
    def diagnostics(self) -> str:
        return self.issues[0].diagnostics


class BadRequest(FHIRError):
    def __init__(
        self,
        diagnostics: str,
        code: str = "invalid",
        *,
        expression: list[str] | None = None,
        issues: list[Issue] | None = None,
    ) -> None:
        super().__init__(400, code, diagnostics, expression=expression, issues=issues)


class NotFound(FHIRError):
    def __init__(self, diagnostics: str) -> None:
        super().__init__(404, "not-found", diagnostics)


class MethodNotAllowed(FHIRError):
    def __init__(self, diagnostics: str, allow: str) -> None:
        super().__init__(405, "not-supported", diagnostics, headers={"Allow": allow})


class Gone(FHIRError):
    def __init__(self, diagnostics: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(410, "deleted", diagnostics, headers=headers)


class PreconditionFailed(FHIRError):
    def __init__(self, diagnostics: str) -> None:
        super().__init__(412, "conflict", diagnostics)


class Conflict(FHIRError):
    def __init__(self, diagnostics: str) -> None:
        super().__init__(409, "conflict", diagnostics)


class Unprocessable(FHIRError):
    def __init__(self, issues: list[Issue]) -> None:
        super().__init__(422, "invalid", issues[0].diagnostics, issues=issues)


class DatabaseUnavailable(FHIRError):
    def __init__(
        self, diagnostics: str = "The database is not reachable; try again shortly"
    ) -> None:
        super().__init__(503, "transient", diagnostics, headers={"Retry-After": "5"})
