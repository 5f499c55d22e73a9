"""The server's static conformance resources: the JSON files of the repository's `conformance/`
folder, which the wheel carries as `fhirtrial/conformance_files/`.

`publication` publishes them; the operations read their own OperationDefinition here, so what a
handler accepts is what the published definition says.
"""

import json
from functools import cache
from pathlib import Path
from typing import Any

_PACKAGE = Path(__file__).resolve().parent


def conformance_dir() -> Path:
    installed = _PACKAGE / "conformance_files"
    return installed if installed.is_dir() else _PACKAGE.parent / "conformance"


def static_resources() -> list[dict[str, Any]]:
    return [
        json.loads(path.read_text("utf-8")) for path in sorted(conformance_dir().glob("*.json"))
    ]


@cache
def operation_definition(url: str) -> dict[str, Any]:
    """The OperationDefinition with this canonical URL; KeyError when there is none."""
    for path in sorted(conformance_dir().glob("OperationDefinition-*.json")):
        resource: dict[str, Any] = json.loads(path.read_text("utf-8"))
        if resource.get("url") == url:
            return resource
    raise KeyError(f"no OperationDefinition {url} in {conformance_dir()}")
