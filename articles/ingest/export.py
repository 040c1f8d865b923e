"""Write the catalogue back as article files, in the format ``import_articles`` reads.

Editorial values (published, quality) come from the catalogue; unknown keys and the
``secured`` payload are written back verbatim, so import → export → import is lossless.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import yaml

from ..models import Article
from .files import ARTICLE_FILE_SUFFIXES
from .frontmatter import FrontMatterLoader, split_front_matter
from .mapping import ORIGINAL_URL_KEY, URL_KEYS_2020, URL_KEYS_2024
from .values import Rejected


class ExportDumper(yaml.CSafeDumper):
    """Never writes anchors or aliases: the importer rejects them."""

    def ignore_aliases(self, data) -> bool:
        return True


# A string is written plain only when the importer's loader reads it back as a string: its
# rules are not YAML 1.1's (it reads "-.5" as a number), so they are added to the dumper's.
for _first, _resolvers in FrontMatterLoader.yaml_implicit_resolvers.items():
    for _tag, _regexp in _resolvers:
        ExportDumper.add_implicit_resolver(_tag, _regexp, [_first])


@dataclass
class ExportSummary:
    written: int = 0
    directory: str = ""

    def line(self) -> str:
        return f"Exported {self.written} articles to {self.directory}."


def export_articles(directory: str | os.PathLike, *, queryset=None, chunk_size: int = 500) -> ExportSummary:
    """Write every article (or those of ``queryset``) into ``directory``, one file each.

    A file appears under its name only once it is whole and on disk: an export interrupted at
    any moment leaves complete files, and hidden temporary ones that an import skips.
    """
    target = Path(directory)
    target.mkdir(parents=True, exist_ok=True)
    queryset = (
        (queryset if queryset is not None else Article.objects.all())
        .with_related()
        .select_related("story")
        .order_by("-is_draft", "id")
    )
    summary = ExportSummary(directory=str(target))
    used_names: set[str] = set()
    directories = set()
    # Drafts first: their file name is their identity, so they must get it.
    for article in queryset.iterator(chunk_size=chunk_size):
        name = _file_name(article, used_names)
        used_names.add(name)
        path = target / name
        path.parent.mkdir(parents=True, exist_ok=True)
        _write_atomically(path, article_file_text(article))
        directories.add(path.parent)
        summary.written += 1
    for directory in directories:
        _fsync_directory(directory)
    return summary


def article_file_text(article: Article) -> str:
    if article.is_draft:
        text = article.body if article.body.endswith("\n") else article.body + "\n"
        if _reads_as_front_matter(text):
            # A first line of "---" would read back as front matter; the importer strips the space.
            text = " " + text
        return text
    front_matter = yaml.dump(
        article_mapping(article), Dumper=ExportDumper, sort_keys=False, allow_unicode=True, width=4096
    )
    text = f"---\n{front_matter}---\n"
    if article.body:
        text += f"\n{article.body}\n"
    return text


def _reads_as_front_matter(text: str) -> bool:
    try:
        return split_front_matter(text)[0] is not None
    except Rejected:
        return True


def article_mapping(article: Article) -> dict:
    """The article as the file format's keys, in the order the pipeline writes them."""
    url_keys = URL_KEYS_2020 if article.schema_era == Article.SchemaEra.ERA_2020 else URL_KEYS_2024
    data: dict = {}
    _put(data, "category", article.category)
    data["title"] = article.title
    _put(data, "excerpt", article.excerpt)
    _put(data, "publishedDateTime", _format_datetime(article.published_at))
    if url_keys is URL_KEYS_2024:
        _put(data, ORIGINAL_URL_KEY, article.original_url)
    data[url_keys["url"]] = article.url
    _put(data, url_keys["amp_url"], article.amp_url)
    _put(data, url_keys["cdn_amp_url"], article.cdn_amp_url)
    _put(data, "type", article.article_type)
    _put(data, "quality", article.quality)
    data["heat"] = article.heat
    data["published"] = article.is_published
    if article.provider:
        data["provider"] = _provider_mapping(article.provider)
    _put(data, "topics", [tagged.tag.name for tagged in article.tagged_topics.all()])
    _put(data, "images", [_image_mapping(image) for image in article.images.all()])
    _put(data, "related", [_related_mapping(link, url_keys) for link in article.related_links.all()])
    _put(data, "secured", article.secured)
    _put(data, "story", _story_mapping(article))
    for key, value in article.extra.items():
        data.setdefault(key, value)
    return data


def _story_mapping(article: Article) -> dict | None:
    """An editor's story decisions, so that importing the export keeps them; nothing for a story
    the importer made on its own (importing the files again makes it again)."""
    story = article.story
    if story is None or not (story.edited_by_editor or article.story_placed_by_editor):
        return None
    data = {"slug": story.slug}
    if story.lead_set_by_editor and story.lead_id == article.pk:
        data["lead"] = True
    if story.headline_set_by_editor and story.lead_id == article.pk:
        data["headline"] = story.headline
    return data


def _related_mapping(link, url_keys: dict) -> dict:
    data: dict = {"title": link.title}
    _put(data, "excerpt", link.excerpt)
    _put(data, "publishedDateTime", _format_datetime(link.published_at))
    data[url_keys["url"]] = link.url
    _put(data, url_keys["amp_url"], link.amp_url)
    _put(data, url_keys["cdn_amp_url"], link.cdn_amp_url)
    _put(data, "type", link.article_type)
    if link.provider:
        data["provider"] = {"name": link.provider.name, "domain": link.provider.domain}
    _put(data, "quality", link.quality)
    _put(data, "images", [{key: value for key, value in image.items() if value is not None} for image in link.images])
    for key, value in link.extra.items():
        data.setdefault(key, value)
    return data


def _provider_mapping(provider) -> dict:
    data: dict = {"name": provider.name, "domain": provider.domain}
    if provider.logo_url:
        logo = {"url": provider.logo_url}
        _put(logo, "width", provider.logo_width)
        _put(logo, "height", provider.logo_height)
        data["images"] = [logo]
    return data


def _image_mapping(image) -> dict:
    data: dict = {"url": image.url}
    _put(data, "width", image.width)
    _put(data, "height", image.height)
    _put(data, "isCached", image.is_cached)
    _put(data, "title", image.title)
    return data


def _put(data: dict, key: str, value) -> None:
    if value is not None and value != "" and value != []:
        data[key] = value


def _format_datetime(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def _file_name(article: Article, used: set[str]) -> str:
    """The article's own file name where it is safe and free; otherwise its slug."""
    candidate = PurePosixPath(article.source_path) if article.source_path else None
    # Only a name a directory import reads back: relative, no hidden parts, an article suffix.
    if (
        candidate
        and not candidate.is_absolute()
        and not any(part.startswith(".") for part in candidate.parts)
        and candidate.suffix.lower() in ARTICLE_FILE_SUFFIXES
    ):
        name = candidate.as_posix()
        if name not in used:
            return name
    name = f"{article.slug}.txt"
    return name if name not in used else f"{article.slug}-{article.pk}.txt"


def _write_atomically(path: Path, text: str) -> None:
    """Write under a hidden temporary name beside ``path`` (an import reads neither hidden names nor
    ``.tmp``), flush it to disk, then rename it into place: the name never shows a partial file."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".export-", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
            stream.flush()
            # Before the rename: after a crash, a file under its name is whole (not empty).
            os.fsync(stream.fileno())
        # mkstemp makes the file private (0600); an exported file gets the usual permissions.
        os.chmod(temporary, 0o666 & ~_umask())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _fsync_directory(directory: Path) -> None:
    """Make the renames into ``directory`` durable."""
    descriptor = os.open(directory, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
