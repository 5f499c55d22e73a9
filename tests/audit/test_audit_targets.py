"""Which requests the audit trail sees as which interaction, and which searches reach patient
data: read from the method and path alone, before any handler runs."""

import pytest

from fhirtrial.api.audit import Target, target_of, touches_patients


@pytest.mark.parametrize(
    ("method", "path", "expected"),
    [
        ("GET", "/Patient/1", Target("Patient", "read", "R", rid="1")),
        ("HEAD", "/Patient/1", Target("Patient", "read", "R", rid="1")),
        ("GET", "/Patient/1/_history/2", Target("Patient", "vread", "R", rid="1", version="2")),
        ("GET", "/Patient/1/_history", Target("Patient", "history-instance", "R", rid="1")),
        ("GET", "/Patient/_history", Target("Patient", "history-type", "R")),
        ("GET", "/Patient", Target("Patient", "search-type", "E")),
        ("POST", "/Patient/_search", Target("Patient", "search-type", "E")),
        ("POST", "/Patient", Target("Patient", "create", "C")),
        ("PUT", "/Patient/1", Target("Patient", "update", "U", rid="1")),
        ("PATCH", "/Patient/1", Target("Patient", "patch", "U", rid="1")),
        ("DELETE", "/Patient/1", Target("Patient", "delete", "D", rid="1")),
        (
            "POST",
            "/ResearchStudy/$match",
            Target("ResearchStudy", "operation", "E", operation="match"),
        ),
        ("POST", "/AuditEvent", Target("AuditEvent", "create", "C")),
        ("GET", "/", Target("", "search-system", "E")),
        ("POST", "/_search", Target("", "search-system", "E")),
        ("GET", "/_history", Target("", "history-system", "R")),
        ("GET", "/metadata", None),
        ("GET", "/health", None),
        ("GET", "/Observation/1", None),  # not a served type: a 404, nothing touched
        ("OPTIONS", "/Patient", None),  # a CORS preflight
        ("GET", "/Patient/1/_history/2/extra", None),
    ],
)
def test_the_interaction_of_a_request(method, path, expected):
    assert target_of(method, path) == expected


@pytest.mark.parametrize(
    ("resource_type", "params", "expected"),
    [
        ("Patient", [], True),
        ("ResearchSubject", [("status", "active")], True),
        ("Group", [], True),
        ("AuditEvent", [], True),
        ("ResearchStudy", [("status", "active")], False),
        ("ResearchStudy", [("_include", "ResearchStudy:protocol")], False),
        ("ResearchStudy", [("_revinclude", "ResearchSubject:study")], True),
        ("ResearchStudy", [("_revinclude:iterate", "ResearchSubject:study")], True),
        # `eligibility` may point at a Group, and explicitly at one.
        ("ResearchStudy", [("_include", "ResearchStudy:eligibility")], True),
        ("ResearchStudy", [("_include", "ResearchStudy:eligibility:EvidenceVariable")], False),
        ("ResearchStudy", [("_include", "ResearchStudy:eligibility:Group")], True),
        ("Location", [("_revinclude", "ResearchStudy:site")], False),
        # Chains and _has that select by patient data.
        ("ResearchStudy", [("_has:ResearchSubject:study:status", "active")], True),
        ("ResearchStudy", [("site.name", "boston")], False),
        ("ResearchStudy", [("site:Location.organization.name", "acme")], False),
        ("ResearchStudy", [("eligibility:Group.member", "Patient/p1")], True),
        ("ResearchStudy", [("eligibility.name", "x")], True),  # may be a Group
        ("Location", [("_has:ResearchStudy:site:_has:ResearchSubject:study:status", "x")], True),
        # System level: the types named, or every type.
        ("", [("_type", "ResearchStudy,Location")], False),
        ("", [("_type", "ResearchStudy,Patient")], True),
        ("", [], True),
    ],
)
def test_which_searches_reach_patient_data(resource_type, params, expected):
    assert touches_patients(resource_type, params) is expected
