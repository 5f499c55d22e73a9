"""`fhirtrial screen`: a Bundle that cannot be matched is told in terms of the file, never of the
Parameters body the job builds for the matcher."""

import json

import orjson
from typer.testing import CliRunner

from fhirtrial.cli import app
from tests.matching.match_patients import person

runner = CliRunner()


def test_files_that_are_not_one_patients_bundle_say_so_in_their_terms(empty_env, tmp_path):
    panel = tmp_path / "panel"
    panel.mkdir()
    (panel / "a-patient.json").write_text(json.dumps(person("a")))
    two = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"resource": person("a")}, {"resource": person("b")}],
    }
    (panel / "b-two.json").write_text(json.dumps(two))

    result = runner.invoke(app, ["screen", str(panel)], env=empty_env)

    assert result.exit_code == 1, result.output
    lines = [orjson.loads(line) for line in result.stdout.splitlines()]
    assert [line["error"] for line in lines] == [
        "holds a Patient resource, not a Bundle of the patient's record",
        "Bundle: the Bundle holds 2 Patient resources (Patient/a, Patient/b); a patient record "
        "must describe exactly one patient",
    ]


def test_a_bad_as_of_names_the_flag(tmp_path):
    result = runner.invoke(app, ["screen", str(tmp_path), "--as-of", "2026-02-30"])
    assert result.exit_code == 2
    assert result.stderr.strip() == "error: --as-of '2026-02-30' is not a date (YYYY-MM-DD)"
