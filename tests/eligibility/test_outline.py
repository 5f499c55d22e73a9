"""Eligibility text → criterion outline: sections, bullets, nesting, cohorts, link ids."""

from __future__ import annotations

import pytest

from fhirtrial.eligibility.outline import parse_outline
from tests.eligibility.real_data import SEED_IDS, seed_criteria_text, seed_page_bullets


@pytest.mark.parametrize("nct_id", SEED_IDS)
def test_every_bullet_of_a_seed_page_is_one_node_in_page_order(nct_id: str) -> None:
    outline = parse_outline(seed_criteria_text(nct_id))
    assert [node.text for node in outline.walk()] == seed_page_bullets(nct_id)


def test_seed_nesting_and_cohorts_follow_the_published_list() -> None:
    outline = parse_outline(seed_criteria_text("NCT05361174"))
    by_id = {node.link_id: node for node in outline.walk()}
    therapy = by_id["inc-2"]
    assert therapy.text == "Participants who have received the following previous therapy:"
    assert [child.cohort for child in therapy.children] == ["Cohort 1", "Cohort 2"]
    assert by_id["inc-2.2.2"].text.startswith("those with oncogene-driven tumors")
    assert [c.text for c in by_id["inc-2.2.2"].children] == [
        "platinum doublet chemotherapy",
        "Or within 12 weeks after last dose of anti-PD-1/PD-L1 blocking antibody",
    ]
    assert by_id["inc-2.2.2.1"].cohort == "Cohort 2"  # inherited from the cohort bullet
    assert by_id["inc-3"].text.startswith("Participants who have an Eastern Cooperative")
    assert [n.link_id for n in outline.exclusion] == [f"exc-{i}" for i in range(1, 8)]
    assert all(n.exclude for n in outline.exclusion)
    assert not any(n.exclude for n in outline.inclusion)


def test_link_ids_are_stable_across_runs() -> None:
    text = seed_criteria_text("NCT05361174")
    first = [(n.link_id, n.text) for n in parse_outline(text).walk()]
    assert first == [(n.link_id, n.text) for n in parse_outline(text).walk()]


def test_markdown_bullets_sub_bullets_and_escapes() -> None:
    text = (
        "Inclusion Criteria:\n\n* Age \\>= 18 years\n* Adequate hepatic"
        " function as evidenced by:\n\n"
        "  * Serum total bilirubin \\< 1.5 mg/dL\n  * ALT \\< 3X the ULN\n* ECOG 0-1\n\n"
        "Exclusion Criteria:\n\n1. Pregnant\n2. Known HIV infection\n"
    )
    outline = parse_outline(text)
    assert [n.text for n in outline.inclusion] == [
        "Age >= 18 years",
        "Adequate hepatic function as evidenced by:",
        "ECOG 0-1",
    ]
    assert [c.link_id for c in outline.inclusion[1].children] == ["inc-2.1", "inc-2.2"]
    assert outline.inclusion[1].children[0].text == "Serum total bilirubin < 1.5 mg/dL"
    assert [n.text for n in outline.exclusion] == ["Pregnant", "Known HIV infection"]


@pytest.mark.parametrize(
    ("header_inclusion", "header_exclusion"),
    [
        ("Key Inclusion Criteria:", "Key Exclusion Criteria:"),
        ("INCLUSION CRITERIA:", "EXCLUSION CRITERIA:"),
        ("Inclusion Criteria", "Exclusion Criteria"),
        ("* INCLUSION CRITERIA:", "* EXCLUSION CRITERIA:"),
    ],
)
def test_header_variants(header_inclusion: str, header_exclusion: str) -> None:
    outline = parse_outline(f"{header_inclusion}\n\n* A\n* B\n\n{header_exclusion}\n\n* C\n")
    assert [n.text for n in outline.inclusion] == ["A", "B"]
    assert [n.text for n in outline.exclusion] == ["C"]


def test_text_without_headers_is_inclusion() -> None:
    outline = parse_outline("* Age >= 18\n* ECOG 0-1")
    assert [n.link_id for n in outline.inclusion] == ["inc-1", "inc-2"]
    assert outline.exclusion == []


def test_cohort_headers_tag_their_bullets() -> None:
    text = (
        "Inclusion Criteria for Cohort 1:\n\n* Melanoma\n\n"
        "Inclusion Criteria for Cohort 2:\n\n* NSCLC\n\nExclusion Criteria:\n\n* Pregnant\n"
    )
    outline = parse_outline(text)
    assert [(n.text, n.cohort) for n in outline.inclusion] == [
        ("Melanoma", "Cohort 1"),
        ("NSCLC", "Cohort 2"),
    ]
    assert outline.exclusion[0].cohort is None


def test_prose_lead_in_takes_the_bullets_that_follow(records: list[dict]) -> None:
    study = next(
        r for r in records if r["protocolSection"]["identificationModule"]["nctId"] == "NCT03102606"
    )
    outline = parse_outline(study["protocolSection"]["eligibilityModule"]["eligibilityCriteria"])
    by_id = {node.link_id: node for node in outline.walk()}
    assert by_id["inc-3"].text == "Patients with:"
    assert [c.text for c in by_id["inc-3"].children] == ["Phase 2 only:", "Phase 3 only:"]
    assert len(by_id["inc-3.2"].children) == 3
    assert by_id["exc-13"].text == "Significant cardiovascular history:"
    assert len(by_id["exc-13"].children) == 6
