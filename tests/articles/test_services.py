"""The editorial services: each change sets the value, marks it as the editor's, and is audited once."""

import logging

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles import services
from articles.models import Article, EditorialChange

pytestmark = pytest.mark.django_db

CHANGES = pytest.mark.parametrize(
    "action, arguments, field, lock, before, after",
    [
        pytest.param(
            services.article_publish, {}, "is_published", "published_set_by_editor", False, True, id="publish"
        ),
        pytest.param(
            services.article_unpublish, {}, "is_published", "published_set_by_editor", True, False, id="unpublish"
        ),
        pytest.param(
            services.article_set_quality, {"quality": 90}, "quality", "quality_set_by_editor", 50, 90, id="quality"
        ),
        pytest.param(
            services.article_set_quality,
            {"quality": None},
            "quality",
            "quality_set_by_editor",
            50,
            None,
            id="clear-quality",
        ),
    ],
)


@CHANGES
def test_change_sets_the_value_and_the_editor_mark(make_article, editor, action, arguments, field, lock, before, after):
    article = make_article(**{field: before})

    returned = action(article=article, user=editor, **arguments)

    stored = Article.objects.get(pk=article.pk)
    assert (getattr(stored, field), getattr(stored, lock)) == (after, True)
    assert (getattr(returned, field), getattr(returned, lock)) == (after, True)


@CHANGES
def test_change_is_audited_once_with_user_via_old_and_new(
    make_article, editor, action, arguments, field, lock, before, after
):
    article = make_article(**{field: before})

    action(article=article, user=editor, via=EditorialChange.Via.ADMIN, **arguments)

    change = EditorialChange.objects.get()
    assert (change.article, change.field, change.user, change.via) == (article, field, editor, "admin")
    assert (change.old_value, change.new_value) == (before, after)


@CHANGES
def test_setting_the_current_value_is_not_audited_but_marks_it(
    make_article, editor, action, arguments, field, lock, before, after
):
    article = make_article(**{field: after})

    action(article=article, user=editor, **arguments)

    assert EditorialChange.objects.count() == 0
    assert getattr(Article.objects.get(pk=article.pk), lock) is True


def test_anonymous_user_is_audited_as_nobody(make_article):
    article = make_article(is_published=False)

    services.article_publish(article=article, user=AnonymousUser())

    assert EditorialChange.objects.get().user is None


def test_stale_article_instance_audits_the_stored_old_value(make_article, editor):
    article = make_article(quality=50)
    Article.objects.filter(pk=article.pk).update(quality=70)

    services.article_set_quality(article=article, quality=90, user=editor)

    assert EditorialChange.objects.get().old_value == 70


@pytest.mark.parametrize("quality", [101, -1, "50", True, 50.5])
def test_set_quality_rejects_anything_but_a_whole_number_from_0_to_100(make_article, editor, quality):
    article = make_article(quality=50)

    with pytest.raises(ValidationError):
        services.article_set_quality(article=article, quality=quality, user=editor)

    stored = Article.objects.get(pk=article.pk)
    assert (stored.quality, stored.quality_set_by_editor) == (50, False)
    assert EditorialChange.objects.count() == 0


@pytest.mark.parametrize("quality", [0, 100])
def test_set_quality_accepts_the_bounds(make_article, editor, quality):
    article = make_article(quality=50)

    services.article_set_quality(article=article, quality=quality, user=editor)

    assert Article.objects.get(pk=article.pk).quality == quality


def test_a_committed_change_is_logged_with_who_what_and_the_old_value(
    make_article, editor, caplog, django_capture_on_commit_callbacks
):
    article = make_article(quality=40)

    with caplog.at_level(logging.INFO, logger="newsdesk.editorial"):
        with django_capture_on_commit_callbacks(execute=True):
            services.article_set_quality(article=article, quality=75, user=editor, via=EditorialChange.Via.API)

    [record] = editorial_records(caplog)
    assert record.getMessage() == "quality set to 75 on 1 article(s) by editor via api"
    assert (record.field, record.new_value, record.article_count, record.user, record.via) == (
        "quality",
        75,
        1,
        "editor",
        "api",
    )
    assert record.articles == [{"id": article.pk, "old_value": 40}]


def editorial_records(caplog) -> list:
    return [record for record in caplog.records if record.name == "newsdesk.editorial"]


def test_nothing_is_logged_before_the_commit(make_article, editor, caplog, django_capture_on_commit_callbacks):
    with caplog.at_level(logging.INFO, logger="newsdesk.editorial"):
        with django_capture_on_commit_callbacks() as on_commit:
            services.article_unpublish(article=make_article(is_published=True), user=editor)
            assert not editorial_records(caplog)

    assert len(on_commit) == 1


def test_setting_a_value_already_held_is_not_logged(make_article, editor, caplog, django_capture_on_commit_callbacks):
    with caplog.at_level(logging.INFO, logger="newsdesk.editorial"):
        with django_capture_on_commit_callbacks(execute=True) as on_commit:
            services.article_publish(article=make_article(is_published=True), user=editor)

    assert on_commit == []
    assert not editorial_records(caplog)


# --- Content changed outside the importer --------------------------------------------------------


def remembered_file(article, content_hash="abc123"):
    from django.utils import timezone

    from articles.models import SourceFile

    Article.objects.filter(pk=article.pk).update(content_hash="fingerprint")
    return SourceFile.objects.create(
        path=f"/feed/{article.pk}.md", content_hash=content_hash, article=article, imported_at=timezone.now()
    )


@pytest.mark.parametrize("via, forgotten", [(EditorialChange.Via.ADMIN, True), (EditorialChange.Via.IMPORT, False)])
def test_a_content_change_is_audited_and_forgets_the_files_fingerprints_unless_the_importer_made_it(
    make_article, editor, via, forgotten
):
    article = make_article(title="Before", body="Old text")
    source_file = remembered_file(article)

    with services.articles_content_update(articles=[article.pk], user=editor, via=via):
        Article.objects.filter(pk=article.pk).update(title="After", body="New text")

    changes = {change.field: change for change in EditorialChange.objects.all()}
    assert set(changes) == {"title", "body"}
    assert (changes["title"].old_value, changes["title"].new_value, changes["title"].user, changes["title"].via) == (
        "Before",
        "After",
        editor,
        via,
    )
    assert changes["body"].new_value.startswith("8 characters, sha256 ")
    source_file.refresh_from_db()
    stored = Article.objects.get(pk=article.pk)
    assert (source_file.content_hash, stored.content_hash) == (("", "") if forgotten else ("abc123", "fingerprint"))


def test_a_block_that_changes_no_content_audits_and_forgets_nothing(make_article, editor):
    article = make_article(title="Same")
    source_file = remembered_file(article)

    with services.articles_content_update(articles=[article.pk], user=editor, via=EditorialChange.Via.API):
        Article.objects.filter(pk=article.pk).update(title="Same", imported_at=article.imported_at)

    assert not EditorialChange.objects.exists()
    source_file.refresh_from_db()
    assert source_file.content_hash == "abc123"


def test_a_new_fingerprint_written_with_the_content_is_kept(make_article, editor):
    article = make_article(title="Before")
    remembered_file(article)

    with services.articles_content_update(articles=[article.pk], user=editor, via=EditorialChange.Via.API):
        Article.objects.filter(pk=article.pk).update(title="After", content_hash="the-posted-content")

    assert Article.objects.get(pk=article.pk).content_hash == "the-posted-content"


def test_a_content_change_costs_the_same_queries_for_one_article_or_many(
    make_article, editor, django_assert_num_queries
):
    def change(articles):
        with services.articles_content_update(articles=[a.pk for a in articles], user=editor, via="admin"):
            Article.objects.filter(pk__in=[a.pk for a in articles]).update(title="Changed", heat=7)

    one_article, many = [make_article()], [make_article() for _ in range(30)]
    with CaptureQueriesContext(connection) as one:
        change(one_article)
    with django_assert_num_queries(len(one.captured_queries)):
        change(many)
    assert EditorialChange.objects.filter(field="title").count() == 31
