"""`fhirtrial reindex` rebuilds the match index from the stored catalog: an entry built by an
earlier version with other keys is built again with the current ones."""

from pymongo import MongoClient
from typer.testing import CliRunner

from fhirtrial.cli import app

runner = CliRunner()
LIFILEUCEL = "NCT05361174"  # adults: "18 Years" to "70 Years"


def test_reindex_builds_every_entry_again_with_the_current_keys(seeded_env):
    index = MongoClient(seeded_env["FHIRTRIAL_MONGODB_URL"])[seeded_env["FHIRTRIAL_DATABASE"]][
        "_match_index"
    ]
    entry = index.find_one({"title": {"$regex": "lifileucel", "$options": "i"}})
    assert entry is not None and entry["age_lo"] == 18
    index.update_one({"_id": entry["_id"]}, {"$set": {"age_lo": 17}})  # an older build's key

    result = runner.invoke(app, ["reindex"], env=seeded_env)

    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "match index rebuilt: 2 studies"
    assert index.find_one({"_id": entry["_id"]})["age_lo"] == 18
