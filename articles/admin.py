"""The editorial admin: find, publish, score and schedule articles among 100,000+, with an audit trail.

Who may change what (see also the README):
- Non-superusers change only the Editorial fields (published, quality, scheduled publication),
  the list's quality/published columns and the bulk actions, and only with both
  ``articles.change_article`` and ``articles.change_article_editorial`` (``permissions.can_curate``: the
  Editors group).
- Content and source fields come from the pipeline (a re-import rewrites them): read-only to
  everyone but superusers. The identity and provenance fields are read-only to everyone.
Every editorial write goes through ``articles.services`` and is audited (``EditorialChange``); so
is a superuser's content correction, which lasts until the next import of the article's file.

Every list costs a fixed number of queries: counts are capped (``CappedCountPaginator``), the date
hierarchy uses index lookups instead of a DISTINCT over every row, and the provider and topic
filters list only what matches a search.
"""

from __future__ import annotations

import datetime
import json
import re
from collections import defaultdict

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.admin.options import IS_POPUP_VAR, IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import connections, router, transaction
from django.db.models import Case, Exists, F, IntegerField, OuterRef, Prefetch, Q, Subquery, Value, When
from django.forms.models import BaseModelFormSet
from django.forms.utils import ErrorList, flatatt
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.functional import cached_property
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst

from providers.models import Provider

from . import services
from .models import (
    NEWEST_FIRST,
    Article,
    ArticleImage,
    EditorialChange,
    PublicEdit,
    RelatedLink,
    SourceFile,
    TaggedTopic,
    Topic,
    correlated_count,
)
from .permissions import can_curate
from .views import topics_with_published_articles

EDITORIAL_FIELDS = ("is_published", "quality", "scheduled_publish_at")
# The pipeline's: editable by superusers only (the next import of the article's file restores them).
CONTENT_FIELDS = (
    "title",
    "excerpt",
    "body",
    "original_url",
    "amp_url",
    "cdn_amp_url",
    "provider",
    "published_at",
    "category",
    "article_type",
    "heat",
    "topics",
)
# Identity and provenance: nobody edits them here.
ALWAYS_READONLY = (
    "editorial_locks",
    "url",
    "slug",
    "source_key",
    "schema_era",
    "is_draft",
    "needs_review",
    "warnings_display",
    "secured_summary",
    "extra_display",
    "source_path",
    "content_hash",
    "first_imported_at",
    "imported_at",
    "editorial_history",
)


# --- Counting without counting everything ---------------------------------------------------------


class CappedCountPaginator(Paginator):
    """A paginator whose count never walks the whole table.

    The admin's ChangeList reads ``paginator.count`` on every load, even with
    ``show_full_result_count = False``; at 100,000+ rows that ``COUNT(*)`` is most of the page's
    time. Here the count stops after ``cap`` rows (shown as "more than 1,000"); on PostgreSQL an
    unfiltered list uses the planner's estimate (``pg_class.reltuples``, shown as "about …").
    """

    # Enough for 20 pages. A filtered count reads rows until it has cap+1 matches, so the cap, not
    # the catalogue, bounds its cost.
    default_cap = 1_000

    def __init__(self, object_list, per_page, orphans=0, allow_empty_first_page=True, *, cap=None):
        super().__init__(object_list, per_page, orphans, allow_empty_first_page)
        self.cap = cap or self.default_cap
        self.count_is_estimate = False
        self.count_is_capped = False

    @cached_property
    def count(self) -> int:
        estimate = self._estimate()
        if estimate is not None and estimate > self.cap:
            self.count_is_estimate = True
            return estimate
        counted = self.object_list.order_by()[: self.cap + 1].count()
        self.count_is_capped = counted > self.cap
        return counted

    @property
    def count_label(self) -> str:
        if self.count_is_estimate:
            return f"about {formats.number_format(self.count, force_grouping=True)}"
        if self.count_is_capped:
            return f"more than {formats.number_format(self.cap, force_grouping=True)}"
        return formats.number_format(self.count, force_grouping=True)

    def _estimate(self) -> int | None:
        queryset = self.object_list
        query = queryset.query
        connection = connections[queryset.db]
        if connection.vendor != "postgresql" or query.where or query.distinct or query.combinator:
            return None
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass",
                [connection.ops.quote_name(queryset.model._meta.db_table)],
            )
            row = cursor.fetchone()
        # -1 (never analysed) or a small table: a capped count is exact and cheap.
        return row[0] if row and row[0] > 0 else None


class CappedCountAdminMixin:
    """For the big tables: capped counts, no facet counts."""

    paginator = CappedCountPaginator
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    # Deeper pages are past the end of any catalogue (Django answers them with its ?e=1 page), and
    # the count's LIMIT stays a 64-bit integer.
    max_page = 100_000

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        # Count far enough to serve the requested page and a few after it.
        try:
            page = min(max(int(request.GET.get("p", 1)), 1), self.max_page)
        except ValueError:
            page = 1
        cap = max(CappedCountPaginator.default_cap, (page + 5) * per_page)
        return self.paginator(queryset, per_page, orphans, allow_empty_first_page, cap=cap)


class ValidatedChangeList(ChangeList):
    """Django's changelist, sending every parameter it cannot answer to its ``?e=1`` page instead of a 500.

    Django checks a lookup's value when it builds the query, not when the database runs it, and
    builds its date drill-down's range outside that check.
    """

    def get_filters(self, request):
        if any("\x00" in value for values in self.get_filters_params().values() for value in values):
            # PostgreSQL refuses NUL in a text parameter, and no stored value holds one.
            raise IncorrectLookupParameters("A lookup value holds a NUL character.")
        try:
            return super().get_filters(request)
        except (ValueError, OverflowError) as error:  # ?published_at__year=9999 ends in the year 10000
            raise IncorrectLookupParameters(error) from error


class ValidatedChangeListMixin:
    """Malformed query strings get the admin's own answers (``?e=1``, or a 400), never a 500."""

    def get_changelist(self, request, **kwargs):
        return ValidatedChangeList

    def lookup_allowed(self, lookup, value, request):
        # A pattern goes to the database as given: a malformed one is its error, a nasty one a slow scan.
        if lookup.endswith(("__regex", "__iregex")):
            return False
        return super().lookup_allowed(lookup, value, request)


class PublicEditMixin:
    """Records the admin's edits of what readers see as ``PublicEdit`` rows, which move the public pages'
    validators (``newsdesk.conditional``): an edit of something only editors see must not."""

    def public_objects(self, queryset):
        """The objects of ``queryset`` that readers see."""
        raise NotImplementedError

    def log_addition(self, request, obj, message):
        entry = super().log_addition(request, obj, message)
        self._record_public_edits([entry], [obj.pk])
        return entry

    def log_change(self, request, obj, message):
        entry = super().log_change(request, obj, message)
        self._record_public_edits([entry], [obj.pk])
        return entry

    def log_deletions(self, request, queryset):
        # Called before the deletion, so what readers saw can still be asked.
        objects = list(queryset)
        entries = super().log_deletions(request, objects)
        self._record_public_edits(entries, [obj.pk for obj in objects])
        return entries

    def _record_public_edits(self, entries, pks) -> None:
        public = self.public_objects(self.model._default_manager.filter(pk__in=pks)).values_list("pk", flat=True)
        shown = {str(pk) for pk in public}  # one query, however many objects
        PublicEdit.objects.bulk_create(
            PublicEdit(log_entry=entry if entry.pk else None, changed_at=entry.action_time)
            for entry in entries
            if str(entry.object_id) in shown  # as given (the primary key) until read back as text
        )


# --- Filters -----------------------------------------------------------------------------------


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
    BANDS = {
        "unrated": Q(quality__isnull=True),
        "0-39": Q(quality__gte=0, quality__lte=39),
        "40-69": Q(quality__gte=40, quality__lte=69),
        "70-100": Q(quality__gte=70, quality__lte=100),
    }

    def lookups(self, request, model_admin):
        return [("unrated", "Unrated"), ("0-39", "0–39"), ("40-69", "40–69"), ("70-100", "70–100")]

    def queryset(self, request, queryset):
        band = self.BANDS.get(self.value())
        if band is None:
            return queryset
        if connections[queryset.db].vendor == "sqlite":
            # SQLite has no statistics: given a range on the quality index it reads the whole band
            # (a third of the table) and sorts it. "quality + 0" is not indexable, so it walks the
            # date index of the list's order instead and stops after a page. PostgreSQL decides itself.
            band = Q(*[(lookup.replace("quality", "quality_value", 1), value) for lookup, value in band.children])
            queryset = queryset.alias(quality_value=F("quality") + 0)
        return queryset.filter(band)


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


# --- The changelist ---------------------------------------------------------------------------


class ArticleChangeList(ValidatedChangeList):
    undated_queryset = None

    def get_filters(self, request):
        specs, has_filters, remaining, may_have_duplicates, has_active_filters = super().get_filters(request)
        field = self.date_hierarchy
        if f"{field}__month" in remaining or f"{field}__day" in remaining:
            # Django reads them only with a year; the drill-down would build a date of them alone.
            raise IncorrectLookupParameters("A month or day of the date drill-down needs its year.")
        # Take the date drill-down's range out, to apply it last (see get_queryset).
        bounds = [key for key in (f"{field}__gte", f"{field}__lt") if key in remaining]
        self.date_range = {key: self._date_bound(remaining.pop(key)[-1]) for key in bounds}
        return specs, has_filters, remaining, may_have_duplicates, has_active_filters

    def _date_bound(self, value) -> datetime.datetime:
        """The drill-down's own bound, or one typed in the query string, checked as Django checks other lookups."""
        if isinstance(value, datetime.datetime):
            return value
        try:
            moment = self.model._meta.get_field(self.date_hierarchy).to_python(value)
            if timezone.is_naive(moment):
                moment = timezone.make_aware(moment)
            moment.astimezone(datetime.UTC)  # as the database is asked: OverflowError near year 1 or 9999
        except (ValidationError, ValueError, OverflowError) as error:
            raise IncorrectLookupParameters(error) from error
        return moment

    def get_queryset(self, request, exclude_parameters=None):
        queryset = super().get_queryset(request, exclude_parameters)
        # The drill-down's links are probed on the list without its own range: on SQLite a month's
        # probe inside a year's range would otherwise seek the year's start and read up to the month.
        self.undated_queryset = queryset
        if self.date_range:
            queryset = queryset.filter(**self.date_range)
        return queryset.prefetch_related(
            Prefetch("tagged_topics", queryset=TaggedTopic.objects.select_related("tag").order_by("position")),
            Prefetch("images", queryset=ArticleImage.objects.order_by("position")),
        )

    @cached_property
    def date_hierarchy_links(self) -> dict:
        """Django's date drill-down, without its ``MIN``/``MAX`` and ``SELECT DISTINCT`` over every row.

        The bounds are two index lookups; which years, months or days have articles is one query of
        probes (each an index range lookup). Same template context as the stock tag.
        """
        field = self.date_hierarchy
        year_field, month_field, day_field = f"{field}__year", f"{field}__month", f"{field}__day"
        try:
            year, month, day = (
                int(self.params[name]) if self.params.get(name) else None
                for name in (year_field, month_field, day_field)
            )
        except ValueError:
            return {"show": False}

        def link(filters):
            return self.get_query_string(filters, [f"{field}__"])

        if year and month and day:
            date = datetime.date(year, month, day)
            return {
                "show": True,
                "back": {
                    "link": link({year_field: year, month_field: month}),
                    "title": capfirst(formats.date_format(date, "YEAR_MONTH_FORMAT")),
                },
                "choices": [{"title": capfirst(formats.date_format(date, "MONTH_DAY_FORMAT"))}],
            }
        first = last = None
        if not year:
            first, last = self._date_bounds()
            if first is None:
                return {"show": False}
            if first.year == last.year:
                year = first.year
                if first.month == last.month:
                    month = first.month
        if year and month:
            start = datetime.date(year, month, 1)
            days = [start + datetime.timedelta(days=n) for n in range(31)]
            days = [d for d in days if d.month == month]
            present = self._buckets_with_rows([(d, d + datetime.timedelta(days=1)) for d in days])
            return {
                "show": True,
                "back": {"link": link({year_field: year}), "title": str(year)},
                "choices": [
                    {
                        "link": link({year_field: year, month_field: month, day_field: d.day}),
                        "title": capfirst(formats.date_format(d, "MONTH_DAY_FORMAT")),
                    }
                    for d, has_rows in zip(days, present, strict=True)
                    if has_rows
                ],
            }
        if year:
            months = [datetime.date(year, m, 1) for m in range(1, 13)]
            present = self._buckets_with_rows([(m, _next_month(m)) for m in months])
            return {
                "show": True,
                "back": {"link": link({}), "title": "All dates"},
                "choices": [
                    {
                        "link": link({year_field: year, month_field: m.month}),
                        "title": capfirst(formats.date_format(m, "YEAR_MONTH_FORMAT")),
                    }
                    for m, has_rows in zip(months, present, strict=True)
                    if has_rows
                ],
            }
        years = [datetime.date(y, 1, 1) for y in range(max(first.year, last.year - 49), last.year + 1)]
        present = self._buckets_with_rows([(y, y.replace(year=y.year + 1)) for y in years])
        return {
            "show": True,
            "choices": [
                {"link": link({year_field: y.year}), "title": str(y.year)}
                for y, has_rows in zip(years, present, strict=True)
                if has_rows
            ],
        }

    def _date_bounds(self):
        field = self.date_hierarchy
        dated = self.undated_queryset.filter(**{f"{field}__isnull": False})
        bounds = (
            self.model._default_manager.annotate(
                first=Subquery(dated.order_by(_earliest(field)).values(field)[:1]),
                last=Subquery(dated.order_by(_latest(field)).values(field)[:1]),
            )
            .values_list("first", "last")
            .order_by()[:1]
        )
        first, last = next(iter(bounds), (None, None))
        if first is None or last is None:
            return None, None
        return timezone.localtime(first), timezone.localtime(last)

    def _buckets_with_rows(self, buckets: list[tuple[datetime.date, datetime.date]]) -> list[bool]:
        """Which [start, end) ranges hold at least one row of the current list; one query.

        Each probe is "the first date in the range, in date order": both planners walk the date
        index from the range's start (an EXISTS let PostgreSQL pick a merge join along the ids).
        """
        field = self.date_hierarchy
        queryset = self.undated_queryset.order_by()
        probes = {
            f"bucket_{n}": Subquery(
                queryset.filter(**{f"{field}__gte": _aware(start), f"{field}__lt": _aware(end)})
                .order_by(_earliest(field))
                .values(field)[:1]
            )
            for n, (start, end) in enumerate(buckets)
        }
        row = self.model._default_manager.annotate(**probes).values_list(*probes).order_by()[:1]
        return [value is not None for value in next(iter(row), [None] * len(buckets))]


# NULL as the smallest value, as the date indexes store it (descending, NULLS LAST: migration
# 0008), so PostgreSQL walks them instead of sorting. The drill-down's probes read no NULL at all.
def _earliest(field: str):
    return F(field).asc(nulls_first=True)


def _latest(field: str):
    return F(field).desc(nulls_last=True)


def _next_month(day: datetime.date) -> datetime.date:
    return (day.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)


def _aware(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(day.year, day.month, day.day))


def _http_url(url: str) -> str:
    url = (url or "").strip()
    return url if url.lower().startswith(("http://", "https://")) else ""


# --- Forms -------------------------------------------------------------------------------------


class PlainRenderMixin:
    """Render the ``<input>`` with ``format_html`` instead of the template engine.

    The changelist's editable columns render three inputs and two (empty) error lists per row:
    through the form renderer's templates they were 40% of the page's time. Same markup.
    """

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        value_attr = "" if widget["value"] is None else format_html(' value="{}"', widget["value"])
        return format_html(
            '<input type="{}" name="{}"{}{}>', widget["type"], widget["name"], value_attr, flatatt(widget["attrs"])
        )


class PlainNumberInput(PlainRenderMixin, forms.NumberInput):
    pass


class PlainCheckboxInput(PlainRenderMixin, forms.CheckboxInput):
    pass


class PlainHiddenInput(PlainRenderMixin, forms.HiddenInput):
    pass


class QuietErrorList(ErrorList):
    """An error list that renders nothing, without a template, when empty (most cells of the list)."""

    def render(self, *args, **kwargs):
        return super().render(*args, **kwargs) if self.data else ""


class ArticleListForm(forms.ModelForm):
    """One row of the changelist's editable columns."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("error_class", QuietErrorList)
        super().__init__(*args, **kwargs)
        # A cell has no label and shows no help text: with help text, Django would point the input's
        # aria-describedby at an element the list never renders. The input names itself instead.
        for field in self.fields.values():
            if field.help_text:
                label = capfirst(field.label)
                field.widget.attrs.update({"aria-label": f"{label}: {self.instance}", "title": field.help_text})
                field.help_text = ""


class ArticleListFormSet(BaseModelFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        form.fields[self.model._meta.pk.name].widget = PlainHiddenInput()


class ArticleAdminForm(forms.ModelForm):
    class Meta:
        model = Article
        exclude = ["secured"]  # noqa: DJ006  (the fieldsets choose the fields; the form keeps only the payload out)

    def clean(self):
        cleaned = super().clean()
        if "scheduled_publish_at" in self.changed_data and cleaned.get("scheduled_publish_at"):
            when = cleaned["scheduled_publish_at"]
            published = cleaned.get("is_published", self.instance.is_published)
            if when <= timezone.now():
                self.add_error("scheduled_publish_at", "Choose a time in the future.")
            elif published:
                self.add_error(
                    "scheduled_publish_at",
                    "A published article cannot be scheduled: unpublish it, or clear the publication time.",
                )
        return cleaned


class SetQualityForm(forms.Form):
    quality = forms.IntegerField(
        min_value=0, max_value=100, help_text="A whole number from 0 to 100, given to every selected article."
    )


# --- Inlines -----------------------------------------------------------------------------------


class ArticleImageInline(admin.TabularInline):
    model = ArticleImage
    extra = 0
    fields = ["position", "preview", "url", "width", "height", "is_cached", "title"]
    readonly_fields = ["preview"]
    ordering = ["position"]

    @admin.display(description="image")
    def preview(self, image):
        src = _http_url(image.url)
        if not src:
            return "—"
        return format_html('<img src="{}" alt="" class="nd-thumb" loading="lazy" referrerpolicy="no-referrer">', src)


class RelatedLinkInline(admin.TabularInline):
    """What the pipeline found related; it comes from the file, so it is shown, not edited."""

    model = RelatedLink
    fk_name = "source"
    extra = 0
    can_delete = False
    fields = ["position", "title", "link", "provider", "published_at", "quality", "article"]
    readonly_fields = fields
    ordering = ["position"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("provider", "article")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="URL")
    def link(self, related):
        url = _http_url(related.url)
        return format_html('<a href="{}" rel="noopener noreferrer">{}</a>', url, url) if url else related.url


# --- Articles ----------------------------------------------------------------------------------


@admin.register(Article)
class ArticleAdmin(PublicEditMixin, ValidatedChangeListMixin, CappedCountAdminMixin, admin.ModelAdmin):
    form = ArticleAdminForm
    list_display = ["thumbnail", "headline", "provider", "published", "quality", "is_published", "topic_names"]
    list_display_links = ["headline"]
    list_editable = ["quality", "is_published"]
    list_filter = [
        PublicationFilter,
        QualityBandFilter,
        ProviderFilter,
        TopicFilter,
        NeedsReviewFilter,
    ]
    list_select_related = ["provider"]
    # 50 rows with thumbnails and editable cells render in well under 100 ms; "Show all" goes to 200.
    list_per_page = 50
    list_max_show_all = 200
    # Only orders an index can serve: the list stays as fast at 1,000,000 rows.
    sortable_by = ["published", "quality"]
    ordering = NEWEST_FIRST
    date_hierarchy = "published_at"
    search_fields = ["title", "excerpt", "provider__name", "provider__domain"]
    search_help_text = "Searches titles, excerpts, and provider names and domains."
    autocomplete_fields = ["provider"]
    actions = ["publish_selected", "unpublish_selected", "set_quality"]
    inlines = [ArticleImageInline, RelatedLinkInline]
    fieldsets = [
        (
            "Editorial",
            {
                "fields": [("is_published", "quality"), "scheduled_publish_at", "editorial_locks"],
                "description": "Every change here is recorded in the audit trail below.",
            },
        ),
        ("Content", {"fields": ["title", "excerpt", "body"]}),
        (
            "Source",
            {
                "fields": [
                    "url",
                    "original_url",
                    "amp_url",
                    "cdn_amp_url",
                    "provider",
                    "published_at",
                    "category",
                    "article_type",
                    "heat",
                    "topics",
                    "schema_era",
                    "is_draft",
                    "needs_review",
                    "warnings_display",
                    "secured_summary",
                    "extra_display",
                    "slug",
                    "source_key",
                    "source_path",
                    "content_hash",
                    "first_imported_at",
                    "imported_at",
                ],
                "description": "As imported from the pipeline's file; the next import rewrites it from the file when either has changed.",
                "classes": ["collapse"],
            },
        ),
        ("Audit trail", {"fields": ["editorial_history"]}),
    ]

    class Media:
        css = {"all": ["newsdesk_admin/admin.css"]}

    # Permissions

    def has_editorial_permission(self, request, obj=None) -> bool:
        return can_curate(request.user)

    def has_add_permission(self, request):
        # Articles come from the importer.
        return False

    def public_objects(self, queryset):
        return queryset.published()

    def get_readonly_fields(self, request, obj=None):
        readonly = list(ALWAYS_READONLY)
        if not self.has_editorial_permission(request, obj):
            readonly += EDITORIAL_FIELDS
        if not request.user.is_superuser:
            readonly += [*CONTENT_FIELDS, "topic_list"]
        return readonly

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser:
            return fieldsets
        # A read-only TaggableManager would be shown through an extra query, unordered.
        return [
            (name, {**options, "fields": ["topic_list" if f == "topics" else f for f in options["fields"]]})
            for name, options in fieldsets
        ]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("provider")

    def get_changelist(self, request, **kwargs):
        return ArticleChangeList

    def lookup_allowed(self, lookup, value, request):
        # Only what the list's filters and date drill-down read: Django would take any lookup on the
        # article's columns, each a scan of the whole table.
        field = self.date_hierarchy
        drill_down = {f"{field}__{part}" for part in ("year", "month", "day", "gte", "lt")}
        filters = {
            name for spec in self.list_filter for name in (spec.parameter_name, getattr(spec, "search_parameter", None))
        }
        return lookup in drill_down or lookup in filters

    def get_changelist_form(self, request, **kwargs):
        widgets = {"quality": PlainNumberInput(), "is_published": PlainCheckboxInput()}
        return super().get_changelist_form(request, form=ArticleListForm, widgets=widgets, **kwargs)

    def get_changelist_formset(self, request, **kwargs):
        return super().get_changelist_formset(request, formset=ArticleListFormSet, **kwargs)

    def get_changelist_instance(self, request):
        changelist = super().get_changelist_instance(request)
        if not self.has_editorial_permission(request):
            changelist.list_editable = ()
        return changelist

    def get_actions(self, request):
        actions = super().get_actions(request)
        # Deleting thousands of articles is not an editorial act (a superuser can delete one from its page).
        actions.pop("delete_selected", None)
        return actions

    def action_checkbox(self, article):
        # Django's markup, without a template render per row (see PlainRenderMixin).
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            helpers.ACTION_CHECKBOX_NAME,
            article.pk,
            f"Select this object for an action - {article}",
        )

    def view_on_site(self, article):
        # The article page previews unpublished articles to users who may view them in the admin.
        return article.get_absolute_url()

    # List columns

    # Sorted with undated articles as the oldest, in either direction and on either database: the
    # orders the date index serves (a plain field column would put them first on PostgreSQL).
    @admin.display(description=Article._meta.get_field("published_at").verbose_name, ordering=_earliest("published_at"))
    def published(self, article):
        return article.published_at

    @admin.display(description="title")
    def headline(self, article):
        """The title, with what an editor should notice under it: a pending schedule, a needed review."""
        flags = []
        if article.scheduled_publish_at:
            when = formats.date_format(timezone.localtime(article.scheduled_publish_at), "SHORT_DATETIME_FORMAT")
            flags.append(format_html('<span class="nd-flag nd-flag-scheduled">scheduled {}</span>', when))
        if article.needs_review:
            flags.append(format_html('<span class="nd-flag nd-flag-review">{}</span>', "needs review"))
        # Shown in three lines at most (admin.css); the whole title stays in the text and the tooltip.
        title = format_html('<span class="nd-title" title="{}">{}</span>', article.title, article.title)
        return format_html("{}{}", title, format_html_join("", " {}", ((flag,) for flag in flags)))

    @admin.display(description="topics")
    def topic_names(self, article):
        names = ", ".join(topic.name for topic in article.ordered_topics)
        return format_html('<span class="nd-topics" title="{}">{}</span>', names, names) if names else ""

    @admin.display(description="topics")
    def topic_list(self, article):
        tagged = TaggedTopic.objects.filter(content_object=article).select_related("tag").order_by("position")
        return ", ".join(row.tag.name for row in tagged) or "none"

    @admin.display(description="image")
    def thumbnail(self, article):
        image = article.lead_image
        src = _http_url(image.url) if image else ""
        if not src:
            return ""
        return format_html('<img src="{}" alt="" class="nd-thumb" loading="lazy" referrerpolicy="no-referrer">', src)

    # Read-only displays

    @admin.display(description="protected from re-import")
    def editorial_locks(self, article):
        locked = [
            label
            for label, flag in (
                ("published", article.published_set_by_editor),
                ("quality", article.quality_set_by_editor),
            )
            if flag
        ]
        return ", ".join(locked) if locked else "nothing yet (imports may still change published and quality)"

    @admin.display(description="encrypted payload")
    def secured_summary(self, article):
        size = len(article.secured.encode())
        return f"encrypted payload present ({size} bytes)" if size else "none"

    @admin.display(description="unknown keys")
    def extra_display(self, article):
        if not article.extra:
            return "none"
        return format_html('<pre class="nd-json">{}</pre>', json.dumps(article.extra, indent=2, ensure_ascii=False))

    @admin.display(description="import warnings")
    def warnings_display(self, article):
        if not article.import_warnings:
            return "none"
        return format_html(
            '<ul class="nd-warnings">{}</ul>',
            format_html_join("", "<li>{}</li>", ((str(w),) for w in article.import_warnings)),
        )

    @admin.display(description="recent changes, newest first")
    def editorial_history(self, article):
        if article.pk is None:
            return "—"
        changes = list(article.editorial_changes.select_related("user").order_by("-changed_at", "-id")[:20])
        full_list = reverse("admin:articles_editorialchange_changelist") + f"?article__id__exact={article.pk}"
        if not changes:
            return "No editorial change yet."
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    formats.date_format(timezone.localtime(c.changed_at), "SHORT_DATETIME_FORMAT"),
                    c.get_field_display(),
                    audit_value(c.old_value),
                    audit_value(c.new_value),
                    c.user or "—",
                    c.get_via_display(),
                )
                for c in changes
            ),
        )
        return format_html(
            '<table class="nd-history"><thead><tr><th scope="col">when</th><th scope="col">field</th>'
            '<th scope="col">from</th><th scope="col">to</th><th scope="col">who</th><th scope="col">via</th>'
            '</tr></thead><tbody>{}</tbody></table><p><a href="{}">All editorial changes of this article</a></p>',
            rows,
            full_list,
        )

    # Saving: editorial fields go through the audited services, never through a plain save; a
    # superuser's content correction is audited too (``save_related``).

    def save_model(self, request, obj, form, change):
        if not change:
            return super().save_model(request, obj, form, change)
        editorial = {name: form.cleaned_data[name] for name in EDITORIAL_FIELDS if name in form.changed_data}
        if not editorial:
            return
        if not self.has_editorial_permission(request, obj):
            raise PermissionDenied
        user, via = request.user, EditorialChange.Via.ADMIN
        try:
            if "is_published" in editorial:
                publish = services.article_publish if editorial["is_published"] else services.article_unpublish
                publish(article=obj, user=user, via=via)
            if "scheduled_publish_at" in editorial and not editorial.get("is_published"):
                services.article_schedule_publication(
                    article=obj, publish_at=editorial["scheduled_publish_at"], user=user, via=via
                )
            if "quality" in editorial:
                services.article_set_quality(article=obj, quality=editorial["quality"], user=user, via=via)
        except ValidationError as error:
            # The form checked these; this is a race with another editor. Roll back and say so.
            raise PermissionDenied("; ".join(error.messages)) from error

    def save_related(self, request, form, formsets, change):
        content = [name for name in form.changed_data if name not in EDITORIAL_FIELDS and name != "topics"]
        corrected = content or "topics" in form.changed_data or any(formset.has_changed() for formset in formsets)
        if not change or not corrected:
            return super().save_related(request, form, formsets, change)
        # Each changed field is audited, and the next import of the article's file restores the file's version.
        with services.articles_content_update(
            articles=[form.instance.pk], user=request.user, via=EditorialChange.Via.ADMIN
        ):
            if content:
                # Only what the form changed: a concurrent import's other fields stay as written.
                form.instance.save(update_fields=content)
            super().save_related(request, form, formsets, change)

    def changelist_view(self, request, extra_context=None):
        if request.method == "POST" and "_save" in request.POST and IS_POPUP_VAR not in request.GET:
            response = self._save_list_edits(request)
            if response is not None:
                return response
        return super().changelist_view(request, extra_context)

    def _save_list_edits(self, request):
        """The list's quality/published columns, saved set-based through the services (audited, via "admin").

        Returns None when the formset is invalid: the stock view then shows the errors.
        """
        if not self.has_editorial_permission(request):
            raise PermissionDenied
        FormSet = self.get_changelist_formset(request)
        queryset = self._get_list_editable_queryset(request, FormSet.get_default_prefix())
        formset = FormSet(request.POST, request.FILES, queryset=queryset)
        if not formset.is_valid():
            return None
        publish, unpublish, quality = set(), set(), defaultdict(set)
        changed_forms = [form for form in formset.forms if form.has_changed() and form.instance.pk]
        for form in changed_forms:
            pk = form.instance.pk
            if "is_published" in form.changed_data:
                (publish if form.cleaned_data["is_published"] else unpublish).add(pk)
            if "quality" in form.changed_data:
                quality[form.cleaned_data["quality"]].add(pk)
        user, via = request.user, EditorialChange.Via.ADMIN
        with transaction.atomic(using=router.db_for_write(Article)):
            if publish:
                services.articles_publish(articles=publish, user=user, via=via)
            if unpublish:
                services.articles_unpublish(articles=unpublish, user=user, via=via)
            for value, pks in quality.items():
                services.articles_set_quality(articles=pks, quality=value, user=user, via=via)
            by_message = defaultdict(list)
            for form in changed_forms:
                by_message[json.dumps(self.construct_change_message(request, form, None))].append(form.instance)
            for message, objects in by_message.items():
                LogEntry.objects.log_actions(request.user.pk, objects, CHANGE, json.loads(message))
        if changed_forms:
            count = len(changed_forms)
            self.message_user(
                request, f"{count} article{'s were' if count != 1 else ' was'} changed successfully.", messages.SUCCESS
            )
        return HttpResponseRedirect(request.get_full_path())

    # Bulk actions: one set-based service call each, whatever the selection's size.

    @admin.action(description="Publish selected articles", permissions=["editorial"])
    def publish_selected(self, request, queryset):
        result = services.articles_publish(articles=queryset, user=request.user, via=EditorialChange.Via.BULK)
        self.message_user(request, _result_message("Published", result, "already published"), messages.SUCCESS)

    @admin.action(description="Unpublish selected articles", permissions=["editorial"])
    def unpublish_selected(self, request, queryset):
        result = services.articles_unpublish(articles=queryset, user=request.user, via=EditorialChange.Via.BULK)
        self.message_user(request, _result_message("Unpublished", result, "already unpublished"), messages.SUCCESS)

    @admin.action(description="Set quality of selected articles…", permissions=["editorial"])
    def set_quality(self, request, queryset):
        form = SetQualityForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            result = services.articles_set_quality(
                articles=queryset, quality=form.cleaned_data["quality"], user=request.user, via=EditorialChange.Via.BULK
            )
            self.message_user(
                request,
                _result_message(f"Set quality {form.cleaned_data['quality']} on", result, "already had it"),
                messages.SUCCESS,
            )
            return None
        select_across = request.POST.get("select_across") == "1"
        paginator = CappedCountPaginator(queryset, 1, cap=CappedCountPaginator.default_cap)
        context = {
            **self.admin_site.each_context(request),
            "title": "Set the quality of the selected articles",
            "opts": self.opts,
            "form": form,
            "count_label": paginator.count_label,
            "sample": list(queryset.select_related(None).prefetch_related(None).only("pk", "title")[:10]),
            "selected": request.POST.getlist(helpers.ACTION_CHECKBOX_NAME),
            "select_across": select_across,
            "action": "set_quality",
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "media": self.media,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/articles/article/set_quality.html", context)


def _result_message(verb: str, result: services.EditorialResult, unchanged: str) -> str:
    noun = "article" if result.changed == 1 else "articles"
    message = f"{verb} {formats.number_format(result.changed, force_grouping=True)} {noun}"
    if result.matched > result.changed:
        message += f" ({formats.number_format(result.matched - result.changed, force_grouping=True)} {unchanged})"
    return message + "."


def audit_value(value) -> str:
    if value is None:
        return "—"
    if value is True:
        return "yes"
    if value is False:
        return "no"
    if isinstance(value, str):
        try:
            moment = datetime.datetime.fromisoformat(value)
        except ValueError:
            return value
        return formats.date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")
    return str(value)


# --- The audit trail ---------------------------------------------------------------------------


@admin.register(EditorialChange)
class EditorialChangeAdmin(ValidatedChangeListMixin, CappedCountAdminMixin, admin.ModelAdmin):
    list_display = ["changed_at", "article_link", "field", "old", "new", "user", "via"]
    list_display_links = ["changed_at"]
    list_filter = ["field", "via", ("user", StaffUserFilter), ("changed_at", admin.DateFieldListFilter)]
    list_select_related = ["article", "user"]
    search_fields = ["article__title"]
    search_help_text = "Searches article titles."
    ordering = ["-changed_at", "-id"]
    sortable_by = ["changed_at"]
    readonly_fields = ["article", "field", "old", "new", "user", "via", "changed_at"]
    fields = readonly_fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="article", ordering="article__title")
    def article_link(self, change):
        url = reverse("admin:articles_article_change", args=[change.article_id])
        return format_html('<a href="{}">{}</a>', url, change.article.title)

    @admin.display(description="from")
    def old(self, change):
        return audit_value(change.old_value)

    @admin.display(description="to")
    def new(self, change):
        return audit_value(change.new_value)


# --- Topics and the rest of the catalogue ------------------------------------------------------


@admin.register(Topic)
class TopicAdmin(PublicEditMixin, ValidatedChangeListMixin, admin.ModelAdmin):
    list_display = ["name", "slug", "article_count"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    show_facets = admin.ShowFacets.NEVER

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(article_total=article_count_of(TaggedTopic, "tag"))

    def public_objects(self, queryset):
        return queryset.filter(pk__in=topics_with_published_articles().values("pk"))

    @admin.display(description="articles", ordering="article_total")
    def article_count(self, topic):
        url = reverse("admin:articles_article_changelist") + f"?topic__id__exact={topic.pk}"
        return format_html('<a href="{}">{}</a>', url, formats.number_format(topic.article_total, force_grouping=True))


def article_count_of(model, field: str):
    """How many ``model`` rows point at the outer row through ``field``, for the rows of the page only."""
    return correlated_count(model._default_manager.all(), field)


@admin.register(RelatedLink)
class RelatedLinkAdmin(PublicEditMixin, ValidatedChangeListMixin, CappedCountAdminMixin, admin.ModelAdmin):
    list_display = ["title", "source", "provider", "article"]
    list_select_related = ["source", "provider", "article"]
    search_fields = ["title", "url"]
    autocomplete_fields = ["source", "provider", "article"]
    ordering = ["-id"]

    def public_objects(self, queryset):
        return queryset.filter(source__in=Article.objects.published())


@admin.register(ArticleImage)
class ArticleImageAdmin(PublicEditMixin, ValidatedChangeListMixin, CappedCountAdminMixin, admin.ModelAdmin):
    list_display = ["url", "article", "position", "width", "height"]
    list_select_related = ["article"]
    autocomplete_fields = ["article"]
    ordering = ["-id"]

    def public_objects(self, queryset):
        return queryset.filter(article__in=Article.objects.published())


@admin.register(SourceFile)
class SourceFileAdmin(ValidatedChangeListMixin, CappedCountAdminMixin, admin.ModelAdmin):
    list_display = ["path", "article", "imported_at"]
    list_select_related = ["article"]
    search_fields = ["path"]
    readonly_fields = ["path", "content_hash", "article", "imported_at"]
    ordering = ["-imported_at", "-id"]
