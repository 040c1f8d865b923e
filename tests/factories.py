"""Builders for the suite and the benchmarks: providers, topics, editors, article files and articles.

``article`` makes one row with everything a page shows (topics, images, related links),
``bulk_articles`` many plain rows in a few queries, ``article_text`` the text of an article file.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Callable

from django.utils import timezone

from articles import services
from articles.models import Article, ArticleImage, RelatedLink, TaggedTopic, Topic
from providers.models import Provider

PASSWORD = "a-long-test-password-1"
START = dt.datetime(2024, 1, 1, 12, 0, tzinfo=dt.UTC)
BULK_START = dt.datetime(2024, 3, 1, 12, 0, tzinfo=dt.UTC)
# The name the sample article files give example.com; other providers are named after their domain.
EXAMPLE_NAME = "Example News"

_numbers = itertools.count(1)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def provider(domain: str = "example.com", name: str | None = None, **fields) -> Provider:
    """The provider of ``domain``, created on first use."""
    name = name or (EXAMPLE_NAME if domain == "example.com" else domain.title())
    return Provider.objects.get_or_create(domain=domain, defaults={"name": name, "slug": _slug(domain), **fields})[0]


def topic(name: str) -> Topic:
    return Topic.objects.get_or_create(name=name, defaults={"slug": _slug(name)})[0]


def make_editor(username: str = "desk", *, password: str | None = None):
    """A member of the Editors group (through the same service as ``manage.py create_editor``).

    No password unless asked for: hashing one costs half a second, and tests log in with force_login.
    """
    user, _ = services.editor_create(username=username, password=password)
    return user


def article_text(**overrides) -> str:
    """A valid 2024-era article file; keyword arguments replace or (with None) remove top-level keys."""
    import yaml

    data = {
        "category": "news",
        "title": "A test article",
        "excerpt": "Something happened.",
        "publishedDateTime": "2024-03-01T10:00:00Z",
        "webUrl": "https://example.com/news/a-test-article",
        "type": "article",
        "quality": 50,
        "heat": -1,
        "published": False,
        "provider": {"name": EXAMPLE_NAME, "domain": "example.com"},
        "topics": ["Testing"],
    }
    for key, value in overrides.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return "---\n" + yaml.safe_dump(data, sort_keys=False, allow_unicode=True) + "---\n"


def article_row(*, number: int, **fields) -> Article:
    """Article ``number``: an example.com URL (its source key too), slug, title and quality 50 unless given."""
    url = fields.pop("url", f"https://example.com/news/{number}")
    values = {
        "source_key": url,
        "url": url,
        "slug": f"article-{number}",
        "title": f"Article {number}",
        "quality": 50,
        **fields,
    }
    values["provider"] = values.get("provider") or provider()
    return Article.objects.create(**values)


def article_maker() -> Callable[..., Article]:
    """``make(**fields)``: bare articles numbered from 1 (the ``make_article`` fixture)."""
    counter = itertools.count(1)
    return lambda **fields: article_row(number=next(counter), **fields)


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
    created = article_row(
        number=number,
        **{
            "slug": f"story-{number}",
            "title": f"Story number {number}",
            "excerpt": f"What happened in story {number}.",
            "body": "",
            "published_at": START + dt.timedelta(hours=number),
            "imported_at": START + dt.timedelta(hours=number),
            "provider": by or provider(),
            "is_published": published,
            **fields,
        },
    )
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


def bulk_articles(
    count: int,
    *,
    start: int = 0,
    source: Provider | None = None,
    topic: Topic | None = None,
    image: bool = True,
    spread_days: int = 0,
    **fields,
) -> list[Article]:
    """``count`` articles in a few queries; dates go back an hour (or ``spread_days`` days) per article."""
    source = source or provider()
    now = timezone.now()
    # Article n is dated n steps before BULK_START, or before the given ``published_at`` counting from ``start``.
    base, first = (fields.pop("published_at"), start) if "published_at" in fields else (BULK_START, 0)
    step = dt.timedelta(days=spread_days) if spread_days else dt.timedelta(hours=1)
    articles = Article.objects.bulk_create(
        [
            Article(
                source_key=f"https://{source.domain}/news/{n}",
                url=f"https://{source.domain}/news/{n}",
                slug=f"{source.slug}-{n}",
                title=f"Bulk article {n}",
                excerpt=f"Excerpt of article {n}.",
                provider=source,
                published_at=base - step * (n - first),
                quality=50,
                first_imported_at=now,
                imported_at=now,
                **fields,
            )
            for n in range(start, start + count)
        ],
        batch_size=500,
    )
    if topic is not None:
        TaggedTopic.objects.bulk_create(
            [TaggedTopic(content_object=a, tag=topic, position=0) for a in articles], batch_size=500
        )
    if image:
        ArticleImage.objects.bulk_create(
            [ArticleImage(article=a, position=0, url=f"https://img.example.com/{a.slug}.jpg") for a in articles],
            batch_size=500,
        )
    return articles
