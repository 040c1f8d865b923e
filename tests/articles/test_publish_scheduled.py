"""``manage.py publish_scheduled``: publishes what is due, in a fixed number of queries, audited
via "schedule", idempotent, with a one-line summary; ``--dry-run`` changes nothing."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from articles import services
from articles.models import Article, EditorialChange
from tests.factories import bulk_articles

pytestmark = pytest.mark.django_db

HOUR = datetime.timedelta(hours=1)


def run(*args) -> str:
    out = StringIO()
    call_command("publish_scheduled", *args, stdout=out)
    return out.getvalue()


def test_publishes_what_is_due_and_audits_it(make_article):
    now = timezone.now()
    due = make_article(scheduled_publish_at=now - HOUR)
    later = make_article(scheduled_publish_at=now + HOUR)
    unscheduled = make_article()

    output = run()

    assert output == "publish_scheduled: published 1 article.\n"
    published = {
        a.pk: (a.is_published, a.scheduled_publish_at, a.published_set_by_editor) for a in Article.objects.all()
    }
    assert published == {
        due.pk: (True, None, True),
        later.pk: (False, later.scheduled_publish_at, False),
        unscheduled.pk: (False, None, False),
    }
    change = EditorialChange.objects.get()
    assert (change.article_id, change.field, change.old_value, change.new_value, change.user, change.via) == (
        due.pk,
        "is_published",
        False,
        True,
        None,
        "schedule",
    )


def test_is_idempotent(make_article):
    make_article(scheduled_publish_at=timezone.now() - HOUR)
    run()
    assert run() == "publish_scheduled: published 0 articles.\n"
    assert EditorialChange.objects.count() == 1


def test_an_already_published_article_with_a_stale_schedule_is_cleared_not_audited(make_article):
    make_article(is_published=True, scheduled_publish_at=timezone.now() - HOUR)
    assert run() == "publish_scheduled: published 0 articles (1 already published).\n"
    assert Article.objects.get().scheduled_publish_at is None and EditorialChange.objects.count() == 0


def test_dry_run_publishes_nothing(make_article):
    make_article(scheduled_publish_at=timezone.now() - HOUR)
    assert run("--dry-run") == "publish_scheduled: 1 due (dry run, nothing published).\n"
    assert not Article.objects.get().is_published and EditorialChange.objects.count() == 0


@pytest.mark.parametrize("size", [3, 3000])
def test_set_based_whatever_is_due(size, django_assert_max_num_queries):
    bulk_articles(size, image=False, scheduled_publish_at=timezone.now() - HOUR)
    # Two of them recount the stories of what was published.
    with django_assert_max_num_queries(9):
        output = run()
    assert output == f"publish_scheduled: published {size} articles.\n"
    assert EditorialChange.objects.filter(via="schedule").count() == size


def test_an_article_scheduled_by_an_editor_is_published_at_its_time(make_article, django_user_model):
    editor = django_user_model.objects.create_user(username="ed", is_staff=True)
    article = make_article()
    services.article_schedule_publication(article=article, publish_at=timezone.now() + HOUR, user=editor, via="admin")

    assert run() == "publish_scheduled: published 0 articles.\n"
    Article.objects.filter(pk=article.pk).update(scheduled_publish_at=timezone.now() - datetime.timedelta(seconds=1))
    assert run() == "publish_scheduled: published 1 article.\n"

    assert [(c.field, c.user_id, c.via) for c in EditorialChange.objects.order_by("id")] == [
        ("scheduled_publish_at", editor.pk, "admin"),
        ("is_published", None, "schedule"),
    ]
