"""SMART scopes as the server reads them: v2 letters, v1 words, granular scopes (which grant
nothing), and what a caller with a set of scopes may do."""

import pytest

from fhirtrial.auth.errors import InsufficientScope, MissingToken
from fhirtrial.auth.policy import authorize
from fhirtrial.auth.principal import ANONYMOUS, Principal
from fhirtrial.auth.scopes import intersect, parse_scope, parse_scopes


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("patient/ResearchSubject.rs", "patient/ResearchSubject.rs"),
        ("user/*.cruds", "user/*.cruds"),
        ("system/*.rs", "system/*.rs"),
        ("patient/*.read", "patient/*.rs"),
        ("user/Patient.write", "user/Patient.cud"),
        ("user/*.*", "user/*.cruds"),
        (
            "patient/Observation.rs?category=vital-signs",
            "patient/Observation.rs?category=vital-signs",
        ),
    ],
)
def test_v1_and_v2_scopes_are_read(text, expected):
    assert str(parse_scope(text)) == expected


@pytest.mark.parametrize(
    "text",
    [
        "openid",
        "fhirUser",
        "launch/patient",
        "*.*",
        "user/*.sr",
        "user/*.rr",
        "user/*.x",
        "admin/*.rs",
        "user/patient.rs",
        "user/*.",
        "",
    ],
)
def test_other_or_malformed_scopes_grant_no_resource_access(text):
    assert parse_scope(text) is None


def caller(*scopes: str, patient: str | None = None) -> Principal:
    return Principal(client_id="app", scopes=scopes, patient=patient)


def test_each_interaction_needs_its_own_letter():
    reader = caller("system/*.rs")
    assert authorize(reader, "Patient", "r") is None
    assert authorize(reader, "Patient", "s") is None
    for letter in "cud":
        with pytest.raises(InsufficientScope) as refused:
            authorize(reader, "Patient", letter)
        assert refused.value.status == 403
        assert f"system/Patient.{letter}" in refused.value.diagnostics


def test_a_type_scope_covers_only_its_type():
    subjects = caller("user/ResearchSubject.rs")
    assert authorize(subjects, "ResearchSubject", "s") is None
    with pytest.raises(InsufficientScope):
        authorize(subjects, "Patient", "r")


def test_the_catalog_is_public_and_everything_else_needs_a_token():
    assert authorize(ANONYMOUS, "ResearchStudy", "s") is None
    assert authorize(ANONYMOUS, "StructureDefinition", "r") is None
    with pytest.raises(MissingToken):
        authorize(ANONYMOUS, "ResearchStudy", "c")
    for kind in ("Patient", "ResearchSubject", "Group", "Practitioner"):
        with pytest.raises(MissingToken):
            authorize(ANONYMOUS, kind, "r")


def test_patient_scopes_are_confined_to_the_launch_patients_compartment():
    app = caller("patient/*.rs", patient="p1")
    assert authorize(app, "Patient", "r") == "p1"
    assert authorize(app, "ResearchSubject", "s") == "p1"
    # Outside the compartment a patient/ scope grants nothing.
    with pytest.raises(InsufficientScope):
        authorize(app, "Practitioner", "r")
    # Without a launch patient it cannot be confined, so it grants nothing.
    with pytest.raises(InsufficientScope) as refused:
        authorize(caller("patient/*.rs"), "Patient", "r")
    assert "no launch patient" in refused.value.diagnostics


def test_a_granular_scope_grants_nothing():
    with pytest.raises(InsufficientScope):
        authorize(caller("user/ResearchSubject.rs?status=active"), "ResearchSubject", "s")


def test_granted_scopes_are_the_intersection_of_requested_and_registered():
    registered = parse_scopes(["system/*.rs", "system/ResearchSubject.c"])
    granted = intersect(
        parse_scopes(["system/Patient.cruds", "system/ResearchSubject.cu", "system/Group.d"]),
        registered,
    )
    assert [str(s) for s in granted] == [
        "system/Patient.rs",
        "system/ResearchSubject.c",
    ]
    assert intersect(parse_scopes(["user/*.rs"]), registered) == []
    narrower = intersect(parse_scopes(["system/*.cruds"]), parse_scopes(["system/Patient.rs"]))
    assert [str(s) for s in narrower] == ["system/Patient.rs"]
