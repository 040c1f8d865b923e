"""import_articles against the database: what the seeds become, identity and dedupe, idempotence,
editorial decisions surviving re-imports, dry runs and reports, exit statuses, and bad input."""

import dataclasses
import datetime as dt
import json
import logging
import os
import re
from pathlib import Path

import pytest
import yaml
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles import services
from articles.ingest import parse
from articles.models import Article, EditorialChange, RelatedLink, SourceFile, TaggedTopic, Topic
from providers.models import Provider
from tests.factories import article_text

pytestmark = pytest.mark.django_db

CONTROL_CHARACTER = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
SUMMARY_LINE = re.compile(
    r"^(Imported|Would import) (\d+) files: (\d+) created, (\d+) updated, (\d+) unchanged, (\d+) rejected "
    r"\((\d+) with warnings\) in \d+\.\ds\.$"
)


# --------------------------------------------------------------------------- helpers


def seed(directory: Path, prefix: str) -> Path:
    """The seed file whose name starts with ``prefix`` ("000" … "004")."""
    (path,) = directory.glob(f"{prefix}_*.txt")
    return path


def seed_front_matter(path: Path) -> dict:
    return next(yaml.safe_load_all(path.read_text(encoding="utf-8")))


def catalogue_snapshot(*, timestamps: bool = True, editor_marks: bool = True) -> dict:
    """Everything the catalogue holds about its articles, comparable across databases (no row ids)."""
    skipped = {"id", "provider", "story"}
    if not timestamps:
        skipped |= {"imported_at", "first_imported_at"}
    if not editor_marks:
        skipped |= {"published_set_by_editor", "quality_set_by_editor"}
    articles = {}
    for article in Article.objects.with_related().order_by("source_key"):
        row = {f.name: getattr(article, f.attname) for f in Article._meta.concrete_fields if f.name not in skipped}
        row["provider"] = article.provider.domain if article.provider else None
        row["topics"] = [tagged.tag.name for tagged in article.tagged_topics.all()]
        row["images"] = [
            (image.position, image.url, image.width, image.height, image.is_cached, image.title)
            for image in article.images.all()
        ]
        row["related"] = [
            (
                link.position,
                link.title,
                link.excerpt,
                link.url,
                link.amp_url,
                link.cdn_amp_url,
                link.published_at,
                link.article_type,
                link.provider.domain if link.provider else None,
                link.quality,
                link.images,
                link.extra,
                link.article.source_key if link.article else None,
            )
            for link in article.related_links.all()
        ]
        articles[article.source_key] = row
    # A story by its members (its id and slug say when and from what it was first made).
    members: dict = {}
    for source_key, story in Article.objects.values_list("source_key", "story_id"):
        members.setdefault(story, []).append(source_key)
    for source_key, story in Article.objects.values_list("source_key", "story_id"):
        articles[source_key]["story"] = sorted(members[story]) if story else None
    return {
        "articles": articles,
        "providers": list(
            Provider.objects.order_by("domain").values(
                "domain", "name", "slug", "logo_url", "logo_width", "logo_height"
            )
        ),
        "topics": list(Topic.objects.order_by("slug").values_list("name", "slug")),
    }


def strings(value):
    """Every string (keys included) inside a snapshot."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from strings(key)
            yield from strings(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from strings(item)


def read_report(path: Path) -> dict[str, dict]:
    """The JSON report's entries, by file name."""
    return {Path(entry["path"]).name: entry for entry in json.loads(path.read_text(encoding="utf-8"))["files"]}


def summary_counts(stdout: str) -> tuple[int, ...]:
    (line,) = stdout.splitlines()
    match = SUMMARY_LINE.match(line)
    assert match, line
    return tuple(int(number) for number in match.groups()[1:])


def import_in_runs(run_import, directory: Path, runs: list[list[str]]) -> None:
    for names in runs:
        status, stdout, stderr = run_import(*[directory / name for name in names])
        assert status == 0, stderr


TOGETHER_OR_APART = pytest.mark.parametrize(
    "runs", [[["a.txt", "b.txt"]], [["a.txt"], ["b.txt"]]], ids=["one-run", "two-runs"]
)

RICH_ARTICLE = article_text(
    topics=["Computer Vision", "AI"],
    images=[{"url": "https://example.com/a.jpg", "width": 800, "height": 600, "isCached": True}],
    related=[
        {
            "title": "Elsewhere",
            "webUrl": "https://other.example.org/story",
            "provider": {"name": "Other", "domain": "other.example.org"},
            "quality": 40,
        }
    ],
)


# --------------------------------------------------------------------------- the seeds


def test_seeds_import_as_four_front_matter_articles_and_one_draft(run_import, seeds_dir):
    status, stdout, stderr = run_import(seeds_dir)

    assert status == 0, stderr
    assert summary_counts(stdout) == (5, 5, 0, 0, 0, 1)
    assert sorted(Article.objects.values_list("schema_era", flat=True)) == ["2020", "2024", "2024", "2024", "body"]


def test_body_only_seed_is_an_unpublished_draft_for_review(imported_seeds):
    text = seed(imported_seeds, "004").read_text(encoding="utf-8")

    draft = Article.objects.get(is_draft=True)

    assert draft.title == "Add thelocalreport.in As A Trusted Source"
    assert draft.url is None
    assert draft.is_published is False
    assert draft.needs_review is True
    assert draft.body == text.strip()


@pytest.mark.parametrize(
    "runs", [[["000"], ["001"]], [["001"], ["000"]], [["001", "000"]]], ids=["cited-first", "citing-first", "one-run"]
)
def test_related_link_to_a_catalogue_article_is_resolved_in_either_import_order(run_import, seeds_dir, runs):
    for prefixes in runs:
        status, _, stderr = run_import(*[seed(seeds_dir, prefix) for prefix in prefixes])
        assert status == 0, stderr
    cited = Article.objects.get(title="Live Facial Recognition used in Croydon")
    citing = Article.objects.get(title="Live facial recognition helps deliver justice in Croydon")

    resolved = RelatedLink.objects.filter(article__isnull=False)

    assert [(link.source, link.article) for link in resolved] == [(citing, cited)]


@pytest.mark.parametrize("changed", ["000", "001"])  # the cited article's file, or the citing one's
def test_a_link_left_unresolved_is_repaired_by_the_next_import_of_either_end(imported_seeds, run_import, changed):
    # What a race between two imports could leave behind: a link to a catalogue article, unresolved.
    link = RelatedLink.objects.get(article__isnull=False)
    RelatedLink.objects.update(article=None)
    path = seed(imported_seeds, changed)
    path.write_text(path.read_text(encoding="utf-8").replace('excerpt: "', 'excerpt: "Updated. ', 1), encoding="utf-8")

    status, stdout, stderr = run_import(imported_seeds)

    assert status == 0 and "1 updated" in stdout, stderr
    assert list(RelatedLink.objects.filter(article__isnull=False).values_list("url", "article")) == [
        (link.url, link.article_id)
    ]


def test_no_stored_text_contains_mojibake(imported_seeds):
    repaired = RelatedLink.objects.get(source__source_path=seed(imported_seeds, "001").name, position=2)

    assert repaired.excerpt.startswith("As part of the Met’s ongoing work")
    assert [text for text in strings(catalogue_snapshot()) if "â€" in text] == []


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003"])
def test_secured_payload_is_kept_byte_for_byte(imported_seeds, prefix):
    path = seed(imported_seeds, prefix)

    article = Article.objects.get(source_path=path.name)

    assert article.secured == seed_front_matter(path)["secured"]


def test_providers_of_articles_and_related_links_are_created_once_per_domain(imported_seeds):
    domains = set()
    for path in imported_seeds.glob("00[0-3]_*.txt"):
        front_matter = seed_front_matter(path)
        domains.add(front_matter["provider"]["domain"])
        domains.update(related["provider"]["domain"] for related in front_matter["related"])

    assert set(Provider.objects.values_list("domain", flat=True)) == domains
    wired = Provider.objects.get(domain="wired.com")
    assert wired.name == "Wired"
    assert RelatedLink.objects.get(url__startswith="https://www.wired.com/").provider == wired


def test_unknown_keys_are_kept_in_extra(run_import, write_article):
    unknown = {"pipelineVersion": 7, "scores": {"relevance": [0.5, 1]}, "sourceUrl": "https://example.com/old"}
    write_article("a.txt", article_text(**unknown))

    status, _, stderr = run_import(write_article.directory)

    assert status == 0, stderr
    assert Article.objects.get().extra == unknown


# --------------------------------------------------------------------------- identity


@TOGETHER_OR_APART
def test_one_provider_per_normalised_domain(run_import, write_article, runs):
    write_article(
        "a.txt", article_text(webUrl="https://example.com/a", provider={"name": "Example", "domain": "www.Example.com"})
    )
    write_article(
        "b.txt", article_text(webUrl="https://example.com/b", provider={"name": "Example", "domain": "example.com"})
    )

    import_in_runs(run_import, write_article.directory, runs)

    provider = Provider.objects.get()
    assert provider.domain == "example.com"
    assert list(Article.objects.values_list("provider", flat=True)) == [provider.pk, provider.pk]


@TOGETHER_OR_APART
@pytest.mark.parametrize("first, second", [("AI", "ai"), ("Économie", "économie")])
def test_topics_match_whatever_their_case(run_import, write_article, runs, first, second):
    write_article("a.txt", article_text(webUrl="https://example.com/a", topics=[first, "Robotics"]))
    write_article("b.txt", article_text(webUrl="https://example.com/b", topics=[second]))

    import_in_runs(run_import, write_article.directory, runs)

    assert Topic.objects.count() == 2
    topic = Topic.objects.get(name=first)
    assert set(TaggedTopic.objects.filter(tag=topic).values_list("content_object__url", flat=True)) == {
        "https://example.com/a",
        "https://example.com/b",
    }


def test_topic_order_follows_the_file(run_import, write_article):
    write_article("a.txt", article_text(topics=["Zebra", "apple", "Mango"]))

    run_import(write_article.directory)

    article = Article.objects.with_related().get()
    assert [topic.name for topic in article.ordered_topics] == ["Zebra", "apple", "Mango"]


@TOGETHER_OR_APART
def test_urls_with_the_same_canonical_form_are_one_article(run_import, write_article, runs):
    write_article("a.txt", article_text(webUrl="https://example.com/news/story?id=7&utm_source=x#frag"))
    write_article("b.txt", article_text(webUrl="https://EXAMPLE.com/news/story?id=7"))

    import_in_runs(run_import, write_article.directory, runs)

    assert list(Article.objects.values_list("url", flat=True)) == ["https://example.com/news/story?id=7"]


def test_file_named_twice_in_one_run_is_imported_once(run_import, write_article):
    path = write_article("a.txt", article_text())

    status, stdout, stderr = run_import(path, write_article.directory)

    assert status == 0, stderr
    assert summary_counts(stdout) == (1, 1, 0, 0, 0, 0)
    assert SourceFile.objects.get().article == Article.objects.get()


def test_identical_files_in_two_imported_directories_make_one_article(run_import, tmp_path):
    for directory in ("first", "second"):
        (tmp_path / directory).mkdir()
        (tmp_path / directory / "story.txt").write_text(article_text(), encoding="utf-8")

    status, _, stderr = run_import(tmp_path / "first", tmp_path / "second")

    assert status == 0, stderr
    article = Article.objects.get()
    assert set(SourceFile.objects.values_list("article", flat=True)) == {article.pk}


# --------------------------------------------------------------------------- idempotence


def test_second_import_of_the_same_tree_is_unchanged_and_writes_nothing(run_import, imported_seeds, tmp_path):
    imported_at = dict(Article.objects.values_list("source_key", "imported_at"))
    before = catalogue_snapshot()

    with CaptureQueriesContext(connection) as queries:
        status, stdout, stderr = run_import(imported_seeds, report=tmp_path / "report.json")

    assert status == 0, stderr
    writes = [
        query["sql"] for query in queries if re.match(r"\s*(INSERT|UPDATE|DELETE)\b", query["sql"], re.IGNORECASE)
    ]
    assert writes == []
    assert [entry["outcome"] for entry in read_report(tmp_path / "report.json").values()] == ["unchanged"] * 5
    assert dict(Article.objects.values_list("source_key", "imported_at")) == imported_at
    assert catalogue_snapshot() == before


def test_changed_file_updates_the_source_fields(run_import, write_article, tmp_path):
    path = write_article("a.txt", RICH_ARTICLE)
    run_import(path)
    first = Article.objects.get()
    write_article(
        "a.txt",
        article_text(
            title="Corrected title", excerpt="More happened.", heat=12, topics=["AI", "Law"], quality=70, published=True
        ),
    )

    status, _, stderr = run_import(path, report=tmp_path / "report.json")

    assert status == 0, stderr
    assert read_report(tmp_path / "report.json")["a.txt"]["outcome"] == "updated"
    article = Article.objects.with_related().get()
    assert (article.pk, article.title, article.excerpt, article.heat) == (
        first.pk,
        "Corrected title",
        "More happened.",
        12,
    )
    assert (article.quality, article.is_published) == (70, True)  # no editor has decided them: the file does
    assert [topic.name for topic in article.ordered_topics] == ["AI", "Law"]
    assert list(article.images.all()) == list(article.related_links.all()) == []
    assert article.first_imported_at == first.first_imported_at


# --------------------------------------------------------------------------- editorial decisions

EDITOR_ACTIONS = pytest.mark.parametrize(
    "action, arguments, field, editor_value, file_fields",
    [
        pytest.param(services.article_publish, {}, "is_published", True, {"published": False}, id="publish"),
        pytest.param(services.article_unpublish, {}, "is_published", False, {"published": True}, id="unpublish"),
        pytest.param(services.article_set_quality, {"quality": 90}, "quality", 90, {"quality": 10}, id="quality"),
    ],
)
FILE_VALUE = {"is_published": "published", "quality": "quality"}
LOCK = {"is_published": "published_set_by_editor", "quality": "quality_set_by_editor"}


@EDITOR_ACTIONS
def test_editor_decision_survives_reimport_of_the_same_and_of_a_changed_file(
    run_import, write_article, editor, action, arguments, field, editor_value, file_fields
):
    path = write_article("a.txt", article_text(**file_fields))
    run_import(path)
    action(article=Article.objects.get(), user=editor, **arguments)

    run_import(path)
    assert getattr(Article.objects.get(), field) == editor_value

    write_article("a.txt", article_text(title="Corrected title", **file_fields))
    status, _, stderr = run_import(path)

    assert status == 0, stderr
    article = Article.objects.get()
    assert article.title == "Corrected title"
    assert getattr(article, field) == editor_value
    assert EditorialChange.objects.filter(via=EditorialChange.Via.IMPORT).count() == 0


@EDITOR_ACTIONS
@pytest.mark.parametrize("changed", [False, True], ids=["same-file", "changed-file"])
def test_overwrite_editorial_restores_the_file_value_and_audits_it(
    run_import, write_article, editor, action, arguments, field, editor_value, file_fields, changed
):
    path = write_article("a.txt", article_text(**file_fields))
    run_import(path)
    action(article=Article.objects.get(), user=editor, **arguments)
    if changed:
        write_article("a.txt", article_text(title="Corrected title", **file_fields))

    status, _, stderr = run_import(path, overwrite_editorial=True)

    assert status == 0, stderr
    article = Article.objects.get()
    file_value = file_fields[FILE_VALUE[field]]
    assert getattr(article, field) == file_value
    assert getattr(article, LOCK[field]) is False
    change = EditorialChange.objects.get(via=EditorialChange.Via.IMPORT)
    assert (change.field, change.old_value, change.new_value, change.user) == (field, editor_value, file_value, None)


@pytest.mark.parametrize(
    "action, arguments, untouched, file_value",
    [
        pytest.param(
            services.article_set_quality, {"quality": 90}, "published", True, id="quality-set-published-follows"
        ),
        pytest.param(services.article_publish, {}, "quality", 10, id="published-set-quality-follows"),
    ],
)
def test_field_the_editor_did_not_touch_follows_the_file(
    run_import, write_article, editor, action, arguments, untouched, file_value
):
    path = write_article("a.txt", article_text(published=False, quality=50))
    run_import(path)
    action(article=Article.objects.get(), user=editor, **arguments)
    write_article("a.txt", article_text(**{"published": False, "quality": 50, untouched: file_value}))

    run_import(path)

    article = Article.objects.get()
    assert getattr(article, {"published": "is_published", "quality": "quality"}[untouched]) == file_value


# --------------------------------------------------------------------------- dry run and report


def test_dry_run_reports_outcomes_and_leaves_the_database_as_it_was(run_import, seeds_dir, tmp_path):
    run_import(seed(seeds_dir, "000"))
    path = seed(seeds_dir, "000")
    original = path.read_text(encoding="utf-8")
    path.write_text(original.replace('used in Croydon"', 'used in Croydon again"', 1), encoding="utf-8")
    assert path.read_text(encoding="utf-8") != original
    before = (catalogue_snapshot(), list(SourceFile.objects.values_list("path", "content_hash", "imported_at")))

    status, stdout, stderr = run_import(seeds_dir, dry_run=True, report=tmp_path / "report.json")

    assert status == 0, stderr
    assert stdout.startswith("Would import")
    assert summary_counts(stdout) == (5, 4, 1, 0, 0, 1)
    outcomes = {name[:3]: entry["outcome"] for name, entry in read_report(tmp_path / "report.json").items()}
    assert outcomes == {"000": "updated", "001": "created", "002": "created", "003": "created", "004": "created"}
    assert (catalogue_snapshot(), list(SourceFile.objects.values_list("path", "content_hash", "imported_at"))) == before
    assert Article.objects.count() == 1


def test_report_has_one_entry_per_file_with_outcome_and_messages(run_import, write_article, tmp_path):
    write_article("good.txt", article_text(webUrl="https://example.com/good"))
    write_article(
        "warned.txt", article_text(webUrl="https://example.com/warned", publishedDateTime="2024-03-01T10:00:00")
    )
    write_article("bad.txt", article_text(webUrl="https://example.com/bad", title=None, quality=500))

    status, _, _ = run_import(write_article.directory, report=tmp_path / "report.json")

    assert status == 1
    report = read_report(tmp_path / "report.json")
    assert {name: entry["outcome"] for name, entry in report.items()} == {
        "bad.txt": "rejected",
        "good.txt": "created",
        "warned.txt": "created",
    }
    assert report["good.txt"]["messages"] == []
    (warning,) = report["warned.txt"]["messages"]
    assert "warned.txt" in warning and "time zone" in warning
    (rejection,) = report["bad.txt"]["messages"]
    assert "bad.txt" in rejection and "title" in rejection and "quality" in rejection


def test_each_run_logs_its_summary_as_structured_fields(run_import, write_article, caplog):
    write_article("good.txt", article_text(webUrl="https://example.com/good"))
    write_article("bad.txt", article_text(webUrl="https://example.com/bad", title=None))

    with caplog.at_level(logging.INFO, logger="newsdesk.import"):
        run_import(write_article.directory)
        run_import(write_article.directory, dry_run=True)

    first, dry = [record for record in caplog.records if record.name == "newsdesk.import"]
    assert first.getMessage() == "import finished"
    assert (first.files, first.files_created, first.files_updated, first.files_unchanged, first.files_rejected) == (
        2,
        1,
        0,
        0,
        1,
    )
    assert first.dry_run is False and dry.dry_run is True
    assert first.seconds >= 0 and first.files_per_second > 0
    assert first.paths == [str(write_article.directory)]


# --------------------------------------------------------------------------- exit status


def test_exit_status_is_1_when_a_file_is_rejected_and_the_others_are_imported(run_import, write_article):
    write_article("good.txt", article_text())
    write_article("bad.txt", article_text(webUrl="javascript:alert(1)"))

    status, stdout, stderr = run_import(write_article.directory)

    assert status == 1
    assert summary_counts(stdout) == (2, 1, 0, 0, 1, 0)
    assert "bad.txt" in stderr
    assert list(Article.objects.values_list("url", flat=True)) == ["https://example.com/news/a-test-article"]


@pytest.mark.parametrize(
    "arguments",
    [
        pytest.param(lambda d: ([d, d / "missing"], {}), id="nonexistent-path"),
        pytest.param(lambda d: ([d], {"batch_size": 0}), id="batch-size-0"),
        pytest.param(lambda d: ([d], {"report": str(d / "missing" / "report.json")}), id="report-directory-missing"),
        pytest.param(lambda d: ([d], {"report": str(d / "good.txt" / "report.json")}), id="report-directory-is-a-file"),
    ],
)
def test_bad_arguments_exit_with_status_2_before_importing_anything(run_import, write_article, arguments):
    write_article("good.txt", article_text())
    paths, options = arguments(write_article.directory)

    status, _, stderr = run_import(*paths, **options)

    assert status == 2
    assert stderr
    assert Article.objects.count() == 0


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    "broken",
    [
        pytest.param(article_text(title=None), id="title-removed"),
        pytest.param(article_text(webUrl="javascript:alert(1)"), id="javascript-url"),
        pytest.param(
            "---\ntitle: [never closed\nwebUrl: https://example.com/news/a-test-article\n---\n", id="invalid-yaml"
        ),
        pytest.param(article_text(quality=101), id="quality-out-of-range"),
    ],
)
def test_broken_version_of_an_imported_file_is_rejected_and_damages_nothing(run_import, write_article, broken):
    path = write_article("a.txt", RICH_ARTICLE)
    run_import(path)
    before = (catalogue_snapshot(), list(SourceFile.objects.values_list("path", "content_hash", "imported_at")))
    write_article("a.txt", broken)

    status, _, stderr = run_import(path)

    assert status == 1
    assert "a.txt" in stderr
    assert (catalogue_snapshot(), list(SourceFile.objects.values_list("path", "content_hash", "imported_at"))) == before
    assert len(before[0]["articles"]["https://example.com/news/a-test-article"]["related"]) == 1


def test_a_file_the_database_refuses_does_not_lose_the_rest_of_its_batch(
    run_import, write_article, monkeypatch, tmp_path
):
    for name in "abc":
        write_article(
            f"{name}.txt", article_text(webUrl=f"https://example.com/{name}", title=f"Story {name}", topics=[name])
        )
    parse_for_import = parse.parse_for_import

    def parse_letting_an_out_of_range_quality_through(data, *, display, **options):
        result = parse_for_import(data, display=display, **options)
        # A value the parser should have caught: the database's check constraint refuses it.
        if display.endswith("b.txt"):
            return dataclasses.replace(result, article=dataclasses.replace(result.article, quality=500))
        return result

    monkeypatch.setattr(parse, "parse_for_import", parse_letting_an_out_of_range_quality_through)

    # One process, so the patched parser is the one that runs.
    status, _, _ = run_import(write_article.directory, report=tmp_path / "report.json", workers=1)

    assert status == 1
    assert sorted(Article.objects.values_list("title", flat=True)) == ["Story a", "Story c"]
    assert sorted(TaggedTopic.objects.values_list("tag__name", flat=True)) == ["a", "c"]
    report = read_report(tmp_path / "report.json")
    assert [report[name]["outcome"] for name in ("a.txt", "b.txt", "c.txt")] == ["created", "rejected", "created"]
    assert "b.txt" in report["b.txt"]["messages"][0]


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(article_text().encode() + b"\nA body with a raw \x00 NUL and \x07 bell.\n", id="raw-in-body"),
        pytest.param(
            article_text(title="Title \0 with \x07 escapes", excerpt="Ex\x1bcerpt").encode(), id="yaml-escapes-in-text"
        ),
        pytest.param(
            article_text(provider={"name": "Ex\0ample", "domain": "example.com"}, topics=["A\0I"]).encode(),
            id="yaml-escapes-in-provider-and-topic",
        ),
        pytest.param(
            article_text(**{"odd\0key": "value \0 here", "nested": {"k\x01": ["\0"]}}).encode(),
            id="yaml-escapes-in-unknown-keys",
        ),
        pytest.param(
            article_text(
                images=[{"url": "https://example.com/a.jpg", "title": "Pic\0ture"}],
                related=[{"title": "Rel\0ated", "excerpt": "Ex\0", "webUrl": "https://example.org/r", "note": "\0"}],
            ).encode(),
            id="yaml-escapes-in-images-and-related",
        ),
    ],
)
def test_nul_and_control_characters_never_reach_the_database(run_import, write_article, content):
    write_article("a.txt", content)

    status, _, stderr = run_import(write_article.directory)

    assert status == 0, stderr
    assert Article.objects.count() == 1
    # The snapshot holds every stored text: fields, unknown keys, import warnings, providers, topics.
    assert [text for text in strings(catalogue_snapshot()) if CONTROL_CHARACTER.search(text)] == []


def test_raw_nul_inside_front_matter_rejects_the_file_with_a_message(run_import, write_article, tmp_path):
    write_article("a.txt", article_text(title="Title XX").encode().replace(b"XX", b"\x00"))

    status, _, _ = run_import(write_article.directory, report=tmp_path / "report.json")

    assert status == 1
    (message,) = read_report(tmp_path / "report.json")["a.txt"]["messages"]
    assert "a.txt" in message and "database" not in message
    assert Article.objects.count() == 0


def test_file_whose_name_is_not_utf8_is_rejected_and_the_others_imported(run_import, write_article, tmp_path):
    write_article("good.txt", article_text())
    write_article(os.fsdecode(b"bad\xff.txt"), article_text(webUrl="https://example.com/other"))

    status, _, _ = run_import(write_article.directory, report=tmp_path / "report.json")

    assert status == 1
    report = read_report(tmp_path / "report.json")
    assert {name: entry["outcome"] for name, entry in report.items()} == {
        "bad\ufffd.txt": "rejected",
        "good.txt": "created",
    }
    assert "not valid UTF-8" in report["bad\ufffd.txt"]["messages"][0]
    assert list(Article.objects.values_list("url", flat=True)) == ["https://example.com/news/a-test-article"]


@pytest.mark.parametrize("spare_bytes, outcome", [(0, "created"), (-1, "rejected")], ids=["at-limit", "over-limit"])
def test_files_over_the_size_limit_are_rejected_with_a_message_saying_so(
    run_import, write_article, settings, tmp_path, spare_bytes, outcome
):
    path = write_article("big.txt", article_text())
    settings.NEWSDESK_IMPORT_MAX_BYTES = path.stat().st_size + spare_bytes

    run_import(path, report=tmp_path / "report.json")

    entry = read_report(tmp_path / "report.json")["big.txt"]
    assert entry["outcome"] == outcome
    assert Article.objects.count() == (1 if outcome == "created" else 0)
    if outcome == "rejected":
        (message,) = entry["messages"]
        assert "big.txt" in message and "limit" in message


def test_zone_less_date_is_stored_as_utc_with_a_warning(run_import, write_article, tmp_path):
    write_article("a.txt", article_text(publishedDateTime="2024-03-01T10:00:00"))

    status, _, _ = run_import(write_article.directory, report=tmp_path / "report.json")

    assert status == 0
    article = Article.objects.get()
    assert article.published_at == dt.datetime(2024, 3, 1, 10, 0, tzinfo=dt.UTC)
    assert article.needs_review is True
    (message,) = read_report(tmp_path / "report.json")["a.txt"]["messages"]
    assert "publishedDateTime" in message and "time zone" in message
