"""Drafter rules of the fourth round (issue 17, DECISIONS T14): one hand-written sentence or two per
rule, a case it must read and a case it must leave alone, on both matching backends."""

from __future__ import annotations

import pytest

from detente.text.extract import Extractor, extract
from detente.text.score import score
from text_backends import BACKENDS, moves


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize(
    ("text", "present", "absent"),
    [
        # group subjects: "the four states" are the last four states named together
        ("Chile, Peru, Bolivia and Ecuador protested. The four states handed Brazil a list of demands.",
         {("chl", "demand"), ("per", "demand"), ("bol", "demand"), ("ecu", "demand")}, set()),
        ("Chile, Peru and Bolivia protested. The four states handed Brazil a list of demands.",
         set(), {("chl", "demand"), ("per", "demand"), ("bol", "demand")}),
        # "the emir of Kuwait, Name," and "minister of state for foreign affairs, Name,"
        ("The emir of Kuwait, Sheikh Jaber al-Ahmad, flew to Riyadh.", {("kwt", "consult")}, set()),
        ("Oman's minister of state for foreign affairs, Yusuf bin Alawi, flew to Tehran.",
         {("omn", "consult")}, set()),
        # an unknown person's state: a press event in a capital, an opening "In <capital>,", the next
        # sentence's "He said <State> would"
        ("Spain and Morocco argued. Defence Minister Juan Ortega told reporters in Madrid that the troops would "
         "stay.", {("esp", "statement")}, set()),
        ("Spain and Morocco argued. Defence Minister Juan Ortega told reporters that the troops would stay.",
         set(), {("esp", "statement"), ("mar", "statement")}),
        ("India and Pakistan traded fire. In Islamabad, the army spokesman, General Ali Raza, said Indian jets "
         "had fled.", {("pak", "statement")}, set()),
        ("Tunisia and Libya quarrelled. Prime Minister Omar Haddad spoke on television. He said Tunisia would "
         "act. Haddad then recalled the ambassador.", {("tun", "reduce_relations")}, set()),
        # an institution in a capital is that capital's state
        ("China and the Philippines quarrelled. The Department of Foreign Affairs in Manila summoned the Chinese "
         "ambassador.", {("phl", "demand")}, {("chn", "demand")}),
        # a known person's kin or aide speaks for the person's state; a friend does not
        ("Saudi Arabia and Qatar quarrelled. Jared Smith, Trump's son-in-law and adviser, visited Riyadh.",
         {("usa", "consult")}, set()),
        ("Saudi Arabia and Qatar quarrelled. Jared Smith, a friend of Trump, visited Riyadh.",
         set(), {("usa", "consult")}),
        # a call "between A and B" names both parties; a broker's night "on the telephone between" does not
        ("Trump arranged a telephone call between Saudi Arabia and Qatar.",
         {("sau", "consult"), ("qat", "consult")}, set()),
        ("Greece and Turkey quarrelled. The American envoy spent the night on the telephone between Athens and "
         "Ankara.", set(), {("grc", "consult"), ("tur", "consult")}),
        # "suspend" is typed by its object
        ("Saudi Arabia said Riyadh was suspending any dialogue with Doha.", {("sau", "reduce_relations")},
         {("sau", "demobilize")}),
        ("North Korea suspended its missile tests.", {("prk", "demobilize")}, set()),
        # legal action is a demand; sending food is aid
        ("Qatar took the UAE to the International Court of Justice.", {("qat", "demand")}, set()),
        ("Iran began sending food to Qatar.", {("irn", "aid")}, set()),
        # event nouns with a by-agent or possessive; the passive with a by-agent; boarding a plane is no act
        ("North Korea and South Korea quarrelled. The shelling of the island by North Korea killed two marines.",
         {("prk", "assault")}, set()),
        ("Argentina and Britain quarrelled. The Argentine seizure of the islands began the war.",
         {("arg", "assault")}, set()),
        ("Spain and Canada quarrelled. The Spanish trawler was boarded by Canadian patrol vessels.",
         {("can", "assault")}, {("esp", "assault")}),
        ("Spain and Canada quarrelled. The Canadian minister boarded a plane to Madrid.", set(),
         {("can", "assault")}),
        # "announced that the pilot would be freed" is the announcer's act; "said it had been freed" is not
        ("India and Pakistan clashed. Pakistan announced that the pilot would be freed.", {("pak", "concede")},
         set()),
        ("India and Pakistan clashed. Pakistan said that the pilot had been freed.", set(),
         {("pak", "concede"), ("ind", "concede")}),
        # --- rules written after C's misses were read (in-sample) ---
        # "the Union/League/Agency" is the one organisation named with that head word
        ("The European Union and Canada quarrelled. The Union recalled its ambassador.",
         {("eu", "reduce_relations")}, set()),
        ("Canada and Spain quarrelled. The Union Jack flew over the harbour.", set(), {("eu", "statement")}),
        # intelligence agencies are their states
        ("The United States and the Soviet Union quarrelled. The KGB arrested an American journalist.",
         {("sun", "escalate")}, set()),
        # a forceful passive "from the <adjective> coast" names the agent; "from the sea" does not
        ("North Korea and South Korea quarrelled. The island was shelled from the North Korean coast.",
         {("prk", "assault")}, set()),
        ("North Korea and South Korea quarrelled. The island was shelled from the sea.", set(),
         {("prk", "assault"), ("kor", "assault")}),
        # a participle after the object of "wrote to" is the writer's act
        ("The Soviet leader wrote to President Ronald Reagan proposing a summit.", {("sun", "offer")},
         {("usa", "offer")}),
        # "the <title>, Name Name, told the House of Commons": the legislature's state
        ("Britain and Russia quarrelled. The prime minister, Theresa Smith, told the House of Commons that Russia "
         "was responsible.", {("gbr", "statement")}, {("rus", "statement")}),
        ("Britain and Russia quarrelled. The prime minister, Theresa Smith, said that talks had failed.", set(),
         {("gbr", "statement"), ("rus", "statement")}),
        # an act named as the object of its announcer's verb is the announcer's; "welcomed" is not announcing
        ("Britain and Russia quarrelled. Britain announced the expulsion of 23 Russian diplomats.",
         {("gbr", "reduce_relations")}, set()),
        ("Britain and Russia quarrelled. Britain welcomed the expulsion of Russian diplomats from Oslo.", set(),
         {("gbr", "reduce_relations")}),
        # a title only one state uses, when that state is in the text
        ("China and India quarrelled. State Councillor Dai Wen flew to New Delhi.", {("chn", "consult")}, set()),
        ("India and Nepal quarrelled. State Councillor Dai Wen flew to New Delhi.", set(), {("chn", "consult")}),
        # ", Hamilton Jordan," is a person, not Jordan
        ("Iran and the United States quarrelled. The chief of staff, Hamilton Jordan, met Iran's envoy.", set(),
         {("jor", "consult")}),
        # "The leaders sat down": the last two parties
        ("The United States and the Soviet Union talked. The leaders sat down on Saturday.",
         {("usa", "consult"), ("sun", "consult")}, set()),
        # the of-phrase of an expulsion, closure or blockade is what suffered it, not who did it
        ("Britain and Russia quarrelled. The United States, after talks at Russia's mission, announced the "
         "closure of the Russian consulate.", {("usa", "reduce_relations")}, {("rus", "reduce_relations")}),
        # a reporting verb after a closing quote: the speaker after the quote, not an actor inside it
        ('Britain and Russia quarrelled. "Britain is lying," said Russia.', {("rus", "statement")},
         {("gbr", "statement")}),
        ('Britain and Russia quarrelled. "Britain is lying," the spokesperson said.', set(),
         {("gbr", "statement"), ("rus", "statement")}),
    ],
)
def test_round4_rule(text: str, present: set[tuple[str, str]], absent: set[tuple[str, str]],
                     backend: str) -> None:
    got = moves(text, backend)
    assert present <= got, got
    assert not (absent & got), got


@pytest.mark.parametrize("backend", BACKENDS)
def test_summons_is_a_closed_demand_of_its_own_sentence_only(backend: str) -> None:
    ex = extract("China and the Philippines quarrelled over the shoal. Manila summoned the Chinese ambassador. "
                 "Beijing sent more ships.", backend)
    channel = {(m.actor, m.type): m.channel_kind for m in ex.moves}
    assert channel[("phl", "demand")] == "closed"
    assert channel[("chn", "mobilize")] != "closed"  # a summons sets no scene for what follows


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_closed_scene_does_not_cover_open_acts(backend: str) -> None:
    ex = extract("Iran and the United States quarrelled.\n\nThe two sides met secretly in Paris. Iraq invaded Iran. "
                 "Iran offered talks.", backend)
    channel = {(m.actor, m.type): m.channel_kind for m in ex.moves}
    assert channel[("irq", "assault")] != "closed"  # an invasion is no closed-track act
    assert channel[("irn", "offer")] == "closed"  # the scene still covers talk


@pytest.mark.parametrize("backend", BACKENDS)
def test_unpublished_and_sealed_are_closed(backend: str) -> None:
    ex = extract("Qatar and Kuwait talked. Qatar handed Kuwait a sealed letter.", backend)
    assert {(m.actor, m.type, m.channel_kind) for m in ex.moves} >= {("qat", "inform", "closed")}
    ex = extract("Qatar and Kuwait talked. Qatar handed Kuwait a letter.", backend)
    assert all(m.channel_kind != "closed" for m in ex.moves)


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_city_alone_is_no_state(backend: str) -> None:
    text = "Britain and Russia quarrelled. Salisbury demanded answers from the hospital."
    assert "zwe" not in {a.id for a in extract(text, backend).actors}
    named = "Britain and Rhodesia quarrelled. Salisbury rejected the British note."
    assert "zwe" in {a.id for a in extract(named, backend).actors}
    old = Extractor(backend)
    old.city_metonyms = "always"  # the reading before T14
    assert "zwe" in {a.id for a in old.run(text).actors}


def test_score_kind_matching_pairs_sub_state_ids_of_one_state_and_kind() -> None:
    text = "The US Congress rejected the deal. Iran protested."
    generic = Extractor("python")
    generic.legislature_ids = "generic"  # the id before T23 (now usa_congress, which needs no pairing)
    ex = generic.run(text)
    assert "usa_legislature" in {a.id for a in ex.actors}
    gold = {"actors": {"required": ["usa_congress", "irn"], "kinds": {"usa_congress": "faction"}}, "moves": []}
    assert score(ex, gold)["actors"]["fn"] == 1  # ids: usa_legislature is not usa_congress
    kind = score(ex, gold, "kind")["actors"]
    assert (kind["tp"], kind["fn"], kind["fp"]) == (2, 0, 0)
    gold["actors"]["kinds"]["usa_congress"] = "group"  # another kind: no pairing
    assert score(ex, gold, "kind")["actors"]["fn"] == 1
    with pytest.raises(ValueError):
        score(ex, gold, "fuzzy")


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_body_named_once_in_passing_is_no_actor(backend: str) -> None:
    quiet = "Spain and Morocco quarrelled over the island. The dispute was not raised at NATO."
    assert "nato" not in {a.id for a in extract(quiet, backend).actors}
    acting = "Spain and Morocco quarrelled over the island. NATO urged both sides to talk."
    assert "nato" in {a.id for a in extract(acting, backend).actors}
    twice = "Spain and Morocco quarrelled over the island. NATO was silent. Spain wrote to NATO."
    assert "nato" in {a.id for a in extract(twice, backend).actors}
    old = Extractor(backend)
    old.passing_bodies = False  # the reading before T14
    assert "nato" in {a.id for a in old.run(quiet).actors}
    assert "mar" in {a.id for a in extract(quiet, backend).actors}  # states keep the named reading
