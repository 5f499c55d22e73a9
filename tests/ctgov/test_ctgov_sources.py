"""Reading study records from files: a study, an API page, ndjson, directories, bad records."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from fhirtrial.ctgov import (
    CtGovError,
    StudySourceError,
    iter_source_records,
    iter_study_files,
)
from tests.ctgov.ctgov_helpers import BREAST_CANCER_NDJSON, LARGE_STUDY_FILE, nct_id


def test_a_single_study_file(large_study: dict[str, Any]) -> None:
    [study] = list(iter_study_files(LARGE_STUDY_FILE))
    assert study == large_study
    assert nct_id(study) == "NCT02513394"


def test_an_ndjson_file_yields_every_line_in_order(
    breast_cancer_studies: list[dict[str, Any]],
) -> None:
    records = list(iter_source_records(BREAST_CANCER_NDJSON))

    assert [r.study for r in records] == breast_cancer_studies
    assert [r.origin.line for r in records] == list(range(1, 36))
    assert all(r.error is None for r in records)
    assert str(records[4].origin).endswith("breast-cancer-studies.ndjson:5")


def test_an_api_search_page(tmp_path: Path, breast_cancer_studies: list[dict[str, Any]]) -> None:
    page = tmp_path / "page-1.json"
    page.write_text(
        json.dumps({"studies": breast_cancer_studies[:10], "nextPageToken": "NF0g5JGBlPMuwQY"})
    )

    records = list(iter_source_records(page))

    assert [r.study for r in records] == breast_cancer_studies[:10]
    assert [r.origin.index for r in records] == list(range(10))


def test_a_json_array_of_studies(
    tmp_path: Path, breast_cancer_studies: list[dict[str, Any]]
) -> None:
    array = tmp_path / "studies.json"
    array.write_text(json.dumps(breast_cancer_studies[:3]))
    assert list(iter_study_files(array)) == breast_cancer_studies[:3]


def test_a_directory_is_read_recursively_in_sorted_order(
    tmp_path: Path, large_study: dict[str, Any], breast_cancer_studies: list[dict[str, Any]]
) -> None:
    (tmp_path / "b" / "nested").mkdir(parents=True)
    shutil.copy(BREAST_CANCER_NDJSON, tmp_path / "b" / "nested" / "breast.ndjson")
    shutil.copy(LARGE_STUDY_FILE, tmp_path / "a-NCT02513394.json")
    (tmp_path / "c-page.json").write_text(json.dumps({"studies": breast_cancer_studies[:2]}))
    (tmp_path / "notes.txt").write_text("not a study, not read")
    (tmp_path / ".cache").mkdir()
    (tmp_path / ".cache" / "stale.json").write_text("{}")

    studies = list(iter_study_files(tmp_path))

    assert studies == [large_study, *breast_cancer_studies, *breast_cancer_studies[:2]]


def test_bad_lines_are_reported_with_their_line_and_reading_continues(
    tmp_path: Path, breast_cancer_studies: list[dict[str, Any]]
) -> None:
    lines = [json.dumps(study) for study in breast_cancer_studies[:6]]
    lines[2] = lines[2][: len(lines[2]) // 2]  # truncated mid-record
    lines[4] = json.dumps({"studies": "none"})
    source = tmp_path / "mixed.ndjson"
    source.write_text("\n".join([*lines[:3], "", *lines[3:]]) + "\n")

    records = list(iter_source_records(source))

    good = [r for r in records if r.study is not None]
    bad = [r for r in records if r.error is not None]
    assert [r.study for r in good] == [breast_cancer_studies[i] for i in (0, 1, 3, 5)]
    assert [r.origin.line for r in bad] == [3, 6]  # the blank line 4 shifts the 5th record
    assert all("mixed.ndjson" in str(r.error) for r in bad)
    assert "not valid JSON" in str(bad[0].error)
    assert "protocolSection" in str(bad[1].error)


def test_iter_study_files_stops_at_the_first_bad_record(
    tmp_path: Path, breast_cancer_studies: list[dict[str, Any]]
) -> None:
    source = tmp_path / "studies.ndjson"
    source.write_text(f"{json.dumps(breast_cancer_studies[0])}\n[1, 2, 3]\n")
    read: list[dict[str, Any]] = []

    with pytest.raises(StudySourceError) as caught:
        read.extend(iter_study_files(source))

    assert read == [breast_cancer_studies[0]]
    assert caught.value.origin.path == source
    assert caught.value.origin.line == 2
    assert "studies.ndjson:2" in str(caught.value)
    assert isinstance(caught.value, CtGovError)


def test_ndjson_saved_with_a_json_suffix_is_recognised(
    tmp_path: Path, breast_cancer_studies: list[dict[str, Any]]
) -> None:
    source = tmp_path / "export.json"
    source.write_text("\n".join(json.dumps(s) for s in breast_cancer_studies[:4]))
    records = list(iter_source_records(source))
    assert [r.study for r in records] == breast_cancer_studies[:4]
    assert [r.origin.line for r in records] == [1, 2, 3, 4]


def test_a_broken_json_file_points_at_the_line(tmp_path: Path) -> None:
    source = tmp_path / "NCT02513394.json"
    source.write_text(LARGE_STUDY_FILE.read_text(encoding="utf-8")[:5000])

    [record] = list(iter_source_records(source))

    assert record.study is None
    assert record.error is not None
    assert record.origin.path == source
    assert record.origin.line is not None and record.origin.line > 1


def test_a_page_with_one_bad_study_keeps_the_others(
    tmp_path: Path, breast_cancer_studies: list[dict[str, Any]]
) -> None:
    page = tmp_path / "page.json"
    broken = {"protocolSection": {"identificationModule": {"nctId": "NCT-2513394"}}}
    page.write_text(json.dumps({"studies": [breast_cancer_studies[0], broken]}))

    records = list(iter_source_records(page))

    assert records[0].study == breast_cancer_studies[0]
    assert records[1].error is not None
    assert "NCT-2513394" in str(records[1].error)
    assert "[record 1]" in str(records[1].error)


def test_a_byte_order_mark_is_tolerated(tmp_path: Path, large_study: dict[str, Any]) -> None:
    source = tmp_path / "bom.json"
    source.write_bytes(b"\xef\xbb\xbf" + LARGE_STUDY_FILE.read_bytes())
    assert list(iter_study_files(source)) == [large_study]


def test_a_missing_path_is_an_error_of_the_caller(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        list(iter_source_records(tmp_path / "nowhere.ndjson"))
