"""The admin index dashboard's numbers and charts: the catalogue at a glance, drawn as server-side SVG.

Six aggregate queries whatever the catalogue's size (two of them scan the article table, so the
numbers are cached for ``DASHBOARD_SECONDS``); no JavaScript, no CDN, no inline style (the CSP
forbids it): colours come from classes in ``newsdesk_admin/dashboard.css``.
"""

from __future__ import annotations

import datetime

from django.core.cache import cache
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import formats, timezone

from providers.models import Provider

from ..models import Article, TaggedTopic, Topic, quality_band_of

DASHBOARD_CACHE_KEY = "newsdesk:admin-dashboard:v1"
DASHBOARD_SECONDS = 120
DAYS = 30
TOP = 8
QUALITY_BUCKETS = [
    (f"{low}–{low + 9 if low < 90 else 100}", low, low + 9 if low < 90 else 100) for low in range(0, 100, 10)
]


def dashboard() -> dict:
    """The template context of the charts, from numbers at most ``DASHBOARD_SECONDS`` old."""
    data = cache.get(DASHBOARD_CACHE_KEY)
    if data is None:
        data = dashboard_numbers()
        cache.set(DASHBOARD_CACHE_KEY, data, DASHBOARD_SECONDS)
    return dashboard_charts(data)


def dashboard_numbers(now: datetime.datetime | None = None) -> dict:
    """Plain numbers and names (cacheable): imports per day, totals, quality buckets, top providers and topics."""
    today = timezone.localdate(now or timezone.now())
    days = [today - datetime.timedelta(days=offset) for offset in range(DAYS - 1, -1, -1)]
    per_day = Article.objects.filter(first_imported_at__gte=_start_of(days[0])).aggregate(
        **{
            f"day_{n}": Count(
                "pk", filter=Q(first_imported_at__gte=_start_of(day), first_imported_at__lt=_start_of(day, 1))
            )
            for n, day in enumerate(days)
        }
    )
    totals = Article.objects.aggregate(
        total=Count("pk"),
        published=Count("pk", filter=Q(is_published=True)),
        unrated=Count("pk", filter=Q(quality__isnull=True)),
        **{
            f"quality_{n}": Count("pk", filter=Q(quality__gte=low, quality__lte=high))
            for n, (_, low, high) in enumerate(QUALITY_BUCKETS)
        },
    )
    top_providers = list(
        Article.objects.filter(provider__isnull=False)
        .values("provider")
        .annotate(n=Count("pk"))
        .order_by("-n", "provider")[:TOP]
    )
    provider_names = Provider.objects.in_bulk([row["provider"] for row in top_providers])
    top_topics = list(TaggedTopic.objects.values("tag").annotate(n=Count("pk")).order_by("-n", "tag")[:TOP])
    topic_names = Topic.objects.in_bulk([row["tag"] for row in top_topics])
    return {
        "computed_at": timezone.now(),
        "days": [(day, per_day[f"day_{n}"]) for n, day in enumerate(days)],
        "total": totals["total"],
        "published": totals["published"],
        "quality": [("Unrated", totals["unrated"], "unrated")]
        + [(label, totals[f"quality_{n}"], quality_band_of(low)) for n, (label, low, _) in enumerate(QUALITY_BUCKETS)],
        "providers": [
            (row["provider"], str(provider_names[row["provider"]]), row["n"])
            for row in top_providers
            if row["provider"] in provider_names
        ],
        "topics": [
            (row["tag"], topic_names[row["tag"]].name, row["n"]) for row in top_topics if row["tag"] in topic_names
        ],
    }


def dashboard_charts(data: dict) -> dict:
    """Geometry for the SVG templates (viewBox units), from ``dashboard_numbers``."""
    changelist = reverse("admin:articles_article_changelist")
    total, published = data["total"], data["published"]
    share = published / total * 100 if total else 0.0
    return {
        "computed_at": data["computed_at"],
        "total": total,
        "imports": _column_chart(
            [(formats.date_format(day, "M j"), count, "") for day, count in data["days"]],
            width=600,
            height=150,
            label_every=7,
        ),
        "imports_total": sum(count for _, count in data["days"]),
        "days": DAYS,
        "published": published,
        "unpublished": total - published,
        "share": round(share, 1),
        # A circle of circumference 100 draws the share as a dash of that length.
        "share_dash": f"{share:.2f} {100 - share:.2f}",
        "published_url": f"{changelist}?published=yes",
        "unpublished_url": f"{changelist}?published=no",
        "quality": _column_chart(
            [(label, count, f"{changelist}?quality_band={band}") for label, count, band in data["quality"]],
            width=600,
            height=150,
            label_every=1,
        ),
        "providers": _bar_list(
            [(name, count, f"{changelist}?provider__id__exact={pk}") for pk, name, count in data["providers"]]
        ),
        "topics": _bar_list(
            [(name, count, f"{changelist}?topic__id__exact={pk}") for pk, name, count in data["topics"]]
        ),
    }


def _column_chart(points: list[tuple[str, int, str]], *, width: int, height: int, label_every: int) -> dict:
    left, bottom, top = 4, 18, 14
    plot_height = height - bottom - top
    peak = max((count for _, count, _ in points), default=0)
    slot = (width - left) / max(len(points), 1)
    bars = []
    for n, (label, count, url) in enumerate(points):
        bar_height = round(count / peak * plot_height, 1) if peak else 0
        x = round(left + n * slot + slot * 0.1, 1)
        bars.append(
            {
                "x": x,
                "y": round(top + plot_height - bar_height, 1),
                "width": round(slot * 0.8, 1),
                "height": bar_height,
                "label": label,
                "count": count,
                "url": url,
                "center": round(x + slot * 0.4, 1),
                # Counted from the right, so the newest bar is always labelled and labels never collide.
                "show_label": (len(points) - 1 - n) % label_every == 0,
                "value_y": round(top + plot_height - bar_height - 3, 1),
            }
        )
    return {
        "bars": bars,
        "width": width,
        "height": height,
        "baseline": top + plot_height,
        "peak": peak,
        "label_y": height - 4,
    }


def _bar_list(rows: list[tuple[str, int, str]]) -> dict:
    row_height, label_width, width = 22, 170, 600
    peak = max((count for _, count, _ in rows), default=0)
    bar_room = width - label_width - 60
    items = []
    for n, (name, count, url) in enumerate(rows):
        items.append(
            {
                "name": name if len(name) <= 28 else name[:27] + "…",
                "full_name": name,
                "count": count,
                "url": url,
                "y": n * row_height,
                "text_y": n * row_height + 15,
                "bar_x": label_width,
                "bar_width": max(round(count / peak * bar_room, 1), 1) if peak else 0,
                "height": row_height - 6,
                "count_x": label_width + (round(count / peak * bar_room, 1) if peak else 0) + 6,
            }
        )
    return {"items": items, "width": width, "height": max(len(rows), 1) * row_height, "label_x": label_width - 8}


def _start_of(day: datetime.date, plus_days: int = 0) -> datetime.datetime:
    day = day + datetime.timedelta(days=plus_days)
    return timezone.make_aware(datetime.datetime(day.year, day.month, day.day))
