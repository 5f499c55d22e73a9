"""`fhirtrial import` when ClinicalTrials.gov cannot be reached: a name that does not resolve
fails at once with what to check; transient failures keep their retries
(tests/ctgov/test_ctgov_retries.py)."""

import socket

import httpcore
import httpx
import respx
from typer.testing import CliRunner

from fhirtrial.cli import app
from tests.catalog.recorded_ctgov import STUDIES_URL

runner = CliRunner()
STUDY_URL = f"{STUDIES_URL}/NCT05361174"


def unresolvable(request: httpx.Request) -> httpx.Response:
    # What httpcore raises when getaddrinfo fails; httpx turns it into its own ConnectError
    # raised from this one. (respx replaces the cause of an exception a side effect raises, so
    # an httpx.ConnectError raised `from` a gaierror would reach the client without it.)
    raise httpcore.ConnectError(socket.gaierror(socket.EAI_NONAME, "Name or service not known"))


def test_a_host_that_does_not_resolve_fails_at_once_with_what_to_check(empty_env):
    with respx.mock as mock:
        route = mock.get(STUDY_URL).mock(side_effect=unresolvable)
        result = runner.invoke(app, ["import", "--nct", "NCT05361174"], env=empty_env)

    assert route.call_count == 1
    assert result.exit_code == 1
    assert (
        "FAILED NCT05361174 (ClinicalTrials.gov NCT05361174): cannot resolve clinicaltrials.gov: "
        "check the network or FHIRTRIAL_CTGOV_BASE_URL"
    ) in result.stdout


def test_no_source_is_a_usage_error_naming_the_flags():
    result = runner.invoke(app, ["import"])
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        "error: nothing to import: give --nct, --query/--condition/--status, or --file "
        "(see fhirtrial import --help)"
    )
