"""Hangul keystrokes: decomposition and IME composition, 초성, the layout and the jamo distance."""

from __future__ import annotations

import doctest
import random

import pytest

from sokbo.search import hangul
from sokbo.search.hangul import (
    SLIP_COST,
    compose,
    decompose,
    initials,
    is_initials_query,
    jamo_distance,
    keyboard_neighbours,
    slips,
)

WORDS = ["김정은", "대통령", "국민의힘", "닭갈비", "괜찮아요", "읽었다", "없습니다", "훑어보다", "의원", "왜",
         "꽃잎", "뛰어넘다", "삶", "앉아서", "밟는", "외교부", "쌍용", "뭐예요", "희망", "핥다"]  # fmt: skip
JAMO = {chr(c) for c in range(0x3131, 0x3164)}


def random_syllables(rng: random.Random, n: int) -> str:
    return "".join(chr(rng.randint(0xAC00, 0xD7A3)) for _ in range(n))


def test_doctests() -> None:
    assert doctest.testmod(hangul).failed == 0


@pytest.mark.parametrize(
    ("text", "keys"),
    [
        ("가", "ㄱㅏ"),
        ("닭", "ㄷㅏㄹㄱ"),
        ("값", "ㄱㅏㅂㅅ"),
        ("앉", "ㅇㅏㄴㅈ"),
        ("의", "ㅇㅡㅣ"),
        ("왜", "ㅇㅗㅐ"),
        ("뭐", "ㅁㅜㅓ"),
        ("괜찮", "ㄱㅗㅐㄴㅊㅏㄴㅎ"),
        ("꿈", "ㄲㅜㅁ"),  # a double consonant is one (shifted) key
        ("있", "ㅇㅣㅆ"),
        ("대통령", "ㄷㅐㅌㅗㅇㄹㅕㅇ"),
    ],
)
def test_decompose_gives_two_set_keystrokes(text: str, keys: str) -> None:
    assert decompose(text) == keys


def test_decompose_splits_lone_compound_jamo_and_keeps_everything_else() -> None:
    assert decompose("ㄳㄺㅄ ㅘㅢ") == "ㄱㅅㄹㄱㅂㅅ ㅗㅏㅡㅣ"
    assert decompose("ㄱㅏㄲ") == "ㄱㅏㄲ"
    assert decompose("K팝 2024년, OK!") == "Kㅍㅏㅂ 2024ㄴㅕㄴ, OK!"
    assert decompose("") == ""


@pytest.mark.parametrize(
    ("keys", "text"),
    [
        ("ㄱㅏㄴㅏ", "가나"),  # ㄴ starts the next syllable, not 간 + ㅏ
        ("ㄷㅏㄹㄱ", "닭"),
        ("ㄷㅏㄹㄱㅏ", "달가"),
        ("ㄷㅏㄹㄱㄷㅏ", "닭다"),
        ("ㅇㅏㄴㅈㅇㅏ", "앉아"),
        ("ㅇㅣㅆㄷㅏ", "있다"),
        ("ㄱㅏㄸㅏ", "가따"),
        ("ㄱㅏㄸ", "가ㄸ"),  # ㄸ is never a final
        ("ㄱㅗㅏㄴ", "관"),
        ("ㅇㅡㅣㅅㅏ", "의사"),
        ("ㄱㅈㅇ", "ㄱㅈㅇ"),  # jamo outside syllables stay as typed
        ("ㅏㄱ", "ㅏㄱ"),
        ("ㄷㅐㅌㅗ", "대토"),
        ("가ㄴ", "간"),  # a key typed after a syllable joins it
        ("k ㅍㅏㅂ!", "k 팝!"),
    ],
)
def test_compose_as_an_ime_does(keys: str, text: str) -> None:
    assert compose(keys) == text


def test_compose_inverts_decompose_for_words() -> None:
    for word in WORDS + [" ".join(WORDS), "2024년 대통령 선거", "BTS의 뷔"]:
        assert compose(decompose(word)) == word


def test_compose_inverts_decompose_for_random_syllables() -> None:
    rng = random.Random(0)
    for _ in range(3000):
        parts = [random_syllables(rng, rng.randint(1, 6)) for _ in range(rng.randint(1, 3))]
        text = rng.choice([" ", "", "a", "1"]).join(parts)
        keys = decompose(text)
        assert set(keys) <= JAMO | set(" a1"), text
        assert compose(keys) == text


def test_every_syllable_round_trips() -> None:
    syllables = "".join(chr(c) for c in range(0xAC00, 0xD7A4))
    assert compose(decompose(syllables)) == syllables


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("김정은", "ㄱㅈㅇ"),
        ("국민의힘 대표", "ㄱㅁㅇㅎㄷㅍ"),
        ("BTS 뷔, 2024년!", "ㅂㄴ"),  # Latin, digits, spaces and punctuation dropped
        ("ㄱㅈㅇ", "ㄱㅈㅇ"),  # already 초성
        ("ㄳ", "ㄱㅅ"),
        ("ㄲ따", "ㄲㄸ"),
        ("ㅏ", ""),
        ("", ""),
    ],
)
def test_initials(text: str, expected: str) -> None:
    assert initials(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ㄱㅈㅇ", True),
        ("ㅇㅅㅇ", True),
        ("ㄱㅈ", True),
        (" ㄱ ㅈ ", True),
        ("ㄲㅉ", True),
        ("ㄳ", True),  # what some IMEs show for ㄱ then ㅅ
        ("ㄱ", False),
        ("", False),
        ("   ", False),
        ("ㄱㅈ은", False),
        ("ㄱㅏ", False),
        ("ㄱa", False),
        ("12", False),
        ("김정은", False),
    ],
)
def test_is_initials_query(text: str, expected: bool) -> None:
    assert is_initials_query(text) is expected


def test_keyboard_neighbours_follow_the_layout() -> None:
    assert keyboard_neighbours("ㅂ") == {"ㅃ", "ㅈ", "ㅉ", "ㅁ"}  # Q: shift, W, A
    assert keyboard_neighbours("ㅎ") == {"ㅅ", "ㅆ", "ㅛ", "ㄹ", "ㅗ", "ㅍ", "ㅠ"}  # G: T Y, F H, V B
    assert keyboard_neighbours("ㅖ") == {"ㅔ", "ㅐ", "ㅒ", "ㅣ"}  # shifted P
    assert "ㅔ" not in keyboard_neighbours("ㅂ")
    assert keyboard_neighbours("a") == frozenset()
    for jamo in "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎㅏㅐㅑㅒㅓㅔㅕㅖㅗㅛㅜㅠㅡㅣ":
        near = keyboard_neighbours(jamo)
        assert jamo not in near and near
        assert all(jamo in keyboard_neighbours(other) for other in near)


def test_slips_add_confusable_sounds_to_the_neighbours() -> None:
    assert {"ㅌ", "ㄸ"} <= slips("ㄷ") and "ㅌ" not in keyboard_neighbours("ㄷ")
    assert {"ㅔ", "ㄲ"} <= slips("ㅐ") | slips("ㄱ")
    assert slips("x") == frozenset()


def reference_distance(a: str, b: str) -> float:
    """The same weighted Damerau-Levenshtein, as the full textbook table."""
    a, b = decompose(a), decompose(b)
    d = [[float(i + j) if not i or not j else 0.0 for j in range(len(b) + 1)] for i in range(len(a) + 1)]
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            sub = 0.0 if a[i - 1] == b[j - 1] else SLIP_COST if b[j - 1] in slips(a[i - 1]) else 1.0
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + sub)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    return d[len(a)][len(b)]


def test_jamo_distance_examples() -> None:
    assert jamo_distance("대통령", "대통령") == 0
    assert jamo_distance("대통령", "대통렁") == SLIP_COST  # ㅕ/ㅓ: neighbouring keys
    assert jamo_distance("대통령", "대통랑") == 1  # ㅕ/ㅏ: far apart
    assert jamo_distance("세계", "새계") == SLIP_COST  # ㅔ/ㅐ
    assert jamo_distance("갈비", "깔비") == SLIP_COST  # shift
    assert jamo_distance("푸틴", "푸딘") == SLIP_COST  # ㅌ/ㄷ: a sound, not a key
    assert jamo_distance("국민", "굼긴") == 1  # ㄱㅁ swapped
    assert jamo_distance("대통령", "대통려") == 1  # a key missing
    assert jamo_distance("대통령", "ㄷㅐㅌㅗㅇㄹㅕㅇ") == 0  # words or keystrokes alike


def test_jamo_distance_matches_the_full_table_and_is_symmetric() -> None:
    rng = random.Random(0)
    keys = "ㄱㄲㄴㄷㄹㅁㅂㅅㅇㅈㅊㅌㅎㅏㅐㅓㅔㅕㅗㅜㅡㅣ"
    for _ in range(1500):
        a = "".join(rng.choice(keys) for _ in range(rng.randint(0, 7)))
        b = list(a)
        for _ in range(rng.randint(0, 3)):  # a few edits, so that distances stay small
            i = rng.randint(0, len(b))
            edit = rng.choice(("insert", "delete", "replace", "swap"))
            if edit == "insert":
                b.insert(i, rng.choice(keys))
            elif i < len(b) and edit == "delete":
                del b[i]
            elif i < len(b) and edit == "replace":
                b[i] = rng.choice(keys)
            elif i + 1 < len(b):
                b[i], b[i + 1] = b[i + 1], b[i]
        b = "".join(b)
        expected = reference_distance(a, b)
        assert jamo_distance(a, b) == expected == jamo_distance(b, a), (a, b)
        for limit in (0.5, 1.0, 1.5, 2.0):
            bounded = jamo_distance(a, b, limit)
            assert bounded == expected if expected <= limit else bounded > limit, (a, b, limit)


def test_jamo_distance_stops_early_past_the_limit() -> None:
    assert jamo_distance("대통령", "국민의힘", limit=1) > 1
    assert jamo_distance("가", "가나다라마바사", limit=2) > 2
    assert jamo_distance("대통령", "대통랑", limit=0.5) > 0.5
