"""Baseline: Pagefind (npm ``pagefind``), the static search a Jekyll site would otherwise add.

Each post is rendered as a minimal page (``<html lang="ko">``, the title as ``<h1>``, the
summary and the body's lines as paragraphs, all inside ``data-pagefind-body``) and indexed
with Pagefind's Node API, default settings but ``forceLanguage: "ko"``. Searches run the
bundle's own ``pagefind.js`` in Node (see pagefind_search.mjs), with the query as typed.
"""

from __future__ import annotations

import html
import json
import shutil
import subprocess
import tempfile
import urllib.parse
from pathlib import Path

from corpus import Corpus, summary
from engine import Answer, Unavailable
from sokbo.search.document import Post

HERE = Path(__file__).resolve().parent
SCRIPT = HERE / "pagefind_search.mjs"


def ensure_pagefind() -> str:
    """The ``node`` executable, after installing the npm package when it is missing."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None:
        raise Unavailable("Node.js is not installed (pagefind needs node and npm)")
    if not (HERE / "node_modules" / "pagefind").is_dir():
        if npm is None:
            raise Unavailable("npm is not installed: cannot install the pagefind package")
        print(f"  installing pagefind with npm into {HERE / 'node_modules'} ...", flush=True)
        done = subprocess.run([npm, "install", "--prefix", str(HERE), "--no-audit", "--no-fund"],
                              capture_output=True, text=True)
        if done.returncode != 0:
            raise Unavailable(f"npm install failed: {(done.stderr or done.stdout).strip()[-300:]}")
    return node


def url_of(post_id: str) -> str:
    return f"/posts/{urllib.parse.quote(post_id)}/"


def page(post: Post) -> str:
    """The post as the minimal HTML page Pagefind indexes."""
    paragraphs = [summary(post), *post.body.splitlines()]
    body = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs if p.strip())
    title = html.escape(post.title)
    return (
        f'<!DOCTYPE html><html lang="ko"><head><meta charset="utf-8"><title>{title}</title></head>'
        f"<body><main data-pagefind-body><h1>{title}</h1>{body}</main></body></html>"
    )


class PagefindEngine:
    name = "pagefind"

    def __init__(self) -> None:
        """Raises :class:`Unavailable` without Node.js (or without npm to install pagefind)."""
        self.node = ensure_pagefind()
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        self.process: subprocess.Popen[str] | None = None
        self.ids: dict[str, str] = {}

    def build(self, corpus: Corpus) -> None:
        self._tmp = tempfile.TemporaryDirectory(prefix="relevance-pagefind-")
        pages, bundle = Path(self._tmp.name) / "pages.jsonl", Path(self._tmp.name) / "pagefind"
        self.ids = {url_of(p.id): p.id for p in corpus.posts}
        with pages.open("w", encoding="utf-8") as out:
            for post in corpus.posts:
                out.write(json.dumps({"url": url_of(post.id), "html": page(post)}, ensure_ascii=False) + "\n")
        done = subprocess.run([self.node, str(SCRIPT), "build", str(pages), str(bundle)], capture_output=True, text=True)
        if done.returncode != 0:
            raise Unavailable(f"pagefind indexing failed: {done.stderr.strip()[-500:]}")
        self.process = subprocess.Popen(
            [self.node, str(SCRIPT), "search", str(bundle)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, encoding="utf-8",
        )

    def search(self, text: str, accepted: frozenset[str]) -> Answer:
        assert self.process is not None and self.process.stdin and self.process.stdout
        request = {"q": text, "accepted": [url_of(pid) for pid in accepted]}
        self.process.stdin.write(json.dumps(request, ensure_ascii=False) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError("the pagefind search process ended (see its messages above)")
        answer = json.loads(line)
        return Answer([self.ids.get(u, u) for u in answer["urls"]], answer["ms"])

    def close(self) -> None:
        if self.process is not None:
            assert self.process.stdin is not None
            self.process.stdin.close()
            self.process.wait(timeout=30)
        if self._tmp is not None:
            self._tmp.cleanup()
