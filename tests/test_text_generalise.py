"""Rules added so the drafter reads articles nobody here wrote (issue 17, DECISIONS T7): small
hand-written sentences, each checking one rule, on both matching backends."""

from __future__ import annotations

import pytest

from detente.text.extract import extract
from detente.text.matching import simple_tokens
from detente.text.nonstate import group_id
from text_backends import BACKENDS, moves


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a capital of any state acts; "in Athens" is a place
        ("Athens rejected the claim.", {("grc", "reject")}),
        # the event under a reporting verb decides the type; "would not <leave>" holds
        ("Azerbaijan said that it would not stop.", {("aze", "hold")}),
        ("The council declared that its fighters would not leave.", set()),
        # "said/told X that Y must" is a demand
        ("Washington told Islamabad that the forces must go back.", {("usa", "demand")}),
        # a passive with a by-phrase: every listed signatory accepts
        ("The statement was signed by Armenia, Azerbaijan and Russia.",
         {("arm", "accept"), ("aze", "accept"), ("rus", "accept")}),
        # a by-phrase after an active verb's object is not the agent
        ("Baku called the agreement a capitulation by Armenia.", {("aze", "statement")}),
        # ", which will send": the relative clause's subject is the noun before the comma
        ("The deal was brokered by Russia, which will send 2,000 peacekeepers to the region.",
         {("rus", "mobilize")}),
        # "Resolution 502, which demanded": the adopter demands
        ("The Security Council adopted Resolution 502, which demanded a withdrawal.", {("un", "demand")}),
        # a state's possessive before its forces or government is the agent
        ("Soldiers of Pakistan's army occupied the posts.", {("pak", "assault")}),
        # "did the same" repeats the last move's type
        ("Athens accepted the proposal, and Ankara did the same.", {("grc", "accept"), ("tur", "accept")}),
        # "they met": both parties named just before
        ("Nepal asked to see Bhutan. They met in July.", {("npl", "demand"), ("npl", "consult"), ("btn", "consult")}),
        # "conceded that" is an admission; "offered no" is negated; "the demand was met" is no meeting
        ("Armenia conceded that the town was lost.", {("arm", "statement")}),
        ("China offered no backing.", set()),
        ("The demand that India leave was never met.", set()),
        # a bare institution is the state it was last tied to
        ("The military junta in Buenos Aires seized the islands. Britain protested. The junta refused to leave.",
         {("arg", "assault"), ("gbr", "statement"), ("arg", "reject")}),
        # agentless passives read only force off the context
        ("Indian troops shelled the posts. Two patrols were ambushed.", {("ind", "assault")}),
        ("A Bhutanese patrol tried to stop the work and was turned back.", set()),
        # "In <capital>, it was dismissed": the place's state reacted
        ("Turkey protested. In Ankara, the resolution was dismissed as interference.",
         {("tur", "statement"), ("tur", "reject")}),
    ],
)
def test_general_rules(backend, text, expected):
    assert moves(text, backend) == expected


@pytest.mark.parametrize("backend", BACKENDS)
def test_closed_cue_that_sets_the_scene_covers_its_paragraph(backend):
    text = ("Greece and Turkey sent warships.\n\nWhat followed took place out of public view. Greece proposed a "
            "formula. Turkey rejected it. Turkey later accepted the formula.\n\nGreece announced the deal on "
            "television.")
    ex = extract(text, backend)
    got = {(m.actor, m.type): m.channel_kind for m in ex.moves}
    assert got[("grc", "offer")] == got[("tur", "reject")] == got[("tur", "accept")] == "closed"
    assert got[("grc", "mobilize")] is None and got[("grc", "statement")] != "closed"


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_letter_is_closed_only_when_said_to_be_private(backend):
    closed = extract("In a private letter, Armenia asked Russia to help.", backend).moves
    plain = extract("In a letter, Armenia asked Russia to help.", backend).moves
    assert {m.channel_kind for m in closed} == {"closed"}
    assert {m.channel_kind for m in plain} == {None}


@pytest.mark.parametrize("backend", BACKENDS)
def test_actors_by_mechanism(backend):
    def ids(text: str) -> dict[str, str]:
        return {a.id: a.kind for a in extract(text, backend).actors}

    # an opposition, a town's mayor, a newspaper whose journalists act
    got = ids("Crowds gathered in Yerevan. Opposition parties demanded that the government resign.")
    assert got.get("arm_opposition") == "faction"
    assert ids("The mayor of Kalymnos raised a flag.").get("kalymnos") == "other"
    nm = ids("The governor of New Mexico, Bill Richardson, flew to Pyongyang.")
    assert nm.get("new_mexico") == "other" and "new" not in nm  # a place of several words
    assert ids("Journalists of the Turkish newspaper Hürriyet landed by helicopter.").get("hurriyet") == "group"
    # groups by acronym or initials; the G8 is general knowledge
    assert "ujc" in ids("The United Jihad Council, an armed group, refused to leave.")
    assert "g8" in ids("The Group of Eight called for restraint.")
    # a capital after "a", "the ... in" or a dateline is not an actor; a surname before "House" is a place
    assert "aut" not in ids("Vienna, 2015: talks in a Vienna hotel ended. Iran agreed.")
    assert "nld" not in ids("The case could go to the court in The Hague. Greece agreed.")
    assert "gbr" not in ids("They met at Blair House in Washington. Pakistan agreed.")


def test_group_ids_follow_the_gold_convention():
    assert group_id("United Jihad Council") == "ujc"
    assert group_id("Kosovo Liberation Army", "KLA") == "kla"
    assert group_id("Tamil Tigers") == "tamil_tigers"


def test_thousands_are_one_token_in_both_tokenizers():
    assert [t.text for t in simple_tokens("about 2,000 troops, 3, 4")] == ["about", "2,000", "troops", ",", "3",
                                                                            ",", "4"]
