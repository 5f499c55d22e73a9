"""MeSH codings from the CT.gov derived section.

CT.gov API v2 writes every MeSH unique ID with nine digits ("D000001943"), left-padding the
six-digit IDs that MeSH itself still uses for older records ("D001943"). Newer MeSH IDs really have
nine digits ("D000068878"). Padding is undone where the number is clearly in the old six-digit
range; near the point where MeSH switched, the two cannot be told apart, so no coding is made
there (the term stays as text) rather than risking a wrong code.
"""

from __future__ import annotations

import re
from typing import Any

from fhirtrial.mappers.codes import MESH_SYSTEM, coding

_MESH_ID = re.compile(r"([CD])(\d{6}|\d{9})")

# Per prefix: (first number whose padded form is ambiguous, first number surely native 9-digit).
_AMBIGUOUS_RANGE = {"D": (65_000, 68_000), "C": (560_000, 600_000)}


def mesh_unique_id(ctgov_id: object) -> str | None:
    """The MeSH unique ID for a CT.gov mesh id, or None when it cannot be stated for sure."""
    if not isinstance(ctgov_id, str):
        return None
    match = _MESH_ID.fullmatch(ctgov_id)
    if match is None:
        return None
    prefix, digits = match.groups()
    if len(digits) == 6:
        return ctgov_id
    if not digits.startswith("000"):
        return ctgov_id
    number = int(digits)
    ambiguous_from, native_from = _AMBIGUOUS_RANGE[prefix]
    if number < ambiguous_from:
        return f"{prefix}{number:06d}"
    if number >= native_from:
        return ctgov_id
    return None


def mesh_coding(ctgov_id: object, term: str | None) -> dict[str, Any] | None:
    unique_id = mesh_unique_id(ctgov_id)
    if unique_id is None:
        return None
    return coding(MESH_SYSTEM, unique_id, term)


def mesh_terms(browse_module: dict[str, Any]) -> list[tuple[object, str]]:
    """(id, term) pairs of a conditionBrowseModule / interventionBrowseModule's `meshes`; the id
    is as CT.gov wrote it (`mesh_unique_id` checks it)."""
    pairs: list[tuple[object, str]] = []
    for mesh in browse_module.get("meshes") or []:
        if isinstance(mesh, dict) and isinstance(mesh.get("term"), str):
            pairs.append((mesh.get("id"), mesh["term"].strip()))
    return pairs


def concepts_with_mesh(texts: list[str], browse_module: dict[str, Any]) -> list[dict[str, Any]]:
    """One CodeableConcept per text; MeSH terms matching a text join it, the rest follow."""
    concepts: list[dict[str, Any]] = []
    by_text: dict[str, dict[str, Any]] = {}
    for value in texts:
        key = value.casefold()
        if key not in by_text:
            by_text[key] = {"text": value}
            concepts.append(by_text[key])
    for mesh_id, term in mesh_terms(browse_module):
        concept = by_text.get(term.casefold())
        if concept is None:
            concept = {"text": term}
            by_text[term.casefold()] = concept
            concepts.append(concept)
        mesh = mesh_coding(mesh_id, term)
        if mesh is not None and mesh not in concept.setdefault("coding", []):
            concept["coding"].append(mesh)
    for concept in concepts:
        if concept.get("coding") == []:
            del concept["coding"]
    return concepts
