"""Roles: the Editors group holds exactly the editor's permissions; non-staff never get in; staff
outside the group cannot change editorial fields; editors change those and nothing else."""

from io import StringIO

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from articles.models import Article, EditorialChange
from articles.permissions import EDITOR_PERMISSIONS
from tests.factories import make_editor

from .admin_support import change_url, form_data

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:articles_article_changelist")


@pytest.fixture
def staff_outside(django_user_model):
    """Staff with view and change permissions on articles, but not in Editors."""
    user = django_user_model.objects.create_user(username="outsider", is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="articles", codename__in=["view_article", "change_article"])
    )
    return django_user_model.objects.get(pk=user.pk)


def test_the_migration_creates_the_editors_group_with_exactly_these_permissions():
    group = Group.objects.get(name="Editors")
    granted = {(p.content_type.app_label, p.codename) for p in group.permissions.select_related("content_type")}
    assert granted == {
        ("articles", "view_article"),
        ("articles", "add_article"),
        ("articles", "change_article"),
        ("articles", "change_article_editorial"),
        ("articles", "view_topic"),
        ("articles", "view_relatedlink"),
        ("articles", "view_articleimage"),
        ("articles", "view_editorialchange"),
        ("providers", "view_provider"),
    }
    assert granted == set(EDITOR_PERMISSIONS)


@pytest.mark.parametrize(
    "url",
    [
        "/admin/",
        CHANGELIST,
        "/admin/articles/editorialchange/",
        "/admin/providers/provider/",
        "/admin/articles/topic/",
    ],
)
def test_anonymous_and_non_staff_users_are_sent_to_the_login_page(client, django_user_model, make_article, url):
    make_article()
    assert client.get(url)["Location"].startswith("/admin/login/")
    reader = django_user_model.objects.create_user(username="reader")
    reader.user_permissions.add(*Permission.objects.all())  # permissions without staff status open nothing
    client.force_login(reader)
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


def test_non_staff_cannot_change_anything_by_posting(client, django_user_model, make_article):
    article = make_article()
    reader = django_user_model.objects.create_user(username="reader")
    client.force_login(reader)
    client.post(CHANGELIST, {"action": "publish_selected", "index": "0", "_selected_action": [article.pk]})
    assert not Article.objects.get().is_published


def test_staff_outside_the_group_see_editorial_fields_read_only(client, staff_outside, make_article):
    article = make_article(quality=40)
    client.force_login(staff_outside)

    page = client.get(change_url(article))
    listing = client.get(CHANGELIST)

    assert page.status_code == 200
    assert not {"is_published", "quality", "scheduled_publish_at", "title"} & set(page.context["adminform"].form.fields)
    assert listing.context["cl"].list_editable == ()
    assert 'name="form-0-quality"' not in listing.content.decode()


def test_staff_outside_the_group_cannot_change_editorial_fields_by_posting(client, staff_outside, make_article):
    article = make_article(quality=40)
    client.force_login(staff_outside)
    data = form_data(client, article, is_published="on", quality="99")

    client.post(change_url(article), data)
    client.post(
        CHANGELIST,
        {
            "_save": "Save",
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "1",
            "form-0-id": article.pk,
            "form-0-quality": "99",
            "form-0-is_published": "on",
        },
    )

    stored = Article.objects.get()
    assert (stored.is_published, stored.quality) == (False, 40)
    assert EditorialChange.objects.count() == 0


def test_editors_change_editorial_fields_and_nothing_else(client, make_article):
    editor = make_editor()
    article = make_article(quality=40, title="Original title")
    client.force_login(editor)

    fields = set(client.get(change_url(article)).context["adminform"].form.fields)
    data = form_data(client, article, is_published="on", quality="90", title="Hacked title", body="Hacked")
    response = client.post(change_url(article), data)

    assert fields == {"is_published", "quality", "scheduled_publish_at"}
    assert response.status_code == 302
    stored = Article.objects.get()
    assert (stored.is_published, stored.quality, stored.title, stored.body) == (True, 90, "Original title", "")
    assert {(c.field, c.user_id, c.via) for c in EditorialChange.objects.all()} == {
        ("is_published", editor.pk, "admin"),
        ("quality", editor.pk, "admin"),
    }


def test_editors_cannot_add_delete_or_edit_providers(client, make_article):
    client.force_login(make_editor())
    article = make_article()
    assert client.get(reverse("admin:articles_article_add")).status_code == 403
    assert client.get(reverse("admin:articles_article_delete", args=[article.pk])).status_code == 403
    provider_page = client.get(reverse("admin:providers_provider_change", args=[article.provider_id]))
    assert provider_page.status_code == 200 and not provider_page.context["adminform"].form.fields
    assert client.get(reverse("admin:providers_provider_changelist")).status_code == 200
    assert client.get(reverse("admin:articles_topic_changelist")).status_code == 200


def test_superusers_can_correct_content(admin_client, make_article):
    article = make_article(title="Tpyo")
    data = form_data(admin_client, article, title="Typo", topics="AI, Courts")

    assert admin_client.post(change_url(article), data).status_code == 302

    stored = Article.objects.get()
    assert stored.title == "Typo" and set(stored.topics.names()) == {"AI", "Courts"}
    # Audited as a content change (who, via the admin, old → new); no editorial value changed.
    changes = {change.field: change for change in EditorialChange.objects.all()}
    assert set(changes) == {"title", "topics"}
    assert (changes["title"].old_value, changes["title"].new_value, changes["title"].via) == ("Tpyo", "Typo", "admin")
    assert changes["title"].user.is_superuser
    assert set(changes["topics"].new_value.split(", ")) == {"AI", "Courts"}


def test_create_editor_command_creates_a_staff_editor_that_can_log_in(client, monkeypatch):
    monkeypatch.setenv("NEWSDESK_EDITOR_PASSWORD", "a-long-test-password-1")
    out = StringIO()

    call_command("create_editor", "alice", "--email", "alice@example.com", "--no-input", stdout=out)

    assert "Created editor “alice”" in out.getvalue()
    assert client.login(username="alice", password="a-long-test-password-1")
    assert client.get(CHANGELIST).status_code == 200
    from django.contrib.auth import get_user_model

    alice = get_user_model().objects.get(username="alice")
    assert alice.is_staff and not alice.is_superuser and alice.email == "alice@example.com"
    assert list(alice.groups.values_list("name", flat=True)) == ["Editors"]


def test_create_editor_promotes_an_existing_account_and_recreates_a_deleted_group(django_user_model, monkeypatch):
    monkeypatch.delenv("NEWSDESK_EDITOR_PASSWORD", raising=False)
    Group.objects.filter(name="Editors").delete()
    django_user_model.objects.create_user(username="bob")
    out = StringIO()

    call_command("create_editor", "bob", "--no-input", stdout=out)

    bob = django_user_model.objects.get(username="bob")
    assert bob.is_staff and bob.has_perm("articles.change_article_editorial")
    assert "password unchanged" in out.getvalue()


@pytest.mark.parametrize(
    "args, env", [((), {}), (("carol",), {"NEWSDESK_EDITOR_PASSWORD": "123"})], ids=["no-name", "weak"]
)
def test_create_editor_refuses_bad_input(monkeypatch, args, env):
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(CommandError):
        call_command("create_editor", *args, "--no-input", stdout=StringIO())
    assert not Group.objects.get(name="Editors").user_set.exists()


def test_create_editor_asks_for_name_and_password_interactively(monkeypatch, client):
    """What ``make editor`` runs: a name, then a password typed twice (retyped when they differ)."""
    monkeypatch.delenv("NEWSDESK_EDITOR_PASSWORD", raising=False)
    answers = iter(["a-long-test-password-1", "a-typo", "a-long-test-password-1", "a-long-test-password-1"])
    monkeypatch.setattr("builtins.input", lambda prompt: "dana")
    monkeypatch.setattr("getpass.getpass", lambda prompt: next(answers))
    out, err = StringIO(), StringIO()

    call_command("create_editor", stdout=out, stderr=err)

    assert "The passwords do not match." in err.getvalue()
    assert "Created editor “dana”" in out.getvalue()
    assert client.login(username="dana", password="a-long-test-password-1")
