"""URLs of the site: hosts that are one site, canonical article URLs, ids."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit, urlunsplit

DEFAULT_BASE_URL = "https://knytpunkt.se"
CANONICAL_BASE = "https://knytpunkt.se"
# One site under several names: identity is the article id, never the host.
SITE_HOSTS = frozenset({"knytpunkt.se", "www.knytpunkt.se", "knytpunkt.com", "www.knytpunkt.com"})

_ID = re.compile(r"^\d+$")


def normalise_base_url(base_url: str) -> str:
    """``base_url`` without a trailing slash; raises ValueError when it is not an http(s) URL."""
    parts = urlsplit(base_url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"not an http(s) URL: {base_url!r}")
    return urlunsplit((parts.scheme, parts.netloc, parts.path.rstrip("/"), "", ""))


def query_int(url: str, name: str) -> int | None:
    values = parse_qs(urlsplit(url).query).get(name)
    if values and _ID.match(values[0].strip()):
        return int(values[0])
    return None


def page_name(url: str) -> str:
    """The script name of a site URL, lower-cased: ``artiklar.php``, ``art_ar.php``, ``""`` for the root."""
    return urlsplit(url).path.rsplit("/", 1)[-1].lower()


def article_id(url: str) -> int | None:
    """The id of an ``artiklar.php?id=N`` URL (with or without ``&img=K``), else None."""
    return query_int(url, "id") if page_name(url) == "artiklar.php" else None


def gallery_position(url: str) -> int | None:
    """K of ``artiklar.php?id=N&img=K``, else None."""
    return query_int(url, "img") if page_name(url) == "artiklar.php" else None


def canonical_article_url(article_id: int) -> str:
    return f"{CANONICAL_BASE}/artiklar.php?id={article_id}"


def canonical_page_url(url: str | None) -> str | None:
    """A page of the site at its canonical address: ``http://127.0.0.1:8765/video.php?id=3`` (a copy, the
    mirror) and ``https://www.knytpunkt.com/video.php?id=3`` become ``https://knytpunkt.se/video.php?id=3``.
    Only for addresses a spider fetched, which are all on the site or a copy of it; None stays None."""
    if not url:
        return url
    parts = urlsplit(url)
    return urlunsplit(("https", urlsplit(CANONICAL_BASE).netloc, parts.path or "/", parts.query, ""))


def is_site_url(url: str, base_url: str) -> bool:
    """True for URLs on the crawled copy or on any of the site's own host names."""
    netloc = urlsplit(url).netloc.lower()
    return netloc == urlsplit(base_url).netloc.lower() or netloc.split(":")[0] in SITE_HOSTS


def to_base(url: str, base_url: str) -> str:
    """Rewrite a URL on any of the site's hosts onto the copy being crawled (e.g. the mirror)."""
    parts = urlsplit(url)
    if parts.netloc.split(":")[0].lower() not in SITE_HOSTS:
        return url
    base = urlsplit(base_url)
    return urlunsplit((base.scheme, base.netloc, base.path.rstrip("/") + parts.path, parts.query, ""))
