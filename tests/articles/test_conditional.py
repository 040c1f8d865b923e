"""The public pages' validators (ETag, Last-Modified) move with what readers see, and only with that.

A validator that moved when an unpublished draft was imported, scored, scheduled or corrected would
tell anyone polling the home page that something unpublished happened; one that did not move when an
article was published, withdrawn or corrected would keep readers' copies stale.
"""

import datetime

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from articles.conditional import public_changes_sql
from articles.models import Article, ArticleImage, PublicEdit
from articles.services import article_publish, article_schedule_publication, article_set_quality, article_unpublish
from tests import factories
from tests.articles.admin_support import form_data
from tests.articles.test_ordering import query_plan
from tests.factories import article_text

pytestmark = pytest.mark.django_db

PUBLIC_ADDRESSES = ["/", "/feeds/atom/", "/sitemap.xml", "/sitemap-articles.xml", "/topics/science/"]
DRAFT_URL = "https://hidden.example/news/embargoed"
PUBLIC_URL = "https://example.com/news/public"


@pytest.fixture
def catalogue(write_article, run_import):
    """A published article and an unpublished draft, both imported from files; topics and providers of their own."""
    write_article(
        "public.txt", article_text(webUrl=PUBLIC_URL, title="Public story", published=True, topics=["Science"])
    )
    write_article(
        "draft.txt",
        article_text(
            webUrl=DRAFT_URL,
            title="Embargoed story",
            published=False,
            topics=["Embargoed"],
            provider={"name": "Hidden Wire", "domain": "hidden.example"},
        ),
    )
    assert run_import(write_article.directory)[0] == 0
    return Article.objects.get(url=PUBLIC_URL), Article.objects.get(url=DRAFT_URL)


def validators(client) -> dict[str, tuple[str, str]]:
    seen = {}
    for address in PUBLIC_ADDRESSES:
        response = client.get(address)
        assert response.status_code == 200, address
        seen[address] = (response["ETag"], response["Last-Modified"])
    return seen


def changed_etags(client, before: dict) -> list[str]:
    after = validators(client)
    return [address for address in PUBLIC_ADDRESSES if after[address][0] != before[address][0]]


def superuser_post(admin_client, url: str, data: dict):
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]


def edit_article_title(admin_client, article, title: str):
    url = reverse("admin:articles_article_change", args=[article.pk])
    superuser_post(admin_client, url, form_data(admin_client, article, title=title))


def rename(admin_client, model_name: str, obj, **fields):
    url = reverse(f"admin:{obj._meta.app_label}_{model_name}_change", args=[obj.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    superuser_post(admin_client, url, {**data, **fields})


def delete(admin_client, obj):
    url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_delete", args=[obj.pk])
    superuser_post(admin_client, url, {"post": "yes"})


# --- Nothing readers see: no validator moves ------------------------------------------------------


def import_a_new_draft(write_article, run_import, **_):
    write_article(
        "another.txt", article_text(webUrl="https://hidden.example/news/2", published=False, topics=["Secret"])
    )
    assert run_import(write_article.directory)[0] == 0


def reimport_the_changed_draft(write_article, run_import, **_):
    write_article(
        "draft.txt",
        article_text(
            webUrl=DRAFT_URL,
            title="Embargoed story, corrected",
            published=False,
            topics=["Embargoed"],
            provider={"name": "Hidden Wire", "domain": "hidden.example"},
        ),
    )
    assert run_import(write_article.directory)[0] == 0
    assert Article.objects.get(url=DRAFT_URL).title == "Embargoed story, corrected"


def score_the_draft(draft, editor, **_):
    article_set_quality(article=draft, quality=95, user=editor)


def schedule_the_draft(draft, editor, **_):
    article_schedule_publication(article=draft, publish_at=timezone.now() + datetime.timedelta(days=1), user=editor)


def correct_the_draft_in_the_admin(draft, admin_client, **_):
    edit_article_title(admin_client, draft, "Embargoed story, retitled")


def rename_the_drafts_topic(draft, admin_client, **_):
    rename(admin_client, "topic", draft.topics.get(), name="Embargoed, renamed")


def rename_the_drafts_provider(draft, admin_client, **_):
    rename(admin_client, "provider", draft.provider, name="Hidden Wire, renamed")


def delete_the_draft(draft, admin_client, **_):
    delete(admin_client, draft)


@pytest.mark.parametrize(
    "change",
    [
        import_a_new_draft,
        reimport_the_changed_draft,
        score_the_draft,
        schedule_the_draft,
        correct_the_draft_in_the_admin,
        rename_the_drafts_topic,
        rename_the_drafts_provider,
        delete_the_draft,
    ],
    ids=lambda change: change.__name__,
)
def test_a_change_of_unpublished_content_moves_no_public_validator(
    client, admin_client, editor, catalogue, write_article, run_import, change
):
    _, draft = catalogue
    before = validators(client)
    change(draft=draft, editor=editor, admin_client=admin_client, write_article=write_article, run_import=run_import)
    assert validators(client) == before
    assert not PublicEdit.objects.exists()


# --- What readers see: every validator moves -------------------------------------------------------


def publish_the_draft(draft, editor, **_):
    article_publish(article=draft, user=editor)


def withdraw_the_public_article(public, editor, **_):
    article_unpublish(article=public, user=editor)


def reimport_the_changed_public_article(write_article, run_import, **_):
    write_article(
        "public.txt", article_text(webUrl=PUBLIC_URL, title="Public story, updated", published=True, topics=["Science"])
    )
    assert run_import(write_article.directory)[0] == 0


def reimport_the_public_article_as_withdrawn(write_article, run_import, public, **_):
    # No editor ever touched it: the file decides, and the import is what withdraws it.
    write_article(
        "public.txt", article_text(webUrl=PUBLIC_URL, title="Public story", published=False, topics=["Science"])
    )
    assert run_import(write_article.directory)[0] == 0
    assert not Article.objects.get(pk=public.pk).is_published


def correct_the_public_article_in_the_admin(public, admin_client, **_):
    edit_article_title(admin_client, public, "Public story, retitled")


def rename_a_public_topic(public, admin_client, **_):
    rename(admin_client, "topic", public.topics.get(), name="Sciences")


def rename_a_public_provider(public, admin_client, **_):
    rename(admin_client, "provider", public.provider, name="Example News, renamed")


def change_an_image_of_the_public_article(public, admin_client, **_):
    image = ArticleImage.objects.create(article=public, position=5, url="https://img.example.com/old.jpg")
    rename(admin_client, "articleimage", image, url="https://img.example.com/new.jpg")


def delete_the_public_article(public, admin_client, **_):
    delete(admin_client, public)


@pytest.mark.parametrize(
    "change",
    [
        publish_the_draft,
        withdraw_the_public_article,
        reimport_the_changed_public_article,
        reimport_the_public_article_as_withdrawn,
        correct_the_public_article_in_the_admin,
        rename_a_public_topic,
        rename_a_public_provider,
        change_an_image_of_the_public_article,
        delete_the_public_article,
    ],
    ids=lambda change: change.__name__,
)
def test_a_change_readers_see_moves_every_public_validator(
    client, admin_client, editor, catalogue, write_article, run_import, change
):
    public, draft = catalogue
    # Imported last, so a withdrawal or deletion of the public article leaves the newest import where it was;
    # and the pages still have something to list.
    factories.article(topics=("Science",), imported_at=timezone.now())
    before = validators(client)
    change(
        public=public,
        draft=draft,
        editor=editor,
        admin_client=admin_client,
        write_article=write_article,
        run_import=run_import,
    )
    assert changed_etags(client, before) == PUBLIC_ADDRESSES


def test_an_import_that_withdraws_an_article_is_audited(catalogue, write_article, run_import):
    public, _ = catalogue
    write_article("public.txt", article_text(webUrl=PUBLIC_URL, title="Public story", published=False))
    assert run_import(write_article.directory)[0] == 0
    change = public.editorial_changes.get()
    assert (change.field, change.old_value, change.new_value, change.via, change.user) == (
        "is_published",
        True,
        False,
        "import",
        None,
    )


# --- The API and the response cache -----------------------------------------------------------------


def test_the_apis_topics_and_providers_say_nothing_of_a_new_draft(api, catalogue, write_article, run_import, settings):
    addresses = ["/api/v1/topics/", "/api/v1/providers/", "/api/v1/articles/"]
    before = {address: api.get(address) for address in addresses}
    write_article(
        "another.txt",
        article_text(
            webUrl="https://secret.example/news/1",
            published=False,
            topics=["Secret"],
            provider={"name": "Secret Wire", "domain": "secret.example"},
        ),
    )
    assert run_import(write_article.directory)[0] == 0
    for address in addresses:
        again = api.get(address, headers={"If-None-Match": before[address]["ETag"]})
        assert again.status_code == 304, address


def test_a_page_rendered_again_after_a_drafts_change_keeps_its_validators(
    client, catalogue, settings, editor, django_capture_on_commit_callbacks
):
    settings.NEWSDESK_CACHE_SECONDS = 30
    _, draft = catalogue
    first = client.get("/")
    with django_capture_on_commit_callbacks(execute=True):  # a new catalogue generation: the page is rendered again
        article_set_quality(article=draft, quality=1, user=editor)
    again = client.get("/")
    assert (again["ETag"], again["Last-Modified"]) == (first["ETag"], first["Last-Modified"])
    assert client.get("/", headers={"If-None-Match": first["ETag"]}).status_code == 304


# --- Cost --------------------------------------------------------------------------------------------


def test_the_validator_is_one_query_of_index_lookups(client, catalogue, admin_client, django_assert_num_queries):
    public, _ = catalogue
    rename(admin_client, "provider", public.provider, name="Example News, renamed")  # a PublicEdit row to find
    plan = "\n".join(query_plan(public_changes_sql(connection)))
    for index in ("article_published_imported_idx", "editorial_publication_idx", "articles_publicedit_changed_at"):
        assert index in plan, plan
    if connection.vendor == "postgresql":
        assert "Seq Scan" not in plan and "Sort" not in plan, plan
    else:
        assert "SCAN articles" not in plan, plan  # SEARCH: the newest entry of each index
    etag = client.get("/")["ETag"]
    with django_assert_num_queries(1):
        assert client.get("/", headers={"If-None-Match": etag}).status_code == 304
