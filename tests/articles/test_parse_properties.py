"""Property tests: whatever the bytes or the mapping, the parser answers (article or problems) and never lets junk through."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from articles.ingest import frontmatter, values
from articles.ingest.frontmatter import load_front_matter
from articles.ingest.mapping import ParseResult, parse_mapping
from articles.ingest.parse import parse_bytes
from articles.ingest.values import RepeatedKeys
from tests.articles.test_parse import control_characters, strings_in

PATH = "fuzz/article.txt"
BOUNDED = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Text that can be encoded (no lone surrogates); everything else, controls included, is allowed.
TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)

# Pieces of the file format and of YAML, so generated front matter is often nearly valid.
YAML_PIECES = st.sampled_from(
    [
        "\n",
        "  ",
        "- ",
        ": ",
        "[",
        "]",
        "{",
        "}",
        ", ",
        "'",
        '"',
        "#",
        "&a ",
        "*a",
        "!!str ",
        "!x ",
        "? ",
        "|\n",
        ">\n",
        "---",
        "...",
        "%TAG ! tag:x,2000:\n",
        "\\0",
        "\\x07",
        "\\u2028",
        "\x00",
        "\t",
        "\r\n",
        "title",
        "webUrl",
        "sourceUrl",
        "quality",
        "topics",
        "images",
        "related",
        "provider",
        "url",
        "domain",
        "https://example.com/a",
        "javascript:alert(1)",
        "2024-01-01T00:00:00Z",
        "true",
        "null",
        "~",
        "-1",
        "1:30",
    ]
)
YAMLISH_TEXT = st.one_of(TEXT, st.lists(st.one_of(YAML_PIECES, TEXT), max_size=40).map("".join))
# Junk after a valid start, so that some examples still import.
FRONT_MATTER_TEXT = st.one_of(
    YAMLISH_TEXT, YAMLISH_TEXT.map(lambda junk: "title: A title\nwebUrl: https://example.com/a\ntopics:\n- " + junk)
)

ARTICLE_KEYS = [
    "title",
    "excerpt",
    "category",
    "type",
    "webUrl",
    "originalUrl",
    "ampWebUrl",
    "cdnAmpWebUrl",
    "sourceUrl",
    "ampUrl",
    "cdnAmpUrl",
    "publishedDateTime",
    "quality",
    "heat",
    "published",
    "provider",
    "topics",
    "images",
    "related",
    "secured",
    "url",
    "width",
    "height",
    "isCached",
    "name",
    "domain",
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
            "https://example.com/a?utm_source=x#f",
            "HTTP://WWW.Example.com",
            "javascript:alert(1)",
            "/relative",
            "data:text/html,x",
            "2024-01-22T16:27:00Z",
            "2024-01-22T16:27:00",
            "1500-01-01",
            "example.com",
            "a\x00b",
            "https://u:p@example.com/a",
            "https://@Bücher.example/a",
            "xn--bcher-kva.example",
            "xn--zz.example",
            "WWW.Bücher.example",
            "\u202eevil\u200b",
            "\u200d👩\u200d💻\u200c",
            "\u0645\u06cc\u200c\u062e",
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
    # No stored URL keeps a user name or password; a provider is known by its ASCII domain.
    for url in stored_urls(article):
        assert url.startswith("/") or "@" not in urlsplit(url).netloc, url
    for provider in [article.provider, *(r.provider for r in article.related)]:
        assert provider is None or provider.domain.isascii()
    # Display text carries no invisible formatting, and no joiner next to ASCII, white space or an end.
    for text in display_texts(article):
        assert not values.INVISIBLE_FORMATTING.search(text), text
        assert not re.search(r"(?:^|[\x00-\x7f\s])[\u200c\u200d]|[\u200c\u200d](?:$|[\x00-\x7f\s])", text), text


def stored_urls(article) -> list[str]:
    urls = [article.url or "", article.original_url, article.amp_url, article.cdn_amp_url]
    urls += [image.url for image in article.images]
    for related in article.related:
        urls += [related.url, related.amp_url, related.cdn_amp_url, *(image.url for image in related.images)]
    urls += [provider.logo_url for provider in [article.provider, *(r.provider for r in article.related)] if provider]
    return [url for url in urls if url]


def display_texts(article) -> list[str]:
    texts = [article.title, article.excerpt, article.category, article.article_type, *article.topics]
    texts += [image.title for image in article.images]
    for related in article.related:
        texts += [related.title, related.excerpt, related.article_type, *(image.title for image in related.images)]
    texts += [provider.name for provider in [article.provider, *(r.provider for r in article.related)] if provider]
    return texts


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
@example(
    {**VALID_BASE, "ampWebUrl": "HTTP://0", "images": [{"url": "HTTPS://img.example.com/A.jpg"}]}
)  # found by hypothesis
def test_arbitrary_mapping_written_as_a_file_gives_an_article_or_problems(mapping):
    data = ("---\n" + yaml.safe_dump(mapping, allow_unicode=True, sort_keys=False) + "---\n").encode("utf-8")
    result = parse_bytes(data, source_path=PATH)

    assert_article_or_problems(result)
    assert_clean(result)


# --------------------------------------------------------------------------- repeated keys
#
# Mappings written as their pairs, so that a key can come twice (often: the keys are few, and
# true/True, null/NULL and 1/true read as the same key), in block style and sometimes in flow style.


class Pairs(list):
    """A mapping as written: its (key, value) pairs in order, repeats included."""


PAIR_KEYS = st.sampled_from(["a", "b", "url", "title", "true", "True", "null", "NULL", "1"])
PAIR_SCALARS = st.one_of(
    st.integers(-5, 5), st.sampled_from(["x", "two words", "'quoted'", '"double"', "https://e.example/a"])
)
PAIR_TREES = st.recursive(
    PAIR_SCALARS,
    lambda children: (
        st.lists(st.tuples(PAIR_KEYS, children), min_size=1, max_size=4).map(Pairs)
        | st.lists(children, min_size=1, max_size=3)
    ),
    max_leaves=14,
)
PAIR_DOCUMENTS = st.lists(st.tuples(PAIR_KEYS, PAIR_TREES), min_size=1, max_size=5).map(Pairs)


def render_pairs(document: Pairs, rnd) -> tuple[str, list[tuple[str, int]]]:
    """``document`` as front matter, and the (key, line) of every repeat that a reader can see: those in
    the value a repeat replaces are gone with it."""
    step = rnd.choice([2, 4])
    lines: list[str] = []
    key_lines: dict[int, list[int]] = {}  # id of a Pairs: the line of each of its keys

    def flow(pairs: Pairs) -> str | None:
        if any(isinstance(value, (list, Pairs)) or isinstance(value, str) and " " in value for _, value in pairs):
            return None
        return "{" + ", ".join(f"{key}: {value}" for key, value in pairs) + "}"

    def item(head: str, value, column: int, mapping: Pairs | None) -> None:
        """``head`` (``key:``, ``- key:`` or ``-``, indented) with the value after it or below it."""
        inline = flow(value) if isinstance(value, Pairs) and rnd.random() < 0.3 else None
        below = isinstance(value, (list, Pairs)) and inline is None
        lines.append(head if below else f"{head} {inline or value}")
        if mapping is not None:
            key_lines.setdefault(id(mapping), []).append(len(lines) + 1)  # --- is line 1
        if inline:
            key_lines[id(value)] = [len(lines) + 1] * len(value)
        if below:
            write(value, column + step)

    def write(value, column: int) -> None:
        indent = " " * column
        if isinstance(value, Pairs):
            for key, child in value:
                item(f"{indent}{key}:", child, column, value)
            return
        for child in value:
            if isinstance(child, Pairs):
                (key, first), *others = child
                item(f"{indent}- {key}:", first, column + 2, child)
                for key, grandchild in others:
                    item(f"{indent}  {key}:", grandchild, column + 2, child)
            else:
                item(f"{indent}-", child, column, None)

    def repeats(value) -> list[tuple[str, int]]:
        found = []
        if isinstance(value, Pairs):
            survivors: dict = {}  # as a reader's mapping holds them: the first key, the last value
            for (key, child), line in zip(value, key_lines[id(value)], strict=True):
                resolved = frontmatter._plain_scalar(key)
                if resolved in survivors:
                    found.append((values._key_name(key), line))
                survivors[resolved] = child
            value = list(survivors.values())
        for child in value if isinstance(value, list) else ():
            found += repeats(child)
        return found

    write(document, 0)
    return "\n".join(lines) + "\n", repeats(document)


def repeats_in(value) -> list[tuple[str, int]]:
    found = list(value.repeated) if isinstance(value, RepeatedKeys) else []
    for item in value.values() if isinstance(value, dict) else value if isinstance(value, list) else ():
        found += repeats_in(item)
    return found


@BOUNDED
@given(PAIR_DOCUMENTS, st.randoms(use_true_random=False))
@example(Pairs([("a", 1), ("a", 2)]), __import__("random").Random(0))
@example(Pairs([("a", [Pairs([("true", 1), ("b", 2), ("1", 3)])])]), __import__("random").Random(0))
def test_both_readers_agree_on_repeated_keys(document, rnd):
    front_matter, expected = render_pairs(document, rnd)
    try:
        fast = frontmatter._load_plain_block(front_matter)
    except frontmatter._NotPlainBlock:
        fast = None
    slow = frontmatter._load_from_events(front_matter)

    # The events reader finds every repeat, at its line; the quick reader never reads past one.
    assert sorted(repeats_in(slow)) == sorted(expected), front_matter
    if expected:
        assert fast is None, front_matter
    elif fast is not None:
        assert repr(fast) == repr(slow), front_matter
    assert repeats_in(load_front_matter(front_matter)) == repeats_in(slow)
    # A repeat in the article's own mapping rejects the file, naming the key.
    result = parse_bytes(f"---\n{front_matter}---\n".encode(), source_path=PATH)
    for key, line in slow.repeated if isinstance(slow, RepeatedKeys) else ():
        assert result.article is None
        assert re.search(
            rf"(?:^|; ){re.escape(key)} is given more than once \(again at lines? [0-9, ]*\b{line}\b",
            result.message.split(": rejected: ", 1)[1],
        )
