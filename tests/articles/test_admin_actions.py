"""Bulk actions: publish, unpublish and set quality (with an intermediate form), each one
set-based service call, audited via "bulk"; 10,000 articles in one request."""

import pytest
from django.contrib import admin
from django.contrib.admin import helpers
from django.test import RequestFactory
from django.urls import reverse

from articles.models import Article, EditorialChange
from tests.factories import bulk_articles

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:articles_article_changelist")
EDITORIAL_ACTIONS = {"publish_selected", "unpublish_selected", "set_quality"}


def actions_for(user) -> set[str]:
    request = RequestFactory().get(CHANGELIST)
    request.user = user
    return set(admin.site._registry[Article].get_actions(request))


def test_get_actions_resolves_every_editorial_action_for_editors(desk_editor, admin_user):
    assert actions_for(desk_editor) == EDITORIAL_ACTIONS
    # No mass delete, even for a superuser: deleting is not an editorial act.
    assert actions_for(admin_user) == EDITORIAL_ACTIONS


def test_staff_outside_the_editors_group_get_no_editorial_action(django_user_model):
    from django.contrib.auth.models import Permission

    staff = django_user_model.objects.create_user(username="viewer", is_staff=True)
    staff.user_permissions.add(*Permission.objects.filter(codename__in=["view_article", "change_article"]))
    assert actions_for(django_user_model.objects.get(pk=staff.pk)) == set()


def post_action(client, action, pks, *, query="", **extra):
    data = {"action": action, "index": "0", helpers.ACTION_CHECKBOX_NAME: [str(pk) for pk in pks], **extra}
    return client.post(CHANGELIST + query, data)


def test_publish_selected(editor_client, desk_editor, make_article):
    first, second, untouched = make_article(), make_article(is_published=True), make_article()

    response = post_action(editor_client, "publish_selected", [first.pk, second.pk])

    assert response.status_code == 302
    assert set(Article.objects.filter(is_published=True).values_list("pk", flat=True)) == {first.pk, second.pk}
    assert [(c.article_id, c.user_id, c.via) for c in EditorialChange.objects.all()] == [
        (first.pk, desk_editor.pk, "bulk")
    ]
    messages = [str(m) for m in editor_client.get(CHANGELIST).context["messages"]]
    assert messages == ["Published 1 article (1 already published)."]
    assert not Article.objects.get(pk=untouched.pk).published_set_by_editor


def test_unpublish_selected(editor_client, make_article):
    live = make_article(is_published=True)

    post_action(editor_client, "unpublish_selected", [live.pk])

    assert not Article.objects.get().is_published
    assert EditorialChange.objects.get().new_value is False


def test_set_quality_asks_for_the_score_then_applies_it(editor_client, desk_editor, make_article):
    first, second = make_article(quality=10), make_article(quality=None)

    form_page = post_action(editor_client, "set_quality", [first.pk, second.pk])

    assert form_page.status_code == 200
    html = form_page.content.decode()
    assert 'name="quality"' in html and 'value="set_quality"' in html and first.title in html
    assert Article.objects.filter(quality=10).count() == 1  # nothing changed yet

    invalid = editor_client.post(
        CHANGELIST,
        {"action": "set_quality", "apply": "1", "quality": "101", helpers.ACTION_CHECKBOX_NAME: [first.pk, second.pk]},
    )
    assert invalid.status_code == 200 and invalid.context["form"].errors["quality"]

    done = editor_client.post(
        CHANGELIST,
        {"action": "set_quality", "apply": "1", "quality": "85", helpers.ACTION_CHECKBOX_NAME: [first.pk, second.pk]},
    )

    assert done.status_code == 302
    assert set(Article.objects.values_list("quality", "quality_set_by_editor")) == {(85, True)}
    assert {(c.article_id, c.old_value, c.new_value, c.user_id, c.via) for c in EditorialChange.objects.all()} == {
        (first.pk, 10, 85, desk_editor.pk, "bulk"),
        (second.pk, None, 85, desk_editor.pk, "bulk"),
    }


def test_select_across_applies_to_every_article_of_the_filtered_list(editor_client, make_article):
    keep = make_article(quality=90, title="keep")
    targets = [make_article(quality=10) for _ in range(3)]

    post_action(editor_client, "publish_selected", [targets[0].pk], select_across="1", query="?quality_band=0-39")

    assert set(Article.objects.filter(is_published=True).values_list("pk", flat=True)) == {t.pk for t in targets}
    assert not Article.objects.get(pk=keep.pk).is_published


def test_set_quality_across_pages_keeps_the_filter_through_the_intermediate_form(editor_client, make_article):
    keep = make_article(quality=90)
    targets = [make_article(quality=10) for _ in range(3)]
    url = CHANGELIST + "?quality_band=0-39"

    form_page = editor_client.post(
        url,
        {"action": "set_quality", "index": "0", "select_across": "1", helpers.ACTION_CHECKBOX_NAME: [targets[0].pk]},
    )
    html = form_page.content.decode()
    assert 'name="select_across" value="1"' in html and 'action="/admin/articles/article/?quality_band=0-39"' in html

    editor_client.post(
        url,
        {
            "action": "set_quality",
            "apply": "1",
            "quality": "55",
            "select_across": "1",
            helpers.ACTION_CHECKBOX_NAME: [targets[0].pk],
        },
    )

    assert set(Article.objects.filter(quality=55).values_list("pk", flat=True)) == {t.pk for t in targets}
    assert Article.objects.get(pk=keep.pk).quality == 90


def test_users_without_the_editorial_permission_cannot_run_the_actions(client, django_user_model, make_article):
    from django.contrib.auth.models import Permission

    staff = django_user_model.objects.create_user(username="viewer", is_staff=True)
    staff.user_permissions.add(*Permission.objects.filter(codename__in=["view_article", "change_article"]))
    client.force_login(staff)
    article = make_article()

    post_action(client, "publish_selected", [article.pk])

    assert not Article.objects.get().is_published and EditorialChange.objects.count() == 0


@pytest.mark.parametrize("action, extra", [("publish_selected", {}), ("set_quality", {"apply": "1", "quality": "77"})])
def test_an_action_over_10000_articles_is_one_request_of_a_few_queries(
    editor_client, desk_editor, action, extra, django_assert_max_num_queries
):
    articles = bulk_articles(10_000, image=False)

    # Two of them recount the selected articles' stories (published count, lead, headline).
    with django_assert_max_num_queries(16):
        response = editor_client.post(
            CHANGELIST,
            {
                "action": action,
                "select_across": "1",
                helpers.ACTION_CHECKBOX_NAME: [articles[0].pk],
                **({"index": "0"} if not extra else extra),
            },
        )

    assert response.status_code == 302
    field, value = ("is_published", True) if action == "publish_selected" else ("quality", 77)
    assert Article.objects.filter(**{field: value}).count() == 10_000
    changes = EditorialChange.objects.filter(field=field, user=desk_editor, via="bulk")
    assert changes.count() == 10_000
    assert set(changes.values_list("new_value", flat=True)) == {value}
    assert changes.values("article").distinct().count() == 10_000
