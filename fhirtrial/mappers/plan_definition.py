"""The study protocol as a PlanDefinition (type clinical-protocol).

One action per arm (linkId `arm-<n>`, the same as ResearchStudy.comparisonGroup.linkId), each with
a sub-action per intervention given in that arm. Interventions in no arm (expanded access records
have no arms at all) are top-level actions. Where a text describes an ordered treatment sequence
(see protocol_steps), the intervention gets one sub-action per step, each step pointing at the one
before it through `relatedAction` (after-end).
"""

from __future__ import annotations

from typing import Any

from fhirtrial.mappers import ids
from fhirtrial.mappers.codes import (
    ARM_GROUP_TYPE,
    CLINICAL_PROTOCOL,
    INTERVENTION_OTHER_NAME_EXTENSION,
    INTERVENTION_TYPE,
    NCT_IDENTIFIER_SYSTEM,
)
from fhirtrial.mappers.context import MappingContext
from fhirtrial.mappers.protocol_steps import ProtocolStep, find_sequence
from fhirtrial.mappers.record import dig, items, section, text
from fhirtrial.mappers.study_status import protocol_status


def arms(study: dict[str, Any]) -> list[dict[str, Any]]:
    return [arm for arm in items(section(study, "armsInterventionsModule"), "armGroups") if arm]


def interventions(study: dict[str, Any]) -> list[dict[str, Any]]:
    module = section(study, "armsInterventionsModule")
    return [entry for entry in items(module, "interventions") if isinstance(entry, dict)]


def arm_link_id(index: int) -> str:
    """linkId of the arm at 0-based `index` in armGroups: `arm-1`, `arm-2`, ..."""
    return f"arm-{index + 1}"


def _name_key(value: object) -> str:
    return " ".join(str(value).split()).casefold()


def _belongs_to_arm(intervention: dict[str, Any], arm: dict[str, Any]) -> bool:
    label = text(arm.get("label"))
    if label and _name_key(label) in {
        _name_key(value) for value in items(intervention, "armGroupLabels")
    }:
        return True
    # armGroups[].interventionNames reads "Drug: Paclitaxel"; the type prefix is a display name.
    name = text(intervention.get("name"))
    listed = {_name_key(entry.split(": ", 1)[-1]) for entry in items(arm, "interventionNames")}
    return bool(name) and _name_key(name) in listed


def _step_actions(steps: list[ProtocolStep], prefix: str) -> list[dict[str, Any]]:
    actions = []
    for number, step in enumerate(steps, start=1):
        action: dict[str, Any] = {
            "linkId": f"{prefix}-step-{number}",
            "title": step.title,
            "description": step.sentence,
        }
        if number > 1:
            action["relatedAction"] = [
                {"targetId": f"{prefix}-step-{number - 1}", "relationship": "after-end"}
            ]
        if step.agents:
            action["action"] = [
                {"linkId": f"{prefix}-step-{number}-agent-{index}", "title": agent}
                for index, agent in enumerate(step.agents, start=1)
            ]
        actions.append(action)
    return actions


def _intervention_action(
    intervention: dict[str, Any],
    link_id: str,
    fallback_texts: list[str | None],
    ctx: MappingContext,
) -> dict[str, Any]:
    action: dict[str, Any] = {"linkId": link_id}
    other_names = [name for name in items(intervention, "otherNames") if text(name)]
    if other_names:
        action["extension"] = [
            {"url": INTERVENTION_OTHER_NAME_EXTENSION, "valueString": name.strip()}
            for name in other_names
        ]
    action["title"] = text(intervention.get("name")) or "Intervention"
    description = text(intervention.get("description"))
    if description:
        action["description"] = description
    if intervention_type := text(intervention.get("type")):
        action["code"] = INTERVENTION_TYPE.concept(intervention_type, ctx)
    for candidate in [description, *fallback_texts]:
        if steps := find_sequence(candidate):
            action["action"] = _step_actions(steps, link_id)
            break
    return action


def _arm_action(
    study: dict[str, Any],
    arm: dict[str, Any],
    index: int,
    members: list[dict[str, Any]],
    ctx: MappingContext,
) -> dict[str, Any]:
    link_id = arm_link_id(index)
    action: dict[str, Any] = {
        "linkId": link_id,
        "title": text(arm.get("label")) or f"Arm {index + 1}",
    }
    if description := text(arm.get("description")):
        action["description"] = description
    if arm_type := text(arm.get("type")):
        action["code"] = ARM_GROUP_TYPE.concept(arm_type, ctx)
    # The arm or study text may describe the sequence only when one intervention is given.
    fallback = [description, *_study_texts(study)] if len(members) == 1 else []
    sub_actions = [
        _intervention_action(intervention, f"{link_id}-intervention-{number}", fallback, ctx)
        for number, intervention in enumerate(members, start=1)
    ]
    if sub_actions:
        action["action"] = sub_actions
    return action


def _study_texts(study: dict[str, Any]) -> list[str | None]:
    description = section(study, "descriptionModule")
    return [text(description.get("detailedDescription")), text(description.get("briefSummary"))]


def protocol_actions(study: dict[str, Any], ctx: MappingContext) -> list[dict[str, Any]]:
    all_interventions = interventions(study)
    actions = []
    placed: set[int] = set()
    for index, arm in enumerate(arms(study)):
        members = [item for item in all_interventions if _belongs_to_arm(item, arm)]
        placed.update(id(item) for item in members)
        actions.append(_arm_action(study, arm, index, members, ctx))
    unplaced = [item for item in all_interventions if id(item) not in placed]
    fallback = _study_texts(study) if len(unplaced) == 1 else []
    actions.extend(
        _intervention_action(item, f"intervention-{number}", fallback, ctx)
        for number, item in enumerate(unplaced, start=1)
    )
    return actions


def plan_definition(study: dict[str, Any], ctx: MappingContext) -> dict[str, Any]:
    nct_id = ctx.nct_id
    resource_id = ids.plan_definition_id(nct_id)
    identification = section(study, "identificationModule")
    title = text(identification.get("briefTitle")) or text(identification.get("officialTitle"))
    resource: dict[str, Any] = {
        "resourceType": "PlanDefinition",
        "id": resource_id,
        "url": ids.canonical_url("PlanDefinition", resource_id),
        "identifier": [{"use": "official", "system": NCT_IDENTIFIER_SYSTEM, "value": nct_id}],
        "name": f"{nct_id}_protocol",
        "title": f"Protocol of {nct_id}: {title}" if title else f"Protocol of {nct_id}",
        "type": {"coding": [CLINICAL_PROTOCOL]},
        "status": protocol_status(study),
    }
    if sponsor := text(dig(section(study, "sponsorCollaboratorsModule"), "leadSponsor", "name")):
        resource["publisher"] = sponsor
    if summary := text(section(study, "descriptionModule").get("briefSummary")):
        resource["description"] = summary
    if actions := protocol_actions(study, ctx):
        resource["action"] = actions
    return resource
