"""The posts every engine indexes and every query is drawn from, read once by sokbo's reader.

Reading through :func:`sokbo.indexer.reader.read_post` gives each engine the same plain text
(HTML and Markdown stripped, front matter recovered), so the benchmark compares search, not
parsing.
"""

from __future__ import annotations

import re
import tempfile
import unicodedata
from array import array
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from sokbo.indexer.reader import iter_post_files, read_post
from sokbo.indexer.site import Site
from sokbo.search.document import Post

WORD = re.compile(r"[가-힣A-Za-z0-9]+")
"""A word for the generator: a run of Hangul syllables, Latin letters and digits."""


def words(text: str) -> list[str]:
    return WORD.findall(text)


def summary(post: Post) -> str:
    """Excerpt and feature text, once each (posts often repeat one in the other)."""
    parts = [post.excerpt]
    if post.feature_text and post.feature_text not in post.excerpt:
        parts.append(post.feature_text)
    return "\n".join(p for p in parts if p)


def title_key(title: str) -> str:
    """A title with case, whitespace and punctuation removed: equal keys mean a republished story."""
    return re.sub(r"[\W_]+", "", unicodedata.normalize("NFC", title).casefold())


@dataclass
class Corpus:
    """The posts of one ``_posts`` folder (or its first N), with the statistics the generator needs."""

    posts_dir: Path
    """A folder holding exactly these posts (a folder of links when only the first N are used)."""
    site: Site
    posts: list[Post]
    _keep: object = field(default=None, repr=False)
    """The temporary folder of links, kept alive as long as the corpus."""
    same_title_same_story: bool = True
    """Whether posts with the same :func:`title_key` are one story republished (see
    :attr:`duplicates`); False where many posts share a title on purpose (the paragraphs of
    one article in the question family)."""

    @cached_property
    def texts(self) -> list[str]:
        """Each post's title, summary and body, whitespace collapsed: what substring checks scan."""
        return [" ".join(f"{p.title}\n{summary(p)}\n{p.body}".split()) for p in self.posts]

    @cached_property
    def token_sets(self) -> list[frozenset[str]]:
        """Each post's words (case-folded)."""
        return [frozenset(w.casefold() for w in words(t)) for t in self.texts]

    @cached_property
    def df(self) -> Counter[str]:
        """In how many posts each word occurs."""
        return Counter(w for tokens in self.token_sets for w in tokens)

    @cached_property
    def titles(self) -> list[str]:
        return [p.title.casefold() for p in self.posts]

    def identifies(self, post: Post, chosen: list[str]) -> bool:
        """Whether no title but those of ``post`` and its duplicates contains every word of
        ``chosen`` (as substrings, so that no engine's way of matching words is favoured)."""
        accepted = set(self.duplicates[post.id])
        wanted = [w.casefold() for w in chosen]
        return all(
            self.posts[i].id in accepted for i, title in enumerate(self.titles) if all(w in title for w in wanted)
        )

    @cached_property
    def duplicates(self) -> dict[str, tuple[str, ...]]:
        """Post id → ids of every post with the same :func:`title_key` (itself included); each
        post alone when :attr:`same_title_same_story` is False."""
        if not self.same_title_same_story:
            return {post.id: (post.id,) for post in self.posts}
        groups: dict[str, list[str]] = {}
        for post in self.posts:
            groups.setdefault(title_key(post.title), []).append(post.id)
        return {pid: tuple(ids) for ids in groups.values() for pid in ids}

    @cached_property
    def folded_texts(self) -> list[str]:
        """:attr:`texts` case-folded."""
        return [t.casefold() for t in self.texts]

    @cached_property
    def _bigrams(self) -> dict[str, array[int]]:
        """Each pair of adjacent characters of :attr:`folded_texts` → the posts that have it,
        in post order (about 4 s and 40 MB for 5,996 posts). A post that contains a string
        has every pair of its characters: the few posts that have all of them are the only
        ones :meth:`containing` and :meth:`containing_all` need to scan."""
        index: dict[str, array[int]] = {}
        for i, text in enumerate(self.folded_texts):
            for pair in {text[k : k + 2] for k in range(len(text) - 1)}:
                posting = index.get(pair)
                if posting is None:
                    index[pair] = posting = array("I")
                posting.append(i)
        return index

    def _candidates(self, folded: Iterable[str]) -> Iterable[int]:
        """Posts that have every character pair of every string of ``folded`` (a superset of
        those that contain them all), in post order."""
        pairs = {w[k : k + 2] for w in folded for k in range(len(w) - 1)}
        if not pairs:
            return range(len(self.posts))
        postings = sorted((self._bigrams.get(pair, array("I")) for pair in pairs), key=len)
        found = set(postings[0])
        for posting in postings[1:]:
            if len(found) <= 8:  # scanning so few texts is cheaper than more intersections
                break
            found.intersection_update(posting)
        return sorted(found)

    def containing(self, text: str) -> list[int]:
        """Indexes of the posts whose text contains ``text`` (case-sensitive substring)."""
        return [i for i in self._candidates([text.casefold()]) if text in self.texts[i]]

    def containing_all(self, wanted: Sequence[str]) -> list[int]:
        """Indexes of the posts whose text contains every string of ``wanted`` (as substrings,
        ignoring case: no engine's way of matching words is favoured)."""
        folded = [w.casefold() for w in wanted]
        return [i for i in self._candidates(folded) if all(w in self.folded_texts[i] for w in folded)]


def load_corpus(posts_dir: Path, limit: int | None = None, *, same_title_same_story: bool = True) -> Corpus:
    """Read the published posts of ``posts_dir`` (only the first ``limit`` files when given)."""
    site = Site.from_posts_dir(posts_dir)
    files = iter_post_files(posts_dir)
    if limit is not None:
        files = files[:limit]
    read = [(f, read_post(f, site).post) for f in files]
    posts = [post for _f, post in read if post is not None]
    if limit is None:
        return Corpus(posts_dir, site, posts, same_title_same_story=same_title_same_story)
    links = tempfile.TemporaryDirectory(prefix="relevance-posts-")
    for f, post in read:
        if post is not None:
            (Path(links.name) / f.name).symlink_to(f.resolve())
    return Corpus(Path(links.name), site, posts, links, same_title_same_story)
