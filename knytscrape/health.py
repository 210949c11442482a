"""Is a finished crawl healthy? Plain reasons for the operator, from the crawl stats."""

from __future__ import annotations

# The least share of stored articles that must have each field; below it the site has probably
# changed under us.
COVERAGE_THRESHOLDS = {"title": 0.95, "published": 0.9, "lead": 0.8, "body": 0.8}
MAX_ERROR_SHARE = 0.1
MIN_COVERAGE_SAMPLE = 20  # articles parsed in a run before its field coverage is judged


def count_errors(stats: dict) -> int:
    """Errors of a run: errors logged (spider exceptions are logged too) and failed downloads that were
    not logged as errors (retried away, or given up on)."""
    return stats.get("log_count/ERROR", 0) + stats.get("downloader/exception_count", 0)


def crawl_health(spider: str, stats: dict) -> list[str]:
    if stats.get("knyt/locked"):
        return [f"{spider}: {stats['knyt/locked']}"]
    problems = []
    reason = stats.get("finish_reason")
    if reason != "finished":
        problems.append(f"{spider}: the crawl ended with {reason!r}, not 'finished'")
    pages = stats.get("response_received_count", 0)
    errors = count_errors(stats)
    if pages == 0:
        problems.append(f"{spider}: no page could be fetched (is the site up, is the base URL right?)")
    elif errors > max(3, MAX_ERROR_SHARE * pages):
        problems.append(f"{spider}: {errors} errors on {pages} pages")
    for section in ("video", "calendar"):
        if stats.get(f"knyt/{section}/menu_link_missing"):
            problems.append(f"{spider}: the front page has no menu link to the {section} section any more")
    for section in ("video", "calendar"):
        if stats.get(f"knyt/pages/{section}") and not stats.get("item_scraped_count"):
            problems.append(f"{spider}: the {section} section was crawled but nothing in it could be read: "
                            "its page template may have changed")
    read = stats.get("knyt/pages/article", 0) + stats.get("knyt/articles/unchanged_page", 0)
    if spider == "articles" and pages and not read:
        problems.append("articles: no article could be read on any page: the page template may have changed")
    if stats.get("knyt/coverage/articles", MIN_COVERAGE_SAMPLE) < MIN_COVERAGE_SAMPLE:
        return problems  # too few articles parsed (a quiet incremental run) to judge coverage
    for field, least in COVERAGE_THRESHOLDS.items():
        share = stats.get(f"knyt/coverage/{field}")
        if share is not None and share < least:
            problems.append(f"{spider}: only {share:.0%} of articles have a {field} (expected at least {least:.0%})")
    return problems


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
    return "\n".join(lines)
