from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Exists, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse

from .domains import normalise_domain


class ProviderQuerySet(models.QuerySet):
    """The article side is passed in (``Article.objects.published()``: what readers see), so that this
    ground app imports nothing from articles."""

    def with_articles_in(self, articles: models.QuerySet):
        """The providers of at least one of ``articles``. For whole lists (the sitemap, the API); one
        provider's page checks its own first page of articles instead."""
        return self.filter(Exists(articles.filter(provider=OuterRef("pk"))))

    def with_article_count(self, articles: models.QuerySet):
        """Each provider's ``article_count``: how many of ``articles`` it published.

        A correlated ``COUNT`` through the articles' provider index, not ``annotate(Count(...))`` (a GROUP
        BY over every article before the page's LIMIT): evaluated only for the rows a page returns.
        """
        counted = articles.filter(provider=OuterRef("pk")).order_by().values("provider").annotate(n=Count("*"))
        return self.annotate(
            article_count=Coalesce(Subquery(counted.values("n")), Value(0), output_field=models.IntegerField())
        )


class Provider(models.Model):
    """A publisher, one per normalised domain (lowercase, IDNA-encoded, no leading ``www.``)."""

    name = models.CharField(max_length=200, help_text="Publisher name as shown to readers.")
    domain = models.CharField(
        max_length=253,
        unique=True,
        help_text="Normalised domain: lowercase, without a leading “www.”, an international name in its "
        "xn-- form (bücher.example is stored as xn--bcher-kva.example).",
    )
    slug = models.SlugField(max_length=270, unique=True, help_text="Used in the provider's page address.")
    logo_url = models.CharField(
        max_length=2048,
        blank=True,
        help_text="Logo image: an http(s) URL, or a path relative to the provider's site.",
    )
    logo_width = models.PositiveIntegerField(null=True, blank=True)
    logo_height = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ProviderQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["name"], name="provider_name_idx")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("providers:detail", kwargs={"slug": self.slug})

    def clean(self) -> None:
        # As the importer stores it, so that a domain typed in the admin is still one provider per host.
        try:
            self.domain = normalise_domain(self.domain)
        except ValueError as error:
            raise ValidationError({"domain": f"This {error}."}) from None
