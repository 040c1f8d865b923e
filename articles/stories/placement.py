"""Placing imported articles in stories, a batch at a time, inside the batch's transaction.

Two articles are linked when ``features.same_event`` says so; a story is what the links join
(single linkage), so the grouping does not depend on the order the files arrive in: an article
that links two stories merges them. Candidates come from ``StoryKey`` (an article's heaviest
words on the days around its date), one lookup per batch: the cost per file depends on how many
articles share a word that week, not on the size of the catalogue.

Editors' decisions hold: an article an editor placed is never moved, and two stories an editor
has worked on are never merged by an import (new coverage may still join either).
"""

from __future__ import annotations

import datetime
import heapq
import secrets
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db import connections, router
from django.db.models import QuerySet
from django.utils import timezone

from ..ingest.sql import chunks, delete_rows, insert_rows, select_rows
from .features import SAME_EVENT_THRESHOLD, Features, candidate_keys, lookup_keys, match_score
from .models import Story, StoryKey

STARTED, JOINED, STAYED = "started", "joined", "stayed"
# The most articles one article is compared with: those sharing most of its key words. More finds no
# more of its own event (single linkage reaches the rest) but more look-alikes (bench/story_bench.py).
CANDIDATES = 4
# No import makes a story larger or longer than this (an editor may): a chain of links beyond them is
# more likely a run of look-alike reports than one event, and a story's cost grows with its size.
MAX_AUTOMATIC_SIZE = 150
MAX_AUTOMATIC_SPAN = datetime.timedelta(days=5)
# An article joins a story when one of its links there is this strong, or when this share of the story's
# members it was compared with link (chosen on the labelled sets, bench/story_bench.py).
CONFIDENT_LINK = 0.3
STORY_AGREEMENT = 0.34
# A story of one joins a story of several on a link this strong (files arrive in any order: the one may
# be a look-alike that came before its own event's reports).
SINGLE_LINK = 0.2
# A word that this many articles of a day share says nothing about which event it is: it finds no candidates.
CROWDED_KEY = 20
# The advisory lock's number (any constant the application uses for nothing else): "stories" in ASCII.
PLACEMENT_LOCK = int.from_bytes(b"stories", "big")


@dataclass(frozen=True)
class Placement:
    story_id: int
    slug: str
    outcome: str  # started a story, joined one, or stayed where it was


def clustering_enabled() -> bool:
    return getattr(settings, "NEWSDESK_STORY_CLUSTERING", True)


def place_articles(features: dict[int, Features], *, decisions: dict | None = None) -> dict[int, Placement]:
    """Put each article of ``features`` (id → its features, as just written) in its story; returns where.

    ``decisions`` (id → (slug, lead, headline)) are editors' decisions its file carries (an export
    writes them): that article goes to the story of that slug, made if need be, as placed by an editor.
    """
    if not features:
        return {}
    from ..models import Article

    wait_for_other_placements()
    decided = _apply_decisions(decisions) if decisions else set()

    rows = {
        pk: {"story": story, "placed": bool(placed), "when": _when(date, imported), "stored": stored}
        for pk, story, placed, date, imported, stored in select_rows(
            Article,
            ("id", "story", "story_placed_by_editor", "published_at", "first_imported_at", "story_features"),
            "id",
            sorted(features),
        )
    }
    for pk in decided & rows.keys():
        rows[pk]["placed"] = True
    encoded = {pk: features[pk].encode() for pk in rows}
    # An article whose words did not change stays where it is (and costs nothing more).
    moving = sorted(pk for pk, row in rows.items() if row["story"] is None or encoded[pk] != row["stored"])
    placements = {pk: Placement(row["story"], "", STAYED) for pk, row in rows.items() if pk not in moving}
    if not moving:
        return _with_slugs(placements)
    _store_features(moving, encoded, rows, features)
    if not clustering_enabled():
        links: dict[int, list[tuple[float, int]]] = {}
        others: dict[int, dict] = {}
    else:
        links, others = _links(moving, features, rows)
    assignments, merges, new_groups, touched = _group(moving, rows, others, links)
    placements.update(_write(moving, rows, assignments, merges, new_groups))
    touched |= {placement.story_id for placement in placements.values()} | set(merges.values())
    stories_refresh(touched)
    # A story every article left (and none was merged into) is gone.
    Story.objects.filter(pk__in=touched, size=0, merged_into=None).delete()
    return _with_slugs(placements)


def wait_for_other_placements() -> None:
    """Place one batch at a time, across processes: a batch placed while another import's batch is
    placed but not yet committed would not see its articles, and one event would start two stories.

    PostgreSQL: a transaction-level advisory lock, released when the batch commits. A writer takes it
    as its transaction's first statement, holding no row lock yet: a batch that waited for it while
    holding rows another batch needs would deadlock. SQLite has one writer at a time already
    (IMMEDIATE transactions). Taking it again in the same transaction is free.
    """
    if not clustering_enabled():
        return  # every article is a story of its own: batches cannot split a story
    connection = connections[router.db_for_write(Story)]
    if connection.vendor == "postgresql" and connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [PLACEMENT_LOCK])


def _apply_decisions(decisions: dict) -> set[int]:
    """Place each article in the story its file names (set-based); returns the articles placed."""
    from ..models import Article

    slugs = sorted({slug for slug, _, _ in decisions.values()})
    existing = dict(select_rows(Story, ("slug", "id"), "slug", slugs))
    missing = [slug for slug in slugs if slug not in existing]
    connection = connections[router.db_for_write(Story)]
    if missing:
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        insert_rows(
            Story, ("slug", "edited_by_editor", "created_at", "updated_at"), [(s, True, now, now) for s in missing]
        )
        existing.update(select_rows(Story, ("slug", "id"), "slug", missing))
    previous = {pk: story for pk, story in select_rows(Article, ("id", "story"), "id", sorted(decisions))}
    with connection.cursor() as cursor:
        cursor.executemany(
            "UPDATE articles_article SET story_id = %s, story_placed_by_editor = %s WHERE id = %s",
            [(existing[slug], True, pk) for pk, (slug, _, _) in sorted(decisions.items())],
        )
    Story.objects.filter(pk__in=list(existing.values())).update(edited_by_editor=True)
    for pk, (slug, lead, headline) in sorted(decisions.items()):
        if lead:
            Story.objects.filter(pk=existing[slug]).update(lead_id=pk, lead_set_by_editor=True)
        if headline:
            Story.objects.filter(pk=existing[slug]).update(headline=headline, headline_set_by_editor=True)
    stories_refresh({*existing.values(), *previous.values()})
    return set(decisions)


def _when(date, imported) -> datetime.datetime:
    """When an article happened, for matching: its source date, else when it first arrived."""
    when = date or imported or timezone.now()
    if isinstance(when, str):  # SQLite's driver returns text for a raw select
        when = datetime.datetime.fromisoformat(when)
    return when if timezone.is_aware(when) else when.replace(tzinfo=datetime.UTC)


def _day(row: dict) -> int:
    return row["when"].date().toordinal()


def _hours_apart(a: dict, b: dict) -> float:
    return abs((a["when"] - b["when"]).total_seconds()) / 3600


def _store_features(moving: list[int], encoded: dict[int, str], rows: dict[int, dict], features) -> None:
    from ..models import Article

    connection = connections[router.db_for_write(Article)]
    with connection.cursor() as cursor:
        cursor.executemany(
            "UPDATE articles_article SET story_features = %s WHERE id = %s", [(encoded[pk], pk) for pk in moving]
        )
    delete_rows(StoryKey, "article", moving)
    insert_rows(
        StoryKey,
        ("key", "article"),
        [(key, pk) for pk in moving for key in candidate_keys(features[pk].key_words(), _day(rows[pk]))],
    )


def _links(moving, features, rows) -> tuple[dict[int, list[tuple[float, int]]], dict[int, dict]]:
    """For each moving article, the articles it was compared with: [(similarity, id)]; a
    similarity under ``SAME_EVENT_THRESHOLD`` (0 for one too far in time) is no link."""
    from ..models import Article

    wanted: dict[int, set[int]] = {}
    by_key: dict[int, list[int]] = defaultdict(list)
    for pk in moving:
        keys = lookup_keys(features[pk], _day(rows[pk]))
        wanted[pk] = set(keys)
    # A crowded key's rows never travel: the database counts them and leaves them out. (Fetched, a word
    # every article of a busy day carries would cost each batch more than the last.)
    for key, article in select_rows(
        StoryKey, ("key", "article"), "key", sorted(set().union(*wanted.values())), at_most=CROWDED_KEY
    ):
        by_key[key].append(article)
    # Each article is compared with the few that share most of its key words (the latest first on a tie):
    # a day with thousands of look-alike articles costs no more than one with a few.
    nearest: dict[int, list[int]] = {}
    for pk in moving:
        shared: Counter = Counter()
        for key in wanted[pk]:
            articles = by_key.get(key)
            if articles:
                shared.update(articles)
        shared.pop(pk, None)
        nearest[pk] = _most_shared(shared)
    candidate_ids = {other for pk in moving for other in nearest[pk]}
    others = {
        pk: {
            "story": story,
            "placed": bool(placed),
            "when": _when(date, imported),
            # This batch's own are at hand; the others are read once per batch (no cache that grows with the run).
            "features": features[pk] if pk in features else Features.decode(stored),
        }
        for pk, story, placed, date, imported, stored in select_rows(
            Article,
            ("id", "story", "story_placed_by_editor", "published_at", "first_imported_at", "story_features"),
            "id",
            sorted(candidate_ids),
        )
    }
    links: dict[int, list[tuple[float, int]]] = {}
    for pk in moving:
        mine = features[pk]
        scored = []
        for other in nearest[pk]:
            candidate = others.get(other)
            if candidate is None:
                continue
            score = match_score(mine, candidate["features"], _hours_apart(rows[pk], candidate))
            scored.append((score or 0.0, other))
        links[pk] = scored
    return links, others


def _story_agrees(scores: list[float], size: int, *, alone: bool = True) -> bool:
    """Whether a story of ``size`` articles, whose members an article was compared with (``scores``),
    takes it in (``alone``: the article is not yet in a story of several).

    A strong link is enough. Two articles alone may link on a weak one; an article alone and a story
    of several, or two stories of several, need more: a story of one joins a story of several on a
    middling link, a story of several on weak links from several of its members and enough of those
    compared (one look-alike member of another event's story does not pull the article, and its
    story, in; nor does a story take in a look-alike that arrived before its own event's reports).
    """
    linked = [score for score in scores if score >= SAME_EVENT_THRESHOLD]
    if not linked:
        return False
    if max(linked) >= CONFIDENT_LINK:
        return True
    if size == 1:
        return alone or max(linked) >= SINGLE_LINK
    return len(linked) >= 2 and len(linked) >= STORY_AGREEMENT * len(scores)


def _most_shared(shared: Counter) -> list[int]:
    """The ``CANDIDATES`` articles sharing the most keys, the latest (highest id) first on a tie."""
    if len(shared) <= CANDIDATES:
        return list(shared)
    cut = heapq.nlargest(CANDIDATES, shared.values())[-1]
    best = [(count, other) for other, count in shared.items() if count >= cut]
    if len(best) > CANDIDATES:
        best = heapq.nlargest(CANDIDATES, best)
    return [other for _, other in best]


def _group(moving, rows, others, links):
    """Union the linked articles' stories; returns (article → final node, losers → survivor, new groups, touched)."""
    moving_set = set(moving)
    parent: dict = {}
    edited_of: dict = {}

    story_ids = {row["story"] for row in rows.values() if row["story"]} | {
        o["story"] for o in others.values() if o["story"]
    }
    stored = {
        pk: (bool(edited), size, first, last)
        for pk, edited, size, first, last in Story.objects.filter(pk__in=story_ids).values_list(
            "pk", "edited_by_editor", "size", "first_seen_at", "last_seen_at"
        )
    }
    edited = {pk for pk, (was_edited, *_) in stored.items() if was_edited}
    extent: dict = {}  # root → (articles, first date, last date): what a union would make

    def extent_of(item, pk: int):
        when = (rows.get(pk) or others[pk])["when"]
        if item[0] == "story" and item[1] in stored:
            _, size, first, last = stored[item[1]]
            return (max(size, 1), min(first or when, when), max(last or when, when))
        return (1, when, when)

    def node(pk: int):
        info = rows.get(pk) or others[pk]
        if pk in moving_set and not info["placed"]:
            return ("article", pk)
        return ("story", info["story"]) if info["story"] else ("article", pk)

    def find(item):
        parent.setdefault(item, item)
        while parent[item] != item:
            parent[item] = parent[parent[item]]
            item = parent[item]
        return item

    def is_edited(item) -> bool:
        return item[0] == "story" and item[1] in edited

    for pk in moving:
        item = node(pk)
        root = find(item)
        edited_of[root] = edited_of.get(root, False) or is_edited(item)
        extent.setdefault(root, extent_of(item, pk))

    def root_of(item):
        while item in parent and parent[item] != item:
            item = parent[item]
        return item

    def agrees(pk: int, root) -> bool:
        # Judged from the side of ``pk`` (an article being placed): the members of ``root`` it was compared with.
        if pk not in links:
            return False
        scores = [score for score, other in links[pk] if root_of(node(other)) == root]
        alone = extent[root_of(node(pk))][0] == 1
        return _story_agrees(scores, extent[root][0], alone=alone)

    edges = sorted(
        (
            (score, min(pk, other), max(pk, other))
            for pk in moving
            for score, other in links.get(pk, ())
            if score >= SAME_EVENT_THRESHOLD
        ),
        key=lambda edge: (-edge[0], edge[1], edge[2]),
    )
    for _, a, b in edges:
        ra, rb = find(node(a)), find(node(b))
        for root, item, pk in ((ra, node(a), a), (rb, node(b), b)):
            edited_of[root] = edited_of.get(root, False) or is_edited(item)
            extent.setdefault(root, extent_of(item, pk))
        if ra == rb or (edited_of[ra] and edited_of[rb]):
            continue  # two stories editors worked on stay apart
        if not (agrees(a, rb) or agrees(b, ra)):
            continue  # a lone link into a story most of whose members this article does not match
        (size_a, first_a, last_a), (size_b, first_b, last_b) = extent[ra], extent[rb]
        joined = (size_a + size_b, min(first_a, first_b), max(last_a, last_b))
        if joined[0] > MAX_AUTOMATIC_SIZE or joined[2] - joined[1] > MAX_AUTOMATIC_SPAN:
            continue  # links that chain far beyond one event's coverage: an editor may still merge them
        # The oldest story survives; an edited one always does.
        keep, drop = sorted((ra, rb), key=lambda r: (not edited_of[r], r[0] != "story", r[1]))
        parent[drop] = keep
        edited_of[keep] = edited_of[ra] or edited_of[rb]
        extent[keep] = joined

    groups: dict = defaultdict(set)
    for item in list(parent):
        groups[find(item)].add(item)
    assignments: dict[int, object] = {}
    merges: dict[int, int] = {}
    new_groups: dict = {}
    touched: set[int] = {row["story"] for row in rows.values() if row["story"]}
    for root, members in groups.items():
        stories = sorted(item[1] for item in members if item[0] == "story")
        articles = sorted(item[1] for item in members if item[0] == "article")
        if stories:
            survivor = root[1] if root[0] == "story" else stories[0]
            for story in stories:
                if story != survivor:
                    merges[story] = survivor
            for pk in articles:
                assignments[pk] = survivor
            touched.update(stories)
        else:
            new_groups[root] = articles
            for pk in articles:
                assignments[pk] = root
    for pk in moving:
        assignments.setdefault(pk, rows[pk]["story"] or ("article", pk))
    return assignments, merges, new_groups, touched


def _write(moving, rows, assignments, merges, new_groups) -> dict[int, Placement]:
    from ..models import Article

    # A group of articles only: it keeps the story its earliest member was alone in, if any, else starts one.
    left_behind = defaultdict(set)
    for pk in moving:
        if rows[pk]["story"]:
            left_behind[rows[pk]["story"]].add(pk)
    sizes = dict(Story.objects.filter(pk__in=list(left_behind)).values_list("pk", "size"))
    reusable = {story for story, members in left_behind.items() if sizes.get(story, 0) <= len(members)}
    reusable -= set(merges) | {target for target in assignments.values() if isinstance(target, int)}
    created_for: dict = {}
    to_create = []
    for root, articles in sorted(new_groups.items(), key=lambda item: item[1][0]):
        own = sorted({rows[pk]["story"] for pk in articles if rows[pk]["story"] in reusable})
        if own:
            created_for[root] = own[0]
            reusable.discard(own[0])
        else:
            founder = min(articles, key=lambda pk: (rows[pk]["when"], pk))
            to_create.append((root, founder))
    if to_create:
        slugs = new_story_slugs(len(to_create))
        now = connections[router.db_for_write(Story)].ops.adapt_datetimefield_value(timezone.now())
        insert_rows(
            Story,
            ("slug", "lead", "created_at", "updated_at"),
            [(slug, founder, now, now) for (_, founder), slug in zip(to_create, slugs, strict=True)],
        )
        ids = dict(select_rows(Story, ("slug", "id"), "slug", slugs))
        for (root, _), slug in zip(to_create, slugs, strict=True):
            created_for[root] = ids[slug]
    founders = {founder for _, founder in to_create}
    placements = {}
    updates = []
    for pk in moving:
        target = assignments[pk]
        story = created_for[target] if not isinstance(target, int) else target
        story = merges.get(story, story)
        if story != rows[pk]["story"]:
            updates.append((story, pk))
        outcome = STARTED if pk in founders else JOINED
        if story == rows[pk]["story"]:
            outcome = STAYED
        placements[pk] = Placement(story, "", outcome)
    connection = connections[router.db_for_write(Article)]
    with connection.cursor() as cursor:
        if updates:
            cursor.executemany("UPDATE articles_article SET story_id = %s WHERE id = %s", updates)
        for loser, survivor in sorted(merges.items()):
            cursor.execute("UPDATE articles_article SET story_id = %s WHERE story_id = %s", [survivor, loser])
    if merges:
        for loser, survivor in merges.items():
            Story.objects.filter(pk=loser).update(merged_into_id=survivor, lead=None)
            Story.objects.filter(merged_into_id=loser).update(merged_into_id=survivor)
    return placements


def new_story_slugs(count: int) -> list[str]:
    """Addresses for new stories: random, not made of any article's words (an unpublished article
    can found a story that a published one later joins, and its title must not show in the address)."""
    while True:
        wanted = [secrets.token_hex(6) for _ in range(count)]
        if len(set(wanted)) == count and not Story.objects.filter(slug__in=wanted).exists():
            return wanted


def _with_slugs(placements: dict[int, Placement]) -> dict[int, Placement]:
    slugs = dict(Story.objects.filter(pk__in={p.story_id for p in placements.values()}).values_list("pk", "slug"))
    return {pk: Placement(p.story_id, slugs.get(p.story_id, ""), p.outcome) for pk, p in placements.items()}


# --- What a story shows: its size, dates, lead and headline -----------------------------------------

_REFRESH = """
UPDATE articles_story SET
    size = (SELECT COUNT(*) FROM articles_article a WHERE a.story_id = articles_story.id),
    published_size = (SELECT COUNT(*) FROM articles_article a WHERE a.story_id = articles_story.id AND a.is_published),
    provider_count = (SELECT COUNT(DISTINCT a.provider_id) FROM articles_article a
                      WHERE a.story_id = articles_story.id AND a.is_published),
    first_seen_at = (SELECT MIN(a.published_at) FROM articles_article a WHERE a.story_id = articles_story.id),
    last_seen_at = (SELECT MAX(a.published_at) FROM articles_article a WHERE a.story_id = articles_story.id),
    last_published_at = (SELECT MAX(a.published_at) FROM articles_article a
                         WHERE a.story_id = articles_story.id AND a.is_published),
    lead_id = CASE
        WHEN lead_set_by_editor AND EXISTS (SELECT 1 FROM articles_article a
                                            WHERE a.id = articles_story.lead_id AND a.story_id = articles_story.id
                                            AND (a.is_published OR NOT EXISTS (
                                                SELECT 1 FROM articles_article p
                                                WHERE p.story_id = articles_story.id AND p.is_published)))
        THEN lead_id
        ELSE (SELECT a.id FROM articles_article a WHERE a.story_id = articles_story.id
              ORDER BY a.is_published DESC, CASE WHEN a.quality IS NULL THEN 1 ELSE 0 END, a.quality DESC,
                       CASE WHEN a.published_at IS NULL THEN 1 ELSE 0 END, a.published_at, a.id
              LIMIT 1)
    END,
    updated_at = %s
WHERE id IN ({ids})
"""
_HEADLINE = """
UPDATE articles_story SET headline = COALESCE(
    (SELECT a.title FROM articles_article a WHERE a.id = articles_story.lead_id), headline)
WHERE id IN ({ids}) AND NOT headline_set_by_editor
"""


def stories_refresh(story_ids) -> None:
    """Recount and re-lead ``story_ids`` (ids, or a query of them) from their articles: two statements
    (per 2,000 ids; a query is sent whole, as a subquery).

    The lead is an editor's choice while it stays in the story (and is published, if any article of it
    is: the lead is what readers see), else the best published article
    (by quality, then the first to report); the headline is the lead's title unless an editor chose one.
    """
    connection = connections[router.db_for_write(Story)]
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    if isinstance(story_ids, QuerySet):
        sql, params = story_ids.order_by().query.sql_with_params()
        selections = [(sql, list(params))]
    else:
        ids = sorted(pk for pk in set(story_ids) if pk)
        selections = [(", ".join(["%s"] * len(chunk)), chunk) for chunk in chunks(ids, 2000)]
    with connection.cursor() as cursor:
        for among, params in selections:
            cursor.execute(_REFRESH.format(ids=among), [now, *params])
            cursor.execute(_HEADLINE.format(ids=among), params)
