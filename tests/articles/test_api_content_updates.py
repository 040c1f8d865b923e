"""Updating an existing article through the ingest API: who may, what it may change, the audit, and the next import.

An existing article's content is rewritten through ``POST /api/v1/articles/`` only by an account
holding ``articles.update_article_content`` (the pipeline's), never its editorial values, always
audited; the next import of the article's file then restores the file's content. A superuser's
correction in the admin takes the same audited path.
"""

import datetime as dt
import json

import pytest
import yaml
from django.contrib.auth.models import Group

from articles.models import Article, EditorialChange, SourceFile
from articles.permissions import CONTENT_UPDATE_PERMISSION
from articles.services import article_schedule_publication, editors_group_ensure
from tests.articles.admin_support import change_url, form_data
from tests.articles.api_support import token_client, user_with
from tests.factories import article_text

pytestmark = pytest.mark.django_db

URL = "https://example.com/news/a-test-article"
ORIGINAL = {"title": "Council approves the budget", "body": "The council voted 7-2 for the budget."}


def post(client, *, body: str = ORIGINAL["body"], **overrides):
    """POST the article (``URL``) in the file format's keys, with ``overrides``."""
    mapping = yaml.safe_load(article_text(**{"title": ORIGINAL["title"], **overrides}).strip().strip("-"))
    assert mapping["webUrl"] == URL
    return client.post("/api/v1/articles/", {**mapping, "body": body}, format="json")


@pytest.fixture
def article_file(write_article, run_import):
    """The pipeline's file of the article, imported; returns its path."""
    path = write_article("budget.md", article_text(title=ORIGINAL["title"]) + ORIGINAL["body"], dedent=False)
    status, _, stderr = run_import(path)
    assert status == 0, stderr
    return path


def stored(*fields):
    return Article.objects.values_list(*fields).get()


def reimport(run_import, path, tmp_path) -> str:
    status, _, stderr = run_import(path, report=tmp_path / "report.json")
    assert status == 0, stderr
    return json.loads((tmp_path / "report.json").read_text())["files"][0]["outcome"]


# --------------------------------------------------------------------------- who may update


def editors_group_member(django_user_model):
    editors_group_ensure()
    user = django_user_model.objects.create_user(username="desk", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    return user


@pytest.mark.parametrize("who", ["editor permissions", "add_article only", "Editors group"])
def test_posting_an_existing_article_without_the_content_permission_is_a_403_and_changes_nothing(
    article_file, run_import, tmp_path, django_user_model, who
):
    user = {
        "editor permissions": lambda: user_with(
            django_user_model, "e", ["view_article", "change_article", "change_article_editorial", "add_article"]
        ),
        "add_article only": lambda: user_with(django_user_model, "a", ["add_article"]),
        "Editors group": lambda: editors_group_member(django_user_model),
    }[who]()
    before = Article.objects.values().get()

    response = post(token_client(user), title="Defaced", body="Nonsense.", published=True, quality=100)

    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert CONTENT_UPDATE_PERMISSION in response.json()["detail"]
    assert Article.objects.values().get() == before
    assert not EditorialChange.objects.exists()
    assert reimport(run_import, article_file, tmp_path) == "unchanged"  # the file still matches


def test_the_editors_group_never_holds_the_content_permission(django_user_model):
    # As the migrations left it, and as create_editor (editors_group_ensure) makes it.
    assert not Group.objects.get(name="Editors").permissions.filter(codename="update_article_content").exists()
    user = editors_group_member(django_user_model)
    assert user.has_perm("articles.add_article") and not user.has_perm(CONTENT_UPDATE_PERMISSION)


def test_creating_a_new_article_still_needs_only_add_article(django_user_model):
    response = post(token_client(user_with(django_user_model, "a", ["add_article"])), published=True, quality=77)
    assert response.status_code == 201 and response.json()["outcome"] == "created"
    # A new article takes the values it is sent with, as an import of the file would.
    assert stored("title", "is_published", "quality") == (ORIGINAL["title"], True, 77)


def test_the_schema_documents_who_may_update(api, db):
    schema = api.get("/api/v1/schema/?format=json").json()
    ingest = schema["paths"]["/api/v1/articles/"]["post"]
    assert CONTENT_UPDATE_PERMISSION.split(".")[1] in ingest["description"]
    assert "403" in ingest["responses"] and "413" in ingest["responses"]


# --------------------------------------------------------------------------- what an update may change


def test_an_update_rewrites_content_but_never_editorial_values(article_file, pipeline_api):
    article = Article.objects.get()
    Article.objects.filter(pk=article.pk).update(quality=50)  # as imported, not an editor's decision
    publish_at = dt.datetime(2100, 1, 1, tzinfo=dt.UTC)
    article_schedule_publication(article=article, publish_at=publish_at)
    Article.objects.filter(pk=article.pk).update(published_set_by_editor=False)
    EditorialChange.objects.all().delete()

    response = post(pipeline_api, title="A corrected headline", published=True, quality=99)

    assert response.status_code == 200 and response.json()["outcome"] == "updated"
    assert stored("title", "is_published", "quality", "scheduled_publish_at") == (
        "A corrected headline",
        False,
        50,
        publish_at,
    )
    assert set(EditorialChange.objects.values_list("field", flat=True)) == {"title"}


def test_an_update_is_audited_field_by_field_with_who_and_via(article_file, pipeline_api, pipeline_user):
    response = post(
        pipeline_api, title="Defaced", body="x" * 100_000, topics=["Testing", "Hoax"], secured="c2VjcmV0;aXY="
    )
    assert response.status_code == 200, response.content

    changes = {change.field: change for change in EditorialChange.objects.all()}
    assert set(changes) == {"title", "body", "topics", "secured"}
    assert {(change.user, change.via) for change in changes.values()} == {(pipeline_user, "api")}
    assert (changes["title"].old_value, changes["title"].new_value) == (ORIGINAL["title"], "Defaced")
    assert (changes["topics"].old_value, changes["topics"].new_value) == ("Testing", "Testing, Hoax")
    # Long and secret values: that they changed, their size and a hash; never the text itself.
    assert changes["body"].old_value.startswith(f"{len(ORIGINAL['body'])} characters, sha256 ")
    assert changes["body"].new_value.startswith("100,000 characters, sha256 ")
    assert changes["secured"].old_value == "" and "c2VjcmV0" not in changes["secured"].new_value


def test_an_unchanged_repost_writes_and_audits_nothing(article_file, pipeline_api, run_import, tmp_path):
    response = post(pipeline_api)
    assert response.status_code == 200 and response.json()["outcome"] == "unchanged"
    assert not EditorialChange.objects.exists()
    assert reimport(run_import, article_file, tmp_path) == "unchanged"


# --------------------------------------------------------------------------- the next import


def test_a_defacement_through_the_api_is_undone_by_the_next_import_of_the_file(
    article_file, pipeline_api, pipeline_user, run_import, tmp_path
):
    assert post(pipeline_api, title="Defaced", body="Nonsense.").status_code == 200
    assert stored("title", "body") == ("Defaced", "Nonsense.")
    assert SourceFile.objects.get().content_hash == ""  # the file no longer describes the article

    assert reimport(run_import, article_file, tmp_path) == "updated"

    assert stored("title", "body") == (ORIGINAL["title"], ORIGINAL["body"])
    trail = list(
        EditorialChange.objects.filter(field="title")
        .order_by("changed_at", "id")
        .values_list("old_value", "new_value", "user", "via")
    )
    assert trail == [
        (ORIGINAL["title"], "Defaced", pipeline_user.pk, "api"),
        ("Defaced", ORIGINAL["title"], None, "import"),
    ]
    # The file is remembered again: the import after that skips it.
    assert reimport(run_import, article_file, tmp_path) == "unchanged"


def test_a_superuser_correction_is_audited_and_the_next_import_restores_the_file(
    article_file, admin_client, admin_user, run_import, tmp_path
):
    article = Article.objects.get()
    # The source date as the browser posts its two inputs (TIME_ZONE is UTC).
    data = form_data(
        admin_client,
        article,
        title="Corrected",
        published_at=None,
        published_at_0="2024-03-01",
        published_at_1="10:00:00",
    )
    assert admin_client.post(change_url(article), data).status_code == 302
    change = EditorialChange.objects.get()
    assert (change.field, change.old_value, change.new_value, change.user, change.via) == (
        "title",
        ORIGINAL["title"],
        "Corrected",
        admin_user,
        "admin",
    )

    assert reimport(run_import, article_file, tmp_path) == "updated"
    assert stored("title") == (ORIGINAL["title"],)
