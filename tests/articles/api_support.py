"""Helpers for the API tests (their fixtures are in tests/conftest.py)."""

import datetime as dt

from django.contrib.auth.models import Permission
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from articles.models import Article

BASE_DATE = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
EDITOR_PERMISSIONS = ["view_article", "change_article", "change_article_editorial", "add_article"]
PIPELINE_PERMISSIONS = ["add_article", "update_article_content"]


def user_with(django_user_model, username, codenames):
    user = django_user_model.objects.create_user(username=username)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="articles", codename__in=codenames))
    return user


def token_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def seed(prefix: str) -> Article:
    return Article.objects.get(source_path__startswith=prefix)


def results(response) -> list[dict]:
    assert response.status_code == 200, response.content
    return response.json()["results"]


def expected_order(articles, ordering: str) -> list[str]:
    """Python's idea of the API order: by the field, ties by id, missing values last either way."""
    name = ordering.lstrip("-")
    descending = ordering.startswith("-")
    attribute = "article_type" if name == "type" else name
    present = [a for a in articles if getattr(a, attribute) is not None]
    missing = [a for a in articles if getattr(a, attribute) is None]
    present.sort(key=lambda a: (getattr(a, attribute), a.pk), reverse=descending)
    missing.sort(key=lambda a: a.pk, reverse=descending)
    return [a.slug for a in present + missing]
