"""What changed between the stored version of an article and the one just read: revision rows.

Pure functions: storage calls them inside the article's transaction. Each change is one row: the
table and record, the field, the kind of change (edited, added, removed), the old and new values and
a readable line diff for long text.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import re

from knytscrape.state import url_key

ARTICLE_FIELDS = ("title", "published_raw", "lead", "body", "credit", "image_count", "gallery_line", "lead_image_url",
                  "template")
IMAGE_FIELDS = ("url", "caption", "credit")


ADDRESS = re.compile(r"^https?://", re.IGNORECASE)


def same_value(stored, new) -> bool:
    """Whether a stored value and a newly read one are the same: addresses are compared by path and query, so
    a copy of the site at another address (a new port, knytpunkt.com for .se) is not a change."""
    if stored == new:
        return True
    if isinstance(stored, str) and isinstance(new, str) and ADDRESS.match(stored) and ADDRESS.match(new):
        return url_key(stored) == url_key(new)
    return False


def content_hash(article: dict, images: list[dict], comments: list[dict]) -> str:
    """A hash of everything the article shows: equal hashes mean nothing to store."""
    payload = {
        "article": {k: article.get(k) for k in ARTICLE_FIELDS},
        "images": [{k: i.get(k) for k in ("position", *IMAGE_FIELDS)} for i in images],
        "comments": [{k: c.get(k) for k in ("id", "author", "posted_raw", "text")} for c in comments],
    }
    return hashlib.sha1(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def text_diff(old, new) -> str | None:
    if not isinstance(old, str) or not isinstance(new, str) or ("\n" not in old and "\n" not in new):
        return None
    lines = difflib.unified_diff(old.splitlines(), new.splitlines(), "före", "efter", lineterm="", n=1)
    return "\n".join(lines)


def _row(table, record_id, article_id, field, change, old, new) -> dict:
    return {
        "table_name": table,
        "record_id": str(record_id),
        "article_id": article_id,
        "field": field,
        "change": change,
        "old": None if old is None else str(old),
        "new": None if new is None else str(new),
        "diff": text_diff(old, new),
    }


def article_changes(old: dict, new: dict, old_images: list[dict], new_images: list[dict],
                    old_comments: list[dict], new_comments: list[dict],
                    edited: dict[str, str] | None = None) -> list[dict]:
    """Revision rows for one article (without ``seen``, which storage sets)."""
    article_id = new["id"]
    rows = [
        _row("articles", article_id, article_id, field, "edited", old.get(field), new.get(field))
        for field in ARTICLE_FIELDS
        if not same_value(old.get(field), new.get(field))
    ]
    before = {i["id"]: i for i in old_images}
    after = {i["id"]: i for i in new_images}
    for image_id, image in after.items():
        if image_id not in before:
            rows.append(_row("images", image_id, article_id, "url", "added", None, image.get("url")))
            continue
        rows += [
            _row("images", image_id, article_id, field, "edited", before[image_id].get(field), image.get(field))
            for field in IMAGE_FIELDS
            if not same_value(before[image_id].get(field), image.get(field))
        ]
    rows += [_row("images", i, article_id, "url", "removed", before[i].get("url"), None)
             for i in before if i not in after]
    seen_before = {c["id"]: c for c in old_comments}
    seen_after = {c["id"]: c for c in new_comments}
    if edited is None:
        edited = edited_comments(old_comments, new_comments)
    rows += [_row("comments", new_id, article_id, "text", "edited", seen_before[old_id]["text"],
                  seen_after[new_id]["text"]) for new_id, old_id in edited.items()]
    rows += [_row("comments", c, article_id, "text", "added", None, seen_after[c]["text"])
             for c in seen_after if c not in seen_before and c not in edited]
    rows += [_row("comments", c, article_id, "text", "removed", seen_before[c]["text"], None)
             for c in seen_before if c not in seen_after and c not in edited.values()]
    return rows


def edited_comments(old_comments: list[dict], new_comments: list[dict]) -> dict[str, str]:
    """New comment id -> id of the comment it replaces, for comments whose text was edited.

    A comment's id hashes its text, so an edit gives a new id. A comment that vanished and one that
    appeared with the same author and the same printed time are taken as one comment, edited: the
    printed time is required, since two undated comments by one reader are not the same comment.
    """
    old_ids, new_ids = {c["id"] for c in old_comments}, {c["id"] for c in new_comments}
    vanished = sorted((c for c in old_comments if c["id"] not in new_ids), key=lambda c: c.get("position") or 0)
    pairs: dict[str, str] = {}
    for comment in new_comments:
        if comment["id"] in old_ids or not comment.get("posted_raw"):
            continue
        same = [old for old in vanished if old["id"] not in pairs.values()
                and (old.get("author"), old.get("posted_raw")) == (comment.get("author"), comment.get("posted_raw"))]
        if same:
            pairs[comment["id"]] = same[0]["id"]
    return pairs
