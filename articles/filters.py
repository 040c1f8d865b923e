"""``ArticleFilterSet``: the one definition of how articles are filtered and ordered.

Used by the REST API (through django-filter's DRF backend, which turns an invalid value into
a 400 naming the parameter) and reusable by the HTML listings: it imports nothing from DRF.

    filterset = ArticleFilterSet(request.GET, queryset=Article.objects.published(), request=request)
    if filterset.is_valid():
        articles = filterset.qs
    else:
        errors = filterset.errors   # {"quality_min": ["Enter a whole number."], ...}

Filtering on ``is_published`` is for editors (``permissions.can_view_unpublished``); anyone
else who passes it gets a validation error on that parameter, since they only ever see
published articles.
"""

from __future__ import annotations

import datetime as dt
import functools
import re

import django_filters as filters
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from providers.models import Provider

from .models import (
    STORIES_LARGEST_FIRST,
    STORIES_NEWEST_FIRST,
    Article,
    Story,
    TaggedTopic,
    clean_search_query,
    ordering_for,
)
from .permissions import can_view_unpublished

ORDERING_FIELDS = ("published_at", "quality", "heat", "title")
ORDERING_LABELS = {
    "-published_at": "newest first",
    "published_at": "oldest first",
    "-quality": "best quality first",
    "quality": "lowest quality first",
    "-heat": "most popular first",
    "heat": "least popular first",
    "title": "title A to Z",
    "-title": "title Z to A",
}
DEFAULT_ORDERING = "-published_at"
MAX_VALUES = 20
MAX_QUERY_LENGTH = settings.NEWSDESK_SEARCH_MAX_LENGTH  # the search page's limit
SLUG = re.compile(r"^[-\w]+\Z")
SLUG_OR_DOMAIN = re.compile(r"^[-\w.]+\Z")


def ordering_expressions(ordering: str) -> list:
    """ORDER BY terms for an ``ordering`` value (``ORDERING_LABELS``): the field, then ``id`` as tie-breaker.

    Articles without the value (no date, no quality score) come last in either direction,
    on every database (PostgreSQL and SQLite disagree about where NULL sorts by default).
    """
    name = ordering.removeprefix("-")
    if name not in ORDERING_FIELDS:
        raise ValueError(f"unknown ordering {ordering!r}")
    return list(ordering_for(name, ordering.startswith("-"), nullable=Article._meta.get_field(name).null))


class MultipleValueWidget(forms.TextInput):
    """A text input whose value is every occurrence of the parameter (``?topic=a&topic=b``)."""

    def value_from_datadict(self, data, files, name):
        return data.getlist(name) if hasattr(data, "getlist") else data.get(name)

    def format_value(self, value):
        return ",".join(value) if isinstance(value, (list, tuple)) else value


class MultipleValueField(forms.Field):
    """Values given repeatedly and/or comma-separated, each matching ``pattern``; returns a list."""

    widget = MultipleValueWidget
    default_error_messages = {
        "invalid_value": "“%(value)s” is not %(expected)s.",
        "too_many": "Give at most %(limit)d values.",
    }

    def __init__(
        self,
        *,
        pattern: re.Pattern = SLUG,
        expected: str = "a slug (letters, digits, - and _)",
        max_values: int = MAX_VALUES,
        max_length: int = 253,
        **kwargs,
    ):
        self.pattern, self.expected, self.max_values, self.max_length = pattern, expected, max_values, max_length
        super().__init__(**kwargs)

    def to_python(self, value) -> list[str]:
        if value in (None, "", [], ()):
            return []
        raw = value if isinstance(value, (list, tuple)) else [value]
        values: list[str] = []
        for item in raw:
            for part in str(item).split(","):
                part = part.strip()
                if not part:
                    continue
                if len(part) > self.max_length or not self.pattern.match(part):
                    raise ValidationError(
                        self.error_messages["invalid_value"],
                        code="invalid_value",
                        params={"value": part[:100], "expected": self.expected},
                    )
                if part not in values:
                    values.append(part)
        if len(values) > self.max_values:
            raise ValidationError(self.error_messages["too_many"], code="too_many", params={"limit": self.max_values})
        return values


class IsoDateTimeOrDateField(forms.Field):
    """An ISO 8601 date-time (``2024-01-31T09:00:00Z``) or date (``2024-01-31``, meaning midnight UTC).

    A date-time without a zone is read as UTC.
    """

    default_error_messages = {
        "invalid": "Enter an ISO 8601 date or date-time, e.g. 2024-01-31 or 2024-01-31T09:00:00Z.",
    }

    def to_python(self, value) -> dt.datetime | None:
        if value in (None, ""):
            return None
        if isinstance(value, dt.datetime):
            parsed = value
        else:
            text = str(value).strip()
            try:
                parsed = parse_datetime(text)
                if parsed is None:
                    day = parse_date(text)
                    parsed = dt.datetime.combine(day, dt.time.min) if day else None
            except ValueError:  # well formed but impossible, e.g. 2024-02-30
                parsed = None
            if parsed is None:
                raise ValidationError(self.error_messages["invalid"], code="invalid")
        if timezone.is_naive(parsed):
            parsed = parsed.replace(tzinfo=dt.UTC)
        if not 1 <= parsed.astimezone(dt.UTC).year <= 9998:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return parsed


class StrictBooleanField(forms.Field):
    """``true``/``false`` (or ``1``/``0``); anything else is an error rather than “no filter”."""

    default_error_messages = {"invalid": "Enter true or false."}
    VALUES = {"true": True, "1": True, "false": False, "0": False}

    def to_python(self, value) -> bool | None:
        if value in (None, ""):
            return None
        if isinstance(value, bool):
            return value
        try:
            return self.VALUES[str(value).strip().lower()]
        except KeyError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None


class SearchTextField(forms.CharField):
    """A search as the search page reads it: control characters (NUL too) are word breaks, not errors."""

    def to_python(self, value) -> str:
        return clean_search_query(super().to_python(value))


class IntegerFilter(filters.NumberFilter):
    field_class = forms.IntegerField


class DateTimeFilter(filters.IsoDateTimeFilter):
    field_class = IsoDateTimeOrDateField


class SearchFilter(filters.CharFilter):
    field_class = SearchTextField


class StrictBooleanFilter(filters.BooleanFilter):
    field_class = StrictBooleanField


class MultipleValueFilter(filters.MultipleChoiceFilter):
    """A repeatable filter matching any of its values (documented as an array parameter)."""

    field_class = MultipleValueField


@functools.cache
def _form_class(filterset_class: type[filters.FilterSet], *, editor: bool) -> type[forms.Form]:
    """The validation form of ``filterset_class``, from its declared filters (``base_filters``).

    Sharing it is safe: a form instance deep-copies its class's fields. Only editors may filter
    on ``is_published``.
    """
    fields = {name: filter_.field for name, filter_ in filterset_class.base_filters.items()}
    if not editor:
        fields["clean_is_published"] = _refuse_is_published
    return type(f"{filterset_class.__name__}Form", (filterset_class._meta.form,), fields)


def _refuse_is_published(form):
    if form.cleaned_data.get("is_published") is not None:
        raise ValidationError(
            "Only editors can filter on is_published; other callers see published articles only.",
            code="editors_only",
        )
    return None


class ArticleFilterSet(filters.FilterSet):
    topic = MultipleValueFilter(
        method="filter_topic",
        expected="a topic slug (letters, digits, - and _)",
        help_text="Topic slug; repeat the parameter (or separate slugs with commas) to match articles "
        "about any of the topics.",
    )
    provider = MultipleValueFilter(
        method="filter_provider",
        pattern=SLUG_OR_DOMAIN,
        expected="a provider slug or domain",
        help_text="Provider slug (`bbc-com`) or domain (`bbc.com`, `www.` ignored); repeat the parameter "
        "(or separate values with commas) to match articles from any of the providers.",
    )
    published_after = DateTimeFilter(
        field_name="published_at",
        lookup_expr="gte",
        help_text="Only articles published at or after this ISO 8601 date-time or date "
        "(`2024-01-31T09:00:00Z`, `2024-01-31` = midnight UTC; no zone = UTC).",
    )
    published_before = DateTimeFilter(
        field_name="published_at",
        lookup_expr="lt",
        help_text="Only articles published strictly before this ISO 8601 date-time or date "
        "(`2024-02-01` = midnight UTC; no zone = UTC).",
    )
    quality_min = IntegerFilter(
        field_name="quality",
        lookup_expr="gte",
        min_value=0,
        max_value=100,
        help_text="Only articles with an editorial quality score of at least this (0–100).",
    )
    quality_max = IntegerFilter(
        field_name="quality",
        lookup_expr="lte",
        min_value=0,
        max_value=100,
        help_text="Only articles with an editorial quality score of at most this (0–100).",
    )
    heat_min = IntegerFilter(
        field_name="heat",
        lookup_expr="gte",
        min_value=-1,
        max_value=2**31 - 1,
        help_text="Only articles whose popularity score (heat) is at least this (-1 = not computed).",
    )
    category = filters.CharFilter(
        field_name="category",
        lookup_expr="exact",
        max_length=100,
        help_text="Only articles of this category, exactly as given by the source (e.g. `news`).",
    )
    type = filters.CharFilter(
        field_name="article_type",
        lookup_expr="exact",
        max_length=50,
        help_text="Only articles of this type, exactly as given by the source (e.g. `article`).",
    )
    story = MultipleValueFilter(
        method="filter_story",
        expected="a story slug (letters, digits, - and _)",
        help_text="Story slug (`story.slug` of an article); repeat the parameter (or separate slugs with commas) "
        "to match the articles of any of the stories.",
    )
    q = SearchFilter(
        method="filter_search",
        max_length=MAX_QUERY_LENGTH,
        help_text="Full-text search in title, excerpt and body, with the search page's syntax: every word is "
        'required, `"a phrase"` matches its words in that order, `-word` leaves out articles with that word, '
        "`or` between words accepts either. On PostgreSQL a word matches whatever its English ending (`rates` "
        "finds `rate`) and words too common to mean anything (`the`, `of`) match nothing; on SQLite words match "
        "case-insensitively as parts of words, a phrase's words in any order. Results keep `ordering` (newest "
        "first by default), not relevance: the cursor pages on a stored column, which a relevance score is not "
        f"(the search page ranks by relevance). At most {MAX_QUERY_LENGTH} characters; control characters count "
        "as spaces.",
    )
    is_published = StrictBooleanFilter(
        field_name="is_published",
        help_text="Editors only: `true` for published articles, `false` for held-back ones. "
        "Other callers see published articles only, and get a 400 if they pass it.",
    )
    ordering = filters.ChoiceFilter(
        method="filter_ordering",
        choices=[(name, label) for name, label in ORDERING_LABELS.items()],
        empty_label=None,
        help_text="Sort order: a field name for ascending, `-` and the name for descending; ties are "
        "broken by id; articles without the value (no date or score) come last in either direction. "
        f"Default `{DEFAULT_ORDERING}`.",
    )

    class Meta:
        model = Article
        fields: list[str] = []

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        super().__init__(data, queryset, request=request, prefix=prefix)
        self.for_editor = can_view_unpublished(getattr(request, "user", None))

    def get_form_class(self):
        # Built once per process for each kind of caller, not per request (django-filter rebuilds
        # every form field from deep copies of the filters: ~0.7 ms of each filtered request).
        return _form_class(type(self), editor=self.for_editor)

    def filter_topic(self, queryset, name, value: list[str]):
        if not value:
            return queryset
        # EXISTS gives each article once however many of the topics it has, without the cost
        # of SELECT DISTINCT over whole article rows.
        return queryset.filter(Exists(TaggedTopic.objects.filter(content_object=OuterRef("pk"), tag__slug__in=value)))

    def filter_provider(self, queryset, name, value: list[str]):
        if not value:
            return queryset
        lowered = [item.lower() for item in value]
        domains = [item.removeprefix("www.") for item in lowered]
        providers = Provider.objects.filter(Q(slug__in=lowered) | Q(domain__in=domains)).values("pk")
        return queryset.filter(provider__in=providers)

    def filter_story(self, queryset, name, value: list[str]):
        if not value:
            return queryset
        return queryset.filter(story__in=Story.objects.filter(slug__in=value).values("pk"))

    def filter_search(self, queryset, name, value: str):
        return queryset.search(value) if value else queryset  # value is cleaned: blank means no search

    def filter_ordering(self, queryset, name, value: str):
        return queryset.order_by(*ordering_expressions(value)) if value else queryset


STORY_ORDERINGS = {"newest": "newest first (by the latest published article; undated last)", "largest": "largest first"}


class StoryFilterSet(filters.FilterSet):
    """How the API's stories are filtered and ordered; sizes are the caller's (published ones for readers)."""

    topic = MultipleValueFilter(
        method="filter_topic",
        expected="a topic slug (letters, digits, - and _)",
        help_text="Topic slug; repeat the parameter (or separate slugs with commas) for stories with an article "
        "you can see about any of the topics.",
    )
    since = DateTimeFilter(
        field_name="last_published_at",
        lookup_expr="gte",
        help_text="Only stories whose latest published article is dated at or after this ISO 8601 date-time or "
        "date (`2024-01-31` = midnight UTC; no zone = UTC).",
    )
    until = DateTimeFilter(
        field_name="last_published_at",
        lookup_expr="lt",
        help_text="Only stories whose latest published article is dated strictly before this ISO 8601 date-time "
        "or date.",
    )
    min_size = IntegerFilter(
        method="filter_min_size",
        min_value=1,
        max_value=2**31 - 1,
        help_text="Only stories of at least this many articles you can see (published ones, or all for editors).",
    )
    ordering = filters.ChoiceFilter(
        method="filter_ordering",
        choices=list(STORY_ORDERINGS.items()),
        empty_label=None,
        help_text="`newest` (default): by the latest published article's date, undated last; `largest`: most "
        "articles first. Ties are broken by id.",
    )

    class Meta:
        model = Story
        fields: list[str] = []

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        super().__init__(data, queryset, request=request, prefix=prefix)
        self.for_editor = can_view_unpublished(getattr(request, "user", None))

    def filter_topic(self, queryset, name, value: list[str]):
        if not value:
            return queryset
        articles = Article.objects.all() if self.for_editor else Article.objects.published()
        about = articles.filter(story=OuterRef("pk"), tagged_topics__tag__slug__in=value)
        return queryset.filter(Exists(about))

    def filter_min_size(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(**{f"{story_size_field(self.for_editor)}__gte": value})

    def filter_ordering(self, queryset, name, value: str):
        return queryset.order_by(*story_ordering(value, editor=self.for_editor)) if value else queryset


def story_size_field(editor: bool) -> str:
    return "size" if editor else "published_size"


def story_ordering(name: str, *, editor: bool) -> tuple:
    """ORDER BY terms of a story ordering; editors' largest counts unpublished articles, as their sizes do."""
    if name == "largest":
        return (F("size").desc(), F("id").desc()) if editor else STORIES_LARGEST_FIRST
    return STORIES_NEWEST_FIRST
