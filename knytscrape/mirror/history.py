"""The site over time, for a running server: every change of the truth makes a new generation of the
site, and the HTTP validators (``ETag``, ``Last-Modified``) of a page follow from its history.

Generation 0 is the content files (rendered by the cached :func:`knytscrape.mirror.render`, so an
unchanged server answers exactly as before). Each :meth:`SiteHistory.mutate` builds a new
:class:`knytscrape.mirror.model.Site` from an edited deep copy of the truth and swaps it in under a
lock; requests already being answered finish on the generation they started with.

Last-Modified is deterministic: generation g is dated ``BASE_LAST_MODIFIED + g * GENERATION_STEP``,
and a page's Last-Modified is the date of the oldest generation since which its body has not
changed (found by rendering it in the earlier generations, only when asked).
"""

from __future__ import annotations

import copy
import email.utils
import hashlib
import threading
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import TypeVar

from knytscrape.mirror import model, mutations, schemes
from knytscrape.mirror.app import MirrorResponse, render, render_site
from knytscrape.mirror.model import Site, get_site

# The date of the unchanged site: the day after the newest content (synthetic articles end 2025-11-15).
BASE_LAST_MODIFIED = datetime(2025, 11, 16, tzinfo=UTC)
GENERATION_STEP = timedelta(hours=1)
CACHE_LIMIT = 4096  # entries per generation before its caches are dropped and refilled

T = TypeVar("T")


def etag_of(body: bytes) -> str:
    """A strong ETag: a hash of the body."""
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def http_date(moment: datetime) -> str:
    return email.utils.format_datetime(moment.astimezone(UTC), usegmt=True)


def not_modified(request_headers: Mapping[str, str], etag: str, last_modified: datetime) -> bool:
    """Whether a GET/HEAD with these headers gets 304: If-None-Match (weak comparison, ``*``) decides
    when present; else If-Modified-Since that is not older than ``last_modified``. An unreadable date
    is ignored (RFC 9110, 13.1.2-13.1.3)."""
    if_none_match = request_headers.get("If-None-Match")
    if if_none_match is not None:
        tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
        return "*" in tags or etag in tags
    if_modified_since = request_headers.get("If-Modified-Since")
    if not if_modified_since:
        return False
    try:
        since = email.utils.parsedate_to_datetime(if_modified_since)
    except (TypeError, ValueError, IndexError):
        return False
    if since.tzinfo is None:
        since = since.replace(tzinfo=UTC)
    return last_modified <= since


class SiteState:
    """One generation of the site: its model, its date and its render cache."""

    def __init__(self, generation: int, site: Site, modified: datetime, render_fn: Callable[[str], MirrorResponse]):
        self.generation = generation
        self.site = site
        self.modified = modified
        self._render = render_fn
        self._responses: dict[str, MirrorResponse] | None = {}  # None once retired
        self._fingerprints: dict[str, str] = {}  # target -> ETag (200) or "status N"
        self.unchanged_since: dict[str, int] = {}  # target -> generation its current body dates from

    def response(self, target: str) -> MirrorResponse:
        responses = self._responses
        if responses is None:
            return self._render(target)
        response = responses.get(target)
        if response is None:
            response = self._render(target)
            if len(responses) >= CACHE_LIMIT:
                responses.clear()
            responses[target] = response
        return response

    def fingerprint(self, target: str) -> str:
        """The page's ETag when it answers 200, else its status: equal fingerprints, equal pages."""
        value = self._fingerprints.get(target)
        if value is None:
            response = self.response(target)
            value = etag_of(response.body) if response.status == 200 else f"status {response.status}"
            if len(self._fingerprints) >= CACHE_LIMIT:
                self._fingerprints.clear()
                self.unchanged_since.clear()
            self._fingerprints[target] = value
        return value

    def retire(self) -> None:
        """No longer the current generation: keep the fingerprints, drop the rendered bodies."""
        self._responses = None


class SiteHistory:
    """The generations of one server's site; ``current`` answers requests."""

    def __init__(self, extra_articles: int = 0, layout: str | None = None, encoding: str | None = None,
                 scheme: str = "a"):  # fmt: skip
        self.extra_articles, self.layout, self.encoding, self.scheme = extra_articles, layout, encoding, scheme
        self._lock = threading.Lock()

        def original(target: str) -> MirrorResponse:
            return render(target, layout, encoding, extra_articles, scheme)

        self._states: list[SiteState] = [SiteState(0, get_site(extra_articles), BASE_LAST_MODIFIED, original)]

    @property
    def current(self) -> SiteState:
        return self._states[-1]

    @property
    def generation(self) -> int:
        return self.current.generation

    def truth(self) -> dict[str, list[dict]]:
        return self.current.site.truth()

    def mutate(self, fn: Callable[[dict[str, list[dict]]], T]) -> T:
        """Call ``fn`` with a deep copy of the current truth, which it edits in place; check the result
        and make it the site of every following request. Returns what ``fn`` returns. When ``fn`` or
        the check raises, nothing changes."""
        with self._lock:
            current = self.current
            truth = current.site.truth()
            result = fn(truth)
            mutations.check(truth, current.site.categories)
            truth = copy.deepcopy(truth)  # nothing fn kept a reference to can reach the served site
            site = Site.from_truth(copy.deepcopy(current.site.config), truth["articles"], truth["videos"],
                                   truth["events"])  # fmt: skip
            generation = current.generation + 1

            def changed(target: str) -> MirrorResponse:
                return render_site(site, target, self.layout, self.encoding, self.scheme)

            for target in self._touched_pages(current.site, site):  # a page that cannot render: refuse
                try:
                    changed(target)
                except Exception as error:
                    raise ValueError(f"the changed site cannot render {target}: {error!r}") from error
            self._states.append(SiteState(generation, site, BASE_LAST_MODIFIED + generation * GENERATION_STEP, changed))
            current.retire()
            return result

    def _touched_pages(self, old: Site, new: Site) -> list[str]:
        """The pages of the records that are new or changed in ``new``, and the lists that show them."""
        targets = ["/", schemes.path_of(schemes.video_list_href(self.scheme)),
                   schemes.path_of(schemes.event_list_href(self.scheme))]  # fmt: skip
        for article in new.articles:
            if old.by_id.get(article["id"]) != article:
                targets.append(f"/{model.article_href(article['id'])}")
                targets += [
                    f"/{model.article_href(article['id'])}&img={k}" for k in range(1, len(article["images"]) + 1)
                ]
                year = model.archive_year(article)
                targets.append(f"/{model.archive_href(year, article['category'])}")
        for video in new.videos:
            if old.videos_by_id.get(video["id"]) != video:
                targets.append(schemes.path_of(schemes.video_href(self.scheme, video)))
        for event in new.events:
            href = schemes.event_href(self.scheme, event)
            if href and old.events_by_id.get(event["id"]) != event:
                targets.append(schemes.path_of(href))
        return targets

    def respond(self, target: str) -> tuple[MirrorResponse, str | None, datetime | None]:
        """The current answer to a GET of ``target``, with its ETag and Last-Modified when it is a 200."""
        state = self.current
        response = state.response(target)
        if response.status != 200:
            return response, None, None
        return response, state.fingerprint(target), self._states[self._unchanged_since(state, target)].modified

    def _unchanged_since(self, state: SiteState, target: str) -> int:
        """The oldest generation from which on the page has been what it is in ``state``."""
        known = state.unchanged_since.get(target)
        if known is not None:
            return known
        run = []  # generations, newest first, whose page equals the one in ``state``
        k = state.generation
        while True:
            here = self._states[k]
            known = here.unchanged_since.get(target)
            if known is not None:
                since = known
                break
            run.append(here)
            if k == 0 or self._states[k - 1].fingerprint(target) != here.fingerprint(target):
                since = k
                break
            k -= 1
        for member in run:
            member.unchanged_since[target] = since
        return since
