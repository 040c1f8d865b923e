"""Every editorial write goes through here, so the admin, the API, the importer and the scheduler share one audited path.

So does every content change made outside the importer (``articles_content_update``): an article
re-posted to the API, a correction in the admin. It is audited field by field, and the article
stops matching the files it was imported from, so the next import of one of them restores it.

An editor's decision (publish, unpublish, score) also marks the field as set by an editor,
which protects it from being overwritten by a later import of the article's file. Once the
change is committed it is logged (``newsdesk.editorial``) and the cached listings, feeds and API
lists are invalidated (``newsdesk.caching.catalogue_changed``).

The writes are set-based: publishing 10,000 articles is one audit ``INSERT … SELECT`` and two
``UPDATE`` statements, whatever the number of articles. (``bulk_create`` of the audit rows would be
batched by SQLite's 999-variable limit: 70 statements for 10,000 rows, and the old values would
travel through Python.) The single-article functions are the same path with one id.
"""

from __future__ import annotations

import contextlib
import datetime
import functools
import hashlib
import json
import logging
import operator
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from functools import partial

from django.core.exceptions import EmptyResultSet, ValidationError
from django.db import NotSupportedError, connections, models, router, transaction
from django.db.models import Case, F, Func, Q, QuerySet, Value, When
from django.utils import timezone

from newsdesk.caching import catalogue_changed

from ..models import Article, ArticleImage, EditorialChange, RelatedLink, SourceFile, TaggedTopic
from ..permissions import EDITOR_PERMISSIONS, EDITORS_GROUP
from ..stories.placement import stories_refresh

editorial_log = logging.getLogger("newsdesk.editorial")
# The articles a log line names, with their old values; the line always has the full count.
LOGGED_ARTICLES = 100

EDITOR_LOCK_FIELD = {
    EditorialChange.Field.IS_PUBLISHED: "published_set_by_editor",
    EditorialChange.Field.QUALITY: "quality_set_by_editor",
}

ArticleSelection = QuerySet | Iterable[int]
STORY_SHOWN_FIELDS = {EditorialChange.Field.IS_PUBLISHED, EditorialChange.Field.QUALITY}


@dataclass(frozen=True)
class EditorialResult:
    """What a set-based change did: ``matched`` articles now hold the value; ``changed`` of them (each audited) did not before.

    The rest says which change it was, so whatever announces changes can find its audit rows
    (``audit_records()``) without another pass over the articles.
    """

    matched: int
    changed: int
    field: str = dataclass_field(default="", compare=False)
    via: str = dataclass_field(default="", compare=False)
    user: object = dataclass_field(default=None, compare=False, repr=False)
    changed_at: datetime.datetime | None = dataclass_field(default=None, compare=False)

    def audit_records(self) -> QuerySet:
        if not self.changed:
            return EditorialChange.objects.none()
        return EditorialChange.objects.filter(
            changed_at=self.changed_at, field=self.field, via=self.via, user=self.user
        ).order_by("pk")


# --- One article ---------------------------------------------------------------------------------


def article_publish(*, article: Article, user=None, via: str = EditorialChange.Via.OTHER) -> Article:
    articles_publish(articles=[article.pk], user=user, via=via)
    article.is_published, article.published_set_by_editor, article.scheduled_publish_at = True, True, None
    return article


def article_unpublish(*, article: Article, user=None, via: str = EditorialChange.Via.OTHER) -> Article:
    articles_unpublish(articles=[article.pk], user=user, via=via)
    article.is_published, article.published_set_by_editor, article.scheduled_publish_at = False, True, None
    return article


def article_set_quality(
    *, article: Article, quality: int | None, user=None, via: str = EditorialChange.Via.OTHER
) -> Article:
    articles_set_quality(articles=[article.pk], quality=quality, user=user, via=via)
    article.quality, article.quality_set_by_editor = quality, True
    return article


def article_schedule_publication(
    *, article: Article, publish_at: datetime.datetime | None, user=None, via: str = EditorialChange.Via.OTHER
) -> Article:
    """Publish ``article`` automatically at ``publish_at`` (``publish_scheduled`` does it); ``None`` cancels.

    Scheduling is an editor's decision about publication, so it also protects the published
    flag from imports until then. The schedule itself is audited.
    """
    if publish_at is not None:
        if not isinstance(publish_at, datetime.datetime) or timezone.is_naive(publish_at):
            raise ValidationError({"scheduled_publish_at": "The publication time must be a date and time with a zone."})
        if publish_at <= timezone.now():
            raise ValidationError({"scheduled_publish_at": "The publication time must be in the future."})
        if Article.objects.filter(pk=article.pk, is_published=True).exists():
            raise ValidationError({"scheduled_publish_at": "The article is already published."})
    _articles_set_field(
        articles=[article.pk],
        field=EditorialChange.Field.SCHEDULED_PUBLISH_AT,
        value=publish_at,
        user=user,
        via=via,
        also={"published_set_by_editor": True} if publish_at is not None else {},
    )
    article.scheduled_publish_at = publish_at
    if publish_at is not None:
        article.published_set_by_editor = True
    return article


# --- Many articles -------------------------------------------------------------------------------


def articles_publish(*, articles: ArticleSelection, user=None, via: str = EditorialChange.Via.OTHER) -> EditorialResult:
    """Publish every article of ``articles`` (a queryset or ids); a pending schedule is fulfilled, so it is cleared."""
    return _articles_set_field(
        articles=articles,
        field=EditorialChange.Field.IS_PUBLISHED,
        value=True,
        user=user,
        via=via,
        also={"scheduled_publish_at": None},
    )


def articles_unpublish(
    *, articles: ArticleSelection, user=None, via: str = EditorialChange.Via.OTHER
) -> EditorialResult:
    """Unpublish every article of ``articles``; a pending schedule is cancelled too (and audited), so nothing
    an editor has just held back goes public later."""
    with transaction.atomic(using=router.db_for_write(Article)):
        result = _articles_set_field(
            articles=articles, field=EditorialChange.Field.IS_PUBLISHED, value=False, user=user, via=via
        )
        _articles_set_field(
            articles=articles, field=EditorialChange.Field.SCHEDULED_PUBLISH_AT, value=None, user=user, via=via
        )
    return result


def articles_set_quality(
    *, articles: ArticleSelection, quality: int | None, user=None, via: str = EditorialChange.Via.OTHER
) -> EditorialResult:
    validate_quality(quality)
    return _articles_set_field(
        articles=articles, field=EditorialChange.Field.QUALITY, value=quality, user=user, via=via
    )


def articles_publish_due(*, now: datetime.datetime | None = None) -> EditorialResult:
    """Publish every article whose scheduled time has come (audited as via="schedule"). Idempotent."""
    due = Article.objects.due(now or timezone.now())
    return articles_publish(articles=due, user=None, via=EditorialChange.Via.SCHEDULE)


def articles_follow_files(*, field: str, values: dict, overwrite_editorial: bool = False) -> EditorialResult:
    """Give re-imported articles their files' published flag or quality: ``values`` is ``{value: article ids}``.

    Audited as made by the import. An article whose ``field`` an editor has set keeps the editor's
    value (the mark is read again here: an editor may have acted since the import planned its
    batch), unless ``overwrite_editorial``: then the file wins. Either way the editor's mark is
    cleared. The cache is left to the import, which invalidates it once per run.
    """
    if field == EditorialChange.Field.QUALITY:
        for quality in values:
            validate_quality(quality)
    return _articles_set_field(
        values=values,
        field=field,
        user=None,
        via=EditorialChange.Via.IMPORT,
        editor_mark=False,
        keep_editor_values=not overwrite_editorial,
        invalidate=False,
    )


def validate_quality(quality: int | None) -> None:
    if quality is None:
        return
    if isinstance(quality, bool) or not isinstance(quality, int) or not 0 <= quality <= 100:
        raise ValidationError({"quality": f"Quality must be a whole number from 0 to 100, not {quality!r}."})


def editorial_changes_record(changes: Iterable[EditorialChange]) -> list[EditorialChange]:
    """Write audit rows in one query (callers pass only real changes)."""
    return EditorialChange.objects.bulk_create(list(changes))


# --- Content changed outside the importer ----------------------------------------------------------

# Recorded old → new; the others as their size and a hash (a body can be megabytes; ``secured`` is never shown).
CONTENT_AS_IS = ("title", "url", "original_url", "amp_url", "cdn_amp_url", "category", "article_type", "heat")
CONTENT_AS_DIGEST = ("excerpt", "body", "secured")


@contextlib.contextmanager
def articles_content_update(*, articles: Iterable[int], user=None, via: str) -> Iterator[None]:
    """Audit the content that the code inside the block writes to ``articles`` (ids).

    One ``EditorialChange`` per changed field (who, when, via, old → new), in the block's
    transaction. Unless ``via`` is the importer, a changed article also stops matching its files:
    the content hashes remembered for them are forgotten, and so is the article's fingerprint
    unless the block wrote a new one. The next import of any of those files then rewrites the
    article from it, whatever the file's own hash, and records that as an import update.
    The number of queries does not depend on the number of articles.
    """
    ids = sorted({int(pk) for pk in articles})
    if not ids:
        yield
        return
    user = _real_user(user)
    db = router.db_for_write(Article)
    with transaction.atomic(using=db):
        before = _content_snapshots(ids)
        yield
        after = _content_snapshots(ids)
        changes = [
            EditorialChange(article_id=pk, field=name, old_value=old, new_value=after[pk][name], user=user, via=via)
            for pk in ids
            if pk in before and pk in after
            for name, old in before[pk].items()
            if name != "content_hash" and old != after[pk][name]
        ]
        if not changes:
            return
        editorial_changes_record(changes)
        changed = sorted({change.article_id for change in changes})
        if via != EditorialChange.Via.IMPORT:
            SourceFile.objects.filter(article_id__in=changed).exclude(content_hash="").update(content_hash="")
            unchanged_fingerprint = [pk for pk in changed if after[pk]["content_hash"] == before[pk]["content_hash"]]
            if unchanged_fingerprint:
                Article.objects.filter(pk__in=unchanged_fingerprint).update(content_hash="")
        fields = {}
        for change in changes:
            fields.setdefault(change.article_id, []).append(change.field)
        transaction.on_commit(partial(_content_change_committed, fields=fields, user=user, via=via), using=db)


def _content_snapshots(ids: list[int]) -> dict[int, dict]:
    """The audited content of each article, as the audit trail records it, plus its fingerprint: four queries."""
    snapshots = {}
    for row in Article.objects.filter(pk__in=ids).values(
        "pk", *CONTENT_AS_IS, "published_at", "provider__domain", *CONTENT_AS_DIGEST, "extra", "content_hash"
    ):
        snapshots[row["pk"]] = {
            **{name: row[name] for name in CONTENT_AS_IS},
            "published_at": audit_time(row["published_at"]) if row["published_at"] else None,
            "provider": row["provider__domain"],
            **{name: _digest(row[name]) for name in CONTENT_AS_DIGEST},
            "extra": _digest(json.dumps(row["extra"], sort_keys=True) if row["extra"] else ""),
            "content_hash": row["content_hash"],
        }
    topics = _by_article(
        TaggedTopic.objects.filter(content_object__in=ids)
        .order_by("content_object", "position", "id")
        .values_list("content_object", "tag__name")
    )
    images = _by_article(
        ArticleImage.objects.filter(article__in=ids)
        .order_by("article", "position")
        .values_list("article", "url", "width", "height", "is_cached", "title")
    )
    # Which catalogue article a link resolves to is not content: ``article`` is left out.
    related = _by_article(
        RelatedLink.objects.filter(source__in=ids)
        .order_by("source", "position")
        .values_list(
            "source",
            "title",
            "excerpt",
            "url",
            "amp_url",
            "cdn_amp_url",
            "published_at",
            "article_type",
            "provider",
            "quality",
            "images",
            "extra",
        )
    )
    for pk, snapshot in snapshots.items():
        snapshot["topics"] = ", ".join(name for (name,) in topics.get(pk, []))
        snapshot["images"] = _digest(repr(images.get(pk, [])), count=len(images.get(pk, [])), unit="image")
        snapshot["related"] = _digest(repr(related.get(pk, [])), count=len(related.get(pk, [])), unit="related link")
    return snapshots


def _by_article(rows) -> dict[int, list[tuple]]:
    """``(article id, *values)`` rows as ``{article id: [values, …]}``, in their order."""
    grouped: dict[int, list[tuple]] = {}
    for pk, *values in rows:
        grouped.setdefault(pk, []).append(tuple(values))
    return grouped


def _digest(text: str, *, count: int | None = None, unit: str = "character") -> str:
    """A long value as the audit trail records it: its size and the start of its SHA-256 ("" for none)."""
    count = len(text) if count is None else count
    if not count:
        return ""
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:12]
    return f"{count:,} {unit}{'' if count == 1 else 's'}, sha256 {digest}"


def _content_change_committed(*, fields: dict[int, list[str]], user, via: str) -> None:
    username = user.get_username() if user else None
    editorial_log.info(
        "content of %d article(s) changed by %s via %s",
        len(fields),
        username or "nobody",
        via,
        extra={
            "article_count": len(fields),
            "articles": [{"id": pk, "fields": names} for pk, names in list(fields.items())[:LOGGED_ARTICLES]],
            "user": username,
            "via": via,
        },
    )
    catalogue_changed()


def editor_create(*, username: str, email: str = "", password: str | None = None):
    """Create a staff account in the Editors group, or give an existing account that role.

    Returns ``(user, created)``. An existing account keeps its password unless one is given;
    superuser status is never granted here.
    """
    from django.contrib.auth import get_user_model
    from django.contrib.auth.password_validation import validate_password

    User = get_user_model()
    with transaction.atomic():
        group = editors_group_ensure()
        user = User._default_manager.filter(**{User.USERNAME_FIELD: username}).first()
        created = user is None
        if created:
            user = User(**{User.USERNAME_FIELD: username}, email=email)
        if password is not None:
            validate_password(password, user)
            user.set_password(password)
        elif created:
            user.set_unusable_password()
        user.is_staff = True
        if email:
            user.email = email
        user.full_clean(exclude=["password"])
        user.save()
        user.groups.add(group)
    return user, created


def editors_group_ensure():
    """The Editors group with exactly ``EDITOR_PERMISSIONS`` (created if missing)."""
    from django.contrib.auth.models import Group, Permission
    from django.db.models import Q

    wanted = Q()
    for app_label, codename in EDITOR_PERMISSIONS:
        wanted |= Q(content_type__app_label=app_label, codename=codename)
    permissions = list(Permission.objects.filter(wanted))
    if len(permissions) != len(EDITOR_PERMISSIONS):
        raise RuntimeError("Some editor permissions are missing; run `manage.py migrate` first.")
    group, _ = Group.objects.get_or_create(name=EDITORS_GROUP)
    group.permissions.set(permissions)
    return group


# --- The one write path --------------------------------------------------------------------------


def _articles_set_field(
    *,
    field: str,
    user,
    via: str,
    articles: ArticleSelection | None = None,
    value=None,
    values: dict | None = None,
    also: dict | None = None,
    editor_mark: bool = True,
    keep_editor_values: bool = False,
    invalidate: bool = True,
) -> EditorialResult:
    """Set ``field`` to ``value`` on the selected ``articles`` (or each value of ``values``, ``{value: articles}``, on
    its articles), audit each real change, set the editor's mark to ``editor_mark``.

    1. lock the selected rows (PostgreSQL; SQLite's IMMEDIATE transactions already serialise writers)
       and count them (with ``keep_editor_values``, only those whose field no editor has set);
    2. ``INSERT INTO audit … SELECT`` one row per article whose value differs, old value read by the database;
    3. ``UPDATE`` the rows that already held the value (only the mark and ``also`` change);
    4. ``UPDATE`` exactly the rows audited in step 2, so no value ever changes without its audit row,
       even if a concurrent import makes more rows match a filtered selection meanwhile;
    5. once committed (not before: a rolled-back change is neither logged nor invalidates anything),
       log the change and (unless told not to) invalidate the cached listings (a new catalogue generation).

    The statements are the same whatever the number of articles (values: one CASE branch per distinct value).
    """
    groups = {value: articles} if values is None else values
    lock_field = EDITOR_LOCK_FIELD.get(field)
    marks = {**({lock_field: editor_mark} if lock_field else {}), **(also or {})}
    among = {value: _selection(selected) for value, selected in groups.items()}
    if len(among) == 1:
        [(value, _)] = among.items()
        new = value
    else:
        new = Case(
            *[When(condition, then=Value(value)) for value, condition in among.items()],
            default=Value(None),
            output_field=Article._meta.get_field(field),
        )
    holds = _any(condition & _holds(field, value) for value, condition in among.items())
    differs = _any(condition & ~_holds(field, value) for value, condition in among.items())
    target = Article.objects.filter(_any(among.values()))
    if keep_editor_values and lock_field:
        target = target.filter(**{lock_field: False})
    user = _real_user(user)
    db = router.db_for_write(Article)
    connection = connections[db]
    with transaction.atomic(using=db):
        matched = _lock_and_count(target, connection)
        if not matched:
            return EditorialResult(0, 0, field=field, via=via, user=user)
        now = timezone.now()
        changed = _audit_insert_select(
            target.filter(differs), field=field, value=new, user=user, via=via, now=now, connection=connection
        )
        target.filter(holds).update(**{field: new}, **marks)
        result = EditorialResult(matched, changed, field=field, via=via, user=user, changed_at=now if changed else None)
        if changed:
            audited = result.audit_records()
            Article.objects.filter(pk__in=audited.values("article_id")).update(**{field: new}, **marks)
            if field in STORY_SHOWN_FIELDS:
                # A story's published count, lead and headline follow its articles' flags and scores.
                stories_refresh(
                    Article.objects.filter(pk__in=audited.values("article_id"), story__isnull=False).values("story_id")
                )
            logged = audited.values_list("article_id", "old_value", "new_value")[:LOGGED_ARTICLES]
            transaction.on_commit(
                partial(
                    _editorial_change_committed,
                    field=field,
                    value=new if len(among) == 1 else _VARIOUS,
                    user=user,
                    via=via,
                    count=changed,
                    changes=list(logged),
                    invalidate=invalidate,
                ),
                using=db,
            )
    return result


_VARIOUS = object()  # the new value of a change that gave each article its own


def _editorial_change_committed(
    *, field: str, value, user, via: str, count: int, changes: list[tuple], invalidate: bool
) -> None:
    """The one log line of an editorial change, whichever door it came through; then the cache, once committed."""
    username = user.get_username() if user else None
    articles = [{"id": article_id, "old_value": old} for article_id, old, _ in changes]
    if value is _VARIOUS:
        new_value, shown = None, "each file's value"
        for entry, (_, _, new) in zip(articles, changes, strict=True):
            entry["new_value"] = new
    else:
        new_value = audit_time(value) if isinstance(value, datetime.datetime) else value
        shown = json.dumps(new_value)
    editorial_log.info(
        "%s set to %s on %d article(s) by %s via %s",
        field,
        shown,
        count,
        username or "nobody",
        via,
        extra={
            "field": field,
            "new_value": new_value,
            "article_count": count,
            "articles": articles,
            "user": username,
            "via": via,
        },
    )
    if invalidate:
        catalogue_changed()


def _holds(field: str, value) -> Q:
    return Q(**{f"{field}__isnull": True}) if value is None else Q(**{field: value})


def _any(conditions: Iterable[Q]) -> Q:
    return functools.reduce(operator.or_, conditions)


def _selection(articles: ArticleSelection) -> Q:
    if isinstance(articles, QuerySet):
        if articles.model is not Article:
            raise TypeError(f"Expected a queryset of articles, not of {articles.model.__name__}.")
        # A plain "id IN (subquery)": the caller's ordering, joins and annotations don't leak into the UPDATEs.
        return Q(pk__in=articles.order_by().values("pk"))
    return Q(pk__in=[int(pk) for pk in articles])


def _lock_and_count(target: QuerySet, connection) -> int:
    if not connection.features.has_select_for_update:
        return target.count()
    try:
        sql, params = target.select_for_update().values("pk").query.get_compiler(connection=connection).as_sql()
    except EmptyResultSet:  # an empty id list or .none(): nothing to lock
        return 0
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM ({sql}) locked", params)
        return cursor.fetchone()[0]


def _audit_insert_select(changed: QuerySet, *, field: str, value, user, via: str, now, connection) -> int:
    """One ``INSERT … SELECT`` writing an audit row per article of ``changed``; returns how many."""
    expression = isinstance(value, Case)
    new_column = {"audit_new": _AuditJSON(value)} if expression else {}
    rows = changed.order_by().values(audit_article=F("pk"), audit_old=_AuditJSON(F(field)), **new_column)
    select_sql, select_params = rows.query.get_compiler(connection=connection).as_sql()
    if expression:
        new_sql, new_params = "s.audit_new", []
    elif value is None:
        new_sql, new_params = "NULL", []
    else:
        encoded = audit_time(value) if isinstance(value, datetime.datetime) else value
        new_sql = "%s::jsonb" if connection.vendor == "postgresql" else "%s"
        new_params = [json.dumps(encoded)]
    meta = EditorialChange._meta
    quote = connection.ops.quote_name
    columns = ", ".join(
        quote(meta.get_field(name).column)
        for name in ("article", "field", "old_value", "new_value", "user", "via", "changed_at")
    )
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({columns}) "
        f"SELECT s.audit_article, %s, s.audit_old, {new_sql}, %s, %s, %s FROM ({select_sql}) s"
    )
    # The constants come first in the SQL text, then the SELECT's own parameters.
    params = [field, *new_params, user.pk if user else None, via, connection.ops.adapt_datetimefield_value(now)]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *select_params])
        return cursor.rowcount


# The audit trail's one form of a time, whoever writes it: ISO 8601 in UTC with microseconds.
_PG_AUDIT_TIME = 'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"'


def audit_time(value: datetime.datetime) -> str:
    return value.astimezone(datetime.UTC).isoformat(timespec="microseconds")


class _AuditJSON(Func):
    """A column's value as the JSON the audit trail stores; SQL NULL stays NULL (as the ORM stores ``None``).

    Times take one canonical form (``audit_time``) on both databases.
    """

    output_field = models.JSONField()

    def as_sql(self, compiler, connection, **extra_context):
        raise NotSupportedError(f"Set-based editorial changes support SQLite and PostgreSQL, not {connection.vendor}.")

    def as_postgresql(self, compiler, connection, **extra_context):
        template = "to_jsonb(%(expressions)s)"
        if self.source_expressions[0].output_field.get_internal_type() == "DateTimeField":
            template = f"to_jsonb(to_char(%(expressions)s AT TIME ZONE 'UTC', '{_PG_AUDIT_TIME}'))"
        return super().as_sql(compiler, connection, template=template, **extra_context)

    def as_sqlite(self, compiler, connection, **extra_context):
        kind = self.source_expressions[0].output_field.get_internal_type()
        template = {
            "BooleanField": "CASE WHEN %(expressions)s IS NULL THEN NULL WHEN %(expressions)s THEN 'true' ELSE 'false' END",
            # Stored as "YYYY-MM-DD HH:MM:SS[.ffffff]" in UTC (no fraction when it is zero).
            "DateTimeField": (
                "CASE WHEN %(expressions)s IS NULL THEN NULL ELSE json_quote(replace(%(expressions)s, ' ', 'T') "
                "|| CASE WHEN instr(%(expressions)s, '.') > 0 THEN '' ELSE '.000000' END || '+00:00') END"
            ),
        }.get(kind, "CAST(%(expressions)s AS TEXT)")
        # The templates name the value more than once: its parameters (a CASE's, for one value per
        # article) must be given once per mention.
        sql, params = compiler.compile(self.source_expressions[0])
        return template.replace("%(expressions)s", sql), tuple(params) * template.count("%(expressions)s")


def _real_user(user):
    return user if user is not None and getattr(user, "is_authenticated", False) else None
