"""sokbo's codec stores exactly what Whoosh's own codec stores: same postings, same lengths."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from whoosh import index as windex
from whoosh.writing import SegmentWriter

from sokbo.indexer.reader import iter_post_files, read_post
from sokbo.indexer.site import Site
from sokbo.search.codec import INLINE_LIMIT, SokboCodec, segment_writer
from sokbo.search.schema import MORPHEME_FIELDS, build_schema, to_fields

from .conftest import SAMPLES


def test_postings_and_lengths_equal_whooshs_own_codec(tmp_path: Path) -> None:
    posts = [r.post for r in (read_post(f, Site()) for f in iter_post_files(SAMPLES)) if r.post]
    ours, theirs = tmp_path / "ours", tmp_path / "theirs"
    for folder, make in ((ours, segment_writer), (theirs, SegmentWriter)):
        folder.mkdir()
        ix = windex.create_in(str(folder), build_schema())
        with make(ix) as writer:
            for post in posts:
                writer.add_document(**to_fields(post))
    a, b = windex.open_dir(str(ours)).reader(), windex.open_dir(str(theirs)).reader()
    assert isinstance(a.leaf_readers()[0][0]._segment.codec(), SokboCodec)
    inlined = 0
    for field in (*MORPHEME_FIELDS, "grams"):
        terms = list(a.lexicon(field))
        assert terms == list(b.lexicon(field))
        for term in terms:
            ma, mb = a.postings(field, term), b.postings(field, term)
            assert list(ma.all_items()) == list(mb.all_items()), (field, term)
            assert a.term_info(field, term).max_weight() == b.term_info(field, term).max_weight()
            inlined += a.doc_frequency(field, term) < INLINE_LIMIT
        for doc in range(a.doc_count_all()):
            assert a.doc_field_length(doc, field) == b.doc_field_length(doc, field)
    assert inlined > 1000  # most terms of a news site are rare: they are stored inline


def test_segments_with_inlined_postings_merge(tmp_path: Path) -> None:
    """One small commit per publish leaves many small segments, which Whoosh merges: the
    merge reads inlined lists back and must find them as Whoosh's own codec writes them."""
    posts = [r.post for r in (read_post(f, Site()) for f in iter_post_files(SAMPLES)) if r.post]
    ours, theirs = tmp_path / "ours", tmp_path / "theirs"
    ours.mkdir()
    theirs.mkdir()
    ix = windex.create_in(str(ours), build_schema())
    for start in range(0, len(posts), 5):  # about ten commits: several merges on the way
        with segment_writer(ix) as writer:
            for post in posts[start : start + 5]:
                writer.add_document(**to_fields(post))
    segment_writer(ix).commit(optimize=True)  # everything into one segment: every list is re-read
    whole = windex.create_in(str(theirs), build_schema())
    with SegmentWriter(whole) as writer:
        for post in posts:
            writer.add_document(**to_fields(post))
    a, b = windex.open_dir(str(ours)).reader(), whole.reader()
    assert a.is_atomic() and a.doc_count() == len(posts)

    def postings(reader: Any, field: str, term: bytes) -> set[tuple[str, bytes]]:
        matcher = reader.postings(field, term)  # merging renumbers posts: compare by id
        return {(reader.stored_fields(doc)["id"], value) for doc, value in matcher.all_items()}

    for field in (*MORPHEME_FIELDS, "grams", "id"):
        assert list(a.lexicon(field)) == list(b.lexicon(field))
        for term in a.lexicon(field):
            assert postings(a, field, term) == postings(b, field, term), (field, term)


def test_blocks_read_as_arrays_give_whooshs_postings_and_positions(tmp_path: Path) -> None:
    """The search path reads each block's arrays at once (matching.py); on posting lists of
    several blocks (each post six times: common words have 300 postings, three blocks) it
    gives exactly what Whoosh's matcher gives one posting at a time, for every live docnum
    and for any subset of them."""
    import random

    import numpy as np

    from sokbo.search.matching import _positions, _read_postings

    posts = [r.post for r in (read_post(f, Site()) for f in iter_post_files(SAMPLES)) if r.post] * 6
    ix = windex.create_in(str(tmp_path), build_schema())
    with segment_writer(ix) as writer:
        for post in posts:
            writer.add_document(**to_fields(post))
    with segment_writer(ix) as writer:
        writer.delete_by_term("id", posts[0].id)  # deletions: read all the same, masked by the caller
    reader = windex.open_dir(str(tmp_path)).reader()
    assert reader.is_atomic() and reader.has_deletions()
    rng = random.Random(5)
    several = 0
    for field in ("body", "title_grams", "grams"):
        for term in reader.lexicon(field):
            docs, weights = _read_postings(reader.postings(field, term))
            live = [not reader.is_deleted(d) for d in docs.tolist()]
            docs, weights = docs[live], weights[live]
            reference = reader.postings(field, term)  # live posts only
            ids, ws = [], []
            while reference.is_active():
                ids.append(reference.id())
                ws.append(reference.weight())
                reference.next()
            assert docs.tolist() == ids and weights.tolist() == ws, (field, term)
            several += len(ids) > 128
            if field == "grams" or not ids:
                continue  # no positions; or only in the deleted post
            positions = dict(reader.postings(field, term).items_as("positions"))
            wanted = sorted(rng.sample(ids, max(1, len(ids) // 3)))
            at_docs, found = _positions(reader, field, term, np.asarray(wanted, dtype=np.int64))
            assert list(zip(at_docs.tolist(), found.tolist())) == [(d, p) for d in wanted for p in positions[d]], (field, term)
    assert several >= 10  # lists of several blocks


def test_a_posting_block_whose_sizes_do_not_add_up_fails_instead_of_misreading() -> None:
    """A damaged block must raise (the service then checks the generation and answers 503):
    misread, it would give wrong posts and positions without a word."""
    import struct

    import pytest
    from whoosh.filedb.structfile import BufferFile

    from sokbo.search.codec import _HEADER, MAGIC, ArrayPositions, _LeafMatcher

    def matcher(count: int, data: bytes) -> _LeafMatcher:
        header = _HEADER.pack(-len(data), count, 2, 1.0, 0, 0, 0, 0)  # the last block, uncompressed
        return _LeafMatcher(BufferFile(MAGIC + header + data), 0, 0, ArrayPositions())

    deltas = struct.pack("<3I", 0, 1, 1)
    whole = deltas + struct.pack("<3I", 4, 4, 8) + struct.pack("<4I", 5, 1, 2, 3)
    assert [(d, p) for d, p in matcher(3, whole).items_as("positions")] == [(0, [5]), (1, [1]), (2, [2, 3])]
    for count, data in (
        (3, whole[:-4]),  # a position short
        (3, deltas + struct.pack("<3I", 4, 4, 8)),  # no positions at all
        (4, whole),  # more postings than it holds
    ):
        with pytest.raises(ValueError, match="damaged posting block"):
            matcher(count, data).block()
