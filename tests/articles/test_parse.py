"""The article-file parser: every named kind of bad input, both schema eras, the seeds.

The parser (parse.py, frontmatter.py, values.py, mapping.py) is pure (no ORM): nothing here touches the database.
"""

from __future__ import annotations

import codecs
import dataclasses
import datetime as dt
import re
import time
import unicodedata
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from articles.ingest import frontmatter, values
from articles.ingest.frontmatter import load_front_matter
from articles.ingest.mapping import ParsedArticle, ParseResult, parse_mapping
from articles.ingest.parse import parse_bytes
from articles.ingest.values import Rejected, canonical_url, checked_url, parse_datetime
from providers.domains import normalise_domain
from tests.conftest import SEEDS
from tests.factories import article_text

PATH = "incoming/article.txt"
UTC = dt.UTC
SEED_2024 = SEEDS / "000_436ca83e3ef9a780.txt"
SEED_MOJIBAKE = SEEDS / "001_05f7b9c93c48251f.txt"
SEED_2020 = SEEDS / "003_a1a0f50df8a809a5.txt"
SEED_BODY_ONLY = SEEDS / "004_eaa0f259cca14586.txt"
FRONT_MATTER_SEEDS = sorted(path for path in SEEDS.glob("*.txt") if path.read_bytes().startswith(b"---"))


# --------------------------------------------------------------------------- helpers


def related_entry(**changes) -> dict:
    """A valid related link; a fresh copy each time, since safe_dump writes a shared object as an anchor."""
    entry = {
        "title": "A related story",
        "webUrl": "https://related.example.org/story",
        "provider": {"name": "Related", "domain": "related.example.org"},
    }
    return {**entry, **changes}


def parse(content: str | bytes, **options) -> ParseResult:
    data = content.encode("utf-8") if isinstance(content, str) else content
    return parse_bytes(data, source_path=PATH, **options)


def parse_seed(path: Path) -> ParseResult:
    return parse_bytes(path.read_bytes(), source_path=path.name)


def assert_rejected(result: ParseResult, *fragments: str) -> None:
    assert result.article is None
    assert result.problems
    assert result.message.startswith(f"{PATH}: rejected: ")
    for fragment in fragments:
        assert fragment in result.message


def assert_imported(result: ParseResult) -> ParsedArticle:
    assert result.problems == (), result.message
    assert result.article is not None
    return result.article


def assert_warned(result: ParseResult, *fragments: str) -> None:
    """Some single warning holds every fragment (e.g. the entry's name and the reason)."""
    assert any(all(fragment in warning for fragment in fragments) for warning in result.warnings), result.warnings


def strings_in(value, *, skip_fields: tuple[str, ...] = ()):
    """Every string inside a parsed value, dict keys included, walking dataclasses, mappings and sequences."""
    if isinstance(value, str):
        yield value
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for field in dataclasses.fields(value):
            if field.name not in skip_fields:
                yield from strings_in(getattr(value, field.name), skip_fields=skip_fields)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from strings_in(key, skip_fields=skip_fields)
            yield from strings_in(item, skip_fields=skip_fields)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from strings_in(item, skip_fields=skip_fields)


def control_characters(text: str) -> list[str]:
    """What must never be stored: C0/C1 controls but tab and newline, lone surrogates, non-characters."""
    return [
        char
        for char in text
        if char not in "\t\n" and (unicodedata.category(char) in ("Cc", "Cs") or char in "\ufffe\uffff")
    ]


def raw_front_matter(**fields: str) -> str:
    """An article file whose extra lines are written verbatim (for YAML that safe_dump would quote)."""
    base = article_text(**{key: None for key in fields})
    lines = "".join(f"{key}: {value}\n" for key, value in fields.items())
    return base.replace("---\n", "---\n" + lines, 1)


# --------------------------------------------------------------------------- the seeds


@pytest.mark.parametrize("seed", sorted(SEEDS.glob("*.txt")), ids=lambda path: path.name)
def test_every_seed_parses_without_problems(seed):
    result = parse_seed(seed)

    assert result.problems == ()
    assert result.article is not None
    assert result.message.startswith(seed.name)


def test_2024_seed_fields():
    article = assert_imported(parse_seed(SEED_2024))

    assert article.schema_era == "2024"
    assert article.title == "Live Facial Recognition used in Croydon"
    assert article.url == "https://news.met.police.uk/news/live-facial-recognition-used-in-croydon-478292"
    assert article.source_key == article.url
    assert article.original_url == article.url
    assert article.excerpt.startswith("As part of the Met’s ongoing work")
    assert article.published_at == dt.datetime(2024, 1, 22, 16, 27, tzinfo=UTC)
    assert (article.category, article.article_type) == ("news", "article")
    assert (article.quality, article.heat, article.is_published) == (39, -1, False)
    assert (article.provider.name, article.provider.domain) == ("Metropolitan Police Service", "police.uk")
    assert article.topics == ("Computer Vision", "AI")
    assert [(i.width, i.height, i.is_cached) for i in article.images] == [(1782, 1002, True)]
    assert [r.provider.domain for r in article.related] == ["wired.com", "theverge.com"]
    assert article.related[0].images[0].width == 1280
    assert article.related[0].published_at == dt.datetime(2024, 1, 22, 12, 0, tzinfo=UTC)
    assert article.extra == {}
    assert article.warnings == ()
    assert not article.is_draft
    assert not article.needs_review


def test_2024_related_amp_links_land_in_their_fields():
    bbc = assert_imported(parse_seed(SEED_MOJIBAKE)).related[0]

    assert bbc.url == "https://www.bbc.com/news/uk-england-london-68062080"
    assert bbc.amp_url == "https://www.bbc.com/news/uk-england-london-68062080.amp"
    assert (
        bbc.cdn_amp_url == "https://www-bbc-com.cdn.ampproject.org/c/s/www.bbc.com/news/uk-england-london-68062080.amp"
    )


def test_2020_seed_url_keys_land_in_url_amp_url_cdn_amp_url():
    article = assert_imported(parse_seed(SEED_2020))

    assert article.schema_era == "2020"
    assert article.url == "https://www.engadget.com/2020/01/24/london-police-live-facial-recognition-public-streets/"
    assert (
        article.amp_url
        == "https://www.engadget.com/amp/2020/01/24/london-police-live-facial-recognition-public-streets/"
    )
    assert article.cdn_amp_url == (
        "https://www-engadget-com.cdn.ampproject.org/c/s/www.engadget.com/amp/2020/01/24/"
        "london-police-live-facial-recognition-public-streets/"
    )
    assert article.original_url == ""
    # The 2020 keys were read as fields, so they must not also turn up as unknown keys.
    assert article.extra == {}


def test_2020_related_entries_read_their_own_era_keys():
    related = assert_imported(parse_seed(SEED_2020)).related

    assert (
        related[0].url
        == "https://www.slashgear.com/facebook-messenger-may-soon-use-face-recognition-to-lock-the-app-24607595/"
    )
    assert related[0].amp_url.endswith("-24607595/amp/")
    assert related[0].cdn_amp_url.startswith("https://www-slashgear-com.cdn.ampproject.org/")
    assert related[0].extra == {}


def test_relative_provider_logo_url_is_kept():
    provider = assert_imported(parse_seed(SEED_2020)).provider

    assert provider.logo_url == "/assets/images/organizations/engadget.com-50x50.jpg"
    assert (provider.logo_width, provider.logo_height) == (50, 50)


def test_mojibake_in_related_excerpt_is_repaired():
    article = assert_imported(parse_seed(SEED_MOJIBAKE))

    met = next(r for r in article.related if r.url.endswith("-478292"))
    assert met.excerpt.startswith("As part of the Met’s ongoing work")
    assert not any("â€" in text for text in strings_in(article))


@pytest.mark.parametrize("seed", FRONT_MATTER_SEEDS, ids=lambda path: path.name)
def test_secured_payload_comes_through_byte_for_byte(seed):
    raw = re.search(rb'^secured: "([^"\\]*)"$', seed.read_bytes(), re.MULTILINE).group(1).decode("ascii")

    assert assert_imported(parse_seed(seed)).secured == raw


def test_body_only_seed_becomes_a_draft_keeping_all_its_text():
    text = SEED_BODY_ONLY.read_text(encoding="utf-8")
    result = parse_seed(SEED_BODY_ONLY)
    article = assert_imported(result)

    assert article.is_draft
    assert article.needs_review
    assert article.title == "Add thelocalreport.in As A Trusted Source"
    assert article.body == text.strip()
    assert article.url is None
    assert article.provider is None
    assert not article.is_published
    assert_warned(result, "no front matter")


def test_body_only_draft_title_is_the_first_non_blank_line_with_white_space_collapsed():
    article = assert_imported(parse("\n\n   First   line  here \nsecond line\n"))

    assert article.title == "First line here"
    assert article.body == "First   line  here \nsecond line"


def test_body_only_draft_title_is_shortened_but_body_is_not():
    line = "word " * 100
    article = assert_imported(parse(line + "\nrest"))

    assert len(article.title) <= 200
    assert article.title.endswith("…")
    assert article.body.startswith(line.strip())


@pytest.mark.parametrize(
    "content", [b"", b"   ", b"\n\n\t \n", b"\r\n\r\n"], ids=["empty", "spaces", "blank lines", "crlf"]
)
def test_empty_or_white_space_only_file_is_rejected(content):
    assert_rejected(parse(content), "no front matter and no text")


# --------------------------------------------------------------------------- size and encodings


def test_oversized_file_is_rejected_naming_size_and_limit():
    data = article_text().encode()

    assert_rejected(parse(data, max_bytes=100), f"{len(data):,} bytes", "over the 100 bytes limit")


def test_file_exactly_at_the_size_limit_is_read():
    data = article_text().encode()

    assert_imported(parse(data, max_bytes=len(data)))


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200),
        b"%PDF-1.7\n" + b"x" * 100,
        b"\x1f\x8b\x08\x00" + b"compressed",
        bytes(range(32)) * 20,
        b"---\ntitle: x\n---\n" + b"\x00\x01\x02\x03" * 50,
    ],
    ids=["png", "pdf", "gzip", "control bytes", "text then binary"],
)
def test_bytes_that_are_not_text_are_rejected(data):
    assert_rejected(parse(data), "binary data, not text")


def test_utf8_byte_order_mark_is_dropped():
    plain = article_text(title="Café society")
    with_bom = parse(codecs.BOM_UTF8 + plain.encode())
    article = assert_imported(with_bom)

    assert article.title == "Café society"
    assert with_bom.warnings == ()
    assert article.fingerprint == assert_imported(parse(plain)).fingerprint


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_with_byte_order_mark_is_decoded_with_a_warning(encoding):
    text = article_text(title="Café – “quoted”")
    data = text.encode(encoding)
    if encoding != "utf-16":  # the plain codec writes its own BOM
        data = (codecs.BOM_UTF16_LE if encoding.endswith("le") else codecs.BOM_UTF16_BE) + data
    result = parse(data)

    assert assert_imported(result).title == "Café – “quoted”"
    assert_warned(result, "UTF-16")


def test_utf16_byte_order_mark_with_invalid_utf16_is_rejected():
    lone_surrogate = b"\x00\xd8"
    assert_rejected(parse(codecs.BOM_UTF16_LE + lone_surrogate + "abc".encode("utf-16-le")), "not valid UTF-16")


def test_windows_1252_text_is_decoded_with_a_warning():
    result = parse(article_text(title="caf\xe9 \u2019quoted\u2019").encode("cp1252"))

    assert assert_imported(result).title == "café ’quoted’"
    assert_warned(result, "Windows-1252")


def test_windows_1252_bytes_without_front_matter_decode_to_a_draft():
    result = parse(b"caf\xe9")

    assert assert_imported(result).title == "café"
    assert_warned(result, "Windows-1252")


@pytest.mark.parametrize("newline", ["\r\n", "\r"], ids=["crlf", "lone cr"])
def test_crlf_and_cr_line_endings_read_like_lf(newline):
    text = article_text(excerpt="one line") + "\nbody line one\nbody line two\n"
    lf = assert_imported(parse(text))
    other = assert_imported(parse(text.replace("\n", newline)))

    assert other.fingerprint == lf.fingerprint
    assert other.body == "body line one\nbody line two"
    assert not any("\r" in text for text in strings_in(other))


# --------------------------------------------------------------------------- front matter shape


@pytest.mark.parametrize(
    ("front_matter", "what"),
    [
        ("- a\n- b\n", "a list"),
        ("just some words\n", "str"),
        ("42\n", "int"),
        ("", "empty"),
        ("# only a comment\n", "empty"),
    ],
    ids=["list", "scalar", "number", "empty", "comment only"],
)
def test_front_matter_that_is_not_a_mapping_is_rejected(front_matter, what):
    assert_rejected(parse(f"---\n{front_matter}---\nbody\n"), "must be a mapping", what)


@pytest.mark.parametrize(
    ("front_matter", "where"),
    [
        ("title: ok\n  bad: indentation\n", "at line 3,"),
        ("title: ok\nexcerpt: fine\ntopics: [a, b\nquality: 1\n", "flow sequence that starts at line 4"),
        ('title: "never closed\nexcerpt: x\n', "quoted scalar that starts at line 2"),
        ("title: ok\n\tquality: 1\n", "at line 3,"),
    ],
    ids=["indentation", "unclosed flow", "unclosed quote", "tab indent"],
)
def test_malformed_yaml_is_rejected_with_its_line_number(front_matter, where):
    # Lines are counted in the file, so the opening --- is line 1.
    assert_rejected(parse(f"---\n{front_matter}---\n"), "not valid YAML", where)


def test_front_matter_never_closed_is_rejected():
    assert_rejected(parse(article_text().removesuffix("---\n")), "never closed")


def test_body_after_front_matter_is_kept():
    article = assert_imported(parse(article_text() + "\nFirst paragraph.\n\nSecond <em>paragraph</em>.\n"))

    assert article.body == "First paragraph.\n\nSecond <em>paragraph</em>."
    assert not article.is_draft


def test_front_matter_may_close_with_yaml_document_end_marker():
    article = assert_imported(parse(article_text().removesuffix("---\n") + "...\nbody\n"))

    assert article.body == "body"


# --------------------------------------------------------------------------- YAML features the format does not use


@pytest.mark.parametrize(
    "value",
    [
        "!!python/object/apply:os.system ['echo owned']",
        "!!python/object:builtins.dict {}",
        "!!binary aGVsbG8=",
        "!custom thing",
        "!!str plain",
        "!<tag:yaml.org,2002:str> verbatim",
    ],
)
def test_yaml_tags_are_rejected(value):
    assert_rejected(parse(raw_front_matter(title=value)), "YAML tags", "line 2")


def test_yaml_tag_in_a_nested_entry_is_rejected_with_its_line():
    text = article_text(topics=None) + "\n"
    text = text.removesuffix("---\n\n") + "topics:\n- fine\n- !!python/name:os.system x\n---\n"

    assert_rejected(parse(text), "YAML tags", f"line {text.splitlines().index('- !!python/name:os.system x') + 1}")


def test_yaml_tag_text_from_the_input_is_shown_escaped_in_the_message():
    # %07 in a tag is decoded by libyaml to a raw BEL; a message must not carry it to a terminal.
    result = parse(raw_front_matter(title="!a%07b x"))

    assert_rejected(result, "YAML tags")
    assert control_characters(result.message) == []


@pytest.mark.parametrize(
    ("front_matter", "fragment"),
    [
        ("title: &t A title\nexcerpt: plain\n", "line 2: YAML anchors (&t)"),
        ("title: A title\nexcerpt: *t\n", "line 3: YAML aliases (*t)"),
        ("title: x\nprovider: &p {name: a}\nrelated: [*p]\n", "line 3: YAML anchors (&p)"),
    ],
    ids=["anchor", "alias without anchor", "anchor and alias"],
)
def test_yaml_anchors_and_aliases_are_rejected(front_matter, fragment):
    assert_rejected(parse(f"---\n{front_matter}webUrl: https://example.com/\n---\n"), fragment)


def test_billion_laughs_is_rejected_quickly():
    levels = ['lol0: &lol0 "lol"'] + [
        f"lol{n}: &lol{n} [" + ", ".join([f"*lol{n - 1}"] * 10) + "]" for n in range(1, 12)
    ]
    started = time.perf_counter()
    result = parse("---\n" + "\n".join(levels) + "\ntitle: *lol11\n---\n")

    assert time.perf_counter() - started < 1
    assert_rejected(result, "YAML anchors (&lol0)", "line 2")


def test_tag_directive_in_front_matter_is_rejected():
    with pytest.raises(Rejected, match="%TAG directives"):
        load_front_matter("%TAG !e! tag:example.com,2000:\n---\ntitle: !e!thing x\n")


def test_file_whose_front_matter_holds_a_tag_directive_is_rejected():
    assert_rejected(parse("---\n%TAG !e! tag:example.com,2000:\n---\ntitle: x\n---\n"), "not valid YAML")


def test_second_yaml_document_is_rejected():
    with pytest.raises(Rejected, match="more than one YAML document"):
        load_front_matter("title: one\n---\ntitle: two\n")


def test_collection_as_mapping_key_is_rejected():
    assert_rejected(parse("---\n? [a, b]\n: value\ntitle: x\n---\n"), "mapping key must be a plain value", "line")


@pytest.mark.parametrize(
    "front_matter",
    [
        "title: " + "[" * 100_000,
        "title: " + "{" * 100_000,
        "title: " + "[" * 50_000 + "]" * 50_000,
        "".join("  " * depth + "-\n" for depth in range(300)),
        "".join("  " * depth + "k:\n" for depth in range(300)),
    ],
    ids=["flow sequences", "flow mappings", "balanced flow", "block sequences", "block mappings"],
)
def test_deep_nesting_returns_problems_instead_of_crashing(front_matter):
    started = time.perf_counter()
    result = parse("---\n" + front_matter + "\n---\n")

    assert time.perf_counter() - started < 2
    assert_rejected(result, "nested more than")


def test_nesting_within_the_limit_is_read():
    assert load_front_matter("x: " + "[" * 31 + "]" * 31) == {"x": _nested_list(30)}


def _nested_list(depth: int) -> list:
    value: list = []
    for _ in range(depth):
        value = [value]
    return value


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("no", "no"),
        ("yes", "yes"),
        ("off", "off"),
        ("10:30", "10:30"),
        ("0755", "0755"),
        ("1_000", "1_000"),
        ("0x1F", "0x1F"),
        ("2024-01-22", "2024-01-22"),
    ],
)
def test_plain_yaml_1_1_look_alikes_stay_text(raw, expected):
    # YAML 1.1 would read these as booleans, base-60/octal/hex integers or dates.
    assert assert_imported(parse(raw_front_matter(title=raw))).title == expected


@pytest.mark.parametrize("raw", ["1:30", "0x32", "062", "5_0"])
def test_quality_in_a_yaml_1_1_number_form_is_rejected(raw):
    assert_rejected(parse(raw_front_matter(quality=raw)), "quality must be a whole number")


def test_plain_decimal_numbers_and_special_floats_are_numbers():
    assert load_front_matter("a: 42\nb: -1\nc: 2.5\nd: 1.0e+20\ne: .inf\nf: ~\ng: true\nh: FALSE\n") == {
        "a": 42,
        "b": -1,
        "c": 2.5,
        "d": 1e20,
        "e": float("inf"),
        "f": None,
        "g": True,
        "h": False,
    }


# --------------------------------------------------------------------------- repeated keys
#
# A key written twice in one mapping loses a value without a word (YAML's readers keep the last).
# In the article's own mapping or its provider that rejects the file; in an entry of topics,
# images or related it skips the entry, as any malformed entry is skipped.

# A comment sends front matter to libyaml's events (the quick reader declines comments).
READERS = pytest.mark.parametrize("tail", ["", "# a comment\n"], ids=["quick reader first", "events reader"])


def line_of(front_matter: str, line: str) -> int:
    return front_matter.splitlines().index(line) + 2  # the opening --- is line 1


@READERS
def test_repeated_keys_of_the_article_reject_the_file_naming_each(tail):
    front_matter = (
        "title: First\nwebUrl: https://example.com/a\nquality: 10\ntitle: Second\nquality: 90\ntitle: Third\n"
    )

    assert_rejected(
        parse(f"---\n{front_matter}{tail}---\n"),
        "title is given more than once (again at lines 5, 7); quality is given more than once (again at line 6)",
    )


@READERS
@pytest.mark.parametrize(
    "repeat",
    ["webUrl: https://example.com/b", "published: true", "publishedDateTime: 2020-01-01T00:00:00Z", "secured: x;y"],
)
def test_each_repeated_field_of_the_article_rejects_the_file(tail, repeat):
    key = repeat.split(":")[0]
    front_matter = f"title: T\nwebUrl: https://example.com/a\npublished: false\npublishedDateTime: 2024-01-01T00:00:00Z\nsecured: a;b\n{repeat}\n"

    assert_rejected(parse(f"---\n{front_matter}{tail}---\n"), f"{key} is given more than once (again at line 7)")


@READERS
def test_a_repeated_key_of_the_provider_rejects_the_file(tail):
    front_matter = (
        "title: T\nwebUrl: https://example.com/a\nprovider:\n  name: A\n  domain: a.example\n  domain: b.example\n"
    )

    assert_rejected(
        parse(f"---\n{front_matter}{tail}---\n"), "provider.domain is given more than once (again at line 7)"
    )


@READERS
def test_a_repeated_key_inside_an_unknown_key_rejects_the_file(tail):
    front_matter = "title: T\nwebUrl: https://example.com/a\nnextVersion:\n  scores:\n  - a: 1\n    a: 2\n"

    assert_rejected(
        parse(f"---\n{front_matter}{tail}---\n"), "nextVersion.scores[0].a is given more than once (again at line 7)"
    )


ENTRIES_WITH_REPEATED_KEYS = """\
title: T
webUrl: https://example.com/a
provider:
  name: P
  domain: p.example
  images:
  - url: https://p.example/first.png
    url: https://p.example/second.png
  - url: https://p.example/logo.png
images:
- url: https://img.example/a.jpg
  width: 10
  width: 20
- url: https://img.example/b.jpg
related:
- title: R0
  webUrl: https://r.example/0
  webUrl: https://r.example/other
- title: R1
  webUrl: https://r.example/1
  provider:
    domain: r.example
    domain: s.example
- title: R2
  webUrl: https://r.example/2
  images:
  - url: https://r.example/2a.jpg
    url: https://r.example/2b.jpg
  - url: https://r.example/2c.jpg
- title: R3
  webUrl: https://r.example/3
  nextVersion:
    a: 1
    a: 2
- title: R4
  webUrl: https://r.example/4
"""


@READERS
def test_a_repeated_key_in_an_entry_skips_only_that_entry(tail):
    text = ENTRIES_WITH_REPEATED_KEYS
    result = parse(f"---\n{text}{tail}---\n")
    article = assert_imported(result)

    assert article.provider.logo_url == "https://p.example/logo.png"
    assert [image.url for image in article.images] == ["https://img.example/b.jpg"]
    assert [related.url for related in article.related] == ["https://r.example/2", "https://r.example/4"]
    assert [image.url for image in article.related[0].images] == ["https://r.example/2c.jpg"]
    for entry, repeat, line in [
        ("provider.images[0]", "url", "    url: https://p.example/second.png"),
        ("images[0]", "width", "  width: 20"),
        ("related[0]", "webUrl", "  webUrl: https://r.example/other"),
        ("related[1]", "related[1].provider.domain", "    domain: s.example"),
        ("related[2].images[0]", "url", "    url: https://r.example/2b.jpg"),
        ("related[3]", "nextVersion.a", "    a: 2"),
    ]:
        assert_warned(
            result, f"{entry} skipped: {repeat} is given more than once (again at line {line_of(text, line)})"
        )


def test_keys_that_read_as_the_same_value_are_repeated_keys():
    # true and True are one boolean key, null and ~ one null key: the second would replace the first.
    result = parse("---\ntitle: T\nwebUrl: https://example.com/a\ntrue: 1\nTrue: 2\nnull: 3\n~: 4\n---\n")

    assert_rejected(
        result, "True is given more than once (again at line 5)", "'~' is given more than once (again at line 7)"
    )


def test_a_repeated_quoted_key_is_named_with_its_controls_escaped():
    result = parse('---\ntitle: T\nwebUrl: https://example.com/a\n"a\\x07b": 1\n"a\\x07b": 2\n---\n')

    assert_rejected(result, "'a\\x07b' is given more than once (again at line 5)")
    assert control_characters(result.message) == []


def test_a_repeated_key_in_flow_style_is_found_too():
    assert_rejected(
        parse("---\ntitle: T\nwebUrl: https://example.com/a\nprovider: {name: A, domain: a.example, name: B}\n---\n"),
        "provider.name is given more than once (again at line 4)",
    )


# --------------------------------------------------------------------------- wrong types and ranges


@pytest.mark.parametrize(
    ("overrides", "fragment"),
    [
        ({"title": {"text": "a mapping"}}, "title must be text, not a mapping"),
        ({"title": ["a", "list"]}, "title must be text, not a list"),
        ({"title": True}, "title must be text, not true/false"),
        ({"excerpt": {"a": 1}}, "excerpt must be text"),
        ({"quality": "high"}, "quality must be a whole number, not 'high'"),
        ({"quality": True}, "quality must be a whole number, not True"),
        ({"quality": 50.5}, "quality must be a whole number, not 50.5"),
        ({"quality": float("nan")}, "quality must be a whole number"),
        ({"heat": "hot"}, "heat must be a whole number"),
        ({"published": "yes"}, "published must be true or false, not 'yes'"),
        ({"published": 1}, "published must be true or false, not 1"),
        ({"topics": {"AI": "yes"}}, "topics must be a list of names, not a mapping"),
        ({"provider": "BBC"}, "provider must be a mapping, not str"),
        ({"provider": {"name": "X", "domain": ["x.com"]}}, "provider.domain must be text"),
        ({"publishedDateTime": 20240101}, "publishedDateTime must be an ISO 8601 date"),
        ({"secured": 12345}, "secured must be text"),
        ({"webUrl": {"href": "https://example.com/"}}, "webUrl must be text, not a mapping"),
    ],
)
def test_wrong_type_in_an_article_field_rejects_the_file(overrides, fragment):
    assert_rejected(parse(article_text(**overrides)), fragment)


def test_unquoted_yes_for_published_is_rejected():
    assert_rejected(parse(raw_front_matter(published="yes")), "published must be true or false, not 'yes'")


def test_whole_float_quality_is_accepted_as_integer():
    article = assert_imported(parse(article_text(quality=75.0)))

    assert article.quality == 75
    assert type(article.quality) is int


@pytest.mark.parametrize(
    ("overrides", "fragment"),
    [
        ({"quality": -1}, "quality is -1, outside 0–100"),
        ({"quality": 101}, "quality is 101, outside 0–100"),
        ({"heat": -2}, "heat is -2, outside -1–"),
        ({"heat": 2**40}, f"heat is {2**40}"),
    ],
)
def test_out_of_range_number_rejects_the_file(overrides, fragment):
    assert_rejected(parse(article_text(**overrides)), fragment)


@pytest.mark.parametrize(("quality", "heat"), [(0, -1), (100, 0), (None, 2**31 - 1)])
def test_numbers_at_the_edges_of_their_range_are_accepted(quality, heat):
    article = assert_imported(parse(article_text(quality=quality, heat=heat)))

    assert (article.quality, article.heat) == (quality, heat)


def test_missing_heat_means_not_computed():
    assert assert_imported(parse(article_text(heat=None))).heat == -1


@pytest.mark.parametrize(
    ("image", "fragment"),
    [
        ({"width": -5}, "width is -5"),
        ({"height": 10**9}, "height is 1000000000"),
        ({"width": "wide"}, "width must be a whole number"),
        ({"isCached": "yes"}, "isCached must be true or false"),
    ],
)
def test_image_with_bad_number_is_skipped_and_the_rest_imports(image, fragment):
    result = parse(
        article_text(
            images=[{"url": "https://img.example.com/bad.jpg", **image}, {"url": "https://img.example.com/ok.jpg"}]
        )
    )

    assert [i.url for i in assert_imported(result).images] == ["https://img.example.com/ok.jpg"]
    assert_warned(result, "images[0] skipped", fragment)


# --------------------------------------------------------------------------- dates


@pytest.mark.parametrize("value", ["next tuesday", "2024-13-01", "2024-02-30T10:00:00Z", "22/01/2024", "yes"])
def test_unparseable_date_rejects_the_file(value):
    assert_rejected(
        parse(article_text(publishedDateTime=value)), "publishedDateTime is not an ISO 8601 date", repr(value)
    )


@pytest.mark.parametrize("value", ["2024-03-01T10:00:00", "2024-03-01 10:00:00"])
def test_zone_less_date_is_read_as_utc_with_a_warning(value):
    result = parse(raw_front_matter(publishedDateTime=value))

    assert assert_imported(result).published_at == dt.datetime(2024, 3, 1, 10, 0, tzinfo=UTC)
    assert_warned(result, "publishedDateTime", "no time zone", "UTC")


def test_date_with_offset_is_converted_to_utc_without_warning():
    result = parse(article_text(publishedDateTime="2024-03-01T10:00:00+02:00"))

    assert assert_imported(result).published_at == dt.datetime(2024, 3, 1, 8, 0, tzinfo=UTC)
    assert result.warnings == ()


@pytest.mark.parametrize(
    "value", ["1500-01-01T00:00:00Z", "3000-01-01T00:00:00Z", "0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00"]
)
def test_date_out_of_range_rejects_the_file(value):
    assert_rejected(parse(article_text(publishedDateTime=value)), "publishedDateTime is out of range")


def test_parse_datetime_accepts_date_and_datetime_objects():
    assert parse_datetime(dt.date(2024, 1, 2)) == (dt.datetime(2024, 1, 2, tzinfo=UTC), True)
    aware = dt.datetime(2024, 1, 2, 3, 4, tzinfo=dt.timezone(dt.timedelta(hours=-5)))
    assert parse_datetime(aware) == (dt.datetime(2024, 1, 2, 8, 4, tzinfo=UTC), False)


def test_related_entry_with_bad_date_is_skipped():
    result = parse(article_text(related=[related_entry(publishedDateTime="soon"), related_entry()]))

    assert len(assert_imported(result).related) == 1
    assert_warned(result, "related[0] skipped", "publishedDateTime", "'soon'")


# --------------------------------------------------------------------------- required fields, several problems


def test_missing_title_rejects_the_file():
    assert_rejected(parse(article_text(title=None)), "title is missing")


def test_blank_title_rejects_the_file():
    assert_rejected(parse(article_text(title="   ")), "title is empty")


def test_missing_url_rejects_the_file():
    assert_rejected(parse(article_text(webUrl=None)), "the article URL is missing")


def test_original_url_stands_in_for_a_missing_web_url():
    article = assert_imported(parse(article_text(webUrl=None, originalUrl="https://example.com/orig?utm_source=x")))

    assert article.url == "https://example.com/orig"
    assert article.original_url == "https://example.com/orig?utm_source=x"


def test_every_problem_of_a_file_is_listed_in_one_message():
    result = parse(article_text(title=None, webUrl="javascript:alert(1)", quality=500))

    assert_rejected(result, "title is missing", "webUrl is not an http(s) URL", "quality is 500")
    assert len(result.problems) == 3


def test_problems_and_entry_warnings_are_reported_together():
    result = parse(article_text(quality=-3, related=[None]))

    assert_rejected(result, "quality is -3")
    assert_warned(result, "related[0] skipped")


# --------------------------------------------------------------------------- URLs


NON_HTTP_URLS = [
    "javascript:alert(1)",
    "JavaScript:alert(document.cookie)",
    " javascript:alert(1)",
    "ftp://example.com/file",
    "/news/relative",
    "news/relative",
    "//example.com/protocol-relative",
    "data:text/html,<script>alert(1)</script>",
    "mailto:someone@example.com",
    "https:javascript:alert(1)",
    "http://",
    "https://exa mple.com/",
    "http://[::1",
    "http://example.com:99999/",
]


@pytest.mark.parametrize("url", NON_HTTP_URLS)
def test_non_http_article_url_rejects_the_file(url):
    assert_rejected(parse(article_text(webUrl=url)), "webUrl ")


@pytest.mark.parametrize("key", ["originalUrl", "ampWebUrl", "cdnAmpWebUrl"])
def test_non_http_secondary_article_url_rejects_the_file(key):
    assert_rejected(parse(article_text(**{key: "javascript:alert(1)"})), f"{key} is not an http(s) URL")


def test_non_http_source_url_rejects_a_2020_file():
    assert_rejected(
        parse(article_text(webUrl=None, sourceUrl="javascript:alert(1)")), "sourceUrl is not an http(s) URL"
    )


@pytest.mark.parametrize("url", NON_HTTP_URLS)
def test_non_http_url_in_an_entry_skips_only_that_entry(url):
    result = parse(
        article_text(
            images=[{"url": url}, {"url": "https://img.example.com/a.jpg"}],
            related=[related_entry(webUrl=url), related_entry(ampWebUrl=url), related_entry()],
        )
    )
    article = assert_imported(result)

    assert [i.url for i in article.images] == ["https://img.example.com/a.jpg"]
    assert [r.url for r in article.related] == ["https://related.example.org/story"]
    assert_warned(result, "images[0] skipped", "url")
    assert_warned(result, "related[0] skipped", "webUrl")
    assert_warned(result, "related[1] skipped", "ampWebUrl")


# A provider logo may be site-relative (seed 003, tested above); nothing else that is not http(s).
@pytest.mark.parametrize("url", [url for url in NON_HTTP_URLS if url != "/news/relative"])
def test_non_http_provider_logo_is_skipped(url):
    result = parse(article_text(provider={"name": "P", "domain": "p.example.com", "images": [{"url": url}]}))

    assert assert_imported(result).provider.logo_url == ""
    assert_warned(result, "provider.images[0] skipped")


def test_javascript_url_never_comes_out_of_the_parser():
    bad = "javascript:alert(1)"
    result = parse(
        article_text(
            images=[{"url": bad}],
            related=[
                related_entry(webUrl=bad),
                related_entry(ampWebUrl=bad, cdnAmpWebUrl=bad),
                related_entry(
                    images=[{"url": bad}], provider={"name": "P", "domain": "p.org", "images": [{"url": bad}]}
                ),
            ],
            provider={"name": "P", "domain": "p.example.com", "images": [{"url": bad}]},
        )
    )
    article = assert_imported(result)

    # Warnings quote the refused value; every field that could be rendered must not hold it.
    assert not [text for text in strings_in(article, skip_fields=("warnings",)) if "javascript" in text.lower()]


SECRET = "alice:s3cret@"


def test_user_name_and_password_are_removed_from_every_stored_url():
    result = parse(
        article_text(
            webUrl=f"https://{SECRET}example.com/a",
            originalUrl=f"https://{SECRET}example.com/original",
            ampWebUrl=f"https://{SECRET}example.com/a/amp",
            cdnAmpWebUrl=f"HTTPS://{SECRET}Cdn.example.com:8443/a?utm_source=x#top",
            images=[{"url": f"https://{SECRET}img.example.com/a.jpg"}],
            provider={"name": "P", "domain": "p.example", "images": [{"url": f"http://{SECRET}p.example/logo.png"}]},
            related=[
                related_entry(
                    webUrl=f"https://{SECRET}r.example/1",
                    ampWebUrl=f"https://{SECRET}r.example/1/amp",
                    cdnAmpWebUrl=f"https://{SECRET}cdn.r.example/1",
                    images=[{"url": f"https://{SECRET}r.example/1.jpg"}],
                    provider={
                        "name": "R",
                        "domain": "r.example",
                        "images": [{"url": f"https://{SECRET}r.example/l.png"}],
                    },
                )
            ],
        )
    )
    article = assert_imported(result)

    assert not [text for text in strings_in(article, skip_fields=("warnings",)) if "alice" in text or "s3cret" in text]
    assert article.url == "https://example.com/a"
    assert article.cdn_amp_url == "HTTPS://Cdn.example.com:8443/a?utm_source=x#top"  # otherwise as given
    assert article.related[0].amp_url == "https://r.example/1/amp"
    for name in [
        "webUrl",
        "originalUrl",
        "ampWebUrl",
        "cdnAmpWebUrl",
        "images[0].url",
        "provider.images[0].url",
        "related[0].webUrl",
        "related[0].cdnAmpWebUrl",
        "related[0].images[0].url",
    ]:
        assert_warned(result, f"{name}: the user name and password in the URL were removed")


def test_user_name_is_removed_from_the_urls_of_a_2020_file():
    article = assert_imported(
        parse(
            article_text(
                webUrl=None,
                sourceUrl="https://bob@example.com/a",
                ampUrl="https://bob@example.com/a/amp",
                cdnAmpUrl="https://@cdn.example/a",
            )
        )
    )

    assert (article.url, article.amp_url, article.cdn_amp_url) == (
        "https://example.com/a",
        "https://example.com/a/amp",
        "https://cdn.example/a",
    )


@pytest.mark.parametrize(
    ("raw", "checked"),
    [
        ("HTTPS://u:p@Example.com/A?utm_source=x#frag", "HTTPS://Example.com/A?utm_source=x#frag"),
        ("https://a:b@c@example.com:8080/x", "https://example.com:8080/x"),
        ("https://@example.com/", "https://example.com/"),
        ("https://user@bücher.example/ä", "https://bücher.example/ä"),
        ("https://medium.com/@writer/a-story", "https://medium.com/@writer/a-story"),
        ("https://example.com/?to=a@b.example#@c", "https://example.com/?to=a@b.example#@c"),
    ],
)
def test_checked_url_drops_only_the_user_name_and_password(raw, checked):
    assert checked_url(raw) == checked


def test_an_at_sign_outside_the_authority_is_no_user_name():
    result = parse(article_text(ampWebUrl="https://medium.com/@writer/a-story?cc=a@b.example"))

    assert assert_imported(result).amp_url == "https://medium.com/@writer/a-story?cc=a@b.example"
    assert not [warning for warning in result.warnings if "user name" in warning]


# --------------------------------------------------------------------------- text content


def test_html_and_script_in_text_fields_are_kept_verbatim():
    script = "<script>alert('x')</script>"
    result = parse(
        article_text(
            title=script,
            excerpt="<b>bold</b> & <i>em</i>",
            topics=["<img src=x onerror=alert(1)>"],
            category="<em>news</em>",
        )
    )
    article = assert_imported(result)

    assert article.title == script
    assert article.excerpt == "<b>bold</b> & <i>em</i>"
    assert article.topics == ("<img src=x onerror=alert(1)>",)
    assert article.category == "<em>news</em>"


def test_absurdly_long_title_rejects_the_file():
    assert_rejected(parse(article_text(title="x" * 10_000)), "title is 10,000 characters long (limit 500)")


def test_title_at_the_length_limit_is_accepted():
    assert assert_imported(parse(article_text(title="x" * 500))).title == "x" * 500


@pytest.mark.parametrize(
    ("overrides", "fragment"),
    [
        ({"excerpt": "e" * 20_001}, "excerpt is 20,001 characters long"),
        ({"webUrl": "https://example.com/" + "a" * 3000}, "webUrl is 3,020 characters long"),
        ({"category": "c" * 101}, "category is 101 characters long"),
        ({"provider": {"name": "n" * 201, "domain": "example.com"}}, "provider.name is 201 characters long"),
    ],
)
def test_absurdly_long_article_value_rejects_the_file(overrides, fragment):
    assert_rejected(parse(article_text(**overrides)), fragment)


def test_absurdly_long_topic_is_skipped():
    result = parse(article_text(topics=["t" * 1000, "Short"]))

    assert assert_imported(result).topics == ("Short",)
    assert_warned(result, "topics[0] skipped", "1,000 characters")


def test_absurdly_long_related_title_skips_the_entry():
    result = parse(article_text(related=[related_entry(title="r" * 10_000), related_entry()]))

    assert len(assert_imported(result).related) == 1
    assert_warned(result, "related[0] skipped", "title is 10,000 characters long")


def test_too_many_topics_are_cut_with_a_warning():
    result = parse(article_text(topics=[f"topic {n}" for n in range(60)]))

    assert assert_imported(result).topics == tuple(f"topic {n}" for n in range(50))
    assert_warned(result, "more than 50 topics")


# Bidirectional embeddings, overrides, isolates and marks; zero-width space, word joiner, byte-order mark.
INVISIBLE = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c\u200b\u2060\ufeff"


def hidden_in(text: str) -> str:
    return INVISIBLE[:4] + text[:3] + INVISIBLE + text[3:] + "\u200d" + INVISIBLE[4:]


def test_invisible_formatting_is_removed_from_every_display_text():
    result = parse(
        article_text(
            title=hidden_in("Breaking news"),
            excerpt=hidden_in("What happened"),
            category=hidden_in("news"),
            type=hidden_in("article"),
            provider={"name": hidden_in("The Paper"), "domain": "paper.example"},
            topics=[hidden_in("Politics"), "Politics"],
            images=[{"url": "https://img.example/a.jpg", "title": hidden_in("A photo")}],
            related=[
                related_entry(
                    title=hidden_in("Related story"),
                    excerpt=hidden_in("More"),
                    type=hidden_in("video"),
                    provider={"name": hidden_in("Other"), "domain": "other.example"},
                )
            ],
        )
    )
    article = assert_imported(result)
    related = article.related[0]

    assert (article.title, article.excerpt, article.category, article.article_type) == (
        "Breaking news",
        "What happened",
        "news",
        "article",
    )
    assert (article.provider.name, article.topics, article.images[0].title) == ("The Paper", ("Politics",), "A photo")
    assert (related.title, related.excerpt, related.article_type, related.provider.name) == (
        "Related story",
        "More",
        "video",
        "Other",
    )


def test_a_title_of_nothing_but_invisible_formatting_is_empty():
    assert_rejected(parse(article_text(title=INVISIBLE + "\u200d")), "title is empty")


def test_the_body_keeps_its_text_as_written():
    # Right-to-left prose needs its marks; a body is rendered in a block of its own.
    body = "\u05e9\u05dc\u05d5\u05dd\u200f 2024 \u202bquoted\u202c\n"

    assert assert_imported(parse(article_text() + body)).body == body.strip()


def test_a_draft_title_is_cleaned_of_invisible_formatting_and_its_body_is_not():
    body = "\u202e\u200bTitle line\u2066\nSecond line\n"
    article = assert_imported(parse(body))

    assert (article.title, article.body) == ("Title line", body.strip())


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("👩\u200d💻 coders", "👩\u200d💻 coders"),  # woman technologist: a ZWJ sequence
        ("👨\u200d👩\u200d👧 families", "👨\u200d👩\u200d👧 families"),
        ("🏳\ufe0f\u200d🌈 pride", "🏳\ufe0f\u200d🌈 pride"),
        (
            "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645",
            "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645",
        ),  # Persian "I want": ZWNJ
        ("\u0915\u094d\u200d\u0937", "\u0915\u094d\u200d\u0937"),  # Devanagari half form
        (
            "\u0645\u06cc\u200c\u200c\u200d\u062e\u0648\u0627\u0647\u0645",
            "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645",
        ),  # one of a run
        ("\u0645\u06cc\u200b\u200c\u202e\u062e\u0648", "\u0645\u06cc\u200c\u062e\u0648"),  # joins once the rest is gone
        ("pay\u200dpal", "paypal"),  # joins nothing in ASCII
        ("\u200c\u200dTitle\u200d", "Title"),
        ("news \u200d👩 \u200c", "news 👩"),
        ("👩\u200d", "👩"),
    ],
)
def test_joiners_are_kept_only_where_they_join(raw, shown):
    assert assert_imported(parse(article_text(title=raw))).title == shown


# --------------------------------------------------------------------------- nested junk in lists


def test_junk_topics_are_skipped_naming_each_entry():
    result = parse(article_text(topics=[1, None, {"a": "b"}, ["x"], "ok", "  "]))

    # A number is a usable name (YAML reads `- 2024` as one); the others are not.
    assert assert_imported(result).topics == ("1", "ok")
    assert_warned(result, "topics[1] skipped", "missing")
    assert_warned(result, "topics[2] skipped", "not a mapping")
    assert_warned(result, "topics[3] skipped", "not a list")
    assert_warned(result, "topics[5] skipped", "empty")


def test_single_topic_string_is_a_list_of_one():
    assert assert_imported(parse(article_text(topics="AI"))).topics == ("AI",)


def test_junk_images_are_skipped_naming_each_entry():
    result = parse(
        article_text(images=["x", 3, None, {"width": 5}, {"url": "https://img.example.com/a.jpg", "width": 10}])
    )

    assert assert_imported(result).images[0].url == "https://img.example.com/a.jpg"
    assert len(result.article.images) == 1
    assert_warned(result, "images[0] skipped", "not str")
    assert_warned(result, "images[1] skipped", "not int")
    assert_warned(result, "images[2] skipped")
    assert_warned(result, "images[3] skipped", "url is missing")


def test_junk_related_entries_are_skipped_naming_each_entry():
    result = parse(article_text(related=[None, "a string", ["a", "list"], {"title": "no url"}, related_entry()]))

    assert [r.title for r in assert_imported(result).related] == ["A related story"]
    assert_warned(result, "related[0] skipped", "must be a mapping")
    assert_warned(result, "related[1] skipped", "not str")
    assert_warned(result, "related[2] skipped", "not a list")
    assert_warned(result, "related[3] skipped", "url is missing")


def test_junk_inside_a_related_entry_images_skips_only_that_image():
    entry = related_entry(images=["junk", {"url": "https://img.example.org/r.jpg"}])
    result = parse(article_text(related=[entry]))

    assert [i.url for i in assert_imported(result).related[0].images] == ["https://img.example.org/r.jpg"]
    assert_warned(result, "related[0].images[0] skipped")


@pytest.mark.parametrize("key", ["images", "related"])
def test_entry_list_that_is_not_a_list_is_ignored_with_a_warning(key):
    result = parse(article_text(**{key: "not a list"}))

    assert getattr(assert_imported(result), key) == ()
    assert_warned(result, key, "not a list")


# --------------------------------------------------------------------------- control characters


def test_nul_byte_in_raw_front_matter_rejects_the_file_with_its_line():
    result = parse(article_text(title="Before after").replace("Before after", "Before\x00after"))

    assert_rejected(result, "not valid YAML at line 3", "U+0000")
    assert control_characters(result.message) == []


def test_nul_and_control_bytes_in_the_body_are_removed_with_a_warning():
    result = parse(article_text() + "\nbody\x00 with\x07 bell\x1b[31m and \x7f del\n")

    assert assert_imported(result).body == "body with bell[31m and  del"
    assert_warned(result, "body", "control characters removed")


def test_control_characters_in_a_body_only_file_are_removed():
    article = assert_imported(parse(b"A title\x00 line\nThe body\x08 text, long enough not to look binary.\n"))

    assert article.title == "A title line"
    assert article.body == "A title line\nThe body text, long enough not to look binary."


def test_yaml_escaped_control_characters_never_reach_any_string():
    escaped = '"a\\0b\\x07c\\x1b[31md\\x7fe\\x01f\\ufffeg\\vh"'
    c1_controls = '"x\\x9by\\x85z\\x81\\x90"'
    text = "\n".join(
        [
            "---",
            f"title: {escaped}",
            f"excerpt: {c1_controls}",
            f"category: {escaped}",
            "webUrl: https://example.com/a",
            f"provider: {{name: {escaped}, domain: example.com}}",
            f"topics: [{escaped}]",
            f"images: [{{url: 'https://img.example.com/a.jpg', title: {escaped}, {escaped}: 1}}]",
            f"related: [{{title: {escaped}, excerpt: {c1_controls}, webUrl: 'https://r.example.org/', {escaped}: {c1_controls}}}]",
            f"{escaped}: [{escaped}, {{{escaped}: {escaped}}}, .inf]",
            "---",
            "",
        ]
    )
    result = parse(text)
    article = assert_imported(result)

    assert article.title == "abc[31mdefgh"
    assert article.topics == ("abc[31mdefgh",)
    assert article.extra == {"abc[31mdefgh": ["abc[31mdefgh", {"abc[31mdefgh": "abc[31mdefgh"}, "inf"]}
    # Warnings are walked too: they name unknown keys, which come from the input.
    assert [c for text in strings_in(article) for c in control_characters(text)] == []
    assert_warned(result, "title", "control characters removed")
    assert_warned(result, "unknown keys.abc[31mdefgh[2]", "kept as text")


def test_secured_payload_with_control_characters_rejects_the_file():
    # It is kept byte-for-byte, so it cannot be cleaned.
    assert_rejected(parse(article_text(secured="abc\x07def")), "secured contains control characters")


def test_secured_payload_is_not_trimmed_or_cleaned():
    payload = " A+b/c==;ZGVm\\n "

    assert assert_imported(parse(article_text(secured=payload))).secured == payload


# --------------------------------------------------------------------------- unknown keys


def test_unknown_keys_are_kept_verbatim_in_extra():
    future = {"score": 0.75, "flags": [True, None, 3], "nested": {"deep": ["x", {"y": "z"}]}}
    article = assert_imported(parse(article_text(futureField=future, sentiment="neutral")))

    assert article.extra == {"futureField": future, "sentiment": "neutral"}


def test_other_era_url_keys_in_a_2024_file_are_kept_in_extra():
    article = assert_imported(
        parse(article_text(ampUrl="https://amp.example.com/x", sourceUrl="https://example.com/old"))
    )

    assert article.extra == {"ampUrl": "https://amp.example.com/x", "sourceUrl": "https://example.com/old"}
    assert article.amp_url == ""


def test_unknown_keys_of_a_related_entry_are_kept_in_its_extra():
    entry = related_entry(originalUrl="https://related.example.org/orig", readingTime=4, tags=["a", "b"])
    related = assert_imported(parse(article_text(related=[entry]))).related[0]

    assert related.extra == {"originalUrl": "https://related.example.org/orig", "readingTime": 4, "tags": ["a", "b"]}


def test_non_finite_float_in_extra_is_kept_as_text_with_a_warning():
    result = parse(raw_front_matter(ratio=".nan"))

    assert assert_imported(result).extra == {"ratio": "nan"}
    assert_warned(result, "ratio", "kept as text")


def test_unknown_image_keys_are_reported():
    result = parse(article_text(images=[{"url": "https://img.example.com/a.jpg", "alt": "text"}]))

    assert assert_imported(result).images[0].url == "https://img.example.com/a.jpg"
    assert_warned(result, "images[0]", "unknown keys ignored: alt")


# --------------------------------------------------------------------------- provider


def test_provider_domain_is_normalised():
    provider = assert_imported(parse(article_text(provider={"name": "Ex", "domain": "WWW.Example.COM"}))).provider

    assert (provider.name, provider.domain) == ("Ex", "example.com")


def test_missing_provider_is_derived_from_the_url_host_with_a_warning():
    result = parse(article_text(provider=None, webUrl="https://WWW.News.Example.com/story"))
    provider = assert_imported(result).provider

    assert (provider.name, provider.domain) == ("news.example.com", "news.example.com")
    assert_warned(result, "provider.domain is missing", "taken from the URL")


def test_missing_provider_domain_is_derived_from_the_url_host_keeping_the_name():
    result = parse(article_text(provider={"name": "The News"}, webUrl="https://www.thenews.example/a"))
    provider = assert_imported(result).provider

    assert (provider.name, provider.domain) == ("The News", "thenews.example")
    assert_warned(result, "provider.domain is missing")


def test_related_entry_without_provider_gets_one_from_its_url():
    result = parse(article_text(related=[{"title": "R", "webUrl": "https://www.wired.com/story/x"}]))

    assert assert_imported(result).related[0].provider.domain == "wired.com"
    assert_warned(result, "related[0].provider.domain is missing")


@pytest.mark.parametrize("domain", ["not a domain!", "-bad-.com", "a..b", "exa_mple.com", "javascript:alert(1)"])
def test_junk_provider_domain_rejects_the_file(domain):
    assert_rejected(
        parse(article_text(provider={"name": "X", "domain": domain})), "provider.domain is not a valid domain"
    )


def test_first_usable_provider_logo_is_taken():
    provider = assert_imported(
        parse(
            article_text(
                provider={
                    "name": "P",
                    "domain": "p.com",
                    "images": ["junk", {"url": "https://p.com/logo.png", "width": 32}],
                }
            )
        )
    ).provider

    assert (provider.logo_url, provider.logo_width) == ("https://p.com/logo.png", 32)


# --------------------------------------------------------------------------- topics


def test_topics_are_deduplicated_case_insensitively_keeping_first_spelling_and_order():
    topics = ["Machine Learning", "AI", "ai", "machine  learning", " Computer Vision ", "AI", "Ai", "Zebra"]

    assert assert_imported(parse(article_text(topics=topics))).topics == (
        "Machine Learning",
        "AI",
        "Computer Vision",
        "Zebra",
    )


# --------------------------------------------------------------------------- canonical_url, checked_url, normalise_domain


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ("HTTPS://Example.COM/Path/Keeps/Case", "https://example.com/Path/Keeps/Case"),
        ("https://example.com/a#section-2", "https://example.com/a"),
        ("https://example.com", "https://example.com/"),
        ("https://example.com?q=1", "https://example.com/?q=1"),
        ("https://example.com:443/a", "https://example.com/a"),
        ("http://example.com:80/a", "http://example.com/a"),
        ("http://example.com:8080/a", "http://example.com:8080/a"),
        ("https://example.com:80/a", "https://example.com:80/a"),
        ("https://example.com/a?utm_source=x&utm_Medium=y&UTM_CAMPAIGN=z", "https://example.com/a"),
        ("https://example.com/a?fbclid=1&id=7&gclid=2", "https://example.com/a?id=7"),
        (
            "https://example.com/a?q=caf%C3%A9&utm_source=x&b=%2F+c&flag",
            "https://example.com/a?q=caf%C3%A9&b=%2F+c&flag",
        ),
        ("https://example.com/a?z=1&a=2", "https://example.com/a?z=1&a=2"),
        ("https://example.com/%7Euser/a%20b", "https://example.com/%7Euser/a%20b"),
        ("https://[2001:DB8::1]:443/a", "https://[2001:db8::1]/a"),
    ],
)
def test_canonical_url(raw, canonical):
    assert canonical_url(raw) == canonical


@pytest.mark.parametrize("raw", NON_HTTP_URLS)
def test_canonical_url_refuses_non_http_urls(raw):
    with pytest.raises(ValueError):
        canonical_url(raw.strip())


def test_checked_url_returns_a_good_url_unchanged():
    assert checked_url("HTTPS://Example.com/A?utm_source=x#frag") == "HTTPS://Example.com/A?utm_source=x#frag"


def test_article_url_is_canonical_and_secondary_urls_are_kept_as_given():
    article = assert_imported(
        parse(
            article_text(
                webUrl="HTTPS://Example.com/A?utm_source=feed#top",
                ampWebUrl="https://Example.com/A/amp?utm_source=feed",
            )
        )
    )

    assert article.url == "https://example.com/A"
    assert article.amp_url == "https://Example.com/A/amp?utm_source=feed"


@pytest.mark.parametrize(
    ("raw", "domain"),
    [
        ("WWW.BBC.co.uk", "bbc.co.uk"),
        ("https://www.wired.com/x", "wired.com"),
        ("http://WWW.Example.com:8080/path", "example.com"),
        ("example.com/some/path", "example.com"),
        ("  police.uk.  ", "police.uk"),
        ("bücher.de", "xn--bcher-kva.de"),
    ],
)
def test_normalise_domain(raw, domain):
    assert normalise_domain(raw) == domain


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "   ",
        "not a domain",
        "http://",
        "-bad.com",
        "a..b",
        "exa_mple.com",
        "x" * 300,
        "<script>.com",
        "javascript:alert(1)",
    ],
)
def test_normalise_domain_rejects_junk(raw):
    with pytest.raises(ValueError, match="is not a valid domain"):
        normalise_domain(raw)


@pytest.mark.parametrize(
    "raw",
    [
        "bücher.example",
        "xn--bcher-kva.example",
        "WWW.Bücher.example",
        "XN--BCHER-KVA.EXAMPLE",
        "https://www.bücher.example/x",
        "www\u3002bücher\uff0eexample",
        "\uff42ücher.example",
        "bücher.example.",
    ],
)
def test_normalise_domain_gives_an_international_name_one_spelling(raw):
    assert normalise_domain(raw) == "xn--bcher-kva.example"


@pytest.mark.parametrize(
    "raw",
    [
        "xn--zz.example",
        "xn--.example",
        "xn---bbk.example",
        "bü\u202echer.example",
        "b\u200dücher.example",
        "ü" * 64 + ".example",
        "ü." * 600,
        "bü cher.example",
        "http://[bücher",
    ],
)
def test_normalise_domain_rejects_an_invalid_international_name(raw):
    with pytest.raises(ValueError, match="is not a valid domain"):
        normalise_domain(raw)


def test_an_international_host_is_one_url_whichever_way_it_is_written():
    spellings = [
        "https://bücher.example/Buch",
        "https://Bücher.Example/Buch#x",
        "https://xn--bcher-kva.example/Buch",
        "HTTPS://XN--BCHER-KVA.EXAMPLE:443/Buch?utm_source=x",
        "https://user@bücher.example/Buch",
    ]

    assert {canonical_url(raw) for raw in spellings} == {"https://xn--bcher-kva.example/Buch"}
    assert (
        canonical_url("https://bücher.example/Bücher?q=ä") == "https://xn--bcher-kva.example/Bücher?q=ä"
    )  # only the host


def test_ascii_hosts_that_idna_would_refuse_are_only_lowercased():
    assert canonical_url("https://My_Host.example.com/a") == "https://my_host.example.com/a"
    assert canonical_url("https://ab--cd.example/a") == "https://ab--cd.example/a"


@pytest.mark.parametrize("host", ["xn--zz.example", "b\u202eücher.example", "xn--bcher-kva.xn--.example"])
def test_an_article_url_with_an_invalid_international_host_rejects_the_file(host):
    result = parse(article_text(webUrl=f"https://{host}/a"))

    assert_rejected(result, "webUrl has an invalid international host name")
    assert control_characters(result.message) == []


def test_a_related_url_with_an_invalid_international_host_skips_the_entry():
    result = parse(article_text(related=[related_entry(webUrl="https://xn--zz.example/a"), related_entry()]))

    assert [related.url for related in assert_imported(result).related] == ["https://related.example.org/story"]
    assert_warned(result, "related[0] skipped", "webUrl has an invalid international host name")


def test_an_international_provider_is_one_domain_shown_by_its_unicode_name():
    for provider, url in [
        ({"domain": "xn--bcher-kva.example"}, "https://example.com/a"),
        ({"domain": "WWW.Bücher.example"}, "https://example.com/a"),
        (None, "https://www.bücher.example/a"),
    ]:
        parsed = assert_imported(parse(article_text(provider=provider, webUrl=url))).provider

        assert (parsed.domain, parsed.name) == ("xn--bcher-kva.example", "bücher.example")


# --------------------------------------------------------------------------- fingerprint, parse_mapping


def test_fingerprint_is_stable_across_parses_of_the_same_bytes():
    data = SEED_MOJIBAKE.read_bytes()

    assert parse(data).article.fingerprint == parse(data).article.fingerprint


@pytest.mark.parametrize(
    "change",
    [
        {"title": "Another title"},
        {"quality": 51},
        {"topics": ["Testing", "More"]},
        {"secured": "abc;def"},
        {"newKey": 1},
        {"published": True},
    ],
    ids=lambda change: next(iter(change)),
)
def test_fingerprint_changes_when_a_field_changes(change):
    assert parse(article_text(**change)).article.fingerprint != parse(article_text()).article.fingerprint


def test_fingerprint_changes_with_the_body():
    assert parse(article_text() + "\nbody").article.fingerprint != parse(article_text()).article.fingerprint


def test_parse_mapping_reads_api_style_values():
    result = parse_mapping(
        {
            "title": "From the API",
            "webUrl": "https://example.com/api",
            "publishedDateTime": dt.datetime(2024, 5, 1, 12, 0, tzinfo=UTC),
            "topics": ["A"],
        },
        source_path="api",
    )
    article = assert_imported(result)

    assert article.published_at == dt.datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
    assert article.provider.domain == "example.com"
    assert article.source_path == "api"


@pytest.mark.parametrize("value", [["a", "list"], "text", None, 3])
def test_parse_mapping_rejects_a_non_mapping(value):
    result = parse_mapping(value, source_path=PATH)

    assert_rejected(result, "an article must be a mapping")


# --------------------------------------------------------------------------- fast paths: same results as the slow ones
#
# The parser reads the common case quickly (plain block YAML, plain http(s) URLs, printable text,
# the closing --- found from a newline) and leaves everything else to the general code. Each fast
# path must give exactly what the general code gives, or decline: checked here on the seeds, on
# the benchmark's files, and on generated inputs.

THOROUGH = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def read_by_both(front_matter: str):
    """(fast reader's value or None when it declines, general reader's value or the Rejected it raised)."""
    try:
        slow = frontmatter._load_from_events(front_matter)
    except Rejected as error:
        slow = error
    try:
        fast = frontmatter._load_plain_block(front_matter)
    except frontmatter._NotPlainBlock:
        fast = None
    return fast, slow


def assert_read_alike(front_matter: str) -> None:
    fast, slow = read_by_both(front_matter)
    if fast is not None:
        assert not isinstance(slow, Rejected), (front_matter, slow)
        # repr: tells 1 from 1.0 and True, and nan equals itself.
        assert repr(fast) == repr(slow), front_matter


def benchmark_front_matters(directory: Path) -> list[str]:
    """The front matter of files bench/import_bench.py generates."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "import_bench", Path(__file__).resolve().parents[2] / "bench" / "import_bench.py"
    )
    import_bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(import_bench)
    import_bench.generate(directory, 60, seed=7)
    texts = [path.read_text(encoding="utf-8") for path in sorted(directory.rglob("*.txt"))]
    return [front for front, _ in map(frontmatter.split_front_matter, texts) if front is not None]


@pytest.mark.parametrize("path", FRONT_MATTER_SEEDS, ids=lambda path: path.name[:3])
def test_seeds_take_the_fast_yaml_path_and_read_as_by_the_events(path):
    front_matter, _ = frontmatter.split_front_matter(path.read_text(encoding="utf-8"))
    fast, slow = read_by_both(front_matter)
    assert fast is not None
    assert repr(fast) == repr(slow)


def test_benchmark_files_take_the_fast_yaml_path_and_read_as_by_the_events(tmp_path):
    for front_matter in benchmark_front_matters(tmp_path):
        fast, slow = read_by_both(front_matter)
        assert fast is not None, front_matter
        assert repr(fast) == repr(slow)


@pytest.mark.parametrize(
    ("front_matter", "value"),
    [
        ("title: no\n", {"title": "no"}),
        ("title: yes\nquality: off\n", {"title": "yes", "quality": "off"}),
        ("title: 10:30\n", {"title": "10:30"}),
        ("quality: 0755\n", {"quality": "0755"}),
        ("quality: 1_000\n", {"quality": "1_000"}),
        ("publishedDateTime: 2024-01-22T16:27:00Z\n", {"publishedDateTime": "2024-01-22T16:27:00Z"}),
        (
            "a: 42\nb: -1\nc: 2.5\ne: .inf\nf: ~\ng: true\nh: FALSE\ni:\n",
            {"a": 42, "b": -1, "c": 2.5, "e": float("inf"), "f": None, "g": True, "h": False, "i": None},
        ),
        ('title: "She said \\"no\\" / left"\n', {"title": 'She said "no" / left'}),
        ('excerpt: "line\\nnext\\ttab \\\\ back\\/slash"\n', {"excerpt": "line\nnext\ttab \\ back/slash"}),
        ("true: 1\nnull: 2\nFalse: 3\nyes: 4\n", {True: 1, None: 2, False: 3, "yes": 4}),
        ("title: 'it''s'\n", {"title": "it's"}),
        ("topics:\n- AI\n- x: 1\n  y: [ ]\nimages: []\nextra: {}\n", None),
        (
            "related:\n  - title: A\n    provider:\n      name: P\n    images:\n      - url: u\n",
            {"related": [{"title": "A", "provider": {"name": "P"}, "images": [{"url": "u"}]}]},
        ),
    ],
)
def test_fast_yaml_path_reads_plain_values_as_the_loader_means_them(front_matter, value):
    fast, slow = read_by_both(front_matter)
    assert repr(fast) == repr(slow) or fast is None
    if value is not None:
        assert fast == value


@pytest.mark.parametrize(
    "front_matter",
    [
        "title: !!str 10\n",
        "title: !custom x\n",
        "title: &a x\nexcerpt: *a\n",
        "provider: &p\n  name: a\n",
        "related:\n- *p\n",
        "? complex\n: key\n",
        "%YAML 1.1\n---\ntitle: x\n",
        "title: x\n--- \ntitle: y\n",
        "title: x # a comment\n",
        "title: [a, b]\n",
        "title: |\n  block\n",
        "title: a\n  continued\n",
        'title: "two\n  lines"\n',
        "title: a: b\n",
        "title:\ttab\n",
        "title: nbsp\u00a0kept\n",
        "title: bom\ufeff\n",
        "title: x\r\n",
        "- a list\n",
        "",
        "".join("  " * depth + "k:\n" for depth in range(40)),
    ],
)
def test_fast_yaml_path_declines_what_it_does_not_read(front_matter):
    fast, slow = read_by_both(front_matter)
    if fast is not None:  # a few of these are plain enough to be read; then they must read alike
        assert repr(fast) == repr(slow)
    assert front_matter.startswith("title: nbsp") or fast is None


@pytest.mark.parametrize(
    ("front_matter", "fragment"),
    [
        ("title: !!str x\n", "YAML tags"),
        ("title: &t A title\n", "YAML anchors (&t)"),
        ("title: x\nexcerpt: *t\n", "YAML aliases (*t)"),
        ("".join("  " * depth + "k:\n" for depth in range(40)) + "  " * 40 + "k: v\n", "nested more than 32 levels"),
    ],
)
def test_refusals_are_made_whichever_reader_is_tried_first(front_matter, fragment):
    with pytest.raises(Rejected, match=re.escape(fragment)):
        load_front_matter(front_matter)


# Text that YAML must quote, escape or refuse (indicators, colons, hashes, quotes, line breaks,
# look-alike numbers), and plain text; keys mostly plain words, as the format's are.
TRICKY_TEXT = st.text(
    st.sampled_from(
        list("abcXYZ019 -:#'\"\\/?,[]{}&*!|>%@`.~_=+\t\n\r\u00e9\u2019\u00a0\u2028\ufeff\U0001f600\x00\x07")
    ),
    max_size=30,
)
PLAIN_TEXT = st.text(st.sampled_from(list("abcXYZ019 -:#'\"/?,.&*!%@_=+\u00e9\u2019\U0001f600")), max_size=20)
LOOK_ALIKES = st.sampled_from(
    [
        "yes",
        "no",
        "on",
        "Off",
        "10:30",
        "0755",
        "1_000",
        "0x1F",
        "2024-01-22",
        "-1",
        ".5",
        "-.inf",
        "~",
        "null",
        "True",
        "https://example.com/a?b=c#d",
    ]
)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=True),
    st.dates(),
    LOOK_ALIKES,
    PLAIN_TEXT,
    PLAIN_TEXT,
    TRICKY_TEXT,
)
WORDS = st.from_regex(r"[A-Za-z_][A-Za-z0-9_-]{0,8}", fullmatch=True)
KEYS = st.one_of(WORDS, WORDS, WORDS, st.sampled_from(["title", "true", "null", "on"]), PLAIN_TEXT)
VALUES = st.recursive(
    SCALARS,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(KEYS, children, max_size=3),
    max_leaves=12,
)
DUMP_OPTIONS = st.fixed_dictionaries(
    {
        # The importer's own export writes plain what it reads back as text; PyYAML's quotes YAML 1.1 look-alikes.
        "dumper": st.sampled_from(["export", "export", "pyyaml"]),
        "default_flow_style": st.sampled_from([False, False, None]),
        "allow_unicode": st.booleans(),
        "width": st.sampled_from([20, 80, 4096]),
        "indent": st.sampled_from([2, 4]),
        "default_style": st.sampled_from([None, None, None, '"', "'"]),
    }
)


@THOROUGH
@given(st.dictionaries(KEYS, VALUES, min_size=1, max_size=6), DUMP_OPTIONS, st.booleans())
def test_fast_yaml_path_reads_dumped_mappings_as_the_events_do(mapping, options, indented):
    from articles.ingest.export import ExportDumper

    dumper = ExportDumper if options.pop("dumper") == "export" else yaml.SafeDumper
    text = yaml.dump(mapping, Dumper=dumper, sort_keys=False, **options)
    assert_read_alike(_indent_sequences(text) if indented else text)


def _indent_sequences(text: str) -> str:
    # The seeds' style: "- " entries indented under their key.
    return re.sub(r"^( *)- ", lambda match: match[1] + "  - ", text, flags=re.MULTILINE)


def render_block_yaml(value: dict, rnd) -> str:
    """``value`` written as block YAML, the way a person or a pipeline might: the indentation step,
    sequences under or beside their key, "- " or "-  ", scalars plain or quoted (whether or not
    that is valid), blank lines and trailing spaces all chosen by ``rnd``."""
    step = rnd.choice([1, 2, 2, 4])
    lines: list[str] = []

    def scalar(item) -> str:
        if item is None or isinstance(item, (bool, int, float)):
            return (
                rnd.choice(["", "~", "null"])
                if item is None
                else str(item).lower()
                if isinstance(item, bool)
                else repr(item)
            )
        text = str(item)
        style = rnd.choice(["plain", "plain", "single", "double"])
        if style == "single":
            return "'" + text.replace("'", "''") + "'"
        if style == "double":
            return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t") + '"'
        return text

    def pair(column: int, head: str, item, key_column: int) -> None:
        if rnd.random() < 0.1:
            lines.append(rnd.choice(["", "  "]))
        if isinstance(item, dict) and item:
            lines.append(" " * column + head)
            for key, child in item.items():
                pair(key_column + step, f"{key}:", child, key_column + step)
        elif isinstance(item, list) and item:
            lines.append(" " * column + head)
            beside = head.endswith(":") and rnd.random() < 0.5
            for child in item:
                entry(key_column if beside else key_column + step, child)
        else:
            inline = "{}" if isinstance(item, dict) else "[]" if isinstance(item, list) else scalar(item)
            lines.append(" " * column + head + (" " + inline if inline else "") + rnd.choice(["", "", " "]))

    def entry(column: int, item) -> None:
        gap = rnd.choice([" ", " ", "  "])
        if isinstance(item, dict) and item:
            (key, child), *others = item.items()
            inner = column + 1 + len(gap)
            pair(column, f"-{gap}{key}:", child, inner)
            for key, child in others:
                pair(inner, f"{key}:", child, inner)
        else:
            pair(column, "-", item, column)

    for key, item in value.items():
        pair(0, f"{key}:", item, 0)
    return "\n".join(lines) + "\n"


BLOCK_KEYS = st.one_of(WORDS, WORDS, st.sampled_from(["true", "False", "null", "NULL", "on", "y"]))
BLOCK_VALUES = st.recursive(
    SCALARS,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(BLOCK_KEYS, children, max_size=3),
    max_leaves=15,
)


@THOROUGH
@given(st.dictionaries(BLOCK_KEYS, BLOCK_VALUES, min_size=1, max_size=6), st.randoms(use_true_random=False))
@example({"a": ["b", {"c": ["d"]}], "e": "f"}, __import__("random").Random(1))
def test_fast_yaml_path_reads_hand_written_block_yaml_as_the_events_do(mapping, rnd):
    assert_read_alike(render_block_yaml(mapping, rnd))


@pytest.mark.parametrize(
    "front_matter",
    [
        "a:\n- b\n- c:\n  - d\ne: f\n",
        "a:\n    b: 1\n  c: 2\n",
        "- a:\n  - x\n",
        "a:\n- x\nb: 1\n",
        "a:\n  - x\n - y\n",
        "a:\n  b:\n  c: 1\n",
        "a: 1\n  b: 2\n",
        "a:\n-  b: 1\n   c: 2\n",
        "a:\n- b: 1\n c: 2\n",
    ],
)
def test_fast_yaml_path_reads_odd_indentation_as_the_events_do(front_matter):
    assert_read_alike(front_matter)


URL_PART = st.text(st.sampled_from(list("aZ09.-_~/?#&=:@%+;,'[] \t\u00e9")), max_size=6)
URLS = st.one_of(
    st.tuples(
        st.sampled_from(["http://", "https://", "HTTP://", "Https://", "ftp://", "javascript:", "//", ""]),
        st.sampled_from(
            ["example.com", "a.b-c.org", "EXAMPLE.com", "x", "127.0.0.1", "[::1]", "user@host.com", "h\u00e9.com", ""]
        ),
        st.sampled_from(["", "", ":80", ":443", ":8080", ":x"]),
        st.sampled_from(["", "/", "/a/b", "/a b", "/caf\u00e9", "//x"]),
        st.sampled_from(["", "?utm_source=x&a=1", "?a=1&fbclid=2", "?", "?x#y"]),
        st.sampled_from(["", "#frag", "#", "#a?b"]),
        URL_PART,
    ).map("".join),
    URL_PART,
)


@THOROUGH
@given(URLS)
@example("https://example.com")
@example("http://example.com?utm_source=a&x=1#frag")
@example("https://EXAMPLE.com/A")
@example("https://user@example.com/")
@example("https://example.com:443/")
@example("https://[::1]/")
@example("https://example.com/a b")
def test_fast_url_path_splits_as_urlsplit_does(raw):
    if raw.isascii() and raw.isprintable() and values._PLAIN_HTTP_URL.fullmatch(raw):
        assert values._http_url(raw) == values._split_http_url(raw)
    else:
        try:
            expected = values._split_http_url(raw)
        except ValueError as error:
            with pytest.raises(ValueError, match=re.escape(str(error))):
                values._http_url(raw)
        else:
            assert values._http_url(raw) == expected


@THOROUGH
@given(st.text(st.sampled_from(list("ab -.\t\n\r\x00\x07\x85\x9f\u2028\ud800\ufffe\uffff\u00e9")), max_size=30))
def test_printable_text_skips_the_control_character_pass_without_changing_the_result(text):
    import ftfy

    repaired = ftfy.fix_encoding(text) if not text.isascii() and ftfy.badness.is_bad(text) else text
    expected = values.CONTROL_CHARACTERS.sub("", repaired)
    assert values.clean_text(text) == (expected, expected != repaired)


OLD_CLOSING_FENCE = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.MULTILINE)


@THOROUGH
@given(
    st.lists(st.sampled_from(["---", "...", "--- x", "----", " ---", "--- ", "...\t", "title: x", "", "a"]), max_size=8)
)
def test_closing_fence_is_found_where_the_multi_line_pattern_finds_it(lines):
    text = "---\n" + "\n".join(lines)
    rest = text[4:]
    closing = OLD_CLOSING_FENCE.search(rest)
    if closing is None:
        with pytest.raises(Rejected):
            frontmatter.split_front_matter(text)
    else:
        assert frontmatter.split_front_matter(text) == (rest[: closing.start()], rest[closing.end() :])


@pytest.mark.parametrize(
    ("front_matter", "repeated"),
    [
        ("a: 1\na: 2\n", [("a", 3)]),
        ("a:\na: 1\n", [("a", 3)]),
        ("a:\n  b: 1\n  c:\n  b: 2\n", [("b", 5)]),
        ("a:\n- b: 1\n  b: 2\n  b: 3\n", [("b", 4), ("b", 5)]),
        ("a:\n  - x: 1\n    y:\n      z: 1\n      z: 2\n", [("z", 6)]),
        ("true: 1\nTrue: 2\n", [("True", 3)]),
        ("1: a\n1.0: b\n", [("'1.0'", 3)]),
    ],
)
def test_fast_yaml_path_leaves_repeated_keys_to_the_events_reader(front_matter, repeated):
    fast, slow = read_by_both(front_matter)

    assert fast is None
    assert repeats_in(slow) == repeated


def repeats_in(value) -> list[tuple[str, int]]:
    """The (key, line) repeats recorded in every mapping of a value read from front matter."""
    found = list(value.repeated) if isinstance(value, values.RepeatedKeys) else []
    for item in value.values() if isinstance(value, dict) else value if isinstance(value, list) else ():
        found += repeats_in(item)
    return found


@THOROUGH
@given(URLS)
@example("https://u:p@Example.com/a")
@example("https://a@b@example.com/a?c@d#e@f")
def test_checked_url_is_the_url_as_given_less_its_user_name_and_password(raw):
    try:
        expected = values._split_http_url(raw)
    except ValueError:
        return
    checked = checked_url(raw)

    assert values._split_http_url(checked) == expected._replace(userinfo=None)
    assert (checked == raw) == (expected.userinfo is None)


@THOROUGH
@given(
    st.text(
        st.sampled_from(
            list(
                "ab \t\n.\u00e9\u0645\u06cc\U0001f469\ufe0f\u200b\u200c\u200d\u200e\u200f\u202a\u202e\u2060\u2066\u2069\u061c\ufeff\u3000"
            )
        ),
        max_size=20,
    )
)
def test_display_text_skips_its_pass_only_when_nothing_is_hidden(text):
    without_formatting = values.INVISIBLE_FORMATTING.sub("", text)
    expected = values.JOINERS.sub(values._joiner_that_joins, without_formatting)

    assert values.display_text(text) == expected
