"""Small hand-written sentences for the attribution rules: who did it, and about which issue."""

from __future__ import annotations

import pytest

from detente.text.extract import extract
from text_backends import BACKENDS


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a pronoun takes the last named person who is not an object
        ("Castro spoke at length on Monday. He refused to admit the inspectors.", {("cub", "reject")}),
        ("Kennedy assured Dobrynin of a pledge. He insisted on secrecy.", {("usa", "offer"), ("usa", "demand")}),
        # coordinated subjects act together
        ("Russia and China supported the resolution.", {("rus", "aid"), ("chn", "aid")}),
        # a title makes "of <state>" the agent
        ("The Sultan of Oman offered his country as a host.", {("omn", "offer")}),
        # an actor after a verb is its object, not the subject of the next verb
        ("Castro refused to admit United Nations inspectors and set out five conditions.",
         {("cub", "reject"), ("cub", "demand")}),
        # what a demand asks for is not an act of the one asked
        ("The UN demanded the withdrawal of Argentine forces.", {("un", "demand")}),
        # "May" the month is not the modal
        ("On 21 May British troops landed at San Carlos.", {("gbr", "assault")}),
        # a participle after a noun belongs to the main clause's subject
        ("Khrushchev sent Kennedy a message proposing a trade.", {("sun", "offer")}),
        # a report that carries an act is not a second act
        ("Moscow announced that it had withdrawn the missiles.", {("rus", "withdraw")}),
        # "insisted that ... must" demands; "insisted that ... was" states
        ("Iran insisted that its programme was peaceful.", {("irn", "statement")}),
        ("Argentina insisted that any settlement must recognise its claim.", {("arg", "demand")}),
        # a multi-word person name lends its first word to the same actor later in the text
        ("Kim Jong Un spoke in January. Kim invited Moon Jae-in to talks. Moon accepted.",
         {("prk", "offer"), ("kor", "accept")}),
        # "announced that it would <act>" is a commitment, the announcement its vehicle
        ("North Korea announced that it would suspend its tests.", {("prk", "demobilize")}),
        ("Iran said that sanctions would escalate the crisis.", {("irn", "statement")}),
        # a possessor is not the subject of the verb after its noun
        ("China and Russia, North Korea's partners, voted for the resolution.", {("chn", "accept"), ("rus", "accept")}),
        # "answered with threats": the noun is the subject's act
        ("North Korea answered with threats of its own.", {("prk", "threaten")}),
        # a noun after an article and an adjective is not a verb ("bomb" is not an assault here)
        ("Pyongyang described it as a hydrogen bomb.", set()),
    ],
)
def test_attribution(backend, text, expected):
    got = {(m.actor, m.type) for m in extract(text, backend).moves}
    assert got == expected


@pytest.mark.parametrize("backend", BACKENDS)
def test_capital_names_the_predecessor_state_in_its_era(backend):
    ex = extract("The Soviet Union sent missiles to Cuba. Khrushchev wrote to Kennedy. Moscow later "
                 "withdrew them, and the Soviet leadership never said so in public.", backend)
    ids = {a.id for a in ex.actors}
    assert "sun" in ids and "rus" not in ids
    assert ("sun", "withdraw") in {(m.actor, m.type) for m in ex.moves}


@pytest.mark.parametrize("backend", BACKENDS)
def test_capital_names_the_successor_today(backend):
    ex = extract("Russia demanded guarantees. Moscow rejected the reply. Putin repeated that the Soviet "
                 "Union had been betrayed.", backend)
    assert "rus" in {a.id for a in ex.actors}
    assert ("rus", "reject") in {(m.actor, m.type) for m in ex.moves}


@pytest.mark.parametrize("backend", BACKENDS)
def test_issue_in_the_cues_own_clause_wins(backend):
    ex = extract("Despite the fighting in Donbass, Russia demanded security guarantees.", backend)
    (mv,) = [m for m in ex.moves if m.type == "demand"]
    assert mv.issue == "security_guarantees"


@pytest.mark.parametrize("backend", BACKENDS)
def test_demand_without_an_issue_in_its_clause_continues_the_earlier_demand(backend):
    ex = extract("Russia proposed security guarantees. When Russia issued an ultimatum to the United "
                 "States, it slowed the escalation in Donbass.", backend)
    ult = [m for m in ex.moves if m.cue.endswith("ultimatum")]
    assert ult and ult[0].issue == "security_guarantees"


@pytest.mark.parametrize("backend", BACKENDS)
def test_nearest_issue_when_the_clause_names_none(backend):
    # two issues in other clauses: the nearer one to the cue is taken, not the first named
    ex = extract("Sanctions were in force, Russia kept troops on the Ukrainian border, and the United States "
                 "rejected it.", backend)
    rej = [m for m in ex.moves if m.type == "reject"]
    assert rej and rej[0].issue == "troops"


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_meeting_place_is_not_an_actor(backend):
    ex = extract("The United States and Iran met in Oman. Later the United States and Iran met in Oman again.",
                 backend)
    assert {a.id for a in ex.actors} == {"usa", "irn"}
    # ... but a state named as an actor stays one
    ex = extract("Oman offered to host the talks. The United States and Iran met in Oman.", backend)
    assert "omn" in {a.id for a in ex.actors}
