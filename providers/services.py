from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Protocol

from django.utils.text import slugify

from .models import Provider


class ProviderData(Protocol):
    name: str
    domain: str
    logo_url: str
    logo_width: int | None
    logo_height: int | None


def provider_slug(domain: str) -> str:
    return slugify(domain.replace(".", "-"))[:250] or hashlib.sha1(domain.encode()).hexdigest()[:12]


def providers_ensure(providers: Iterable[ProviderData]) -> dict[str, int]:
    """Return ``{domain: provider id}``, creating missing providers in one insert.

    The first name seen for a domain is kept (an editor may rename it); a logo fills an empty one.
    Safe against a concurrent import creating the same domain (``ignore_conflicts``).
    """
    by_domain: dict[str, ProviderData] = {}
    for provider in providers:
        by_domain.setdefault(provider.domain, provider)
    if not by_domain:
        return {}
    existing = {
        row.domain: row for row in Provider.objects.filter(domain__in=by_domain).only("id", "domain", "logo_url")
    }
    missing = [data for domain, data in by_domain.items() if domain not in existing]
    for attempt in range(2):
        missing = [data for domain, data in by_domain.items() if domain not in existing]
        if not missing:
            break
        # A slug can be taken by another domain ("a-b.com" and "a.b-com"), or by a concurrent
        # import; the second attempt uses a slug made unique by a hash of the domain.
        taken_slugs = set(
            Provider.objects.filter(slug__in=[provider_slug(data.domain) for data in missing]).values_list(
                "slug", flat=True
            )
        )
        new_rows = []
        for data in missing:
            slug = provider_slug(data.domain)
            if attempt or slug in taken_slugs:
                slug = f"{slug[:240]}-{hashlib.sha1(data.domain.encode()).hexdigest()[:8]}"
            taken_slugs.add(slug)
            new_rows.append(
                Provider(
                    name=data.name,
                    domain=data.domain,
                    slug=slug,
                    logo_url=data.logo_url,
                    logo_width=data.logo_width,
                    logo_height=data.logo_height,
                )
            )
        Provider.objects.bulk_create(new_rows, ignore_conflicts=True)
        existing.update(
            {
                row.domain: row
                for row in Provider.objects.filter(domain__in=[d.domain for d in missing]).only(
                    "id", "domain", "logo_url"
                )
            }
        )
    logo_updates = []
    for domain, row in existing.items():
        data = by_domain[domain]
        if not row.logo_url and data.logo_url:
            row.logo_url, row.logo_width, row.logo_height = data.logo_url, data.logo_width, data.logo_height
            logo_updates.append(row)
    if logo_updates:
        Provider.objects.bulk_update(logo_updates, ["logo_url", "logo_width", "logo_height"])
    return {domain: row.id for domain, row in existing.items()}
