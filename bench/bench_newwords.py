"""Benchmark: does did-you-mean leave real words alone? New words on a real index.

A news site prints new names every day: a reader who searches one that no post has yet must
get what she typed (nothing, or the posts that have it by its parts), not the posts of a word
that looks like it (독도 searched as 속도). This takes a list of common Korean words and names
(people, places, events, institutions: chosen for this benchmark, independently of any
corpus), keeps those that the index does not find as typed (``correct=0``: no post), searches
each normally and counts how many

* are searched as a correction instead (``corrected: true``): the target is none;
* get a "did you mean" (``suggestion``): the target is at most 10%.

It prints each word that got either, with its correction, and the two figures. A real typo must
still be corrected: that is the relevance benchmark's ``misspelt`` set
(``bench/relevance/run.py``, "suggestion right").

``--slips`` also measures what a rule "suggest a word one slip from a very common one" would
touch: the nouns of the analyser's dictionary that the index does not find, one slip (a
neighbouring key or a confusable sound) from an index word in at least 1%, 5%, 10% or 20% of
the posts, with a sample of the last to read: how many are typos, how many words.

    python bench/bench_newwords.py                                # builds an index of samples/_posts
    python bench/bench_newwords.py --index /work/ix-corpus        # an existing index
    python bench/bench_newwords.py --index IX --json out.json     # also write the figures
    python bench/bench_newwords.py --index IX --slips             # and the slips of common words
"""

from __future__ import annotations

import argparse
import json
import random
import re
import tempfile
from pathlib import Path

from sokbo.search import SearchRequest, SearchService
from sokbo.search.correction import count_query, post_counter
from sokbo.search.hangul import compose, decompose, slips
from sokbo.search.lexicon import is_dictionary_noun, is_stem

ROOT = Path(__file__).resolve().parents[1]

WORDS = """
독도 푸틴 이재명 지진 계엄 하이브 윤석열 태풍 뉴진스 시진핑 젤렌스키 마크롱 기시다 네타냐후
김정은 한동훈 조국 이준석 문재인 박근혜 손흥민 이강인 김연아 봉준호 아이유 임영웅 블랙핑크
방탄소년단 에스파 울릉도 도쿄 모스크바 가자지구 이스라엘 대만 용산 판문점 개성공단 청와대
연평도 천안함 세월호 이태원 북극 남극 화성 누리호 달탐사 탄핵 산불 홍수 월드컵 미세먼지
파업 환율 비트코인 챗봇 원전 원자력 백신 저출산 카카오 네이버 쿠팡 현대차 넷플릭스 테슬라
애플 구글 헌법재판소 대법원 검찰 경찰청 국정원 유엔
이순신 세종대왕 안중근 유관순 정약용 장영실 한라산 설악산 지리산 백두산 낙동강 섬진강 새만금
마라도 백령도 거문도 흑산도 강화도 통영 여수 목포 안동 에베레스트 사하라 아마존 시베리아
알래스카 하와이 몰디브 쓰나미 메르스 구제역 조류독감 엘니뇨 황사 가뭄 폭설 한파 감사원
선관위 공정위 금감원 질병청 기상청 특허청 관세청 병무청 메르켈 숄츠 모디 룰라 에르도안
두테르테 아이브 세븐틴 엑소 빅뱅 소녀시대 트와이스 류현진 김하성 오타니 메시 호날두 페이커
셀트리온 포스코 한화 두산 롯데 신세계 크래프톤 하이닉스
고구려 백제 신라 훈민정음 팔만대장경 거북선 측우기 첨성대 석굴암 불국사 창덕궁 종묘 해인사
공룡 매머드 은하수 블랙홀 혜성 운석 오로라 빙하 산호초 고래 펭귄 북극곰 판다 캥거루 코알라
하마 기린 낙타 독수리 두루미 반딧불이 무궁화 진달래 개나리 은행나무 소나무 대나무 인삼 비빔밥
떡볶이 삼계탕 냉면 막걸리 소주 태권도 씨름 판소리 아리랑 탈춤 한복 윷놀이
""".split()
"""Common words and names a Korean news reader may search (this benchmark's own list)."""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--index", type=Path, help="a sokbo index (default: build one of --posts)")
    parser.add_argument("--posts", type=Path, default=ROOT / "samples" / "_posts", help="posts to index when no --index")
    parser.add_argument("--json", type=Path, help="also write the figures and every word's outcome to this file")
    parser.add_argument("--slips", action="store_true", help="also count the dictionary's nouns a slip from common words")
    args = parser.parse_args()

    index = args.index
    if index is None:
        from sokbo.indexer.build import build_index

        index = Path(tempfile.mkdtemp(prefix="sokbo-newwords-")) / "index"
        print(f"building an index of {args.posts} in {index} ...")
        build_index(args.posts, index, procs=1)
    service = SearchService(index)

    found, absent = [], []
    for word in WORDS:
        (absent if service.search(SearchRequest(q=word, correct=False)).total == 0 else found).append(word)
    outcomes = []
    for word in absent:
        response = service.search(SearchRequest(q=word))
        outcomes.append({"word": word, "suggestion": response.suggestion, "corrected": response.corrected, "total": response.total})

    corrected = [o for o in outcomes if o["corrected"]]
    suggested = [o for o in outcomes if o["suggestion"]]
    posts = service.stats()["posts"]
    print(f"{len(WORDS)} words; {len(found)} found as typed in the {posts} posts (not counted); {len(absent)} absent")
    for o in suggested:
        what = "searched as" if o["corrected"] else "did you mean"
        print(f"  {o['word']} → {what} {o['suggestion']} ({o['total']} posts)")
    n = max(1, len(absent))
    print(f"corrected (searched as another word): {len(corrected)} of {len(absent)} = {len(corrected) / n:.1%}   (target 0)")
    print(f"suggestion offered:                   {len(suggested)} of {len(absent)} = {len(suggested) / n:.1%}   (target ≤ 10%)")
    if args.slips:
        slipped_nouns(service)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        figures = {
            "index": str(index), "posts": posts, "words": len(WORDS), "absent": len(absent),
            "corrected": len(corrected), "suggested": len(suggested), "found_as_typed": found, "outcomes": outcomes,
        }  # fmt: skip
        args.json.write_text(json.dumps(figures, ensure_ascii=False, indent=1), encoding="utf-8")
        print(f"written: {args.json}")


SHARES = (0.01, 0.05, 0.1, 0.2)


def slipped_nouns(service: SearchService) -> None:
    """Print how many of the dictionary's nouns that the index does not find are one slip from
    an index word (a noun, 2–4 syllables) in at least each of :data:`SHARES` of the posts."""
    lexicon = service.lexicon()
    searcher, view = service._searcher()  # noqa: SLF001 - the reader a search would use
    count = post_counter(searcher, view)
    posts = len(view.live)
    common = [(t, n) for t, n in lexicon.df.items() if re.fullmatch("[가-힣]{2,4}", t) and n >= SHARES[0] * posts]
    common = [(t, n) for t, n in common if not is_stem(t)]
    variants: dict[str, tuple[str, int]] = {}  # slipped word -> the most common word it slips from
    for word, n in common:
        keys = decompose(word)
        for i, key in enumerate(keys):
            for other in slips(key):
                slipped = compose(keys[:i] + other + keys[i + 1 :])
                if len(slipped) == len(word) and re.fullmatch("[가-힣]+", slipped) and n > variants.get(slipped, ("", 0))[1]:
                    variants[slipped] = (word, n)
    absent = {w: v for w, v in variants.items() if not lexicon.frequency(w) and not count_query(w, count)}
    nouns = {w: v for w, v in absent.items() if is_dictionary_noun(w)}
    print(f"\n{len(common):,} index words in ≥{SHARES[0]:.0%} of the {posts:,} posts; {len(variants):,} words one slip from one,"
          f" {len(absent):,} of them found in no post, {len(nouns):,} of those nouns of the dictionary")  # fmt: skip
    for share in SHARES:
        near = sorted((w, v) for w, v in nouns.items() if v[1] >= share * posts)
        print(f"  a slip from a word in ≥{share:.0%} of the posts: {len(near):,}")
    sample = random.Random(0).sample(near, min(30, len(near)))
    print("  of the last, for instance: " + ", ".join(f"{w} ({word})" for w, (word, _) in sample))


if __name__ == "__main__":
    main()
