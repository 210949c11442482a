"""Is a finished crawl healthy? Plain reasons for the operator, from the crawl stats."""

from __future__ import annotations

# The least share of stored articles that must have each field; below it the site has probably
# changed under us.
COVERAGE_THRESHOLDS = {"title": 0.95, "published": 0.9, "lead": 0.8, "body": 0.8}
SECTION_TITLE_COVERAGE = 0.95  # of the video and event pages read
MIN_COVERAGE_SAMPLE = 20  # articles parsed in a run before its field coverage is judged


def count_errors(stats: dict) -> int:
    """Errors of a run: pages given up on after their retries (each is in the ledger of what is missing),
    pages a parser failed on, records that could not be stored, and exceptions nobody handled. Attempts
    that a retry made good are not errors."""
    failed = sum(v for k, v in stats.items() if k.startswith("knyt/failed/"))
    return (failed + stats.get("knyt/errors/parser", 0) + stats.get("knyt/db/record_failed", 0)
            + stats.get("spider_exceptions/count", 0))


INTERRUPTED = "shutdown"  # Scrapy's finish reason after Ctrl-C or SIGTERM
REPARSE_FAILED = "knyt/reparse/failed/"  # a stored page a reparse could not read, by kind


def crawl_health(spider: str, stats: dict) -> list[str]:
    """The reasons, one a line, why a finished run is unhealthy; [] when it is healthy."""
    if stats.get("knyt/locked"):
        return [f"{spider}: {stats['knyt/locked']}"]
    if stats.get("knyt/db/fatal"):
        return [stats.get("knyt/db/fatal_message") or f"database: {stats['knyt/db/fatal']}"]
    problems = []
    reason = stats.get("finish_reason")
    if reason == INTERRUPTED:
        problems.append(f"{spider}: interrupted (Ctrl-C or SIGTERM) before it finished; what was stored is kept "
                        "and the next run goes on from there")
    elif reason != "finished":
        problems.append(f"{spider}: the crawl ended with {reason!r}, not 'finished'")
    pages = stats.get("response_received_count", 0)
    if pages == 0 and reason != INTERRUPTED:
        problems.append(f"{spider}: no page could be fetched (is the site up, is the base URL right?)")
    problems += missing_pages(spider, stats)
    if stats.get("knyt/db/record_failed"):
        problems.append(f"{spider}: {stats['knyt/db/record_failed']} records could not be stored (see the log and "
                        "the missing table)")
    unread = {k.removeprefix(REPARSE_FAILED): v for k, v in stats.items() if k.startswith(REPARSE_FAILED)}
    if unread:
        problems.append(f"{spider}: {sum(unread.values())} stored pages could not be read again ("
                        + ", ".join(f"{k} {v}" for k, v in sorted(unread.items()))
                        + "); their records are left as they were (see the log)")
    if stats.get("knyt/reparse/revisits_unresolved"):
        problems.append(f"{stats['knyt/reparse/revisits_unresolved']} revisit records refer to pages the WARC files "
                        "do not hold: those pages were not reparsed")
    if stats.get("knyt/warc/damaged_files"):
        problems.append(f"WARC files that cannot be read to their end (the records after the damage are not "
                        f"indexed or reparsed; the files are left as they are): "
                        f"{', '.join(stats['knyt/warc/damaged_files'])}")
    if stats.get("knyt/warc/not_kept"):
        problems.append(f"{spider}: {stats['knyt/warc/not_kept']} pages were read but could not be kept in the WARC "
                        f"files ({stats.get('knyt/warc/error')}); their records are stored, the pages themselves "
                        "are not archived")
    if stats.get("spider_exceptions/count"):
        problems.append(f"{spider}: {stats['spider_exceptions/count']} pages failed with an unexpected error "
                        "(see the log)")
    capped = stats.get("knyt/bounds/gallery_capped")
    if capped:
        problems.append(f"{spider}: {capped} galler{'ies' if capped != 1 else 'y'} declare more pictures than "
                        "KNYT_GALLERY_MAX_VIEWS allows; the views beyond it were not fetched (article (declared): "
                        f"{', '.join(stats.get('knyt/bounds/gallery_capped_sample') or [])}); raise the setting "
                        "if the galleries are real")
    for key, what, setting in (("knyt/bounds/section_capped", "section pages", "KNYT_SECTION_MAX_PAGES"),
                               ("knyt/bounds/list_pages_capped", "list pages (archives)", "KNYT_MAX_LIST_PAGES")):
        if stats.get(key):
            problems.append(f"{spider}: the site links more {what} than {setting} allows; the rest were not "
                            "read (raise the setting if they are real)")
    if stats.get("knyt/bounds/links_per_page_capped"):
        problems.append(f"{spider}: a page links more pages than KNYT_MAX_LINKS_PER_PAGE allows; the rest were "
                        "not followed")
    for section in ("video", "calendar"):
        if stats.get(f"knyt/{section}/menu_link_missing"):
            problems.append(f"{spider}: the front page has no menu link to the {section} section any more")
    for section in ("video", "calendar"):
        if stats.get(f"knyt/pages/{section}") and not stats.get("item_scraped_count"):
            problems.append(f"{spider}: the {section} section was crawled but nothing in it could be read: "
                            "its page template may have changed")
    read = stats.get("knyt/pages/article", 0) + stats.get("knyt/articles/unchanged_page", 0)
    if spider == "articles" and pages and not read and reason != INTERRUPTED:
        problems.append("articles: no article could be read on any page: the page template may have changed")
    for kind in ("videos", "events"):  # a section's pages that lost their titles: its template changed
        share = stats.get(f"knyt/coverage/{kind}/title")
        if stats.get(f"knyt/coverage/{kind}", 0) >= MIN_COVERAGE_SAMPLE and share is not None \
                and share < SECTION_TITLE_COVERAGE:
            problems.append(f"{spider}: only {share:.0%} of {kind} have a title "
                            f"(expected at least {SECTION_TITLE_COVERAGE:.0%})")
    if stats.get("knyt/coverage/articles", MIN_COVERAGE_SAMPLE) < MIN_COVERAGE_SAMPLE:
        return problems  # too few articles parsed (a quiet incremental run) to judge coverage
    for field, least in COVERAGE_THRESHOLDS.items():
        share = stats.get(f"knyt/coverage/{field}")
        if share is not None and share < least:
            problems.append(f"{spider}: only {share:.0%} of articles have a {field} (expected at least {least:.0%})")
    return problems


def missing_pages(spider: str, stats: dict) -> list[str]:
    """The ledger's open entries of the spider, as reason lines: pages that failed, pages kept as stored."""
    missing = stats.get("knyt/missing/open", 0)
    if not missing:
        return []
    kinds = stats.get("knyt/missing/open_by_kind") or {}
    kept = kinds.get("damaged", 0) + kinds.get("unreadable", 0)
    sample = stats.get("knyt/missing/sample") or []
    lines = []
    if missing - kept:
        lines.append(f"{spider}: {missing - kept} page{'s' if missing - kept != 1 else ''} still missing after "
                     "retries, asked again by the next run (the missing table lists them)")
    if kept:
        lines.append(f"{spider}: {kept} article page{'s' if kept != 1 else ''} lost what the stored version shows "
                     "(title, date, text, comments...) or no longer read as articles; the stored values are kept "
                     "and the pages asked again (the missing table says what was lost)")
    lines[-1] += f": {', '.join(sample)}{' …' if missing > len(sample) else ''}"
    return lines


def error_kinds(stats: dict) -> dict[str, int]:
    """Errors of the run by kind: download exceptions, HTTP statuses that failed, spider exceptions."""
    kinds = {}
    for key, value in stats.items():
        if key.startswith("downloader/exception_type_count/"):
            kinds["download:" + key.rsplit("/", 1)[-1].rsplit(".", 1)[-1]] = value
        elif key.startswith("spider_exceptions/") and key != "spider_exceptions/count":
            kinds["spider:" + key.split("/", 1)[1]] = value
        elif key.startswith("httperror/response_ignored_status_count/"):
            kinds["http:" + key.rsplit("/", 1)[-1]] = value
        elif key.startswith("knyt/errors/"):
            kinds[key.removeprefix("knyt/errors/")] = value
        elif key.startswith("knyt/failed/"):
            kinds["missing:" + key.removeprefix("knyt/failed/")] = value
    return kinds


def coverage(stats: dict) -> dict[str, float]:
    """Share of the run's parsed articles with each field filled."""
    return {k.removeprefix("knyt/coverage/"): v for k, v in stats.items() if k.startswith("knyt/coverage/")}


def summary(spider: str, stats: dict) -> str:
    """The end-of-run report of one spider, a few lines."""
    requests = {k.removeprefix("knyt/requests/"): v for k, v in sorted(stats.items())
                if k.startswith("knyt/requests/") and k.count("/") == 2}
    lines = [
        f"{spider}: {stats.get('finish_reason', '?')} ({stats.get('knyt/mode', 'full')}), "
        f"{stats.get('response_received_count', 0)} pages; records "
        f"{stats.get('knyt/items/new', 0)} new, {stats.get('knyt/items/changed', 0)} changed, "
        f"{stats.get('knyt/items/unchanged', 0)} unchanged, {stats.get('knyt/items/removed', 0)} removed",
    ]
    if requests:
        lines.append("  requests by reason: " + ", ".join(f"{k} {v}" for k, v in requests.items()))
    kinds = error_kinds(stats)
    if kinds:
        lines.append("  errors: " + ", ".join(f"{k} {v}" for k, v in sorted(kinds.items())))
    retried = stats.get("retry/count", 0)
    if retried:
        lines.append(f"  retried {retried} time{'s' if retried != 1 else ''} ({stats.get('retry/max_reached', 0)} "
                     "pages given up on)")
    if stats.get("knyt/missing/open"):
        lines.append(f"  missing: {stats['knyt/missing/open']} pages in the ledger (table missing)")
    kept = stats.get("knyt/warc/response", 0) + stats.get("knyt/warc/revisit", 0)
    if kept:
        lines.append(f"  kept in WARC: {kept} answers ({stats.get('knyt/warc/revisit', 0)} unchanged, as revisits), "
                     f"{stats.get('knyt/warc/bytes', 0) / 1e6:.1f} MB")
    if stats.get("knyt/reparse/pages") or stats.get("knyt/reparse/not_captured"):
        lines.append(f"  reparsed {stats.get('knyt/reparse/pages', 0)} stored pages; "
                     f"{stats.get('knyt/reparse/not_captured', 0)} asked for were not captured")
    shares = {k: v for k, v in coverage(stats).items() if isinstance(v, float)}
    if shares:  # the share of the run's records with each field read (docs/parsing.md, "Nothing dropped")
        lines.append("  fields read: " + ", ".join(f"{k} {v:.0%}" for k, v in sorted(shares.items())))
    cut = {k.removeprefix("knyt/zone/"): v for k, v in sorted(stats.items())
           if k.startswith("knyt/zone/") and k != "knyt/zone/chrome_learned_from_captures" and v}
    if cut:  # what the zone rules of docs/parsing.md kept out of the text, in lines
        lines.append("  kept out of the text (lines, by zone rule): " + ", ".join(f"{k} {v}" for k, v in cut.items()))
    if stats.get("knyt/ids/outliers"):
        lines.append(f"  ids far above the rest, asked for but not walked to: "
                     f"{', '.join(map(str, stats.get('knyt/ids/outlier_sample') or []))}")
    return "\n".join(lines)
