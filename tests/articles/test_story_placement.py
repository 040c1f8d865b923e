"""Imports place every article in a story: the same event from several providers is one story, the
same kind of event elsewhere or weeks later another; the grouping does not depend on file order,
editors' decisions survive later imports, and a failed batch leaves no article outside a story."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles import services
from articles.models import Article, EditorialChange, Story, StoryKey
from articles.stories import placement
from articles.stories.features import features_of, lookup_keys, same_event, similarity
from tests.articles.test_import_scale import _writes_held, query, start_import
from tests.factories import article_text, make_editor

pytestmark = pytest.mark.django_db

CROYDON = [
    (
        "met.police.uk",
        "Five arrested after Met uses LFR in Croydon",
        "Officers using live facial recognition in Croydon town centre arrested five people wanted for offences.",
        "2024-01-22T16:27:00Z",
    ),
    (
        "bbc.co.uk",
        "Met Police turns on face-scanning cameras in Croydon, 5 held",
        "The Metropolitan Police used live facial recognition cameras in Croydon on Monday; five people were arrested.",
        "2024-01-22T19:05:00Z",
    ),
    (
        "croydonadvertiser.co.uk",
        "Croydon facial recognition van leads to five arrests",
        "Five people were arrested in Croydon after the Met's live facial recognition cameras flagged them.",
        "2024-01-23T08:30:00Z",
    ),
]
STRATFORD_SAME_DAY = (
    "standard.co.uk",
    "Met deploys live facial recognition cameras at Stratford station",
    "Scotland Yard put its facial recognition vans outside Stratford's Westfield shopping centre in east London.",
    "2024-01-22T11:00:00Z",
)
CROYDON_WEEKS_LATER = (
    "theguardian.com",
    "Five arrested as Met uses LFR in Croydon again",
    "Officers using live facial recognition in Croydon town centre arrested five people on Saturday.",
    "2024-03-09T14:00:00Z",
)
UNRELATED = (
    "ft.com",
    "Bank of England holds interest rates at 5.25%",
    "The Monetary Policy Committee voted to keep Bank Rate unchanged as inflation eased in December.",
    "2024-01-22T12:00:00Z",
)


def write(directory, number, domain, title, excerpt, date, **extra):
    path = directory / f"{number:03d}.txt"
    path.write_text(
        article_text(
            title=title,
            excerpt=excerpt,
            publishedDateTime=date,
            webUrl=f"https://{domain}/news/{number}",
            provider={"name": domain, "domain": domain},
            **extra,
        ),
        encoding="utf-8",
    )
    return path


def grouping() -> set[frozenset[str]]:
    """The partition of the catalogue's URLs into stories."""
    stories: dict[int, set[str]] = {}
    for url, story in Article.objects.values_list("url", "story_id"):
        assert story is not None, f"{url} is in no story"
        stories.setdefault(story, set()).add(url)
    return {frozenset(urls) for urls in stories.values()}


def croydon_urls():
    return {f"https://{domain}/news/{n}" for n, (domain, *_) in enumerate(CROYDON)}


@pytest.fixture
def tree(tmp_path):
    directory = tmp_path / "feed"
    directory.mkdir()
    for n, item in enumerate(CROYDON):
        write(directory, n, *item)
    write(directory, 10, *STRATFORD_SAME_DAY)
    write(directory, 11, *CROYDON_WEEKS_LATER)
    write(directory, 12, *UNRELATED)
    return directory


def test_one_event_from_three_providers_is_one_story_and_the_rest_are_stories_of_their_own(tree, run_import):
    status, _, _ = run_import(tree)
    assert status == 0
    groups = grouping()
    assert frozenset(croydon_urls()) in groups
    assert len(groups) == 4  # Croydon; Stratford the same day; Croydon weeks later; the Bank of England
    story = Story.objects.get(size=3)
    assert story.provider_count == 0  # none of them is published
    assert story.first_seen_at.isoformat().startswith("2024-01-22T16:27")
    assert story.last_seen_at.isoformat().startswith("2024-01-23T08:30")
    assert story.lead.story_id == story.pk and story.headline == story.lead.title


def test_the_report_says_which_story_each_article_started_or_joined(tree, run_import, tmp_path):
    report_path = tmp_path / "report.json"
    run_import(tree, report=str(report_path))
    files = {entry["path"].rsplit("/", 1)[-1]: entry for entry in json.loads(report_path.read_text())["files"]}
    croydon = [files[f"{n:03d}.txt"]["story"] for n in range(3)]
    assert len({entry["slug"] for entry in croydon}) == 1
    assert sorted(entry["outcome"] for entry in croydon) == ["joined", "joined", "started"]
    assert files["012.txt"]["story"]["outcome"] == "started"
    assert Story.objects.filter(slug=croydon[0]["slug"], size=3).exists()


def test_the_grouping_does_not_depend_on_the_order_or_the_number_of_runs(tree, tmp_path, run_import):
    run_import(tree)
    in_one_run = grouping()
    Article.objects.all().delete()
    Story.objects.all().delete()
    # Newest first, one file per run.
    for path in sorted(tree.iterdir(), reverse=True):
        single = tmp_path / "one" / path.name
        single.parent.mkdir(exist_ok=True)
        for old in single.parent.iterdir():
            old.unlink()
        single.write_bytes(path.read_bytes())
        run_import(single.parent)
    assert grouping() == in_one_run


BRIDGE = [
    ("chroniclelive.co.uk", "Hexham bridge closed after flood damage", "Engineers shut the Hexham bridge over the Tyne after floodwater undermined a pier.", "2024-02-01T08:00:00Z"),
    ("hexhamcourant.co.uk", "Commuters face weeks of replacement buses", "Northern said rail passengers between Haltwhistle and Corbridge will travel on replacement buses.", "2024-02-01T09:00:00Z"),
    ("bbc.co.uk", "Hexham bridge closure puts Haltwhistle commuters on replacement buses", "The flood-damaged Hexham bridge over the Tyne is shut, and passengers between Haltwhistle and Corbridge take replacement buses.", "2024-02-01T12:00:00Z"),
]  # fmt: skip


def test_an_article_that_bridges_two_stories_merges_them_and_the_merged_one_leads_to_the_survivor(
    tmp_path, run_import, client
):
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    second.mkdir()
    bridge, bus, both = (features_of(title, excerpt, "") for _, title, excerpt, _ in BRIDGE)
    assert not same_event(bridge, bus, 1) and same_event(bridge, both, 4) and same_event(bus, both, 3)
    write(first, 0, *BRIDGE[0])
    write(first, 1, *BRIDGE[1])
    run_import(first)
    assert len(grouping()) == 2
    write(second, 2, *BRIDGE[2])
    run_import(second)
    assert len(grouping()) == 1
    [merged] = Story.objects.filter(merged_into__isnull=False)
    survivor = merged.merged_into
    assert merged.size == 0 and survivor.size == 3 and survivor.merged_into_id is None
    assert survivor.pk < merged.pk  # the older story survives


def test_a_reimport_of_an_unchanged_tree_changes_no_story(tree, run_import):
    run_import(tree)
    stories = list(Story.objects.order_by("pk").values())
    with CaptureQueriesContext(connection) as ran:
        run_import(tree)
    assert list(Story.objects.order_by("pk").values()) == stories
    assert not [q for q in ran.captured_queries if "articles_story" in q["sql"] and "UPDATE" in q["sql"]]


def test_a_changed_file_is_placed_again_and_its_old_story_is_recounted(tree, run_import):
    run_import(tree)
    write(tree, 2, "croydonadvertiser.co.uk", *UNRELATED[1:])  # now about the Bank of England
    run_import(tree)
    croydon = Story.objects.get(articles__url="https://met.police.uk/news/0")
    assert croydon.size == 2
    bank = Story.objects.get(articles__url="https://croydonadvertiser.co.uk/news/2")
    assert bank.size == 2 and bank.articles.filter(url="https://ft.com/news/12").exists()


def test_an_article_an_editor_placed_stays_placed_and_edited_stories_are_not_merged(tree, run_import):
    run_import(tree)
    editor = make_editor()
    article = Article.objects.get(url="https://bbc.co.uk/news/1")
    croydon = article.story
    alone = services.article_split_from_story(article=article, expected_story=croydon, user=editor)
    assert alone.size == 1 and Article.objects.get(pk=article.pk).story_placed_by_editor
    # Its file changes (still about Croydon) and a bridging article arrives: the split holds.
    write(tree, 1, "bbc.co.uk", CROYDON[1][1] + " town centre", *CROYDON[1][2:])
    write(
        tree,
        20,
        "sky.com",
        "Croydon LFR: five held by Met",
        CROYDON[0][2] + " " + CROYDON[1][2],
        "2024-01-22T20:00:00Z",
    )
    run_import(tree)
    assert Article.objects.get(pk=article.pk).story_id == alone.pk
    assert Story.objects.get(pk=croydon.pk).merged_into_id is None
    changes = EditorialChange.objects.filter(article=article, field=EditorialChange.Field.STORY)
    assert [(c.old_value, c.new_value, c.user) for c in changes] == [(croydon.slug, alone.slug, editor)]


def test_a_batch_that_fails_leaves_every_stored_article_in_exactly_one_story(tree, run_import, monkeypatch):
    calls = []
    real = placement.place_articles

    def fail_second_batch(features, **options):
        calls.append(len(features))
        if len(calls) == 2:
            raise KeyboardInterrupt  # the import is killed while placing its second batch
        return real(features, **options)

    monkeypatch.setattr("articles.ingest.load.place_articles", fail_second_batch)
    with pytest.raises(KeyboardInterrupt):
        run_import(tree, batch_size=3)
    assert Article.objects.count() == calls[0]  # the second batch was rolled back whole
    assert not Article.objects.filter(story__isnull=True).exists()
    assert not Story.objects.filter(size=0, merged_into__isnull=True).exists()


def test_with_clustering_off_every_article_is_a_story_of_its_own(tree, run_import, settings):
    settings.NEWSDESK_STORY_CLUSTERING = False
    run_import(tree)
    assert len(grouping()) == Article.objects.count() == 6


def test_the_candidate_lookup_is_an_index_search(tree, run_import):
    run_import(tree)
    features = features_of(*CROYDON[0][1:3], "")
    keys = lookup_keys(features, 738907)
    sql, params = StoryKey.objects.filter(key__in=keys).values_list("key", "article").query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
            plan = " ".join(str(row[-1]) for row in cursor.fetchall())
            assert "story_key_idx" in plan and "SCAN" not in plan, plan
        else:
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("EXPLAIN " + sql, params)
            plan = " ".join(row[0] for row in cursor.fetchall())
            assert "story_key_idx" in plan, plan


def test_similarity_is_symmetric_and_tells_the_place_apart():
    croydon = [features_of(title, excerpt, "") for _, title, excerpt, _ in CROYDON]
    stratford = features_of(*STRATFORD_SAME_DAY[1:3], "")
    for a in croydon:
        assert similarity(a, stratford) == pytest.approx(similarity(stratford, a))
        assert not same_event(a, stratford, hours_apart=5)
    assert same_event(croydon[0], croydon[1], hours_apart=3)
    assert not same_event(croydon[0], croydon[0], hours_apart=24 * 40)  # weeks apart: another event


def test_export_then_import_keeps_the_editors_story_decisions(tree, run_import, tmp_path):
    run_import(tree)
    editor = make_editor()
    moved = Article.objects.get(url="https://ft.com/news/12")
    croydon = Story.objects.get(articles__url="https://met.police.uk/news/0")
    services.article_move_to_story(article=moved, story=croydon, user=editor)
    lead = Article.objects.get(url="https://bbc.co.uk/news/1")
    services.story_set_lead(story=croydon, article=lead, user=editor)
    services.story_set_headline(story=croydon, headline="Croydon's face-scanning day", user=editor)
    exported = tmp_path / "export"
    call_command("export_articles", str(exported), stdout=StringIO())
    before = grouping()

    Article.objects.all().delete()
    Story.objects.all().delete()
    assert run_import(exported)[0] == 0
    assert grouping() == before
    story = Story.objects.get(slug=croydon.slug)
    assert (story.lead.url, story.lead_set_by_editor) == (lead.url, True)
    assert (story.headline, story.headline_set_by_editor) == ("Croydon's face-scanning day", True)
    assert Article.objects.get(url=moved.url).story_placed_by_editor


def test_a_bad_story_key_is_a_warning_and_the_article_is_placed_as_any_other(tmp_path, run_import):
    directory = tmp_path / "feed"
    directory.mkdir()
    write(directory, 0, *CROYDON[0], story={"slug": "Not A Slug!", "lead": "yes"})
    status, _, stderr = run_import(directory)
    assert status == 0
    assert "story.slug 'Not A Slug!' is not a slug" in stderr and "story.lead must be true or false" in stderr
    article = Article.objects.get()
    assert article.story is not None and not article.story_placed_by_editor


def test_no_import_makes_a_story_larger_than_the_cap(tree, run_import, monkeypatch):
    monkeypatch.setattr(placement, "MAX_AUTOMATIC_SIZE", 2)
    run_import(tree)
    croydon = {frozenset(group) for group in grouping() if group & croydon_urls()}
    assert sorted(len(group) for group in croydon) == [1, 2]  # three reports of one event, capped at two


def test_no_import_makes_a_story_span_more_than_five_days(tmp_path, run_import):
    directory = tmp_path / "feed"
    directory.mkdir()
    # Each two days after the last, each like the last: links, but a chain of them would span eight days.
    for n, day in enumerate(("01", "03", "05", "07", "09")):
        write(directory, n, f"site{n}.example", *CROYDON[n % 3][1:3], f"2024-02-{day}T10:00:00Z")
    run_import(directory)
    spans = [story.last_seen_at - story.first_seen_at for story in Story.objects.filter(size__gt=0)]
    assert len(spans) >= 2 and max(spans) <= placement.MAX_AUTOMATIC_SPAN


# Names no English text uses: each event's reports share them, no other event does.
EVENT_NAMES = ["Quorvanta", "Belmistra", "Tavrosk", "Unelwick", "Drazmoor", "Kelvaris", "Ostrevan", "Pyrmela"]
EVENT_TOWNS = ["Ashcombe", "Brindlemoor", "Caddington", "Dunmarrow", "Elsworth", "Fennick", "Glenholme", "Harrowby"]


def write_event_reports(directory, tree: str, halves: tuple[int, ...]) -> dict[str, int]:
    """Two reports of each event, in the words of two providers, the events four days apart (beyond the
    window one story may span, so only a concurrency fault could join or split them); returns URL -> event."""
    directory.mkdir(parents=True)
    events = {}
    for event, (name, town) in enumerate(zip(EVENT_NAMES, EVENT_TOWNS, strict=True)):
        for half in halves:
            domain = f"{tree}{half}.example"
            title, excerpt = [
                (f"Fire at {name} warehouse in {town} forces evacuation",
                 f"Firefighters fought a blaze at the {name} depot in {town}; forty workers were led out."),
                (f"{town}: {name} depot blaze, 40 evacuated",
                 f"Forty staff left the {name} warehouse in {town} as crews tackled the fire on Monday."),
                (f"{name} warehouse fire in {town} under control",
                 f"Crews brought the {town} fire at {name}'s depot under control after evacuating forty people."),
                (f"Evacuation as flames hit {name} site in {town}",
                 f"About forty workers were evacuated when fire broke out at the {name} warehouse, {town}."),
            ][half]  # fmt: skip
            url = f"https://{domain}/news/{event}"
            events[url] = event
            (directory / f"{event * 10 + half:03d}.txt").write_text(
                article_text(
                    title=title,
                    excerpt=excerpt,
                    publishedDateTime=f"2024-05-{1 + 4 * event:02d}T{8 + half:02d}:00:00Z",
                    webUrl=url,
                    provider={"name": domain, "domain": domain},
                    topics=[f"Fires {tree}"],  # nothing shared: the imports wait for each other only to place
                ),
                encoding="utf-8",
            )
    return events


def test_two_imports_placing_one_events_reports_at_once_make_one_story_of_it(tmp_path, scratch_database):
    """Each event's reports are split between two imports whose batches overlap: every event still ends
    as one story (a batch never places its articles while another's, placed but uncommitted, is unseen)."""
    events = write_event_reports(tmp_path / "first", "a", (0, 1)) | write_event_reports(
        tmp_path / "second", "b", (2, 3)
    )
    # Both held as they write their first story keys (their articles written, not yet placed): without
    # the placement lock, each would place its half of the first event unseen by the other.
    with _writes_held(scratch_database, waiting=2, table="articles_storykey"):
        imports = [
            start_import(scratch_database, tree, extra=("--batch-size", "2", "--workers", "1"))
            for tree in (tmp_path / "first", tmp_path / "second")
        ]
    for process in imports:
        _, stderr = process.communicate(timeout=300)
        assert process.returncode == 0, stderr

    stored = dict(query(scratch_database, "SELECT url, story_id FROM articles_article"))
    assert stored.keys() == events.keys()
    stories_of_event: dict[int, set] = {}
    for url, event in events.items():
        stories_of_event.setdefault(event, set()).add(stored[url])
    assert all(len(stories) == 1 for stories in stories_of_event.values()), stories_of_event
    assert len({story for stories in stories_of_event.values() for story in stories}) == len(EVENT_NAMES)


def test_a_story_takes_an_article_in_on_a_strong_link_or_on_several_weak_ones():
    weak, middling, strong, none = (
        placement.SAME_EVENT_THRESHOLD + 0.01,
        placement.SINGLE_LINK,
        placement.CONFIDENT_LINK,
        0.0,
    )
    assert placement._story_agrees([strong, none, none], size=5)
    assert placement._story_agrees([weak], size=1)  # two articles alone: the link is all there is
    assert not placement._story_agrees([weak], size=1, alone=False)  # a look-alike that came first
    assert placement._story_agrees([middling], size=1, alone=False)
    assert not placement._story_agrees([weak, none, none], size=3)  # one look-alike member of another event
    assert placement._story_agrees([weak, weak, none], size=3)
    assert not placement._story_agrees([weak, weak, none, none, none, none, none], size=7)
    assert not placement._story_agrees([none, none], size=2)


def test_a_key_more_articles_share_than_the_crowded_limit_sends_no_rows(tree, run_import):
    from articles.ingest.sql import select_rows

    run_import(tree)
    articles = list(Article.objects.values_list("id", flat=True)[:4])
    StoryKey.objects.bulk_create([StoryKey(key=-1, article_id=pk) for pk in articles[:3]])
    StoryKey.objects.create(key=-2, article_id=articles[3])
    with CaptureQueriesContext(connection) as queries:
        found = select_rows(StoryKey, ("key", "article"), "key", [-1, -2], at_most=2)
    assert found == [(-2, articles[3])]  # the database counted key -1's three rows and sent none
    assert len(queries.captured_queries) == 1
    assert sorted(select_rows(StoryKey, ("key", "article"), "key", [-1, -2])) == sorted(
        [(-1, pk) for pk in articles[:3]] + [(-2, articles[3])]
    )
