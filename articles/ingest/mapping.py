"""An article given as a mapping with the file format's keys (front matter, or API JSON) → ``ParsedArticle``.

Pure: no database, no Django models (``load.py`` does the writing). The rules:

* a problem in the article's own fields rejects the file, listing every problem found;
* a malformed entry in ``topics``, ``images`` or ``related`` is skipped with a warning;
* a key written twice in a mapping is a problem of the file, or of the entry it is in;
* everything that will be stored is cleaned of control characters and mojibake, display text
  of invisible formatting, and URLs of user names and passwords.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from providers.domains import normalise_domain, unicode_host

from .values import (
    CONTROL_CHARACTERS,
    DEFAULT_MAX_BYTES,
    MAX_EXCERPT_LENGTH,
    MAX_HEAT,
    MAX_IMAGE_DIMENSION,
    MAX_IMAGES,
    MAX_PROVIDER_NAME_LENGTH,
    MAX_RELATED,
    MAX_SECURED_LENGTH,
    MAX_SHORT_TEXT_LENGTH,
    MAX_TITLE_LENGTH,
    MAX_TOPIC_LENGTH,
    MAX_TOPICS,
    _Reader,
    _type_name,
    clean_text,
    json_safe,
    repeated_keys,
    repeated_keys_within,
)

# File-format keys, by meaning and schema era.
URL_KEYS_2024 = {"url": "webUrl", "amp_url": "ampWebUrl", "cdn_amp_url": "cdnAmpWebUrl"}
URL_KEYS_2020 = {"url": "sourceUrl", "amp_url": "ampUrl", "cdn_amp_url": "cdnAmpUrl"}
ORIGINAL_URL_KEY = "originalUrl"
ARTICLE_KEYS = {
    "category",
    "title",
    "excerpt",
    "publishedDateTime",
    ORIGINAL_URL_KEY,
    "type",
    "quality",
    "heat",
    "published",
    "provider",
    "topics",
    "images",
    "related",
    "secured",
    "story",
    *URL_KEYS_2024.values(),
    *URL_KEYS_2020.values(),
}
# What a related link stores in its own fields; its other keys are kept verbatim.
RELATED_FIELD_KEYS = {"title", "excerpt", "publishedDateTime", "type", "quality", "provider", "images"}
IMAGE_KEYS = {"url", "width", "height", "isCached", "title"}
STORY_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


@dataclass(frozen=True)
class ParsedImage:
    url: str
    width: int | None = None
    height: int | None = None
    is_cached: bool | None = None
    title: str = ""


@dataclass(frozen=True)
class ParsedProvider:
    name: str
    domain: str
    logo_url: str = ""
    logo_width: int | None = None
    logo_height: int | None = None


@dataclass(frozen=True)
class ParsedRelated:
    title: str
    url: str
    excerpt: str = ""
    amp_url: str = ""
    cdn_amp_url: str = ""
    published_at: dt.datetime | None = None
    article_type: str = ""
    provider: ParsedProvider | None = None
    quality: int | None = None
    images: tuple[ParsedImage, ...] = ()
    extra: dict = dataclasses.field(default_factory=dict)


@dataclass(frozen=True)
class ParsedStory:
    """An editor's story decision carried by a file (an export writes it): the story the article is in,
    whether it is that story's chosen lead, and the headline an editor chose."""

    slug: str
    lead: bool = False
    headline: str = ""


@dataclass(frozen=True)
class ParsedArticle:
    source_key: str
    title: str
    url: str | None = None
    original_url: str = ""
    amp_url: str = ""
    cdn_amp_url: str = ""
    excerpt: str = ""
    body: str = ""
    published_at: dt.datetime | None = None
    category: str = ""
    article_type: str = ""
    quality: int | None = None
    heat: int = -1
    is_published: bool = False
    provider: ParsedProvider | None = None
    topics: tuple[str, ...] = ()
    images: tuple[ParsedImage, ...] = ()
    related: tuple[ParsedRelated, ...] = ()
    secured: str = ""
    story: ParsedStory | None = None
    extra: dict = dataclasses.field(default_factory=dict)
    schema_era: str = "2024"
    is_draft: bool = False
    source_path: str = ""
    warnings: tuple[str, ...] = ()

    @property
    def needs_review(self) -> bool:
        return self.is_draft or bool(self.warnings)

    @functools.cached_property
    def fingerprint(self) -> str:
        """A hash of everything imported; equal fingerprints mean an import would change nothing.

        Where the file lies does not count (a draft's path is already in its ``source_key``),
        so the same article from a moved or exported file is recognised as unchanged.
        """
        located_nowhere = dataclasses.replace(self, source_path="")
        return hashlib.sha256(repr(located_nowhere).encode()).hexdigest()


@dataclass(frozen=True)
class ParseResult:
    source_path: str
    article: ParsedArticle | None = None
    problems: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.article is not None

    @property
    def message(self) -> str:
        """One line naming the file and every problem (or warning) found in it."""
        if self.problems:
            return f"{self.source_path}: rejected: " + "; ".join(self.problems)
        if self.warnings:
            return f"{self.source_path}: imported with warnings: " + "; ".join(self.warnings)
        return f"{self.source_path}: ok"


def parse_mapping(
    mapping: Mapping,
    *,
    body: str = "",
    source_path: str = "",
    identity_path: str | None = None,
    warnings: list[str] | None = None,
) -> ParseResult:
    """Validate one article given as a mapping with the file format's keys (front matter, or API JSON).

    ``source_path`` names it in messages; ``identity_path`` (default: the same) is recorded as its source.
    """
    reader = _Reader()
    reader.warnings.extend(warnings or [])
    if not isinstance(mapping, Mapping):
        return ParseResult(
            source_path=source_path, problems=(f"an article must be a mapping, not {_type_name(mapping)}",)
        )
    reader.problems.extend(repeated_keys(mapping, ""))
    data = {str(key): value for key, value in mapping.items()}

    era, url_keys = (
        ("2024", URL_KEYS_2024) if _has_any(data, URL_KEYS_2024, ORIGINAL_URL_KEY) else ("2020", URL_KEYS_2020)
    )
    url_key = _url_key(data, url_keys)
    if url_key is None:
        reader.problems.append("the article URL is missing (webUrl, originalUrl or sourceUrl)")
        url = ""
    else:
        url = reader.url(data[url_key], url_key, required=True)
    original_url = reader.url(data.get(ORIGINAL_URL_KEY), ORIGINAL_URL_KEY, canonical=False) if era == "2024" else ""
    amp_url = reader.url(data.get(url_keys["amp_url"]), url_keys["amp_url"], canonical=False)
    cdn_amp_url = reader.url(data.get(url_keys["cdn_amp_url"]), url_keys["cdn_amp_url"], canonical=False)

    title = reader.text(data.get("title"), "title", limit=MAX_TITLE_LENGTH, required=True)
    excerpt = reader.text(data.get("excerpt"), "excerpt", limit=MAX_EXCERPT_LENGTH)
    body_text = reader.text(body, "body", limit=DEFAULT_MAX_BYTES * 2, verbatim=True)
    category = reader.text(data.get("category"), "category", limit=MAX_SHORT_TEXT_LENGTH["category"])
    article_type = reader.text(data.get("type"), "type", limit=MAX_SHORT_TEXT_LENGTH["type"])
    published_at = reader.datetime(data.get("publishedDateTime"), "publishedDateTime")
    quality = reader.integer(data.get("quality"), "quality", low=0, high=100)
    heat = reader.integer(data.get("heat"), "heat", low=-1, high=MAX_HEAT)
    is_published = reader.boolean(data.get("published"), "published")
    secured = _parse_secured(reader, data.get("secured"))

    provider = _parse_provider(reader, data.get("provider"), url, "provider", sink=reader.problems)
    topics = _parse_topics(reader, data.get("topics"))
    images = _parse_images(reader, data.get("images"), "images")
    related = _parse_related_list(reader, data.get("related"))
    story = _parse_story(reader, data.get("story"))

    # The other era's URL keys are not read, so they are kept like unknown keys.
    ignored = set(URL_KEYS_2020.values()) if era == "2024" else set()
    unknown = {key: value for key, value in data.items() if key not in ARTICLE_KEYS or key in ignored}
    extra = {}
    if unknown:
        reader.problems.extend(repeated_keys_within(unknown, ""))
        extra = json_safe(unknown, reader.warnings, "unknown keys")

    if reader.problems:
        return ParseResult(source_path=source_path, problems=tuple(reader.problems), warnings=tuple(reader.warnings))
    article = ParsedArticle(
        source_key=url,
        url=url,
        original_url=original_url,
        title=title,
        excerpt=excerpt,
        body=body_text,
        published_at=published_at,
        amp_url=amp_url,
        cdn_amp_url=cdn_amp_url,
        category=category,
        article_type=article_type,
        quality=quality,
        heat=-1 if heat is None else heat,
        is_published=bool(is_published),
        provider=provider,
        topics=topics,
        images=images,
        related=related,
        secured=secured,
        story=story,
        extra=extra,
        schema_era=era,
        source_path=source_path if identity_path is None else identity_path,
        warnings=tuple(reader.warnings),
    )
    return ParseResult(source_path=source_path, article=article, warnings=article.warnings)


def _parse_story(reader, value) -> ParsedStory | None:
    """The optional ``story`` key: ``{slug, lead, headline}``. A bad one is a warning and is ignored:
    the article is still imported, and placed in a story as any other."""
    if value is None:
        return None
    if not isinstance(value, Mapping):
        reader.warnings.append(f"story must be a mapping, not {_type_name(value)}: ignored")
        return None
    problems: list[str] = []
    slug = reader.text(value.get("slug"), "story.slug", limit=120, required=True, sink=problems)
    if slug and not STORY_SLUG.fullmatch(slug):
        problems.append(f"story.slug {slug!r} is not a slug (lowercase letters, digits and hyphens)")
    lead = reader.boolean(value.get("lead"), "story.lead", sink=problems)
    headline = reader.text(value.get("headline"), "story.headline", limit=500, sink=problems)
    unknown = sorted(str(key) for key in value if key not in {"slug", "lead", "headline"})
    if unknown:
        problems.append(f"story has unknown keys {', '.join(unknown)}")
    if problems:
        reader.warnings.extend(f"{problem}: the story key is ignored" for problem in problems)
        return None
    return ParsedStory(slug=slug, lead=bool(lead), headline=headline)


def _has_any(data: Mapping, keys: Mapping, *more: str) -> bool:
    return any(data.get(key) is not None for key in (*keys.values(), *more))


def _url_key(data: Mapping, url_keys: Mapping) -> str | None:
    """Which key holds the canonical link: webUrl (or originalUrl) in 2024-era files, sourceUrl in 2020-era ones."""
    for key in (url_keys["url"], ORIGINAL_URL_KEY) if url_keys is URL_KEYS_2024 else (url_keys["url"],):
        if data.get(key) is not None:
            return key
    return None


def _parse_secured(reader: _Reader, value: Any) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        reader.problems.append(f"secured must be text, not {_type_name(value)}")
        return ""
    if len(value) > MAX_SECURED_LENGTH:
        reader.problems.append(f"secured is {len(value):,} characters long (limit {MAX_SECURED_LENGTH:,})")
        return ""
    if CONTROL_CHARACTERS.search(value):
        # It is kept byte-for-byte, so it cannot be cleaned: refuse it instead.
        reader.problems.append("secured contains control characters")
        return ""
    return value


def _parse_provider(reader: _Reader, value: Any, url: str, name: str, *, sink: list[str]) -> ParsedProvider | None:
    if value is None:
        value = {}
    if not isinstance(value, Mapping):
        sink.append(f"{name} must be a mapping, not {_type_name(value)}")
        return None
    repeated = repeated_keys(value, name)
    if repeated:
        sink.extend(repeated)
        return None
    domain_value = value.get("domain")
    if domain_value is None or domain_value == "":
        if not url:
            return None
        domain_value = urlsplit(url).hostname or ""
        reader.warnings.append(f"{name}.domain is missing; taken from the URL ({domain_value})")
    if not isinstance(domain_value, str):
        sink.append(f"{name}.domain must be text, not {_type_name(domain_value)}")
        return None
    try:
        domain = normalise_domain(domain_value)
    except ValueError as error:
        sink.append(f"{name}.domain {error}")
        return None
    provider_name = reader.text(value.get("name"), f"{name}.name", limit=MAX_PROVIDER_NAME_LENGTH, sink=sink)
    if not provider_name:
        provider_name = unicode_host(domain)  # as readers know the name: bücher.example, not xn--bcher-kva.example
        if value.get("name") is None:
            reader.warnings.append(f"{name}.name is missing; using the domain")
    logo = None
    logos = value.get("images")
    if logos is not None:
        if not isinstance(logos, list):
            reader.warnings.append(f"{name}.images is not a list; ignored")
        else:
            for index, item in enumerate(logos):
                logo = _parse_image(reader, item, f"{name}.images[{index}]", allow_relative=True)
                if logo:
                    break
    return ParsedProvider(
        name=provider_name,
        domain=domain,
        logo_url=logo.url if logo else "",
        logo_width=logo.width if logo else None,
        logo_height=logo.height if logo else None,
    )


def _parse_topics(reader: _Reader, value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        reader.problems.append(f"topics must be a list of names, not {_type_name(value)}")
        return ()
    topics: list[str] = []
    seen: set[str] = set()
    for index, item in enumerate(value):
        skipped: list[str] = []
        topic = reader.text(item, f"topics[{index}]", limit=MAX_TOPIC_LENGTH, required=True, sink=skipped)
        if skipped:
            reader.warnings.append(f"topics[{index}] skipped: {'; '.join(skipped)}")
            continue
        topic = " ".join(topic.split())
        if topic.casefold() in seen:
            continue
        if len(topics) == MAX_TOPICS:
            reader.warnings.append(f"more than {MAX_TOPICS} topics; the rest were skipped")
            break
        seen.add(topic.casefold())
        topics.append(topic)
    return tuple(topics)


def _parse_images(reader: _Reader, value: Any, name: str) -> tuple[ParsedImage, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        reader.warnings.append(f"{name} is not a list; ignored")
        return ()
    images = []
    for index, item in enumerate(value):
        image = _parse_image(reader, item, f"{name}[{index}]")
        if image is None:
            continue
        if len(images) == MAX_IMAGES:
            reader.warnings.append(f"more than {MAX_IMAGES} {name}; the rest were skipped")
            break
        images.append(image)
    return tuple(images)


def _parse_image(reader: _Reader, item: Any, name: str, *, allow_relative: bool = False) -> ParsedImage | None:
    if not isinstance(item, Mapping):
        reader.warnings.append(f"{name} skipped: an image must be a mapping with a url, not {_type_name(item)}")
        return None
    problems = repeated_keys(item, "")
    url = reader.url(
        item.get("url"), "url", required=True, canonical=False, relative=allow_relative, sink=problems, entry=name
    )
    width = reader.integer(item.get("width"), "width", low=0, high=MAX_IMAGE_DIMENSION, sink=problems)
    height = reader.integer(item.get("height"), "height", low=0, high=MAX_IMAGE_DIMENSION, sink=problems)
    is_cached = reader.boolean(item.get("isCached"), "isCached", sink=problems)
    title = reader.text(item.get("title"), "title", limit=MAX_TITLE_LENGTH, sink=problems)
    if problems:
        reader.warnings.append(f"{name} skipped: {'; '.join(problems)}")
        return None
    unknown = sorted(clean_text(str(key))[0] for key in item if key not in IMAGE_KEYS)
    if unknown:
        reader.warnings.append(f"{name}: unknown keys ignored: {', '.join(unknown)}")
    return ParsedImage(url=url, width=width, height=height, is_cached=is_cached, title=title)


def _parse_related_list(reader: _Reader, value: Any) -> tuple[ParsedRelated, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        reader.warnings.append("related is not a list; ignored")
        return ()
    related = []
    for index, item in enumerate(value):
        entry = _parse_related(reader, item, f"related[{index}]")
        if entry is None:
            continue
        if len(related) == MAX_RELATED:
            reader.warnings.append(f"more than {MAX_RELATED} related links; the rest were skipped")
            break
        related.append(entry)
    return tuple(related)


def _parse_related(reader: _Reader, item: Any, name: str) -> ParsedRelated | None:
    if not isinstance(item, Mapping):
        reader.warnings.append(f"{name} skipped: a related link must be a mapping, not {_type_name(item)}")
        return None
    data = {str(key): value for key, value in item.items()}
    problems = repeated_keys(item, "")
    url_keys = URL_KEYS_2024 if _has_any(data, URL_KEYS_2024, ORIGINAL_URL_KEY) else URL_KEYS_2020
    url_key = _url_key(data, url_keys)
    if url_key is None:
        problems.append("url is missing")
        url = ""
    else:
        url = reader.url(data[url_key], url_key, required=True, sink=problems, entry=name)
    title = reader.text(data.get("title"), "title", limit=MAX_TITLE_LENGTH, required=True, sink=problems)
    excerpt = reader.text(data.get("excerpt"), "excerpt", limit=MAX_EXCERPT_LENGTH, sink=problems)
    amp_url = reader.url(data.get(url_keys["amp_url"]), url_keys["amp_url"], canonical=False, sink=problems, entry=name)
    cdn_amp_url = reader.url(
        data.get(url_keys["cdn_amp_url"]), url_keys["cdn_amp_url"], canonical=False, sink=problems, entry=name
    )
    published_at = reader.datetime(data.get("publishedDateTime"), "publishedDateTime", sink=problems)
    article_type = reader.text(data.get("type"), "type", limit=MAX_SHORT_TEXT_LENGTH["type"], sink=problems)
    quality = reader.integer(data.get("quality"), "quality", low=0, high=100, sink=problems)
    provider = None
    if not problems:
        provider = _parse_provider(reader, data.get("provider"), url, f"{name}.provider", sink=problems)
    if problems:
        reader.warnings.append(f"{name} skipped: {'; '.join(problems)}")
        return None
    images = _parse_images(reader, data.get("images"), f"{name}.images")
    used = RELATED_FIELD_KEYS | {url_key, url_keys["amp_url"], url_keys["cdn_amp_url"]}
    unknown = {key: value for key, value in data.items() if key not in used}
    extra = {}
    if unknown:
        repeated = repeated_keys_within(unknown, "")
        if repeated:
            reader.warnings.append(f"{name} skipped: {'; '.join(repeated)}")
            return None
        extra = json_safe(unknown, reader.warnings, f"{name} unknown keys")
    return ParsedRelated(
        title=title,
        url=url,
        excerpt=excerpt,
        amp_url=amp_url,
        cdn_amp_url=cdn_amp_url,
        published_at=published_at,
        article_type=article_type,
        provider=provider,
        quality=quality,
        images=images,
        extra=extra,
    )
