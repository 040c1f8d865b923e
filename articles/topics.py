"""Topics are created here, as providers are in ``providers.services``: case-insensitive, in one insert."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from django.db.models.functions import Lower
from django.utils.text import slugify

from .models import Topic


def topics_ensure(names: Iterable[str]) -> dict[str, int]:
    """Return ``{casefolded name: topic id}``, creating missing topics in one insert (case-insensitive)."""
    wanted: dict[str, str] = {}
    for name in names:
        wanted.setdefault(name.casefold(), name)
    if not wanted:
        return {}

    # SQLite's LOWER() folds ASCII letters only ("Économie" ≠ "économie"), so topics are also
    # looked up by the slugs a case variant gets, and matched by casefolding here.
    slugs = [slug for name in wanted.values() for slug in (topic_slug(name), topic_slug(name, hashed=True))]

    def lookup() -> dict[str, int]:
        rows = (
            Topic.objects.annotate(name_lower=Lower("name")).filter(
                name_lower__in=[name.lower() for name in wanted.values()]
            )
            | Topic.objects.filter(name__in=wanted.values())
            | Topic.objects.filter(slug__in=slugs)
        )
        found: dict[str, int] = {}
        for pk, name in rows.order_by("id").values_list("id", "name"):
            if name.casefold() in wanted:
                found.setdefault(name.casefold(), pk)
        return found

    found = lookup()
    for attempt in range(2):
        missing = [name for key, name in wanted.items() if key not in found]
        if not missing:
            break
        slugs = {name: topic_slug(name, hashed=bool(attempt)) for name in missing}
        taken = set(Topic.objects.filter(slug__in=slugs.values()).values_list("slug", flat=True))
        Topic.objects.bulk_create(
            [
                Topic(name=name, slug=topic_slug(name, hashed=True) if slug in taken else slug)
                for name, slug in slugs.items()
            ],
            ignore_conflicts=True,
        )
        found = lookup()
    return found


def topic_slug(name: str, *, hashed: bool = False) -> str:
    base = slugify(name)[:80]
    if hashed or not base:
        digest = hashlib.sha1(name.casefold().encode()).hexdigest()[:8]
        return f"{base}-{digest}" if base else f"topic-{digest}"
    return base
