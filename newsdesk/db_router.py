"""Reads on the read replica only where replication lag cannot surprise anyone; everything else on the primary.

With ``DATABASE_REPLICA_URL`` set, the ``replica`` database serves the reads of anonymous
GET/HEAD requests (``ReplicaReadsMiddleware`` marks them): they change nothing, and a reader
cannot tell a page a second behind from one loaded a second earlier. Everything else reads
and writes the primary (``default``): editors (a session cookie or an ``Authorization``
header), the admin, the API's writes, every non-GET request, management commands (the
importer, ``publish_scheduled``) and migrations. So whoever changes something reads it back
at once. A marked request that writes anyway is moved to the primary for the rest of it.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

PRIMARY = "default"
REPLICA = "replica"

# Per thread (gunicorn's threads) and per request: set by ReplicaReadsMiddleware, never globally.
_reads_from_replica: ContextVar[bool] = ContextVar("newsdesk_reads_from_replica", default=False)


@contextmanager
def replica_reads() -> Iterator[None]:
    """Within this block (one request), reads go to the replica until something is written."""
    token = _reads_from_replica.set(True)
    try:
        yield
    finally:
        _reads_from_replica.reset(token)


class PrimaryReplicaRouter:
    def db_for_read(self, model, **hints) -> str:
        return REPLICA if _reads_from_replica.get() else PRIMARY

    def db_for_write(self, model, **hints) -> str:
        # Read your own writes: the replica may not have this one yet.
        _reads_from_replica.set(False)
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        return True  # the replica holds the primary's rows

    def allow_migrate(self, db, app_label, model_name=None, **hints) -> bool:
        return db == PRIMARY  # the replica gets its schema by replication
