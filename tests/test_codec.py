"""sokbo's codec stores exactly what Whoosh's own codec stores: same postings, same lengths."""

from __future__ import annotations

from pathlib import Path

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
