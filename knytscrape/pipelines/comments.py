"""Comments: plain text kept literally, stable ids, page order, counts."""

from __future__ import annotations

import hashlib

from knytscrape.items import ArticleItem, CommentItem
from knytscrape.pipelines.base import StatsPipeline


def comment_id(article_id: int, comment: CommentItem, occurrence: int) -> str:
    """A hash of what identifies a comment; stable across crawls and positions."""
    key = "\x1f".join([str(article_id), comment.author or "", comment.posted_raw or "", comment.text, str(occurrence)])
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


class CommentsPipeline(StatsPipeline):

    def process_item(self, item):
        if isinstance(item, ArticleItem):
            self._article(item)
        return item

    def _article(self, article: ArticleItem) -> None:
        occurrences: dict[str, int] = {}
        for position, comment in enumerate(article.comments, start=1):
            comment.position = position
            comment.article_id = article.id
            base = comment_id(article.id, comment, 0)
            occurrences[base] = occurrences.get(base, -1) + 1
            comment.id = comment_id(article.id, comment, occurrences[base])
            if not comment.text:
                self.stats.inc_value("knyt/comments/empty_text")
        article.comment_count = len(article.comments)
        listed = article.comment_count_listed
        if listed is not None and listed != article.comment_count:
            self.stats.inc_value("knyt/comments/count_mismatch_with_archive")
