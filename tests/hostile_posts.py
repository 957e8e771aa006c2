"""Posts written to attack whatever shows them: scripts and handlers in every field.

Each mentions 해킹, so ``q=해킹`` finds them all; a test that shows them fails if anything runs.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

HOSTILE_TITLES = {
    "2024-09-01-img": "<img src=x onerror=alert('title')> 해킹 제목",
    "2024-09-02-script": "</title><script>alert('script')</script> 해킹 ]]> & \"따옴표\"",
    "2024-09-03-link": "자바스크립트 링크 해킹 <a href=\"javascript:alert('a')\">클릭</a>",
    "2024-09-04-control": "제어\x0b문자\x01 해킹 \ufeff기사",
}
"""Post id → title; the date comes from the id."""


def hostile_posts() -> list:
    """sokbo.search.Post objects with HOSTILE_TITLES, hostile categories, bodies and URLs."""
    from sokbo.search import Post

    posts = []
    for number, (post_id, title) in enumerate(HOSTILE_TITLES.items()):
        day = dt.date.fromisoformat(post_id[:10])
        url = "javascript:alert('url')" if post_id.endswith("link") else f"https://example.org/{post_id}/?a=1&b=<{number}>"
        posts.append(
            Post(
                id=post_id,
                title=title,
                date=day.isoformat(),
                day=day,
                categories=(f"<svg onload=alert('category{number}')>", "보안"),
                body=f"본문에 <iframe srcdoc=\"<script>alert('body{number}')</script>\"></iframe> 해킹 시도가 있었다. AT&T \x02",
                url=url,
                image="javascript:alert('image')",
            )
        )
    return posts


def build_hostile_index(index_dir: Path) -> Path:
    """An index of hostile_posts() in ``index_dir``."""
    from sokbo.search import SearchService

    posts = hostile_posts()
    assert SearchService(index_dir).rebuild(posts) == len(posts)
    return index_dir
