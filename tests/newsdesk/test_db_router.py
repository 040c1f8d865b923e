"""The read replica takes anonymous GET reads only; the importer never stalls readers on SQLite.

Here the replica is what Django's TEST MIRROR makes of it (the setting DATABASE_REPLICA_URL
writes): a second connection to the test database. It sees committed rows only, so the tests
that read through it commit (``transaction=True``).
"""

import contextlib
import json
import sqlite3
import subprocess
import sys

import pytest
from django.core.exceptions import MiddlewareNotUsed
from django.db import connections
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token

from articles.models import Article
from newsdesk import db_router
from newsdesk.db_router import PRIMARY, REPLICA, PrimaryReplicaRouter
from newsdesk.middleware import ReplicaReadsMiddleware
from tests import factories
from tests.newsdesk.test_deploy import PRODUCTION, PROJECT, deployment_environment, django_process

with_replica = pytest.mark.django_db(transaction=True, databases=[PRIMARY, REPLICA])


@pytest.fixture(scope="module", autouse=True)
def replica(django_db_setup, django_db_blocker):
    """The ``replica`` alias for this module, set up as Django's test runner sets up a TEST MIRROR of ``default``."""
    primary = connections[PRIMARY].settings_dict
    connections.settings[REPLICA] = {**primary, "TEST": {**primary["TEST"], "MIRROR": PRIMARY}}
    yield
    with django_db_blocker.unblock():
        connections[REPLICA].close()
    with contextlib.suppress(AttributeError):
        del connections[REPLICA]
    del connections.settings[REPLICA]


@pytest.fixture
def queries():
    """The statements each connection ran while the block was open."""

    @contextlib.contextmanager
    def capture():
        with (
            CaptureQueriesContext(connections[PRIMARY]) as on_primary,
            CaptureQueriesContext(connections[REPLICA]) as on_replica,
        ):
            yield {PRIMARY: on_primary, REPLICA: on_replica}

    return capture


def statements(captured) -> list[str]:
    return [query["sql"] for query in captured.captured_queries]


# --- Routing ------------------------------------------------------------------------------------


def test_reads_use_the_primary_outside_a_marked_request():
    assert Article.objects.all().db == PRIMARY


def test_a_marked_request_reads_the_replica_until_it_writes():
    with db_router.replica_reads():
        assert Article.objects.all().db == REPLICA
        PrimaryReplicaRouter().db_for_write(Article)
        assert Article.objects.all().db == PRIMARY
    assert Article.objects.all().db == PRIMARY


def test_migrations_run_on_the_primary_only_and_relations_span_both():
    router = PrimaryReplicaRouter()
    assert router.allow_migrate(PRIMARY, "articles") and not router.allow_migrate(REPLICA, "articles")
    assert router.allow_relation(Article(), Article())


def test_replica_settings_come_from_the_environment():
    code = (
        "import django, json; django.setup(); from django.conf import settings as s; "
        "print(json.dumps({'replica': s.DATABASES.get('replica'), 'routers': s.DATABASE_ROUTERS}, default=str))"
    )
    replica_url = "postgres://reader@replica.internal:5432/newsdesk"
    configured = json.loads(django_process(["-c", code], **PRODUCTION, DATABASE_REPLICA_URL=replica_url).stdout)
    assert (configured["replica"]["HOST"], configured["replica"]["USER"]) == ("replica.internal", "reader")
    assert configured["replica"]["TEST"]["MIRROR"] == "default"
    assert configured["routers"] == ["newsdesk.db_router.PrimaryReplicaRouter"]
    assert json.loads(django_process(["-c", code], **PRODUCTION).stdout)["replica"] is None


def test_without_a_replica_the_middleware_steps_aside():
    replica_settings = connections.settings.pop(REPLICA)
    try:
        with pytest.raises(MiddlewareNotUsed):
            ReplicaReadsMiddleware(lambda request: None)
    finally:
        connections.settings[REPLICA] = replica_settings


# --- Requests -----------------------------------------------------------------------------------


@with_replica
def test_an_anonymous_page_reads_the_replica(client, queries):
    article = factories.article(title="Read from the replica")
    with queries() as ran:
        response = client.get(article.get_absolute_url())
    assert response.status_code == 200 and "Read from the replica" in response.content.decode()
    assert any("articles_article" in sql for sql in statements(ran[REPLICA]))


@with_replica
def test_an_anonymous_api_list_reads_the_replica(client, queries):
    factories.article()
    with queries() as ran:
        assert client.get("/api/v1/articles/").status_code == 200
    assert statements(ran[REPLICA])


@with_replica
def test_a_pages_validators_come_from_the_database_it_was_rendered_from(client, queries):
    # Else, during replication lag, a page rendered from the replica would carry the primary's newer ETag.
    article = factories.article()
    with queries() as ran:
        response = client.get(article.get_absolute_url())
    assert response.status_code == 200 and response.has_header("ETag")
    assert any("MAX(" in sql for sql in statements(ran[REPLICA]))
    assert not any("MAX(" in sql for sql in statements(ran[PRIMARY]))


@with_replica
def test_a_signed_in_editor_reads_the_primary(admin_client, queries):
    article = factories.article()
    with queries() as ran:
        assert admin_client.get(article.get_absolute_url()).status_code == 200
        assert admin_client.get("/admin/articles/article/").status_code == 200
    assert statements(ran[REPLICA]) == []
    assert statements(ran[PRIMARY])


@with_replica
def test_an_api_token_reads_the_primary(client, admin_user, queries):
    token = Token.objects.create(user=admin_user)
    factories.article()
    with queries() as ran:
        assert client.get("/api/v1/articles/", HTTP_AUTHORIZATION=f"Token {token.key}").status_code == 200
    assert statements(ran[REPLICA]) == []


@with_replica
def test_a_write_request_reads_the_primary(client, admin_user, queries):
    token = Token.objects.create(user=admin_user)
    article = factories.article(published=False)
    with queries() as ran:
        response = client.patch(
            f"/api/v1/articles/{article.slug}/",
            {"is_published": True},
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Token {token.key}",
        )
        assert response.status_code == 200 and response.json()["is_published"] is True
        assert client.post("/admin/login/", {"username": "nobody", "password": "wrong"}).status_code == 200
    assert statements(ran[REPLICA]) == []


@with_replica
def test_a_get_that_writes_reads_its_own_write_from_the_primary(rf):
    seen = {}

    def view(request):
        seen["before"] = Article.objects.all().db
        article = factories.article()
        seen["after"] = Article.objects.all().db
        seen["found"] = Article.objects.filter(pk=article.pk).exists()
        return "response"

    assert ReplicaReadsMiddleware(view)(rf.get("/")) == "response"
    assert seen == {"before": REPLICA, "after": PRIMARY, "found": True}
    assert Article.objects.all().db == PRIMARY  # the next request starts afresh


# --- SQLite: an import batch does not stall readers ---------------------------------------------

# The importer's shape: committed rows, then one batch in a transaction held open (as long as a
# batch of 500 files takes to write), with more rows than SQLite's page cache holds.
IMPORT_BATCH = """
import sys
import django
django.setup()
from django.db import connection, transaction

with connection.cursor() as cursor:
    if sys.argv[1] != "settings":
        cursor.execute(f"PRAGMA journal_mode={sys.argv[1]}")
    cursor.execute("CREATE TABLE story (body TEXT)")
    cursor.execute("INSERT INTO story VALUES ('published before the import')")
    cursor.execute("PRAGMA journal_mode")
    print(cursor.fetchone()[0], flush=True)
with transaction.atomic():
    with connection.cursor() as cursor:
        cursor.executemany("INSERT INTO story VALUES (%s)", [("x" * 4096,)] * 2000)
    print("batch open", flush=True)
    sys.stdin.readline()
"""


def read_during_an_import_batch(tmp_path, journal_mode: str) -> tuple[str, str | int]:
    """The journal mode the import's connection used, and what a reader got while its batch was open."""
    database = tmp_path / "catalogue.sqlite3"
    environment = deployment_environment(**PRODUCTION, DATABASE_URL=f"sqlite:///{database}")
    importer = subprocess.Popen(
        [sys.executable, "-c", IMPORT_BATCH, journal_mode],
        cwd=PROJECT,
        env=environment,
        text=True,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    try:
        mode = importer.stdout.readline().strip()
        assert importer.stdout.readline().strip() == "batch open"
        try:
            with contextlib.closing(sqlite3.connect(database, timeout=1)) as reader:
                seen = reader.execute("SELECT count(*) FROM story").fetchone()[0]
        except sqlite3.OperationalError as error:
            seen = str(error)
        importer.communicate("commit\n", timeout=60)
    finally:
        importer.kill()
    return mode, seen


def test_a_reader_is_not_stalled_by_an_open_import_batch_on_sqlite(tmp_path):
    assert read_during_an_import_batch(tmp_path, "settings") == ("wal", 1)  # the committed row, at once


def test_without_wal_the_same_reader_would_be_locked_out(tmp_path):
    assert read_during_an_import_batch(tmp_path, "delete") == ("delete", "database is locked")
