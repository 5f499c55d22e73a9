"""Accessibility and tablet use: axe-core's rules on every view (no serious or critical
violation), keyboard operation, and a 768×1024 viewport."""

from __future__ import annotations

from typing import Any

from axe_playwright_python.sync_playwright import Axe

from tests.browser.test_demo_mode import WAVA, open_patient

BLOCKING = {"serious", "critical"}


def blocking_violations(page: Any) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v.get("impact") in BLOCKING
    ]


def test_the_picker_passes_axe(page, demo_server):
    page.goto(f"{demo_server.base_url}/app/?demo")
    page.locator("#picker-list a").first.wait_for()
    assert blocking_violations(page) == []


def test_the_trial_list_with_an_open_checklist_passes_axe(page, demo_server):
    open_patient(page, demo_server)
    page.get_by_label("Show trials the patient is not eligible for").check()
    page.locator(".trial button.toggle").first.click()
    assert blocking_violations(page) == []


def test_the_launch_pages_pass_axe(page, demo_server):
    page.goto(f"{demo_server.base_url}/app/standalone.html")
    assert blocking_violations(page) == []


def test_the_list_is_usable_with_the_keyboard(page, demo_server):
    page.goto(f"{demo_server.base_url}/app/?demo")
    page.locator("#picker-list a").first.wait_for()
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent") == WAVA:
            break
    page.keyboard.press("Enter")
    page.locator(".trial").first.wait_for()
    toggle = page.locator(".trial button.toggle").first
    toggle.focus()
    page.keyboard.press("Enter")
    assert toggle.get_attribute("aria-expanded") == "true"
    assert page.locator(".trial .checklist").first.is_visible()


def test_on_a_tablet_the_app_fits_the_screen(browser, demo_server):
    context = browser.new_context(viewport={"width": 768, "height": 1024}, has_touch=True)
    try:
        page = context.new_page()
        open_patient(page, demo_server)
        assert page.evaluate("document.documentElement.scrollWidth") <= 768
        filters = page.locator("#filters").bounding_box()
        trials = page.locator("#trial-list").bounding_box()
        assert filters is not None and trials is not None
        assert filters["y"] + filters["height"] <= trials["y"]  # filters above, one column
        assert trials["width"] > 600
        for button in page.locator(".trial button").all()[:4]:
            box = button.bounding_box()
            assert box is not None and box["height"] >= 44  # a finger's target
        page.locator(".trial button.toggle").first.tap()
        assert page.locator(".trial .checklist").first.is_visible()
    finally:
        context.close()


def test_the_check_catches_a_violation(page, demo_server):
    """The axe run is not vacuous: a control without a label in the same page is reported."""
    page.goto(f"{demo_server.base_url}/app/standalone.html")
    page.evaluate("document.querySelector('label[for=iss]').remove()")
    page.evaluate("document.getElementById('iss').removeAttribute('placeholder')")
    assert any(v.startswith("label (critical)") for v in blocking_violations(page))
