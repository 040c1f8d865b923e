"""Helpers for the editorial admin tests: the change form's URL and data, and SQL checks."""

from __future__ import annotations

import re

from django.urls import reverse


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
