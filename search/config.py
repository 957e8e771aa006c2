"""Configuration keys, in one place: environment variable names and defaults.

Every CLI option and the web app's config read their defaults from here, so ``SOKBO_INDEX``
means the same index to ``sokbo index``, ``sokbo search`` and ``sokbo serve``.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

ENV_INDEX = "SOKBO_INDEX"
ENV_POSTS = "SOKBO_POSTS"
ENV_BASE_URL = "SOKBO_BASE_URL"
ENV_PERMALINK = "SOKBO_PERMALINK"
ENV_HOST = "SOKBO_HOST"
ENV_PORT = "SOKBO_PORT"
ENV_PROCS = "SOKBO_PROCS"
ENV_SYNONYMS = "SOKBO_SYNONYMS"
ENV_USER_DICT = "SOKBO_USER_DICT"
ENV_CORS_ORIGINS = "SOKBO_CORS_ORIGINS"
ENV_WORKERS = "SOKBO_WORKERS"
ENV_CACHE_MB = "SOKBO_CACHE_MB"
ENV_POSTINGS_MB = "SOKBO_POSTINGS_MB"

DEFAULT_INDEX_DIR = "sokbo-index"
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8080
DEFAULT_THREADS = 4
DEFAULT_CACHE_MB = 64
DEFAULT_POSTINGS_MB = 96


def result_cache_bytes() -> int:
    """Memory for recent search answers, per process: ``$SOKBO_CACHE_MB`` MB (0 turns it off)."""
    return _megabytes(ENV_CACHE_MB, DEFAULT_CACHE_MB)


def postings_cache_bytes() -> int:
    """Memory for decoded posting lists of frequent words, per process: ``$SOKBO_POSTINGS_MB``
    MB (0 turns it off)."""
    return _megabytes(ENV_POSTINGS_MB, DEFAULT_POSTINGS_MB)


def _megabytes(variable: str, default: float) -> int:
    raw = os.environ.get(variable, "").strip()
    try:
        megabytes = float(raw) if raw else default
    except ValueError:
        raise ValueError(f"{variable} must be a number of megabytes, not {raw!r}") from None
    return max(0, int(megabytes * 1024 * 1024))


def default_workers() -> int:
    """Server worker processes: one a core (a process runs Python on one core at a time)."""
    return max(1, os.cpu_count() or 1)


def index_dir() -> Path:
    """The index directory: ``$SOKBO_INDEX`` or ``./sokbo-index``."""
    return Path(os.environ.get(ENV_INDEX) or DEFAULT_INDEX_DIR)


def cors_origins() -> list[str]:
    """The origins whose pages may call the API (``$SOKBO_CORS_ORIGINS``, comma- or space-separated).

    Empty by default: no other site's page can read the API until its owner lists it.
    """
    return [origin for origin in re.split(r"[\s,]+", os.environ.get(ENV_CORS_ORIGINS, "")) if origin]
