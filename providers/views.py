from django.db.models import Exists, OuterRef
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from articles.conditional import respond_if_modified
from articles.models import Article
from articles.views import feed_links, listing_page, paged_title

from .models import Provider


def providers_with_published_articles():
    """For whole lists (the sitemap); one provider's page checks its own first page of articles instead."""
    return Provider.objects.filter(Exists(Article.objects.published().filter(provider=OuterRef("pk"))))


@require_safe
def provider_detail(request, slug):
    provider = get_object_or_404(Provider, slug=slug)
    page = listing_page(request, Article.objects.published().filter(provider=provider).for_listing())
    # Before the conditional check, as for topics: a provider of unpublished articles only is not public.
    if not page.articles:
        raise Http404("No published article is from this provider.")
    context = {
        "provider": provider,
        "page": page,
        "title": paged_title(provider.name, page),
        "feeds": feed_links("provider_", slug=provider.slug),
        "feed_title": f"Newsdesk: {provider.name}",
    }
    return respond_if_modified(request, lambda: render(request, "providers/provider_detail.html", context))
