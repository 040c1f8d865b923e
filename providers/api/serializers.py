"""The provider representation of the API."""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers


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
