"""The pass/fail table of a conformance run."""

from rich.console import Console
from rich.table import Table

from fhirtrial.testscript.runner import Outcome, TestResult

STYLES = {
    Outcome.PASS: "green",
    Outcome.WARNING: "yellow",
    Outcome.FAIL: "red",
    Outcome.ERROR: "red",
    Outcome.SKIPPED: "red",
}


def print_report(results: list[TestResult], base_url: str, console: Console) -> None:
    table = Table(title=f"TestScripts against {base_url}")
    for column in ("script", "test", "asserts", "result", "detail"):
        table.add_column(column, overflow="fold")
    for result in results:
        table.add_row(
            result.script,
            result.test,
            str(result.asserts),
            f"[{STYLES[result.outcome]}]{result.outcome.value}[/]",
            "\n".join(result.messages),
        )
    console.print(table)
    failed = sum(result.failed for result in results)
    console.print(
        f"{len(results) - failed} of {len(results)} tests passed, "
        f"{sum(r.asserts for r in results)} assertions"
    )
