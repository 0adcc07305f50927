"""Hybrid search quality on the project's question set, and the "no article fits" behaviour.

The floors are the figures ``bench_help`` measured on the held-out split (which was written
before the hybrid search and never tuned on), rounded down a little; they are not targets that
any search would meet. Off-topic questions must all be answered false.
"""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from walletdesk.helpcenter import dense, evaluation, questions, search
from walletdesk.helpcenter.management.commands.help_vectors import packaged_passages

# Measured on the held-out split (see docs/ARCHITECTURE.md, help search).
# 2026-12-03: zh-hans 132/144 top-1 (91.7 %), 140/144 top-3 (97.2 %); English 131/144 (91.0 %),
# 140/144 (97.2 %); zh-hant 36/36, 36/36; off-topic 30 + 30 + 6 all false.
FLOORS = {
    "zh-hans": {"top1": 0.90, "top3": 0.96},
    "en": {"top1": 0.90, "top3": 0.96},
    "zh-hant": {"top1": 0.91, "top3": 0.94},
}
SCAM = "phishing-scams"


@pytest.fixture(scope="module")
def heldout() -> dict[str, Any]:
    return evaluation.measure(evaluation.collect("heldout"))


@pytest.mark.parametrize("lang", ["zh-hans", "en", "zh-hant"])
def test_heldout_quality_floors(heldout: dict[str, Any], lang: str) -> None:
    figures = heldout[lang]
    assert figures["questions"] >= (30 if lang == "zh-hant" else 140)
    assert figures["top1"] >= FLOORS[lang]["top1"], figures["misses"]
    assert figures["top3"] >= FLOORS[lang]["top3"], figures["misses"]


@pytest.mark.parametrize("lang", ["zh-hans", "en", "zh-hant"])
def test_heldout_off_topic_questions_are_all_answered_false(heldout: dict[str, Any],
                                                            lang: str) -> None:
    assert heldout[lang]["off_topic"] >= 3
    assert heldout[lang]["off_topic_answered_false"] == 1.0, heldout[lang]["off_topic_answered"]


def test_the_question_set_is_large_written_per_article_and_its_splits_are_apart() -> None:
    tuning, heldout = questions.load("tuning"), questions.load("heldout")
    slugs = {d.slug for d in search.docs_from_package()}
    for slug in slugs:
        mine = [q for q in (*tuning, *heldout) if q.slug == slug and not q.generated]
        assert len(mine) >= 30, slug
        assert {q.lang for q in mine} >= {"zh-hans", "en"}
    assert {q.slug for q in (*tuning, *heldout)} - {None} == slugs
    assert not {q.text for q in tuning} & {q.text for q in heldout}
    assert sum(1 for q in heldout if q.slug is None) >= 30


def test_stored_vectors_cover_every_packaged_passage() -> None:
    """Start-up embeds nothing: run ``help_vectors`` after editing content or questions."""
    missing = {dense.key(t) for t in packaged_passages()} - dense.stored_keys()
    assert not missing


def test_stored_vectors_of_another_encoder_are_not_used(
        tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    import numpy as np

    text = packaged_passages()[0]
    stale = tmp_path / "vectors.npz"
    np.savez_compressed(stale, keys=np.array([dense.key(text)], dtype="U24"),
                        vectors=np.ones((1, 384), dtype=np.float16), encoder=np.array("another-encoder"))
    monkeypatch.setattr(dense, "STORE", stale)
    monkeypatch.setattr(dense, "_cache", {})
    monkeypatch.setattr(dense, "_loaded", False)
    assert dense.stored_keys() == set()  # the coverage test above fails on such a file
    vector = dense.passage_vectors([text])[0]  # embedded afresh, not the stale row of ones
    assert abs(float(np.linalg.norm(vector)) - 1.0) < 1e-3 and not np.allclose(vector, vector[0])


@pytest.mark.parametrize(("q", "lang"), [
    ("someone asked me for my verification code", "en"),
    ("a guy on the phone asked me for the code i got by sms", "en"),
    ("有人问我要验证码", "zh-hans"),
    ("客服打电话让我把收到的验证码告诉他", "zh-hans"),
])
def test_safety_critical_verification_code_question_ranks_the_scam_article_first(
        help_content: None, q: str, lang: str) -> None:
    found = search.answer(q, lang)
    assert found.answered and found.hits[0].slug == SCAM


@pytest.mark.parametrize("q", ["有人問我攞驗證碼", "佢哋問我攞短訊驗證碼"])
def test_cantonese_question_for_the_verification_code_ranks_the_scam_article_first(
        anon_api: Any, help_content: None, q: str) -> None:
    body = anon_api.get("/api/v1/help/search", q=q, lang="zh-hant").json()
    assert body["answered"] is True and body["results"][0]["slug"] == SCAM


@pytest.mark.parametrize(("q", "lang"), [
    ("what's the weather in beijing tomorrow", "en"), ("recommend me a film", "en"),
    ("明天会下雨吗", "zh-hans"), ("最近有什么好看的电影", "zh-hans")])
def test_off_topic_is_not_answered_and_lists_nothing(help_content: None, q: str,
                                                     lang: str) -> None:
    assert search.answer(q, lang) == search.Answer([], False)


def test_help_search_jsonl_says_whether_answered(help_content: None,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    out = io.StringIO()
    monkeypatch.setattr("sys.stdin", io.StringIO("忘记密码了\n今天天气怎么样\n\n"))
    call_command("help_search", "--jsonl", stdout=out)
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    assert rows[0]["answered"] is True and rows[0]["results"][0]["slug"] == "forgot-password"
    assert rows[1] == {"query": "今天天气怎么样", "answered": False, "results": []}
    assert rows[2]["answered"] is False


@pytest.mark.parametrize(("lang", "q", "heading"), [
    ("zh-hans", "明天北京天气怎么样", "没有找到能回答这个问题的帮助文章"),
    ("en", "what's the weather like tomorrow", "None of our articles answers this question"),
    ("zh-hant", "聽日天氣點呀", "沒有找到能回答這個問題的幫助文章"),
])
def test_page_says_no_article_fits_and_offers_a_person(help_content: None, lang: str, q: str,
                                                       heading: str) -> None:
    c = Client()
    c.cookies["walletdesk_language"] = lang
    html = c.get("/help/search/", {"q": q}).content.decode()
    assert 'data-testid="help-no-fit"' in html and heading in html
    assert 'data-testid="help-result"' not in html
    assert 'href="/contact/" data-testid="help-contact-hub"' in html
    assert 'href="/support/new/?topic=general&amp;message=' in html
    # Next: the troubleshooters, and no second "still need help?" box repeating the first.
    assert 'data-testid="ts-entry"' in html and 'data-testid="still-need-help"' not in html


def test_page_still_lists_articles_when_one_fits(help_content: None) -> None:
    html = Client().get("/help/search/", {"q": "有人冒充客服找我要验证码"}).content.decode()
    assert 'data-testid="help-no-fit"' not in html
    assert html.index(f'data-slug="{SCAM}"') < html.index("still-need-help")


@pytest.mark.parametrize(("lang", "word"), [("zh-hans", "人工客服"), ("en", "A person"),
                                            ("zh-hant", "真人客服")])
def test_api_no_fit(anon_api: Any, help_content: None, lang: str, word: str) -> None:
    body = anon_api.get("/api/v1/help/search", q="明天天气怎么样", lang=lang).json()
    assert body["answered"] is False and body["results"] == [] and body["lang"] == lang
    assert body["no_fit"]["contact_url"] == "/contact/"
    assert body["no_fit"]["person_url"].startswith("/support/new/?topic=general&message=")
    assert word in body["no_fit"]["message"]


def test_api_answers_in_zh_hant_with_converted_titles(anon_api: Any, help_content: None) -> None:
    body = anon_api.get("/api/v1/help/search", q="密碼唔記得咗點算", lang="zh-hant").json()
    assert body["answered"] is True and body["no_fit"] is None
    assert body["results"][0]["slug"] == "forgot-password"
    assert body["results"][0]["title"] == "忘記密碼怎麼辦"


def test_chinese_text_sets_its_links_and_bold_without_spaces() -> None:
    """Chinese runs on without spaces: "请联系客服", not "请 联系客服", around a link or a bold
    run whose own text is Chinese (spaces next to Latin words and numbers stay)."""
    import re

    from walletdesk.helpcenter import content

    cjk = "\u3400-\u4dbf\u4e00-\u9fff\u3000-\u303f\uff00-\uffef"
    spaced = re.compile(rf"[{cjk}] (?:\*\*|\[)[{cjk}]|[{cjk}](?:\*\*|\]\(/[^)\s]*\)) [{cjk}]")
    found = [(a.slug, m.group(0)) for a in content.articles()
             for field in ("body_zh", "summary_zh", "title_zh")
             for m in spaced.finditer(a.fields[field])]
    assert not found
