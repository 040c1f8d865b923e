"""Helpers for the editorial admin tests: catalogues built in bulk, editors, and SQL checks."""

from __future__ import annotations

import datetime
import re

from django.urls import reverse
from django.utils import timezone

from articles import services
from articles.models import Article, ArticleImage, TaggedTopic, Topic
from providers.models import Provider

PASSWORD = "a-long-test-password-1"
BASE_DATE = datetime.datetime(2024, 3, 1, 12, 0, tzinfo=datetime.UTC)


def make_editor(username: str = "desk", *, password: str | None = None):
    """A member of the Editors group (through the same service as ``manage.py create_editor``).

    No password unless asked for: hashing one costs half a second, and tests log in with force_login.
    """
    user, _ = services.editor_create(username=username, password=password)
    return user


def provider(domain: str = "example.com", name: str | None = None) -> Provider:
    return Provider.objects.get_or_create(
        domain=domain, defaults={"name": name or domain.title(), "slug": domain.replace(".", "-")}
    )[0]


def bulk_articles(
    count: int,
    *,
    start: int = 0,
    source=None,
    topic: Topic | None = None,
    image: bool = True,
    spread_days: int = 0,
    **fields,
) -> list[Article]:
    """``count`` articles in a few queries; dates go back an hour (or ``spread_days`` days) per article."""
    source = source or provider()
    now = timezone.now()
    # Article n is dated n steps before BASE_DATE, or before the given ``published_at`` counting from ``start``.
    base, first = (fields.pop("published_at"), start) if "published_at" in fields else (BASE_DATE, 0)
    step = datetime.timedelta(days=spread_days) if spread_days else datetime.timedelta(hours=1)
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


def topic(name: str) -> Topic:
    return Topic.objects.get_or_create(name=name, defaults={"slug": name.lower().replace(" ", "-")})[0]


def change_url(article) -> str:
    return reverse("admin:articles_article_change", args=[article.pk])


def form_data(client, article, **changes) -> dict:
    """The change form's current values as a browser would post them, with ``changes`` applied."""
    form = client.get(change_url(article)).context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False:
            continue
        data[name] = "on" if value is True else value
    data.update(
        {
            "images-TOTAL_FORMS": "0",
            "images-INITIAL_FORMS": "0",
            "related_links-TOTAL_FORMS": "0",
            "related_links-INITIAL_FORMS": "0",
        }
    )
    for name, value in changes.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    return data


COUNT = re.compile(r"\bCOUNT\(", re.IGNORECASE)


def unbounded_article_counts(queries) -> list[str]:
    """Statements that count rows of ``articles_article`` with no LIMIT: a whole-table (or whole-filter) count."""
    return [
        query["sql"]
        for query in queries
        if COUNT.search(query["sql"]) and '"articles_article"' in query["sql"] and " LIMIT " not in query["sql"].upper()
    ]
