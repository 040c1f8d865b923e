"""import_articles against the database: one provider and one article per host however it is spelled,
no user name or password in any stored URL, and files that write a key twice."""

import json

import pytest

from articles.models import Article, ArticleImage, RelatedLink
from providers.models import Provider
from tests.articles.test_import_articles import TOGETHER_OR_APART, import_in_runs, summary_counts
from tests.factories import article_text

pytestmark = pytest.mark.django_db


@TOGETHER_OR_APART
def test_an_international_host_is_one_provider_and_one_article_in_either_spelling(run_import, write_article, runs):
    write_article(
        "a.txt",
        article_text(
            webUrl="https://Bücher.example/a",
            provider={"domain": "WWW.Bücher.example"},
            related=[{"title": "B", "webUrl": "https://xn--bcher-kva.example/b"}],
        ),
    )
    write_article(
        "b.txt",
        article_text(
            webUrl="https://xn--bcher-kva.example/b",
            provider={"name": "Bücher", "domain": "xn--bcher-kva.example"},
            related=[{"title": "A", "webUrl": "https://bücher.example/a"}],
        ),
    )

    import_in_runs(run_import, write_article.directory, runs)

    provider = Provider.objects.get()  # related links' providers included
    assert (provider.domain, provider.name) == ("xn--bcher-kva.example", "bücher.example")
    articles = {article.url: article for article in Article.objects.all()}
    assert set(articles) == {"https://xn--bcher-kva.example/a", "https://xn--bcher-kva.example/b"}
    assert {link.url: link.article_id for link in RelatedLink.objects.all()} == {
        url: article.pk for url, article in articles.items()
    }


def test_the_same_article_in_either_spelling_is_updated_not_duplicated(run_import, write_article, tmp_path):
    write_article("a.txt", article_text(webUrl="https://bücher.example/a", title="First"))
    run_import(write_article.directory)
    (write_article.directory / "a.txt").unlink()
    write_article("b.txt", article_text(webUrl="https://XN--BCHER-KVA.example/a", title="Second"))

    status, stdout, stderr = run_import(write_article.directory)

    assert status == 0, stderr
    assert list(Article.objects.values_list("url", "title")) == [("https://xn--bcher-kva.example/a", "Second")]


def test_no_stored_url_keeps_a_user_name_or_password(run_import, write_article):
    secret = "alice:s3cret@"
    write_article(
        "a.txt",
        article_text(
            webUrl=f"https://{secret}example.com/a",
            ampWebUrl=f"https://{secret}example.com/a/amp",
            cdnAmpWebUrl=f"https://{secret}cdn.example/a",
            originalUrl=f"https://{secret}example.com/o",
            images=[{"url": f"https://{secret}img.example/a.jpg"}],
            provider={"name": "P", "domain": "p.example", "images": [{"url": f"https://{secret}p.example/logo.png"}]},
            related=[
                {
                    "title": "R",
                    "webUrl": f"https://{secret}r.example/1",
                    "ampWebUrl": f"https://{secret}r.example/1/amp",
                    "images": [{"url": f"https://{secret}r.example/1.jpg"}],
                }
            ],
        ),
    )

    status, stdout, stderr = run_import(write_article.directory)

    assert status == 0, stderr
    stored = [
        *Article.objects.values_list("url", "source_key", "amp_url", "cdn_amp_url", "original_url"),
        *ArticleImage.objects.values_list("url"),
        *Provider.objects.values_list("logo_url"),
        *((link.url, link.amp_url, json.dumps(link.images)) for link in RelatedLink.objects.all()),
    ]
    assert stored and not [value for row in stored for value in row if "alice" in value or "s3cret" in value]
    assert Article.objects.get().needs_review  # the warning says the credentials were removed


def test_a_file_that_writes_a_key_twice_is_rejected_and_the_others_import(run_import, write_article):
    write_article("a.txt", article_text(webUrl="https://example.com/a").replace("---\n", "---\ntitle: Second\n", 1))
    write_article("b.txt", article_text(webUrl="https://example.com/b"))

    status, stdout, stderr = run_import(write_article.directory)

    assert status == 1
    assert "a.txt: rejected: title is given more than once (again at line" in stderr
    assert summary_counts(stdout) == (2, 1, 0, 0, 1, 0)
    assert list(Article.objects.values_list("url", flat=True)) == ["https://example.com/b"]
