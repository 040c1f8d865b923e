"""The list filters: the article list's (publication, quality band, review, provider, topic, story), the story
list's topic and the audit trail's users. The provider and topic filters list only what matches a search, never a
whole table."""

from __future__ import annotations

import re

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.auth import get_user_model
from django.db import connections
from django.db.models import Case, Exists, F, IntegerField, OuterRef, Q, Value, When

from providers.models import Provider

from ..models import QUALITY_BANDS, TaggedTopic, Topic, quality_band_filter


class PublicationFilter(admin.SimpleListFilter):
    title = "published"
    parameter_name = "published"

    def lookups(self, request, model_admin):
        return [("yes", "Published"), ("no", "Not published"), ("scheduled", "Scheduled")]

    def queryset(self, request, queryset):
        match self.value():
            case "yes":
                return queryset.filter(is_published=True)
            case "no":
                return queryset.filter(is_published=False)
            case "scheduled":
                return queryset.filter(is_published=False, scheduled_publish_at__isnull=False)
        return queryset


class QualityBandFilter(admin.SimpleListFilter):
    title = "quality"
    parameter_name = "quality_band"

    def lookups(self, request, model_admin):
        return [(key, label) for key, (label, _, _) in QUALITY_BANDS.items()]

    def queryset(self, request, queryset):
        if self.value() not in QUALITY_BANDS:
            return queryset
        field = "quality"
        if connections[queryset.db].vendor == "sqlite":
            # SQLite has no statistics: given a range on the quality index it reads the whole band
            # (a third of the table) and sorts it. "quality + 0" is not indexable, so it walks the
            # date index of the list's order instead and stops after a page. PostgreSQL decides itself.
            queryset = queryset.alias(quality_value=F("quality") + 0)
            field = "quality_value"
        return queryset.filter(quality_band_filter(self.value(), field))


class NeedsReviewFilter(admin.SimpleListFilter):
    title = "needs review"
    parameter_name = "needs_review"

    def lookups(self, request, model_admin):
        return [("yes", "Needs review"), ("no", "Reviewed")]

    def queryset(self, request, queryset):
        match self.value():
            case "yes":
                return queryset.filter(needs_review=True)
            case "no":
                # Negated so that no index on the flag drives the plan: most rows are reviewed.
                return queryset.exclude(needs_review=True)
        return queryset


ID = re.compile(r"[0-9]{1,18}")  # ASCII digits (str.isdigit() takes "²"), within a 64-bit column


class SearchableRelationFilter(admin.ListFilter):
    """A filter on a large related table: a search box, and links only for what matches.

    The stock ``RelatedFieldListFilter`` renders every provider (400+) on every page load; this one
    shows the current choice and up to ``limit`` matches of the search, or nothing but the box.
    """

    template = "admin/articles/searchable_filter.html"
    related_model = None
    parameter_name = ""
    search_parameter = ""
    search_fields: tuple[str, ...] = ()
    limit = 12

    def __init__(self, request, params, model, model_admin):
        super().__init__(request, params, model, model_admin)
        self.value = self._pop(params, self.parameter_name)
        self.search = (self._pop(params, self.search_parameter) or "").strip()[:100]
        if self.value is not None and not ID.fullmatch(self.value):
            raise IncorrectLookupParameters(f"{self.parameter_name} must be an id.")
        self.hidden_params: list[tuple[str, str]] = []
        self.has_more = False

    @staticmethod
    def _pop(params, name):
        values = params.pop(name, None)
        if isinstance(values, list):
            return values[-1] if values else None
        return values

    def has_output(self):
        return True

    def expected_parameters(self):
        return [self.parameter_name, self.search_parameter]

    def queryset(self, request, queryset):
        if self.value is None:
            return queryset
        return self.filter_articles(queryset, int(self.value))

    def filter_articles(self, queryset, pk):
        raise NotImplementedError

    def options(self) -> list:
        """The current choice first, then what matches the search; one query, none when idle."""
        if not self.search and self.value is None:
            return []
        wanted = Q()
        if self.search:
            for field in self.search_fields:
                wanted |= Q(**{f"{field}__icontains": self.search})
        candidates = self.related_model._default_manager.all()
        if self.value is not None:
            current = int(self.value)
            wanted |= Q(pk=current)
            candidates = candidates.annotate(
                current=Case(When(pk=current, then=Value(0)), default=Value(1), output_field=IntegerField())
            ).order_by("current", "name")
        else:
            candidates = candidates.order_by("name")
        rows = list(candidates.filter(wanted)[: self.limit + 1])
        self.has_more = len(rows) > self.limit
        return rows[: self.limit]

    def choices(self, changelist):
        own = {self.parameter_name, self.search_parameter}
        self.hidden_params = [
            (name, value) for name, values in changelist.filter_params.items() if name not in own for value in values
        ]
        yield {
            "selected": self.value is None,
            "query_string": changelist.get_query_string(remove=list(own)),
            "display": "All",
        }
        for option in self.options():
            yield {
                "selected": str(option.pk) == self.value,
                "query_string": changelist.get_query_string({self.parameter_name: option.pk}, [self.search_parameter]),
                "display": str(option),
            }


class ProviderFilter(SearchableRelationFilter):
    title = "provider"
    related_model = Provider
    parameter_name = "provider__id__exact"
    search_parameter = "provider_q"
    search_fields = ("name", "domain")

    def filter_articles(self, queryset, pk):
        return queryset.filter(provider_id=pk)


class TopicFilter(SearchableRelationFilter):
    title = "topic"
    related_model = Topic
    parameter_name = "topic__id__exact"
    search_parameter = "topic_q"
    search_fields = ("name",)

    def filter_articles(self, queryset, pk):
        # EXISTS, not a join: the list walks its date index and probes the (article, topic) unique
        # index per row, stopping after a page, instead of collecting and sorting every tagged article.
        return queryset.filter(Exists(TaggedTopic.objects.filter(content_object=OuterRef("pk"), tag_id=pk)))


class StaffUserFilter(admin.RelatedFieldListFilter):
    """Audit entries by user: only staff accounts are offered (readers never edit)."""

    def field_choices(self, field, request, model_admin):
        return [
            (user.pk, str(user))
            for user in get_user_model()._default_manager.filter(is_staff=True).order_by("username")
        ]


class StoryTopicFilter(TopicFilter):
    """Stories with at least one article in the topic."""

    def filter_articles(self, queryset, pk):
        # EXISTS, not a join: a story with many articles in the topic is still one row.
        return queryset.filter(Exists(TaggedTopic.objects.filter(content_object__story=OuterRef("pk"), tag_id=pk)))


class StoryCompanyFilter(admin.SimpleListFilter):
    """Articles whose story has others in it, or that stand alone."""

    title = "story"
    parameter_name = "in_story"

    def lookups(self, request, model_admin):
        return [("others", "In a story with others"), ("alone", "Alone")]

    def queryset(self, request, queryset):
        match self.value():
            case "others":
                return queryset.filter(story__size__gt=1)
            case "alone":
                return queryset.filter(Q(story__isnull=True) | Q(story__size__lte=1))
        return queryset
