"""Reading Jekyll posts and building the index; the ``sokbo`` command line.

A post goes :mod:`.reader` (front matter, dates, categories, URL) → :mod:`.text` (HTML and
Markdown to plain text) → :mod:`.build` (into :class:`sokbo.search.SearchService`).
"""
