"""International host names are stored in their IDNA ASCII form, in providers' domains and articles' URLs.

Until now an article's canonical URL kept an international host as written
(``https://bücher.example/a``), so the same article linked as ``https://xn--bcher-kva.example/a``
was imported as another one; and a provider's domain typed in the admin was stored as typed. Now
the importer and the admin store the ASCII form, and this brings the catalogue's rows into line:

* Providers: each domain is normalised as the importer now does it. Providers that then share a
  domain are merged into one (the one already holding the normalised domain, else the oldest):
  its name, slug and logo stay (a missing logo is taken from the others), and the others'
  articles and related links move to it.
* Articles and related links: a canonical URL with a non-ASCII host is rewritten with its ASCII
  host (an article's source key with it), and related links whose URL now names an article of the
  catalogue point at it. If the catalogue already holds the article under the ASCII spelling,
  the other row is left as it is: nothing is lost, and later imports update the ASCII one.

A value that does not read as valid under the new rules is left unchanged. Reversing changes
nothing back (the spellings replaced are not kept). The article scan reads only rows whose URL
has a non-ASCII character before its path.
"""

from django.db import migrations

from articles.ingest.values import canonical_url
from providers.domains import normalise_domain

NON_ASCII_HOST = r"^[A-Za-z]+://[^/?#]*[^\x01-\x7f]"
CHUNK = 500


def merge_providers(apps, schema_editor) -> None:
    Provider = apps.get_model("providers", "Provider")
    Article = apps.get_model("articles", "Article")
    RelatedLink = apps.get_model("articles", "RelatedLink")
    by_domain: dict[str, list] = {}
    for provider in Provider.objects.order_by("id"):
        try:
            domain = normalise_domain(provider.domain)
        except ValueError:
            continue
        by_domain.setdefault(domain, []).append(provider)
    for domain, providers in by_domain.items():
        keeper = next((p for p in providers if p.domain == domain), providers[0])
        others = [p for p in providers if p is not keeper]
        if others:
            Article.objects.filter(provider__in=others).update(provider=keeper)
            RelatedLink.objects.filter(provider__in=others).update(provider=keeper)
            with_logo = next((p for p in others if p.logo_url), None)
            if not keeper.logo_url and with_logo:
                keeper.logo_url, keeper.logo_width, keeper.logo_height = (
                    with_logo.logo_url,
                    with_logo.logo_width,
                    with_logo.logo_height,
                )
            Provider.objects.filter(pk__in=[p.pk for p in others]).delete()
        if others or keeper.domain != domain:
            keeper.domain = domain
            keeper.save(update_fields=["domain", "logo_url", "logo_width", "logo_height"])


def rewrite_urls(apps, schema_editor) -> None:
    Article = apps.get_model("articles", "Article")
    RelatedLink = apps.get_model("articles", "RelatedLink")
    rewritten: set[str] = set()
    articles = list(Article.objects.filter(url__regex=NON_ASCII_HOST).only("id", "url", "source_key"))
    for chunk in _chunks(articles):
        wanted = {article.url: _ascii(article.url) for article in chunk}
        taken = set(Article.objects.filter(url__in=wanted.values()).values_list("url", flat=True))
        changed = []
        for article in chunk:
            new_url = wanted[article.url]
            if new_url == article.url or new_url in taken:
                continue
            taken.add(new_url)  # two spellings of one URL in the catalogue: the first takes it
            if article.source_key == article.url:
                article.source_key = new_url
            article.url = new_url
            changed.append(article)
        Article.objects.bulk_update(changed, ["url", "source_key"])
        rewritten.update(article.url for article in changed)
    links = list(RelatedLink.objects.filter(url__regex=NON_ASCII_HOST).only("id", "url"))
    for chunk in _chunks(links):
        changed = [link for link in chunk if _ascii(link.url) != link.url]
        for link in changed:
            link.url = _ascii(link.url)
        RelatedLink.objects.bulk_update(changed, ["url"])
        rewritten.update(link.url for link in changed)
    # Either spelling may have been cited before: link what now matches, as an import would.
    for chunk in _chunks(sorted(rewritten)):
        catalogue = dict(Article.objects.filter(url__in=chunk).values_list("url", "id"))
        uncited = list(RelatedLink.objects.filter(url__in=catalogue, article__isnull=True).only("id", "url"))
        for link in uncited:
            link.article_id = catalogue[link.url]
        RelatedLink.objects.bulk_update(uncited, ["article"])


def _chunks(rows: list) -> list[list]:
    return [rows[start : start + CHUNK] for start in range(0, len(rows), CHUNK)]


def _ascii(url: str) -> str:
    try:
        return canonical_url(url)
    except ValueError:
        return url


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0008_undated_articles_last"),
        ("providers", "0002_domain_help_text"),
    ]

    operations = [
        migrations.RunPython(merge_providers, migrations.RunPython.noop, elidable=True),
        migrations.RunPython(rewrite_urls, migrations.RunPython.noop, elidable=True),
    ]
