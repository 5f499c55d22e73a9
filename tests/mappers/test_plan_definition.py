"""The protocol PlanDefinition: arms, their interventions, and detected treatment sequences."""

from __future__ import annotations

import copy
from functools import cache

import pytest

from fhirtrial.mappers.ctgov import map_study
from fhirtrial.mappers.protocol_steps import find_sequence
from tests.mappers.mapper_helpers import load_ctgov_records, module, nct_id_of, walk_actions

RECORDS = {nct_id_of(record): record for record in load_ctgov_records()}


@cache
def protocol_of(nct_id: str) -> dict:
    return map_study(copy.deepcopy(RECORDS[nct_id])).resources[1]


all_studies = pytest.mark.parametrize("nct_id", list(RECORDS))


@all_studies
def test_protocol_is_a_clinical_protocol_with_one_action_per_arm(nct_id):
    record = RECORDS[nct_id]
    protocol = protocol_of(nct_id)
    assert protocol["type"]["coding"][0]["code"] == "clinical-protocol"
    assert protocol["title"].startswith(f"Protocol of {nct_id}")
    arms = module(record, "armsInterventionsModule").get("armGroups", [])
    arm_actions = [a for a in protocol.get("action", []) if a["linkId"].startswith("arm-")]
    assert [a["title"] for a in arm_actions] == [arm["label"] for arm in arms]
    assert [a["linkId"] for a in arm_actions] == [f"arm-{i + 1}" for i in range(len(arms))]


@all_studies
def test_each_arm_action_holds_the_interventions_given_in_that_arm(nct_id):
    record = RECORDS[nct_id]
    interventions = module(record, "armsInterventionsModule").get("interventions", [])
    arms = module(record, "armsInterventionsModule").get("armGroups", [])
    arm_actions = {a["title"]: a for a in protocol_of(nct_id).get("action", [])}
    for arm in arms:
        given = [i for i in interventions if arm["label"] in i.get("armGroupLabels", [])]
        sub_actions = arm_actions[arm["label"]].get("action", [])
        assert [a["title"] for a in sub_actions] == [i["name"] for i in given]
        for intervention, action in zip(given, sub_actions, strict=True):
            type_codes = [c["code"] for c in action["code"]["coding"]]
            assert intervention["type"] in type_codes
            other_names = [e["valueString"] for e in action.get("extension", [])]
            assert other_names == [n.strip() for n in intervention.get("otherNames", [])]


@all_studies
def test_action_link_ids_are_unique_and_related_actions_point_inside(nct_id):
    actions = list(walk_actions(protocol_of(nct_id).get("action", [])))
    link_ids = [a["linkId"] for a in actions]
    assert len(link_ids) == len(set(link_ids))
    for action in actions:
        for related in action.get("relatedAction", []):
            assert related["targetId"] in link_ids


def test_breast_cancer_drug_trials_get_no_invented_treatment_sequence():
    for nct_id in RECORDS:
        steps = [
            a
            for a in walk_actions(protocol_of(nct_id).get("action", []))
            if "-step-" in a["linkId"]
        ]
        assert steps == [], nct_id


TIL_TEXT = (
    "Tumor tissue is surgically removed and autologous tumor-infiltrating lymphocytes are "
    "expanded ex vivo. Patients then receive IL-2 after being infused with the TIL product, "
    "which follows non-myeloablative lymphodepletion with cyclophosphamide."
)


def test_sequence_order_follows_the_workflow_not_the_sentence_order():
    steps = find_sequence(TIL_TEXT)
    assert [step.key for step in steps] == [
        "tumor-resection",
        "manufacture",
        "lymphodepletion",
        "infusion",
        "interleukin-2",
    ]
    lymphodepletion = steps[2]
    assert lymphodepletion.agents == ("Cyclophosphamide",)
    assert "lymphodepletion" in lymphodepletion.sentence


def test_car_t_sequence_starts_with_leukapheresis():
    text = (
        "Participants undergo leukapheresis; CAR-T cells are manufactured from the collected "
        "T cells. After lymphodepleting chemotherapy with fludarabine and cyclophosphamide, "
        "the CAR-T cells are infused."
    )
    steps = find_sequence(text)
    assert [step.key for step in steps] == [
        "leukapheresis",
        "manufacture",
        "lymphodepletion",
        "infusion",
    ]
    assert steps[2].agents == ("Cyclophosphamide", "Fludarabine")


@pytest.mark.parametrize(
    "text",
    [
        None,
        "",
        # A drug trial that happens to mention resection, manufacture and infusion.
        "Paclitaxel (manufactured by Teva) is given as an infusion before surgical resection.",
        # Cell therapy words but no manufacturing step.
        "Autologous stem cells are infused after high-dose chemotherapy and IL-2.",
    ],
)
def test_texts_without_a_cell_product_workflow_give_no_sequence(text):
    assert find_sequence(text) == []


def test_a_single_intervention_takes_its_sequence_from_the_detailed_description():
    record = copy.deepcopy(RECORDS[next(iter(RECORDS))])
    module_ = record["protocolSection"]
    module_["armsInterventionsModule"] = {
        "armGroups": [
            {"label": "TIL", "type": "EXPERIMENTAL", "interventionNames": ["Biological: TIL"]}
        ],
        "interventions": [{"type": "BIOLOGICAL", "name": "TIL", "armGroupLabels": ["TIL"]}],
    }
    module_.setdefault("descriptionModule", {})["detailedDescription"] = TIL_TEXT
    protocol = map_study(record).resources[1]
    (arm,) = protocol["action"]
    (intervention,) = arm["action"]
    steps = intervention["action"]
    assert next(s["title"] for s in steps) == "Tumour resection"
    assert steps[1]["relatedAction"] == [
        {"targetId": steps[0]["linkId"], "relationship": "after-end"}
    ]
