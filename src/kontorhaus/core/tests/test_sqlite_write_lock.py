import time

import pytest
from django.db import OperationalError

from kontorhaus.core.db.sqlite3.base import DatabaseWrapper


def wrapper(path, timeout):
    settings = {"NAME": str(path), "OPTIONS": {"timeout": timeout}, "ENGINE": "kontorhaus.core.db.sqlite3",
                "TIME_ZONE": None, "CONN_MAX_AGE": 0, "CONN_HEALTH_CHECKS": False, "AUTOCOMMIT": True,
                "ATOMIC_REQUESTS": False, "USER": "", "PASSWORD": "", "HOST": "", "PORT": "", "TEST": {}}
    return DatabaseWrapper(settings)


def test_a_second_writer_waits_and_then_gives_up_with_database_is_locked(tmp_path):
    # given one connection holding the write lock of a database file
    first, second = wrapper(tmp_path / "db.sqlite3", 5), wrapper(tmp_path / "db.sqlite3", 0.3)
    first._write_lock_acquire()
    # when a second one wants it, it waits its busy timeout and then fails clearly
    started = time.monotonic()
    with pytest.raises(OperationalError, match="database is locked"):
        second._write_lock_acquire()
    assert time.monotonic() - started >= 0.3
    # and once the first lets go, the second gets it at once
    first._write_lock_release()
    second._write_lock_acquire()
    second._write_lock_release()
    first._close()
    second._close()


def test_in_memory_databases_take_no_lock(tmp_path):
    memory = wrapper(":memory:", 0.1)
    memory._write_lock_acquire()
    assert memory._write_lock_fd is None
