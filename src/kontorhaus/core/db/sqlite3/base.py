"""SQLite with fair write transactions.

SQLite lets one writer at a time in; the others wait in its busy handler, which sleeps and
retries with growing pauses (up to 100 ms). Under load a writer that keeps missing the lock
keeps sleeping longer, so a few requests wait seconds while others get in at once, and the
task worker starves (measured: p99 1.2-4.4 s at 80 orders/s). Here every write transaction
first takes an exclusive `flock` on a file beside the database: waiters block in the kernel and
are woken the moment it is released, across threads and processes (polling instead measured a
p99 three times worse), up to the database's busy timeout; the kernel releases it when a
process dies, so a crash cannot leave it held. A single write statement outside a transaction
(autocommit) takes it for the statement. Reads (WAL) never take it.
"""

import fcntl
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import OperationalError
from django.db.backends.sqlite3 import base
from django.db.backends.sqlite3.operations import DatabaseOperations as SQLiteOperations

from kontorhaus.core.db.document_guards import GUARD_SUFFIX

_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


class FairCursorWrapper(base.SQLiteCursorWrapper):
    database: "DatabaseWrapper"

    def _autocommit_write(self, query: str) -> bool:
        return not self.database.in_atomic_block and query.lstrip()[:7].upper().startswith(_WRITES)

    def execute(self, query, params=None):
        if self._autocommit_write(query):
            with self.database.write_lock():
                return super().execute(query, params)
        return super().execute(query, params)

    def executemany(self, query, param_list):
        if self._autocommit_write(query):
            with self.database.write_lock():
                return super().executemany(query, param_list)
        return super().executemany(query, param_list)


def _wait_for_lock(fd: int, timeout: float) -> None:
    """Block in the kernel until the lock is ours (waiters are woken the moment it is free, so
    nobody falls behind as with polling), but give up after `timeout` with "database is
    locked", so a stuck holder is an error, not a hang. The blocking call runs in a helper
    thread on a duplicate descriptor; if we gave up, it lets the lock go as soon as it gets it."""
    waiter_fd = os.dup(fd)  # the same open file description: a lock taken on it is ours
    decided = threading.Lock()
    outcome = {"state": "waiting"}
    acquired = threading.Event()

    def wait() -> None:
        try:
            fcntl.flock(waiter_fd, fcntl.LOCK_EX)
            with decided:
                if outcome["state"] == "given_up":
                    fcntl.flock(waiter_fd, fcntl.LOCK_UN)
                else:
                    outcome["state"] = "acquired"
                    acquired.set()
        finally:
            os.close(waiter_fd)

    threading.Thread(target=wait, name="sqlite-write-lock", daemon=True).start()
    if acquired.wait(timeout):
        return
    with decided:
        if outcome["state"] == "acquired":
            return
        outcome["state"] = "given_up"
    raise OperationalError("database is locked (waited for the write lock)")


class DatabaseOperations(SQLiteOperations):
    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        """Emptying the whole database lifts the issued-document guards for its DELETEs and
        puts the same triggers back (core.db.document_guards); nothing else bypasses them."""
        statements = super().sql_flush(style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade)
        if not statements:
            return statements
        with self.connection.cursor() as cursor:
            cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s",
                           [f"%{GUARD_SUFFIX}_%"])
            guards = cursor.fetchall()
        return [*(f'DROP TRIGGER "{name}"' for name, _ in guards), *statements, *(sql for _, sql in guards)]


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
    _write_lock_fd: int | None = None

    def _write_lock_path(self) -> str | None:
        name = str(self.settings_dict["NAME"])
        if self.is_in_memory_db() or not name:
            return None
        return f"{name}.writelock"

    def create_cursor(self, name=None):
        cursor = self.connection.cursor(factory=FairCursorWrapper)
        cursor.database = self
        return cursor

    def _write_lock_acquire(self) -> None:
        path = self._write_lock_path()
        if path is None:
            return
        if self._write_lock_fd is None:
            # Group-writable: a web server and a worker may run as different users of one group.
            self._write_lock_fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o660)
        try:
            fcntl.flock(self._write_lock_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            _wait_for_lock(self._write_lock_fd, self.settings_dict.get("OPTIONS", {}).get("timeout", 30))

    @contextmanager
    def write_lock(self) -> Iterator[None]:
        self._write_lock_acquire()
        try:
            yield
        finally:
            self._write_lock_release()

    def _start_transaction_under_autocommit(self) -> None:
        self._write_lock_acquire()
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            self._write_lock_release()
            raise

    def _write_lock_release(self) -> None:
        if self._write_lock_fd is not None:
            fcntl.flock(self._write_lock_fd, fcntl.LOCK_UN)

    def _commit(self) -> None:
        try:
            super()._commit()
        finally:
            self._write_lock_release()

    def _rollback(self) -> None:
        try:
            super()._rollback()
        finally:
            self._write_lock_release()

    def _close(self) -> None:
        try:
            super()._close()
        finally:
            if self._write_lock_fd is not None:
                os.close(self._write_lock_fd)  # closing the descriptor also drops the lock
                self._write_lock_fd = None
