"""System-level search and history, chains and `_has` that reach patient data are in the audit
trail like a search of a patient type; those over the public catalog only are not."""

from tests.audit.audit_client import (
    decoded_query,
    not_audit_reads,
    of_interaction,
    trail,
)


async def test_system_search_and_history_of_patient_data_are_recorded(client):
    assert (await client.get("/", params={"_type": "ResearchStudy,Location"})).status_code == 200
    assert not_audit_reads(await trail(client)) == []

    assert (await client.get("/", params={"_type": "Patient"})).status_code == 200
    [search] = of_interaction(await trail(client), "search-system")
    assert search["action"] == "E"
    assert decoded_query(search) == "_type=Patient"

    assert (await client.get("/_history", params={"_type": "Patient"})).status_code == 200
    [history] = of_interaction(await trail(client), "history-system")
    assert history["action"] == "R"


async def test_has_over_research_subjects_is_recorded(client):
    await client.get("/ResearchStudy", params={"site.name": "boston"})
    assert not_audit_reads(await trail(client)) == []
    await client.get("/ResearchStudy", params={"_has:ResearchSubject:study:status": "active"})
    [search] = of_interaction(not_audit_reads(await trail(client)), "search-type")
    assert decoded_query(search) == "_has%3AResearchSubject%3Astudy%3Astatus=active"
