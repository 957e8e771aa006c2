"""Reading post files: front matter (valid, broken, missing), dates, categories, bodies, URLs.

Every awkward case of real Jekyll news posts, written here as small posts of our own.
"""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pytest

from sokbo.indexer.frontmatter import parse_front_matter
from sokbo.indexer.problems import Problem
from sokbo.indexer.reader import ReadResult, iter_post_files, read_post
from sokbo.indexer.site import Site

SITE = Site("https://news.example.org")


def write(folder: Path, name: str, text: str | bytes) -> Path:
    """Write a post file, bytes as they are, text as UTF-8 without newline translation."""
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


def read(folder: Path, name: str, text: str | bytes, site: Site = SITE) -> ReadResult:
    return read_post(write(folder, name, text), site)


def only_problem(result: ReadResult) -> Problem:
    assert len(result.problems) == 1, result.problems
    return result.problems[0]


# -- a well-formed post -----------------------------------------------------------------

GOOD = """---
title: "한미 정상, 동맹 강화 합의"
categories:
  - 정치
  - 외교
tags: [정상회담, 동맹]
excerpt: >
  ## 속보: 두 정상이
  **동맹 강화**에 합의했다.
feature_text: 두 정상은 워싱턴에서 만났다.
image: 'https://img.example.org/summit.jpg'
---

<p data-ke-size="size16">한미 정상이 <b>동맹 강화</b>에 합의했다.</p>

## 주요 합의

1. 연합훈련 확대
2. 공급망 협력
"""


def test_a_well_formed_post(tmp_path: Path) -> None:
    result = read(tmp_path, "2024-06-12-10.md", GOOD)
    assert result.problems == []
    assert not result.recovered and result.skipped is None
    post = result.post
    assert post is not None
    assert post.id == "2024-06-12-10"
    assert post.title == "한미 정상, 동맹 강화 합의"
    assert (post.date, post.day) == ("2024-06-12", dt.date(2024, 6, 12))
    assert post.categories == ("정치", "외교")
    assert post.tags == ("정상회담", "동맹")
    assert post.excerpt == "속보: 두 정상이 동맹 강화에 합의했다."
    assert post.feature_text == "두 정상은 워싱턴에서 만났다."
    assert post.image == "https://img.example.org/summit.jpg"
    assert post.body == "한미 정상이 동맹 강화에 합의했다.\n주요 합의\n연합훈련 확대\n공급망 협력"
    assert post.url == (
        "https://news.example.org/%EC%A0%95%EC%B9%98/%EC%99%B8%EA%B5%90/2024/06/12/10/"
    )
    assert post.path == str(tmp_path / "2024-06-12-10.md")


def test_feature_image_stands_in_for_image(tmp_path: Path) -> None:
    post = read(tmp_path, "2024-06-12-11.md", "---\ntitle: 폭염 특보\nfeature_image: /img/heat.jpg\n---\n본문").post
    assert post is not None and post.image == "/img/heat.jpg"


# -- front matter that strict YAML rejects ----------------------------------------------


def test_title_starting_with_a_bracket_is_recovered(tmp_path: Path) -> None:
    text = "---\ntitle: [올림픽] 양궁 여자 단체전 10연패\ncategories:\n  - 스포츠\n---\n\n양궁 대표팀이 또 해냈다.\n"
    result = read(tmp_path, "2024-07-28-5.md", text)
    assert result.recovered
    post = result.post
    assert post is not None
    assert post.title == "[올림픽] 양궁 여자 단체전 10연패"
    assert post.categories == ("스포츠",)
    assert post.body == "양궁 대표팀이 또 해냈다."
    problem = only_problem(result)
    assert (problem.line, problem.severity) == (2, "warning")
    assert "not valid YAML" in problem.message and "recovered" in problem.message


def test_unquoted_colon_in_a_value_is_recovered(tmp_path: Path) -> None:
    text = "---\ncategories: [정치, 국회]\ntitle: 속보: 예산안 본회의 통과\n---\n예산안이 통과됐다."
    result = read(tmp_path, "2024-12-02-1.md", text)
    assert result.post is not None and result.recovered
    assert result.post.title == "속보: 예산안 본회의 통과"
    assert result.post.categories == ("정치", "국회")
    assert only_problem(result).line == 3


def test_multi_line_unindented_title_keeps_its_first_line(tmp_path: Path) -> None:
    text = (
        "---\n"
        "title: 1. 장마 시작, 중부 최대 200㎜\n"
        "2. 주말까지 전국에 비\n"
        "\n"
        "3. 남부는 폭염 계속\n"
        "categories:\n"
        "  - 날씨\n"
        "excerpt: >\n"
        "  장마가 시작됐다.\n"
        "---\n"
        "기상청은 오늘부터 장마가 시작된다고 밝혔다.\n"
    )
    result = read(tmp_path, "2024-06-29-3.md", text)
    post = result.post
    assert post is not None and result.recovered
    assert post.title == "1. 장마 시작, 중부 최대 200㎜"
    assert post.categories == ("날씨",)
    assert post.excerpt == "장마가 시작됐다."
    # The lines that ran on stay searchable, in the body.
    assert post.body.splitlines() == [
        "2. 주말까지 전국에 비",
        "3. 남부는 폭염 계속",
        "기상청은 오늘부터 장마가 시작된다고 밝혔다.",
    ]
    assert only_problem(result).line == 3


def test_tab_indentation_is_recovered(tmp_path: Path) -> None:
    text = "---\ntitle: 태풍 북상\ncategories:\n\t- 날씨\n\t- 사회\n\ttags: 태풍\n---\n태풍이 북상한다."
    result = read(tmp_path, "2024-08-20-2.md", text)
    post = result.post
    assert post is not None and result.recovered
    assert post.title == "태풍 북상"
    assert post.categories == ("날씨", "사회")
    assert only_problem(result).line == 4


def test_every_kind_of_value_is_recovered() -> None:
    text = (
        "---\n"
        "title: [단독] 반도체 공장 증설\n"
        "subtitle: '삼성의 ''승부수'''\n"
        'quote: "첫 줄\\n둘째 줄 \\"인용\\""\n'
        "excerpt: >-\n"
        "  정부가 반도체 공장\n"
        "  증설을 지원한다.\n"
        "\n"
        "  두 번째 문단.\n"
        "memo: |\n"
        "  첫째 줄\n"
        "    들여 쓴 둘째 줄\n"
        "categories:\n"
        "- 경제\n"
        "- 산업\n"
        "tags: [반도체, '공장', \"투자\"]\n"
        "summary: 정부 지원 규모는\n"
        "10조 원이다.\n"
        "# 편집자 주석\n"
        "published: false\n"
        "---\n"
        "본문\n"
    )
    data, body, problems = parse_front_matter(text, "_posts/2024-07-01-9.md")
    assert data == {
        "title": "[단독] 반도체 공장 증설",
        "subtitle": "삼성의 '승부수'",
        "quote": '첫 줄\n둘째 줄 "인용"',
        "excerpt": "정부가 반도체 공장 증설을 지원한다.\n두 번째 문단.",
        "memo": "첫째 줄\n  들여 쓴 둘째 줄",
        "categories": ["경제", "산업"],
        "tags": ["반도체", "공장", "투자"],
        "summary": "정부 지원 규모는 10조 원이다.",
        "published": "false",
    }
    assert body == "본문"
    assert [str(problem) for problem in problems] == [
        "_posts/2024-07-01-9.md:2: front matter is not valid YAML (while parsing a block mapping:"
        " did not find expected key); fields recovered line by line"
    ]


def test_recovered_published_false_still_skips(tmp_path: Path) -> None:
    result = read(tmp_path, "2024-07-01-9.md", "---\ntitle: [초안] 미정\npublished: false\n---\n본문")
    assert result.post is None and result.skipped == "published: false" and result.recovered


def test_yaml_tags_unknown_to_safe_yaml_are_recovered(tmp_path: Path) -> None:
    result = read(tmp_path, "2024-07-02-1.md", "---\ntitle: 국회 소식\nlayout: !ruby/sym post\n---\n본문")
    assert result.post is not None and result.post.title == "국회 소식"
    assert only_problem(result).line == 3


def test_error_line_counts_a_bom_crlf_and_leading_blank_lines(tmp_path: Path) -> None:
    text = "\ufeff\r\n\r\n---\r\n\r\ntitle: [속보] 지진 발생\r\n---\r\n본문\r\n"
    result = read(tmp_path, "2024-09-01-1.md", text)
    assert result.post is not None and result.post.title == "[속보] 지진 발생"
    assert only_problem(result).line == 5


# -- encodings, line ends, missing or odd front matter ------------------------------------


def test_crlf_line_ends(tmp_path: Path) -> None:
    text = GOOD.replace("\n", "\r\n")
    result = read(tmp_path, "2024-06-12-10.md", text)
    assert result.problems == []
    expected = read(tmp_path / "lf", "2024-06-12-10.md", GOOD).post
    assert result.post is not None and expected is not None
    assert (result.post.title, result.post.body, result.post.excerpt) == (
        expected.title, expected.body, expected.excerpt
    )
    assert "\r" not in result.post.body


def test_byte_order_mark(tmp_path: Path) -> None:
    result = read(tmp_path, "2024-06-12-10.md", "\ufeff" + GOOD)
    assert result.problems == []
    assert result.post is not None and result.post.title == "한미 정상, 동맹 강화 합의"


def test_a_file_without_front_matter_is_not_a_post(tmp_path: Path) -> None:
    result = read(tmp_path, "2024-06-13-4.md", "## 제목 없는 글\n\n본문만 있는 글입니다.\n")
    assert result.post is None and result.problems == []
    assert result.skipped is not None and "no front matter" in result.skipped


def test_unclosed_front_matter_is_read_as_body(tmp_path: Path) -> None:
    result = read(tmp_path, "2024-06-13-5.md", "---\ntitle: 닫히지 않은 머리말\n본문입니다.\n")
    assert result.post is not None
    assert "본문입니다." in result.post.body
    assert "never closed" in result.problems[0].message and result.problems[0].line == 1


def test_missing_title_falls_back_to_the_slug(tmp_path: Path) -> None:
    result = read(tmp_path, "2024-06-13-breaking.md", "---\ncategories: 사회\n---\n본문")
    assert result.post is not None and result.post.title == "breaking"
    problem = only_problem(result)
    assert (problem.line, problem.severity) == (1, "warning") and "no title" in problem.message


def test_non_utf8_bytes_are_replaced_and_reported(tmp_path: Path) -> None:
    raw = "---\ntitle: 물가 동향\n---\n첫 줄\n".encode() + "깨진 줄".encode("euc-kr") + b"\n"
    result = read(tmp_path, "2024-06-14-1.md", raw)
    post = result.post
    assert post is not None and post.title == "물가 동향"
    assert post.body.startswith("첫 줄 \ufffd")
    problem = only_problem(result)
    assert (problem.line, problem.severity) == (5, "warning") and "UTF-8" in problem.message


def test_non_string_values_become_strings(tmp_path: Path) -> None:
    text = "---\ntitle: 2024\ncategories: [2024, 총선]\nexcerpt: 300\n---\n본문"
    post = read(tmp_path, "2024-04-10-1.md", text).post
    assert post is not None
    assert (post.title, post.categories, post.excerpt) == ("2024", ("2024", "총선"), "300")


def test_published_false_is_skipped(tmp_path: Path) -> None:
    result = read(tmp_path, "2024-06-15-1.md", "---\ntitle: 비공개 기사\npublished: false\n---\n본문")
    assert result.post is None
    assert result.skipped == "published: false"
    assert result.problems == []


# -- categories and tags ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("front", "categories"),
    [
        ("category: 정치", ("정치",)),
        ("categories: 정치 경제  사회", ("정치", "경제", "사회")),
        ("categories: 정치, 경제,사회", ("정치", "경제", "사회")),
        ("categories: [' 정치 ', 경제, 정치, '']", ("정치", "경제")),
        ("categories:\n  - Hot News\n  - 정치", ("Hot News", "정치")),
        ("categories: []", ()),
        ("categories:", ()),
    ],
)
def test_categories(tmp_path: Path, front: str, categories: tuple[str, ...]) -> None:
    post = read(tmp_path, "2024-06-16-1.md", f"---\ntitle: 기사\n{front}\n---\n본문").post
    assert post is not None and post.categories == categories


def test_tags_like_categories(tmp_path: Path) -> None:
    post = read(tmp_path, "2024-06-16-2.md", "---\ntitle: 기사\ntags: 장마 폭우 장마\n---\n본문").post
    assert post is not None and post.tags == ("장마", "폭우")


# -- dates ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("front", "date", "day"),
    [
        ("date: 2024-08-14 09:30:00 +0900", "2024-08-14T09:30:00+09:00", dt.date(2024, 8, 14)),
        ("date: 2024-08-14 09:30:00 +09:00", "2024-08-14T09:30:00+09:00", dt.date(2024, 8, 14)),
        ("date: '2024-08-14T23:30:00-05:00'", "2024-08-14T23:30:00-05:00", dt.date(2024, 8, 14)),
        ("date: 2024-08-14 09:30", "2024-08-14T09:30:00", dt.date(2024, 8, 14)),
        ("date: 2024-08-14T00:30:00Z", "2024-08-14T00:30:00+00:00", dt.date(2024, 8, 14)),
        ("date: 2024-08-15", "2024-08-15", dt.date(2024, 8, 15)),
    ],
)
def test_dates_keep_time_and_zone_as_written(tmp_path: Path, front: str, date: str, day: dt.date) -> None:
    result = read(tmp_path, "2024-08-14-7.md", f"---\ntitle: 광복절 행사\n{front}\n---\n본문")
    assert result.problems == []
    post = result.post
    assert post is not None
    assert (post.date, post.day) == (date, day)
    assert post.url == f"https://news.example.org/{day:%Y/%m/%d}/7/"


def test_time_without_offset_takes_the_sites_zone(tmp_path: Path) -> None:
    site = Site(timezone="Asia/Seoul")
    post = read(tmp_path, "2024-08-14-7.md", "---\ntitle: 기사\ndate: 2024-08-14 09:30:00\n---\n본문", site).post
    assert post is not None and post.date == "2024-08-14T09:30:00+09:00"
    assert post.timestamp == dt.datetime(2024, 8, 14, 0, 30, tzinfo=dt.timezone.utc).timestamp()


@pytest.mark.parametrize("value", ["다음 주 월요일", "2024-13-45", "2024-02-30 10:00", "20240814"])
def test_unreadable_date_falls_back_to_the_file_name(tmp_path: Path, value: str) -> None:
    text = f"---\ntitle: 날짜가 이상한 기사\ncategories: 사회\ndate: {value}\n---\n본문"
    result = read(tmp_path, "2024-08-14-8.md", text)
    post = result.post
    assert post is not None
    assert (post.date, post.day) == ("2024-08-14", dt.date(2024, 8, 14))
    assert (post.title, post.categories) == ("날짜가 이상한 기사", ("사회",))
    assert result.problems and all(problem.severity == "warning" for problem in result.problems)
    assert result.problems[-1].line == 4


# -- URLs -----------------------------------------------------------------------------------


def test_a_posts_own_permalink(tmp_path: Path) -> None:
    text = "---\ntitle: 특집\ncategories: 기획\npermalink: /special/:year/:title/\n---\n본문"
    post = read(tmp_path, "2024-06-20-15.md", text).post
    assert post is not None and post.url == "https://news.example.org/special/2024/15/"


def test_urls_follow_the_sites_pattern(tmp_path: Path) -> None:
    site = Site("https://news.example.org", "/blog", "date")
    post = read(tmp_path, "2024-06-20-15.md", "---\ntitle: 기사\ncategory: News\n---\n본문", site).post
    assert post is not None and post.url == "https://news.example.org/blog/news/2024/06/20/15.html"


# -- files that give no post ---------------------------------------------------------------


@pytest.mark.parametrize("name", ["notes.md", "2024-6-1-short.md", "2024-06-12-.md", "2024-02-30-1.md"])
def test_bad_file_names_are_errors(tmp_path: Path, name: str) -> None:
    result = read(tmp_path, name, "---\ntitle: 기사\n---\n본문")
    assert result.post is None and result.skipped is None
    problem = only_problem(result)
    assert problem.severity == "error" and problem.path.endswith(name)


def test_unreadable_file_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "2024-06-12-1.md").mkdir()
    result = read_post(tmp_path / "2024-06-12-1.md", SITE)
    assert result.post is None and only_problem(result).severity == "error"
    result = read_post(tmp_path / "2024-06-12-2.md", SITE)
    assert result.post is None and "cannot read" in only_problem(result).message


# -- listing post files ----------------------------------------------------------------------


def test_iter_post_files(tmp_path: Path) -> None:
    names = [
        "2024-06-12-2.md",
        "2024-06-12-1.markdown",
        "2024/2024-06-13-1.html",
        "_drafts/2024-06-14-1.md",
        ".hidden/2024-06-14-2.md",
        ".2024-06-14-3.md",
        "2024-06-14-4.md~",
        "#2024-06-14-5.md#",
        "notes.txt",
        "_config.yml",
    ]
    for name in names:
        write(tmp_path, name, "---\ntitle: 기사\n---\n")
    assert [p.relative_to(tmp_path).as_posix() for p in iter_post_files(tmp_path)] == [
        "2024-06-12-1.markdown",
        "2024-06-12-2.md",
        "2024/2024-06-13-1.html",
    ]
    assert iter_post_files(tmp_path / "missing") == []


def test_problem_reads_as_path_and_line() -> None:
    assert str(Problem("_posts/a.md", 3, "제목 없음")) == "_posts/a.md:3: 제목 없음"
    assert str(Problem("_posts/a.md", None, "읽을 수 없음", "error")) == "_posts/a.md: 읽을 수 없음"


# -- limits: hostile or huge front matter and posts ------------------------------------------------


def alias_bomb(levels: int = 9) -> str:
    """Nine levels of nine aliases: about 500 bytes that expand to 9**9 = 387 million strings."""
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for previous, name in zip("abcdefgh", "bcdefghi"[: levels - 1]):
        lines.append(f"{name}: &{name} [{', '.join([f'*{previous}'] * 9)}]")
    return "---\ntitle: 폭탄\n" + "\n".join(lines) + f"\ncategories: *{'abcdefghi'[levels - 1]}\n---\n본문\n"


def test_a_yaml_alias_bomb_is_refused_at_once(tmp_path: Path) -> None:
    text = alias_bomb()
    assert len(text.encode()) < 600
    started = time.perf_counter()
    result = read(tmp_path, "2024-06-22-bomb.md", text)
    assert time.perf_counter() - started < 5
    assert result.post is None
    problem = only_problem(result)
    assert problem.severity == "error" and "YAML aliases" in problem.message


@pytest.mark.parametrize(
    "front",
    [
        "categories: &a [정치, *a]",  # a list inside itself: endless once expanded
        "categories: " + "[" * 40 + "정치" + "]" * 40,
        "categories: [" + ", ".join(["x"] * 100) + "]\n" + "\n".join(f"k{n}: &k{n} [{', '.join(['*k' + str(n - 1) if n else 'x'] * 4)}]" for n in range(12)),
    ],
)
def test_endless_deep_or_exploding_front_matter_is_refused(tmp_path: Path, front: str) -> None:
    result = read(tmp_path, "2024-06-22-odd.md", f"---\ntitle: 기사\n{front}\n---\n본문")
    assert result.post is None and only_problem(result).severity == "error"


def test_small_aliases_still_work(tmp_path: Path) -> None:
    text = "---\ntitle: 기사\ntags: &topics [정치, 국회]\ncategories: *topics\n---\n본문"
    post = read(tmp_path, "2024-06-22-alias.md", text).post
    assert post is not None and post.categories == post.tags == ("정치", "국회")


def test_front_matter_over_64_kb_is_refused(tmp_path: Path) -> None:
    text = "---\ntitle: 기사\nexcerpt: " + "가" * 25_000 + "\n---\n본문"
    result = read(tmp_path, "2024-06-22-big.md", text)
    assert result.post is None
    assert only_problem(result).severity == "error" and "64 KB" in only_problem(result).message


def test_a_5_mb_post_is_cut_to_its_first_2_mb_with_a_warning(tmp_path: Path) -> None:
    paragraph = "<p>한미 정상이 동맹 강화에 합의했다. 두 정상은 워싱턴에서 만났다.</p>\n\n"
    count = 5 * 2**20 // len(paragraph.encode()) + 1
    text = "---\ntitle: 아주 긴 기사\n---\n" + "".join(paragraph.replace("합의", f"합의{n}") for n in range(count))
    started = time.perf_counter()
    result = read(tmp_path, "2024-06-23-huge.md", text)
    assert time.perf_counter() - started < 30
    post = result.post
    assert post is not None and post.title == "아주 긴 기사"
    problem = only_problem(result)
    assert problem.severity == "warning" and problem.message.startswith("the file is 5.")
    assert problem.message.endswith("MB: only its first 2 MB are indexed")
    lines = post.body.split("\n")
    assert lines[0] == "한미 정상이 동맹 강화에 합의0했다. 두 정상은 워싱턴에서 만났다."
    assert lines[-1].endswith("두 정상은 워싱턴에서 만났다.")  # cut between paragraphs
    assert 0.9 * 2**20 < len(post.body.encode()) < 2 * 2**20 and len(lines) < count


def test_a_post_cut_inside_a_long_line_ends_on_a_whole_character(tmp_path: Path) -> None:
    text = "---\ntitle: 줄바꿈 없는 기사\n---\n" + "가나다라" * 300_000  # 3.6 MB on one line
    result = read(tmp_path, "2024-06-23-line.md", text)
    assert result.post is not None and "\ufffd" not in result.post.body
    assert [p.severity for p in result.problems] == ["warning"]


def test_categories_and_tags_are_capped(tmp_path: Path) -> None:
    categories = " ".join(str(n) for n in range(10_000))
    long_tag = "태그" * 80
    text = f"---\ntitle: 기사\ncategories: {categories}\ntags: [{long_tag}, 짧은태그]\n---\n본문"
    result = read(tmp_path, "2024-06-23-cats.md", text)
    post = result.post
    assert post is not None
    assert post.categories == tuple(str(n) for n in range(50))
    assert post.tags == ("태그" * 50, "짧은태그")
    assert len(post.url) < 1_000
    messages = {(p.line, p.severity, p.message) for p in result.problems}
    assert messages == {
        (3, "warning", "categories: 10,000 given, only the first 50 are kept"),
        (4, "warning", "tags: names longer than 100 characters are cut to 100"),
    }


def test_title_excerpt_and_image_are_capped(tmp_path: Path) -> None:
    text = (
        f"---\ntitle: {'제목' * 400}\nexcerpt: {'요약' * 1_500}\nfeature_text: 짧다\n"
        f"image: https://img.example.org/{'a' * 3_000}.jpg\n---\n본문"
    )
    result = read(tmp_path, "2024-06-23-long.md", text)
    post = result.post
    assert post is not None
    assert (len(post.title), len(post.excerpt), post.feature_text, post.image) == (500, 2_000, "짧다", "")
    assert [(p.line, p.message.split(":")[0]) for p in result.problems] == [
        (2, "title"), (3, "excerpt"), (5, "image"),
    ]
