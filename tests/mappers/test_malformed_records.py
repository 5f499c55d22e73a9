"""Real records with one value replaced by another JSON type: mapped or refused, never a crash."""

from __future__ import annotations

import pytest

from fhirtrial.mappers.ctgov import StudyMappingError, map_study, validate_mapped
from tests.mappers.mapper_helpers import load_ctgov_records
from tests.mutations import random_mutations

RECORDS = load_ctgov_records()[:35]  # the large NCT02513394 is slow to copy many times
NCT_PATH = ("protocolSection", "identificationModule", "nctId")


@pytest.mark.parametrize("index", range(0, 35, 5))
def test_every_mutated_record_maps_to_valid_fhir_with_its_nct_number_kept(index):
    record = RECORDS[index]
    nct_id = record["protocolSection"]["identificationModule"]["nctId"]
    mutations = random_mutations(
        record, 150, seed=index, keep=(NCT_PATH, NCT_PATH[:2], NCT_PATH[:1])
    )
    for mutation in mutations:
        try:
            mapped = map_study(mutation)
            validate_mapped(mapped)
        except StudyMappingError as error:  # only a record without a usable NCT number
            pytest.fail(f"a mutated {nct_id} was refused: {error}")
        assert mapped.resources[0]["id"] == nct_id
