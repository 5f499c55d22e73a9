r"""Regenerate fhirtrial/mappers/record_shape.json from real ClinicalTrials.gov records.

    python tools/record_shape.py tests/data/ctgov fhirtrial/data/seeds \
        > fhirtrial/mappers/record_shape.json

Reads the studies in the given files or directories as `fhirtrial import --file` reads them and
writes every field path of the checked sections with the JSON types seen there
(`fhirtrial.mappers.record_shape.infer_shape`), one path a line.
"""

import json
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

from fhirtrial.ctgov import iter_source_records
from fhirtrial.mappers.record_shape import infer_shape


def records(paths: Iterable[str]) -> Iterator[dict]:
    for name in paths:
        for record in iter_source_records(Path(name)):
            if record.study is not None:
                yield record.study


def shape_json(shape: dict[str, list[str]]) -> str:
    """The shape as record_shape.json holds it: one field path a line."""
    lines = [f"  {json.dumps(path)}: {json.dumps(types)}" for path, types in shape.items()]
    return "{\n" + ",\n".join(lines) + "\n}\n"


def main(paths: list[str]) -> int:
    if not paths:
        sys.stderr.write(__doc__ or "")
        return 2
    sys.stdout.write(shape_json(infer_shape(records(paths))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
