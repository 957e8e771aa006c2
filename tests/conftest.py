"""Shared fixtures: a real index on disk built from the bundled sample posts."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples" / "_posts"
CORPUS = ROOT.parent / "shared" / "corpus" / "_posts"


def copy_posts(tmp_path: Path, names: list[str]) -> Path:
    """A site folder in ``tmp_path`` whose ``_posts`` holds copies of these sample posts."""
    import shutil

    posts = tmp_path / "site" / "_posts"
    posts.mkdir(parents=True)
    for name in names:
        shutil.copy(SAMPLES / name, posts / name)
    return posts


def corpus_or_skip() -> Path:
    """The shared corpus of 5,996 real posts, or a clean skip where it is absent."""
    if not CORPUS.is_dir():
        pytest.skip(f"the shared corpus is absent ({CORPUS}): corpus tests run where ../shared exists")
    return CORPUS


@pytest.fixture(scope="session")
def sample_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An index of samples/_posts, built once per test session (read-only for tests)."""
    from sokbo.indexer.build import build_index

    index_dir = tmp_path_factory.mktemp("sample-index")
    summary = build_index(SAMPLES, index_dir, procs=1)
    assert summary.posts > 40, summary.line()
    return index_dir


@pytest.fixture(scope="session")
def service(sample_index: Path):
    from sokbo.search import SearchService

    return SearchService(sample_index)


@pytest.fixture()
def app(sample_index: Path):
    from sokbo.web import create_app

    return create_app({"TESTING": True, "INDEX_DIR": str(sample_index)})


@pytest.fixture()
def client(app):
    return app.test_client()


@pytest.fixture(autouse=True)
def _no_env_leaks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never pick up a developer's SOKBO_* settings."""
    for key in list(os.environ):
        if key.startswith("SOKBO_"):
            monkeypatch.delenv(key)


# -- the web app's own small index ------------------------------------------------------
# Known posts, so web tests can assert exact counts, orders and escaping independently of
# samples/_posts: 12 about 동맹, a <script>-titled post, a post with a time and offset, a
# post without categories; three months, five categories.

WEB_POSTS_SPEC: list[tuple[str, tuple[str, ...], str, str]] = [
    # (id, categories, title, body); the date comes from the id
    ("2024-06-03-1", ("정치",), "한미 동맹 70주년 기념식 열려", "서울에서 한미 동맹 70주년을 기념하는 행사가 열렸다."),
    ("2024-06-05-13", ("경제",), "반도체 수출 석 달 연속 증가", "반도체 수출이 석 달 연속 늘었다고 정부가 밝혔다."),
    ("2024-06-10-2", ("국제",), "미일 동맹 강화 논의", "미국과 일본이 동맹 강화 방안을 논의했다."),
    ("2024-06-17-3", ("정치",), "국회, 동맹 관련 결의안 채택", "국회가 동맹 관련 결의안을 채택했다."),
    ("2024-06-19-14", ("경제",), "반도체 공장 증설 계획 발표", "반도체 기업이 새 공장 증설 계획을 발표했다."),
    ("2024-06-24-4", ("국제",), "나토 동맹국 정상회의 개막", "나토 동맹국 정상들이 한자리에 모였다."),
    ("2024-07-01-5", ("정치",), "동맹 비용 분담 협상 재개", "방위비 분담을 둘러싼 동맹 협상이 재개됐다."),
    ("2024-07-03-15", ("경제",), "7월 물가 안정세", "7월 소비자 물가가 안정세를 보였다."),
    ("2024-07-08-6", ("국제", "정치"), "동맹과 안보, 전문가 토론회", "전문가들이 동맹과 안보를 주제로 토론했다."),
    ("2024-07-10-24", ("News",), "\"<script>alert('속보')</script>\" 태그 논란…",
     "게시판에 <script> 태그를 넣는 해킹 시도가 논란이 됐다. 보안 업체 AT&T는 '위험도 < 보통'이라고 밝혔다."),
    ("2024-07-15-7", ("정치",), "여야, 동맹 외교 두고 공방", "여야가 동맹 외교를 두고 공방을 벌였다."),
    ("2024-07-17-16", ("경제",), "반도체 인력 양성 지원", "정부가 반도체 인력 양성을 지원한다."),
    ("2024-07-20-25", (), "태풍 북상, 주말 남부 지방 비", "태풍이 북상하면서 주말 남부 지방에 비가 내린다."),
    ("2024-07-22-8", ("국제",), "호주와 안보 동맹 협력 확대", "호주와 안보 동맹 협력을 확대하기로 했다."),
    ("2024-07-26-19", ("스포츠",), "파리 올림픽 개막", "파리 올림픽이 화려하게 개막했다."),
    ("2024-07-27-20", ("스포츠",), "올림픽 양궁 금메달", "양궁 대표팀이 올림픽 금메달을 땄다."),
    ("2024-07-29-9", ("정치",), "대통령, 동맹 강화 의지 재확인", "대통령이 동맹 강화 의지를 거듭 밝혔다."),
    ("2024-07-31-17", ("경제",), "환율 하락에 수입 물가 내려", "환율이 내려 수입 물가가 떨어졌다."),
    ("2024-08-02-21", ("스포츠",), "올림픽 수영 결선 진출", "수영 대표가 올림픽 결선에 올랐다."),
    ("2024-08-05-10", ("국제",), "유럽 동맹국 방위비 증액", "유럽 동맹국들이 방위비를 늘린다."),
    ("2024-08-11-22", ("스포츠",), "올림픽 폐막, 종합 순위 8위", "올림픽이 폐막했고 종합 순위는 8위였다."),
    ("2024-08-12-11", ("정치",), "동맹 현대화 로드맵 발표", "정부가 동맹 현대화 로드맵을 발표했다."),
    ("2024-08-14-18", ("경제",), "8월 반도체 수출 호조", "8월 반도체 수출이 호조를 보였다."),
    ("2024-08-19-12", ("국제",), "한미일 동맹 훈련 실시", "한미일이 동맹 연합 훈련을 실시했다."),
    ("2024-08-20-23", ("스포츠",), "프로야구 순위 경쟁 치열", "프로야구 순위 경쟁이 치열하다."),
]
WEB_POST_WITH_TIME = "2024-08-14-18"
"""Its ``date`` carries a time and an offset: ``2024-08-14T09:30:00+09:00``."""


@pytest.fixture(scope="session")
def web_posts() -> list:
    """WEB_POSTS_SPEC as sokbo.search.Post objects, in date order."""
    import datetime as dt

    from sokbo.search import Post

    posts = []
    for post_id, categories, title, body in WEB_POSTS_SPEC:
        day = dt.date.fromisoformat(post_id[:10])
        date = "2024-08-14T09:30:00+09:00" if post_id == WEB_POST_WITH_TIME else day.isoformat()
        url = f"https://example.org/news/{day:%Y/%m/%d}/{post_id.rsplit('-', 1)[1]}/"
        posts.append(Post(id=post_id, title=title, date=date, day=day, categories=categories, body=body, url=url))
    return posts


@pytest.fixture(scope="session")
def web_index(tmp_path_factory: pytest.TempPathFactory, web_posts: list) -> Path:
    """An index of web_posts, built once per session (read-only for tests)."""
    from sokbo.search import SearchService

    index_dir = tmp_path_factory.mktemp("web-index")
    assert SearchService(index_dir).rebuild(web_posts) == len(web_posts)
    return index_dir


@pytest.fixture()
def web_app(web_index: Path):
    from sokbo.web import create_app

    return create_app({"TESTING": True, "INDEX_DIR": str(web_index)})


@pytest.fixture()
def web_client(web_app):
    return web_app.test_client()


@pytest.fixture()
def empty_client(tmp_path: Path):
    """A client of an app whose index directory holds no index."""
    from sokbo.web import create_app

    return create_app({"TESTING": True, "INDEX_DIR": str(tmp_path)}).test_client()


@pytest.fixture(scope="session")
def nasty_values() -> list[str]:
    """Parameter values that must never produce a 500, whichever parameter they are given to."""
    return [
        "title:x", "body:동맹", "*", "*:*", "?", "동*맹", "동맹*", "~2", "동맹~2", "^3", "동맹^3",
        "[a TO b]", "{a TO b}", "(", ")", "(동맹", '"', '""', '"동맹', '"" ""', "-", "--", "-동맹", "- -",
        "OR", "AND", "NOT", "AND NOT", "OR 동맹 OR", "동맹 AND NOT 북한", "\\", "'", "%", "%%", "%s",
        "\x00", "동맹\x00", "\ufffd", "\u200b", "\u202e동맹", "e\u0301", "ㄱㄴㄷ", "＂전각＂", "ｔｉｔｌｅ：ｘ",
        "👍🏻🇰🇷", "🤷‍♀️ 동맹", "<script>alert(1)</script>", "&amp;", " ", "\t\n", "a" * 999, "동" * 999,
        "동맹 " * 300, "0", "-1", "1e3", "１", "999999999999", "2024-02-30", "2024-7-1", "null", "[]", "{}",
    ]
