"""Hangul as keystrokes: decomposition, IME composition, 초성 and a typing-aware edit distance.

Everything here works on the *keystroke string* of a text: each precomposed syllable becomes
the compatibility jamo a 2-set (두벌식) keyboard types for it, compound vowels and finals split
into their two keys (닭 → ㄷㅏㄹㄱ, 의 → ㅇㅡㅣ). A word being typed is then a prefix of the
finished word's keystrokes (대토 → ㄷㅐㅌㅗ, a prefix of 대통령's ㄷㅐㅌㅗㅇㄹㅕㅇ), and a typing
slip is one edit of them. Double consonants (ㄲㄸㅃㅆㅉ) are one shifted key, so one jamo.

Inputs are expected NFC-composed (``analysis.normalize`` does it); pure standard library.
"""

from __future__ import annotations

import math
import re

_CHO = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"
_JUNG = "ㅏㅐㅑㅒㅓㅔㅕㅖㅗㅘㅙㅚㅛㅜㅝㅞㅟㅠㅡㅢㅣ"
_JONG = ("",) + tuple("ㄱㄲㄳㄴㄵㄶㄷㄹㄺㄻㄼㄽㄾㄿㅀㅁㅂㅄㅅㅆㅇㅈㅊㅋㅌㅍㅎ")
_FIRST, _LAST = 0xAC00, 0xD7A3
_SPLIT = {
    "ㄳ": "ㄱㅅ", "ㄵ": "ㄴㅈ", "ㄶ": "ㄴㅎ", "ㄺ": "ㄹㄱ", "ㄻ": "ㄹㅁ", "ㄼ": "ㄹㅂ", "ㄽ": "ㄹㅅ",
    "ㄾ": "ㄹㅌ", "ㄿ": "ㄹㅍ", "ㅀ": "ㄹㅎ", "ㅄ": "ㅂㅅ",
    "ㅘ": "ㅗㅏ", "ㅙ": "ㅗㅐ", "ㅚ": "ㅗㅣ", "ㅝ": "ㅜㅓ", "ㅞ": "ㅜㅔ", "ㅟ": "ㅜㅣ", "ㅢ": "ㅡㅣ",
}  # fmt: skip
_JOIN = {keys: jamo for jamo, keys in _SPLIT.items()}
_CONSONANTS = frozenset(_CHO)
_VOWELS = frozenset(_JUNG) - frozenset(_SPLIT)
_CHO_INDEX = {c: i for i, c in enumerate(_CHO)}
_JUNG_INDEX = {v: i for i, v in enumerate(_JUNG)}
_JONG_INDEX = {f: i for i, f in enumerate(_JONG) if f}


def _syllable_keys(code: int) -> str:
    cho, jung, jong = (code - _FIRST) // 588, (code - _FIRST) // 28 % 21, (code - _FIRST) % 28
    return "".join(_SPLIT.get(j, j) for j in (_CHO[cho], _JUNG[jung], _JONG[jong]))


_SYLLABLES = range(_FIRST, _LAST + 1)
_DECOMPOSE = {code: _syllable_keys(code) for code in _SYLLABLES} | {ord(j): k for j, k in _SPLIT.items()}
_INITIAL = {code: _CHO[(code - _FIRST) // 588] for code in _SYLLABLES} | {ord(j): k for j, k in _SPLIT.items()}
_NOT_CONSONANT = re.compile("[^ㄱ-ㅎ]+")  # ㄱ..ㅎ (U+3131..U+314E) holds consonants only


def decompose(text: str) -> str:
    """The 2-set keystrokes of ``text``: syllables and compound jamo split, the rest unchanged.

    Example:
        >>> decompose("닭의 김정은")
        'ㄷㅏㄹㄱㅇㅡㅣ ㄱㅣㅁㅈㅓㅇㅇㅡㄴ'
        >>> decompose("ㄳ과 K팝")
        'ㄱㅅㄱㅗㅏ Kㅍㅏㅂ'
    """
    return text.translate(_DECOMPOSE)


def compose(jamo: str) -> str:
    """Keystrokes back to syllables, greedily as a 2-set IME composes them.

    A consonant takes the following vowel as a new syllable's initial rather than staying the
    previous syllable's final (ㄱㅏㄴㅏ → 가나); two consonants after a vowel join into a compound
    final unless a vowel follows (ㄷㅏㄹㄱ → 닭, ㄷㅏㄹㄱㅏ → 달가). Syllables already composed are
    decomposed first, so keys typed after one join it (가 + ㄴ → 간). Jamo that belong to no
    syllable stay as typed (ㄱㅅ stays ㄱㅅ where an IME would show ㄳ), so 초성 survive.
    ``compose(decompose(s)) == s`` for every string of syllables.

    Example:
        >>> compose("ㄷㅏㄹㄱ"), compose("ㄷㅏㄹㄱㅏ"), compose("ㄱㅏㄴㅏ"), compose("ㄱㅗㅏㅇㅡㅣ")
        ('닭', '달가', '가나', '과의')
        >>> compose("ㄱㅈㅇ 대토ㅇ")
        'ㄱㅈㅇ 대통'
    """
    s = decompose(jamo)
    n = len(s)

    def vowel_at(i: int) -> bool:
        return i < n and s[i] in _VOWELS

    out = []
    i = 0
    while i < n:
        c = s[i]
        if c not in _CONSONANTS or not vowel_at(i + 1):
            out.append(c)
            i += 1
            continue
        vowel = s[i + 1]
        i += 2
        if vowel_at(i) and vowel + s[i] in _JOIN:
            vowel = _JOIN[vowel + s[i]]
            i += 1
        final = ""
        if i < n and s[i] in _JONG_INDEX and not vowel_at(i + 1):
            final = s[i]
            i += 1
            if i < n and final + s[i] in _JOIN and not vowel_at(i + 1):
                final = _JOIN[final + s[i]]
                i += 1
        out.append(chr(_FIRST + (_CHO_INDEX[c] * 21 + _JUNG_INDEX[vowel]) * 28 + _JONG_INDEX.get(final, 0)))
    return "".join(out)


def final_consonant(syllable: str) -> str | None:
    """The final consonant (받침) of a Hangul syllable, "" for none, None for any other
    character: what picks a particle (동맹은 but 바이든은, 푸틴으로 but 서울로).

    Example:
        >>> final_consonant("맹"), final_consonant("스"), final_consonant("울"), final_consonant("A")
        ('ㅇ', '', 'ㄹ', None)
    """
    code = ord(syllable) if len(syllable) == 1 else -1
    return _JONG[(code - _FIRST) % 28] if _FIRST <= code <= _LAST else None


def initials(text: str) -> str:
    """The 초성 of each syllable of ``text``; lone consonants are kept, everything else dropped.

    Lone consonants stay so that a query already in 초성 maps to itself (a compound one is split:
    some IMEs show ㄳ for ㄱ then ㅅ). Latin letters, digits, spaces and punctuation are dropped:
    초성 search is about Hangul, and a 초성 query never holds them.

    Example:
        >>> initials("김정은"), initials("국민의 힘, G20"), initials("ㄱㅈ ㅇ"), initials("ㄳ")
        ('ㄱㅈㅇ', 'ㄱㅁㅇㅎ', 'ㄱㅈㅇ', 'ㄱㅅ')
    """
    return _NOT_CONSONANT.sub("", text.translate(_INITIAL))


def is_initials_query(text: str) -> bool:
    """Whether ``text`` is a 초성 query: spaces aside, two or more consonants and nothing else.

    Example:
        >>> is_initials_query("ㄱㅈㅇ"), is_initials_query("ㅇ ㅅ ㅇ"), is_initials_query("ㄱ")
        (True, True, False)
        >>> is_initials_query("ㄱㅈ은"), is_initials_query("ㄱㅏ"), is_initials_query("ㄳ")
        (False, False, True)
    """
    keys = decompose("".join(text.split()))
    return len(keys) >= 2 and all(c in _CONSONANTS for c in keys)


# The 2-set layout by physical key: QWERTY rows, each starting a little further right.
_ROWS = ("ㅂㅈㄷㄱㅅㅛㅕㅑㅐㅔ", "ㅁㄴㅇㄹㅎㅗㅓㅏㅣ", "ㅋㅌㅊㅍㅠㅜㅡ")
_SHIFTED = dict(zip("ㅂㅈㄷㄱㅅㅐㅔ", "ㅃㅉㄸㄲㅆㅒㅖ"))
# Sounds that are confused whatever the keyboard: 외래어 표기 (푸틴/푸딘), ㅐ/ㅔ, ㅒ/ㅖ.
_CONFUSABLE = ("ㄱㅋㄲ", "ㄷㅌㄸ", "ㅂㅍㅃ", "ㅈㅊㅉ", "ㅅㅆ", "ㅐㅔ", "ㅒㅖ")


def _layout_neighbours() -> dict[str, frozenset[str]]:
    place = {key: (r, c) for r, row in enumerate(_ROWS) for c, key in enumerate(row)}

    def adjacent(p: tuple[int, int], q: tuple[int, int]) -> bool:
        (r1, c1), (r2, c2) = sorted((p, q))
        # The lower row is shifted right: key c touches keys c-1 and c of the row below it.
        return abs(c1 - c2) <= 1 if r1 == r2 else r2 == r1 + 1 and c2 in (c1 - 1, c1)

    def faces(key: str) -> set[str]:
        return {key, _SHIFTED[key]} if key in _SHIFTED else {key}

    near: dict[str, frozenset[str]] = {}
    for key, p in place.items():
        touching = set().union(*(faces(other) for other, q in place.items() if adjacent(p, q)))
        for jamo in faces(key):
            near[jamo] = frozenset(touching - {jamo})
    return near


_NEIGHBOURS = _layout_neighbours()


def keyboard_neighbours(jamo: str) -> frozenset[str]:
    """The jamo a 2-set typist hits instead of ``jamo``: the same key with or without shift,
    and the keys around it (across rows too, as on a real keyboard). Empty for anything else.

    Example:
        >>> sorted(keyboard_neighbours("ㅇ"))
        ['ㄱ', 'ㄲ', 'ㄴ', 'ㄷ', 'ㄸ', 'ㄹ', 'ㅊ', 'ㅌ']
        >>> "ㅔ" in keyboard_neighbours("ㅐ"), "ㄲ" in keyboard_neighbours("ㄱ"), keyboard_neighbours("a")
        (True, True, frozenset())
    """
    return _NEIGHBOURS.get(jamo, frozenset())


SLIP_COST = 0.5
"""Cost of substituting a keyboard neighbour or a confusable sound (every other edit costs 1):
two such slips weigh as much as one arbitrary typo, so 대통렁 (ㅕ→ㅓ, neighbours) is nearer
대통령 than 대통랑 (ㅕ→ㅏ) is. Lower would let two-slip words outrank one-typo words too often;
at 1 the keyboard would not count at all."""

_CHEAP = {
    jamo: _NEIGHBOURS[jamo] | {c for group in _CONFUSABLE if jamo in group for c in group if c != jamo}
    for jamo in _CONSONANTS | _VOWELS
}


def slips(jamo: str) -> frozenset[str]:
    """The jamo that replace ``jamo`` at :data:`SLIP_COST`: keyboard neighbours and confusable sounds.

    Example:
        >>> sorted(slips("ㄷ") - keyboard_neighbours("ㄷ"))
        ['ㅌ']
    """
    return _CHEAP.get(jamo, frozenset())


def jamo_distance(a: str, b: str, limit: float | None = None) -> float:
    """Weighted Damerau-Levenshtein distance between the keystroke strings of ``a`` and ``b``.

    Insertion, deletion, substitution and swapping two adjacent keys cost 1; substituting a
    keyboard neighbour or a confusable sound costs :data:`SLIP_COST`. With ``limit`` only the
    band of the table within ``limit`` of its diagonal is computed, and the computation stops as
    soon as every path costs more: the value returned is then some value above ``limit``.

    Example:
        >>> jamo_distance("푸틴", "푸딘"), jamo_distance("대통령", "대통렁"), jamo_distance("대통령", "대통랑")
        (0.5, 0.5, 1.0)
        >>> jamo_distance("국민", "굼긴"), jamo_distance("국민", "국민의힘")
        (1.0, 6.0)
        >>> jamo_distance("대통령", "국민의힘", limit=1) > 1
        True
    """
    a, b = decompose(a), decompose(b)
    if a == b:
        return 0.0
    if len(a) > len(b):
        a, b = b, a
    n, m = len(a), len(b)
    if limit is None:
        limit = float(m)
    if m - n > limit:
        return float(m - n)
    band = int(limit)  # a cell further than this off the diagonal costs more than `limit`
    inf = math.inf
    prev2: list[float] = []
    prev = [float(j) if j <= band else inf for j in range(m + 1)]
    for i in range(1, n + 1):
        ca = a[i - 1]
        cheap = _CHEAP.get(ca, frozenset())
        cur = [inf] * (m + 1)
        if i <= band:
            cur[0] = float(i)
        row_min = cur[0]
        for j in range(max(1, i - band), min(m, i + band) + 1):
            cb = b[j - 1]
            if ca == cb:
                v = prev[j - 1]
            else:
                v = prev[j - 1] + (SLIP_COST if cb in cheap else 1.0)
                if prev[j] + 1.0 < v:
                    v = prev[j] + 1.0
                if cur[j - 1] + 1.0 < v:
                    v = cur[j - 1] + 1.0
                if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb and prev2[j - 2] + 1.0 < v:
                    v = prev2[j - 2] + 1.0
            cur[j] = v
            if v < row_min:
                row_min = v
        if row_min > limit:  # rows' minima never decrease: no path can come back under
            return row_min
        prev2, prev = prev, cur
    return prev[m]
