"""One article given as a mapping (the JSON posted to the API), written by the import's own writer.

The API's ingest is the importer through another door: it may update an existing article only
with ``articles.update_article_content``, never changes an existing article's editorial fields,
and audits what it changes (``services.articles_content_update``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import DatabaseError, transaction

from ..models import Article, EditorialChange
from ..stories.placement import wait_for_other_placements
from .files import ArticleFile
from .load import (
    REJECTED,
    Candidate,
    CatalogueWriter,
    CreatedMeanwhile,
    FileReport,
    first_line,
    link_again_after_commit,
)
from .rows import prepare_article
from .sql import datetimes_as_text


@dataclass
class MappingImport:
    """What ``import_mapping`` did: the outcome, every problem (when rejected), the warnings, the article's id."""

    outcome: str
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    article_id: int | None = None


def import_mapping(
    mapping,
    *,
    body: str = "",
    source_path: str = "api",
    user=None,
    may_update: bool = False,
) -> MappingImport:
    """Import one article given as a mapping with the file format's keys (the JSON posted to the API).

    Validated by ``parse_mapping`` exactly like a file's front matter, and written by the same
    code as ``import_files`` in one transaction: created or, on the canonical URL of an article
    of the catalogue, updated or unchanged. Updating needs ``may_update`` (else ``UpdateRefused``
    is raised and nothing is written), leaves the article's editorial values as they are (the
    mapping's ``published`` and ``quality`` count only for a new article), and is audited as made
    by ``user`` via the API; the files the article was imported from then no longer match it.
    """
    from .mapping import parse_mapping

    result = parse_mapping(mapping, body=body, source_path=source_path)
    if result.article is None:
        return MappingImport(outcome=REJECTED, problems=list(result.problems), warnings=list(result.warnings))
    article = result.article
    prepared = prepare_article(article, datetimes_as_text=datetimes_as_text())
    for attempt in range(2):
        candidate = Candidate(
            file=ArticleFile(path="", display=source_path, source_path=source_path),
            content_hash=article.fingerprint,
            report=FileReport(path=source_path, outcome=""),
            article=prepared,
        )
        writer = CatalogueWriter(
            dry_run=False, overwrite_editorial=False, via=EditorialChange.Via.API, user=user, may_update=may_update
        )
        try:
            with transaction.atomic():
                wait_for_other_placements()  # first: before any row lock (see its docstring)
                # Held until the commit: nobody changes the article between the plan's read and the write.
                Article.objects.select_for_update().filter(source_key=article.source_key).values_list("id").first()
                urls = writer._plan_and_write([candidate])
        except CreatedMeanwhile:
            if attempt:
                return MappingImport(
                    outcome=REJECTED,
                    problems=["it was being created by another writer; send it again"],
                    warnings=list(article.warnings),
                )
            continue
        except DatabaseError as error:
            return MappingImport(
                outcome=REJECTED,
                problems=[f"the database refused it ({first_line(error)})"],
                warnings=list(article.warnings),
            )
        break
    link_again_after_commit(urls)
    article_id = Article.objects.filter(source_key=article.source_key).values_list("id", flat=True).first()
    return MappingImport(outcome=candidate.report.outcome, warnings=list(article.warnings), article_id=article_id)
