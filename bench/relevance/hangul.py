"""Hangul syllable arithmetic for the benchmark's query generator.

A precomposed syllable is ``0xAC00 + (initial * 21 + medial) * 28 + final``. The bench has its
own copy of this arithmetic so that it measures sokbo without depending on sokbo's code.
"""

from __future__ import annotations

import random

INITIALS = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"
MEDIALS = "ㅏㅐㅑㅒㅓㅔㅕㅖㅗㅘㅙㅚㅛㅜㅝㅞㅟㅠㅡㅢㅣ"
FINALS = ("", *"ㄱㄲㄳㄴㄵㄶㄷㄹㄺㄻㄼㄽㄾㄿㅀㅁㅂㅄㅅㅆㅇㅈㅊㅋㅌㅍㅎ")
SLOTS: tuple[tuple[str, ...], ...] = (tuple(INITIALS), tuple(MEDIALS), FINALS)
"""The jamo each position of a syllable (initial, medial, final) can hold."""

_FIRST, _LAST = 0xAC00, 0xD7A3

KEY_ROWS = ("ㅂㅈㄷㄱㅅㅛㅕㅑㅐㅔ", "ㅁㄴㅇㄹㅎㅗㅓㅏㅣ", "ㅋㅌㅊㅍㅠㅜㅡ")
"""The 2-set (두벌식) Korean keyboard, QWERTY rows top to bottom."""
SHIFTED = {"ㅂ": "ㅃ", "ㅈ": "ㅉ", "ㄷ": "ㄸ", "ㄱ": "ㄲ", "ㅅ": "ㅆ", "ㅐ": "ㅒ", "ㅔ": "ㅖ"}
"""Jamo typed with Shift on the same key."""


def is_syllable(char: str) -> bool:
    return _FIRST <= ord(char) <= _LAST


def decompose(syllable: str) -> tuple[int, int, int]:
    """Indexes of the initial, medial and final (0 = none) of one precomposed syllable."""
    code = ord(syllable) - _FIRST
    return code // (21 * 28), code // 28 % 21, code % 28


def compose(initial: int, medial: int, final: int) -> str:
    return chr(_FIRST + (initial * 21 + medial) * 28 + final)


def chosung(word: str) -> str:
    """The initial consonants of a word's syllables (대한민국 → ㄷㅎㅁㄱ); other characters are dropped."""
    return "".join(INITIALS[decompose(c)[0]] for c in word if is_syllable(c))


def _key_positions() -> dict[str, tuple[int, int]]:
    positions = {key: (row, col) for row, keys in enumerate(KEY_ROWS) for col, key in enumerate(keys)}
    positions.update({shifted: positions[base] for base, shifted in SHIFTED.items()})
    return positions


_POSITIONS = _key_positions()
_AT = {pos: key for key, pos in _POSITIONS.items() if key in "".join(KEY_ROWS)}


def neighbours(jamo: str) -> list[str]:
    """Jamo a finger slips to from ``jamo``: adjacent keys (rows are staggered: key ``c`` of a
    row touches keys ``c`` and ``c + 1`` of the row above) and the same key with(out) Shift."""
    if jamo not in _POSITIONS:
        return []  # compound vowels and final clusters are two keystrokes
    row, col = _POSITIONS[jamo]
    around = [(row, col - 1), (row, col + 1), (row - 1, col), (row - 1, col + 1), (row + 1, col - 1), (row + 1, col)]
    found = [_AT[p] for p in around if p in _AT]
    base = _AT[(row, col)]
    found += [j for j in (base, SHIFTED.get(base)) if j and j != jamo]
    return found


def misspell(word: str, rng: random.Random, known: set[str]) -> str | None:
    """``word`` with exactly one jamo changed, not itself in ``known``; None if impossible.

    A keyboard slip (a neighbouring key, or Shift) is preferred; when none gives an unknown
    word, any other jamo of the same position is used.
    """
    slips: list[str] = []
    others: list[str] = []
    for i, char in enumerate(word):
        if not is_syllable(char):
            continue
        parts = decompose(char)
        for slot, jamo_index in enumerate(parts):
            jamo = SLOTS[slot][jamo_index]
            if not jamo:
                continue  # an absent final: adding one is an insertion, not a change
            near = set(neighbours(jamo))
            for replacement_index, replacement in enumerate(SLOTS[slot]):
                if not replacement or replacement == jamo:
                    continue
                changed = list(parts)
                changed[slot] = replacement_index
                typo = word[:i] + compose(*changed) + word[i + 1 :]
                if typo in known:
                    continue
                (slips if replacement in near else others).append(typo)
    pool = slips or others
    return rng.choice(pool) if pool else None
