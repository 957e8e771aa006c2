"""HTML and Markdown bodies become plain text: words never run together, code and markup go."""

from __future__ import annotations

import time

import pytest

from sokbo.indexer.text import body_to_text, html_to_text, plain_text


def test_table_cells_are_separated_and_rows_are_lines() -> None:
    html = "<table><tr><th>도시</th><th>기온</th></tr><tr><td>서울</td><td>15℃</td></tr></table>"
    assert html_to_text(html) == "도시 기온\n서울 15℃"


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ("<p>첫 문단입니다.</p><p>둘째 문단입니다.</p>", "첫 문단입니다.\n둘째 문단입니다."),
        ("<h2>소제목</h2>본문이 이어집니다.", "소제목\n본문이 이어집니다."),
        ("<ul><li>첫째</li><li>둘째</li></ul>", "첫째\n둘째"),
        ("첫 줄<br>둘째 줄<br/>셋째 줄", "첫 줄\n둘째 줄\n셋째 줄"),
        ("<div><div>안쪽</div>바깥</div><section>구역</section>", "안쪽\n바깥\n구역"),
        ("<blockquote>인용문</blockquote><hr><pre>고정폭</pre>", "인용문\n고정폭"),
    ],
)
def test_blocks_end_lines(html: str, text: str) -> None:
    assert html_to_text(html) == text


def test_inline_elements_do_not_split_words() -> None:
    html = '<p>두 나라가 <b><span style="color: #ee2323;">우정비행</span></b>을 했다.</p>'
    assert html_to_text(html) == "두 나라가 우정비행을 했다."


def test_code_elements_and_comments_are_dropped_but_text_after_them_stays() -> None:
    html = (
        "<p>앞<script>var secret = '스크립트';</script>뒤</p>"
        "<style>td { border: 1px solid #ddd; }</style>"
        "<noscript>자바스크립트를 켜세요</noscript><template><p>틀</p></template>"
        '<iframe src="https://video.example.org/1">영상</iframe>'
        "<p>기사<!-- 편집자 메모: 나중에 고칠 것 -->본문</p>"
    )
    text = html_to_text(html)
    assert text == "앞뒤\n기사본문"


def test_entities_are_decoded() -> None:
    html = "<p>AT&amp;T와&nbsp;&nbsp;삼성 &#39;협력&#39; &lt;기생충&gt; &quot;인용&quot; &#xAC00;</p>"
    assert html_to_text(html) == "AT&T와 삼성 '협력' <기생충> \"인용\" 가"


def test_image_alt_text_is_not_body_text() -> None:
    assert html_to_text('<p><img src="a.jpg" alt="속보 썸네일">사진 설명 없음</p>') == "사진 설명 없음"
    assert body_to_text("![속보 썸네일](https://img.example.org/a.jpg)\n\n본문") == "본문"


def test_whitespace_is_collapsed_but_paragraphs_stay() -> None:
    html = "<p>  여러   칸\t\t띄어쓰기 </p>\n\n\n<p>\u3000다음\u00a0문단\u200b입니다</p>"
    assert html_to_text(html) == "여러 칸 띄어쓰기\n다음 문단입니다"


def test_source_line_breaks_are_spaces_except_in_pre() -> None:
    html = "<p>줄이 바뀐\n문장도 한 문단</p><pre>첫 줄\n  <b>둘째</b> 줄</pre>"
    assert html_to_text(html) == "줄이 바뀐 문장도 한 문단\n첫 줄\n둘째 줄"
    assert body_to_text("마크다운 문단이\n두 줄로 적혔다.\n\n다음 문단") == "마크다운 문단이 두 줄로 적혔다.\n다음 문단"


def test_empty_and_blank_input() -> None:
    assert html_to_text("") == ""
    assert body_to_text("  \n\n ") == ""
    assert html_to_text("<p>&nbsp;</p>") == ""


def test_control_characters_do_not_lose_the_text() -> None:
    assert body_to_text("앞\x0b뒤 <p>문단\x1f끝</p>") == "앞 뒤\n문단 끝"


def test_markdown_body_with_heading_emphasis_table_code_and_link() -> None:
    src = (
        "## 금리 동향\n\n"
        "한국은행이 **기준금리**를 동결했다. 자세한 내용은 [보도자료](https://bok.example.org/1)를 보라.\n\n"
        "| 지역 | 기온 |\n"
        "| --- | --- |\n"
        "| 서울 | 15℃ |\n"
        "| 부산 | 18℃ |\n\n"
        "```python\n"
        'print("안녕하세요")\n'
        "```\n"
    )
    text = body_to_text(src)
    assert text.splitlines() == [
        "금리 동향",
        "한국은행이 기준금리를 동결했다. 자세한 내용은 보도자료를 보라.",
        "지역 기온",
        "서울 15℃",
        "부산 18℃",
        'print("안녕하세요")',
    ]


def test_html_and_markdown_mixed_in_one_body() -> None:
    src = (
        '<p data-ke-size="size16">첫 문단은 HTML입니다.</p>\n\n'
        "## 두 번째 소제목\n\n"
        "둘째 문단은 **마크다운**입니다.\n\n"
        '<table>\n<tr>\n  <td style="text-align: center;"><b>한국</b></td>\n'
        "  <td>F-15K</td>\n</tr>\n</table>\n\n"
        '생생한 뉴스, <a href="https://news.example.org" rel="dofollow">news.example.org</a>\n'
    )
    assert body_to_text(src).splitlines() == [
        "첫 문단은 HTML입니다.",
        "두 번째 소제목",
        "둘째 문단은 마크다운입니다.",
        "한국 F-15K",
        "생생한 뉴스, news.example.org",
    ]


def test_markdown_the_renderer_leaves_literal_is_removed() -> None:
    src = (
        "**중요한 내용****1.**선박 출항 시간을 확인하세요.\n\n"
        '<p data-ke-size="size16">### <b>경기장의 의미</b></p>\n\n'
        "<p>예약은 [여기를 클릭](예약 링크)하세요.</p>\n\n"
        "구분 | 요금\n---|---|---\n어른 | 5,000원\n\n"
        '<p>&lt;h2 data-ke-size="size26">잘못 적힌 제목</h2></p>\n'
    )
    text = body_to_text(src)
    assert text.splitlines() == [
        "중요한 내용1.선박 출항 시간을 확인하세요.",
        "경기장의 의미",
        "예약은 여기를 클릭하세요.",
        "구분 | 요금 어른 | 5,000원",
        "잘못 적힌 제목",
    ]


def test_korean_angle_brackets_are_text_not_tags() -> None:
    assert body_to_text("드라마 <오징어 게임> 시즌2가 공개됐다.") == "드라마 <오징어 게임> 시즌2가 공개됐다."


def test_hashtags_are_kept() -> None:
    assert body_to_text("본문\n\n#장마 #폭염") == "본문\n#장마 #폭염"


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("## adskorea 실시간 뉴스 속보입니다.", "adskorea 실시간 뉴스 속보입니다."),
        ("<b>속보</b> 국회 본회의 통과", "속보 국회 본회의 통과"),
        ("첫 줄\n둘째 줄\n", "첫 줄 둘째 줄"),
        ("장마가 시작됐다!  주말까지   비 소식.", "장마가 시작됐다! 주말까지 비 소식."),
        ("**대한민국** 금메달 &amp; 신기록", "대한민국 금메달 & 신기록"),
        ("", ""),
    ],
)
def test_plain_text_of_front_matter_values(value: str, text: str) -> None:
    assert plain_text(value) == text


@pytest.mark.parametrize(
    ("src", "text"),
    [
        # Bodies without Markdown syntax are read as HTML directly: blank lines still end paragraphs,
        ("첫 문단입니다.\n\n둘째 문단입니다.\n셋째 줄은 같은 문단.", "첫 문단입니다.\n둘째 문단입니다. 셋째 줄은 같은 문단."),
        # but not cells of a table written with blank lines between them,
        ("<table><tr>\n\n<td>서울</td>\n\n<td>15℃</td>  \n</tr>\n\n<tr><td>부산</td></tr></table>", "서울 15℃\n부산"),
        # and every bit of Markdown syntax is still rendered.
        ("_기울임_ 표시와 __굵게__ 표시", "기울임 표시와 굵게 표시"),
        ("자세히: <https://news.example.org/1>", "자세히: https://news.example.org/1"),
        ("`코드` 표기", "코드 표기"),
        ("별표 \\* 이스케이프", "별표 * 이스케이프"),
        ("> 인용한 문장", "인용한 문장"),
        ("- 첫째\n- 둘째", "첫째\n둘째"),
        ("1) 첫째\n2) 둘째", "첫째\n둘째"),
        ("소제목\n======\n본문", "소제목\n본문"),
        ("본문\n\n---\n\n다음", "본문\n다음"),
        ("[기사]: https://news.example.org/1\n\n[기사] 참고", "기사 참고"),
        ("문단\n\n    들여 쓴 코드", "문단\n들여 쓴 코드"),
    ],
)
def test_bodies_with_and_without_markdown_syntax(src: str, text: str) -> None:
    assert body_to_text(src) == text


def _cpu_seconds_to_strip(html: str) -> float:
    started = time.process_time()
    body_to_text(html)
    return time.process_time() - started


def test_stripping_takes_time_in_proportion_to_the_html() -> None:
    # 30,000 paragraphs side by side were quadratic (a 5 MB post took 380 s): four times the
    # HTML must take about four times as long, not sixteen. CPU time, so a busy machine
    # does not fail it; each run is repeated and its best time taken (one CI run once took
    # 8.4 times as long for four times the HTML: a cache or collector pause, not a square).
    paragraph = '<p data-ke-size="size16">한미 정상이 <b>동맹 강화</b>에 합의했다.<br>공급망 협력</p>\n'
    small = paragraph * (250_000 // len(paragraph.encode()))
    base = min(_cpu_seconds_to_strip(small) for _ in range(3))
    four_times = min(_cpu_seconds_to_strip(small * 4) for _ in range(2))
    assert four_times < 10 * max(base, 0.02), (base, four_times)  # quadratic would be 16
    assert four_times < 10
