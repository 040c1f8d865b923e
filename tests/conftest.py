"""Fixtures shared by the suite: seeds, imports, articles, and API clients and catalogues."""

import datetime as dt
import shutil
import textwrap
from io import StringIO
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.management import call_command
from rest_framework.test import APIClient

from articles.models import Article, ArticleImage, RelatedLink, TaggedTopic
from articles.services import article_publish
from tests import factories
from tests.articles.api_support import BASE_DATE, EDITOR_PERMISSIONS, PIPELINE_PERMISSIONS, token_client, user_with

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def require_tool(present: bool, what: str) -> None:
    """Fail, never skip, the test that needs a tool the machine lacks, saying how to get it."""
    if not present:
        pytest.fail(f"{what} is not installed: `make test` installs it (.ci/test-machine)", pytrace=False)


@pytest.fixture
def seeds_dir(tmp_path) -> Path:
    """A private copy of the seeds, safe to modify."""
    target = tmp_path / "seeds"
    shutil.copytree(SEEDS, target)
    return target


@pytest.fixture
def run_import():
    """Run import_articles; returns (exit status, stdout, stderr)."""

    def run(*args, **options):
        from django.core.management.base import CommandError

        stdout, stderr = StringIO(), StringIO()
        try:
            call_command(
                "import_articles", *[str(a) for a in args], stdout=stdout, stderr=stderr, no_progress=True, **options
            )
            status = 0
        except CommandError as error:
            status = error.returncode
            stderr.write(str(error))
        return status, stdout.getvalue(), stderr.getvalue()

    return run


@pytest.fixture
def write_article(tmp_path):
    """Write an article file from (dedented) text or bytes; returns its path."""
    directory = tmp_path / "articles"
    directory.mkdir()

    def write(name: str, content, *, dedent: bool = True) -> Path:
        path = directory / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content).lstrip("\n") if dedent else content, encoding="utf-8")
        return path

    write.directory = directory
    return write


@pytest.fixture
def editor(django_user_model):
    return django_user_model.objects.create_user(username="editor", password="a-long-test-password", is_staff=True)


@pytest.fixture
def make_article(db):
    """Create an article directly (no file), with a provider; keyword arguments override fields."""
    return factories.article_maker()


@pytest.fixture
def imported_seeds(db, seeds_dir):
    """The seeds imported into the catalogue."""
    call_command("import_articles", str(seeds_dir), stdout=StringIO(), stderr=StringIO(), no_progress=True)
    return seeds_dir


# --------------------------------------------------------------------------- the API


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache: no rate limit used, no catalogue generation, no cached response."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def api_editor(db, django_user_model):
    """A user with the article permissions the API asks for."""
    return user_with(django_user_model, "api-editor", EDITOR_PERMISSIONS)


@pytest.fixture
def editor_api(api_editor):
    """An API client authenticated as ``api_editor`` with a token."""
    return token_client(api_editor)


@pytest.fixture
def pipeline_user(db, django_user_model):
    """The pipeline's account: it creates articles and updates their content through the API, and curates nothing."""
    return user_with(django_user_model, "pipeline", PIPELINE_PERMISSIONS)


@pytest.fixture
def pipeline_api(pipeline_user):
    return token_client(pipeline_user)


@pytest.fixture
def reader_api(db, django_user_model):
    """Authenticated, but with no permission at all."""
    return token_client(django_user_model.objects.create_user(username="reader"))


@pytest.fixture
def build_catalogue(make_article):
    """``build(n)`` creates n articles (published unless told), each with two topics, an image and
    two related links, one of them to the previous article. Returns them oldest first."""
    topics = [factories.topic(name) for name in ("AI", "Science", "Politics")]
    bbc = factories.provider("bbc.com", "BBC")
    made: list[Article] = []

    def build(count: int, *, published: bool = True, **fields) -> list[Article]:
        batch = []
        for _ in range(count):
            index = len(made)
            article = make_article(
                title=f"Story {index:03d}",
                excerpt=f"Excerpt {index}",
                body=f"Body of story {index}",
                published_at=BASE_DATE + dt.timedelta(hours=index),
                is_published=published,
                quality=index % 101,
                heat=index * 10,
                category="news",
                article_type="article",
                **fields,
            )
            TaggedTopic.objects.bulk_create(
                [
                    TaggedTopic(content_object=article, tag=topics[index % 3], position=0),
                    TaggedTopic(content_object=article, tag=topics[(index + 1) % 3], position=1),
                ]
            )
            ArticleImage.objects.create(
                article=article,
                position=0,
                url=f"https://img.example.com/{index}.jpg",
                width=640,
                height=480,
                title=f"Image {index}",
            )
            RelatedLink.objects.create(
                source=article, position=0, title="Elsewhere", url=f"https://bbc.com/{index}", provider=bbc, quality=70
            )
            if made:
                previous = made[-1]
                RelatedLink.objects.create(
                    source=article, position=1, title=previous.title, url=previous.url, article=previous
                )
            made.append(article)
            batch.append(article)
        return batch

    return build


@pytest.fixture
def published_seeds(imported_seeds):
    """The seeds imported, then 000, 002 and 003 published (001 and the body-only draft stay held back)."""
    for article in Article.objects.exclude(source_path__startswith="001").filter(is_draft=False):
        article_publish(article=article)
    return imported_seeds
