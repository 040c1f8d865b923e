"""Catalogue builders for the public-site tests: articles with topics, images and related links."""

from __future__ import annotations

import itertools
import re
from datetime import UTC, datetime, timedelta

from articles.models import Article, ArticleImage, RelatedLink, TaggedTopic, Topic
from providers.models import Provider

_numbers = itertools.count(1)
START = datetime(2024, 1, 1, 12, 0, tzinfo=UTC)


def provider(domain: str = "example.com", name: str = "Example News", **fields) -> Provider:
    slug = re.sub(r"[^a-z0-9]+", "-", domain.lower()).strip("-")
    return Provider.objects.get_or_create(domain=domain, defaults={"name": name, "slug": slug, **fields})[0]


def topic(name: str) -> Topic:
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return Topic.objects.get_or_create(name=name, defaults={"slug": slug})[0]


def article(
    *,
    published: bool = True,
    topics: tuple[str, ...] = ("Science",),
    images: tuple[str, ...] = ("https://img.example.com/lead.jpg",),
    related: tuple[dict, ...] = (),
    by: Provider | None = None,
    **fields,
) -> Article:
    """An article with everything a page shows; ``fields`` override the article's own columns."""
    number = next(_numbers)
    url = fields.pop("url", f"https://example.com/news/{number}")
    values = {
        "source_key": url,
        "url": url,
        "slug": f"story-{number}",
        "title": f"Story number {number}",
        "excerpt": f"What happened in story {number}.",
        "body": "",
        "published_at": START + timedelta(hours=number),
        "imported_at": START + timedelta(hours=number),
        "provider": by or provider(),
        "is_published": published,
        "quality": 50,
    }
    created = Article.objects.create(**{**values, **fields})
    TaggedTopic.objects.bulk_create(
        [
            TaggedTopic(content_object=created, tag=topic(name), position=position)
            for position, name in enumerate(topics)
        ]
    )
    ArticleImage.objects.bulk_create(
        [
            ArticleImage(article=created, position=position, url=src, width=1600, height=900)
            for position, src in enumerate(images)
        ]
    )
    RelatedLink.objects.bulk_create(
        [
            RelatedLink(
                source=created,
                position=position,
                **{"title": f"Related {position}", "url": f"https://elsewhere.example/{number}/{position}", **link},
            )
            for position, link in enumerate(related)
        ]
    )
    return created


def catalogue(size: int, **fields) -> list[Article]:
    """``size`` published articles, each with two topics, two images, two providers' worth of related links."""
    other = provider("other.example", "Other Times")
    made = []
    for index in range(size):
        made.append(
            article(
                topics=("Science", f"Topic {index % 5}"),
                images=("https://img.example.com/a.jpg", "https://img.example.com/b.jpg"),
                related=(
                    {"title": "Elsewhere", "provider": other},
                    {"title": "Internal", "article": made[-1] if made else None},
                ),
                **fields,
            )
        )
    return made
