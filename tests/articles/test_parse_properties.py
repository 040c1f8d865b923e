"""Property tests: whatever the bytes or the mapping, the parser answers (article or problems) and never lets junk through."""

from __future__ import annotations

import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from articles.ingest.parse import ParseResult, parse_bytes, parse_mapping
from tests.articles.test_parse import control_characters, strings_in

PATH = "fuzz/article.txt"
BOUNDED = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Text that can be encoded (no lone surrogates); everything else, controls included, is allowed.
TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)

# Pieces of the file format and of YAML, so generated front matter is often nearly valid.
YAML_PIECES = st.sampled_from(
    [
        "\n", "  ", "- ", ": ", "[", "]", "{", "}", ", ", "'", '"', "#", "&a ", "*a", "!!str ", "!x ", "? ",
        "|\n", ">\n", "---", "...", "%TAG ! tag:x,2000:\n", "\\0", "\\x07", "\\u2028", "\x00", "\t", "\r\n",
        "title", "webUrl", "sourceUrl", "quality", "topics", "images", "related", "provider", "url", "domain",
        "https://example.com/a", "javascript:alert(1)", "2024-01-01T00:00:00Z", "true", "null", "~", "-1", "1:30",
    ]
)
YAMLISH_TEXT = st.one_of(TEXT, st.lists(st.one_of(YAML_PIECES, TEXT), max_size=40).map("".join))
# Junk after a valid start, so that some examples still import.
FRONT_MATTER_TEXT = st.one_of(
    YAMLISH_TEXT, YAMLISH_TEXT.map(lambda junk: "title: A title\nwebUrl: https://example.com/a\ntopics:\n- " + junk)
)

ARTICLE_KEYS = [
    "title", "excerpt", "category", "type", "webUrl", "originalUrl", "ampWebUrl", "cdnAmpWebUrl", "sourceUrl", "ampUrl",
    "cdnAmpUrl", "publishedDateTime", "quality", "heat", "published", "provider", "topics", "images", "related", "secured",
    "url", "width", "height", "isCached", "name", "domain",
]
KEYS = st.one_of(st.sampled_from(ARTICLE_KEYS), TEXT)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63),
    st.floats(),
    TEXT,
    st.sampled_from(
        [
            "https://example.com/a?utm_source=x#f", "HTTP://WWW.Example.com", "javascript:alert(1)", "/relative",
            "data:text/html,x", "2024-01-22T16:27:00Z", "2024-01-22T16:27:00", "1500-01-01", "example.com", "a\x00b",
        ]
    ),
)
VALUES = st.recursive(
    SCALARS,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(KEYS, children, max_size=4),
    max_leaves=20,
)
MAPPINGS = st.dictionaries(KEYS, VALUES, max_size=8)
VALID_BASE = {
    "title": "A title",
    "webUrl": "https://example.com/story",
    "provider": {"name": "Example", "domain": "example.com"},
    "topics": ["One"],
    "images": [{"url": "https://example.com/a.jpg"}],
    "related": [{"title": "R", "webUrl": "https://r.example.org/x"}],
}
# Starting from a valid article and overriding some keys keeps many examples importable,
# so the "what comes out is clean" half of the property is exercised too.
ARTICLE_MAPPINGS = st.one_of(MAPPINGS, MAPPINGS.map(lambda overrides: {**VALID_BASE, **overrides}))


def assert_article_or_problems(result: ParseResult) -> None:
    assert isinstance(result, ParseResult)
    assert (result.article is None) != (result.problems == ())
    assert result.message.startswith(PATH)
    # The message goes to terminals and logs: input quoted in it must not carry control characters.
    assert control_characters(result.message) == []


def assert_clean(result: ParseResult) -> None:
    article = result.article
    if article is None:
        return
    assert [c for text in strings_in(article) for c in control_characters(text)] == []
    if article.url is not None:
        assert article.url.startswith(("http://", "https://"))  # canonical: the scheme in lowercase
    # The others are kept as given, and a scheme is case-insensitive (RFC 3986): HTTP:// is an http URL.
    for url in [image.url for image in article.images] + [r.url for r in article.related]:
        assert url.lower().startswith(("http://", "https://"))
    for url in [r.amp_url for r in article.related] + [article.amp_url, article.cdn_amp_url, article.original_url]:
        assert url == "" or url.lower().startswith(("http://", "https://"))


@BOUNDED
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_give_an_article_or_problems(data):
    result = parse_bytes(data, source_path=PATH)

    assert_article_or_problems(result)
    assert_clean(result)


@BOUNDED
@given(FRONT_MATTER_TEXT)
def test_arbitrary_front_matter_gives_an_article_or_problems(text):
    result = parse_bytes(("---\n" + text + "\n---\n").encode("utf-8"), source_path=PATH)

    assert_article_or_problems(result)
    assert_clean(result)


@BOUNDED
@given(ARTICLE_MAPPINGS)
def test_arbitrary_mapping_gives_an_article_or_problems(mapping):
    result = parse_mapping(mapping, source_path=PATH)

    assert_article_or_problems(result)
    assert_clean(result)


@BOUNDED
@given(ARTICLE_MAPPINGS)
@example({**VALID_BASE, "ampWebUrl": "HTTP://0", "images": [{"url": "HTTPS://img.example.com/A.jpg"}]})  # found by hypothesis
def test_arbitrary_mapping_written_as_a_file_gives_an_article_or_problems(mapping):
    data = ("---\n" + yaml.safe_dump(mapping, allow_unicode=True, sort_keys=False) + "---\n").encode("utf-8")
    result = parse_bytes(data, source_path=PATH)

    assert_article_or_problems(result)
    assert_clean(result)
