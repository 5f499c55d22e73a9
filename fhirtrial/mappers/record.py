"""Tolerant access to the parts of a ClinicalTrials.gov API v2 study object."""

from __future__ import annotations

from typing import Any


def section(study: dict[str, Any], module: str) -> dict[str, Any]:
    """A module of `protocolSection` (e.g. "statusModule"), or {} when absent."""
    value = study.get("protocolSection", {}).get(module)
    return value if isinstance(value, dict) else {}


def derived(study: dict[str, Any], module: str) -> dict[str, Any]:
    value = study.get("derivedSection", {}).get(module)
    return value if isinstance(value, dict) else {}


def dig(data: Any, *keys: str) -> Any:
    """Follow `keys` through nested dicts; None as soon as one is missing."""
    for key in keys:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


def items(data: Any, *keys: str) -> list[Any]:
    """A list found at `keys`, or [] when absent or not a list."""
    value = dig(data, *keys) if keys else data
    return value if isinstance(value, list) else []


def text(value: Any) -> str | None:
    """A stripped, non-empty string, or None."""
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return None
