"""Every door an editorial change can come through writes the same audit record and the same log line.

The same change (publish an article; score it 90) is made through each door: the admin's change
form, its list-editable columns, its bulk actions, the API's PATCH, ``publish_scheduled``, an
import with ``--overwrite-editorial`` and an import of a file that carries the new value itself.
A door that wrote the value without the services would miss the audit row or the log line.
"""

import datetime
import io
import json
import logging

import pytest
from django.contrib.admin import helpers
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles import services
from articles.models import Article, EditorialChange
from tests.factories import article_text, make_editor

from .admin_support import change_url, form_data
from .api_support import EDITOR_PERMISSIONS, token_client, user_with

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:articles_article_changelist")
CHANGES = {"is_published": (False, True), "quality": (50, 90)}
FILE_KEY = {"is_published": "published", "quality": "quality"}
FILE_VALUES = {"published": False, "quality": 50}


@pytest.fixture
def imported(write_article, run_import):
    """An article imported from its file (unpublished, quality 50): every door can change it."""
    path = write_article("a.txt", article_text(published=False, quality=50))
    status, _, stderr = run_import(path)
    assert status == 0, stderr
    return path, Article.objects.get()


def through_the_change_form(field, new, article, path, run_import):
    client = admin_client_of(make_editor())
    changes = {"is_published": "on"} if field == "is_published" else {"quality": str(new)}
    assert client.post(change_url(article), form_data(client, article, **changes)).status_code == 302
    return "desk", "admin"


def through_the_list_columns(field, new, article, path, run_import):
    client = admin_client_of(make_editor())
    data = {
        "_save": "Save",
        "form-TOTAL_FORMS": "1",
        "form-INITIAL_FORMS": "1",
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "1000",
        "form-0-id": str(article.pk),
        "form-0-quality": str(new if field == "quality" else article.quality),
    }
    if field == "is_published":
        data["form-0-is_published"] = "on"
    assert client.post(CHANGELIST, data).status_code == 302
    return "desk", "admin"


def through_a_bulk_action(field, new, article, path, run_import):
    client = admin_client_of(make_editor())
    data = {"action": "publish_selected", "index": "0", helpers.ACTION_CHECKBOX_NAME: [str(article.pk)]}
    if field == "quality":
        data.update(action="set_quality", apply="1", quality=str(new))
    assert client.post(CHANGELIST, data).status_code == 302
    return "desk", "bulk"


def through_the_api(field, new, article, path, run_import):
    api = token_client(user_with(get_user_model(), "api-editor", EDITOR_PERMISSIONS))
    assert api.patch(f"/api/v1/articles/{article.slug}/", {field: new}, format="json").status_code == 200
    return "api-editor", "api"


def through_the_schedule(field, new, article, path, run_import):
    Article.objects.filter(pk=article.pk).update(scheduled_publish_at=timezone.now() - datetime.timedelta(minutes=1))
    call_command("publish_scheduled", stdout=io.StringIO())
    return None, "schedule"


def through_an_import_overwriting_the_editor(field, new, article, path, run_import):
    # An editor's mark, set without a change of value, so the door's own audit row is the only one.
    Article.objects.filter(pk=article.pk).update(**{f"{field.removeprefix('is_')}_set_by_editor": True})
    path.write_text(article_text(**{**FILE_VALUES, FILE_KEY[field]: new}), encoding="utf-8")
    status, _, stderr = run_import(path, overwrite_editorial=True)
    assert status == 0, stderr
    return None, "import"


def through_an_import_of_the_file_value(field, new, article, path, run_import):
    path.write_text(article_text(**{**FILE_VALUES, FILE_KEY[field]: new}), encoding="utf-8")
    status, _, stderr = run_import(path)
    assert status == 0, stderr
    return None, "import"


DOORS = [
    through_the_change_form,
    through_the_list_columns,
    through_a_bulk_action,
    through_the_api,
    through_the_schedule,
    through_an_import_overwriting_the_editor,
    through_an_import_of_the_file_value,
]


def door_cases() -> list:
    return [
        pytest.param(door, field, id=f"{field}-{door.__name__.removeprefix('through_')}")
        for field in CHANGES
        for door in DOORS
        if door is not through_the_schedule or field == "is_published"  # the schedule only publishes
    ]


@pytest.mark.parametrize("door, field", door_cases())
def test_every_door_writes_the_same_audit_record_and_log_line(
    door, field, imported, run_import, caplog, django_capture_on_commit_callbacks
):
    path, article = imported
    old, new = CHANGES[field]
    assert getattr(article, field) == old and not EditorialChange.objects.exists()

    with caplog.at_level(logging.INFO, logger="newsdesk.editorial"):
        with django_capture_on_commit_callbacks(execute=True):
            username, via = door(field, new, article, path, run_import)

    assert getattr(Article.objects.get(pk=article.pk), field) == new
    [change] = EditorialChange.objects.filter(field=field)
    assert (change.article_id, change.field, change.old_value, change.new_value, change.via) == (
        article.pk,
        field,
        old,
        new,
        via,
    )
    assert (change.user.get_username() if change.user else None) == username
    [record] = [record for record in caplog.records if record.name == "newsdesk.editorial"]
    assert (
        record.getMessage() == f"{field} set to {json.dumps(new)} on 1 article(s) by {username or 'nobody'} via {via}"
    )
    assert (record.field, record.new_value, record.article_count, record.user, record.via) == (
        field,
        new,
        1,
        username,
        via,
    )
    assert record.articles == [{"id": article.pk, "old_value": old}]


def admin_client_of(user):
    client = Client()
    client.force_login(user)
    return client


def test_an_import_gives_each_article_its_files_value_in_set_based_statements(
    write_article, run_import, caplog, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    qualities = {"a": (10, 90), "b": (20, None), "c": (None, 30), "d": (40, 40)}
    paths = {
        name: write_article(f"{name}.txt", article_text(webUrl=f"https://example.com/{name}", quality=old))
        for name, (old, _) in qualities.items()
    }
    run_import(write_article.directory)
    ids = {name: Article.objects.get(url=f"https://example.com/{name}").pk for name in qualities}
    for name, (_, new) in qualities.items():
        paths[name].write_text(article_text(webUrl=f"https://example.com/{name}", quality=new), encoding="utf-8")

    with caplog.at_level(logging.INFO, logger="newsdesk.editorial"):
        with django_capture_on_commit_callbacks(execute=True):
            run_import(write_article.directory)

    assert dict(Article.objects.values_list("pk", "quality")) == {
        ids[name]: new for name, (_, new) in qualities.items()
    }
    changed = {name: values for name, values in qualities.items() if values[0] != values[1]}
    assert {(c.article_id, c.old_value, c.new_value, c.via, c.user) for c in EditorialChange.objects.all()} == {
        (ids[name], old, new, "import", None) for name, (old, new) in changed.items()
    }
    [record] = [record for record in caplog.records if record.name == "newsdesk.editorial"]
    assert record.getMessage() == "quality set to each file's value on 3 article(s) by nobody via import"
    assert sorted(record.articles, key=lambda entry: entry["id"]) == [
        {"id": ids[name], "old_value": old, "new_value": new} for name, (old, new) in sorted(changed.items())
    ]


def test_the_import_service_costs_the_same_for_one_value_or_many(make_article):
    articles = [make_article(quality=n) for n in range(6)]
    with CaptureQueriesContext(connection) as one_value:
        services.articles_follow_files(field="quality", values={99: [a.pk for a in articles[:3]]})
    with CaptureQueriesContext(connection) as three_values:
        services.articles_follow_files(field="quality", values={n + 60: [a.pk] for n, a in enumerate(articles[3:])})

    assert len(three_values.captured_queries) == len(one_value.captured_queries)
    assert EditorialChange.objects.filter(via="import").count() == 6


def test_an_import_publishes_some_and_withdraws_others_in_one_batch(write_article, run_import, caplog):
    # A batch whose files set the published flag both ways audits every change in one statement set
    # (it must not fail and fall back to writing file by file).
    flags = {"a": (False, True), "b": (True, False), "c": (False, True)}
    paths = {
        name: write_article(f"{name}.txt", article_text(webUrl=f"https://example.com/{name}", published=old))
        for name, (old, _) in flags.items()
    }
    run_import(write_article.directory)
    for name, (_, new) in flags.items():
        paths[name].write_text(article_text(webUrl=f"https://example.com/{name}", published=new), encoding="utf-8")

    with caplog.at_level(logging.WARNING, logger="newsdesk.import"):
        run_import(write_article.directory)

    assert not [r for r in caplog.records if r.name == "newsdesk.import" and r.levelno >= logging.WARNING]
    ids = {name: Article.objects.get(url=f"https://example.com/{name}").pk for name in flags}
    assert dict(Article.objects.values_list("pk", "is_published")) == {ids[n]: new for n, (_, new) in flags.items()}
    assert {
        (c.article_id, c.old_value, c.new_value)
        for c in EditorialChange.objects.filter(via="import", field="is_published")
    } >= {(ids[n], old, new) for n, (old, new) in flags.items()}


@pytest.mark.parametrize(
    ("field", "values"),
    [
        ("is_published", (True, False)),
        ("quality", (10, None)),
    ],
)
def test_the_import_service_sets_several_values_of_any_field_at_once(make_article, field, values):
    first, second = make_article(), make_article()
    old = {first.pk: getattr(first, field), second.pk: getattr(second, field)}

    result = services.articles_follow_files(field=field, values={values[0]: [first.pk], values[1]: [second.pk]})

    assert dict(Article.objects.values_list("pk", field)) == {first.pk: values[0], second.pk: values[1]}
    expected = {(pk, old[pk], new) for pk, new in ((first.pk, values[0]), (second.pk, values[1])) if old[pk] != new}
    assert {(c.article_id, c.old_value, c.new_value) for c in EditorialChange.objects.filter(field=field)} == expected
    assert result.changed == len(expected)
