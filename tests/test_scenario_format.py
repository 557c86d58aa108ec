"""The scenario format: loading, numbers as points or ranges, round trips, bundled cases."""

from __future__ import annotations

import numpy as np
import pytest

from detente.cases import case_names, case_path
from detente.scenario import load_scenario, load_scenario_text, point_arrays
from detente.scenario.numbers import Num
from detente.scenario.writer import scenario_to_yaml


def test_minimal_loads_with_points_and_ranges(minimal_text: str) -> None:
    sc = load_scenario_text(minimal_text, "minimal.yaml")
    assert [a.id for a in sc.actors] == ["a", "b", "c"]
    cap = sc.actor("c").capability
    assert cap.value == 1 and cap.bounds == (0.5, 2) and cap.is_range
    assert not sc.actor("a").capability.is_range
    assert sc.issue("y").scale.min == -10


def test_num_forms() -> None:
    assert Num.model_validate(3).value == 3
    assert Num.model_validate({"low": 1, "high": 3}).value == 2  # mode defaults to the midpoint
    assert Num.model_validate({"mode": 2, "low": 1, "high": 5}).bounds == (1, 5)
    n = Num.model_validate({"value": 2, "note": "why", "evidence": "a quote"})
    assert n.evidence is not None and n.evidence.quote == "a quote"
    with pytest.raises(ValueError):
        Num.model_validate({"low": 3, "mode": 1, "high": 5})
    with pytest.raises(ValueError):
        Num.model_validate(True)


def test_arrays_mark_missing_stances(minimal_text: str) -> None:
    arr = point_arrays(load_scenario_text(minimal_text))
    assert arr.position.shape == (3, 2)
    assert np.isnan(arr.position[1, 1]) and arr.salience[1, 1] == 0
    assert arr.weight[0, 0] == pytest.approx(2 * 0.5)
    assert arr.status_quo.tolist() == [50, 0]


@pytest.mark.parametrize("name", case_names())
def test_bundled_cases_validate_and_round_trip(name: str) -> None:
    sc = load_scenario(case_path(name))
    text = scenario_to_yaml(sc)
    again = load_scenario_text(text, f"{name}-roundtrip.yaml")
    assert again == sc
    assert scenario_to_yaml(again) == text


def test_bundled_cases_present() -> None:
    assert {"geneva-2022", "ec-emissions-1994"} <= set(case_names())


def test_founding_case_states_the_article() -> None:
    sc = load_scenario(case_path("geneva-2022"))
    assert "one article" in sc.meta.perspective
    assert sc.known_outcome is not None and sc.known_outcome.outcome_class.value == "escalation"
    assert str(sc.known_outcome.date) == "2022-02-24"
    assert {c.kind.value for c in sc.channels} == {"public", "closed"}
    assert {"C1", "C2", "C3", "C4", "C5", "C6"} <= {c.id for c in sc.claims}
    # every actor capability, position and salience carries a note saying why (or is plain 0 weight)
    for actor_id, stances in sc.positions.items():
        for issue_id, st in stances.items():
            assert st.salience.note, f"{actor_id}/{issue_id} salience has no note"
    for name, p in sc.parameters.items():
        assert p.note, f"parameter {name} has no note"


def test_arrays_from_matrices() -> None:
    from detente.scenario.arrays import Arrays

    arr = Arrays.from_matrices([[0, 10], [100, 20]], [[1, 0.5], [0.5, 1]], capability=[2, 3])
    assert arr.actor_ids == ("a0", "a1") and arr.issue_ids == ("i0", "i1")
    assert arr.capability.tolist() == [[2, 2], [3, 3]]
    assert np.isnan(arr.status_quo).all() and arr.hi.tolist() == [100, 100]
    assert arr.weight[1, 0] == pytest.approx(1.5)
