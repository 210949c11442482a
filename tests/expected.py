"""What the database must hold for each article of the mirror, derived from the mirror's content files."""

from __future__ import annotations


def article_row(article: dict) -> dict:
    return {
        "id": article["id"],
        "url": f"https://knytpunkt.se/artiklar.php?id={article['id']}",
        "title": article["title"],
        "published": article["published"],
        "published_raw": article["published_raw"],
        "lead": article["lead"],
        "body": "\n\n".join(article["body"]) or None,
        "credit": article["credit"],
        "image_count": article["image_count"],
        "comment_count": len(article["comments"] or []),
    }


def image_rows(article: dict, base_url: str) -> list[dict]:
    """Gallery image K at position K; inline pictures of old articles in page order."""
    return [
        {
            "article_id": article["id"],
            "position": position,
            "url": f"{base_url}/{image['src']}",
            "caption": image["caption"],
            "credit": image["credit"],
        }
        for position, image in enumerate(article["images"], start=1)
    ]


def comment_rows(article: dict) -> list[dict]:
    return [
        {
            "article_id": article["id"],
            "position": position,
            "author": comment["author"],
            "posted": comment["posted"],
            "posted_raw": comment["posted_raw"],
            "text": comment["text"],
        }
        for position, comment in enumerate(article["comments"] or [], start=1)
    ]


def video_row(video: dict, base_url: str) -> dict:
    from urllib.parse import urljoin

    return {
        "title": video["title"],
        "published": video["published"],
        "description": video["description"],
        "embed_url": urljoin(base_url + "/", video["embed_url"]),
        "provider": video["player"]["kind"],
        "provider_id": video["player"]["provider_id"],
        "thumbnail_url": urljoin(base_url + "/", video["thumbnail"]) if video["thumbnail"] else None,
        "duration": video["duration"],
        "article_id": video["article_id"],
    }


def event_row(event: dict, base_url: str, scheme: str) -> dict:
    path = event["paths"][scheme]
    return {
        "title": event["title"],
        # the site's own address, whichever copy was crawled; the address fetched beside it
        "url": "https://knytpunkt.se" + path if path else None,
        "source_url": base_url + path if path else None,
        "starts_at": event["starts_at"],
        "ends_at": event["ends_at"],
        "all_day": None if event["all_day"] is None else int(event["all_day"]),
        "location": event["location"],
        "organiser": event["organiser"],
        "description": event["description"],
        "status": event["status"],
        "previous_starts_at": event["previous_starts_at"],
    }
