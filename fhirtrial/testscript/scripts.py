"""Loading TestScripts: the ones shipped in `conformance/testscripts/`, or any folder of them."""

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fhirtrial.conformance import conformance_dir


def shipped_scripts_dir() -> Path:
    return conformance_dir() / "testscripts"


@dataclass(frozen=True)
class Script:
    path: Path
    resource: dict[str, Any]

    @property
    def name(self) -> str:
        return str(self.resource.get("name") or self.path.stem)

    def fixture(self, fixture_id: str) -> dict[str, Any] | None:
        """A fixture's resource: a contained resource (`"reference": "#id"`) or a JSON file
        next to the script (`"reference": "file.json"`)."""
        for fixture in self.resource.get("fixture", []):
            if fixture.get("id") != fixture_id:
                continue
            reference = str(fixture.get("resource", {}).get("reference", ""))
            if reference.startswith("#"):
                for contained in self.resource.get("contained", []):
                    if contained.get("id") == reference[1:]:
                        # The contained id only names the fixture inside the script.
                        return {k: v for k, v in contained.items() if k != "id"}
                return None
            loaded: dict[str, Any] = json.loads((self.path.parent / reference).read_text("utf-8"))
            return loaded
        return None


def load_scripts(folder: Path, names: list[str] | None = None) -> list[Script]:
    """The TestScripts of `folder` in file-name order; with `names`, only those whose `name`,
    `id` or file name (without `.json`) is listed. An unknown name is a ValueError."""
    scripts = []
    for path in sorted(folder.glob("*.json")):
        resource = json.loads(path.read_text("utf-8"))
        if resource.get("resourceType") == "TestScript":
            scripts.append(Script(path, resource))
    if not names:
        return scripts
    chosen = [s for s in scripts if {s.name, s.path.stem, str(s.resource.get("id"))} & set(names)]
    known = {key for s in chosen for key in (s.name, s.path.stem, str(s.resource.get("id")))}
    unknown = [name for name in names if name not in known]
    if unknown:
        available = ", ".join(str(s.resource.get("id") or s.path.stem) for s in scripts)
        raise ValueError(f"no TestScript {', '.join(unknown)} in {folder} (there are: {available})")
    return chosen
