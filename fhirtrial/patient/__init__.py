"""A patient's record: a FHIR Bundle (R4 or R5, as EHRs and Synthea export it) read into the
immutable `PatientRecord` facts that eligibility evaluation and `$match` work on.

- `values`: typed FHIR datatypes (codes, concepts, quantities, dates) read tolerantly;
- `items`: the normalized items of a record, one class per clinical category;
- `readers`: one reader per clinical resource type, resource dict → item;
- `record`: `read_patient_bundle(bundle, *, as_of)` → `PatientRecord` (or `PatientRecordError`);
- `bundle_input`: the Bundle posted to `$match`, checked, then read (`BadRequest` on bad input).

The package imports nothing else of fhirtrial except two leaf modules: `fhirtrial.errors` (the
`BadRequest` that `bundle_input` raises) and `fhirtrial.lru` (the parsed-date cache). It knows
nothing of criteria, studies, storage or HTTP; eligibility and matching import it, never the
reverse.
"""
