"""The raw SQL of an import: lookups, deletes and inserts (COPY on PostgreSQL) of thousands of rows.

Every batch of an import looks up, deletes and inserts thousands of rows, and the ORM spends
longer preparing them (model instances, one ``__in`` value at a time) than the database spends
on them (bench/import_bench.py). These functions send the statements the ORM would send; so does
``link_related_to``, which resolves related links to the catalogue's articles.
"""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Iterable, Iterator, Sequence

from django.db import connections, router
from django.db.models import NOT_PROVIDED

from ..models import Article, RelatedLink

MAX_PARAMETERS = 2000  # per lookup statement (SQLite allows at most 32,766)


def select_rows(
    model,
    fields: Sequence[str],
    key: str,
    values: Sequence,
    *,
    not_null: str | None = None,
    at_most: int | None = None,
) -> list[tuple]:
    """``SELECT fields FROM model WHERE key IN values`` (and ``not_null`` IS NOT NULL), sent in chunks:
    the values as the database driver returns them. With ``at_most``, only the rows of the values
    that at most that many rows hold: the database counts the others and sends none of them."""
    connection = connections[router.db_for_write(model)]  # inside the writing transaction
    quote = connection.ops.quote_name
    table, key_column = quote(model._meta.db_table), quote(model._meta.get_field(key).column)
    columns = ", ".join(quote(model._meta.get_field(name).column) for name in fields)
    condition = f" AND {quote(model._meta.get_field(not_null).column)} IS NOT NULL" if not_null else ""
    found: list[tuple] = []
    with _bulk_cursor(connection) as cursor:
        for chunk in chunks(values, MAX_PARAMETERS):
            among, params = _one_of(connection, key_column, chunk)
            if at_most is not None:
                among = (
                    f"{key_column} IN (SELECT {key_column} FROM {table} WHERE {among}"
                    f" GROUP BY {key_column} HAVING COUNT(*) <= %s)"
                )
                params = [*params, at_most]
            cursor.execute(f"SELECT {columns} FROM {table} WHERE {among}{condition}", params)
            found.extend(cursor.fetchall())
    return found


def delete_rows(model, key: str, values: Sequence) -> None:
    """``DELETE FROM model WHERE key IN values``, for models nothing refers to and no signal watches
    (what the ORM's fast delete would do)."""
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    with _bulk_cursor(connection) as cursor:
        for chunk in chunks(values, MAX_PARAMETERS):
            among, params = _one_of(connection, quote(model._meta.get_field(key).column), chunk)
            cursor.execute(f"DELETE FROM {quote(model._meta.db_table)} WHERE {among}", params)


def _one_of(connection, column: str, values: list) -> tuple[str, list]:
    """``column IN (values)`` and its parameters; on PostgreSQL one array parameter, which it
    plans several times quicker than hundreds of separate ones."""
    if connection.vendor == "postgresql":
        return f"{column} = ANY(%s)", [values]
    return f"{column} IN ({', '.join(['%s'] * len(values))})", values


def insert_rows(
    model,
    columns: Sequence[str],
    rows: list[tuple],
    *,
    conflict: str | None = None,
    update: Sequence[str] = (),
    returning: Sequence[str] = (),
) -> list[tuple] | None:
    """INSERT ``rows``: tuples of values for the fields named in ``columns``, ready for the database
    (datetimes adapted, JSON as text, foreign keys as ids); the model's other fields take their
    defaults. With ``conflict``, an existing row with the same value of that unique field gets
    the ``update`` fields instead (``ON CONFLICT … DO UPDATE``, shared by SQLite and PostgreSQL).

    One executemany; on PostgreSQL, one COPY (its bulk path: a fraction of the work of as many
    INSERTs, for psycopg and for the server), through a temporary table when rows may conflict.

    ``returning`` (fields), with ``conflict``: on PostgreSQL, the written rows' values of those
    fields, each followed by whether the row was inserted rather than updated; None elsewhere
    (an executemany returns no rows).
    """
    if not rows:
        return [] if returning else None
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    given = [model._meta.get_field(name) for name in columns]
    # Fields the database fills itself (db_default, generated) are left out of the statement.
    defaulted = [
        field
        for field in model._meta.concrete_fields
        if not field.primary_key
        and field.name not in columns
        and not getattr(field, "generated", False)
        and field.db_default is NOT_PROVIDED
    ]
    defaults = tuple(field.get_db_prep_save(field.get_default(), connection) for field in defaulted)
    params = [row + defaults for row in rows] if defaults else rows
    table = quote(model._meta.db_table)
    column_list = ", ".join(quote(field.column) for field in given + defaulted)
    upsert = ""
    if conflict:
        conflict_column = quote(model._meta.get_field(conflict).column)
        updated_columns = [quote(model._meta.get_field(name).column) for name in update]
        upsert = f" ON CONFLICT ({conflict_column}) DO UPDATE SET " + ", ".join(
            f"{column} = EXCLUDED.{column}" for column in updated_columns
        )
    with _bulk_cursor(connection) as cursor:
        if connection.vendor != "postgresql":
            cursor.executemany(
                f"INSERT INTO {table} ({column_list}) VALUES ({', '.join(['%s'] * len(given + defaulted))}){upsert}",
                params,
            )
            return None
        if not conflict:
            _copy(cursor, table, column_list, params)
            return None
        # Emptied at every commit, so a transaction never sees another's rows.
        staging = quote(f"import_{model._meta.db_table}")
        cursor.execute(
            f"CREATE TEMPORARY TABLE IF NOT EXISTS {staging} ON COMMIT DELETE ROWS"
            f" AS SELECT {column_list} FROM {table} WITH NO DATA"
        )
        _copy(cursor, staging, column_list, params)
        # A row this statement inserted has no xmax; one it updated has this transaction's.
        returned = (
            " RETURNING " + ", ".join(quote(model._meta.get_field(name).column) for name in returning) + ", (xmax = 0)"
            if returning
            else ""
        )
        # In key order, so concurrent imports lock rows in the same order and cannot deadlock.
        cursor.execute(
            f"INSERT INTO {table} ({column_list}) SELECT {column_list} FROM {staging} ORDER BY {conflict_column}{upsert}"
            f"{returned}"
        )
        written = cursor.fetchall() if returning else None
        cursor.execute(f"DELETE FROM {staging}")
        return written


def _copy(cursor, table: str, column_list: str, rows: list[tuple]) -> None:
    statement = f"COPY {table} ({column_list}) FROM STDIN"
    connection = cursor.db
    # Logged like an executemany ("N times: …") when queries are logged, as in tests.
    logged = cursor.debug_sql(statement, rows, many=True) if connection.queries_logged else contextlib.nullcontext()
    with logged, connection.wrap_database_errors, cursor.cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(row)


@contextlib.contextmanager
def _bulk_cursor(connection) -> Iterator:
    """Django's cursor; on PostgreSQL, one that leaves binding the parameters to the server.

    Django's psycopg cursor binds them client-side, writing every value into the statement in
    Python: most of a PostgreSQL import's time. This one sends them apart, encoded by psycopg's
    C code, and lets PostgreSQL plan a repeated statement once.
    """
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            yield cursor
        return
    from django.db.backends.postgresql.base import ServerBindingCursor  # loaded already: the connection's backend

    connection.ensure_connection()
    with connection.wrap_database_errors:
        cursor = ServerBindingCursor(connection.connection)
    wrapped = connection.make_debug_cursor(cursor) if connection.queries_logged else connection.make_cursor(cursor)
    with wrapped:
        yield wrapped


def chunks(items: Iterable, size: int) -> Iterator[list]:
    iterator = iter(items)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


@contextlib.contextmanager
def tuned_for_bulk_writes() -> Iterator[None]:
    """On SQLite, while an import writes: a page cache that holds the indexes being written
    (the default 2 MiB does not, past a few thousand articles), and WAL checkpoints every
    ~80 MiB instead of every 4 MiB, so an index page that batch after batch rewrites is copied
    back to the database once rather than once per batch. Neither changes what is durable."""
    connection = connections[router.db_for_write(Article)]
    if connection.vendor != "sqlite":
        yield
        return
    settings_for_import = {"cache_size": -48 * 1024, "wal_autocheckpoint": 20_000}  # KiB; pages
    previous = {}
    with connection.cursor() as cursor:
        for name, value in settings_for_import.items():
            cursor.execute(f"PRAGMA {name}")
            previous[name] = cursor.fetchone()[0]
            cursor.execute(f"PRAGMA {name} = {int(value)}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for name, value in previous.items():
                cursor.execute(f"PRAGMA {name} = {int(value)}")


def datetimes_as_text() -> bool:
    """Whether the catalogue's database takes datetimes as text (SQLite) rather than as datetimes."""
    return connections[router.db_for_write(Article)].vendor == "sqlite"


def database_datetime(value):
    return connections[router.db_for_write(Article)].ops.adapt_datetimefield_value(value)


def link_related_to(urls: list[str]) -> None:
    """Point the unresolved related links to ``urls`` at the catalogue's articles with those URLs.

    On PostgreSQL, a link another transaction holds is skipped rather than waited for: that
    transaction is rewriting it, or resolving it, and resolves it again after it commits. Never
    waiting, this update cannot deadlock with a concurrent import.
    """
    connection = connections[router.db_for_write(RelatedLink)]
    quote = connection.ops.quote_name
    link, article = RelatedLink._meta, Article._meta
    link_table, article_table = quote(link.db_table), quote(article.db_table)
    link_id, link_url, link_article = (quote(link.get_field(name).column) for name in ("id", "url", "article"))
    article_url, article_id = (quote(article.get_field(name).column) for name in ("url", "id"))
    with _bulk_cursor(connection) as cursor:
        for chunk in chunks(urls, MAX_PARAMETERS):
            if connection.vendor == "postgresql":
                cursor.execute(
                    f"UPDATE {link_table} SET {link_article} = resolved.target FROM ("
                    f"SELECT l.{link_id} AS link, a.{article_id} AS target FROM {link_table} l"
                    f" JOIN {article_table} a ON a.{article_url} = l.{link_url}"
                    f" WHERE l.{link_url} = ANY(%s) AND l.{link_article} IS NULL FOR UPDATE OF l SKIP LOCKED"
                    f") resolved WHERE {link_table}.{link_id} = resolved.link",
                    [chunk],
                )
                continue
            among, params = _one_of(connection, link_url, chunk)
            target = f"SELECT {article_id} FROM {article_table} WHERE {article_table}.{article_url} = {link_table}.{link_url}"
            cursor.execute(
                f"UPDATE {link_table} SET {link_article} = ({target})"
                f" WHERE {among} AND {link_article} IS NULL AND EXISTS ({target})",
                params,
            )
