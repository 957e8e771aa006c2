"""The site owner's vocabulary: synonyms (applied to queries) and a Kiwi user dictionary.

Two plain text files that a site owner edits, both read by ``sokbo index`` and kept in the
index's metadata, so the web app searches with exactly what the index was built with.

``synonyms.txt``: one group of equivalent words per line, separated by ``=``; a query word
of a group also finds posts with any other word of it::

    # 국힘 finds 국민의힘, 北 finds 북한 (and the other way round)
    국민의힘 = 국힘
    북한 = 北 = 北韓

``userdict.txt``: one word per line that Kiwi splits wrongly, with an optional part-of-speech
tag (default ``NNP``, a proper noun) and an optional score (default 0; higher makes Kiwi
prefer the word more)::

    뉴진스
    하니    NNP
    챗GPT   NNP  1.0

Lines starting with ``#`` and blank lines are ignored. A line that cannot be understood is
reported with its file and line and skipped; the rest still apply.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

USER_TAGS = frozenset({"NNG", "NNP", "NNB", "NR", "NP", "VV", "VA", "MAG", "XR"})
"""Parts of speech a user word may have (Kiwi's Sejong tags for nouns, verbs, adjectives...)."""

UserWord = tuple[str, str, float]


@dataclass(frozen=True)
class VocabularyWarning:
    """A line of a vocabulary file that was skipped."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass(frozen=True)
class Vocabulary:
    """Synonym groups and user words, as stored with an index.

    Example:
        >>> v = Vocabulary(synonyms=(("국민의힘", "국힘"),))
        >>> v.expansions("국힘")
        ('국민의힘',)
    """

    synonyms: tuple[tuple[str, ...], ...] = ()
    user_words: tuple[UserWord, ...] = ()
    _lookup: Mapping[str, tuple[str, ...]] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        lookup: dict[str, dict[str, None]] = {}
        for group in self.synonyms:
            for word in group:
                lookup.setdefault(word.lower(), {}).update(dict.fromkeys(w for w in group if w.lower() != word.lower()))
        object.__setattr__(self, "_lookup", {w: tuple(others) for w, others in lookup.items()})

    def expansions(self, word: str) -> tuple[str, ...]:
        """The other words of every synonym group that ``word`` is in (case-insensitive)."""
        return self._lookup.get(word.lower(), ())

    def as_meta(self) -> dict[str, Any]:
        return {"synonyms": [list(g) for g in self.synonyms], "user_words": [list(w) for w in self.user_words]}

    @classmethod
    def from_meta(cls, meta: Mapping[str, Any]) -> Vocabulary:
        return cls(
            synonyms=tuple(tuple(g) for g in meta.get("synonyms", ())),
            user_words=tuple((str(w), str(t), float(s)) for w, t, s in meta.get("user_words", ())),
        )

    @classmethod
    def read(cls, synonyms: Path | None, user_dict: Path | None) -> tuple[Vocabulary, list[VocabularyWarning]]:
        """Read the two files (either may be None: not used). Raises OSError if one cannot be read."""
        warnings: list[VocabularyWarning] = []
        groups = _read_synonyms(synonyms, warnings) if synonyms else ()
        words = _read_user_words(user_dict, warnings) if user_dict else ()
        return cls(synonyms=groups, user_words=words), warnings


def _lines(path: Path) -> Iterable[tuple[int, str]]:
    from .analysis import normalize

    for number, raw in enumerate(path.read_text(encoding="utf-8-sig").splitlines(), start=1):
        line = normalize(raw).strip()
        if line and not line.startswith("#"):
            yield number, line


def _read_synonyms(path: Path, warnings: list[VocabularyWarning]) -> tuple[tuple[str, ...], ...]:
    groups: list[tuple[str, ...]] = []
    for number, line in _lines(path):
        words = tuple(dict.fromkeys(w.strip() for w in line.split("=") if w.strip()))
        if "=" not in line or len(words) < 2:
            warnings.append(VocabularyWarning(str(path), number, "a synonym group needs two words or more: a = b"))
            continue
        groups.append(words)
    return tuple(groups)


def _read_user_words(path: Path, warnings: list[VocabularyWarning]) -> tuple[UserWord, ...]:
    words: dict[str, UserWord] = {}
    for number, line in _lines(path):
        parts = line.split()
        word, tag, score = parts[0], (parts[1].upper() if len(parts) > 1 else "NNP"), 0.0
        problem = None
        if len(parts) > 3:
            problem = "expected: word [tag [score]]"
        elif tag not in USER_TAGS:
            problem = f"unknown part of speech {parts[1]!r}; use one of {', '.join(sorted(USER_TAGS))}"
        elif len(parts) == 3:
            try:
                score = float(parts[2])
            except ValueError:
                problem = f"the score {parts[2]!r} is not a number"
        if problem:
            warnings.append(VocabularyWarning(str(path), number, problem))
            continue
        words[word] = (word, tag, score)
    return tuple(words.values())
