"""Migration 0009: providers and canonical URLs stored before international hosts had one spelling."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from articles.models import Article, RelatedLink
from providers.models import Provider

BEFORE = [("articles", "0008_undated_articles_last"), ("providers", "0001_initial")]


@pytest.fixture
def catalogue_before_the_migration():
    """Migrates back to before 0009 and yields its models; migrates forward (running 0009) afterwards."""
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    executor.migrate(BEFORE)
    migrated = {"done": False}

    def migrate() -> None:
        MigrationExecutor(connection).migrate(latest)  # a fresh executor: the first one's view is stale
        migrated["done"] = True

    yield executor.loader.project_state(BEFORE).apps, migrate
    if not migrated["done"]:
        migrate()


@pytest.mark.django_db(transaction=True)
def test_providers_and_urls_of_international_hosts_get_their_ascii_spelling(catalogue_before_the_migration):
    apps, migrate = catalogue_before_the_migration
    OldProvider, OldArticle = apps.get_model("providers", "Provider"), apps.get_model("articles", "Article")
    OldRelatedLink = apps.get_model("articles", "RelatedLink")
    typed = OldProvider.objects.create(
        name="Bücher (typed in the admin)", domain="bücher.example", slug="buecher-typed"
    )
    imported = OldProvider.objects.create(
        name="Bücher", domain="xn--bcher-kva.example", slug="xn-bcher-kva-example", logo_url="/logo.png", logo_width=16
    )
    upper = OldProvider.objects.create(name="Org", domain="WWW.Example.ORG", slug="example-org")
    unreadable = OldProvider.objects.create(name="Cup", domain="xn--53h.example", slug="xn-53h-example")

    def article(url: str, provider, **fields):
        slug = f"article-{OldArticle.objects.count()}"
        return OldArticle.objects.create(source_key=url, url=url, slug=slug, title=url, provider=provider, **fields)

    international = article("https://bücher.example/a", typed, is_published=True, quality=80)
    kept_apart = article("https://bücher.example/b", typed)
    ascii_twin = article("https://xn--bcher-kva.example/b", imported)
    citing = article("https://example.com/c", upper)
    to_ascii_article = OldRelatedLink.objects.create(
        source=citing, position=0, title="A", url="https://xn--bcher-kva.example/a", provider=typed
    )
    to_spelled = OldRelatedLink.objects.create(
        source=citing, position=1, title="B", url="https://bücher.example/b", provider=imported
    )

    migrate()

    providers = {p.pk: p for p in Provider.objects.all()}
    assert set(providers) == {imported.pk, upper.pk, unreadable.pk}  # the typed one merged into the normalised one
    assert (providers[imported.pk].domain, providers[imported.pk].name, providers[imported.pk].logo_url) == (
        "xn--bcher-kva.example",
        "Bücher",
        "/logo.png",
    )
    assert providers[upper.pk].domain == "example.org"
    assert providers[unreadable.pk].domain == "xn--53h.example"  # not valid IDNA now: left as it was
    articles = {a.pk: a for a in Article.objects.all()}
    assert (articles[international.pk].url, articles[international.pk].source_key) == (
        "https://xn--bcher-kva.example/a",
    ) * 2
    assert (
        articles[international.pk].slug,
        articles[international.pk].is_published,
        articles[international.pk].quality,
    ) == ("article-0", True, 80)
    assert articles[kept_apart.pk].url == "https://bücher.example/b"  # its ASCII spelling is another row: both kept
    assert {a.provider_id for a in articles.values() if a.pk != citing.pk} == {imported.pk}
    links = {link.pk: link for link in RelatedLink.objects.all()}
    assert (links[to_ascii_article.pk].article_id, links[to_ascii_article.pk].provider_id) == (
        international.pk,
        imported.pk,
    )
    assert (links[to_spelled.pk].url, links[to_spelled.pk].article_id) == (
        "https://xn--bcher-kva.example/b",
        ascii_twin.pk,
    )


@pytest.mark.django_db(transaction=True)
def test_a_catalogue_without_international_hosts_is_left_alone(catalogue_before_the_migration):
    apps, migrate = catalogue_before_the_migration
    OldProvider, OldArticle = apps.get_model("providers", "Provider"), apps.get_model("articles", "Article")
    provider = OldProvider.objects.create(name="Example", domain="example.com", slug="example-com")
    OldArticle.objects.create(
        source_key="https://example.com/a", url="https://example.com/a", slug="a", title="A", provider=provider
    )
    OldArticle.objects.create(source_key="file:drafts/x.txt", url=None, slug="x", title="X")

    migrate()

    assert list(Provider.objects.values_list("domain", flat=True)) == ["example.com"]
    assert sorted(Article.objects.values_list("source_key", flat=True)) == [
        "file:drafts/x.txt",
        "https://example.com/a",
    ]
