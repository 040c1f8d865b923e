"""The audit trail as its own list (filter by field, via, user, date, article), read-only, and
the provider and topic admins (searchable, article counts annotated in the page's one query)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from articles import services
from articles.models import EditorialChange, TaggedTopic
from tests.factories import bulk_articles, make_editor, provider, topic

from .admin_support import unbounded_article_counts

pytestmark = pytest.mark.django_db

AUDIT = reverse("admin:articles_editorialchange_changelist")


@pytest.fixture
def history(desk_editor, make_article):
    other = make_editor("second")
    first, second = make_article(quality=10), make_article()
    services.article_set_quality(article=first, quality=20, user=desk_editor, via="admin")
    services.article_publish(article=second, user=other, via="bulk")
    services.article_publish(article=first, user=None, via="schedule")
    old = EditorialChange.objects.create(article=second, field="quality", old_value=1, new_value=2, via="api")
    EditorialChange.objects.filter(pk=old.pk).update(changed_at=timezone.now() - datetime.timedelta(days=40))
    return {"first": first, "second": second, "other": other}


def rows(response) -> list[tuple]:
    return [(c.article.title, c.field, c.via) for c in response.context["cl"].result_list]


@pytest.mark.parametrize(
    "query, expected",
    [
        ("field__exact=quality", {("first", "quality", "admin"), ("second", "quality", "api")}),
        ("via__exact=schedule", {("first", "is_published", "schedule")}),
        ("user__id__exact={editor}", {("first", "quality", "admin")}),
        ("article__id__exact={second}", {("second", "is_published", "bulk"), ("second", "quality", "api")}),
        (
            "changed_at__gte={week_ago}",
            {("first", "quality", "admin"), ("second", "is_published", "bulk"), ("first", "is_published", "schedule")},
        ),
        ("q=second", {("second", "is_published", "bulk"), ("second", "quality", "api")}),
    ],
)
def test_audit_list_filters(editor_client, desk_editor, history, query, expected):
    history["first"].__class__.objects.filter(pk=history["first"].pk).update(title="first")
    history["second"].__class__.objects.filter(pk=history["second"].pk).update(title="second")
    week_ago = (timezone.now() - datetime.timedelta(days=7)).replace(microsecond=0).isoformat().replace("+", "%2B")
    url = AUDIT + "?" + query.format(editor=desk_editor.pk, second=history["second"].pk, week_ago=week_ago)

    response = editor_client.get(url)

    assert response.status_code == 200
    assert set(rows(response)) == expected


def test_audit_list_is_newest_first_and_shows_old_and_new(editor_client, history):
    response = editor_client.get(AUDIT)
    html = response.content.decode()
    changed = [c.changed_at for c in response.context["cl"].result_list]
    assert changed == sorted(changed, reverse=True)
    assert "bulk action" in html and "scheduled publication" in html
    assert f'href="/admin/articles/article/{history["first"].pk}/change/"' in html


def test_audit_list_offers_only_staff_users(editor_client, history, django_user_model):
    django_user_model.objects.create_user(username="reader-account")
    html = editor_client.get(AUDIT).content.decode()
    assert "second" in html and "reader-account" not in html


def test_audit_list_is_read_only_for_everyone(admin_client, history):
    change = EditorialChange.objects.first()
    assert admin_client.get(reverse("admin:articles_editorialchange_add")).status_code == 403
    assert (
        admin_client.post(
            reverse("admin:articles_editorialchange_delete", args=[change.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    assert admin_client.get(AUDIT).context["action_form"] is None  # not even "delete selected"


def test_audit_list_costs_the_same_at_any_size(editor_client, desk_editor, django_assert_max_num_queries):
    services.articles_publish(articles=[a.pk for a in bulk_articles(5, image=False)], user=desk_editor)
    with django_assert_max_num_queries(10) as small:
        editor_client.get(AUDIT)
    services.articles_publish(articles=[a.pk for a in bulk_articles(300, start=10, image=False)], user=desk_editor)
    with django_assert_max_num_queries(len(small)) as large:
        editor_client.get(AUDIT)
    assert not [sql for sql in (q["sql"] for q in large) if "COUNT(" in sql and " LIMIT " not in sql]
    assert unbounded_article_counts(large) == []


def test_provider_admin_is_searchable_with_annotated_counts(editor_client, django_assert_max_num_queries):
    herald = provider("herald.example", "The Herald")
    bulk_articles(4, source=herald, image=False)
    bulk_articles(2, start=10, source=provider("post.example", "The Post"), image=False)
    for n in range(30):
        provider(f"empty{n}.example", f"Empty {n}")
    url = reverse("admin:providers_provider_changelist")

    with django_assert_max_num_queries(8):
        response = editor_client.get(url)
    searched = editor_client.get(url + "?q=herald")

    counts = {p.name: p.article_total for p in response.context["cl"].result_list}
    assert counts["The Herald"] == 4 and counts["The Post"] == 2 and counts["Empty 3"] == 0
    assert [p.name for p in searched.context["cl"].result_list] == ["The Herald"]
    assert f"/admin/articles/article/?provider__id__exact={herald.pk}" in response.content.decode()
    by_count = editor_client.get(url + "?o=3.1")  # article count, descending then name
    assert [p.name for p in by_count.context["cl"].result_list][:2] == ["The Herald", "The Post"]


def test_topic_admin_is_searchable_with_annotated_counts(editor_client, django_assert_max_num_queries):
    ai, courts = topic("AI"), topic("Courts")
    bulk_articles(3, topic=ai, image=False)
    bulk_articles(1, start=10, topic=courts, image=False)
    topic("Unused")
    url = reverse("admin:articles_topic_changelist")

    with django_assert_max_num_queries(8):
        response = editor_client.get(url)

    assert {t.name: t.article_total for t in response.context["cl"].result_list} == {"AI": 3, "Courts": 1, "Unused": 0}
    assert [t.name for t in editor_client.get(url + "?q=cour").context["cl"].result_list] == ["Courts"]
    assert TaggedTopic.objects.count() == 4
