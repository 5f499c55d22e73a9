"""A runner of FHIR R5 TestScript resources against any FHIR server over HTTP.

It imports nothing of the server: `fhirtrial conformance BASE_URL` runs the scripts of
`conformance/testscripts/` (or any others) against whatever answers at BASE_URL. `scripts` loads
them, `paths` evaluates the FHIRPath subset of variables and assertions, `requests` turns an
operation into an HTTP request, `asserts` checks one assertion, `runner` runs setup, tests and
teardown, `report` prints the pass/fail table.
"""
