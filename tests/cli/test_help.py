"""`--help` of every command shows a boolean option as a flag (`--persist`), never as an option
taking a value (`--persist <bool>`): a value given to a flag is refused."""

import pytest
import typer.main
from typer.testing import CliRunner

from fhirtrial.cli import app

runner = CliRunner()


def command_paths(group, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    paths = [path]
    for name, command in getattr(group, "commands", {}).items():
        paths += command_paths(command, (*path, name))
    return paths


def boolean_flags(path: tuple[str, ...]) -> list[str]:
    command = typer.main.get_command(app)
    for name in path:
        command = command.commands[name]
    return [p.opts[0] for p in command.params if getattr(p, "is_bool_flag", False)]


PATHS = command_paths(typer.main.get_command(app))


def test_every_command_is_checked():
    names = {" ".join(path) for path in PATHS}
    assert {"", "match", "screen", "import", "sync", "load", "recompile", "client add"} <= names


@pytest.mark.parametrize("path", PATHS, ids=[" ".join(p) or "fhirtrial" for p in PATHS])
def test_help_shows_boolean_options_as_flags(path):
    result = runner.invoke(app, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert "<bool>" not in result.stdout
    for flag in boolean_flags(path):
        assert flag in result.stdout


def test_the_flags_of_match_screen_and_sync_are_listed_bare():
    shown = {
        "match": "--include-ineligible",
        "screen": "--persist",
        "sync": "--history",
    }
    for command, flag in shown.items():
        lines = runner.invoke(app, [command, "--help"]).stdout.splitlines()
        (line,) = [line for line in lines if line.startswith(f"│ {flag} ")]
        after = line.split(flag, 1)[1].strip()
        assert not after.startswith("<"), line
