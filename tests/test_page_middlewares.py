"""The two middlewares that keep a page from being lost or read half: a page cut mid-page is asked again
(middlewares/incomplete.py), a page whose parser fails goes to the ledger (middlewares/page_errors.py)."""

from __future__ import annotations

import pytest
from scrapy import Spider
from scrapy.http import HtmlResponse, Request
from scrapy.utils.test import get_crawler

from knytscrape.failures import DamagedPage
from knytscrape.items import FailedPageItem
from knytscrape.middlewares.incomplete import CONFIRMATIONS, IncompletePageMiddleware
from knytscrape.middlewares.page_errors import PageErrorsMiddleware

URL = "http://127.0.0.1:1/artiklar.php?id=7"
WHOLE = b"<html><body><p>" + "Brödtext. ".encode() * 400 + b"</p></body></html>"


def middleware():
    crawler = get_crawler(Spider, {"RETRY_TIMES": 2})
    crawler.spider = crawler._create_spider("probe")
    return crawler, IncompletePageMiddleware.from_crawler(crawler)


def answer(request: Request, body: bytes) -> HtmlResponse:
    return HtmlResponse(request.url, body=body, request=request)


def test_a_whole_page_passes_and_a_cut_one_is_asked_again_then_given_up():
    _, incomplete = middleware()
    request = Request(URL)
    assert incomplete.process_response(request, answer(request, WHOLE)).body == WHOLE
    for cut in (WHOLE[:1000], WHOLE[:2500]):  # cut at another place each time: asked again (RETRY_TIMES 2)
        request = incomplete.process_response(request, answer(request, cut))
        assert isinstance(request, Request)
    with pytest.raises(DamagedPage):
        incomplete.process_response(request, answer(request, WHOLE[:3300]))


def test_a_page_that_comes_back_the_same_without_an_end_is_the_sites_own():
    _, incomplete = middleware()
    unended = WHOLE.replace(b"</p></body></html>", b"")
    retry = incomplete.process_response(Request(URL), answer(Request(URL), unended))
    assert isinstance(retry, Request)
    assert incomplete.process_response(retry, answer(retry, unended)).body == unended
    counter = unended + b"<!-- 1234 -->"  # a visit counter: nearly the same length
    retry = incomplete.process_response(Request(URL), answer(Request(URL), unended))
    assert incomplete.process_response(retry, answer(retry, counter)).body == counter


def test_the_check_stops_after_real_pages_without_an_end_but_not_after_empty_answers():
    crawler, incomplete = middleware()
    for _ in range(CONFIRMATIONS + 2):  # short answers (gaps of the walk) do not turn the check off
        retry = incomplete.process_response(Request(URL), answer(Request(URL), b"<p>x"))
        incomplete.process_response(retry, answer(retry, b"<p>x"))
    assert isinstance(incomplete.process_response(Request(URL), answer(Request(URL), WHOLE[:3000])), Request)
    unended = WHOLE.replace(b"</p></body></html>", b"")
    for _ in range(CONFIRMATIONS):
        retry = incomplete.process_response(Request(URL), answer(Request(URL), unended))
        incomplete.process_response(retry, answer(retry, unended))
    cut = WHOLE[:3000]
    assert incomplete.process_response(Request(URL), answer(Request(URL), cut)).body == cut
    assert crawler.stats.get_value("knyt/pages/without_document_end") == 2 * CONFIRMATIONS + 2


class Failing(Spider):
    name = "articles"

    def recover(self, request, kind, reason):
        yield FailedPageItem(self.name, request.url, "/x", kind, reason)


def test_a_parser_that_fails_puts_its_page_in_the_ledger():
    crawler = get_crawler(Failing)
    crawler.spider = crawler._create_spider()
    request = Request(URL)
    [failed] = PageErrorsMiddleware.from_crawler(crawler).process_spider_exception(
        answer(request, WHOLE), ValueError("no Publicerat: line"))
    assert (failed.kind, failed.url) == ("parser_error", URL)
    assert "ValueError: no Publicerat: line" in failed.reason
    assert crawler.stats.get_value("knyt/errors/parser") == 1
