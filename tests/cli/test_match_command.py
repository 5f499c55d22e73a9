"""`fhirtrial match` as a person meets it: errors in terms of the flags typed, a file that is not
one patient's Bundle told in one line, a Bundle mixing patients matched for its patient with
warnings, and an empty result that says why."""

import json

import pytest
from typer.testing import CliRunner

from fhirtrial.cli import app
from fhirtrial.cli.match_input import in_flag_terms
from tests.matching.match_patients import (
    AS_OF,
    ICD10,
    bundle,
    condition,
    melanoma_patient,
    nsclc_patient,
    person,
    uveal_melanoma_patient,
)

runner = CliRunner()
LIFILEUCEL = "NCT05361174"


def write(tmp_path, name: str, document) -> str:
    path = tmp_path / name
    path.write_text(json.dumps(document))
    return str(path)


def match(env, *args: str):
    return runner.invoke(app, ["match", *args], env=env)


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["--as-of", "2026-13-01"], "error: --as-of '2026-13-01' is not a date (YYYY-MM-DD)"),
        (["--as-of", "2026-11"], "error: --as-of '2026-11' is not a date (YYYY-MM-DD)"),
        (["--as-of", "1800-01-01"], "error: --as-of 1800-01-01 must fall between 1900-01-01"),
        (["--radius", "-3"], "error: --radius -3 must be a positive number of miles"),
    ],
)
def test_a_bad_flag_is_named_as_typed_and_is_a_usage_error(tmp_path, flags, message):
    # Checked before the database is opened: no environment needed.
    result = runner.invoke(app, ["match", write(tmp_path, "p.json", nsclc_patient()), *flags])
    assert result.exit_code == 2
    assert result.stderr.startswith(message)
    assert "Parameters" not in result.output and "asOf" not in result.output


def test_what_the_matcher_refuses_is_told_in_flag_names(seeded_env, tmp_path):
    patient = write(tmp_path, "p.json", nsclc_patient())
    no_location = match(seeded_env, patient, "--radius", "10")
    assert no_location.exit_code == 2
    assert no_location.stderr.strip() == (
        "error: --radius needs a location: give --zip, or a US postal code in the Patient's address"
    )
    unknown_zip = match(seeded_env, patient, "--zip", "00000")
    assert unknown_zip.exit_code == 2
    assert unknown_zip.stderr.strip() == "error: --zip '00000' is not a known US ZIP code"


@pytest.mark.parametrize(
    ("diagnostics", "told"),
    [
        (
            "Parameters.parameter[1] (asOf): '2026-13-01' is not a full date (YYYY-MM-DD)",
            "--as-of: '2026-13-01' is not a full date (YYYY-MM-DD)",
        ),
        (
            "Parameters.parameter[3] (count): count must be a positive integer",
            "--count: --count must be a positive integer",
        ),
        (
            "Parameters.parameter[2] (includeIneligible): expected true or false",
            "--include-ineligible: expected true or false",
        ),
        ("travelRadius needs a location: give zipCode", "--radius needs a location: give --zip"),
        (
            "Parameters.parameter[0].resource: the Bundle holds no Patient resource",
            "p.json: the Bundle holds no Patient resource",
        ),
    ],
)
def test_parameter_names_in_diagnostics_become_flags(diagnostics, told):
    assert in_flag_terms(diagnostics, "p.json") == told


def test_a_bundle_mixing_patients_is_matched_for_its_patient_with_warnings(seeded_env, tmp_path):
    other = condition("other-dx", ICD10, "E11.9", "Type 2 diabetes mellitus")
    other["subject"] = {"reference": "Patient/someone-else"}
    path = write(tmp_path, "mixed.json", nsclc_patient(other))

    result = match(seeded_env, path, "--as-of", AS_OF)

    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines()[0] == (
        "warning: mixed.json: Condition/other-dx: subject Patient/someone-else is not this "
        "bundle's Patient; resource left out"
    )
    assert "trial(s) for mixed.json" in result.stdout
    assert LIFILEUCEL in result.stdout and "potential-candidate" in result.stdout


@pytest.mark.parametrize(
    ("document", "message"),
    [
        (
            bundle(patient=person("a")) | {"entry": []},
            "error: f.json: the Bundle holds no Patient resource; one is required (fhirtrial "
            "match reads one patient's Bundle: one Patient and the resources about that patient)",
        ),
        (
            {
                "resourceType": "Bundle",
                "type": "collection",
                "entry": [{"resource": person("a")}, {"resource": person("b")}],
            },
            "error: f.json: the Bundle holds 2 Patient resources (Patient/a, Patient/b); a "
            "patient record must describe exactly one patient (fhirtrial match reads one "
            "patient's Bundle: one Patient and the resources about that patient)",
        ),
        (
            person("a"),
            "error: f.json holds a Patient resource, not a Bundle: give the patient's FHIR "
            "Bundle (a Patient and the resources about them)",
        ),
        ([1, 2], "error: f.json holds no FHIR resource, not a Bundle"),
    ],
)
def test_a_file_that_is_not_one_patients_bundle_is_one_line_saying_what_to_fix(
    tmp_path, document, message
):
    result = runner.invoke(app, ["match", write(tmp_path, "f.json", document)])
    assert result.exit_code == 2
    assert len(result.stderr.splitlines()) == 1
    assert result.stderr.startswith(message)


def test_a_file_that_is_not_json_is_one_line(tmp_path):
    path = tmp_path / "notes.json"
    path.write_text("patient: Alex Doe")
    result = runner.invoke(app, ["match", str(path)])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: notes.json is not JSON (")
    assert "Traceback" not in result.output


def test_an_empty_catalog_says_to_import_first(empty_env, tmp_path):
    result = match(empty_env, write(tmp_path, "p.json", nsclc_patient()))
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("no trial listed for p.json as of ")
    assert "the catalog is empty: run `fhirtrial import" in result.stdout


def test_all_ineligible_says_so_and_how_to_list_them(seeded_env, tmp_path):
    path = write(tmp_path, "uveal.json", uveal_melanoma_patient())
    result = match(seeded_env, path, "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == (
        f"no trial listed for uveal.json as of {AS_OF}: 2 trials checked, all ineligible; "
        "--include-ineligible lists them"
    )
    listed = match(seeded_env, path, "--as-of", AS_OF, "--include-ineligible")
    assert "ineligible" in listed.stdout and LIFILEUCEL in listed.stdout


def test_none_within_the_radius_says_so(seeded_env, tmp_path):
    path = write(tmp_path, "melanoma.json", melanoma_patient())
    result = match(seeded_env, path, "--as-of", AS_OF, "--zip", "99501", "--radius", "5")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == (
        f"no trial listed for melanoma.json as of {AS_OF}: none of the 2 trials otherwise open "
        "to this patient has a site within 5 miles; a larger --radius (or none) lists them"
    )
