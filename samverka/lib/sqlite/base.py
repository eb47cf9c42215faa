"""Django's SQLite backend, with one change: a request that only reads (GET, HEAD, OPTIONS)
starts its transaction as a plain (deferred) ``BEGIN`` instead of ``BEGIN IMMEDIATE``.

Every request runs in a transaction (``ATOMIC_REQUESTS``), and ``transaction_mode:
IMMEDIATE`` takes SQLite's one write lock at its start, so that two writers never meet in
a deadlock. But then a page that only reads waits for a long import's write transaction
too. In WAL mode a deferred transaction reads the last committed state while a writer goes
on, so pages answer during an import; requests that change something still take the
write lock at once and wait for it up to the busy timeout (``OPTIONS["timeout"]``).
"""

from __future__ import annotations

from contextvars import ContextVar

from django.db.backends.sqlite3 import base

reading_request: ContextVar[bool] = ContextVar("reading_request", default=False)


class DatabaseWrapper(base.DatabaseWrapper):
    def _start_transaction_under_autocommit(self) -> None:
        mode = getattr(self, "transaction_mode", None)
        self.cursor().execute(f"BEGIN {mode}" if mode and not reading_request.get() else "BEGIN")
