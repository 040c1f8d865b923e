from django.conf import settings
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connections, models
from django.db.models import Case, Exists, F, OuterRef, Prefetch, Q, Value, When
from django.db.models.expressions import Expression, OrderBy
from django.db.models.functions import Coalesce, Lower
from django.urls import reverse
from django.utils import timezone
from taggit.managers import TaggableManager
from taggit.models import ItemBase, NaturalKeyManager, TagBase

from .permissions import can_view_unpublished
from .stories.models import STORIES_LARGEST_FIRST, STORIES_NEWEST_FIRST, Story, StoryKey  # noqa: F401

QUALITY_VALIDATORS = [MinValueValidator(0), MaxValueValidator(100)]
# The quality bands editors filter and chart by: {key: (label, lowest, highest)}; "unrated" is no score at all.
QUALITY_BANDS = {
    "unrated": ("Unrated", None, None),
    "0-39": ("0–39", 0, 39),
    "40-69": ("40–69", 40, 69),
    "70-100": ("70–100", 70, 100),
}


def quality_band_of(quality: int | None) -> str:
    """The key of the band ``quality`` is in."""
    if quality is None:
        return "unrated"
    return next(key for key, (_, low, high) in QUALITY_BANDS.items() if low is not None and low <= quality <= high)


def quality_band_filter(band: str, field: str = "quality") -> Q | None:
    """The condition for articles in ``band`` (on ``field``, the quality or an alias of it); None for an unknown band."""
    if band not in QUALITY_BANDS:
        return None
    _, low, high = QUALITY_BANDS[band]
    if low is None:
        return Q(**{f"{field}__isnull": True})
    return Q(**{f"{field}__gte": low, f"{field}__lte": high})


def correlated_count(rows: models.QuerySet, field: str) -> Expression:
    """A ``COUNT`` of ``rows`` pointing at the outer row through ``field``'s index, as a subquery.

    Unlike ``annotate(Count(...))`` (a GROUP BY over every related row before the page's LIMIT), it is
    evaluated only for the rows a page returns: the lists stay constant-time as articles grow.
    """
    counted = rows.filter(**{field: models.OuterRef("pk")}).order_by().values(field).annotate(n=models.Count("*"))
    return Coalesce(models.Subquery(counted.values("n")), Value(0), output_field=models.IntegerField())


class TopicQuerySet(models.QuerySet):
    def with_articles_in(self, articles: models.QuerySet):
        """The topics at least one of ``articles`` is about (``Article.objects.published()``: the public ones).

        For whole lists (the sitemap, the API); one topic's page checks its own first page of articles
        instead: for one topic an EXISTS is slow (PostgreSQL plans it as a hash join over every article).
        """
        return self.filter(Exists(articles.filter(tagged_topics__tag=OuterRef("pk"))))

    def with_article_count(self, articles: models.QuerySet | None = None):
        """Each topic's ``article_count``: how many of ``articles`` are about it (of every article when None)."""
        tagged = (
            TaggedTopic.objects.all() if articles is None else TaggedTopic.objects.filter(content_object__in=articles)
        )
        return self.annotate(article_count=correlated_count(tagged, "tag"))


class Topic(TagBase):
    """A subject an article is about; names are unique whatever their case."""

    objects = NaturalKeyManager.from_queryset(TopicQuerySet)()

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(Lower("name"), name="topic_name_case_insensitive_unique")]

    def get_absolute_url(self) -> str:
        return reverse("articles:topic", kwargs={"slug": self.slug})


SEARCH_CONFIG = "english"  # the text search configuration of migration 0006's search_document
MAX_SUBSTRING_WORDS = 10  # each word is three LIKE scans of the table on SQLite
RANKED_MATCHES = 1_000  # the search page ranks this many of the newest matches (50 pages)


def clean_search_query(raw: str) -> str:
    """A search as typed, made safe: control characters (NUL breaks PostgreSQL) become word breaks."""
    return " ".join("".join(c if c.isprintable() else " " for c in raw).split())


def substring_alternatives(text: str) -> list[tuple[list[str], list[str]]]:
    """``websearch_to_tsquery``'s syntax for SQLite's substring search: (required, excluded) words of
    each ``or`` alternative. Quotes are dropped; a word without a letter or digit, which PostgreSQL's
    parser ignores, is dropped too (``.`` would otherwise match nearly every article)."""
    alternatives: list[tuple[list[str], list[str]]] = [([], [])]
    kept = 0
    for token in text.replace('"', " ").split():
        if token.lower() == "or":
            alternatives.append(([], []))
            continue
        word = token.removeprefix("-")
        if not any(character.isalnum() for character in word) or kept == MAX_SUBSTRING_WORDS:
            continue
        alternatives[-1][1 if token.startswith("-") else 0].append(word)
        kept += 1
    return [alternative for alternative in alternatives if alternative[0] or alternative[1]]


class SearchDocument(Expression):
    """The article table's ``search_document`` column (PostgreSQL only, migration 0006).

    Not a model field, so that no other query fetches it (it is about as large as the text)
    and the importer's column list stays the model's.
    """

    output_field = SearchVectorField()
    contains_column_references = True

    def __init__(self, table_alias: str | None = None):
        super().__init__()
        self.table_alias = table_alias

    def resolve_expression(self, query=None, allow_joins=True, reuse=None, summarize=False, for_save=False):
        return SearchDocument(query.get_initial_alias())

    def relabeled_clone(self, relabels):
        return SearchDocument(relabels.get(self.table_alias, self.table_alias))

    def as_sql(self, compiler, connection):
        table = compiler.quote_name_unless_alias(self.table_alias)
        return f"{table}.{connection.ops.quote_name('search_document')}", []


def ordering_for(field: str, descending: bool, *, nullable: bool = True) -> tuple[OrderBy, OrderBy]:
    """ORDER BY terms for articles: ``field`` in that direction, then ``id`` in the same direction to break ties.

    Articles without a value (NULL) come after all the others in either direction, on both databases:
    SQLite sorts NULL as the smallest value, PostgreSQL as the largest unless told.
    """
    nulls = {"nulls_last": True} if nullable else {}
    primary = F(field).desc(**nulls) if descending else F(field).asc(**nulls)
    return primary, F("id").desc() if descending else F("id").asc()


# Newest first, undated articles after every dated one (migration 0008 builds PostgreSQL's date
# indexes in this order, so listings stay index walks).
NEWEST_FIRST = ordering_for("published_at", descending=True)
# Oldest first, undated articles after every dated one, as the API's ascending order lists them
# (newsdesk/api/pagination.py); PostgreSQL has an index in this order (migration 0013).
OLDEST_FIRST = ordering_for("published_at", descending=False)


class ArticleQuerySet(models.QuerySet):
    def published(self):
        """The one definition of what readers and anonymous API callers may see."""
        return self.filter(is_published=True)

    def visible_to(self, user):
        """Every article for a user who may view unpublished ones (editors), what is published for anyone else."""
        return self if can_view_unpublished(user) else self.published()

    def for_topic(self, topic: Topic):
        return self.filter(tagged_topics__tag=topic)

    def for_provider(self, provider):
        return self.filter(provider=provider)

    def due(self, now):
        """Articles whose scheduled publication time has come by ``now`` (``publish_scheduled`` publishes them)."""
        return self.filter(scheduled_publish_at__lte=now)

    def search(self, query: str):
        """Articles matching ``query``, with the alias ``search_rank`` (higher is more relevant) for ``ranked()``.

        An alias, not an annotation: it costs nothing unless ordered by, so a query that only
        filters (the API's, which may already be a ``values()`` one) never computes it.

        The syntax is PostgreSQL's ``websearch_to_tsquery``: every word is required, ``"a phrase"``,
        ``-word`` excludes, ``or`` between alternatives. On PostgreSQL, words are English stems (stop
        words match nothing) looked up in the GIN-indexed ``search_document`` (migration 0006) and
        ranked title > excerpt > body. On SQLite, words are case-insensitive substrings of the title,
        excerpt or body (a phrase needs its words anywhere), ranked by how many are in the title.
        """
        text = clean_search_query(query)
        if not text:
            return self._no_matches()
        if connections[self.db].vendor == "postgresql":
            return self._search_document_matches(text)
        return self._substring_matches(text)

    def ranked(self):
        """``search()`` results, most relevant first, then newest: the ``RANKED_MATCHES`` newest matches.

        Ranking reads each match's whole search document; bounding the matches ranked to the
        newest keeps a word found in half the catalogue about as fast as a rare one
        (bench/search_bench.py), and favours recent news among equally relevant articles.
        """
        newest = self.order_by(*NEWEST_FIRST).values("pk")[:RANKED_MATCHES]  # the listings' order: an index walk
        return self.filter(pk__in=newest).order_by("-search_rank", *NEWEST_FIRST)

    def _search_document_matches(self, text: str):
        tsquery = SearchQuery(text, config=SEARCH_CONFIG, search_type="websearch")
        # ts_rank's default weights (A 1.0, B 0.4, C 0.2) put a title match above any number of
        # body matches of a single word, which ts_rank_cd (a sum over occurrences) does not.
        return (
            self.alias(search_document=SearchDocument())
            .filter(search_document=tsquery)
            .alias(search_rank=SearchRank(F("search_document"), tsquery))
        )

    def _substring_matches(self, text: str):
        alternatives = substring_alternatives(text)
        if not alternatives:
            return self._no_matches()

        def found(word: str) -> Q:
            return Q(title__icontains=word) | Q(excerpt__icontains=word) | Q(body__icontains=word)

        matches = Q()
        for required, excluded in alternatives:
            alternative = Q(*(found(word) for word in required))
            for word in excluded:
                alternative &= ~found(word)
            matches |= alternative
        in_title = [Case(When(title__icontains=word, then=1), default=0) for words, _ in alternatives for word in words]
        return self.filter(matches).alias(search_rank=sum(in_title, Value(0)))

    def _no_matches(self):
        """A search with no word to look for: nothing, without asking the database."""
        return self.none().alias(search_rank=Value(0))

    def with_related(self):
        """Everything an article page, feed entry or API representation shows, in a fixed number of queries."""
        return self.select_related("provider").prefetch_related(
            Prefetch("tagged_topics", queryset=TaggedTopic.objects.select_related("tag").order_by("position")),
            Prefetch("images", queryset=ArticleImage.objects.order_by("position")),
            Prefetch(
                "related_links",
                queryset=RelatedLink.objects.select_related("provider", "article").order_by("position"),
            ),
        )

    def for_listing(self):
        """What list pages show: provider, topics and the lead image, newest first."""
        return (
            self.select_related("provider")
            .prefetch_related(
                Prefetch("tagged_topics", queryset=TaggedTopic.objects.select_related("tag").order_by("position")),
                Prefetch("images", queryset=ArticleImage.objects.order_by("position")),
            )
            .order_by(*NEWEST_FIRST)
        )


class Article(models.Model):
    """One news article, identified by its canonical URL (or, for a body-only draft, by its file path)."""

    class SchemaEra(models.TextChoices):
        ERA_2024 = "2024", "2024 (webUrl)"
        ERA_2020 = "2020", "2020 (sourceUrl)"
        BODY_ONLY = "body", "Body only (no front matter)"

    # Identity
    source_key = models.CharField(
        max_length=2100,
        unique=True,
        help_text="What re-imports match on: the canonical URL, or “file:” and the path for body-only drafts.",
    )
    url = models.CharField(
        "canonical URL",
        max_length=2048,
        unique=True,
        null=True,
        blank=True,
        help_text="Normalised link to the original: lowercase scheme and host, no fragment or tracking parameters.",
    )
    slug = models.SlugField(max_length=120, unique=True, help_text="Used in the article's page address.")

    # Source fields: overwritten by every import of a changed file.
    title = models.CharField(max_length=500)
    excerpt = models.TextField(blank=True)
    body = models.TextField(blank=True, help_text="Markdown or plain text; rendered sanitised, never trusted as HTML.")
    published_at = models.DateTimeField(
        "source date", null=True, blank=True, help_text="When the provider published it (UTC)."
    )
    original_url = models.CharField(max_length=2048, blank=True, help_text="The file's originalUrl, verbatim.")
    amp_url = models.CharField("AMP URL", max_length=2048, blank=True)
    cdn_amp_url = models.CharField("AMP cache URL", max_length=2048, blank=True)
    category = models.CharField(max_length=100, blank=True)
    article_type = models.CharField("type", max_length=50, blank=True)
    heat = models.IntegerField(default=-1, help_text="Popularity score from the pipeline; -1 means not computed.")
    provider = models.ForeignKey(
        "providers.Provider", on_delete=models.PROTECT, null=True, blank=True, related_name="articles"
    )
    topics = TaggableManager(through="articles.TaggedTopic", blank=True, help_text="Topics, comma-separated.")
    secured = models.TextField(
        blank=True, help_text="Opaque encrypted payload from the pipeline, kept byte-for-byte; never shown publicly."
    )
    extra = models.JSONField(
        "unknown keys", default=dict, blank=True, help_text="Source keys this version does not know, kept verbatim."
    )
    schema_era = models.CharField(max_length=4, choices=SchemaEra.choices, default=SchemaEra.ERA_2024)

    # Editorial fields: an editor's change is protected from later imports.
    is_published = models.BooleanField(
        "published", default=False, help_text="Only published articles are visible to readers and the public API."
    )
    quality = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=QUALITY_VALIDATORS, help_text="Editorial quality score, 0–100."
    )
    published_set_by_editor = models.BooleanField(
        default=False, help_text="An editor decided the published flag; imports no longer change it."
    )
    quality_set_by_editor = models.BooleanField(
        default=False, help_text="An editor set the quality; imports no longer change it."
    )
    scheduled_publish_at = models.DateTimeField(
        "scheduled publication",
        null=True,
        blank=True,
        help_text="Publish automatically at this time (UTC); empty for no schedule. "
        "Publishing or unpublishing by hand cancels it.",
    )

    # Provenance
    is_draft = models.BooleanField(default=False, help_text="Imported from a file without front matter.")
    needs_review = models.BooleanField(
        default=False, help_text="A body-only draft, or an import that produced warnings."
    )
    import_warnings = models.JSONField(default=list, blank=True)
    source_path = models.CharField(max_length=1024, blank=True, help_text="The file it was last imported from.")
    content_hash = models.CharField(
        max_length=64, blank=True, help_text="Fingerprint of the imported content; an identical import is skipped."
    )
    first_imported_at = models.DateTimeField(null=True, blank=True)
    imported_at = models.DateTimeField(null=True, blank=True)

    # The story it reports; every article has one once imported (a story of one when alone).
    story = models.ForeignKey(
        "articles.Story", on_delete=models.SET_NULL, null=True, blank=True, related_name="articles"
    )
    story_placed_by_editor = models.BooleanField(
        default=False, help_text="An editor placed it in its story; imports no longer move it."
    )
    # Its words for story matching (articles.stories.features), kept so candidates need no re-reading.
    story_features = models.TextField(blank=True, editable=False)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = NEWEST_FIRST
        indexes = [
            models.Index(fields=["is_published", "-published_at"], name="article_published_date_idx"),
            models.Index(fields=["provider", "-published_at"], name="article_provider_date_idx"),
            models.Index(fields=["quality"], name="article_quality_idx"),
            models.Index(fields=["needs_review"], name="article_needs_review_idx"),
            # The admin changelist's default order, so a page is an index walk with no sort.
            models.Index(fields=["-published_at", "-id"], name="article_listing_order_idx"),
            # publish_scheduled looks only at the (few) articles that have a schedule.
            models.Index(
                fields=["scheduled_publish_at"],
                condition=models.Q(scheduled_publish_at__isnull=False),
                name="article_scheduled_idx",
            ),
            # The API's other orderings over what readers see. Partial rather than led by is_published:
            # Django writes the filter as a bare `WHERE "is_published"`, which SQLite cannot match to a
            # composite's first column (ordering by heat or title: ~130 ms -> ~5 ms at 100,000 articles).
            models.Index(
                fields=["-quality", "-id"], condition=models.Q(is_published=True), name="article_published_quality_idx"
            ),
            models.Index(
                fields=["-heat", "-id"], condition=models.Q(is_published=True), name="article_published_heat_idx"
            ),
            models.Index(
                fields=["title", "id"], condition=models.Q(is_published=True), name="article_published_title_idx"
            ),
            # The admin dashboard's "imported per day".
            models.Index(fields=["first_imported_at"], name="article_first_imported_idx"),
            # MAX(imported_at) of what readers see is part of the public pages' validator (articles.conditional).
            models.Index(
                fields=["imported_at"], condition=models.Q(is_published=True), name="article_published_imported_idx"
            ),
            # Whether a provider has a published article, and how many: the API's providers for readers.
            models.Index(
                fields=["provider"], condition=models.Q(is_published=True), name="article_published_provider_idx"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quality__isnull=True) | models.Q(quality__gte=0, quality__lte=100),
                name="article_quality_0_100",
            ),
        ]
        permissions = [
            ("change_article_editorial", "Can publish, unpublish, schedule and score articles"),
            # For the pipeline's own account; the Editors group does not hold it.
            ("update_article_content", "Can update an existing article's content through the ingest API"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("articles:detail", kwargs={"slug": self.slug})

    @property
    def ordered_topics(self) -> list[Topic]:
        """Topics in file order; uses the prefetch from ``with_related``/``for_listing``."""
        return [tagged.tag for tagged in self.tagged_topics.all()]

    @property
    def lead_image(self):
        images = list(self.images.all())
        return images[0] if images else None


class TaggedTopic(ItemBase):
    """Through row between an article and a topic, keeping the file's topic order."""

    content_object = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="tagged_topics")
    tag = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="tagged_articles")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["content_object", "tag"], name="tagged_topic_unique"),
        ]


class ArticleImage(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="images")
    position = models.PositiveSmallIntegerField(default=0)
    url = models.CharField("URL", max_length=2048)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    is_cached = models.BooleanField(null=True, blank=True, help_text="The pipeline's isCached flag, when given.")
    title = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["article", "position"]
        constraints = [
            models.UniqueConstraint(fields=["article", "position"], name="article_image_position_unique"),
        ]

    def __str__(self) -> str:
        return self.url


class RelatedLink(models.Model):
    """Another article the pipeline found related; linked to our own copy when it is in the catalogue."""

    source = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="related_links")
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(max_length=500)
    excerpt = models.TextField(blank=True)
    url = models.CharField("URL", max_length=2048, db_index=True, help_text="Canonical URL of the related article.")
    amp_url = models.CharField("AMP URL", max_length=2048, blank=True)
    cdn_amp_url = models.CharField("AMP cache URL", max_length=2048, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    article_type = models.CharField("type", max_length=50, blank=True)
    provider = models.ForeignKey(
        "providers.Provider", on_delete=models.PROTECT, null=True, blank=True, related_name="related_links"
    )
    quality = models.PositiveSmallIntegerField(null=True, blank=True, validators=QUALITY_VALIDATORS)
    images = models.JSONField(default=list, blank=True)
    extra = models.JSONField("unknown keys", default=dict, blank=True)
    article = models.ForeignKey(
        Article,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cited_by",
        help_text="Our own copy of the related article, when the catalogue has its URL.",
    )

    class Meta:
        ordering = ["source", "position"]
        constraints = [
            models.UniqueConstraint(fields=["source", "position"], name="related_link_position_unique"),
        ]

    def __str__(self) -> str:
        return self.title


class SourceFile(models.Model):
    """The last imported content of each file, so an unchanged file is skipped without parsing or writing."""

    path = models.CharField(max_length=1024, unique=True, help_text="Absolute path of the file.")
    content_hash = models.CharField(max_length=64)
    article = models.ForeignKey(Article, on_delete=models.SET_NULL, null=True, related_name="source_files")
    imported_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.path


class EditorialChange(models.Model):
    """Audit trail: who changed what in an article, when, from what to what, and through which door.

    Editorial decisions (published flag, quality, schedule) and content changes made outside the
    importer (an article re-posted to the API, a correction in the admin), field by field. A long
    value (body, excerpt, images, …) is recorded as its size and a hash, not copied.
    """

    class Field(models.TextChoices):
        IS_PUBLISHED = "is_published", "published"
        QUALITY = "quality", "quality"
        SCHEDULED_PUBLISH_AT = "scheduled_publish_at", "scheduled publication"
        # Stories: the article's story (by slug), the story's lead and headline (on the lead's record)
        STORY = "story", "story"
        STORY_LEAD = "story_lead", "story lead"
        STORY_HEADLINE = "story_headline", "story headline"
        # Content
        TITLE = "title", "title"
        URL = "url", "canonical URL"
        EXCERPT = "excerpt", "excerpt"
        BODY = "body", "body"
        PUBLISHED_AT = "published_at", "source date"
        ORIGINAL_URL = "original_url", "original URL"
        AMP_URL = "amp_url", "AMP URL"
        CDN_AMP_URL = "cdn_amp_url", "AMP cache URL"
        CATEGORY = "category", "category"
        ARTICLE_TYPE = "article_type", "type"
        HEAT = "heat", "heat"
        PROVIDER = "provider", "provider"
        TOPICS = "topics", "topics"
        IMAGES = "images", "images"
        RELATED = "related", "related links"
        SECURED = "secured", "secured payload"
        EXTRA = "extra", "unknown keys"

    class Via(models.TextChoices):
        ADMIN = "admin", "admin"
        BULK = "bulk", "bulk action"
        API = "api", "API"
        IMPORT = "import", "import"
        SCHEDULE = "schedule", "scheduled publication"
        OTHER = "other", "other"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="editorial_changes")
    field = models.CharField(max_length=20, choices=Field.choices)
    old_value = models.JSONField(null=True)
    new_value = models.JSONField(null=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="editorial_changes"
    )
    via = models.CharField(max_length=20, choices=Via.choices, default=Via.OTHER)
    changed_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-changed_at", "-id"]
        indexes = [
            models.Index(fields=["article", "-changed_at"], name="editorial_change_article_idx"),
            # The latest publication or withdrawal is part of the public pages' validator (articles.conditional).
            models.Index(
                fields=["changed_at"], condition=models.Q(field="is_published"), name="editorial_publication_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_field_display()}: {self.old_value!r} → {self.new_value!r}"


class PublicEdit(models.Model):
    """An admin edit readers can see: of a published article (its images and links too), or of a topic or
    provider that published articles show. The public pages' validators move with these and not with
    other admin edits, which would tell readers that something unpublished changed."""

    log_entry = models.OneToOneField(
        "admin.LogEntry",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The admin's record of the edit.",
    )
    changed_at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return f"public edit at {self.changed_at:%Y-%m-%d %H:%M:%S}"
