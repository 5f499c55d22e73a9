"""Running TestScripts: fixtures (`autocreate`/`autodelete`), setup, each test, teardown.

Every assertion and every operation that cannot be sent or fails on the network becomes a
result. A failing setup fails every test of its script (they are not run); `stopTestOnFail`
ends its test; `warningOnly` assertions report a warning instead of a failure. Each test sees
the responses of the setup and of its own actions (by `responseId`) and the fixtures (by id).
"""

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import httpx

from fhirtrial.testscript.asserts import AssertError, check
from fhirtrial.testscript.exchange import Exchange
from fhirtrial.testscript.operations import OperationError, build_request
from fhirtrial.testscript.paths import UnsupportedPathError
from fhirtrial.testscript.scripts import Script
from fhirtrial.testscript.variables import Variables


class Outcome(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    WARNING = "warning"
    ERROR = "error"  # the script asks for what this runner cannot do, or the server is unreachable
    SKIPPED = "skipped"


@dataclass
class TestResult:
    script: str
    test: str
    outcome: Outcome = Outcome.PASS
    asserts: int = 0
    messages: list[str] = field(default_factory=list)

    def record(self, outcome: Outcome, message: str) -> None:
        self.messages.append(message)
        ranks = [Outcome.PASS, Outcome.WARNING, Outcome.SKIPPED, Outcome.FAIL, Outcome.ERROR]
        if ranks.index(outcome) > ranks.index(self.outcome):
            self.outcome = outcome

    @property
    def failed(self) -> bool:
        return self.outcome in (Outcome.FAIL, Outcome.ERROR, Outcome.SKIPPED)


class _Run:
    """The state of one script's run: fixtures, stored responses, the last exchange."""

    def __init__(self, script: Script, http: httpx.Client, base_url: str) -> None:
        self.script = script
        self.http = http
        self.base_url = base_url
        self.sources: dict[str, Exchange] = {}
        self.last: Exchange | None = None
        for fixture in script.resource.get("fixture", []):
            resource = script.fixture(str(fixture.get("id")))
            if resource is not None:
                self.sources[str(fixture["id"])] = Exchange.fixture(resource)
        self.variables = Variables(script.resource.get("variable", []), self.source)

    def source(self, source_id: str | None) -> Exchange | None:
        return self.last if source_id is None else self.sources.get(source_id)

    def actions(self, actions: list[dict[str, Any]], result: TestResult) -> bool:
        """Run actions in order; False when an action ended them (a failure to stop on)."""
        for action in actions:
            if "operation" in action and not self.operation(action["operation"], result):
                return False
            if "assert" in action and not self.assertion(action["assert"], result):
                return False
        return True

    def operation(self, operation: dict[str, Any], result: TestResult) -> bool:
        label = _label(operation, str(operation.get("type", {}).get("code", "operation")))
        try:
            request = build_request(operation, self.base_url, self.variables, self.sources)
            response = self.http.request(
                request.method, request.url, headers=request.headers, json=request.body
            )
        except (OperationError, KeyError, UnsupportedPathError) as error:
            result.record(Outcome.ERROR, f"{label}: {error}")
            return False
        except httpx.HTTPError as error:
            result.record(Outcome.ERROR, f"{label}: {type(error).__name__}: {error}")
            return False
        self.last = Exchange.of(response, request.body)
        for key in ("responseId", "requestId"):
            if key in operation:
                self.sources[str(operation[key])] = self.last
        return True

    def assertion(self, assertion: dict[str, Any], result: TestResult) -> bool:
        result.asserts += 1
        label = _label(assertion, f"assert {result.asserts}")
        exchange = self.source(assertion.get("sourceId"))
        try:
            failure = check(assertion, exchange, self.variables, self.sources.get)
        except (AssertError, KeyError) as error:
            result.record(Outcome.ERROR, f"{label}: {error}")
            return False
        if failure is None:
            return True
        if assertion.get("warningOnly"):
            result.record(Outcome.WARNING, f"{label}: {failure}")
            return True
        result.record(Outcome.FAIL, f"{label}: {failure}")
        return not assertion.get("stopTestOnFail", False)

    def fixtures(self, created: bool, result: TestResult) -> None:
        """Create the `autocreate` fixtures (created=True) or delete the `autodelete` ones."""
        for fixture in self.script.resource.get("fixture", []):
            fixture_id = str(fixture.get("id"))
            if created and fixture.get("autocreate"):
                operation = {"type": {"code": "create"}, "sourceId": fixture_id}
                if not self.operation(operation, result):
                    continue
                if self.last is not None and self.last.status == 201:
                    self.sources[fixture_id] = self.last
                else:
                    status = self.last.status if self.last else None
                    result.record(Outcome.FAIL, f"autocreate {fixture_id}: status {status}")
            elif not created and fixture.get("autodelete") and fixture_id in self.sources:
                operation = {"type": {"code": "delete"}, "targetId": fixture_id}
                self.operation(operation, result)


def _label(element: dict[str, Any], default: str) -> str:
    return str(element.get("label") or element.get("description") or default)


def run_script(script: Script, http: httpx.Client, base_url: str) -> list[TestResult]:
    run = _Run(script, http, base_url)
    resource = script.resource
    setup = TestResult(script.name, "setup")
    run.fixtures(True, setup)
    set_up = not setup.failed and run.actions(resource.get("setup", {}).get("action", []), setup)
    set_up = set_up and not setup.failed
    results = [setup] if setup.messages or not set_up else []
    after_setup = dict(run.sources)
    for index, test in enumerate(resource.get("test", []), start=1):
        result = TestResult(script.name, str(test.get("name") or f"test {index}"))
        if not set_up:
            result.record(Outcome.SKIPPED, "not run: the setup failed")
        else:
            run.sources = dict(after_setup)
            run.actions(test.get("action", []), result)
        results.append(result)
    teardown = TestResult(script.name, "teardown")
    run.actions(resource.get("teardown", {}).get("action", []), teardown)
    run.fixtures(False, teardown)
    if teardown.failed:
        results.append(teardown)
    return results


def run_scripts(
    scripts: list[Script], base_url: str, *, token: str | None = None, timeout: float = 30.0
) -> list[TestResult]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    with httpx.Client(headers=headers, timeout=timeout) as http:
        return [result for script in scripts for result in run_script(script, http, base_url)]
