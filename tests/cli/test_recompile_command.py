"""`fhirtrial recompile --nct …` says, for each NCT number asked for, what happened to it."""

from typer.testing import CliRunner

from fhirtrial.cli import app

runner = CliRunner()
LIFILEUCEL = "NCT05361174"


def test_each_asked_study_is_reported_and_one_not_in_the_catalog_fails_the_run(seeded_env):
    result = runner.invoke(
        app, ["recompile", "--nct", "NCT99999999", "--nct", LIFILEUCEL.lower()], env=seeded_env
    )
    assert result.exit_code == 1, result.output
    assert result.stdout.splitlines() == [
        "NCT99999999: not in the catalog",
        f"{LIFILEUCEL}: unchanged",
        "evidence variables: 0 upgraded, 1 unchanged, 0 failed, 1 not in the catalog",
    ]


def test_studies_all_in_the_catalog_exit_0(seeded_env):
    result = runner.invoke(app, ["recompile", "--nct", LIFILEUCEL], env=seeded_env)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == f"{LIFILEUCEL}: unchanged"
