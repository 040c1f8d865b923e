"""The article change form: fieldsets, read-only source data, the payload's size only, inlines,
scheduling, the audit trail, the editor-only preview, and a constant number of queries."""

import datetime

import pytest
from django.utils import timezone

from articles.models import Article, ArticleImage, EditorialChange, RelatedLink, TaggedTopic
from tests.factories import provider, topic

from .admin_support import change_url, form_data

pytestmark = pytest.mark.django_db


def test_fieldsets_and_read_only_source_data(editor_client, make_article):
    article = make_article(
        secured="c2VjcmV0LWNpcGhlcnRleHQ=;aXY=", extra={"futureKey": "<b>kept</b>"}, import_warnings=["zone-less date"]
    )
    response = editor_client.get(change_url(article))
    html = response.content.decode()

    assert [name for name, _ in response.context["adminform"].fieldsets] == [
        "Editorial",
        "Content",
        "Source",
        "Audit trail",
    ]
    assert "encrypted payload present (29 bytes)" in html and "c2VjcmV0" not in html
    assert "futureKey" in html and "&lt;b&gt;kept&lt;/b&gt;" in html
    assert "zone-less date" in html
    assert 'id="id_quality"' in html and 'name="title"' not in html


def test_related_links_and_images_are_shown_inline(editor_client, make_article):
    article = make_article()
    target = make_article(title="Our own copy")
    ArticleImage.objects.create(article=article, position=0, url="https://img.example.com/lead.jpg")
    RelatedLink.objects.create(
        source=article,
        position=0,
        title="A related story",
        url=target.url,
        article=target,
        provider=provider("example.com"),
    )

    html = editor_client.get(change_url(article)).content.decode()

    assert "https://img.example.com/lead.jpg" in html
    assert "A related story" in html and "Our own copy" in html


def test_superusers_get_the_provider_autocomplete_and_editable_images(admin_client, make_article):
    article = make_article()
    html = admin_client.get(change_url(article)).content.decode()
    assert 'data-ajax--url="/admin/autocomplete/"' in html and 'name="provider"' in html
    assert 'name="images-TOTAL_FORMS"' in html


def test_change_form_costs_a_constant_number_of_queries(editor_client, make_article, django_assert_max_num_queries):
    small = make_article()
    large = make_article()
    for n in range(12):
        ArticleImage.objects.create(article=large, position=n, url=f"https://img.example.com/{n}.jpg")
        RelatedLink.objects.create(
            source=large,
            position=n,
            title=f"Link {n}",
            url=f"https://x.example/{n}",
            provider=provider(f"p{n}.example"),
            article=small,
        )
        TaggedTopic.objects.create(content_object=large, tag=topic(f"Topic {n}"), position=n)
        EditorialChange.objects.create(article=large, field="quality", old_value=n, new_value=n + 1)

    with django_assert_max_num_queries(12) as baseline:
        editor_client.get(change_url(small))
    with django_assert_max_num_queries(len(baseline)):
        response = editor_client.get(change_url(large))
    assert response.status_code == 200


def test_audit_trail_is_shown_newest_first_with_a_link_to_the_full_list(editor_client, desk_editor, make_article):
    article = make_article(quality=10)
    from articles import services

    services.article_set_quality(article=article, quality=20, user=desk_editor, via="admin")
    services.article_publish(article=article, user=desk_editor, via="bulk")

    html = editor_client.get(change_url(article)).content.decode()

    history = html[html.index('class="nd-history"') :]
    assert history.index("published") < history.index("quality")
    assert "desk" in history and "bulk action" in history
    assert f"/admin/articles/editorialchange/?article__id__exact={article.pk}" in html


def test_scheduling_in_the_form_is_validated_and_audited(editor_client, desk_editor, make_article):
    article = make_article()
    future = timezone.localtime(timezone.now() + datetime.timedelta(days=2)).replace(second=0, microsecond=0)
    past = future - datetime.timedelta(days=4)

    def post(when, **extra):
        data = form_data(
            editor_client,
            article,
            **{
                "scheduled_publish_at_0": when.strftime("%d/%m/%Y"),
                "scheduled_publish_at_1": when.strftime("%H:%M:%S"),
                **extra,
            },
        )
        return editor_client.post(change_url(article), data)

    rejected = post(past)
    assert rejected.status_code == 200 and rejected.context["adminform"].form.errors["scheduled_publish_at"]
    both = post(future, is_published="on")
    assert both.status_code == 200 and "cannot be scheduled" in str(both.context["adminform"].form.errors)

    assert post(future).status_code == 302

    stored = Article.objects.get()
    assert stored.scheduled_publish_at == future and not stored.is_published
    change = EditorialChange.objects.get()
    assert (change.field, change.old_value, change.user, change.via) == (
        "scheduled_publish_at",
        None,
        desk_editor,
        "admin",
    )


def test_view_on_site_previews_unpublished_articles_to_editors_only(client, editor_client, make_article):
    article = make_article(is_published=False, title="Not yet public")

    html = editor_client.get(change_url(article)).content.decode()
    preview = editor_client.get(article.get_absolute_url())

    assert f'href="{article.get_absolute_url()}"' in html and "Preview on site (unpublished)" in html
    assert preview.status_code == 200 and b"Not yet public" in preview.content
    client.logout()
    assert client.get(article.get_absolute_url()).status_code == 404


def test_published_articles_say_view_on_site(editor_client, make_article):
    article = make_article(is_published=True)
    assert "View on site" in editor_client.get(change_url(article)).content.decode()


def test_the_existing_content_is_not_rewritten_when_an_editor_saves(editor_client, make_article):
    """Only editorial fields are written: a concurrent import's new title survives an editor's save."""
    article = make_article(title="Old title", quality=10)
    data = form_data(editor_client, article, quality="30")
    Article.objects.filter(pk=article.pk).update(title="Imported meanwhile")

    editor_client.post(change_url(article), data)

    stored = Article.objects.get()
    assert (stored.title, stored.quality) == ("Imported meanwhile", 30)
