"""Post URLs are built as Jekyll builds them, from _config.yml or explicit settings."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from sokbo.indexer.site import PERMALINK_STYLES, Site, SiteConfigError, jekyll_slugify

DAY = dt.date(2024, 6, 12)
POLITICS = "%EC%A0%95%EC%B9%98"  # 정치, percent-encoded as UTF-8


def test_pretty_is_the_default_and_korean_categories_are_encoded() -> None:
    site = Site("https://news.example.org")
    assert site.url_for("10", ["정치"], DAY) == f"https://news.example.org/{POLITICS}/2024/06/12/10/"


def test_base_url_and_baseurl_are_normalised() -> None:
    site = Site("https://news.example.org/", "blog/")
    assert site.base_url == "https://news.example.org"
    assert site.baseurl == "/blog"
    assert site.url_for("10", ["News"], DAY) == "https://news.example.org/blog/news/2024/06/12/10/"
    assert Site(baseurl="/").url_for("10", [], DAY) == "/2024/06/12/10/"


def test_no_categories_leave_no_empty_segment() -> None:
    assert Site().url_for("10", [], DAY) == "/2024/06/12/10/"
    assert Site(permalink="none").url_for("10", (), DAY) == "/10.html"


def test_categories_are_lowercased_deduplicated_and_escaped_like_jekyll() -> None:
    url = Site().url_for("10", ["Hot News", "정치", "hot news"], DAY)
    assert url == f"/hot%20news/{POLITICS}/2024/06/12/10/"


@pytest.mark.parametrize(
    ("style", "url"),
    [
        ("pretty", "/news/2024/06/12/10/"),
        ("date", "/news/2024/06/12/10.html"),
        ("ordinal", "/news/2024/164/10.html"),
        ("weekdate", "/news/2024/W24/Wed/10.html"),
        ("none", "/news/10.html"),
    ],
)
def test_named_styles(style: str, url: str) -> None:
    site = Site(permalink=style)
    assert site.permalink == PERMALINK_STYLES[style]
    assert site.url_for("10", ["News"], DAY) == url


def test_all_placeholders() -> None:
    pattern = (
        "/:slugified_categories/:short_year/:i_month/:i_day/:short_month/:long_month/:long_day"
        "/:hour:minute:second/:w_year-:w_day/:title/:slug:output_ext"
    )
    moment = dt.datetime(2024, 6, 2, 9, 5, 7)
    url = Site(permalink=pattern).url_for("Breaking News!", ["Hot News", "정치"], moment)
    assert url == (
        f"/hot-news/{POLITICS}/24/6/2/Jun/June/Sunday/090507/2024-7/Breaking-News!/breaking-news.html"
    )


def test_a_posts_own_permalink_and_slug_win() -> None:
    site = Site("https://news.example.org", permalink="date")
    assert site.url_for("10", ["정치"], DAY, permalink="/archive/:year/:title/") == (
        "https://news.example.org/archive/2024/10/"
    )
    assert site.url_for("10", [], DAY, "alliance-summit") == (
        "https://news.example.org/2024/06/12/alliance-summit.html"
    )
    assert site.url_for("10", [], DAY, permalink="/특집/:title/") == (
        "https://news.example.org/%ED%8A%B9%EC%A7%91/10/"
    )


@pytest.mark.parametrize(
    ("text", "pretty", "cased", "slug"),
    [
        ("Hot News", False, False, "hot-news"),
        ("  여름 휴가 & 여행 ", False, False, "여름-휴가-여행"),
        ("Q&A_2024", False, False, "q-a-2024"),
        ("Q&A_2024", True, True, "Q&A-2024"),
    ],
)
def test_jekyll_slugify(text: str, pretty: bool, cased: bool, slug: str) -> None:
    assert jekyll_slugify(text, pretty=pretty, cased=cased) == slug


def _site_dir(tmp_path: Path, config: str | None) -> Path:
    posts = tmp_path / "_posts"
    posts.mkdir(parents=True)
    if config is not None:
        (tmp_path / "_config.yml").write_text(config, encoding="utf-8")
    return posts


def test_config_is_read_from_the_folder_above_the_posts(tmp_path: Path) -> None:
    posts = _site_dir(
        tmp_path,
        "title: 속보 뉴스\nurl: https://news.example.org\nbaseurl: /blog\n"
        "permalink: date\ntimezone: Asia/Seoul\n",
    )
    site = Site.from_posts_dir(posts)
    assert site == Site("https://news.example.org", "/blog", PERMALINK_STYLES["date"], "Asia/Seoul")
    assert site.tzinfo is not None
    assert site.url_for("10", [], DAY) == "https://news.example.org/blog/2024/06/12/10.html"


def test_arguments_override_the_config(tmp_path: Path) -> None:
    posts = _site_dir(tmp_path, "url: https://news.example.org\npermalink: date\n")
    site = Site.from_posts_dir(posts, base_url="https://mirror.example.net", permalink="/:title/")
    assert site.url_for("10", ["정치"], DAY) == "https://mirror.example.net/10/"


def test_without_config_the_defaults_apply(tmp_path: Path) -> None:
    site = Site.from_posts_dir(_site_dir(tmp_path, None))
    assert site == Site()
    assert site.permalink == PERMALINK_STYLES["pretty"]
    assert site.tzinfo is None
    assert Site.from_posts_dir(_site_dir(tmp_path / "empty", "")) == Site()


def test_broken_config_is_a_clear_error_with_its_line(tmp_path: Path) -> None:
    posts = _site_dir(tmp_path, "url: https://news.example.org\npermalink: [date\ntimezone: Asia/Seoul\n")
    with pytest.raises(SiteConfigError, match=r"_config\.yml:\d+: not valid YAML"):
        Site.from_posts_dir(posts)


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ("- url\n- baseurl\n", "not a mapping"),
        ("timezone: Asia/Atlantis\n", "unknown time zone 'Asia/Atlantis'"),
        ("permalink: ''\n", "permalink pattern is empty"),
    ],
)
def test_unusable_config_names_the_file(tmp_path: Path, config: str, message: str) -> None:
    with pytest.raises(SiteConfigError, match=message) as caught:
        Site.from_posts_dir(_site_dir(tmp_path, config))
    assert "_config.yml" in str(caught.value)


def test_config_that_is_not_utf8_is_a_clear_error(tmp_path: Path) -> None:
    posts = _site_dir(tmp_path, None)
    (tmp_path / "_config.yml").write_bytes("title: 속보\n".encode("euc-kr"))
    with pytest.raises(SiteConfigError, match="cannot be read"):
        Site.from_posts_dir(posts)
