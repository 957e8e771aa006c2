"""Did-you-mean (Speller), autocomplete (Completer) and 초성 lookup (InitialsIndex)."""

from __future__ import annotations

import doctest
import random

import pytest

from sokbo.search import suggest
from sokbo.search.hangul import compose, decompose, initials, is_initials_query, jamo_distance, slips
from sokbo.search.suggest import Completer, InitialsIndex, Speller, default_max_distance

VOCABULARY = [
    ("대통령", 5000), ("대통합", 30), ("국민", 3000), ("국민의힘", 2000), ("김정은", 900), ("푸틴", 800),
    ("정부", 4000), ("경제", 3500), ("경자", 3), ("세계", 2500), ("선거", 2000), ("대표", 1500),
    ("트럼프", 1200), ("바이든", 800), ("부동산", 600), ("경찰", 900), ("K팝", 300), ("OECD", 700),
]  # fmt: skip
KEYS = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎㅏㅐㅑㅒㅓㅔㅕㅖㅗㅛㅜㅠㅡㅣ"


@pytest.fixture(scope="module")
def speller() -> Speller:
    return Speller(VOCABULARY)


def terms(suggestions: list[tuple[str, float, int]]) -> list[str]:
    return [term for term, _, _ in suggestions]


def random_words(n: int, rng: random.Random) -> list[str]:
    words: dict[str, None] = {}
    while len(words) < n:
        words["".join(chr(rng.randint(0xAC00, 0xD7A3)) for _ in range(rng.randint(2, 4)))] = None
    return list(words)


def test_doctests() -> None:
    assert doctest.testmod(suggest).failed == 0


def test_suggests_the_word_a_typo_was_meant_to_be(speller: Speller) -> None:
    assert speller.suggest("푸딘") == [("푸틴", 0.5, 800)]
    assert terms(speller.suggest("대통렁"))[0] == "대통령"  # ㅕ → ㅓ, the key beside it
    assert terms(speller.suggest("새계")) == ["세계"]  # ㅔ → ㅐ
    assert terms(speller.suggest("국밈의힘"))[0] == "국민의힘"
    assert terms(speller.suggest("트럼르")) == ["트럼프"]  # ㅍ → ㄹ: one arbitrary substitution
    assert terms(speller.suggest("바이던"))[0] == "바이든"


def test_frequency_breaks_ties_between_equally_distant_words() -> None:
    assert jamo_distance("경재", "경제") == jamo_distance("경재", "경자") == 0.5  # ㅐ/ㅔ, ㅐ/ㅏ
    assert terms(Speller([("경제", 3500), ("경자", 3)]).suggest("경재")) == ["경제", "경자"]
    assert terms(Speller([("경제", 3), ("경자", 3500)]).suggest("경재")) == ["경자", "경제"]


def test_nothing_is_suggested_far_from_every_word(speller: Speller) -> None:
    assert speller.suggest("컴퓨터") == []
    assert speller.suggest("가나다라") == []


def test_the_word_itself_is_never_suggested(speller: Speller) -> None:
    for term, _ in VOCABULARY:
        assert term not in terms(speller.suggest(term))
    assert speller.suggest("k팝") == []  # the same keystrokes as K팝


def test_only_hangul_words_are_corrected(speller: Speller) -> None:
    assert len(speller) == len(VOCABULARY) - 1  # OECD is left out
    assert speller.suggest("OECF") == []
    assert speller.suggest("k팜") == [("K팝", 0.5, 300)]


def test_allowed_distance_grows_with_length(speller: Speller) -> None:
    assert [default_max_distance(w) for w in ("꿈", "국민", "대통령", "국민의힘", "더불어민주당")] == [0, 1, 1.5, 2, 2]
    assert speller.suggest("국") == []  # one syllable: too many near words to guess
    assert speller.suggest("대통랑") and not speller.suggest("대통랑", max_distance=0.5)
    assert terms(speller.suggest("국", max_distance=1)) == []  # nothing is one key from 국 here


def test_two_slips_or_a_slip_and_an_extra_key_are_found(speller: Speller) -> None:
    assert "국민의힘" in terms(speller.suggest("궁민의힙"))  # ㄱ→ㅇ, ㅁ→ㅂ: two neighbouring keys
    assert "대통령" in terms(speller.suggest("데통ㅇ령"))  # ㅐ→ㅔ, and ㅇ typed twice


def test_every_single_typo_of_a_word_finds_it() -> None:
    rng = random.Random(0)
    words = random_words(2000, rng)
    speller = Speller((w, 1) for w in words)
    for word in rng.sample(words, 150):
        keys = decompose(word)
        i = rng.randrange(len(keys))
        typos = [
            keys[:i] + keys[i + 1 :],
            keys[:i] + rng.choice(KEYS) + keys[i:],
            keys[:i] + rng.choice(KEYS) + keys[i + 1 :],
            keys[:i] + rng.choice(sorted(slips(keys[i]))) + keys[i + 1 :],
        ]
        for typo in map(compose, typos):
            if decompose(typo) != keys:
                assert word in terms(speller.suggest(typo, limit=100)), (word, typo)


def test_suggest_respects_limit() -> None:
    speller = Speller([("경제", 1), ("경자", 2), ("경재", 3), ("겅제", 4)])
    assert len(speller.suggest("경쟤", limit=2)) == 2


@pytest.fixture(scope="module")
def completer() -> Completer:
    return Completer(
        [
            ("대통령", 50), ("대통합", 9), ("대토론회", 3), ("대표", 40), ("국민", 100), ("국민의힘", 80),
            ("국립", 30), ("가스", 20), ("갓김치", 5), ("김정은", 60), ("국정원", 10), ("경제", 100),
            ("경제성장", 2), ("정부, 새 경제정책 발표", 1000), ("북한 김정은 위원장 연설", 500),
            ("BTS 뷔", 70), ("대통령 대통령실 이전", 1),
        ]
    )  # fmt: skip


def texts(completions: list[tuple[str, int]]) -> list[str]:
    return [text for text, _ in completions]


def test_completes_a_syllable_still_being_typed(completer: Completer) -> None:
    assert completer.complete("대토") == [("대통령", 50), ("대통합", 9), ("대토론회", 3), ("대통령 대통령실 이전", 1)]
    assert texts(completer.complete("국ㅁ")) == ["국민", "국민의힘"]
    assert texts(completer.complete("국미")) == ["국민", "국민의힘"]
    assert texts(completer.complete("갓")) == ["가스", "갓김치"]  # ㄱㅏㅅ starts ㄱㅏㅅㅡ
    assert texts(completer.complete("bts")) == ["BTS 뷔"]


def test_a_prefix_with_a_slip_completes_after_what_it_completes_as_typed(completer: Completer) -> None:
    assert completer.complete("국밍") == []  # as typed: nothing starts with 국밍
    assert texts(completer.complete("국밍", slips=True)) == ["국민", "국민의힘"]  # ㅇ for ㄴ, its neighbour
    assert texts(completer.complete("대퉁", slips=True)) == ["대통령", "대통합", "대통령 대통령실 이전"]  # ㅜ for ㅗ
    assert texts(completer.complete("댇통", slips=True))[:2] == ["대통령", "대통합"]  # ㄷ typed once too often
    assert texts(completer.complete("국미", slips=True)) == ["국민", "국민의힘"]  # completes as typed: no slip
    assert completer.complete("대퉁", limit=1, slips=True) == [("대통령", 50)]
    assert completer.complete("대틍", slips=True) == []  # ㅡ for ㅗ: not a neighbour, not a slip


def test_a_slip_completion_must_be_far_heavier_than_what_completes_as_typed() -> None:
    completer = Completer([("국민", 100), ("국밍", 5), ("국밍고", 4)])
    assert texts(completer.complete("국밍", slips=True)) == ["국밍", "국밍고", "국민"]  # 100 ≥ 20 × 5
    completer = Completer([("국민", 100), ("국밍", 6)])
    assert texts(completer.complete("국밍", slips=True)) == ["국밍"]  # 100 < 20 × 6


def test_a_short_or_latin_prefix_is_completed_as_typed_only(completer: Completer) -> None:
    assert completer.complete("대ㅋ", slips=True) == []  # three keys: a slip there could be anything
    assert completer.complete("bys", slips=True) == []  # no slips among Latin letters


def test_later_words_complete_after_entry_starts(completer: Completer) -> None:
    assert texts(completer.complete("경제")) == ["경제", "경제성장", "정부, 새 경제정책 발표"]
    assert texts(completer.complete("발ㅍ")) == ["정부, 새 경제정책 발표"]
    assert texts(completer.complete("김정")) == ["김정은", "북한 김정은 위원장 연설"]
    assert texts(completer.complete("대통령실")) == ["대통령 대통령실 이전"]  # once, though it matches twice


def test_initials_complete(completer: Completer) -> None:
    assert texts(completer.complete("ㄱㅈ")) == [
        "경제", "김정은", "국정원", "경제성장", "정부, 새 경제정책 발표", "북한 김정은 위원장 연설"
    ]  # fmt: skip
    assert texts(completer.complete("ㄱㅈㅇ")) == ["김정은", "국정원", "북한 김정은 위원장 연설"]
    assert texts(completer.complete("ㄱ ㅁ ㅇ")) == ["국민의힘"]


def test_limit_and_empty_prefix(completer: Completer) -> None:
    assert len(completer.complete("ㄱ", limit=2)) == 2
    assert completer.complete("ㄱ", limit=0) == []
    assert completer.complete("") == [] and completer.complete("   ") == []
    assert completer.complete("없는말") == []


def test_duplicates_keep_their_largest_weight() -> None:
    completer = Completer([("국민", 5), ("국민", 50), ("국민", 7), (" ", 9)])
    assert completer.complete("국") == [("국민", 50)] and len(completer) == 1


class Scan:
    """What Completer.complete must return, by a scan of every entry (weights all different)."""

    def __init__(self, entries: list[tuple[str, int]]) -> None:
        self.rows = [
            (entry, [decompose(w.lower()) for w in entry[0].split()], [initials(w) for w in entry[0].split()])
            for entry in sorted(entries, key=lambda e: -e[1])
        ]

    def complete(self, prefix: str, limit: int) -> list[tuple[str, int]]:
        chosung = is_initials_query(prefix)
        wanted = initials(prefix) if chosung else decompose(" ".join(prefix.lower().split()))
        words = [(entry, initial_words if chosung else typed_words) for entry, typed_words, initial_words in self.rows]
        starts = [entry for entry, w in words if ("" if chosung else " ").join(w).startswith(wanted)]
        later = [entry for entry, w in words if any(word.startswith(wanted) for word in w[1:])]
        return list(dict.fromkeys(starts + later))[:limit]


def test_matches_a_scan_of_every_entry() -> None:
    rng = random.Random(0)
    words = random_words(3000, rng)
    weights = rng.sample(range(1_000_000), 4000)
    entries = [(w, weights[i]) for i, w in enumerate(words)]
    entries += [(" ".join(rng.sample(words, 3)), weights[3000 + i]) for i in range(1000)]
    completer, scan = Completer(entries), Scan(entries)
    for _ in range(300):
        word = rng.choice(words)
        keys = decompose(word)
        prefix = rng.choice((compose(keys[: rng.randint(1, len(keys))]), initials(word)[: rng.randint(2, 3)]))
        limit = rng.choice((1, 5, 10, 50))
        assert completer.complete(prefix, limit) == scan.complete(prefix, limit), prefix


def test_words_repeated_across_entries_are_held_once() -> None:
    """Headlines repeat their words (정부, 발표): each distinct key is one string in memory,
    which took a 100,000-post site's title completer from 148 to ~54 MB."""
    rng = random.Random(1)
    words = random_words(50, rng)
    completer = Completer([(" ".join(rng.sample(words, 4)), i) for i in range(2000)])
    for table in (*completer._typed, *completer._initials):
        assert len({id(key) for key in table._keys}) == len(set(table._keys))
    assert len(set(completer._typed[1]._keys)) <= 50 < len(completer._typed[1]._keys)


def test_initials_index() -> None:
    index = InitialsIndex([("김정은", 20), ("국정원", 7), ("김정일", 9), ("김정숙", 2), ("OECD", 99), ("국정원", 1)])
    assert index.lookup("ㄱㅈㅇ") == [("김정은", 20), ("김정일", 9), ("국정원", 7)]
    assert index.lookup("ㄱ ㅈ ㅇ", limit=1) == [("김정은", 20)]
    assert index.lookup("김정은") == index.lookup("ㄱㅈㅇ")  # a query is reduced to its 초성
    assert index.lookup("ㄱㅈ") == []
    assert index.lookup("ㄱㅈ", prefix=True) == [("김정은", 20), ("김정일", 9), ("국정원", 7), ("김정숙", 2)]
    assert index.lookup("OECD") == [] and index.lookup("ㄱㅈㅇ", limit=0) == []


def test_scale_200k_words() -> None:
    rng = random.Random(0)
    words = random_words(200_000, rng)
    vocabulary = list(zip(words, rng.sample(range(10_000_000), len(words))))
    speller, completer = Speller(vocabulary), Completer(vocabulary)
    assert len(speller) == len(completer) == 200_000
    by_weight = [(decompose(word), (word, weight)) for word, weight in sorted(vocabulary, key=lambda e: -e[1])]
    for word in rng.sample(words, 20):
        keys = decompose(word)
        i = rng.randrange(len(keys))
        typo = compose(keys[:i] + rng.choice(sorted(slips(keys[i]))) + keys[i + 1 :])
        if decompose(typo) != keys:
            assert word in terms(speller.suggest(typo, limit=1000))
        typed = keys[: rng.randint(2, len(keys))]
        assert completer.complete(compose(typed)) == [entry for key, entry in by_weight if key.startswith(typed)][:10]
