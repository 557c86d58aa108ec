"""Importers for KTAB (CSV, XML), Decide (DEM) and BdM stakeholder files, and the KTAB exporter.

Expected values below were read by hand from the source files. Tests on files under
../shared/data skip when that folder is absent; the KTAB files are also in tests/data/ktab.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from detente.errors import InputError
from detente.scenario.formats import FORMATS, export_ktab_csv, import_file
from detente.scenario.loader import load_scenario, load_scenario_text
from detente.scenario.schema import Scenario
from detente.scenario.writer import scenario_to_yaml

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"
KTAB_LOCAL = Path(__file__).resolve().parent / "data" / "ktab"
CASES = REPO / "src" / "detente" / "cases"


def shared(*parts: str) -> Path:
    p = SHARED_DATA.joinpath(*parts)
    if not p.exists():
        pytest.skip(f"shared data not available: {p}")
    return p


def shared_files(folder: str, pattern: str) -> list[str]:
    d = SHARED_DATA / folder
    return sorted(p.name for p in d.glob(pattern)) if d.is_dir() else []


def roundtrip(sc: Scenario) -> None:
    assert load_scenario_text(scenario_to_yaml(sc)) == sc


def stance(sc: Scenario, actor: str, issue: str) -> tuple[float, float]:
    st = sc.positions[actor][issue]
    return st.position.value, st.salience.value


def one_line_error(exc: pytest.ExceptionInfo[InputError], name: str, line: int | None) -> str:
    msg = str(exc.value)
    assert "\n" not in msg
    assert name in msg
    if line is not None:
        assert f"{name}:{line}:" in msg
    return msg


# --------------------------------------------------------------------------- KTAB CSV (local copies)


def test_ktab_soe_pol_comp() -> None:
    sc = import_file(KTAB_LOCAL / "SOE-Pol-Comp.csv", "ktab")
    assert len(sc.actors) == 13
    assert [i.id for i in sc.issues] == ["policy", "competitive"]
    assert [i.name for i in sc.issues] == ["Policy", "Competitive"]
    assert all((i.scale.min, i.scale.max) == (0, 100) for i in sc.issues)
    assert sc.settings.salience_budget == 1.0
    xj = sc.actor("XJ")
    assert xj.name == "Xi Jinping" and xj.capability.value == 100.0
    assert stance(sc, "XJ", "policy") == (30.0, 0.24)
    assert stance(sc, "XJ", "competitive") == (20.0, 0.48)
    assert sc.actor("LK").capability.value == 60.2
    assert stance(sc, "ZG", "competitive") == (15.0, 0.651)
    assert stance(sc, "WY", "policy") == (15.0, 0.49)
    assert sc.meta.id == "soe-pol-comp"
    assert sc.meta.title == "China Policy/Competitive; scen 2"
    assert "Imported from KTAB SMP CSV file SOE-Pol-Comp.csv" in sc.meta.perspective
    assert "author's assumptions" in sc.meta.perspective
    assert any("SOE-Pol-Comp.csv" in s.citation for s in sc.meta.sources)
    roundtrip(sc)


def test_ktab_single_dimension_files() -> None:
    pol = import_file(KTAB_LOCAL / "SOE-Policy.csv", "ktab")
    assert (len(pol.actors), [i.id for i in pol.issues]) == (26, ["policy"])
    assert pol.actor("USA").name == "US Gov" and pol.actor("USA").capability.value == 8
    assert stance(pol, "USA", "policy") == (100.0, 0.5)
    assert stance(pol, "ZGB", "policy") == (20.0, 0.5)
    comp = import_file(KTAB_LOCAL / "SOE-Competitive.csv", "ktab")
    assert (len(comp.actors), [i.id for i in comp.issues]) == (34, ["competitive"])
    assert stance(comp, "SASAC", "competitive") == (60.0, 0.95)
    assert comp.actor("FSM").capability.value == 5
    assert comp.meta.description.startswith("Scenario-0001; Reforming CNPC")
    roundtrip(pol)
    roundtrip(comp)


def test_ktab_dummy_3dim_csv_variants_agree() -> None:
    a = import_file(KTAB_LOCAL / "dummyData_3Dim.csv", "ktab")
    b = import_file(KTAB_LOCAL / "dummyData_3Dim-no-final-comma.csv", "ktab")
    assert len(a.actors) == 7 and [i.id for i in a.issues] == ["pstn1", "pstn2", "pstn3"]
    # All descriptions read "Random Spatial Actor": the KTAB name is kept as the display name.
    act = a.actor("SActor-02")
    assert act.name == "SActor-02" and act.note == "Random Spatial Actor"
    assert act.capability.value == 129.643
    assert stance(a, "SActor-02", "pstn1") == (82.45, 0.4847)
    assert stance(a, "SActor-02", "pstn3") == (0.07, 0.3462)
    assert a.positions == b.positions and a.actors == b.actors
    roundtrip(a)


def test_ktab_crlf_and_spaces(tmp_path: Path) -> None:
    text = (KTAB_LOCAL / "dummyData_3Dim.csv").read_text()
    f = tmp_path / "crlf.csv"
    f.write_bytes(text.replace("\n", "\r\n").replace(",", " , ").encode())
    sc = import_file(f, "ktab")
    ref = import_file(KTAB_LOCAL / "dummyData_3Dim.csv", "ktab")
    assert sc.positions == ref.positions


# --------------------------------------------------------------------------- KTAB XML


def test_ktab_xml_matches_csv() -> None:
    x = import_file(KTAB_LOCAL / "dummyData_3Dim.xml", "ktab")  # dispatch on .xml
    c = import_file(KTAB_LOCAL / "dummyData_3Dim.csv", "ktab")
    assert x.positions == c.positions
    assert [a.capability.value for a in x.actors] == [a.capability.value for a in c.actors]
    assert [i.id for i in x.issues] == ["pstn1", "pstn2", "pstn3"]
    assert x.meta.tags == ["ktab:prngSeed=03707583219545544125"]
    assert x.meta.description == "Dummy scenario to test reading format"
    roundtrip(x)
    assert import_file(KTAB_LOCAL / "dummyData_3Dim.xml", "ktab-xml") == x


def test_ktab_xml_empty_dcoord_is_refused() -> None:
    with pytest.raises(InputError) as exc:
        import_file(KTAB_LOCAL / "smpExample.xml", "ktab")
    msg = one_line_error(exc, "smpExample.xml", 32)
    assert "empty <dCoord>" in msg and "Alice" in msg


def test_ktab_xml_model_parameters_kept_as_tags_and_smp_options(tmp_path: Path) -> None:
    # smpExample.xml as it was before KTAB emptied the first coordinate (it read 52.8; KTAB's
    # 2017 reference log shows "Read dimension 0: 52.80").
    text = (KTAB_LOCAL / "smpExample.xml").read_text(encoding="utf-8-sig")
    f = tmp_path / "smpExample.xml"
    f.write_text(text.replace("<dCoord></dCoord>", "<dCoord>52.8</dCoord>"), encoding="utf-8")
    sc = import_file(f, "ktab")
    assert [a.id for a in sc.actors] == ["Alice", "Bob", "Carol", "David", "Ellie"]
    assert [i.id for i in sc.issues] == ["firstdim", "seconddim", "yadn"]
    assert stance(sc, "Alice", "firstdim") == (52.8, 0.323)
    assert stance(sc, "Ellie", "yadn") == (26.3, 0.158)
    assert sc.actor("David").capability.value == 135.4
    assert sc.actor("Bob").name == "The second SMP actor"
    tags = sc.meta.tags
    for t in ("ktab:VictoryProbModel=Linear", "ktab:PCEModel=MarkovIncentive",
              "ktab:StateTransitions=Stochastic", "ktab:VotingRule=PropCbc",
              "ktab:BigRAdjust=OneThird", "ktab:BigRRange=Mid", "ktab:ThirdPartyCommit=SemiCommit",
              "ktab:InterVecBrgn=S2P2", "ktab:BargnModel=InitOnlyInterp",
              "ktab:prngSeed=03507583219545544127", "ktab:IdealAdjustment=Bob<-Alice:0.07",
              "ktab:IdealAdjustment=Carol<-David:0.13"):
        assert t in tags
    assert len([t for t in tags if t.startswith("ktab:IdealAdjustment=")]) == 6
    smp = sc.models["smp"]
    assert smp["seed"] == 3507583219545544127 and smp["voting_rule"] == "prop_cubic"
    assert smp["pce_model"] == "markov_incentive" and smp["state_transitions"] == "stochastic"
    assert smp["big_r_adjust"] == "one_third" and smp["bargain_model"] == "init_only"
    assert ["Carol", "David", 0.13] in smp["ideal_adjustment"]
    assert f.read_text(encoding="utf-8") == (KTAB_LOCAL / "smpExample-ref.xml").read_text(encoding="utf-8-sig")
    roundtrip(sc)


def test_scenario_model_options_are_checked_when_run(tmp_path: Path) -> None:
    from detente.models import get_model

    sc = import_file(KTAB_LOCAL / "smpExample-ref.xml", "ktab")
    for opts, field in (({"voting_rule": "majority"}, "models.smp.voting_rule"),
                        ({"bogus": 1}, "models.smp.bogus"),
                        ({"ideal_adjustment": [["Bob", "Nobody", 0.5]]}, "ideal_adjustment")):
        bad = sc.model_copy(update={"models": {"smp": {**sc.models["smp"], **opts}}})
        with pytest.raises(InputError) as exc:
            get_model("smp").run(bad)
        assert exc.value.field == field, str(exc.value)
    with pytest.raises(InputError) as exc:
        get_model("smp").run(sc.model_copy(update={"models": {"smpp": {}}}))
    assert exc.value.field == "models.smpp"


XML_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n'


def _xml_actor(name: str, pos: str = "50", sal: str = "40") -> str:
    return (f"<Actor><name>{name}</name><description>d</description><capability>10</capability>"
            f"<Position><dCoord>{pos}</dCoord></Position><Salience><dSal>{sal}</dSal></Salience>"
            "</Actor>\n")


def _xml(actors: str, extra: str = "") -> str:
    return (XML_HEAD + "<Scenario>\n<name>t</name>\n<desc>d</desc>\n<prngSeed>1</prngSeed>\n"
            f"{extra}<Dimensions><dName>D</dName></Dimensions>\n<Actors>\n{actors}</Actors>\n"
            "</Scenario>\n")


@pytest.mark.parametrize(
    ("body", "line", "words"),
    [
        (XML_HEAD + '<!DOCTYPE x [<!ENTITY a "b">]>\n<Scenario/>', 2, "DOCTYPE"),
        (XML_HEAD + "<Scenario><name>x</Scenario>", 2, "not well-formed"),
        (_xml(_xml_actor("A") + _xml_actor("B") + _xml_actor("C", pos="101")), 10, "outside [0, 100]"),
        (_xml(_xml_actor("A") + _xml_actor("B") + _xml_actor("C", sal="abc")), 10, "not a number"),
        (_xml(_xml_actor("A") + _xml_actor("B")), 7, "KTAB accepts 3 to 250"),
        (_xml(_xml_actor("A") + _xml_actor("A") + _xml_actor("C")), 9, "duplicate actor"),
        (_xml(_xml_actor("A") + _xml_actor("B") + _xml_actor("C"),
              "<ModelParameters><VictoryProbModel>Cubic</VictoryProbModel></ModelParameters>\n"),
         6, "'Cubic'; KTAB knows Linear"),
        (_xml(_xml_actor("A") + _xml_actor("B") + _xml_actor("C"),
              "<ModelParameters><VictoryProbModel>Linear</VictoryProbModel></ModelParameters>\n"),
         6, "missing <PCEModel>"),
        (_xml(_xml_actor("A") + _xml_actor("B") + _xml_actor("C"), "<Extra/>\n"), 6,
         "unknown element <Extra>"),
    ],
)
def test_ktab_xml_bad_input(tmp_path: Path, body: str, line: int, words: str) -> None:
    f = tmp_path / "bad.xml"
    f.write_text(body, encoding="utf-8")
    with pytest.raises(InputError) as exc:
        import_file(f, "ktab")
    msg = one_line_error(exc, "bad.xml", line)
    assert words in msg


def test_ktab_xml_bad_model_parameter_value(tmp_path: Path) -> None:
    text = (KTAB_LOCAL / "smpExample.xml").read_text(encoding="utf-8-sig")
    text = text.replace("<dCoord></dCoord>", "<dCoord>52.8</dCoord>")
    f = tmp_path / "p.xml"
    f.write_text(text.replace(">PropCbc<", ">Majority<"), encoding="utf-8")
    with pytest.raises(InputError) as exc:
        import_file(f, "ktab-xml")
    msg = one_line_error(exc, "p.xml", 12)
    assert "'Majority'" in msg and "Proportional" in msg


# --------------------------------------------------------------------------- KTAB bad CSV input

GOOD_CSV = (
    "S,desc,3,2,\n"
    "Actor,Description,Power,A Position,A Salience,B Position,B Salience,\n"
    "X,Ex,10,20,30,40,50,\n"
    "Y,Why,20,60,40,10,20,\n"
    "Z,Zed,30,80,10,90,80,\n"
)


def _write(tmp_path: Path, text: str | bytes, name: str = "in.csv") -> Path:
    f = tmp_path / name
    if isinstance(text, bytes):
        f.write_bytes(text)
    else:
        f.write_text(text, encoding="utf-8")
    return f


def test_ktab_good_minimal(tmp_path: Path) -> None:
    sc = import_file(_write(tmp_path, GOOD_CSV), "ktab")
    assert [a.name for a in sc.actors] == ["Ex", "Why", "Zed"]
    assert stance(sc, "Z", "b") == (90.0, 0.8)


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("", None, "empty"),
        ("\n  \n", None, "empty"),
        (GOOD_CSV.replace("Z,Zed,30,80,10,90,80,", "Z,Zed,30,80,30,90,80,"), 5,
         "sum to 110; KTAB allows at most 100"),
        (GOOD_CSV.replace("Y,Why,20,60,40", "Y,Why,20,160,40"), 4, "position 160"),
        (GOOD_CSV.replace("Y,Why,20,60,40", "Y,Why,20,60,-4"), 4, "salience -4"),
        (GOOD_CSV.replace("Y,Why,20,60,40", "Y,Why,20,sixty,40"), 4, "expected a number, got 'sixty'"),
        (GOOD_CSV.replace("Y,Why,20,60,40,10,20,", "Y,Why,20,60,40,10,"), 4, "actor row has 6 values"),
        (GOOD_CSV.replace("S,desc,3,2,", "S,desc,3,3,"), 2, "header has 7 columns"),
        (GOOD_CSV.replace("S,desc,3,2,", "S,desc,4,2,"), 5, "says 4 actors but the file has 3"),
        (GOOD_CSV.replace("S,desc,3,2,", "S,desc,2,2,").replace("Z,Zed,30,80,10,90,80,\n", ""),
         1, "KTAB accepts 3 to 250"),
        (GOOD_CSV.replace("Z,Zed", "X,Zed"), 5, "duplicate actor name 'X'"),
        (GOOD_CSV.replace("S,desc,3,2,", "S,desc,three,2,"), 1, "expected a number"),
        (GOOD_CSV.replace("Y,Why,20,", "Y,Why,-1,"), 4, "negative"),
    ],
)
def test_ktab_bad_input(tmp_path: Path, text: str, line: int | None, words: str) -> None:
    with pytest.raises(InputError) as exc:
        import_file(_write(tmp_path, text), "ktab")
    msg = one_line_error(exc, "in.csv", line)
    assert words in msg


def test_every_importer_refuses_binary(tmp_path: Path) -> None:
    f = _write(tmp_path, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "img.csv")
    for fmt in FORMATS:
        with pytest.raises(InputError) as exc:
            import_file(f, fmt)
        assert "binary" in one_line_error(exc, "img.csv", None)


def test_every_importer_refuses_empty_and_missing(tmp_path: Path) -> None:
    f = _write(tmp_path, "", "empty.txt")
    for fmt in FORMATS:
        with pytest.raises(InputError) as exc:
            import_file(f, fmt)
        assert "empty" in one_line_error(exc, "empty.txt", None)
        with pytest.raises(InputError):
            import_file(tmp_path / "nope.csv", fmt)


def test_unknown_format_names_choices(tmp_path: Path) -> None:
    with pytest.raises(InputError) as exc:
        import_file(_write(tmp_path, GOOD_CSV), "smp")
    msg = str(exc.value)
    assert "'smp'" in msg and "bdm, dem, ktab, ktab-xml" in msg
    assert set(FORMATS) == {"ktab", "ktab-xml", "dem", "bdm"}


def test_wrong_format_gives_input_error_not_traceback(tmp_path: Path) -> None:
    ktab = _write(tmp_path, GOOD_CSV)
    for fmt in ("dem", "ktab-xml"):
        with pytest.raises(InputError):
            import_file(ktab, fmt)
    dem = _write(tmp_path, "'#A'\t'a'\t'a'\n", "d.csv")
    for fmt in ("ktab", "bdm"):
        with pytest.raises(InputError):
            import_file(dem, fmt)


# --------------------------------------------------------------------------- KTAB export


def test_export_roundtrip_soe() -> None:
    sc = import_file(KTAB_LOCAL / "SOE-Pol-Comp.csv", "ktab")
    text = export_ktab_csv(sc)
    lines = text.splitlines()
    assert lines[0] == "soe-pol-comp,China Policy/Competitive; scen 2,13,2,"
    assert lines[1] == ("Actor,Description,Power,Policy Position,Policy Salience,"
                        "Competitive Position,Competitive Salience,")
    assert lines[2] == "XJ,Xi Jinping,100,30,24,20,48,"


def test_export_then_import_gives_same_numbers(tmp_path: Path) -> None:
    for name in ("SOE-Pol-Comp.csv", "dummyData_3Dim.csv", "SOE-Competitive.csv"):
        sc = import_file(KTAB_LOCAL / name, "ktab")
        f = _write(tmp_path, export_ktab_csv(sc), "out.csv")
        back = import_file(f, "ktab")
        assert back.positions == sc.positions
        assert back.actors == sc.actors
        assert [(i.id, i.name, i.scale) for i in back.issues] == [
            (i.id, i.name, i.scale) for i in sc.issues]


def test_export_refuses_what_ktab_cannot_hold(tmp_path: Path) -> None:
    sc = import_file(KTAB_LOCAL / "SOE-Pol-Comp.csv", "ktab")
    over = sc.model_copy(update={"positions": {
        **sc.positions,
        "XJ": {k: v.model_copy(update={"salience": v.salience.model_copy(update={"value": 0.6})})
               for k, v in sc.positions["XJ"].items()},
    }})
    with pytest.raises(InputError, match=r"sum to 1\.2"):
        export_ktab_csv(over)
    ec = load_scenario(CASES / "ec-emissions-1994.yaml")  # scale 4-10 years
    with pytest.raises(InputError, match="KTAB needs every issue on 0-100"):
        export_ktab_csv(ec)
    few = sc.model_copy(update={"actors": sc.actors[:2]})
    with pytest.raises(InputError, match="3 to 250 actors"):
        export_ktab_csv(few)


# --------------------------------------------------------------------------- bundled KTAB cases


@pytest.mark.parametrize(
    ("case", "source", "n_actors", "issues"),
    [
        ("ktab-soe-policy", "SOE-Policy.csv", 26, ["policy"]),
        ("ktab-soe-competitive", "SOE-Competitive.csv", 34, ["competitive"]),
        ("ktab-soe-pol-comp", "SOE-Pol-Comp.csv", 13, ["policy", "competitive"]),
    ],
)
def test_bundled_ktab_cases(case: str, source: str, n_actors: int, issues: list[str]) -> None:
    sc = load_scenario(CASES / f"{case}.yaml")
    ref = import_file(KTAB_LOCAL / source, "ktab")
    assert len(sc.actors) == n_actors and [i.id for i in sc.issues] == issues
    assert sc.actors == ref.actors and sc.positions == ref.positions and sc.issues == ref.issues
    assert sc.meta.id == case
    assert "state-owned enterprise" in sc.meta.title and "Efird, Lester & Wise 2016" in sc.meta.title
    cites = " ".join(s.citation for s in sc.meta.sources)
    assert f"examples/smp/doc/{source}" in cites and "MIT" in cites and "Efird" in cites
    assert "KAPSARC authors' codings" in sc.meta.perspective
    assert (CASES / "LICENSE.KTAB-MIT.txt").read_text().startswith("The MIT License")


# --------------------------------------------------------------------------- shared data: every file


@pytest.mark.parametrize("name", shared_files("ktab-smp-examples", "*.csv") or ["<absent>"])
def test_shared_ktab_csv_all_import(name: str) -> None:
    sc = import_file(shared("ktab-smp-examples", name), "ktab")
    expected = {
        "SOE-Policy.csv": (26, 1), "SOE-Competitive.csv": (34, 1), "SOE-Pol-Comp.csv": (13, 2),
        "dummyData_3Dim.csv": (7, 3), "dummyData_3Dim-no-final-comma.csv": (7, 3),
        "dummyData_6Dim.csv": (27, 6), "dummyData-a040.csv": (40, 1),
        "dummyData-a080.csv": (80, 1), "dummyData-a160.csv": (160, 1),
    }
    assert (len(sc.actors), len(sc.issues)) == expected[name]
    roundtrip(sc)


def test_shared_ktab_hand_checked() -> None:
    six = import_file(shared("ktab-smp-examples", "dummyData_6Dim.csv"), "ktab")  # CRLF file
    assert [i.id for i in six.issues] == ["dim0", "dim1", "dim2", "dim3", "dim4", "dim5"]
    assert six.actor("AA26").capability.value == 33.33
    assert stance(six, "AA26", "dim0") == (0.0, 0.2666)
    assert stance(six, "AA26", "dim5") == (50.0, 0.0667)
    assert six.meta.title == "Combined"
    a160 = import_file(shared("ktab-smp-examples", "dummyData-a160.csv"), "ktab")
    assert a160.actors[0].id == "Act-1001" and a160.actors[0].capability.value == 1.73
    assert stance(a160, "Act-1001", "xyz") == (63.03, 0.4331)
    assert stance(a160, "Act-1160", "xyz") == (48.46, 0.26)
    local = import_file(KTAB_LOCAL / "SOE-Pol-Comp.csv", "ktab")
    assert import_file(shared("ktab-smp-examples", "SOE-Pol-Comp.csv"), "ktab") == local


@pytest.mark.parametrize(
    "name", [n for n in shared_files("ktab-smp-examples", "*.xml") if not n.startswith("reformpri")]
    or ["<absent>"])
def test_shared_ktab_xml(name: str) -> None:
    path = shared("ktab-smp-examples", name)
    if name == "smpExample.xml":
        with pytest.raises(InputError) as exc:
            import_file(path, "ktab")
        one_line_error(exc, name, 32)
        return
    sc = import_file(path, "ktab")
    assert (len(sc.actors), len(sc.issues)) == (7, 3)
    assert stance(sc, "SActor-06", "pstn3") == (90.36, 0.2603)
    roundtrip(sc)


# --------------------------------------------------------------------------- Decide (DEM)

DEM_FILES = [n for n in shared_files("dem-examples", "*") if n != "SOURCE.md"]


@pytest.mark.parametrize("name", [n for n in DEM_FILES if "errors" not in n] or ["<absent>"])
def test_shared_dem_all_import(name: str) -> None:
    sc = import_file(shared("dem-examples", name), "dem")
    expected = {"cop21.csv": (15, 13), "copenhagen.csv": (11, 7), "sample_data.txt": (10, 6)}
    assert (len(sc.actors), len(sc.issues)) == expected[name]
    assert sc.settings.salience_budget is None
    roundtrip(sc)


def test_dem_copenhagen_values() -> None:
    sc = import_file(shared("dem-examples", "copenhagen.csv"), "dem")
    assert [i.id for i in sc.issues][:3] == ["Newtreaty", "DevlopC2020", "Domestred"]
    usa = sc.actor("USA")
    assert usa.capability.value == 0.26
    st = sc.positions["USA"]["MRVdecrease"]
    assert (st.position.value, st.salience.value, st.capability.value) == (90.0, 1.0, 0.26)
    eu = sc.actor("EU_incl_Norway")
    assert eu.name == "EU (incl Norway)" and eu.capability.value == 0.156
    # Russia has no #D rows on Commitments and Extra.
    assert sorted(sc.positions["Russia"]) == ["Control", "DevlopC2020", "Domestred", "MRVdecrease",
                                              "Newtreaty"]
    assert sc.positions["China_India"]["Extra"].position.value == 90.0
    assert "Imported from Decide exchange model (DEM) file copenhagen.csv" in sc.meta.perspective


def test_dem_sample_data_scale_and_power() -> None:
    sc = import_file(shared("dem-examples", "sample_data.txt"), "dem")
    tol = sc.issue("tol-hoogte")
    assert (tol.scale.min, tol.scale.max) == (0.5, 7.0)
    st = sc.positions["Willems"]["tol-hoogte"]
    assert (st.position.value, st.salience.value, st.capability.value) == (3.0, 0.7, 1.0)
    assert sc.actor("SP").capability.value == 0.4
    assert sc.actor("Willems").note == "Test"
    assert sc.issue("wanneer-tol").description == "Wat is dit voor onzin?"
    cop = import_file(shared("dem-examples", "cop21.csv"), "dem")
    st = cop.positions["China"]["legal"]
    assert (st.position.value, st.salience.value, st.capability.value) == (20.0, 0.65, 1.0)


def test_dem_broken_file_gives_one_line_error() -> None:
    path = shared("dem-examples", "copenhagen_with_errors.csv")
    with pytest.raises(InputError) as exc:
        import_file(path, "dem")
    msg = one_line_error(exc, "copenhagen_with_errors.csv", 86)
    assert "position 160 of 'Russia' on 'Control' is outside" in msg
    assert "line 87" in msg and "power -0.247" in msg


DEM_OK = (
    "#O\tTitle here\n"
    "'#A'\t'a1'\t'Actor One'\t''\n#A\ta2\tActor Two\n"
    "'#P'\t'p'\t'Issue P'\t''\n#M\tp\t-5\tfar left\n#M\tp\t5\tfar right\n#M\tp\t0\tmiddle\n"
    "#0\tcomment\n#/\tcomment\n\n"
    "'#D'\t'a1'\t'p'\t-5\t0.5\t0.2\n#D\ta2\tp\t4\t1\t0.8\textra note\n"
)


def test_dem_small_file(tmp_path: Path) -> None:
    sc = import_file(_write(tmp_path, DEM_OK, "ok.dem"), "dem")
    assert sc.meta.title == "Title here"
    iss = sc.issue("p")
    assert (iss.scale.min, iss.scale.max, iss.scale.low, iss.scale.high) == (-5, 5, "far left",
                                                                           "far right")
    assert "0 = middle" in iss.description
    assert sc.positions["a2"]["p"].note == "extra note"
    roundtrip(sc)


@pytest.mark.parametrize(
    ("old", "new", "line", "words"),
    [
        ("#D\ta2\tp\t4\t", "#D\ta2\tp\t6\t", 12, "outside the issue's interval [-5, 5]"),
        ("\t0.5\t0.2\n", "\t1.5\t0.2\n", 11, "salience 1.5"),
        ("\t0.5\t0.2\n", "\tx\t0.2\n", 11, "expected a number, got 'x'"),
        ("\t0.5\t0.2\n", "\t0.5\n", 11, "#D row has 4 field(s)"),
        ("#D\ta2\tp", "#D\ta3\tp", 12, "actor 'a3' is not defined"),
        ("#A\ta2\tActor Two", "#A\ta1\tActor Two", 3, "duplicate actor key 'a1'"),
        ("#0\tcomment", "#X\tcomment", 8, "unknown record type '#X'"),
        ("#M\tp\t5\tfar right\n", "", 11, "outside the issue's interval [-5, 0]"),
        ("#D\ta2\tp\t4\t1\t0.8\textra note\n", "#D\ta1\tp\t4\t1\t0.8\n", 12, "second #D row"),
    ],
)
def test_dem_bad_input(tmp_path: Path, old: str, new: str, line: int, words: str) -> None:
    assert old in DEM_OK
    f = _write(tmp_path, DEM_OK.replace(old, new, 1), "bad.dem")
    with pytest.raises(InputError) as exc:
        import_file(f, "dem")
    assert words in one_line_error(exc, "bad.dem", line)


# --------------------------------------------------------------------------- BdM CSV


BDM_EXPECTED = {
    "ExampleActors.csv": (10, (4, 10)),
    "Sultan.csv": (17, (12.85, 14.25)),
    "dmasad_ChinaData.csv": (24, (0, 100)),
    "dmasad_HondurasCrisisData.csv": (5, (0, 1)),
    "havenawilliams_china_democratization_data.csv": (24, (0, 100)),
    "havenawilliams_israel_hamas_war.csv": (15, (0, 1)),
    "havenawilliams_ukraine_data.csv": (13, (0, 1)),
    "minimalgeek_Iranian_Election.csv": (8, (1, 10)),
    "minimalgeek_Litigation_Case_Study_2.csv": (46, (0, 1)),
    "minimalgeek_OIL_PREANA.csv": (17, (12.85, 14.25)),
    "minimalgeek_WW1.csv": (10, (0, 1)),
    "minimalgeek_WW1_BDM.csv": (7, (0, 1)),
    "minimalgeek_WW1_mod.csv": (12, (0, 1)),
    "minimalgeek_oil_price.csv": (17, (12.85, 14.25)),
}


@pytest.mark.parametrize("name", shared_files("bdm-eum-examples", "*.csv") or ["<absent>"])
def test_shared_bdm_all_import(name: str) -> None:
    path = shared("bdm-eum-examples", name)
    if name == "minimalgeek_Litigation_Case_Study.csv":
        # Two rows are both called 'Local Democrat' (lines 11 and 13), and more clash later.
        with pytest.raises(InputError) as exc:
            import_file(path, "bdm")
        assert "duplicate actor name 'Local Democrat' (first on line 11)" in one_line_error(
            exc, name, 13)
        return
    sc = import_file(path, "bdm")
    n, (lo, hi) = BDM_EXPECTED[name]
    assert len(sc.actors) == n and len(sc.issues) == 1
    assert (sc.issues[0].scale.min, sc.issues[0].scale.max) == (lo, hi)
    roundtrip(sc)


def test_bdm_hand_checked() -> None:
    ex = import_file(shared("bdm-eum-examples", "ExampleActors.csv"), "bdm")
    nl = ex.actor("Netherlands")
    assert nl.capability.value == 0.08 and stance(ex, "Netherlands", "issue") == (4.0, 0.8)
    assert "0-1 and kept" in ex.issues[0].description
    china = import_file(shared("bdm-eum-examples", "dmasad_ChinaData.csv"), "bdm")  # CR only
    assert china.actor("Zeming").capability.value == 80
    assert stance(china, "Zeming", "issue") == (25.0, 0.5)
    assert "divided by 100" in china.issues[0].description
    hond = import_file(shared("bdm-eum-examples", "dmasad_HondurasCrisisData.csv"), "bdm")
    assert hond.actor("Costa_Rica").name == "Costa Rica"
    assert hond.actor("Costa_Rica").capability.value == 0.0001189
    assert stance(hond, "Dominican_Republic", "issue") == (0.5, 0.3)  # last line, no newline
    hw = import_file(shared("bdm-eum-examples", "havenawilliams_china_democratization_data.csv"),
                     "bdm")  # columns: name,position,capabilities,salience,...
    assert hw.actor("Baibing").capability.value == 85
    assert stance(hw, "Baibing", "issue") == (15.0, 0.85)
    assert "resolve, true_hawk_type, true_retaliatory_type" in hw.meta.description
    uk = import_file(shared("bdm-eum-examples", "havenawilliams_ukraine_data.csv"), "bdm")
    assert uk.actor("UKR_Kiev").name == "UKR, Kiev"
    assert stance(uk, "UKR_Kiev", "issue") == (0.2, 0.92)
    ww1 = import_file(shared("bdm-eum-examples", "minimalgeek_WW1_BDM.csv"), "bdm")
    assert ww1.actor("GER").capability.value == 158
    assert stance(ww1, "SRB", "issue") == (0.0, 0.95)
    assert "Imported from BdM expected-utility CSV file minimalgeek_WW1_BDM.csv" in \
        ww1.meta.perspective


BDM_OK = "Stakeholder,Resources,Position,Salience\nA,10,20,80\nB,30,90,50\nC,5,40,100\n"


def test_bdm_cr_line_endings_and_percent_salience(tmp_path: Path) -> None:
    sc = import_file(_write(tmp_path, BDM_OK.replace("\n", "\r"), "mac.csv"), "bdm")
    assert [a.id for a in sc.actors] == ["A", "B", "C"]
    assert stance(sc, "C", "issue") == (40.0, 1.0)
    assert (sc.issues[0].scale.min, sc.issues[0].scale.max) == (0, 100)


def test_bdm_latin1_fallback(tmp_path: Path) -> None:
    f = _write(tmp_path, BDM_OK.replace("A,10", "Caf\xe9,10").encode("latin-1"), "l1.csv")
    sc = import_file(f, "bdm")
    assert sc.actors[0].name == "Café" and sc.actors[0].id == "Caf"
    assert "Latin-1" in sc.meta.description
    with pytest.raises(InputError, match="not UTF-8"):  # only the BdM importer falls back
        import_file(f, "ktab")


def test_bdm_small_spread_uses_position_range(tmp_path: Path) -> None:
    text = "name,capability,position,salience\na,1,4,0.5\nb,2,7,0.5\nc,1,10,0.5\n"
    sc = import_file(_write(tmp_path, text), "bdm")
    assert (sc.issues[0].scale.min, sc.issues[0].scale.max) == (4, 10)


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        (BDM_OK.replace("B,30,90,50", "B,30,90"), 3, "row has 3 values"),
        (BDM_OK.replace("B,30,90,50", "B,30,ninety,50"), 3, "expected a number, got 'ninety'"),
        (BDM_OK.replace("C,5,40,100", "C,5,40,150"), 4, "salience 150"),
        (BDM_OK.replace("C,5", "A,5"), 4, "duplicate actor name 'A'"),
        (BDM_OK.replace("B,30", "B,-30"), 3, "capability -30"),
        ("Actor,Capability,Position,Salience\nA,1,2,0.5\n", 2, "at least 2"),
        ("A,1,2,3\nB,1,2,3\n", 1, "header row"),
        ("Who,Clout,Where,Care\nA,1,2,0.5\nB,1,3,0.5\n", 1, "no actor or position or salience column"),
        ("Actor,Power,Capability,Position,Salience\nA,1,1,2,0.5\n", 1, "both look like"),
        ("Actor,Capability,Position,Salience\nA,1,5,0.5\nB,2,5,0.5\n", 2, "nothing to negotiate"),
        (BDM_OK.replace("B,30,90,50", 'B,30,"90,50'), 3, "row has"),
    ],
)
def test_bdm_bad_input(tmp_path: Path, text: str, line: int, words: str) -> None:
    with pytest.raises(InputError) as exc:
        import_file(_write(tmp_path, text), "bdm")
    assert words in one_line_error(exc, "in.csv", line)
