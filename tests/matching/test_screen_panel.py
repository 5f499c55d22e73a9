"""`fhirtrial screen`: a panel of patients matched as one batch job, a JSON line per patient."""

import asyncio
import json

import orjson
from pymongo import MongoClient
from typer.testing import CliRunner

from fhirtrial.catalog.seeds import load_seeds_if_empty
from fhirtrial.cli import app
from fhirtrial.runtime import open_database
from tests.helpers import make_settings
from tests.matching.match_patients import melanoma_patient, nsclc_patient, uveal_melanoma_patient

LIFILEUCEL = "NCT05361174"
EXPANDED_ACCESS = "NCT05398640"


def test_screen_matches_each_patient_of_a_panel_and_goes_on_past_a_bad_one(
    mongo_url, tmp_path, monkeypatch
):
    settings = make_settings(mongo_url, load_seeds=True)
    monkeypatch.setenv("FHIRTRIAL_MONGODB_URL", mongo_url)
    monkeypatch.setenv("FHIRTRIAL_DATABASE", settings.database)

    async def seed() -> None:
        async with open_database(settings) as opened:
            await load_seeds_if_empty(opened.matching)

    asyncio.run(seed())
    panel = tmp_path / "panel"
    panel.mkdir()
    (panel / "a-melanoma.json").write_text(json.dumps(melanoma_patient(mrn="MRN-2")))
    (panel / "b-uveal.json").write_text(json.dumps(uveal_melanoma_patient()))
    lines = [json.dumps(nsclc_patient()), '{"resourceType": "Bundle", "entry": [', ""]
    (panel / "c-more.ndjson").write_text("\n".join(lines))
    out = tmp_path / "screened.ndjson"

    result = CliRunner().invoke(
        app, ["screen", str(panel), "--as-of", "2026-11-15", "--out", str(out), "--persist"]
    )

    assert result.exit_code == 1, result.output  # one Bundle could not be matched
    assert "screened 4 patient(s)" in result.output
    assert "2 with at least one trial listed, 1 could not be matched" in result.output
    screened = [orjson.loads(line) for line in out.read_bytes().splitlines()]
    assert [s["source"] for s in screened] == [
        str(panel / "a-melanoma.json"),
        str(panel / "b-uveal.json"),
        f"{panel / 'c-more.ndjson'}:1",
        f"{panel / 'c-more.ndjson'}:2",
    ]
    melanoma, uveal, nsclc, broken = screened
    assert melanoma["verdicts"] == {"potential-candidate": 2}
    assert {t["study"] for t in melanoma["trials"]} == {LIFILEUCEL, EXPANDED_ACCESS}
    assert melanoma["patient"]["identifier"]["value"] == "MRN-2"
    # Ineligible for both (uveal origin): counted nowhere unless asked for, listed nowhere.
    assert uveal["verdicts"] == {} and uveal["trials"] == []
    assert [t["study"] for t in nsclc["trials"]] == [LIFILEUCEL]
    assert "not JSON" in broken["error"]

    with MongoClient(mongo_url) as mongo:
        stored = list(mongo[settings.database]["ResearchSubject"].find({}, {"_id": 1}))
        assert len(stored) == 3  # --persist: the candidates listed above (two patients)
        mongo.drop_database(settings.database)
