"""Turn the bytes of an article file into a ``ParsedArticle`` or a list of problems.

Pure: no database, no Django models, no file system. ``load.py`` does the writing.

A file is YAML front matter between two ``---`` lines, optionally followed by a body.
A file without front matter is a body-only draft. The rules (see ``shared/design.md``):

* a problem in the article's own fields rejects the file, listing every problem found;
* a malformed entry in ``topics``, ``images`` or ``related`` is skipped with a warning;
* a key written twice in a mapping is a problem of the file, or of the entry it is in;
* YAML tags, anchors and aliases are rejected (YAML bombs, object injection);
* everything that will be stored is cleaned of control characters and mojibake, display text
  of invisible formatting, and URLs of user names and passwords.
"""

from __future__ import annotations

import codecs
import dataclasses
import datetime as dt
import functools
import hashlib
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple
from urllib.parse import urlsplit, urlunsplit

import ftfy
import ftfy.badness
import yaml
from yaml.events import (
    AliasEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
)
from yaml.nodes import ScalarNode

from providers.domains import ascii_host, normalise_domain, unicode_host

DEFAULT_MAX_BYTES = 2 * 1024 * 1024
MAX_NESTING = 32

# Limits for "absurdly long" values.
MAX_URL_LENGTH = 2048
MAX_TITLE_LENGTH = 500
MAX_EXCERPT_LENGTH = 20_000
MAX_SHORT_TEXT_LENGTH = {"category": 100, "type": 50}
MAX_TOPIC_LENGTH = 100
MAX_PROVIDER_NAME_LENGTH = 200
MAX_SECURED_LENGTH = 1_000_000
MAX_TOPICS = 50
MAX_IMAGES = 50
MAX_RELATED = 100
MAX_IMAGE_DIMENSION = 100_000
MAX_HEAT = 2**31 - 1
DRAFT_TITLE_LENGTH = 200
EARLIEST_YEAR, LATEST_YEAR = 1900, 2100

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
    *URL_KEYS_2024.values(),
    *URL_KEYS_2020.values(),
}
# What a related link stores in its own fields; its other keys are kept verbatim.
RELATED_FIELD_KEYS = {"title", "excerpt", "publishedDateTime", "type", "quality", "provider", "images"}
IMAGE_KEYS = {"url", "width", "height", "isCached", "title"}
TRACKING_PARAMETERS = {"fbclid", "gclid"}

# Characters that must never reach the database (PostgreSQL refuses NUL) or a reader:
# C0/C1 controls except tab and newline, DEL, lone surrogates, and the non-characters.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
# Characters a reader cannot see that change how the text around them is shown: bidirectional
# embeddings, overrides, isolates and marks (a title can reorder the page around it, or pass for
# another), and the zero-width space, word joiner and byte-order mark. Removed from display text.
INVISIBLE_FORMATTING = re.compile("[\u061c\u200b\u200e\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]")
# The zero-width non-joiner and joiner shape the letters either side in Persian, Arabic and Indic
# scripts, and make one emoji of several (a woman, ZWJ, a laptop): kept there, one of a run. Next to
# ASCII, white space or an end of the text they shape nothing and only hide, so they are removed.
JOINERS = re.compile("[\u200c\u200d]+")
# Either of the two: whether display text needs looking at.
HIDDEN_IN_DISPLAY_TEXT = re.compile("[\u061c\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]")
BINARY_SIGNATURES = (b"\x89PNG", b"%PDF-", b"PK\x03\x04", b"\x1f\x8b", b"GIF8", b"\xff\xd8\xff", b"\x7fELF")
WHITE_SPACE = re.compile(r"\s")
CONTROL_BYTES = bytes(byte for byte in range(32) if byte not in (9, 10, 12, 13))
# A line of --- or ..., found by the newline before it (searching for a newline is much quicker
# than trying a multi-line ^ at every character).
CLOSING_FENCE = re.compile(r"\n((?:---|\.\.\.)[ \t]*)(?=\n|\Z)")


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


class Rejected(Exception):
    """A problem that stops the file being read at all (encoding, size, YAML syntax)."""


class RepeatedKeys(dict):
    """A mapping of the front matter that writes some key more than once (holding the last value of each).

    Which keys, and the line of each repeat, are in ``repeated``; reading the article then refuses
    whatever the mapping is: the file when it is the article or its provider, else the list entry.
    """

    __slots__ = ("repeated",)

    def __init__(self, mapping: Mapping | tuple = (), repeated: tuple[tuple[str, int], ...] | list = ()) -> None:
        super().__init__(mapping)  # (defaults: copy and pickle make an empty one first)
        self.repeated = list(repeated)


# --------------------------------------------------------------------------- YAML


class FrontMatterLoader(yaml.CSafeLoader):
    """libyaml's safe loader, reading plain scalars the way the format means them.

    Timestamps stay strings (dates are validated by ``parse_datetime``) and only
    ``true``/``false`` are booleans: YAML 1.1 would turn a title of ``no`` into ``False``.
    Likewise only plain decimal numbers are numbers: YAML 1.1 would read a title of
    ``10:30`` as the integer 630 (base 60), ``0755`` as 493 (octal) and ``1_000`` as 1000.
    """


FrontMatterLoader.yaml_implicit_resolvers = {
    first: [
        (tag, regexp)
        for tag, regexp in resolvers
        if tag
        not in {
            "tag:yaml.org,2002:timestamp",
            "tag:yaml.org,2002:bool",
            "tag:yaml.org,2002:int",
            "tag:yaml.org,2002:float",
            "tag:yaml.org,2002:merge",
            "tag:yaml.org,2002:value",
            "tag:yaml.org,2002:yaml",
        }
    ]
    for first, resolvers in yaml.CSafeLoader.yaml_implicit_resolvers.items()
}
FrontMatterLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
FrontMatterLoader.add_implicit_resolver(
    "tag:yaml.org,2002:int", re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$"), list("-+0123456789")
)
FrontMatterLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^(?:[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+][0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"),
    list("-+0123456789."),
)


def load_front_matter(text: str) -> Any:
    """The front matter's value; raises Rejected for tags, anchors, aliases, deep nesting and bad YAML.

    Front matter in the plain block style the pipeline writes is read by ``_load_plain_block``,
    which gives exactly what libyaml's events give (tests/articles/test_parse.py checks both
    readers against each other); anything else is left to ``_load_from_events``.
    """
    try:
        return _load_plain_block(text)
    except _NotPlainBlock:
        return _load_from_events(text)


def _load_from_events(text: str) -> Any:
    """Build the front matter's value from libyaml's events, refusing tags, anchors, aliases and deep nesting.

    Composing from events (rather than ``yaml.load``) checks all of that in the same single
    pass, and never recurses: libyaml's own composer crashes the process on deep nesting.
    """
    loader = FrontMatterLoader(text)
    check_event, get_event = loader.check_event, loader.get_event
    # Open collections, innermost last; for a mapping, ``keys`` holds its pending key and
    # ``repeats`` the keys written again in it (None until there is one).
    containers: list[list | dict] = []
    keys: list[Any] = []
    repeats: list[list[tuple[str, int]] | None] = []
    root: Any = _NOTHING
    documents = 0

    def place(value: Any, event) -> None:
        nonlocal root
        if not containers:
            root = value
            return
        top = containers[-1]
        if type(top) is list:
            top.append(value)
        elif keys[-1] is _NOTHING:
            if type(value) in (list, dict, RepeatedKeys):
                raise Rejected(f"front matter line {_line(event)}: a mapping key must be a plain value")
            if value in top:
                if repeats[-1] is None:
                    repeats[-1] = []
                repeats[-1].append((_key_name(event.value), _line(event)))
            keys[-1] = value
        else:
            top[keys[-1]] = value
            keys[-1] = _NOTHING

    try:
        while check_event():
            event = get_event()
            kind = type(event)
            if kind is ScalarEvent:
                if event.anchor is not None or event.tag is not None:
                    _refuse(event)
                # A plain (unquoted) scalar may be a number, boolean or null; a quoted one is text.
                place(_plain_scalar(event.value) if event.implicit[0] else event.value, event)
            elif kind is MappingStartEvent or kind is SequenceStartEvent:
                if event.anchor is not None or event.tag is not None:
                    _refuse(event)
                if len(containers) >= MAX_NESTING:
                    raise Rejected(f"front matter is nested more than {MAX_NESTING} levels deep")
                containers.append({} if kind is MappingStartEvent else [])
                keys.append(_NOTHING)
                repeats.append(None)
            elif kind is MappingEndEvent or kind is SequenceEndEvent:
                keys.pop()
                repeated = repeats.pop()
                place(containers.pop() if repeated is None else RepeatedKeys(containers.pop(), repeated), event)
            elif kind is AliasEvent:
                _refuse(event)
            elif kind is DocumentStartEvent:
                documents += 1
                if documents > 1:
                    raise Rejected("front matter holds more than one YAML document")
                if event.tags:
                    raise Rejected("front matter: YAML %TAG directives are not allowed")
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = f" at line {mark.line + 2}, column {mark.column + 1}" if mark else ""
        # The context says where the unfinished construct began: "while scanning a quoted scalar" (line 2).
        context = ""
        if error.problem and error.context and error.context_mark:
            context = f" ({error.context} that starts at line {error.context_mark.line + 2})"
        raise Rejected(f"front matter is not valid YAML{where}: {error.problem or error.context}{context}") from None
    except yaml.reader.ReaderError as error:
        line = text.encode("utf-8", "surrogatepass")[: error.position].count(b"\n") + 2
        character = f" (U+{error.character:04X})" if isinstance(error.character, int) else ""
        raise Rejected(f"front matter is not valid YAML at line {line}: {error.reason}{character}") from None
    except yaml.YAMLError as error:
        raise Rejected(f"front matter is not valid YAML: {' '.join(str(error).split())}") from None
    finally:
        loader.dispose()
    return None if root is _NOTHING else root


_NOTHING = object()
_STR_TAG = "tag:yaml.org,2002:str"
# Plain scalars starting with any other character are strings: no need to ask the resolver.
_RESOLVED_FIRST_CHARACTERS = frozenset(key for key in FrontMatterLoader.yaml_implicit_resolvers if key)
assert None not in FrontMatterLoader.yaml_implicit_resolvers, "a resolver without a first character"


class _PlainScalarReader(yaml.constructor.SafeConstructor, yaml.resolver.BaseResolver):
    """FrontMatterLoader's resolvers and constructors, without a libyaml parser: both readers use it."""

    yaml_implicit_resolvers = FrontMatterLoader.yaml_implicit_resolvers
    yaml_constructors = FrontMatterLoader.yaml_constructors


_PLAIN_SCALARS = _PlainScalarReader()


def _plain_scalar(value: str) -> Any:
    """A plain (unquoted) scalar as FrontMatterLoader reads it: a number, boolean, null or text."""
    if value == "" or value[0] in _RESOLVED_FIRST_CHARACTERS:
        # Keys and numbers repeat from file to file: short values are resolved once.
        return _resolved_short(value) if len(value) <= 40 else _resolved(value)
    return value


def _resolved(value: str) -> Any:
    tag = _PLAIN_SCALARS.resolve(ScalarNode, value, (True, False))
    if tag == _STR_TAG:
        return value
    return _PLAIN_SCALARS.yaml_constructors[tag](_PLAIN_SCALARS, ScalarNode(tag, value))


_resolved_short = functools.lru_cache(maxsize=4096)(_resolved)  # values are immutable: safe to share


class _NotPlainBlock(Exception):
    """The front matter uses YAML beyond the plain block style: libyaml's events must read it."""


# What the plain block reader reads: only the characters libyaml reads as themselves, so no tab,
# carriage return, NEL/LS/PS line break, byte-order mark, control or non-character; ...
_OUTSIDE_PLAIN_BLOCK = re.compile(
    "[^\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]"
)
# ... lines that are blank, "key: value", "key:", "- value", "- key: value" or "- key:" (indented
# with spaces), where a key is a plain word; ...
_PLAIN_BLOCK_LINE = re.compile(r"^( *)(?:(-)( +|$))?(?:([A-Za-z_][A-Za-z0-9_-]{0,99}):(?: +|$))?(.*)$", re.MULTILINE)
# ... and values that are one-line quoted text (with only these escapes), [] or {}, or a one-line
# plain scalar that does not start with an indicator (a "-" starts one only before a non-space).
_DOUBLE_QUOTED = re.compile(r'"((?:[^"\\]|\\["\\/nt])*)" *')
_DOUBLE_QUOTED_ESCAPE = re.compile(r"\\(.)")
_DOUBLE_QUOTED_ESCAPES = {'"': '"', "\\": "\\", "/": "/", "n": "\n", "t": "\t"}
_SINGLE_QUOTED = re.compile(r"'((?:[^']|'')*)' *")
_INDICATORS = frozenset("-?:,[]{}#&*!|>'\"%@`")
# Far below MAX_NESTING, so the events reader is the one that enforces it.
_PLAIN_BLOCK_MAX_DEPTH = MAX_NESTING // 2


def _load_plain_block(text: str) -> dict:
    """The front matter as a mapping, for the block style the pipeline writes; raises _NotPlainBlock
    for anything else, including every tag, anchor, alias, comment, flow collection, multi-line
    scalar, repeated key and YAML error, which only the events reader deals with."""
    # Open collections with their column, innermost last; the root is the first.
    open_collections: list[tuple[int, dict | list]] = []
    # A "key:" line's mapping, key and column: its value is on the lines below, or it is null.
    waiting: tuple[dict, Any, int] | None = None
    # One match per line; only ``rest`` can hold more than spaces, "-", a key and ":".
    for indentation, dash, after_dash, key, rest in _PLAIN_BLOCK_LINE.findall(text):
        # isprintable() is quick and stricter than the exact check (it refuses no-break spaces, say).
        if not rest.isprintable() and _OUTSIDE_PLAIN_BLOCK.search(rest):
            raise _NotPlainBlock
        if not dash and not key:
            if rest:
                raise _NotPlainBlock
            continue  # a blank line
        column = len(indentation)
        if not open_collections:
            if dash:
                raise _NotPlainBlock  # not a mapping: the events reader says so
            open_collections.append((column, {}))
        if waiting is not None:
            mapping, waiting_key, waiting_column = waiting
            waiting = None
            # A sequence may start at the key's own column; a mapping must be indented further.
            if column > waiting_column or (dash and column == waiting_column):
                mapping[waiting_key] = _open(open_collections, column, [] if dash else {})
            else:
                mapping[waiting_key] = _plain_scalar("")
        while open_collections[-1][0] > column:
            open_collections.pop()
            if not open_collections:
                raise _NotPlainBlock
        top_column, top = open_collections[-1]
        if not dash and type(top) is list and top_column == column:
            open_collections.pop()  # a "key:" after a sequence written at its key's column ends it
            top_column, top = open_collections[-1]
        if top_column != column or (type(top) is list) != bool(dash):
            raise _NotPlainBlock
        if dash:
            if not key:
                if not rest:
                    raise _NotPlainBlock  # an empty entry, or one whose value is on the lines below
                top.append(_inline_value(rest, open_collections))
                continue
            entry: dict = {}
            top.append(entry)
            column += 1 + len(after_dash)
            top = _open(open_collections, column, entry)
        key = _plain_scalar(key)
        if key in top:
            raise _NotPlainBlock  # a repeated key: the events reader says which, and where
        if rest:
            top[key] = _inline_value(rest, open_collections)
        else:
            waiting = (top, key, column)
    if not open_collections:
        raise _NotPlainBlock  # empty: the events reader says so
    if waiting is not None:
        waiting[0][waiting[1]] = _plain_scalar("")
    return open_collections[0][1]


def _open(open_collections: list, column: int, collection: dict | list) -> dict | list:
    if len(open_collections) >= _PLAIN_BLOCK_MAX_DEPTH:
        raise _NotPlainBlock
    open_collections.append((column, collection))
    return collection


def _inline_value(rest: str, open_collections: list) -> Any:
    first = rest[0]
    if first == '"':
        match = _DOUBLE_QUOTED.fullmatch(rest)
        if match is None:
            raise _NotPlainBlock
        text = match[1]
        return (
            _DOUBLE_QUOTED_ESCAPE.sub(lambda escape: _DOUBLE_QUOTED_ESCAPES[escape[1]], text) if "\\" in text else text
        )
    if first == "'":
        match = _SINGLE_QUOTED.fullmatch(rest)
        if match is None:
            raise _NotPlainBlock
        return match[1].replace("''", "'")
    value = rest.rstrip(" ")
    if value == "[]" or value == "{}":
        if len(open_collections) >= _PLAIN_BLOCK_MAX_DEPTH:
            raise _NotPlainBlock
        return [] if value == "[]" else {}
    if first in _INDICATORS and not (first == "-" and rest[1:2] not in ("", " ")):
        raise _NotPlainBlock
    # ": " would make it a key, " #" starts a comment: both are left to the events reader.
    if ": " in value or value[-1] == ":" or " #" in value:
        raise _NotPlainBlock
    return _plain_scalar(value)


def _line(event) -> int:
    return event.start_mark.line + 2  # +1 for 1-based, +1 for the opening --- line


_PLAIN_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_-]{0,99}")


def _key_name(key: Any) -> str:
    """A key as messages show it: a plain word as it is, anything else quoted with its controls escaped."""
    return key if type(key) is str and _PLAIN_KEY.fullmatch(key) else _describe(key)


def _refuse(event) -> None:
    if type(event) is AliasEvent:
        raise Rejected(f"front matter line {_line(event)}: YAML aliases (*{event.anchor}) are not allowed")
    if event.anchor is not None:
        raise Rejected(f"front matter line {_line(event)}: YAML anchors (&{event.anchor}) are not allowed")
    raise Rejected(f"front matter line {_line(event)}: YAML tags ({_describe(event.tag)}) are not allowed")


# --------------------------------------------------------------------------- text


def decode_text(data: bytes) -> tuple[str, list[str]]:
    """Decode UTF-8 (with or without BOM), UTF-16 with BOM, or fall back to Windows-1252."""
    warnings: list[str] = []
    if data.startswith(BINARY_SIGNATURES):
        raise Rejected("the file is binary data, not text")
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), ["text was UTF-16; converted to UTF-8"]
        except UnicodeDecodeError:
            raise Rejected("the file starts with a UTF-16 byte-order mark but is not valid UTF-16") from None
    sample = data[:8192]
    controls = len(sample) - len(sample.translate(None, CONTROL_BYTES))
    if sample and controls / len(sample) > 0.05:
        raise Rejected("the file is binary data, not text")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
        warnings.append("text was not UTF-8; read as Windows-1252")
    return text, warnings


def clean_text(value: str) -> tuple[str, bool]:
    """Repair mojibake and drop control characters. Returns the text and whether controls were removed."""
    if not value.isascii() and ftfy.badness.is_bad(value):
        value = ftfy.fix_encoding(value)
    if value.isprintable():  # quick, and nothing CONTROL_CHARACTERS matches is printable
        return value, False
    cleaned = CONTROL_CHARACTERS.sub("", value)
    return cleaned, len(cleaned) != len(value)


def display_text(value: str) -> str:
    """Text shown as a title, name or excerpt, without the invisible characters that can disguise it
    or reorder what surrounds it (``INVISIBLE_FORMATTING``, and joiners that join nothing)."""
    if value.isascii() or not HIDDEN_IN_DISPLAY_TEXT.search(value):  # quick: the usual answer
        return value
    value = INVISIBLE_FORMATTING.sub("", value)
    return JOINERS.sub(_joiner_that_joins, value) if "\u200c" in value or "\u200d" in value else value


def _joiner_that_joins(run: re.Match) -> str:
    text, start, end = run.string, run.start(), run.end()
    joins = 0 < start and end < len(text) and _shapes(text[start - 1]) and _shapes(text[end])
    return run[0][0] if joins else ""


def _shapes(character: str) -> bool:
    return not character.isascii() and not character.isspace()


class _Reader:
    """Collects problems (reject the file) and warnings (import it, flag for review) while reading fields."""

    def __init__(self) -> None:
        self.problems: list[str] = []
        self.warnings: list[str] = []

    def text(
        self,
        value: Any,
        name: str,
        *,
        limit: int,
        required: bool = False,
        sink: list[str] | None = None,
        verbatim: bool = False,
    ) -> str:
        """Text cleaned of control characters and, unless ``verbatim`` (a body, a URL), of invisible formatting."""
        sink = self.problems if sink is None else sink
        if value is None:
            if required:
                sink.append(f"{name} is missing")
            return ""
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            sink.append(f"{name} must be text, not {_type_name(value)}")
            return ""
        text, had_controls = clean_text(str(value))
        if had_controls:
            self.warnings.append(f"{name}: control characters removed")
        if not verbatim:
            text = display_text(text)
        text = text.strip()
        if required and not text:
            sink.append(f"{name} is empty")
        if len(text) > limit:
            sink.append(f"{name} is {len(text):,} characters long (limit {limit:,})")
            return ""
        return text

    def integer(self, value: Any, name: str, *, low: int, high: int, sink: list[str] | None = None) -> int | None:
        sink = self.problems if sink is None else sink
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            if isinstance(value, float) and value.is_integer() and low <= value <= high:
                return int(value)
            sink.append(f"{name} must be a whole number, not {_describe(value)}")
            return None
        if not low <= value <= high:
            sink.append(f"{name} is {value}, outside {low}–{high}")
            return None
        return value

    def boolean(self, value: Any, name: str, *, sink: list[str] | None = None) -> bool | None:
        sink = self.problems if sink is None else sink
        if value is None or isinstance(value, bool):
            return value
        sink.append(f"{name} must be true or false, not {_describe(value)}")
        return None

    def url(
        self,
        value: Any,
        name: str,
        *,
        required: bool = False,
        canonical: bool = True,
        relative: bool = False,
        sink: list[str] | None = None,
        entry: str = "",
    ) -> str:
        """An http(s) URL (``canonical_url`` or, kept as given, ``checked_url``), or with ``relative``
        a site-relative path too. Every URL that is stored is read here; ``entry`` names the list entry it is in."""
        sink = self.problems if sink is None else sink
        raw = self.text(value, name, limit=MAX_URL_LENGTH, required=required, sink=sink, verbatim=True)
        if not raw:
            return ""
        if relative and raw.startswith("/") and not raw.startswith("//") and " " not in raw:
            return raw
        try:
            url = canonical_url(raw) if canonical else checked_url(raw)
        except ValueError as error:
            sink.append(f"{name} {error}")
            return ""
        if has_userinfo(raw):
            self.warnings.append(
                f"{entry}{'.' if entry else ''}{name}: the user name and password in the URL were removed"
            )
        return url

    def datetime(self, value: Any, name: str, *, sink: list[str] | None = None) -> dt.datetime | None:
        sink = self.problems if sink is None else sink
        if value is None or value == "":
            return None
        try:
            parsed, was_naive = parse_datetime(value)
        except ValueError as error:
            sink.append(f"{name} {error}")
            return None
        if was_naive:
            self.warnings.append(f"{name} has no time zone; read as UTC")
        return parsed


def _type_name(value: Any) -> str:
    return {dict: "a mapping", list: "a list", bool: "true/false", type(None): "empty"}.get(
        type(value), type(value).__name__
    )


def _describe(value: Any) -> str:
    if isinstance(value, (dict, list)):
        return _type_name(value)
    shown = repr(value)
    return shown if len(shown) <= 40 else shown[:37] + "..."


# --------------------------------------------------------------------------- values


def checked_url(raw: str) -> str:
    """An absolute http(s) URL as given, less any user name and password (``user:pass@``);
    anything else (``javascript:``, relative, junk) raises ValueError."""
    userinfo = _http_url(raw).userinfo
    if userinfo is None:
        return raw
    before, slashes, authority_onwards = raw.partition("//")  # the scheme's "//": the authority follows
    return before + slashes + authority_onwards[len(userinfo) + 1 :]


def has_userinfo(raw: str) -> bool:
    """Whether an http(s) URL carries a user name or password, which no stored URL keeps."""
    return "@" in raw and _http_url(raw).userinfo is not None


class _HttpUrl(NamedTuple):
    scheme: str  # lowercase
    host: str  # lowercase
    port: int | None
    path: str
    query: str
    userinfo: str | None  # what precedes "@" in the authority, if there is one


# An http(s) URL in lowercase, printable ASCII, with a host name and no user, port or white space:
# split by this one pattern exactly as urlsplit splits it (tests/articles/test_parse.py checks).
_PLAIN_HTTP_URL = re.compile(r"(https?)://([a-z0-9.-]+)(/[^?#\s]*)?(?:\?([^#\s]*))?(?:#\S*)?")


def _http_url(raw: str) -> _HttpUrl:
    if raw.isascii() and raw.isprintable():
        plain = _PLAIN_HTTP_URL.fullmatch(raw)
        if plain is not None:
            scheme, host, path, query = plain.groups(default="")
            return _HttpUrl(scheme, host, None, path, query, None)
    return _split_http_url(raw)


def _split_http_url(raw: str) -> _HttpUrl:
    if WHITE_SPACE.search(raw):
        raise ValueError(f"contains white space: {_describe(raw)}")
    try:
        parts = urlsplit(raw)
        port = parts.port
    except ValueError:
        raise ValueError(f"is not a valid URL: {_describe(raw)}") from None
    if parts.scheme.lower() not in ("http", "https"):
        raise ValueError(f"is not an http(s) URL: {_describe(raw)}")
    if not parts.hostname:
        raise ValueError(f"has no host: {_describe(raw)}")
    userinfo = parts.netloc.rpartition("@")[0] if "@" in parts.netloc else None
    return _HttpUrl(parts.scheme.lower(), parts.hostname, port, parts.path, parts.query, userinfo)


def canonical_url(raw: str) -> str:
    """Normalise an article URL: lowercase scheme and host (IDNA-encoded, so both spellings of an
    international name are one URL), no user name or password, default port, fragment or tracking parameters."""
    scheme, host, port, path, query, _ = _http_url(raw)
    if (scheme, port) in {("http", 80), ("https", 443)}:
        port = None
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    else:
        try:
            host = ascii_host(host)
        except ValueError as error:
            raise ValueError(f"has an invalid international host name: {_describe(raw)} ({error})") from None
    netloc = host if port is None else f"{host}:{port}"
    if query:
        query = "&".join(
            piece for piece in query.split("&") if piece and not _is_tracking_parameter(piece.split("=", 1)[0])
        )
    return urlunsplit((scheme, netloc, path or "/", query, ""))


def _is_tracking_parameter(name: str) -> bool:
    name = name.lower()
    return name.startswith("utm_") or name in TRACKING_PARAMETERS


def parse_datetime(value: Any) -> tuple[dt.datetime, bool]:
    """An aware UTC datetime and whether the input lacked a zone (then read as UTC)."""
    if isinstance(value, dt.datetime):
        parsed = value
    elif isinstance(value, dt.date):
        parsed = dt.datetime(value.year, value.month, value.day)
    elif isinstance(value, str):
        try:
            parsed = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(f"is not an ISO 8601 date: {_describe(value)}") from None
    else:
        raise ValueError(f"must be an ISO 8601 date, not {_describe(value)}")
    was_naive = parsed.tzinfo is None or parsed.utcoffset() is None
    if was_naive:
        parsed = parsed.replace(tzinfo=dt.UTC)
    try:
        parsed = parsed.astimezone(dt.UTC)
    except OverflowError:
        raise ValueError(f"is out of range: {_describe(value)}") from None
    if not EARLIEST_YEAR <= parsed.year <= LATEST_YEAR:
        raise ValueError(f"is out of range ({EARLIEST_YEAR}–{LATEST_YEAR}): {_describe(value)}")
    return parsed, was_naive


def repeated_keys(value: Any, name: str) -> list[str]:
    """A problem for each key that the front matter's mapping ``value`` (named ``name``) writes more than once."""
    if type(value) is not RepeatedKeys:
        return []
    lines: dict[str, list[str]] = {}
    for key, line in value.repeated:
        lines.setdefault(key, []).append(str(line))
    prefix = f"{name}." if name else ""
    return [
        f"{prefix}{key} is given more than once (again at line{'s' if len(again) > 1 else ''} {', '.join(again)})"
        for key, again in lines.items()
    ]


def repeated_keys_within(value: Any, name: str) -> list[str]:
    """``repeated_keys`` of ``value`` and of every mapping inside it (unknown keys, kept as they are)."""
    problems = repeated_keys(value, name)
    if isinstance(value, Mapping):
        for key, item in value.items():
            if isinstance(item, (Mapping, list)):
                problems += repeated_keys_within(item, f"{name}.{_key_name(key)}" if name else _key_name(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            if isinstance(item, (Mapping, list)):
                problems += repeated_keys_within(item, f"{name}[{index}]")
    return problems


def json_safe(value: Any, warnings: list[str], name: str, depth: int = 0) -> Any:
    """Unknown keys, kept as JSON: strings cleaned, non-finite floats and odd types made into strings."""
    if isinstance(value, str):
        return clean_text(value)[0]
    if value is None or isinstance(value, (bool, int)):
        return value
    if isinstance(value, float):
        if math.isfinite(value):
            return value
        warnings.append(f"{name}: {value!r} kept as text")
        return repr(value)
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    if isinstance(value, Mapping):
        cleaned = {key: clean_text(str(key))[0] for key in value}
        return {
            cleaned[key]: json_safe(item, warnings, f"{name}.{cleaned[key]}", depth + 1) for key, item in value.items()
        }
    if isinstance(value, (list, tuple)):
        return [json_safe(item, warnings, f"{name}[{index}]", depth + 1) for index, item in enumerate(value)]
    warnings.append(f"{name}: {type(value).__name__} kept as text")
    return clean_text(str(value))[0]


# --------------------------------------------------------------------------- article


def parse_bytes(
    data: bytes, *, source_path: str, max_bytes: int = DEFAULT_MAX_BYTES, identity_path: str | None = None
) -> ParseResult:
    """Parse one article file's bytes. Never raises for bad input.

    ``source_path`` names the file in messages; ``identity_path`` (default: the same) is where the
    article is recorded as coming from, and what identifies a body-only draft.
    """
    identity_path = source_path if identity_path is None else identity_path
    try:
        if len(data) > max_bytes:
            raise Rejected(f"the file is {_size(len(data))}, over the {_size(max_bytes)} limit")
        text, warnings = decode_text(data)
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        front_matter, body = split_front_matter(text)
    except Rejected as error:
        return ParseResult(source_path=source_path, problems=(str(error),))
    if front_matter is None:
        return _parse_body_only(body, source_path=source_path, identity_path=identity_path, warnings=warnings)
    try:
        mapping = load_front_matter(front_matter)
    except Rejected as error:
        return ParseResult(source_path=source_path, problems=(str(error),), warnings=tuple(warnings))
    except (RecursionError, MemoryError, OverflowError, ValueError) as error:
        return ParseResult(source_path=source_path, problems=(f"front matter cannot be read: {type(error).__name__}",))
    if not isinstance(mapping, dict):
        what = "empty" if mapping is None else _type_name(mapping)
        return ParseResult(
            source_path=source_path, problems=(f"front matter must be a mapping of keys to values, but it is {what}",)
        )
    return parse_mapping(mapping, body=body, source_path=source_path, identity_path=identity_path, warnings=warnings)


def parse_for_import(
    data: bytes, *, display: str, identity_path: str, max_bytes: int = DEFAULT_MAX_BYTES
) -> ParseResult:
    """``parse_bytes`` of a file found by an import: named ``display`` in messages, identified by
    ``identity_path`` (its path relative to the imported directory)."""
    return parse_bytes(data, source_path=display, max_bytes=max_bytes, identity_path=identity_path)


def split_front_matter(text: str) -> tuple[str | None, str]:
    """(front matter, body); front matter is None when the file has none."""
    stripped = text.lstrip("\n")
    first_line, newline, rest = stripped.partition("\n")
    if first_line.rstrip() != "---":
        return None, text
    closing = CLOSING_FENCE.search("\n" + rest)  # the newline added lets the first line close it too
    if closing is None:
        raise Rejected("front matter opened with --- on the first line is never closed by a --- line")
    start, end = closing.span(1)
    return rest[: start - 1], rest[end - 1 :]


def _parse_body_only(body: str, *, source_path: str, identity_path: str, warnings: list[str]) -> ParseResult:
    reader = _Reader()
    reader.warnings.extend(warnings)
    text = reader.text(body, "body", limit=DEFAULT_MAX_BYTES * 2, verbatim=True)
    first_line = next((line for line in (display_text(line).strip() for line in text.split("\n")) if line), "")
    if not first_line:
        return ParseResult(source_path=source_path, problems=("the file has no front matter and no text",))
    title = " ".join(first_line.split())
    if len(title) > DRAFT_TITLE_LENGTH:
        title = title[: DRAFT_TITLE_LENGTH - 1].rsplit(" ", 1)[0] + "…"
    reader.warnings.append("no front matter: imported as an unpublished draft for review")
    article = ParsedArticle(
        source_key=f"file:{identity_path}",
        title=title,
        body=text,
        schema_era="body",
        is_draft=True,
        source_path=identity_path,
        warnings=tuple(reader.warnings),
    )
    return ParseResult(source_path=source_path, article=article, warnings=article.warnings)


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
        extra=extra,
        schema_era=era,
        source_path=source_path if identity_path is None else identity_path,
        warnings=tuple(reader.warnings),
    )
    return ParseResult(source_path=source_path, article=article, warnings=article.warnings)


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


def _size(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MiB" if size >= 1024 * 1024 else f"{size:,} bytes"
