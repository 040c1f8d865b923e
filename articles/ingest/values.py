"""The value checks of the article format: text (decoding, cleaning, display), URLs, dates, numbers.

Pure: no database, no Django models. ``_Reader`` reads one field at a time, collecting the problems
(which reject the file) and the warnings (which flag it for review).
"""

from __future__ import annotations

import codecs
import datetime as dt
import math
import re
from collections.abc import Mapping
from typing import Any, NamedTuple
from urllib.parse import urlsplit, urlunsplit

import ftfy
import ftfy.badness

from providers.domains import ascii_host

DEFAULT_MAX_BYTES = 2 * 1024 * 1024


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


EARLIEST_YEAR, LATEST_YEAR = 1900, 2100


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


_PLAIN_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_-]{0,99}")


def _key_name(key: Any) -> str:
    """A key as messages show it: a plain word as it is, anything else quoted with its controls escaped."""
    return key if type(key) is str and _PLAIN_KEY.fullmatch(key) else _describe(key)


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
