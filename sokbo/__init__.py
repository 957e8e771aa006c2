"""sokbo (속보): Korean-aware full-text search for Jekyll news sites.

The library lives in :mod:`sokbo.search`; :mod:`sokbo.indexer` reads posts and runs the CLI;
:mod:`sokbo.web` serves the search page and the JSON API.
"""

__version__ = "0.1.0"
