"""Re-fetch the official FHIR R5 definitions the tests validate against.

Downloads the npm package `hl7.fhir.r5.core` 5.0.0 (CC0-1.0) from the npm registry, checks it
against the registry's published sha512 integrity, and writes to tests/data/fhir-r5/:

- `fhir.schema.json.gz`: `package/openapi/fhir.schema.json`, byte for byte, gzipped;
- `definitions.json.gz`: a JSON array of the package's StructureDefinitions of the types the
  server serves and of every data type (complex and primitive), plus the ValueSets and
  CodeSystems their required bindings name, each resource unchanged.

The output is deterministic (gzip without a timestamp, resources in package order), so a re-run
that changes nothing rewrites identical files.

    python tools/fetch_r5_definitions.py
"""

import base64
import gzip
import hashlib
import io
import json
import sys
import tarfile
from pathlib import Path
from typing import Any

import httpx

from fhirtrial.resources.registry import RESOURCE_TYPES

PACKAGE = "hl7.fhir.r5.core"
VERSION = "5.0.0"
REGISTRY = "https://registry.npmjs.org"
TARGET = Path(__file__).resolve().parent.parent / "tests" / "data" / "fhir-r5"

# What fhirtrial serves (fhirtrial/resources/registry.py), plus what it emits without storing.
SERVED_TYPES = (
    *RESOURCE_TYPES,
    "CapabilityStatement",
    "Bundle",
    "OperationOutcome",
    "Parameters",
    "TestScript",
)


def fetch_tarball() -> bytes:
    meta = httpx.get(f"{REGISTRY}/{PACKAGE}/{VERSION}", timeout=60).raise_for_status().json()
    dist = meta["dist"]
    tarball = httpx.get(dist["tarball"], timeout=300, follow_redirects=True).raise_for_status()
    algorithm, _, expected = dist["integrity"].partition("-")
    actual = base64.b64encode(hashlib.new(algorithm, tarball.content).digest()).decode()
    if actual != expected:
        sys.exit(f"{dist['tarball']}: {algorithm} {actual} is not the registry's {expected}")
    return tarball.content


def package_files(tarball: bytes) -> dict[str, bytes]:
    with tarfile.open(fileobj=io.BytesIO(tarball), mode="r:gz") as archive:
        return {
            member.name: archive.extractfile(member).read()  # type: ignore[union-attr]
            for member in archive.getmembers()
            if member.isfile() and member.name.endswith(".json")
        }


def selected_definitions(files: dict[str, bytes]) -> list[dict[str, Any]]:
    resources = [
        json.loads(body)
        for name, body in files.items()
        if name.startswith("package/") and name.count("/") == 1
    ]
    structures = [
        r
        for r in resources
        if r.get("resourceType") == "StructureDefinition"
        and r.get("derivation") == "specialization"
        and (
            r.get("kind") in ("complex-type", "primitive-type")
            or (r.get("kind") == "resource" and r.get("type") in SERVED_TYPES)
        )
    ]
    bound = {
        element["binding"]["valueSet"].split("|")[0]
        for structure in structures
        for element in structure["snapshot"]["element"]
        if element.get("binding", {}).get("strength") == "required"
        and "valueSet" in element["binding"]
    }
    value_sets = [r for r in resources if r.get("resourceType") == "ValueSet" and r["url"] in bound]
    systems = {
        include["system"]
        for value_set in value_sets
        for include in value_set.get("compose", {}).get("include", [])
        if "system" in include
    }
    code_systems = [
        r for r in resources if r.get("resourceType") == "CodeSystem" and r.get("url") in systems
    ]
    return structures + value_sets + code_systems


def write_gzip(path: Path, content: bytes) -> None:
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, mtime=0, compresslevel=9) as out:
        out.write(content)
    path.write_bytes(buffer.getvalue())
    print(f"{path.relative_to(TARGET.parent.parent.parent)}: {len(buffer.getvalue()):,} bytes")


def main() -> None:
    files = package_files(fetch_tarball())
    TARGET.mkdir(parents=True, exist_ok=True)
    write_gzip(TARGET / "fhir.schema.json.gz", files["package/openapi/fhir.schema.json"])
    definitions = selected_definitions(files)
    write_gzip(
        TARGET / "definitions.json.gz",
        json.dumps(definitions, ensure_ascii=False, separators=(",", ":")).encode(),
    )


if __name__ == "__main__":
    main()
