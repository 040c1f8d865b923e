"""Lists that cost the same at 1,000 and 1,000,000 rows: capped counts, parameters checked before the
database sees them, and the article list's date drill-down by index lookups.

Django's changelist counts every row on each load, builds its date drill-down from ``MIN``/``MAX``
and a ``SELECT DISTINCT`` over the table, and lets a malformed query string reach the database
(a 500); these classes replace each of those.
"""

from __future__ import annotations

import datetime

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import OrderBy, Prefetch, Subquery
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.text import capfirst

from ..models import NEWEST_FIRST, OLDEST_FIRST, ArticleImage, TaggedTopic, correlated_count


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


class ArticleChangeList(ValidatedChangeList):
    """The article list, whose date order and drill-down are those of the date index (``NEWEST_FIRST``).

    Its date bounds and probes order by ``NEWEST_FIRST``'s or ``OLDEST_FIRST``'s date term, each an
    index's order (migrations 0008 and 0013), so PostgreSQL walks one instead of sorting; the probes
    read no undated article at all.
    """

    undated_queryset = None

    def get_ordering(self, request, queryset):
        ordering = super().get_ordering(request, queryset)
        first = ordering[0] if ordering else None
        # Not ==: an expression compares by its constructor's arguments, and Django reverses a copy in place.
        if isinstance(first, OrderBy) and first.expression == OLDEST_FIRST[0].expression:
            # Either way, undated articles last and ties by id in the same direction, as the API lists them
            # (Django's reverse of "oldest first, undated last" would put them first).
            terms = NEWEST_FIRST if first.descending else OLDEST_FIRST
            return [*terms, *(term for term in ordering[1:] if term not in NEWEST_FIRST and term not in OLDEST_FIRST)]
        return ordering

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
                first=Subquery(dated.order_by(OLDEST_FIRST[0]).values(field)[:1]),
                last=Subquery(dated.order_by(NEWEST_FIRST[0]).values(field)[:1]),
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
                .order_by(OLDEST_FIRST[0])
                .values(field)[:1]
            )
            for n, (start, end) in enumerate(buckets)
        }
        row = self.model._default_manager.annotate(**probes).values_list(*probes).order_by()[:1]
        return [value is not None for value in next(iter(row), [None] * len(buckets))]


def _next_month(day: datetime.date) -> datetime.date:
    return (day.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)


def _aware(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(day.year, day.month, day.day))


def article_count_of(model, field: str):
    """How many ``model`` rows point at the outer row through ``field``, for the rows of the page only."""
    return correlated_count(model._default_manager.all(), field)


def article_count_link(owner, lookup: str) -> str:
    """``owner.article_total`` (from ``article_count_of``), linking to the article list filtered by ``lookup``."""
    url = reverse("admin:articles_article_changelist") + f"?{lookup}={owner.pk}"
    return format_html('<a href="{}">{}</a>', url, formats.number_format(owner.article_total, force_grouping=True))
