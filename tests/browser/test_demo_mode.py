"""Demo mode in a real browser: the shipped example patients against a server without
authorization, as `fhirtrial demo` runs it."""

from __future__ import annotations

import re
from typing import Any

import httpx

from fhirtrial.config import Settings

WAVA = "Wava789 Corwin846"


def open_patient(page: Any, server: Settings, name: str = WAVA) -> None:
    page.goto(f"{server.base_url}/app/?demo")
    page.get_by_role("link", name=name).click()
    page.locator(".trial").first.wait_for()


def test_the_picker_lists_the_shipped_example_patients(page, demo_server):
    page.goto(f"{demo_server.base_url}/app/?demo")
    links = page.locator("#picker-list a")
    assert links.all_inner_texts() == ["Patient B TrialMatching", "Patient D TrialMatching", WAVA]


def test_the_ranked_trials_show_verdict_in_words_score_and_nearest_site(page, demo_server):
    open_patient(page, demo_server)
    assert page.locator("#patient").inner_text().startswith(WAVA)
    cards = page.locator(".trial")
    assert cards.count() >= 2
    verdicts = page.locator(".trial .badge").all_inner_texts()
    assert set(verdicts) <= {"Eligible", "Possibly eligible"}  # not eligible: hidden by default
    scores = [int(s) for s in re.findall(r"Score (\d+)%", page.locator("#trial-list").inner_text())]
    assert scores == sorted(scores, reverse=True)
    first = cards.first
    assert first.get_attribute("data-study") == "NCT05581004"
    site = first.locator(".site").inner_text()
    assert "Nearest recruiting site: Dana Farber Cancer Institute" in site
    assert "29.4 miles" in site
    assert "Contact:" in site and "888-662-6728" in site


def test_the_checklist_opens_unknown_first_with_reasons_and_dated_evidence(page, demo_server):
    open_patient(page, demo_server)
    card = page.locator(".trial").first
    toggle = card.locator("button.toggle")
    assert toggle.inner_text() == "Show criteria checklist"
    assert card.locator(".checklist").is_hidden()
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true"
    assert toggle.inner_text() == "Hide criteria checklist"
    checklist = card.locator(".checklist")
    assert checklist.is_visible()
    assert checklist.locator("h4").first.inner_text() == "All participants"
    standings = checklist.locator(".criteria:not(.parts) > .criterion").evaluate_all(
        "items => items.map(i => i.dataset.standing)"
    )
    assert standings[0] == "unknown"
    first_known = next(i for i, s in enumerate(standings) if s != "unknown")
    assert all(s != "unknown" for s in standings[first_known:])
    age = checklist.locator(".criterion", has_text="Age: 18 Years and older").first
    assert "Met:" in age.inner_text()
    assert "age 60 years" in age.locator(".reason").inner_text()
    assert "born 1966-08-03" in age.locator(".evidence").inner_text()
    dated = checklist.locator(".evidence li", has_text="Malignant neoplasm of breast")
    assert "(2017-07-21)" in dated.first.inner_text()
    volunteers = checklist.locator(".criterion", has_text="Healthy volunteers are not accepted")
    assert volunteers.locator(".standing").first.inner_text().strip() == "Met (does not apply):"


def test_filters_narrow_the_list(page, demo_server):
    open_patient(page, demo_server)
    everything = page.locator(".trial").count()
    page.get_by_label("Nearest site within (miles)").fill("500")
    shown = page.locator(".trial")
    assert 0 < shown.count() < everything
    distances = [
        float(d) for d in re.findall(r"— ([\d.]+) miles", page.locator("#trial-list").inner_text())
    ]
    assert distances and all(d <= 500 for d in distances)
    page.get_by_label("Nearest site within (miles)").fill("")
    page.get_by_label("Condition contains").fill("prostate")
    assert page.locator(".trial").evaluate_all("c => c.map(x => x.dataset.study)") == [
        "NCT00034216"
    ]
    page.get_by_label("Condition contains").fill("")
    page.get_by_label("Phase").select_option("Phase 1")
    assert page.locator(".trial").evaluate_all("c => c.map(x => x.dataset.study)") == [
        "NCT05581004"
    ]
    page.get_by_label("Phase").select_option("")
    page.get_by_label("Recruitment status").select_option("Not yet recruiting")
    assert page.locator(".trial").evaluate_all("c => c.map(x => x.dataset.study)") == [
        "NCT07188116"
    ]
    page.get_by_label("Recruitment status").select_option("")
    page.get_by_label("Show trials the patient is not eligible for").check()
    assert page.locator(".trial").count() > everything
    assert "Not eligible" in page.locator(".trial .badge").all_inner_texts()


def test_refer_records_the_candidate_and_lists_it(page, demo_server):
    open_patient(page, demo_server, "Patient D TrialMatching")
    card = page.locator(".trial").first
    study = card.get_attribute("data-study")
    card.get_by_role("button", name="Refer").click()
    page.locator(f"#candidates li[data-study='{study}']").wait_for()
    assert card.get_by_role("button", name="Referred").is_disabled()
    stored = httpx.get(
        f"{demo_server.base_url}/ResearchSubject",
        params={"study": f"ResearchStudy/{study}", "_count": 10},
    ).json()
    assert stored["total"] == 1
    subject = stored["entry"][0]["resource"]["subject"]
    assert subject["identifier"] == {"system": "http://hospital.example.org", "value": "a124"}
    page.reload()
    page.locator(f"#candidates li[data-study='{study}']").wait_for()
    again = page.locator(f".trial[data-study='{study}']")
    assert again.get_by_role("button", name="Referred").is_disabled()


def test_the_map_places_the_nearest_sites_around_the_patient(page, demo_server):
    open_patient(page, demo_server)
    page.get_by_label("Nearest site within (miles)").fill("500")
    shown = page.locator(".trial").count()
    svg = page.get_by_role("img", name="Nearest sites around the patient's home")
    assert svg.locator(".site-mark").count() == shown
    assert svg.locator(".home-mark").count() == 1
    assert "Dana Farber Cancer Institute" in page.locator(".map-legend").inner_text()


def test_the_print_view_is_a_summary_with_every_checklist(page, demo_server):
    open_patient(page, demo_server)
    page.emulate_media(media="print")
    assert page.locator("#filters").is_hidden()
    assert page.get_by_role("button", name="Refer").first.is_hidden()
    checklists = page.locator(".checklist")
    assert checklists.count() == page.locator(".trial").count()
    assert all(checklists.nth(i).is_visible() for i in range(checklists.count()))
    assert page.get_by_role("heading", name="Trial summary").is_visible()
    assert page.locator("#printed").inner_text().startswith("Assessed on ")
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF") and len(pdf) > 20_000
