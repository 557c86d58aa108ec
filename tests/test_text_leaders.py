"""People and bodies to actors, fifth round (issue 17, DECISIONS T16): the dated leader table, bare titles
and "the kingdom" in focus, former leaders, former seats of government, legislatures as audiences, and the
fixed-rule gazetteer additions. Each rule: a hand-written case it must read and one it must leave alone,
on both matching backends."""

from __future__ import annotations

import pytest

from detente.text.extract import Extractor, extract
from detente.text.gazetteer import load_gazetteer
from detente.text.leaders import load_leaders, state_of, text_years
from text_backends import BACKENDS, moves


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize(
    ("text", "present", "absent"),
    [
        # an untitled full name the table knows, in office in the text's years
        ("In 1966 Britain and Spain quarrelled over Gibraltar. Harold Wilson rejected the Spanish proposal.",
         {("gbr", "reject")}, set()),
        # the same name with no year in the text: the table resolves nobody
        ("Britain and Spain quarrelled over Gibraltar. Harold Wilson rejected the Spanish proposal.",
         set(), {("gbr", "reject")}),
        # before the term: not yet the state's (and not a former leader either)
        ("In 2010 India and Pakistan quarrelled. Narendra Modi rejected the offer.", set(), {("ind", "reject")}),
        ("In 2019 India and Pakistan quarrelled. Narendra Modi rejected the offer.", {("ind", "reject")}, set()),
        # after every term: a former leader acts for himself, not for the state
        ("In 1985 Britain and Spain quarrelled over Gibraltar. Harold Wilson rejected the Spanish proposal.",
         {("wilson", "reject")}, {("gbr", "reject")}),
        # a gazetteer surname the table puts in another state's office in those years
        ("In 1965 the United States and North Vietnam fought. President Johnson rejected the offer.",
         {("usa", "reject")}, {("gbr", "reject")}),
        ("In 2020 Britain and the European Union negotiated. Johnson rejected the offer.",
         {("gbr", "reject")}, {("usa", "reject")}),
        # a titled surname resolved by the table, the title fitting the office
        ("In 1972 China and the United States talked. Premier Zhou rejected the draft.", {("chn", "reject")}, set()),
        # a bare title: the state in focus that had the office then
        ("In 2019 India and China argued. India closed the border. The prime minister rejected the offer.",
         {("ind", "reject")}, set()),
        ("In 2019 the United States closed a consulate in Houston. The prime minister rejected the decision.",
         set(), {("usa", "reject")}),
        # "the former president" is not the one in office
        ("In 2019 India and China argued. India closed the border. The former president rejected the offer.",
         set(), {("ind", "reject"), ("chn", "reject")}),
        # "the kingdom": the last monarchy named, in a year it was one
        ("In 2017 Saudi Arabia and Qatar quarrelled. The kingdom rejected the mediation.", {("sau", "reject")},
         set()),
        ("In 2017 Iran and Iraq quarrelled. The kingdom rejected the mediation.", set(),
         {("irn", "reject"), ("irq", "reject")}),
        ("In 2017 Saudi Arabia and Qatar quarrelled. The emirate rejected the mediation.", {("qat", "reject")},
         {("sau", "reject")}),
        # "Kim Young Sam" is not the "Kim" of "Kim Il Sung"
        ("In 1994 North Korea and South Korea talked. Kim Il Sung met Jimmy Carter. President Kim Young Sam "
         "rejected the plan.", {("kor", "reject")}, {("prk", "reject")}),
        # a known person's relative in apposition speaks for the person's state; a neighbour does not
        ("In 1980 Iran and the United States negotiated. In September a relative of Khomeini's, Sadegh "
         "Tabatabai, rejected the offer.", {("irn", "reject")}, set()),
        ("In 1980 Iran and the United States negotiated. In September a neighbour of Khomeini's, Sadegh "
         "Tabatabai, rejected the offer.", set(), {("irn", "reject")}),
    ],
)
def test_people_to_states(text: str, present: set, absent: set, backend: str) -> None:
    got = moves(text, backend)
    assert present <= got, got
    assert not absent & got, got


@pytest.mark.parametrize("backend", BACKENDS)
def test_former_leader_is_an_actor_only_when_acting(backend: str) -> None:
    acting = extract("In 1994 North Korea and the United States negotiated. Jimmy Carter flew to Pyongyang "
                     "and met Kim Il Sung.", backend)
    carter = next(a for a in acting.actors if a.id == "carter")
    assert carter.kind == "other"
    assert "usa" not in {m.actor for m in acting.moves if m.actor == "carter"}
    passing = extract("In 1994 North Korea and the United States negotiated. The talks were compared to those "
                      "under Jimmy Carter.", backend)
    assert "carter" not in {a.id for a in passing.actors}


@pytest.mark.parametrize("backend", BACKENDS)
def test_former_capital_is_a_city_after_its_years(backend: str) -> None:
    late = extract("In 2018 Britain expelled Russian diplomats after the attack. Salisbury welcomed the "
                   "decision.", backend)
    assert "zwe" not in {a.id for a in late.actors}
    early = extract("In 1965 Rhodesia and Britain quarrelled. Salisbury declared independence.", backend)
    assert "zwe" in {a.id for a in early.actors}


@pytest.mark.parametrize("backend", BACKENDS)
def test_month_is_not_a_surname(backend: str) -> None:
    ex = Extractor(backend)
    out = ex.run("In 2017 Britain and the European Union negotiated. Prime Minister Theresa May rejected the "
                 "plan. In May the EU rejected it again.")
    gbr = next(a for a in out.actors if a.id == "gbr")
    later = out.text.rindex("May the EU")
    assert all(m.start != later for m in gbr.mentions)


@pytest.mark.parametrize("backend", BACKENDS)
def test_legislature_as_audience_is_not_an_actor(backend: str) -> None:
    audience = extract("In 2018 Britain and Russia quarrelled. The prime minister, Theresa May, told the House "
                       "of Commons that Russia was responsible.", backend)
    assert not any(a.id.endswith("_legislature") for a in audience.actors)
    acting = extract("In 2018 Britain and Russia quarrelled. The House of Commons rejected the deal.", backend)
    assert "gbr_commons" in {a.id for a in acting.actors}  # T23: named by its own name


@pytest.mark.parametrize("backend", BACKENDS)
def test_fixed_rule_bodies(backend: str) -> None:
    ex = extract("Jaish-e-Mohammed claimed the attack on the convoy. India blamed Pakistan and the group. "
                 "Jaish-e-Mohammed then threatened more attacks. The Permanent Court of Arbitration ruled for "
                 "the Philippines. The Permanent Court of Arbitration also rejected China's claim.", backend)
    kinds = {a.id: a.kind for a in ex.actors}
    assert kinds.get("jem") == "group"
    assert kinds.get("pca") == "organisation"


def test_leader_table() -> None:
    lead = load_leaders()
    states = set(load_gazetteer().actors)
    for p in lead.people:
        assert p.state in states, p
        assert all(a <= b for a, b in p.terms), p
        assert p.names and all(n.strip() for n in p.names), p
    for table in lead.monarchies.values():
        for state, terms in table.items():
            assert state in states, state
            assert all(a <= b for a, b in terms)
    johnson = lead.by_short["Johnson"]
    assert state_of(johnson, {1965}) == "usa"
    assert state_of(johnson, {2020}) == "gbr"
    assert state_of(johnson, {1990}) is None
    assert state_of(lead.by_short["Putin"], {2005}, "president") == "rus"
    assert state_of(lead.by_short["Putin"], {1990}) is None
    assert text_years("On 4 March 2018, 23 diplomats (1,500 staff) left; 1850 and 2101 are no years.") == {2018}


@pytest.mark.parametrize("backend", BACKENDS)
def test_named_local_office_holder_is_a_person(backend: str) -> None:
    named = extract("North Korea and South Korea exchanged fire. In Pyongyang, Bill Richardson, the governor of "
                    "New Mexico, said the North would allow inspectors back. Richardson then met the foreign "
                    "minister.", backend)
    kinds = {a.id: a.kind for a in named.actors}
    assert kinds.get("richardson") == "other"
    assert "new_mexico" not in kinds
    unnamed = extract("Greece and Turkey quarrelled. On 25 January the mayor of Kalymnos went to the islet and "
                      "raised a flag. The mayor of Kalymnos later spoke to reporters.", backend)
    assert "kalymnos" in {a.id for a in unnamed.actors}


@pytest.mark.parametrize("backend", BACKENDS)
def test_bare_foreign_minister_and_shah(backend: str) -> None:
    fm = moves("In 2019 Japan and South Korea quarrelled. Japan restricted exports. The foreign minister rejected "
               "the protest.", backend)
    assert ("jpn", "reject") in fm
    shah = moves("In 1975 Iran and Iraq quarrelled over the river. Iran massed troops. The Shah rejected the "
                 "proposal.", backend)
    assert ("irn", "reject") in shah
    late = moves("In 1990 Iran and Iraq quarrelled over the river. Iran massed troops. The Shah rejected the "
                 "proposal.", backend)
    assert ("irn", "reject") not in late


@pytest.mark.parametrize("backend", BACKENDS)
def test_state_named_only_as_a_place(backend: str) -> None:
    text = ("Belarus and Poland quarrelled over the border. Migrants were flown to Minsk from Syria and Lebanon. "
            "Poland closed the crossing.")
    ids = {a.id for a in extract(text, backend).actors}
    assert {"blr", "pol"} <= ids
    assert not {"syr", "lbn"} & ids
    old = Extractor(backend)
    old.place_states = False
    old.idle_states = False  # T23 would drop them too: named once, by name, never acting
    assert {"syr", "lbn"} <= {a.id for a in old.run(text).actors}
    acting = {a.id for a in extract("Belarus and Poland quarrelled over the border. Syria rejected the Polish "
                                    "protest.", backend).actors}
    assert "syr" in acting
    fronted = {a.id for a in extract("Canada and Spain quarrelled over fish. Within the Union, Britain and Ireland "
                                     "were reported to have argued against retaliation.", backend).actors}
    assert {"gbr", "irl"} <= fronted


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_former_president_is_the_former_leader(backend: str) -> None:
    ex = Extractor(backend)
    out = ex.run("In 1994 North Korea and the United States quarrelled. President Bill Clinton weighed sanctions. "
                 "The news came through Jimmy Carter. The former president flew to Pyongyang and met Kim Il Sung. "
                 "The president then approved talks.")
    carter = next(a for a in out.actors if a.id == "carter")
    assert any(m.text == "former president" for m in carter.mentions)
    usa = next(a for a in out.actors if a.id == "usa")
    assert any(m.text == "president" for m in usa.mentions)
