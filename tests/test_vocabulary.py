"""The site owner's vocabulary: synonyms at query time, a Kiwi user dictionary at analysis time."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from sokbo.indexer.build import build_index
from sokbo.indexer.cli import cli
from sokbo.search import SearchRequest, SearchService
from sokbo.search.analysis import korean_terms, use_user_words
from sokbo.search.vocabulary import Vocabulary

from .conftest import copy_posts

POSTS = ["2024-08-09-seoul-tropical-nights.md", "2024-06-05-kbo-lions-winning-streak.md"]
IDOL_POST = """---
title: "아이돌 하니, 국정감사 참고인 출석"
categories: [연예]
---
그룹 뉴진스의 하니가 15일 국회 국정감사에 참고인으로 출석했다. 하니는 직장 내 괴롭힘 문제를 증언했다.
"""


@pytest.fixture(autouse=True)
def _default_user_words():
    yield
    use_user_words(())  # user words are per process: leave none for the other tests


def total(service: SearchService, q: str) -> int:
    service._checked = 0.0  # look at the index now, not within the next second
    return service.search(SearchRequest.from_params({"q": [q]})).total


def test_reads_groups_and_user_words_and_reports_bad_lines(tmp_path: Path) -> None:
    synonyms = tmp_path / "synonyms.txt"
    synonyms.write_text("# 정당\n국민의힘 = 국힘\n\n북한=北= 北韓\n외톨이\n", encoding="utf-8")
    user = tmp_path / "userdict.txt"
    user.write_text("뉴진스\n하니 nnp\n챗GPT NNP 1.5\n이상한 XYZ\n점수 NNP 높음\n", encoding="utf-8")
    vocabulary, warnings = Vocabulary.read(synonyms, user)
    assert vocabulary.synonyms == (("국민의힘", "국힘"), ("북한", "北", "北韓"))
    assert vocabulary.user_words == (("뉴진스", "NNP", 0.0), ("하니", "NNP", 0.0), ("챗GPT", "NNP", 1.5))
    assert [(w.line, w.path) for w in warnings] == [(5, str(synonyms)), (4, str(user)), (5, str(user))]
    assert "two words" in warnings[0].message and "XYZ" in warnings[1].message
    assert vocabulary.expansions("北") == ("북한", "北韓")
    assert vocabulary.expansions("없음") == ()
    assert Vocabulary.from_meta(json.loads(json.dumps(vocabulary.as_meta()))) == vocabulary


def test_synonyms_from_the_sites_folder_widen_queries_and_follow_edits(tmp_path: Path) -> None:
    posts = copy_posts(tmp_path, POSTS)
    vocab = posts.parent / "_sokbo"
    vocab.mkdir()
    (vocab / "synonyms.txt").write_text("열대야 = tropicalnight\n", encoding="utf-8")
    build_index(posts, tmp_path / "ix")
    service = SearchService(tmp_path / "ix")
    assert total(service, "tropicalnight") == 1
    hit = service.search(SearchRequest.from_params({"q": ["tropicalnight"]})).hits[0]
    assert "<mark>열대야</mark>" in hit.snippet + hit.title_html
    assert total(service, "-tropicalnight") == 1  # an excluded word excludes its synonyms too

    (vocab / "synonyms.txt").write_text("# none\n", encoding="utf-8")
    summary = build_index(posts, tmp_path / "ix")
    assert not summary.full  # synonyms apply to queries: nothing is analysed again
    assert total(service, "tropicalnight") == 0


def test_a_user_dictionary_keeps_a_name_whole_and_rebuilds_when_it_changes(tmp_path: Path) -> None:
    posts = copy_posts(tmp_path, POSTS)
    (posts / "2024-10-15-idol-audit.md").write_text(IDOL_POST, encoding="utf-8")
    build_index(posts, tmp_path / "ix")
    assert "하니" not in [t for t, *_ in korean_terms("뉴진스 하니 국정감사")]  # Kiwi: 하 (a verb) + 니

    user_dict = tmp_path / "words.txt"
    user_dict.write_text("하니 NNP\n", encoding="utf-8")
    summary = build_index(posts, tmp_path / "ix", user_dict=user_dict)
    assert summary.full and summary.updated == 3
    assert "하니" in [t for t, *_ in korean_terms("뉴진스 하니 국정감사")]
    service = SearchService(tmp_path / "ix")
    assert service.vocabulary().user_words == (("하니", "NNP", 0.0),)
    assert total(service, "하니") == 1  # by morpheme; before, 하니 alone was the verb 하

    assert not build_index(posts, tmp_path / "ix", user_dict=user_dict).full  # unchanged: incremental


def test_the_cli_takes_the_files_and_reports_bad_lines(tmp_path: Path) -> None:
    posts = copy_posts(tmp_path, POSTS)
    synonyms = tmp_path / "syn.txt"
    synonyms.write_text("국민의힘 = 국힘\n한 단어\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["index", str(posts), "--index", str(tmp_path / "ix"), "--synonyms", str(synonyms)])
    assert result.exit_code == 0, result.output
    assert f"{synonyms}:2: a synonym group needs two words" in result.output
    missing = CliRunner().invoke(cli, ["index", str(posts), "--index", str(tmp_path / "ix"), "--user-dict", "nope.txt"])
    assert missing.exit_code == 2 and "nope.txt" in missing.output


def test_a_running_service_analyses_queries_with_a_dictionary_added_after_it_started(tmp_path: Path) -> None:
    """The service searched before the rebuild, with 하니 read as the verb 하; after a rebuild
    in the same process with 하니 in the user dictionary, its queries use the new dictionary:
    nothing analysed with the old words is remembered."""
    posts = copy_posts(tmp_path, POSTS)
    (posts / "2024-10-15-idol-audit.md").write_text(IDOL_POST, encoding="utf-8")
    (posts / "2024-10-16-exercise.md").write_text("---\ntitle: 생활 체육\n---\n주민들이 아침마다 운동을 한다.\n", encoding="utf-8")
    build_index(posts, tmp_path / "ix")
    service = SearchService(tmp_path / "ix")
    assert total(service, "하니") == 2  # 하니 read as the verb 하 (do): the idol and 운동을 한다

    user_dict = tmp_path / "words.txt"
    user_dict.write_text("하니 NNP\n", encoding="utf-8")
    assert build_index(posts, tmp_path / "ix", user_dict=user_dict).full
    assert total(service, "하니") == 1  # the name only
