"""SQLite with fair write transactions.

SQLite lets one writer at a time in; the others wait in its busy handler, which sleeps and
retries with growing pauses (up to 100 ms). Under load a writer that keeps missing the lock
keeps sleeping longer, so a few requests wait seconds while others get in at once, and the
task worker starves (measured: p99 1.2-4.4 s at 80 orders/s). Here every write transaction
first takes an exclusive `flock` on a file beside the database: the kernel wakes a waiter the
moment the lock is released, across threads and processes, and releases it when a process
dies, so a crash cannot leave it held. Reads (WAL) never take it.
"""

import fcntl
import os

from django.db.backends.sqlite3 import base


class DatabaseWrapper(base.DatabaseWrapper):
    _write_lock_fd: int | None = None

    def _write_lock_path(self) -> str | None:
        name = str(self.settings_dict["NAME"])
        if self.is_in_memory_db() or not name:
            return None
        return f"{name}.writelock"

    def _start_transaction_under_autocommit(self) -> None:
        path = self._write_lock_path()
        if path is not None:
            if self._write_lock_fd is None:
                self._write_lock_fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
            fcntl.flock(self._write_lock_fd, fcntl.LOCK_EX)
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
