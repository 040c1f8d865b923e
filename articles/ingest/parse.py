"""Turn the bytes of an article file into a ``ParsedArticle`` or a list of problems: the parser's entry point.

Pure: no database, no Django models, no file system. ``load.py`` does the writing.

A file is YAML front matter between two ``---`` lines (read by ``frontmatter.py``), optionally
followed by a body; the front matter's mapping becomes the article in ``mapping.py``, its values
checked by ``values.py``. A file without front matter is a body-only draft.
"""

from __future__ import annotations

from .frontmatter import load_front_matter, split_front_matter
from .mapping import ParsedArticle, ParseResult, parse_mapping
from .values import DEFAULT_MAX_BYTES, Rejected, _Reader, _type_name, decode_text, display_text

DRAFT_TITLE_LENGTH = 200


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


def _size(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MiB" if size >= 1024 * 1024 else f"{size:,} bytes"
