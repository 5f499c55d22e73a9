"""The patient package reads Bundles and nothing more: it imports no other layer of fhirtrial."""

from __future__ import annotations

import ast
from pathlib import Path

import fhirtrial.patient

PACKAGE = Path(fhirtrial.patient.__file__).resolve().parent
ALLOWED_OUTSIDE = {"fhirtrial.errors", "fhirtrial.lru"}


def _fhirtrial_imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {name for name in found if name == "fhirtrial" or name.startswith("fhirtrial.")}


def test_the_patient_package_imports_only_itself_and_leaf_modules() -> None:
    outside = {
        f"{path.name}: {name}"
        for path in PACKAGE.glob("*.py")
        for name in _fhirtrial_imports(path)
        if not name.startswith("fhirtrial.patient") and name not in ALLOWED_OUTSIDE
    }
    assert not outside
