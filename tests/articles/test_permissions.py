"""Who may see unpublished articles, curate and rewrite content: the predicates, and every door agreeing with them."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import AnonymousUser, Permission
from django.test import RequestFactory
from rest_framework.test import APIClient

from articles.models import Article
from articles.permissions import can_curate, can_update_content, can_view_unpublished
from tests.articles.api_support import PIPELINE_PERMISSIONS
from tests.factories import make_editor

ACCOUNTS = ["anonymous", "staff", "editor", "superuser", "pipeline", "change_only"]
# (sees unpublished, curates, updates content)
EXPECTED = {
    "anonymous": (False, False, False),
    "staff": (False, False, False),
    "editor": (True, True, False),
    "superuser": (True, True, True),
    "pipeline": (False, False, True),
    # Django's admin lets change_article see an article; so does every door here.
    "change_only": (True, False, False),
}


def account(kind: str, django_user_model):
    if kind == "anonymous":
        return AnonymousUser()
    if kind == "editor":
        return make_editor("desk")
    if kind == "superuser":
        return django_user_model.objects.create_superuser(username="root", password=None)
    user = django_user_model.objects.create_user(username=kind, is_staff=True)
    codenames = {"pipeline": PIPELINE_PERMISSIONS, "change_only": ["change_article"]}.get(kind, [])
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="articles", codename__in=codenames))
    return django_user_model.objects.get(pk=user.pk)  # no cached permissions


@pytest.fixture
def held_back(make_article):
    return make_article(is_published=False, title="Held back")


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ACCOUNTS)
def test_predicates(kind, django_user_model):
    user = account(kind, django_user_model)
    assert (can_view_unpublished(user), can_curate(user), can_update_content(user)) == EXPECTED[kind]


def test_nobody_is_not_an_editor():
    assert not can_view_unpublished(None) and not can_curate(None) and not can_update_content(None)


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ACCOUNTS)
def test_the_page_preview_follows_can_view_unpublished(kind, django_user_model, client, held_back):
    user = account(kind, django_user_model)
    if user.is_authenticated:
        client.force_login(user)
    response = client.get(held_back.get_absolute_url())
    assert response.status_code == (200 if can_view_unpublished(user) else 404)


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ACCOUNTS)
def test_the_api_editor_scope_follows_can_view_unpublished(kind, django_user_model, held_back):
    user = account(kind, django_user_model)
    api = APIClient()
    if user.is_authenticated:
        api.force_authenticate(user)
    slugs = [item["slug"] for item in api.get("/api/v1/articles/").json()["results"]]
    detail = api.get(f"/api/v1/articles/{held_back.slug}/")
    assert (held_back.slug in slugs, detail.status_code == 200) == (can_view_unpublished(user),) * 2


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ACCOUNTS)
def test_the_admin_editorial_permission_follows_can_curate(kind, django_user_model):
    user = account(kind, django_user_model)
    request = RequestFactory().get("/admin/articles/article/")
    request.user = user
    article_admin = admin.site._registry[Article]
    assert article_admin.has_editorial_permission(request) == can_curate(user)
    if user.is_authenticated:
        assert ("publish_selected" in article_admin.get_actions(request)) == can_curate(user)


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ACCOUNTS)
def test_curating_through_the_api_follows_can_curate(kind, django_user_model, make_article):
    user = account(kind, django_user_model)
    article = make_article(is_published=True)
    api = APIClient()
    if user.is_authenticated:
        api.force_authenticate(user)
    response = api.patch(f"/api/v1/articles/{article.slug}/", {"quality": 70}, format="json")
    assert (response.status_code == 200) == can_curate(user), response.content
    assert response.status_code in (200, 401, 403)
