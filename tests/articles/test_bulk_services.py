"""The set-based editorial services: any number of articles in a fixed number of statements,
each real change audited once with who/when/old/new/via, the editor marks set, nothing else touched."""

import datetime
import logging

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from articles import services
from articles.models import Article, EditorialChange
from articles.permissions import EDITORS_GROUP
from tests.factories import bulk_articles, make_editor

pytestmark = pytest.mark.django_db

SOON = datetime.timedelta(hours=2)


def audit(**filters) -> set[tuple]:
    return {
        (c.article_id, c.field, c.old_value, c.new_value, c.user_id, c.via)
        for c in EditorialChange.objects.filter(**filters)
    }


def test_publish_many_audits_only_real_changes_and_marks_every_article(make_article):
    editor = make_editor()
    draft, published, other = make_article(), make_article(is_published=True), make_article()

    result = services.articles_publish(articles=[draft.pk, published.pk], user=editor, via="bulk")

    assert result == services.EditorialResult(matched=2, changed=1)
    stored = {a.pk: (a.is_published, a.published_set_by_editor) for a in Article.objects.all()}
    assert stored == {draft.pk: (True, True), published.pk: (True, True), other.pk: (False, False)}
    assert audit() == {(draft.pk, "is_published", False, True, editor.pk, "bulk")}


def test_unpublish_many_also_cancels_pending_schedules_and_audits_them(make_article):
    editor = make_editor()
    when = timezone.now() + SOON
    live, scheduled = make_article(is_published=True), make_article(scheduled_publish_at=when)

    result = services.articles_unpublish(articles=Article.objects.all(), user=editor, via="api")

    assert (result.matched, result.changed) == (2, 1)
    assert list(Article.objects.filter(scheduled_publish_at__isnull=False)) == []
    assert audit() == {
        (live.pk, "is_published", True, False, editor.pk, "api"),
        (scheduled.pk, "scheduled_publish_at", services.audit_time(when), None, editor.pk, "api"),
    }


@pytest.mark.parametrize("before", [None, 0, 50, 100])
def test_set_quality_many_records_the_old_value_read_by_the_database(make_article, before):
    editor = make_editor()
    article = make_article(quality=before)

    services.articles_set_quality(articles=Article.objects.filter(pk=article.pk), quality=70, user=editor, via="bulk")

    assert audit() == {(article.pk, "quality", before, 70, editor.pk, "bulk")}
    stored = Article.objects.get()
    assert (stored.quality, stored.quality_set_by_editor) == (70, True)


def test_clearing_quality_in_bulk_audits_the_old_scores(make_article):
    scored, unrated = make_article(quality=30), make_article(quality=None)

    result = services.articles_set_quality(articles=[scored.pk, unrated.pk], quality=None)

    assert (result.matched, result.changed) == (2, 1)
    assert audit() == {(scored.pk, "quality", 30, None, None, "other")}
    assert EditorialChange.objects.get().new_value is None


@pytest.mark.parametrize("quality", [101, -1, "50", True, 50.5])
def test_bulk_quality_is_validated_before_anything_is_written(make_article, quality):
    article = make_article(quality=50)
    with pytest.raises(ValidationError):
        services.articles_set_quality(articles=[article.pk], quality=quality)
    assert Article.objects.get().quality_set_by_editor is False and EditorialChange.objects.count() == 0


def test_a_queryset_selection_is_taken_as_a_set_of_ids(make_article):
    """Ordering, joins and slices of the caller's queryset don't leak into the UPDATE."""
    for _ in range(3):
        make_article()
    selection = Article.objects.select_related("provider").order_by("-title").filter(title__startswith="Article")

    result = services.articles_publish(articles=selection)

    assert result.changed == 3 and Article.objects.filter(is_published=True).count() == 3


def test_an_empty_selection_does_nothing(make_article):
    make_article()
    assert services.articles_publish(articles=[]) == services.EditorialResult(0, 0)
    assert services.articles_publish(articles=Article.objects.none()) == services.EditorialResult(0, 0)
    assert EditorialChange.objects.count() == 0


def test_other_models_are_refused():
    from providers.models import Provider

    with pytest.raises(TypeError):
        services.articles_publish(articles=Provider.objects.all())


@pytest.mark.parametrize("size", [10, 2000])
def test_statements_do_not_grow_with_the_selection(django_assert_max_num_queries, size):
    bulk_articles(size, image=False)
    editor = make_editor()
    # Two of them recount the articles' stories (published count, lead, headline).
    with django_assert_max_num_queries(9) as queries:
        result = services.articles_publish(articles=Article.objects.all(), user=editor, via="bulk")
    assert result.changed == size
    assert EditorialChange.objects.filter(field="is_published", via="bulk", user=editor).count() == size
    # The audit rows are copied by the database (INSERT … SELECT), not shipped through Python.
    inserts = [q["sql"] for q in queries if q["sql"].startswith("INSERT")]
    assert len(inserts) == 1 and "SELECT" in inserts[0] and "VALUES" not in inserts[0]


def test_single_article_functions_share_the_path_and_keep_their_signatures(make_article):
    editor = make_editor()
    article = make_article(quality=10)

    returned = services.article_set_quality(article=article, quality=11, user=editor, via="api")
    services.article_publish(article=article, user=editor, via="api")
    services.article_unpublish(article=article, user=editor, via="api")

    assert returned is article and (article.quality, article.is_published) == (11, False)
    assert [(c.field, c.old_value, c.new_value) for c in EditorialChange.objects.order_by("id")] == [
        ("quality", 10, 11),
        ("is_published", False, True),
        ("is_published", True, False),
    ]


def test_schedule_is_audited_and_protects_the_published_flag(make_article):
    editor = make_editor()
    article = make_article()
    when = timezone.now() + SOON

    services.article_schedule_publication(article=article, publish_at=when, user=editor, via="admin")

    stored = Article.objects.get()
    assert (stored.scheduled_publish_at, stored.published_set_by_editor, stored.is_published) == (when, True, False)
    assert audit() == {(article.pk, "scheduled_publish_at", None, services.audit_time(when), editor.pk, "admin")}

    services.article_schedule_publication(article=article, publish_at=None, user=editor, via="admin")
    assert Article.objects.get().scheduled_publish_at is None
    assert EditorialChange.objects.count() == 2


@pytest.mark.parametrize(
    "publish_at, published",
    [
        (lambda: timezone.now() - SOON, False),
        (lambda: datetime.datetime(2030, 1, 1), False),  # naive
        (lambda: timezone.now() + SOON, True),
    ],
    ids=["past", "naive", "already-published"],
)
def test_schedule_refuses_the_past_naive_times_and_published_articles(make_article, publish_at, published):
    article = make_article(is_published=published)
    with pytest.raises(ValidationError):
        services.article_schedule_publication(article=article, publish_at=publish_at())
    assert Article.objects.get().scheduled_publish_at is None and EditorialChange.objects.count() == 0


@pytest.mark.parametrize("microsecond", [0, 120, 501620])
def test_times_in_the_audit_trail_have_one_form_on_every_database(make_article, microsecond):
    when = (timezone.now() + SOON).replace(microsecond=microsecond)
    make_article(scheduled_publish_at=when)

    services.articles_unpublish(articles=Article.objects.all())

    old = EditorialChange.objects.get().old_value
    assert old == services.audit_time(when) and old.endswith(f".{microsecond:06d}+00:00")
    assert datetime.datetime.fromisoformat(old) == when


def test_publishing_fulfils_a_schedule(make_article):
    article = make_article(scheduled_publish_at=timezone.now() + SOON)
    services.article_publish(article=article)
    assert Article.objects.get().scheduled_publish_at is None
    assert audit() == {(article.pk, "is_published", False, True, None, "other")}


def test_editor_create_makes_a_staff_editor_and_promotes_existing_accounts(django_user_model):
    user = make_editor("newcomer")
    assert user.is_staff and not user.is_superuser
    assert user.groups.filter(name=EDITORS_GROUP).exists()
    assert user.has_perm("articles.change_article_editorial")

    existing = django_user_model.objects.create_user(username="reporter", password="x-long-password-1")
    promoted, created = services.editor_create(username="reporter")
    assert not created and promoted.pk == existing.pk and promoted.is_staff
    assert promoted.check_password("x-long-password-1")


def test_a_bulk_change_is_logged_in_one_line_naming_the_first_articles(caplog, django_capture_on_commit_callbacks):
    articles = bulk_articles(services.LOGGED_ARTICLES + 5, image=False)

    with caplog.at_level(logging.INFO, logger="newsdesk.editorial"):
        with django_capture_on_commit_callbacks(execute=True):
            services.articles_publish(articles=Article.objects.all(), user=make_editor(), via="bulk")

    [record] = [record for record in caplog.records if record.name == "newsdesk.editorial"]
    assert (record.field, record.new_value, record.article_count, record.user, record.via) == (
        "is_published",
        True,
        services.LOGGED_ARTICLES + 5,
        "desk",
        "bulk",
    )
    assert len(record.articles) == services.LOGGED_ARTICLES
    assert {entry["id"] for entry in record.articles} <= {article.pk for article in articles}
    assert {entry["old_value"] for entry in record.articles} == {False}
