"""The in-memory match index (`index.mirror.IndexMirror`) selects exactly the entries that pass
every key asked for — status, studies, diagnosis keys, age, sex, phase — however its posting
lists are combined (it starts from the narrowest set for speed)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from fhirtrial.matching.index.mirror import IndexMirror
from fhirtrial.matching.keys import ANY_DIAGNOSIS, ANY_SEX

STATUSES = ("RECRUITING", "NOT_YET_RECRUITING", "COMPLETED", "WITHDRAWN")
DIAGNOSES = ("dx:a", "dx:b", "dx:c", ANY_DIAGNOSIS)
SEXES = ("female", "male", ANY_SEX)
PHASES = ("PHASE1", "PHASE2", "PHASE3")
IDS = tuple(f"s{i}" for i in range(12))

entries = st.fixed_dictionaries(
    {
        "status": st.lists(st.sampled_from(STATUSES), max_size=2, unique=True),
        "dx": st.lists(st.sampled_from(DIAGNOSES), max_size=3, unique=True),
        "age_lo": st.integers(0, 60),
        "span": st.integers(0, 60),
        "sex": st.sampled_from(SEXES),
        "phase": st.lists(st.sampled_from(PHASES), max_size=2, unique=True),
    }
)


def _mirror(found: list[dict]) -> IndexMirror:
    mirror = IndexMirror()
    for rid, entry in zip(IDS, found, strict=False):
        document = {k: v for k, v in entry.items() if k != "span"}
        document |= {"_id": rid, "age_hi": entry["age_lo"] + entry["span"]}
        mirror.put(document)  # type: ignore[arg-type]
    return mirror


def _passes(entry: dict, statuses, diagnoses, age, sex, phases, studies) -> bool:
    return (
        bool(set(entry["status"]) & set(statuses))
        and (not studies or entry["_id"] in studies)
        and (diagnoses is None or bool(set(entry.get("dx") or ()) & set(diagnoses)))
        and (age is None or entry["age_lo"] <= age <= entry["age_hi"])
        and (sex is None or entry["sex"] in (sex, ANY_SEX))
        and (not phases or bool(phases & set(entry.get("phase") or ())))
    )


@settings(max_examples=300, deadline=None)
@given(
    found=st.lists(entries, max_size=len(IDS)),
    statuses=st.lists(st.sampled_from(STATUSES), min_size=1, max_size=3, unique=True),
    diagnoses=st.none() | st.lists(st.sampled_from(DIAGNOSES), max_size=3, unique=True),
    age=st.none() | st.integers(0, 120),
    sex=st.none() | st.sampled_from(("female", "male")),
    phases=st.frozensets(st.sampled_from(PHASES), max_size=2),
    studies=st.frozensets(st.sampled_from(IDS), max_size=5),
)
def test_select_answers_exactly_the_entries_that_pass_every_key(
    found, statuses, diagnoses, age, sex, phases, studies
):
    mirror = _mirror(found)
    selected = mirror.select(
        statuses=statuses,
        diagnoses=diagnoses,
        age=age,
        sex=sex,
        phases=phases,
        studies=studies,
        any_sex=ANY_SEX,
    )
    expected = {
        rid
        for rid, entry in mirror.entries.items()
        if _passes(entry, statuses, diagnoses, age, sex, phases, studies)
    }
    assert sorted(e["_id"] for e in selected) == sorted(expected)


def test_a_replaced_or_removed_entry_is_selected_by_its_current_keys_only():
    mirror = IndexMirror()
    base = {"age_lo": 0, "age_hi": 120, "sex": ANY_SEX}
    mirror.put({"_id": "s1", "status": ["RECRUITING"], "dx": ["dx:a"], **base})  # type: ignore[typeddict-item]
    mirror.put({"_id": "s1", "status": ["COMPLETED"], "dx": ["dx:b"], **base})  # type: ignore[typeddict-item]
    mirror.put({"_id": "s2", "status": ["RECRUITING"], "dx": ["dx:a"], **base})  # type: ignore[typeddict-item]
    mirror.remove("s2")

    def ids(statuses: list[str], diagnoses: list[str] | None) -> list[str]:
        return sorted(
            e["_id"]
            for e in mirror.select(
                statuses=statuses,
                diagnoses=diagnoses,
                age=None,
                sex=None,
                phases=frozenset(),
                studies=frozenset(),
                any_sex=ANY_SEX,
            )
        )

    assert ids(["RECRUITING"], None) == []
    assert ids(["RECRUITING"], ["dx:a"]) == []
    assert ids(["COMPLETED"], ["dx:b"]) == ["s1"]
    assert ids(["COMPLETED"], ["dx:a"]) == []
