"""The article and topic representations of the API, and what an editor may send.

``ArticleSerializer`` declares every field (that is what the OpenAPI schema shows) and builds
its output in one pass per article from the rows ``articles.api.rows`` reads, because DRF's
field-by-field machinery (and model instances) over an article's nested topics, images and
related links would cost several times the database queries. ``tests/articles/test_api.py``
checks that the declared fields and the output stay the same.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import cached_property, lru_cache
from operator import itemgetter
from typing import Any

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..models import Article, Story
from .rows import in_order, parse_datetime_value

HTTP_URL = r"^https?://[^\s/$.?#][^\s]*$"
SLUG_PLACEHOLDER = "__article_slug__"
STORY_SLUG_PLACEHOLDER = "__story_slug__"
STORY_MEMBERS = 100  # a story's articles shown in its representation; ``?story=`` pages through more
EDITOR_FIELDS = ("extra",)
PUBLIC_FIELDS = (
    "id",
    "slug",
    "title",
    "excerpt",
    "body",
    "url",
    "amp_url",
    "published_at",
    "category",
    "type",
    "quality",
    "heat",
    "is_published",
    "provider",
    "topics",
    "images",
    "related",
    "links",
    "story",
)


def fields_for(*, editor: bool) -> list[str]:
    """The article fields a caller can see (and select with ``fields=``)."""
    return [*PUBLIC_FIELDS, *EDITOR_FIELDS] if editor else list(PUBLIC_FIELDS)


def iso_datetime(value: dt.datetime | None) -> str | None:
    """UTC, ISO 8601, ``Z`` for the zone: the way DRF writes date-times."""
    if value is None:
        return None
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def iso_datetime_from_json(value: str | None) -> str | None:
    """``iso_datetime`` of a date-time that came through the database's JSON (``rows.parse_datetime_value``).

    The usual shapes are rewritten as text, ten times faster than parsing: SQLite's
    ``2024-01-22 18:23:00`` and PostgreSQL's ``2024-01-22T18:23:00+00:00``, both UTC, to
    ``2024-01-22T18:23:00Z``; a page has ~40 of them. Anything else is parsed.
    """
    if value is None:
        return None
    if len(value) == 19 and value[10] == " ":
        return f"{value[:10]}T{value[11:]}Z"
    if len(value) == 25 and value[10] == "T" and value.endswith("+00:00"):
        return value[:19] + "Z"
    return iso_datetime(parse_datetime_value(value))


def article_provider(row: dict) -> dict | None:
    """An article row's provider summary (None for an article without a provider)."""
    slug = row["provider__slug"]
    return None if slug is None else {"name": row["provider__name"], "domain": row["provider__domain"], "slug": slug}


class ProviderSummarySerializer(serializers.Serializer):
    name = serializers.CharField(read_only=True, help_text="Publisher name.")
    domain = serializers.CharField(read_only=True, help_text="Normalised domain (lowercase, no leading `www.`).")
    slug = serializers.SlugField(read_only=True, help_text="Identifies the provider in `/api/v1/providers/{slug}/`.")


class TopicSummarySerializer(serializers.Serializer):
    name = serializers.CharField(read_only=True, help_text="Topic name.")
    slug = serializers.SlugField(
        read_only=True, help_text="Identifies the topic in `/api/v1/topics/{slug}/` and `?topic=`."
    )


class ImageSerializer(serializers.Serializer):
    url = serializers.CharField(read_only=True, help_text="Image address (http or https).")
    width = serializers.IntegerField(read_only=True, allow_null=True, help_text="Width in pixels, when known.")
    height = serializers.IntegerField(read_only=True, allow_null=True, help_text="Height in pixels, when known.")
    title = serializers.CharField(read_only=True, help_text="Caption or title; empty when none.")


class RelatedLinkSerializer(serializers.Serializer):
    title = serializers.CharField(read_only=True, help_text="Title of the related article.")
    url = serializers.CharField(read_only=True, help_text="Canonical address of the related article.")
    excerpt = serializers.CharField(read_only=True, help_text="Its excerpt; empty when none.")
    published_at = serializers.DateTimeField(
        read_only=True, allow_null=True, help_text="When its provider published it (UTC), when known."
    )
    provider = ProviderSummarySerializer(read_only=True, allow_null=True, help_text="Its provider, when known.")
    quality = serializers.IntegerField(
        read_only=True, allow_null=True, help_text="Its quality score (0–100), when known."
    )
    article = serializers.SlugField(
        read_only=True,
        allow_null=True,
        help_text="Our article's slug when the related article is in the catalogue and visible to you; otherwise null.",
    )


class ArticleLinksSerializer(serializers.Serializer):
    self = serializers.URLField(read_only=True, help_text="This article in the API.")
    html = serializers.URLField(
        read_only=True, allow_null=True, help_text="The article's public web page; null while it is not published."
    )


class StoryLinksSerializer(serializers.Serializer):
    self = serializers.URLField(read_only=True, help_text="The story in the API.")
    html = serializers.URLField(
        read_only=True,
        allow_null=True,
        help_text="The story's public page (full coverage); null while none of its articles is published.",
    )


class ArticleStorySerializer(serializers.Serializer):
    slug = serializers.SlugField(read_only=True, help_text="Identifies the story in `/api/v1/stories/{slug}/`.")
    size = serializers.IntegerField(
        read_only=True, help_text="How many of its articles you can see: published ones, or all of them for editors."
    )
    links = StoryLinksSerializer(read_only=True, help_text="Where to find the story.")


class ArticleSerializer(serializers.Serializer):
    """An article of the catalogue. With `fields=`, only the chosen fields are present."""

    id = serializers.IntegerField(required=False, help_text="Stable numeric identifier.")
    slug = serializers.SlugField(required=False, help_text="Identifies the article in `/api/v1/articles/{slug}/`.")
    title = serializers.CharField(required=False, help_text="Headline.")
    excerpt = serializers.CharField(required=False, help_text="Summary from the source; may be empty.")
    body = serializers.CharField(
        required=False, help_text="Full text (Markdown or plain text, never HTML to trust); may be empty."
    )
    url = serializers.CharField(
        required=False,
        allow_null=True,
        help_text="Canonical address of the original (normalised); null for a draft that came without one.",
    )
    amp_url = serializers.CharField(required=False, allow_null=True, help_text="AMP version of the original, when any.")
    published_at = serializers.DateTimeField(
        required=False, allow_null=True, help_text="When the provider published it (UTC), when known."
    )
    category = serializers.CharField(required=False, help_text="Category from the source (e.g. `news`); may be empty.")
    type = serializers.CharField(required=False, help_text="Type from the source (e.g. `article`); may be empty.")
    quality = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=0,
        max_value=100,
        help_text="Editorial quality score, 0–100; null when not scored.",
    )
    heat = serializers.IntegerField(required=False, help_text="Popularity score from the pipeline; -1 = not computed.")
    is_published = serializers.BooleanField(
        required=False, help_text="Whether readers can see it (always true for callers who are not editors)."
    )
    provider = ProviderSummarySerializer(required=False, allow_null=True, help_text="Who published it, when known.")
    topics = TopicSummarySerializer(many=True, required=False, help_text="What it is about, in the source's order.")
    images = ImageSerializer(many=True, required=False, help_text="Its images, in the source's order.")
    related = RelatedLinkSerializer(
        many=True, required=False, help_text="Related articles found by the pipeline, in the source's order."
    )
    links = ArticleLinksSerializer(required=False, help_text="Where to find this article.")
    story = ArticleStorySerializer(
        required=False, allow_null=True, help_text="The story it reports, with every provider's coverage of it."
    )
    extra = serializers.DictField(
        required=False,
        help_text="Editors only: source keys this version does not know, verbatim (absent for other callers).",
    )

    def __init__(self, *args, fields: list[str] | None = None, editor: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.editor = editor
        available = fields_for(editor=editor)
        self.selected = [name for name in available if fields is None or name in fields]

    def to_representation(self, row: dict) -> dict:
        """``row``: an article read by ``articles.api.rows.article_values``, its nested arrays decoded."""
        return {name: getter(row) for name, getter in self._getters}

    @cached_property
    def _getters(self) -> list[tuple[str, Callable[[dict], Any]]]:
        """(field, function of the row) for each selected field, built once per response."""
        request = self.context["request"]
        root = request.build_absolute_uri("/")[:-1]
        api_path, page_path = article_paths(get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)
        api_address, page_address = root + api_path, root + page_path
        story_api_path, story_page_path = story_paths(get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)
        story_api_address, story_page_address = root + story_api_path, root + story_page_path
        editor = self.editor

        def story(row):
            slug = row["story__slug"]
            if slug is None:
                return None
            published_size = row["story__published_size"]
            return {
                "slug": slug,
                "size": row["story__size"] if editor else published_size,
                "links": {
                    "self": story_api_address.replace(STORY_SLUG_PLACEHOLDER, slug),
                    "html": story_page_address.replace(STORY_SLUG_PLACEHOLDER, slug) if published_size else None,
                },
            }

        # The members of each nested item, in rows.NESTED_ITEMS order.
        def related(
            _position,
            title,
            url,
            excerpt,
            published_at,
            quality,
            provider_name,
            provider_domain,
            provider_slug,
            article_slug,
            article_is_published,
        ):
            return {
                "title": title,
                "url": url,
                "excerpt": excerpt,
                "published_at": iso_datetime_from_json(published_at),
                "provider": None
                if provider_slug is None
                else {"name": provider_name, "domain": provider_domain, "slug": provider_slug},
                "quality": quality,
                "article": article_slug if article_slug is not None and (editor or article_is_published) else None,
            }

        getters = {
            "id": itemgetter("id"),
            "slug": itemgetter("slug"),
            "title": itemgetter("title"),
            "excerpt": itemgetter("excerpt"),
            "body": itemgetter("body"),
            "url": lambda row: row["url"] or None,
            "amp_url": lambda row: row["amp_url"] or None,
            "published_at": lambda row: iso_datetime(row["published_at"]),
            "category": itemgetter("category"),
            "type": itemgetter("article_type"),
            "quality": itemgetter("quality"),
            "heat": itemgetter("heat"),
            "is_published": itemgetter("is_published"),
            "provider": article_provider,
            "topics": lambda row: [
                {"name": name, "slug": slug} for _position, name, slug in in_order(row["nested_topics"])
            ],
            "images": lambda row: [
                {"url": url, "width": width, "height": height, "title": title}
                for _position, url, width, height, title in in_order(row["nested_images"])
            ],
            "related": lambda row: [related(*link) for link in in_order(row["nested_related"])],
            "links": lambda row: {
                "self": api_address.replace(SLUG_PLACEHOLDER, row["slug"]),
                "html": page_address.replace(SLUG_PLACEHOLDER, row["slug"]) if row["is_published"] else None,
            },
            "story": story,
            "extra": itemgetter("extra"),
        }
        return [(name, getters[name]) for name in self.selected]


@lru_cache(maxsize=8)
def article_paths(script_prefix: str, urlconf) -> tuple[str, str]:
    """An article's API path and public page path, with ``SLUG_PLACEHOLDER`` for its slug.

    Both depend on the slug only (tests compare them with ``get_absolute_url()``); reversing them
    for every response cost more than representing a row. The arguments are what ``reverse()`` reads.
    """
    return (
        reverse("api:v1:article-detail", kwargs={"slug": SLUG_PLACEHOLDER}, urlconf=urlconf),
        Article(slug=SLUG_PLACEHOLDER).get_absolute_url(),
    )


@lru_cache(maxsize=8)
def story_paths(script_prefix: str, urlconf) -> tuple[str, str]:
    """A story's API path and public page path, with ``STORY_SLUG_PLACEHOLDER`` for its slug."""
    return (
        reverse("api:v1:story-detail", kwargs={"slug": STORY_SLUG_PLACEHOLDER}, urlconf=urlconf),
        Story(slug=STORY_SLUG_PLACEHOLDER).get_absolute_url(),
    )


class StoryLinksFullSerializer(StoryLinksSerializer):
    articles = serializers.URLField(read_only=True, help_text="Its articles in the API (`?story=`), pages of them.")


class StorySerializer(serializers.Serializer):
    """A story: the articles of every provider that report one event."""

    slug = serializers.SlugField(read_only=True, help_text="Identifies the story in `/api/v1/stories/{slug}/`.")
    headline = serializers.CharField(read_only=True, help_text="Its lead's title, unless an editor chose one.")
    size = serializers.IntegerField(
        read_only=True, help_text="How many of its articles you can see: published ones, or all of them for editors."
    )
    provider_count = serializers.IntegerField(read_only=True, help_text="Providers of its published articles.")
    lead = serializers.SlugField(
        read_only=True,
        allow_null=True,
        help_text="The slug of the article that stands for it in listings, when you can see it; otherwise null.",
    )
    first_seen_at = serializers.DateTimeField(
        read_only=True, allow_null=True, help_text="Its earliest article's source date (UTC), when known."
    )
    last_seen_at = serializers.DateTimeField(
        read_only=True, allow_null=True, help_text="Its latest article's source date (UTC), when known."
    )
    last_published_at = serializers.DateTimeField(
        read_only=True,
        allow_null=True,
        help_text="Its latest published article's source date (UTC): the default order, and `since`/`until`.",
    )
    links = StoryLinksFullSerializer(read_only=True, help_text="Where to find the story and its articles.")

    def __init__(self, *args, editor: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.editor = editor

    def to_representation(self, story: Story) -> dict:
        request = self.context["request"]
        api_path, page_path = story_paths(get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)
        lead = getattr(story, "lead_slug", None)
        lead_visible = self.editor or getattr(story, "lead_is_published", False)
        return {
            "slug": story.slug,
            "headline": story.headline,
            "size": story.size if self.editor else story.published_size,
            "provider_count": story.provider_count,
            "lead": lead if lead and lead_visible else None,
            "first_seen_at": iso_datetime(story.first_seen_at),
            "last_seen_at": iso_datetime(story.last_seen_at),
            "last_published_at": iso_datetime(story.last_published_at),
            "links": {
                "self": request.build_absolute_uri(api_path.replace(STORY_SLUG_PLACEHOLDER, story.slug)),
                "html": request.build_absolute_uri(page_path.replace(STORY_SLUG_PLACEHOLDER, story.slug))
                if story.published_size
                else None,
                "articles": request.build_absolute_uri(reverse("api:v1:article-list") + f"?story={story.slug}"),
            },
        }


class StoryDetailSerializer(StorySerializer):
    articles = ArticleSerializer(
        many=True,
        read_only=True,
        help_text=f"Its articles you can see, newest first: at most {STORY_MEMBERS}; "
        "`links.articles` pages through them all.",
    )


class StrictBooleanField(serializers.BooleanField):
    """JSON ``true`` or ``false`` only (DRF also takes ``"yes"``, ``1``, ``"on"``…)."""

    def to_internal_value(self, data):
        if data is True or data is False:
            return data
        self.fail("invalid", input=data)


class StrictIntegerField(serializers.IntegerField):
    """A JSON integer only (DRF also takes ``"50"``, ``50.0``, and ``true`` as 1)."""

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


class ArticleCurationSerializer(serializers.Serializer):
    """What an editor may change through the API; every other field is read-only (a 400 if sent)."""

    is_published = StrictBooleanField(
        required=False, help_text="Publish (`true`) or hold back (`false`) the article. Audited."
    )
    quality = StrictIntegerField(
        required=False,
        allow_null=True,
        min_value=0,
        max_value=100,
        help_text="Editorial quality score, a whole number from 0 to 100, or null to clear it. Audited.",
    )

    def validate(self, attrs):
        if not isinstance(self.initial_data, dict):
            return attrs
        errors = {}
        for name in self.initial_data:
            if name in self.fields:
                continue
            if name in PUBLIC_FIELDS or name in EDITOR_FIELDS:
                errors[name] = ["This field is read-only: only is_published and quality can be changed."]
            else:
                errors[name] = ["Unknown field: only is_published and quality can be changed."]
        if errors:
            raise serializers.ValidationError(errors)
        if not attrs:
            raise serializers.ValidationError("Nothing to change: send is_published and/or quality.")
        return attrs


class IngestImageSerializer(serializers.Serializer):
    url = serializers.CharField(help_text="Image address (http or https).")
    width = serializers.IntegerField(required=False, allow_null=True, help_text="Width in pixels.")
    height = serializers.IntegerField(required=False, allow_null=True, help_text="Height in pixels.")
    isCached = serializers.BooleanField(required=False, allow_null=True, help_text="The pipeline's cache flag.")
    title = serializers.CharField(required=False, allow_blank=True, help_text="Caption or title.")


class IngestProviderSerializer(serializers.Serializer):
    name = serializers.CharField(required=False, help_text="Publisher name (the domain when absent).")
    domain = serializers.CharField(
        required=False, help_text="Publisher domain (taken from the article's URL when absent)."
    )
    images = IngestImageSerializer(many=True, required=False, help_text="Logos; the first valid one is kept.")


class IngestRelatedSerializer(serializers.Serializer):
    title = serializers.CharField(help_text="Title of the related article.")
    webUrl = serializers.RegexField(HTTP_URL, required=False, help_text="Its canonical address (2024 era).")
    originalUrl = serializers.CharField(required=False, help_text="Its original address (2024 era).")
    sourceUrl = serializers.CharField(required=False, help_text="Its canonical address (2020 era).")
    ampWebUrl = serializers.CharField(required=False, help_text="Its AMP address (2024 era).")
    ampUrl = serializers.CharField(required=False, help_text="Its AMP address (2020 era).")
    excerpt = serializers.CharField(required=False, allow_blank=True, help_text="Its excerpt.")
    publishedDateTime = serializers.DateTimeField(required=False, allow_null=True, help_text="When it was published.")
    type = serializers.CharField(required=False, allow_blank=True, help_text="Its type.")
    quality = serializers.IntegerField(
        required=False, allow_null=True, min_value=0, max_value=100, help_text="Its quality score."
    )
    provider = IngestProviderSerializer(required=False, help_text="Its publisher.")
    images = IngestImageSerializer(many=True, required=False, help_text="Its images.")


class ArticleIngestSerializer(serializers.Serializer):
    """One article in the keys of the article file format (its front matter), plus `body`.

    The 2024 era names the canonical address `webUrl` (or `originalUrl`), the 2020 era `sourceUrl`;
    `title` and one of those are required. Keys this version does not know are kept verbatim.
    Validation is the importer's: a problem in the article's own fields rejects it (400, every
    problem listed); a malformed topic, image or related entry is skipped with a warning.
    """

    webUrl = serializers.RegexField(HTTP_URL, required=False, help_text="Canonical address, http(s) (2024 era).")
    originalUrl = serializers.CharField(required=False, help_text="Original address, kept verbatim (2024 era).")
    ampWebUrl = serializers.CharField(required=False, help_text="AMP address (2024 era).")
    cdnAmpWebUrl = serializers.CharField(required=False, help_text="AMP cache address (2024 era).")
    sourceUrl = serializers.RegexField(HTTP_URL, required=False, help_text="Canonical address, http(s) (2020 era).")
    ampUrl = serializers.CharField(required=False, help_text="AMP address (2020 era).")
    cdnAmpUrl = serializers.CharField(required=False, help_text="AMP cache address (2020 era).")
    title = serializers.CharField(help_text="Headline.")
    excerpt = serializers.CharField(required=False, allow_blank=True, help_text="Summary.")
    body = serializers.CharField(required=False, allow_blank=True, help_text="Full text: Markdown or plain text.")
    publishedDateTime = serializers.DateTimeField(
        required=False, allow_null=True, help_text="When the provider published it (ISO 8601; no zone = UTC)."
    )
    category = serializers.CharField(required=False, allow_blank=True, help_text="Category (e.g. `news`).")
    type = serializers.CharField(required=False, allow_blank=True, help_text="Type (e.g. `article`).")
    quality = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=0,
        max_value=100,
        help_text="Quality score, 0–100 (an editor's score, once set, is kept).",
    )
    heat = serializers.IntegerField(
        required=False, allow_null=True, min_value=-1, help_text="Popularity; -1 = not computed."
    )
    published = serializers.BooleanField(
        required=False, allow_null=True, help_text="Published flag (an editor's decision, once made, is kept)."
    )
    provider = IngestProviderSerializer(required=False, help_text="The publisher.")
    topics = serializers.ListField(child=serializers.CharField(), required=False, help_text="Topic names.")
    images = IngestImageSerializer(many=True, required=False, help_text="Images, in order.")
    related = IngestRelatedSerializer(many=True, required=False, help_text="Related articles, in order.")
    secured = serializers.CharField(
        required=False, help_text="Opaque encrypted payload, kept byte-for-byte and never shown."
    )


class IngestResultSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(
        choices=["created", "updated", "unchanged"],
        read_only=True,
        help_text="`created`: a new article (201); `updated`: its source fields changed (200); "
        "`unchanged`: identical to what the catalogue holds (200).",
    )
    warnings = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text="What was repaired or skipped (e.g. a malformed image), as the importer reports it.",
    )
    article = ArticleSerializer(read_only=True, help_text="The article as stored, as an editor sees it.")


class TopicLinksSerializer(serializers.Serializer):
    self = serializers.URLField(read_only=True, help_text="This topic in the API.")
    articles = serializers.URLField(read_only=True, help_text="Its articles in the API.")
    html = serializers.URLField(read_only=True, help_text="The topic's public web page.")


class TopicSerializer(TopicSummarySerializer):
    article_count = serializers.IntegerField(
        read_only=True, help_text="How many articles visible to you are about this topic."
    )
    links = serializers.SerializerMethodField(help_text="Where to find this topic and its articles.")

    @extend_schema_field(TopicLinksSerializer)
    def get_links(self, topic) -> dict:
        request = self.context["request"]
        return {
            "self": request.build_absolute_uri(reverse("api:v1:topic-detail", kwargs={"slug": topic.slug})),
            "articles": request.build_absolute_uri(reverse("api:v1:article-list") + f"?topic={topic.slug}"),
            "html": request.build_absolute_uri(topic.get_absolute_url()),
        }


class ProviderLogoSerializer(serializers.Serializer):
    url = serializers.CharField(
        read_only=True, help_text="Logo image: an http(s) address, or a path relative to the provider's site."
    )
    width = serializers.IntegerField(read_only=True, allow_null=True, help_text="Width in pixels, when known.")
    height = serializers.IntegerField(read_only=True, allow_null=True, help_text="Height in pixels, when known.")


class ProviderLinksSerializer(serializers.Serializer):
    self = serializers.URLField(read_only=True, help_text="This provider in the API.")
    articles = serializers.URLField(read_only=True, help_text="Its articles in the API.")
    html = serializers.URLField(read_only=True, help_text="The provider's public web page.")


class ProviderSerializer(serializers.Serializer):
    name = serializers.CharField(read_only=True, help_text="Publisher name.")
    domain = serializers.CharField(read_only=True, help_text="Normalised domain (lowercase, no leading `www.`).")
    slug = serializers.SlugField(
        read_only=True, help_text="Identifies the provider in `/api/v1/providers/{slug}/` and `?provider=`."
    )
    logo = serializers.SerializerMethodField(help_text="The provider's logo, when known; otherwise null.")
    article_count = serializers.IntegerField(read_only=True, help_text="How many articles visible to you it published.")
    links = serializers.SerializerMethodField(help_text="Where to find this provider and its articles.")

    @extend_schema_field(ProviderLogoSerializer(allow_null=True))
    def get_logo(self, provider) -> dict | None:
        if not provider.logo_url:
            return None
        return {"url": provider.logo_url, "width": provider.logo_width, "height": provider.logo_height}

    @extend_schema_field(ProviderLinksSerializer)
    def get_links(self, provider) -> dict:
        request = self.context["request"]
        return {
            "self": request.build_absolute_uri(reverse("api:v1:provider-detail", kwargs={"slug": provider.slug})),
            "articles": request.build_absolute_uri(reverse("api:v1:article-list") + f"?provider={provider.slug}"),
            "html": request.build_absolute_uri(provider.get_absolute_url()),
        }
