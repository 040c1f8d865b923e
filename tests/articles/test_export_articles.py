"""export_articles: the catalogue written back in the import format, so import → export → import is lossless."""

import os
import resource
import signal
import stat
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from articles import services
from articles.ingest.export import article_file_text
from articles.ingest.frontmatter import load_front_matter, split_front_matter
from articles.ingest.parse import parse_bytes
from articles.models import Article, SourceFile, Topic
from providers.models import Provider
from tests.articles.test_import_articles import catalogue_snapshot, read_report, seed
from tests.articles.test_import_scale import PROJECT
from tests.factories import article_text

pytestmark = pytest.mark.django_db

# What the file format cannot carry, or what says when and how an import happened.
NOT_IN_FILES = ("imported_at", "first_imported_at", "content_hash", "published_set_by_editor", "quality_set_by_editor")


def export(directory: Path) -> str:
    stdout = StringIO()
    call_command("export_articles", str(directory), stdout=stdout)
    return stdout.getvalue()


def snapshot_of_file_content() -> dict:
    snapshot = catalogue_snapshot()
    for row in snapshot["articles"].values():
        for field in NOT_IN_FILES:
            del row[field]
    return snapshot


def empty_the_catalogue() -> None:
    Article.objects.all().delete()
    Provider.objects.all().delete()
    Topic.objects.all().delete()
    SourceFile.objects.all().delete()


def front_matter(text: str) -> dict:
    front, _ = split_front_matter(text)
    return load_front_matter(front)


@pytest.fixture
def curated_seeds(imported_seeds, editor):
    """The seeds imported, then curated: 000 published, 002 scored 90, 001 unpublished (as it was)."""
    by_prefix = {
        prefix: Article.objects.get(source_path=seed(imported_seeds, prefix).name) for prefix in ("000", "001", "002")
    }
    services.article_publish(article=by_prefix["000"], user=editor)
    services.article_set_quality(article=by_prefix["002"], quality=90, user=editor)
    services.article_unpublish(article=by_prefix["001"], user=editor)
    return imported_seeds


def test_export_writes_one_file_per_article_under_its_own_name(imported_seeds, tmp_path):
    stdout = export(tmp_path / "export")

    assert stdout.strip() == f"Exported 5 articles to {tmp_path / 'export'}."
    assert sorted(path.name for path in (tmp_path / "export").iterdir()) == sorted(
        path.name for path in imported_seeds.iterdir()
    )


def test_export_into_a_path_that_is_not_a_directory_exits_with_status_2(imported_seeds, tmp_path):
    (tmp_path / "taken").write_text("", encoding="utf-8")

    with pytest.raises(CommandError) as raised:
        export(tmp_path / "taken")

    assert raised.value.returncode == 2


def test_exported_files_get_the_usual_permissions(imported_seeds, tmp_path):
    export(tmp_path / "export")

    mask = os.umask(0o022)
    os.umask(mask)
    modes = {stat.S_IMODE(path.stat().st_mode) for path in (tmp_path / "export").iterdir()}
    assert modes == {0o666 & ~mask}


def test_export_that_fails_mid_file_leaves_no_partial_file(make_article, tmp_path):
    small = make_article(body="A short body.")
    make_article(body="A long body line.\n" * 10_000)
    # A real write failure: past RLIMIT_FSIZE the kernel refuses (EFBIG, as a full disk refuses
    # with ENOSPC); with SIGXFSZ ignored the write fails rather than the process being killed.
    limit = resource.getrlimit(resource.RLIMIT_FSIZE)
    previous = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, limit[1]))
    try:
        with pytest.raises(CommandError) as raised:
            export(tmp_path / "export")
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, limit)
        signal.signal(signal.SIGXFSZ, previous)

    assert raised.value.returncode == 2
    assert "File too large" in str(raised.value)
    # The file written before the failure is whole; the one it interrupted is not there at all.
    assert [path.name for path in (tmp_path / "export").iterdir()] == [f"{small.slug}.txt"]
    assert (tmp_path / "export" / f"{small.slug}.txt").read_text(encoding="utf-8") == article_file_text(small)


def test_export_killed_mid_file_leaves_only_a_temporary_file_that_imports_skip(run_import, tmp_path, scratch_database):
    feed = tmp_path / "feed"
    feed.mkdir()
    (feed / "a-small.txt").write_text(article_text(webUrl="https://example.com/small"), encoding="utf-8")
    (feed / "b-large.txt").write_text(
        article_text(webUrl="https://example.com/large") + "\n" + "A long body line.\n" * 60_000, encoding="utf-8"
    )
    for name in (
        "a-small.txt",
        "b-large.txt",
    ):  # in this order, so the small one has the first id and is exported first
        subprocess.run(
            [sys.executable, "manage.py", "import_articles", str(feed / name), "--no-progress"],
            cwd=PROJECT,
            env=scratch_database,
            check=True,
            capture_output=True,
            timeout=300,
        )
    limit = 256 * 1024

    def killed_past_the_limit():
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, resource.getrlimit(resource.RLIMIT_FSIZE)[1]))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))

    # Writing past RLIMIT_FSIZE sends SIGXFSZ, which kills (once Python's own ignoring of it is
    # undone): an interruption mid-file with no chance to clean up, as a crash or a SIGKILL.
    killed_by_sigxfsz = (
        "import runpy, signal, sys; signal.signal(signal.SIGXFSZ, signal.SIG_DFL);"
        f" sys.argv = ['manage.py', 'export_articles', {str(tmp_path / 'export')!r}];"
        " runpy.run_path('manage.py', run_name='__main__')"
    )
    exported = subprocess.run(
        [sys.executable, "-c", killed_by_sigxfsz],
        cwd=PROJECT,
        preexec_fn=killed_past_the_limit,
        env={**scratch_database, "PYTHONDONTWRITEBYTECODE": "1"},
        capture_output=True,
        timeout=300,
    )

    assert exported.returncode == -signal.SIGXFSZ, exported.stderr
    interrupted, complete = sorted((tmp_path / "export").iterdir())
    assert interrupted.name.startswith(".export-") and interrupted.name.endswith(".tmp")
    assert interrupted.stat().st_size == limit  # stopped mid-file
    assert complete.name == "a-small.txt"
    status, _, stderr = run_import(tmp_path / "export", report=tmp_path / "report.json")
    assert status == 0, stderr
    assert read_report(tmp_path / "report.json").keys() == {"a-small.txt"}


def test_reimport_of_the_export_into_an_empty_catalogue_rebuilds_it(curated_seeds, run_import, tmp_path):
    before = snapshot_of_file_content()
    export(tmp_path / "export")
    empty_the_catalogue()

    status, _, stderr = run_import(tmp_path / "export")

    assert status == 0, stderr
    assert snapshot_of_file_content() == before
    assert any(
        link[-1] for row in before["articles"].values() for link in row["related"]
    )  # a resolved link was compared


def test_reimport_of_the_export_into_the_same_catalogue_changes_nothing(imported_seeds, run_import, tmp_path):
    before = catalogue_snapshot()
    export(tmp_path / "export")

    status, _, stderr = run_import(tmp_path / "export", report=tmp_path / "report.json")

    assert status == 0, stderr
    assert [entry["outcome"] for entry in read_report(tmp_path / "report.json").values()] == ["unchanged"] * 5
    assert catalogue_snapshot() == before


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003"])
def test_exported_front_matter_is_the_seed_with_catalogue_values_and_repaired_text(curated_seeds, tmp_path, prefix):
    export(tmp_path / "export")
    path = seed(curated_seeds, prefix)
    article = Article.objects.get(source_path=path.name)
    original = front_matter(path.read_text(encoding="utf-8").replace("Metâ€™s", "Met’s"))

    exported = front_matter((tmp_path / "export" / path.name).read_text(encoding="utf-8"))

    assert (exported.pop("published"), exported.pop("quality")) == (article.is_published, article.quality)
    del original["published"], original["quality"]
    assert exported == original


def test_export_carries_the_editors_values(curated_seeds, tmp_path):
    export(tmp_path / "export")

    values = {
        path.name[:3]: (data["published"], data["quality"])
        for path in (tmp_path / "export").glob("00[0-3]_*.txt")
        for data in [front_matter(path.read_text(encoding="utf-8"))]
    }

    assert values == {"000": (True, 39), "001": (False, 39), "002": (False, 90), "003": (False, 88)}


def test_body_only_draft_exports_as_its_text(imported_seeds, tmp_path):
    export(tmp_path / "export")
    path = seed(imported_seeds, "004")

    exported = (tmp_path / "export" / path.name).read_text(encoding="utf-8")

    # The importer strips the text's surrounding blank lines; everything else comes back as it was.
    assert exported == path.read_text(encoding="utf-8").strip() + "\n"


def test_exported_yaml_has_no_anchors_or_aliases_when_values_repeat(run_import, write_article):
    def image():
        return {"url": "https://example.com/same.jpg", "width": 10, "height": 10}

    def related():
        return {"title": "Same", "webUrl": "https://example.org/same", "images": [image()]}

    write_article(
        "a.txt", article_text(images=[image(), image()], related=[related(), related()], scores=[1, 2], again=[1, 2])
    )
    assert run_import(write_article.directory)[0] == 0
    article = Article.objects.with_related().get()
    article.extra["again"] = article.extra["scores"]  # the very same object twice

    text = article_file_text(article)

    assert "&id" not in text and "*id" not in text
    assert front_matter(text)["again"] == [1, 2]


@pytest.mark.parametrize(
    "title",
    ["-.5", "+.5", "10:30", "0755", "1_000", "yes", "no", "null", "~", "true", "2024-01-01", "- dash", "a: b", "#1"],
)
def test_titles_that_look_like_other_values_come_back_as_text(make_article, title):
    make_article(title=title)

    result = parse_bytes(article_file_text(Article.objects.with_related().get()).encode(), source_path="a.txt")

    assert result.problems == ()
    assert result.article.title == title


def test_draft_whose_text_starts_with_a_fence_comes_back_as_a_draft(make_article):
    make_article(
        url=None,
        source_key="file:notes.txt",
        source_path="notes.txt",
        is_draft=True,
        schema_era="body",
        body="---\nnot front matter\n---\nstill text",
    )

    result = parse_bytes(article_file_text(Article.objects.with_related().get()).encode(), source_path="notes.txt")

    assert result.article.is_draft is True
    assert result.article.body == "---\nnot front matter\n---\nstill text"


def test_related_images_without_dimensions_export_as_they_were_imported(run_import, write_article, tmp_path):
    related = [
        {"title": "Other", "webUrl": "https://example.org/other", "images": [{"url": "https://example.org/o.jpg"}]}
    ]
    path = write_article("a.txt", article_text(related=related))
    run_import(path)

    export(tmp_path / "export")

    assert front_matter((tmp_path / "export" / "a.txt").read_text(encoding="utf-8"))["related"][0]["images"] == [
        {"url": "https://example.org/o.jpg"}
    ]


@pytest.mark.parametrize("name", ["story.yaml", ".hidden.txt"])
def test_article_imported_under_a_name_a_directory_import_skips_is_exported_under_one_it_reads(
    run_import, write_article, tmp_path, name
):
    run_import(write_article(name, article_text()))
    before = snapshot_of_file_content()
    export(tmp_path / "export")
    empty_the_catalogue()

    status, _, stderr = run_import(tmp_path / "export")

    assert status == 0, stderr
    assert snapshot_of_file_content()["articles"].keys() == before["articles"].keys()
