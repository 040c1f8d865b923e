"""Read the YAML front matter of an article file: its fences, and its mapping (two readers).

Pure: no database, no Django models. The quick reader takes the plain block YAML the pipeline
writes; anything else goes to the libyaml events reader, which enforces every rule (no tags,
anchors or aliases; bounded nesting; repeated keys noted).
"""

from __future__ import annotations

import functools
import re
from typing import Any

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

from .values import Rejected, RepeatedKeys, _describe, _key_name

MAX_NESTING = 32


# A line of --- or ..., found by the newline before it (searching for a newline is much quicker
# than trying a multi-line ^ at every character).
CLOSING_FENCE = re.compile(r"\n((?:---|\.\.\.)[ \t]*)(?=\n|\Z)")


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


def _refuse(event) -> None:
    if type(event) is AliasEvent:
        raise Rejected(f"front matter line {_line(event)}: YAML aliases (*{event.anchor}) are not allowed")
    if event.anchor is not None:
        raise Rejected(f"front matter line {_line(event)}: YAML anchors (&{event.anchor}) are not allowed")
    raise Rejected(f"front matter line {_line(event)}: YAML tags ({_describe(event.tag)}) are not allowed")


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
