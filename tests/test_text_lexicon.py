"""The general mechanisms of DECISIONS T10: a broad lexicon per move type, reciprocal agreements and
a subject carried across sentences; hand-written sentences on both matching backends."""

from __future__ import annotations

import pytest

from detente.text.cues import load_cues
from detente.text.extract import Extractor
from text_backends import BACKENDS, moves


def test_lexicon_adds_to_the_hand_made_lists_without_dropping_any():
    cues = load_cues()
    assert "demanded" in cues.verbal["demand"]  # hand-made list kept
    assert "boycotted" in cues.verbal["sanction"] and "declined to" in cues.verbal["reject"]  # lexicon, inflected
    assert "boycott" in cues.nominal["sanction"] and "talks" in cues.nominal["consult"]


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # lexicon: event verbs by move type
        ("Qatar declined to close the base.", {("qat", "reject")}),
        ("Poland moved 15,000 soldiers to the border.", {("pol", "mobilize")}),
        ("Lithuania expelled two Belarusian diplomats.", {("ltu", "reduce_relations")}),
        ("Saudi Arabia barred Qatari ships from its ports.", {("sau", "sanction")}),
        ("Spain held talks with Morocco.", {("esp", "consult")}),
        # a meeting is the mover's (the gold files credit who went), an agreement "with B" is B's too
        ("Japan signed an agreement with China.", {("jpn", "accept"), ("chn", "accept")}),
        ("Japan accepted the plan of China.", {("jpn", "accept")}),
        # "both sides / the two governments" name the last two parties, for any move type
        ("Armenia accused Azerbaijan of shelling. Both sides rejected the proposal.",
         {("arm", "statement"), ("arm", "reject"), ("aze", "reject")}),
        ("Armenia accused Azerbaijan. The two governments then recalled their ambassadors.",
         {("arm", "statement"), ("arm", "reduce_relations"), ("aze", "reduce_relations")}),
        # an allegation is not the accuser's act
        ("Russia accused Ukraine of shelling the town.", {("rus", "statement")}),
        # an agentless verb after a pronoun subject continues the last actor's story
        ("North Korea expelled the inspectors. The North then refused to talk.",
         {("prk", "reduce_relations"), ("prk", "reject")}),
        ("Iran rejected the offer. A week later, it proposed talks.", {("irn", "reject"), ("irn", "offer")}),
    ],
)
def test_general_mechanisms(backend, text, expected):
    assert moves(text, backend) == expected


def test_carry_subject_is_an_option():
    text = "Iran rejected the offer. Its negotiators then walked out."
    ex = Extractor("python")
    with_carry = {(m.actor, m.type) for m in ex.run(text).moves}
    ex.carry_subject = False
    without = {(m.actor, m.type) for m in ex.run(text).moves}
    assert with_carry == {("irn", "reject"), ("irn", "withdraw")} and without == {("irn", "reject")}


def test_a_gap_stands_for_zero_to_three_words():
    from detente.text.cues import expand_gaps

    assert expand_gaps("closed ~ border") == ["closed border", "closed * border", "closed * * border",
                                              "closed * * * border"]
    assert expand_gaps("sent a note") == ["sent a note"]


@pytest.mark.parametrize("backend", BACKENDS)
def test_gap_phrases_reach_past_determiners_and_adjectives(backend):
    assert moves("Riyadh closed the only land border.", backend) == {("sau", "sanction")}
    assert moves("Riyadh closed the door on the border talks forever.", backend) == set()
