"""Small fixtures shared by the suite."""

import shutil
import textwrap
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


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
            call_command("import_articles", *[str(a) for a in args], stdout=stdout, stderr=stderr, no_progress=True, **options)
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


def article_text(**overrides) -> str:
    """A valid 2024-era article file; keyword arguments replace or (with None) remove top-level keys."""
    import yaml

    data = {
        "category": "news",
        "title": "A test article",
        "excerpt": "Something happened.",
        "publishedDateTime": "2024-03-01T10:00:00Z",
        "webUrl": "https://example.com/news/a-test-article",
        "type": "article",
        "quality": 50,
        "heat": -1,
        "published": False,
        "provider": {"name": "Example News", "domain": "example.com"},
        "topics": ["Testing"],
    }
    for key, value in overrides.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return "---\n" + yaml.safe_dump(data, sort_keys=False, allow_unicode=True) + "---\n"


@pytest.fixture
def editor(django_user_model):
    return django_user_model.objects.create_user(username="editor", password="a-long-test-password", is_staff=True)


@pytest.fixture
def make_article(db):
    """Create an article directly (no file), with a provider; keyword arguments override fields."""
    import itertools

    from articles.models import Article
    from providers.models import Provider

    counter = itertools.count(1)

    def make(**fields):
        number = next(counter)
        provider = fields.pop("provider", None) or Provider.objects.get_or_create(
            domain="example.com", defaults={"name": "Example News", "slug": "example-com"}
        )[0]
        url = fields.pop("url", f"https://example.com/news/{number}")
        defaults = {
            "source_key": url,
            "url": url,
            "slug": f"article-{number}",
            "title": f"Article {number}",
            "provider": provider,
            "quality": 50,
        }
        return Article.objects.create(**{**defaults, **fields})

    return make


@pytest.fixture
def imported_seeds(db, seeds_dir):
    """The seeds imported into the catalogue."""
    call_command("import_articles", str(seeds_dir), stdout=StringIO(), stderr=StringIO(), no_progress=True)
    return seeds_dir
