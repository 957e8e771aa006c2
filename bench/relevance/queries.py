"""Known-item queries generated from the posts themselves, deterministically from a seed.

Each query is made from one post (its target) in the way a reader who remembers that post
would search for it; see README.md for the sets. Per set the posts are visited in an order
shuffled by ``seed``, at most one query per post, until ``per_set`` queries are made. The
question and newword families come from outside the posts: see questions.py and newwords.py.
"""

from __future__ import annotations

import hashlib
import itertools
import random
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from corpus import Corpus, summary, words
from hangul import chosung, misspell
from sokbo.search.document import Post

POST_SETS = ("title", "body", "inflected", "misspelt", "chosung", "phrase", "memory_title", "memory_body", "multi")
"""The sets made here, from the posts searched."""
SETS = (*POST_SETS, "question", "newword")
"""Every family, in the order of the table: question (its own posts, questions.py) and newword
(words no post has, newwords.py) last."""
HALVES = ("tune", "test")

_HANGUL = re.compile(r"[가-힣]+")
_PLAIN = re.compile(r"[가-힣A-Za-z0-9]+")
"""A phrase word with no punctuation attached (so the quoted phrase is as a reader types it)."""
_NOUNS = ("NNP", "NNG")
ATTEMPTS = 10
"""Random choices tried per post before it is passed over for this set."""
_PRINTED = re.compile(r"[^\W_]+(?:(?:[-.&+_]|(?<=\d),(?=\d{3}))[^\W_]+)*")
"""A word as printed: letters and digits of any script, with the particles and endings that
are part of it (연설에서), and the punctuation that joins letters or digits inside it (3.5,
K-pop, 1,000명); punctuation around it (quotes, brackets, commas, …, ·) is not part of it."""


@dataclass(frozen=True)
class Query:
    """One known-item query: ``text`` as typed, and the post it should find."""

    set: str
    text: str
    target_id: str
    half: str
    expected_suggestion: str | None = None
    """For misspelt queries: the query with the typo corrected."""
    accepted: tuple[str, ...] = ()
    """The target and the posts republished under the same title: any of them counts as found."""
    new_word: str | None = None
    """For newword queries (no target, ``target_id`` ""): the word that no post contains."""


def half_of(set_name: str, target_id: str) -> str:
    """"tune" or "test", from a hash of the set and the target: stable whatever the seed or N."""
    return HALVES[hashlib.sha1(f"{set_name}:{target_id}".encode()).digest()[0] % 2]


def df_cap(n_posts: int, per: int, floor: int) -> int:
    """A document-frequency limit of one post in ``per`` (never below ``floor``)."""
    return max(floor, n_posts // per)


class Generator:
    """Makes the queries of each set from a :class:`Corpus`."""

    def __init__(self, corpus: Corpus) -> None:
        self.corpus = corpus
        n = len(corpus.posts)
        self.body_df = df_cap(n, 200, 2)  # 29 of 5,996 posts
        self.inflected_df = df_cap(n, 600, 3)  # 9
        self.chosung_df = df_cap(n, 600, 2)  # 9
        self.few_df = df_cap(n, 600, 2)  # 9 other posts with all the words of a memory or multi query
        self._particle_only_cache: dict[int, set[str]] = {}
        self._makers: dict[str, Callable[[int, random.Random], tuple[str, str | None] | None]] = {
            "title": self.title,
            "body": self.body,
            "inflected": self.inflected,
            "misspelt": self.misspelt,
            "chosung": self.chosung,
            "phrase": self.phrase,
            "memory_title": self.memory_title,
            "memory_body": self.memory_body,
            "multi": self.multi,
        }

    def generate(self, per_set: int, seed: int, sets: Sequence[str] = POST_SETS) -> list[Query]:
        """``per_set`` queries (fewer when the posts run out) of each of ``sets`` (those of
        :data:`POST_SETS`), in set order. Each set has its own random stream: leaving a set
        out changes no other set's queries."""
        return [q for name in POST_SETS if name in sets for q in self.generate_set(name, per_set, seed)]

    def generate_set(self, name: str, per_set: int, seed: int) -> list[Query]:
        """The queries of one set of :data:`POST_SETS`."""
        return list(self._generate(name, per_set, seed))

    def _generate(self, name: str, per_set: int, seed: int) -> Iterator[Query]:
        rng = random.Random(f"{seed}/{name}")
        order = list(range(len(self.corpus.posts)))
        rng.shuffle(order)
        made = 0
        for i in order:
            if made == per_set:
                return
            result = self._makers[name](i, rng)
            if result is None:
                continue
            text, expected = result
            post_id = self.corpus.posts[i].id
            made += 1
            yield Query(name, text, post_id, half_of(name, post_id), expected, self.corpus.duplicates[post_id])

    # -- statistics ---------------------------------------------------------------------

    @cached_property
    def vocabulary(self) -> set[str]:
        return set(self.corpus.df)

    @cached_property
    def chosung_titles(self) -> dict[str, int]:
        """Chosung string → number of posts with a title word whose chosung contains it (2–4 long)."""
        counts: dict[str, int] = {}
        for post in self.corpus.posts:
            seen: set[str] = set()
            for word in _HANGUL.findall(post.title):
                initials = chosung(word)
                for size in range(2, 5):
                    seen.update(initials[k : k + size] for k in range(len(initials) - size + 1))
            for c in seen:
                counts[c] = counts.get(c, 0) + 1
        return counts

    @cached_property
    def kiwi(self) -> Any:
        from sokbo.search.analysis import get_kiwi

        return get_kiwi()

    def _particle_only(self, i: int) -> set[str]:
        """:func:`particle_only_nouns` of post ``i``, analysed once for the inflected and multi sets."""
        if i not in self._particle_only_cache:
            self._particle_only_cache[i] = particle_only_nouns(self.kiwi, self.corpus.posts[i])
        return self._particle_only_cache[i]

    def _unique(self, post: Post, text: str) -> bool:
        """Whether no post other than ``post``'s duplicates contains ``text``."""
        accepted = set(self.corpus.duplicates[post.id])
        return all(self.corpus.posts[i].id in accepted for i in self.corpus.containing(text))

    # -- the sets -----------------------------------------------------------------------

    def title(self, i: int, rng: random.Random) -> tuple[str, None] | None:
        """2–3 words of the title, in shuffled order, that no other title has all of."""
        post = self.corpus.posts[i]
        found = list(dict.fromkeys(w for w in words(post.title) if len(w) >= 2))
        if len(found) < 2:
            return None
        for _ in range(ATTEMPTS):
            chosen = rng.sample(found, min(len(found), rng.choice((2, 3))))
            if self.corpus.identifies(post, chosen):
                return " ".join(chosen), None
        return None

    def body(self, i: int, rng: random.Random) -> tuple[str, None] | None:
        """2–3 nouns of the body that are rare in the corpus and absent from the title."""
        post = self.corpus.posts[i]
        title = post.title.casefold()
        candidates = sorted(
            w for w in bare_nouns(self.kiwi, post.body)
            if w.casefold() not in title and self.corpus.df[w.casefold()] <= self.body_df
        )
        rng.shuffle(candidates)
        picked: list[str] = []
        for word in candidates:
            if not any(word in p or p in word for p in picked):
                picked.append(word)
        if len(picked) < 2:
            return None
        return " ".join(picked[: rng.choice((2, 3))]), None

    def inflected(self, i: int, rng: random.Random) -> tuple[str, None] | None:
        """A noun the post only ever writes with a particle attached, searched bare, that few
        posts contain (in more, no engine can tell which of them the reader remembers)."""
        candidates = sorted(self._particle_only(i))
        rng.shuffle(candidates)
        for noun in candidates:
            if len(self.corpus.containing(noun)) <= self.inflected_df:
                return noun, None
        return None

    def misspelt(self, i: int, rng: random.Random) -> tuple[str, str] | None:
        """A title word with one jamo changed, and another title word, in title order; the two
        words (spelt right) are in no other title."""
        post = self.corpus.posts[i]
        found = list(dict.fromkeys(w for w in words(post.title) if len(w) >= 2))
        hangul = [w for w in found if _HANGUL.fullmatch(w)]
        if len(found) < 2 or not hangul:
            return None
        rng.shuffle(hangul)
        for word in hangul[:ATTEMPTS]:
            other = rng.choice([w for w in found if w != word])
            if not self.corpus.identifies(post, [word, other]):
                continue
            typo = misspell(word, rng, self.vocabulary)
            if typo is None:
                continue
            pair = sorted((word, other), key=post.title.index)
            return " ".join(typo if w == word else w for w in pair), " ".join(pair)
        return None

    def chosung(self, i: int, rng: random.Random) -> tuple[str, None] | None:
        """The initial consonants of a 2–4-syllable noun (proper nouns first) or word of the title,
        when few titles have a word with those initials."""
        title = self.corpus.posts[i].title
        tiers: dict[str, set[str]] = {"NNP": set(), "NNG": set(), "word": set()}
        for token in self.kiwi.tokenize(title):
            if token.tag in _NOUNS and title[token.start : token.end] == token.form:
                tiers[token.tag].add(token.form)
        tiers["word"].update(_HANGUL.findall(title))
        for tier in tiers.values():
            initials = sorted(
                {chosung(w) for w in tier if _HANGUL.fullmatch(w) and 2 <= len(w) <= 4}
                - {""}
            )
            specific = [c for c in initials if self.chosung_titles.get(c, 0) <= self.chosung_df]
            if specific:
                return rng.choice(specific), None
        return None

    def phrase(self, i: int, rng: random.Random) -> tuple[str, None] | None:
        """A quoted run of 3–5 consecutive words of one body line that no other post contains."""
        post = self.corpus.posts[i]
        size = rng.randint(3, 5)
        runs = [
            run for line in post.body.splitlines() for line_words in [line.split()]
            for k in range(len(line_words) - size + 1)
            for run in [line_words[k : k + size]]
            if all(_PLAIN.fullmatch(w) for w in run) and _HANGUL.search(run[0] + run[-1])
        ]
        rng.shuffle(runs)
        for run in runs[:20]:
            text = " ".join(run)
            if len(text) >= 8 and self._unique(post, text):
                return f'"{text}"', None
        return None

    def _memory(self, found: list[str], identifies: Callable[[list[str]], bool], rng: random.Random) -> str | None:
        """2–4 of ``found`` in random order, none inside another, that ``identifies`` accepts."""
        if len(found) < 2:
            return None
        for _ in range(ATTEMPTS):
            chosen = rng.sample(found, min(len(found), rng.choice((2, 3, 4))))
            if _nested(chosen):
                continue
            if identifies(chosen):
                return " ".join(chosen)
        return None

    def memory_title(self, i: int, rng: random.Random) -> tuple[str, None] | None:
        """2–4 words of the title as printed (particles and endings included), in random order,
        that few other posts contain all of (:meth:`_few`)."""
        post = self.corpus.posts[i]
        found = sorted(set(printed_words(post.title)))
        text = self._memory(found, lambda chosen: self._few(post, chosen), rng)
        return None if text is None else (text, None)

    def memory_body(self, i: int, rng: random.Random) -> tuple[str, None] | None:
        """2–4 words of the body as printed, in random order, that few other posts contain all
        of (:meth:`_few`)."""
        post = self.corpus.posts[i]
        found = sorted(set(printed_words(post.body)))
        text = self._memory(found, lambda chosen: self._few(post, chosen), rng)
        return None if text is None else (text, None)

    def _few(self, post: Post, chosen: list[str]) -> bool:
        """Whether at most :attr:`few_df` posts besides ``post`` and its duplicates contain
        every one of ``chosen`` (as substrings, ignoring case): the reader's words leave a few
        posts to rank, not one (which an engine that only matches them as substrings would
        find by matching alone), nor dozens (where nothing could tell which one she means)."""
        accepted = set(self.corpus.duplicates[post.id])
        return sum(self.corpus.posts[k].id not in accepted for k in self.corpus.containing_all(chosen)) <= self.few_df

    def multi(self, i: int, rng: random.Random) -> tuple[str, None] | None:
        """2–3 nouns that the post only writes with particles attached, bare, in random order,
        that few other posts contain all of (:meth:`_few`): those may have them bare, as typed,
        while the post the reader means has them only with particles."""
        post = self.corpus.posts[i]
        found = sorted(self._particle_only(i))
        if len(found) < 2:
            return None
        for _ in range(ATTEMPTS):
            chosen = rng.sample(found, min(len(found), rng.choice((2, 3))))
            if not _nested(chosen) and self._few(post, chosen):
                return " ".join(chosen), None
        return None


def printed_words(text: str) -> list[str]:
    """The words of ``text`` of ≥ 2 characters as printed (see :data:`_PRINTED`), in order."""
    return [w for w in _PRINTED.findall(text) if len(w) >= 2]


def _nested(chosen: list[str]) -> bool:
    """Whether a word of ``chosen`` is inside another (대통령, 대통령은): a reader says it once."""
    folded = [w.casefold() for w in chosen]
    return any(a in b for k, a in enumerate(folded) for b in folded[k + 1 :] + folded[:k])


def particle_only_nouns(kiwi: Any, post: Post) -> set[str]:
    """Nouns (2+ syllables) that occur in ``post`` only as whole words followed by particles.

    Every occurrence must be a word that Kiwi reads as the noun then only particles (J* tags),
    and every word of the post that contains the noun must be one of those: so the bare noun
    is nowhere in the post, not even inside a compound.
    """
    text = " ".join(f"{post.title}\n{summary(post)}\n{post.body}".split())
    spans = {m.start(): m for m in re.finditer(_PLAIN, text)}
    tokens = kiwi.tokenize(text)
    ok: dict[str, bool] = {}
    surfaces: dict[str, set[str]] = {}
    for k, token in enumerate(tokens):
        if token.tag not in _NOUNS or not _HANGUL.fullmatch(token.form) or len(token.form) < 2:
            continue
        word = spans.get(token.start)
        attached = (
            word is not None
            and text[token.start : token.end] == token.form
            and word.end() > token.end
        )
        if attached:
            assert word is not None
            rest = list(itertools.takewhile(lambda t: t.start < word.end(), tokens[k + 1 : k + 8]))
            attached = (
                bool(rest) and rest[0].start == token.end and rest[-1].end == word.end()
                and all(t.tag.startswith("J") for t in rest)
            )
        ok[token.form] = ok.get(token.form, True) and attached
        if attached:
            assert word is not None
            surfaces.setdefault(token.form, set()).add(word.group())
    post_words = set(_PLAIN.findall(text))
    return {
        noun for noun, good in ok.items()
        if good and all(w in surfaces[noun] for w in post_words if noun in w)
    }


def bare_nouns(kiwi: Any, text: str) -> set[str]:
    """Words of ``text`` that are one noun and nothing else (2+ syllables, or 3+ Latin letters)."""
    found: set[str] = set()
    spans = {m.start(): m.group() for m in _PLAIN.finditer(text)}
    for token in kiwi.tokenize(text):
        word = spans.get(token.start)
        if word is None or len(word) != token.len or word != token.form:
            continue
        if (token.tag in _NOUNS and _HANGUL.fullmatch(word) and len(word) >= 2) or (
            token.tag == "SL" and len(word) >= 3
        ):
            found.add(word)
    return found
