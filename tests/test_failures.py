"""Why a request failed, as the ledger of what is missing names it."""

import pytest
from scrapy.exceptions import DownloadCancelledError, DownloadTimeoutError, IgnoreRequest, ResponseDataLossError
from scrapy.http import Request, Response
from scrapy.spidermiddlewares.httperror import HttpError

from knytscrape.failures import DamagedPage, describe


def http_error(status: int) -> HttpError:
    return HttpError(Response("http://127.0.0.1:1/art_ar.php?ar=2019", status=status,
                              request=Request("http://127.0.0.1:1/art_ar.php?ar=2019")), "Ignoring")


@pytest.mark.parametrize(("exception", "kind"), [
    (http_error(503), "http_503"),
    (http_error(404), "not_found"),  # a dead list or section link: gone when a second run agrees
    (http_error(410), "not_found"),
    (DownloadTimeoutError("took longer than 1.0 seconds"), "timeout"),
    (ResponseDataLossError("Getting x: the body was cut"), "short_body"),
    (DamagedPage("cut off"), "incomplete_html"),
    (DownloadCancelledError("Received 5 bytes which is larger than download max size (4) in request x."),
     "too_large"),
    (IgnoreRequest("Ignored response x because its body exceeded DOWNLOAD_MAXSIZE (4 B) during decompression."),
     "too_large"),
    (DownloadCancelledError(""), "cancelled"),  # a shutdown, not a size
])
def test_each_failure_has_its_kind(exception, kind):
    assert describe(exception)[0] == kind


def test_a_page_robots_txt_forbids_is_not_missing():
    assert describe(IgnoreRequest("Forbidden by robots.txt")) is None
