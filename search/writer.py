"""Writing posts into an index: one writer a run, used as a context manager.

    with service.writer(full=True, vocabulary=vocabulary) as writer:
        for post in posts:
            writer.add(post)
        writer.manifest = {...}

Leaving the block commits everything in one table-of-contents write, so readers see all of a
run or none of it; an exception cancels it. :meth:`SearchService.writer` decides where the
commit lands (a new generation for a full build, the live one for an update).

To use every core, the caller runs worker processes; each one opens a :class:`Part` at the
writer's :attr:`IndexWriter.location` (a segment of its own in the same index), and sends back
the part's :class:`PartResult`, which the parent hands to :meth:`IndexWriter.attach`. The
writer publishes the attached parts with its own commit. The workers may have been forked
before the writer was opened (so that they load the model while the run plans); who forks, and
how work is shared out, is the caller's business (the indexer's: :mod:`sokbo.indexer.workers`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self

from .codec import segment_writer
from .document import Post
from .files import ReadStorage
from .schema import to_fields
from .whoosh_internals import discard_segment, finalize_segment, publish_segments, release

if TYPE_CHECKING:
    from .store import Manifest


@dataclass(frozen=True)
class PartResult:
    """What a finished :class:`Part` wrote: its segment (None when it added nothing) and the ids
    of its posts. Picklable: it travels from a worker process to the parent."""

    segment: Any
    ids: tuple[str, ...]


class IndexWriter:
    """Adds, replaces and deletes posts of one index; commits on leaving its block.

    ``replace``: an added post replaces any post of the same id (an update of a live index);
    a full build writes into an empty index and skips that lookup.
    """

    def __init__(self, ix: Any, *, replace: bool) -> None:
        self._ix = ix
        self._replace = replace
        self._writer: Any = None
        self._parts: list[PartResult] = []
        self.manifest: Manifest | None = None
        """What the indexer needs next run to tell what changed: saved with the commit when set
        (a function: called after the commit, see :attr:`.store.Generation.manifest`)."""
        self.posts = 0
        """The number of posts in the index after the commit."""

    def __enter__(self) -> Self:
        self._writer = segment_writer(self._ix)  # takes Whoosh's own lock, until commit or cancel
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        writer, self._writer = self._writer, None
        if kind is not None:
            writer.cancel()
            return
        try:
            segments = [part.segment for part in self._parts if part.segment is not None]
            publish_segments(writer, segments, merge=self._replace)  # an update merges small segments
        except BaseException:
            writer.cancel()
            raise
        release(writer)
        self.posts = self._ix.doc_count()  # from the new table of contents: no segment is opened

    def add(self, post: Post) -> None:
        """Write ``post`` (in this process); it replaces the post of the same id in an update."""
        fields = to_fields(post)
        if self._replace:
            self._writer.update_document(**fields)
        else:
            self._writer.add_document(**fields)

    def delete(self, post_id: str) -> None:
        """Remove the post ``post_id`` (nothing when there is none)."""
        self._writer.delete_by_term("id", post_id)

    @property
    def location(self) -> str:
        """Where this writer's index is: what a worker process opens its :class:`Part` at."""
        return str(self._ix.storage.folder)

    def attach(self, result: PartResult) -> None:
        """Publish a finished part with this writer's commit; in an update its posts replace
        those of the same ids."""
        if self._replace:
            for post_id in result.ids:
                self.delete(post_id)
        self._parts.append(result)


@dataclass
class Part:
    """A worker's share of a run: posts written into a segment of its own in the index at
    ``location`` (an :attr:`IndexWriter.location`), without the lock (the parent's
    :class:`IndexWriter` holds it and publishes the segment)."""

    location: str
    ids: list[str] = field(default_factory=list)
    result: PartResult | None = None
    """Set when the block ends without an exception: send it to the parent."""
    _writer: Any = None

    def __enter__(self) -> Self:
        ix = ReadStorage(self.location).open_index()
        self._writer = segment_writer(ix, _lk=False)
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        writer, self._writer = self._writer, None
        if kind is not None or not self.ids:
            discard_segment(writer)
            segment = None
        else:
            segment = finalize_segment(writer)
        if kind is None:
            self.result = PartResult(segment, tuple(self.ids))

    def add(self, post: Post) -> None:
        """Write ``post`` into this part's segment."""
        self._writer.add_document(**to_fields(post))
        self.ids.append(post.id)
