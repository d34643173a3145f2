"""What the benchmark scripts share: CPU accounting from /proc, the `kontorhaus` command, the
server's lifecycle, PostgreSQL administration and percentiles. Stdlib (+ psycopg from the
project's venv for PostgreSQL)."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

try:
    import psycopg  # in the project's venv; needed only for --db postgres
except ImportError:  # pragma: no cover
    psycopg = None

REPO = Path(__file__).resolve().parent.parent
PG_DSN_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"


def log(msg: str) -> None:
    print(f"[bench] {msg}", file=sys.stderr, flush=True)


# --- /proc accounting -------------------------------------------------------------------------


@dataclass(frozen=True)
class ProcStat:
    pid: int
    ppid: int
    comm: str
    ticks: int  # utime + stime + cutime + cstime (reaped children stay counted)


def read_stat(pid: int) -> ProcStat | None:
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return None
    # comm may contain spaces and parentheses: split at the last ')'.
    lpar, rpar = raw.index("("), raw.rindex(")")
    rest = raw[rpar + 2:].split()  # rest[0] is field 3 (state); field n is rest[n - 3]
    ticks = sum(int(rest[n - 3]) for n in (14, 15, 16, 17))
    return ProcStat(pid, int(rest[4 - 3]), raw[lpar + 1:rpar], ticks)


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return ""


def all_stats() -> dict[int, ProcStat]:
    stats = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit() and (st := read_stat(int(entry))) is not None:
            stats[st.pid] = st
    return stats


def descendants(root: int, stats: dict[int, ProcStat]) -> set[int]:
    """`root` and every process below it."""
    children: dict[int, list[int]] = {}
    for st in stats.values():
        children.setdefault(st.ppid, []).append(st.pid)
    found, todo = set(), [root]
    while todo:
        pid = todo.pop()
        if pid not in found:
            found.add(pid)
            todo.extend(children.get(pid, ()))
    return found


def percentile(sorted_values: list[float], p: float) -> float:
    if not sorted_values:
        return float("nan")
    k = max(0, min(len(sorted_values) - 1, int(round(p / 100 * len(sorted_values) + 0.5)) - 1))
    return sorted_values[k]


# --- databases, the command, the server -------------------------------------------------------


def pg_admin(sql: str) -> None:
    if psycopg is None:
        raise RuntimeError("--db postgres needs psycopg: run this with the project's venv python")
    with psycopg.connect(PG_DSN_ADMIN, autocommit=True, connect_timeout=5) as conn:
        conn.execute(sql)


def pg_drop(database: str) -> None:
    pg_admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def django_setup(db: str, var: Path, pg_database: str) -> None:
    """Django in this process on a fresh, migrated database: SQLite in `var`, or the PostgreSQL
    database `pg_database` (dropped and created anew)."""
    os.environ["KONTORHAUS_VAR"] = str(var)
    os.environ["DJANGO_SETTINGS_MODULE"] = "kontorhaus.config.settings"
    os.environ.setdefault("EMAIL_URL", "locmem://")
    if db == "postgres":
        pg_drop(pg_database)
        pg_admin(f'CREATE DATABASE "{pg_database}"')
        os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{pg_database}"
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{var / 'bench.sqlite3'}"
    sys.path.insert(0, str(REPO / "src"))
    import django  # noqa: PLC0415 -- after the environment is set
    from django.core.management import call_command  # noqa: PLC0415

    django.setup()
    call_command("migrate", verbosity=0)


def kontorhaus_bin() -> str:
    for candidate in (Path(sys.executable).parent / "kontorhaus", REPO / ".venv" / "bin" / "kontorhaus"):
        if candidate.exists():
            return str(candidate)
    found = shutil.which("kontorhaus")
    if not found:
        raise SystemExit("cannot find the `kontorhaus` command (run from the project's venv)")
    return found


def run_cli(env: dict[str, str], *argv: str) -> str:
    proc = subprocess.run([kontorhaus_bin(), *argv], env=env, capture_output=True, text=True, timeout=300)
    if proc.returncode != 0:
        raise RuntimeError(f"kontorhaus {' '.join(argv)} failed ({proc.returncode}):\n{proc.stdout}{proc.stderr}")
    return proc.stdout


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stop_server(proc: subprocess.Popen, tree_pids: set[int]) -> None:
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)  # own session: the group is just `kontorhaus serve`
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            log("server did not stop within 30 s; killing it")
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    # Children run in their own process groups; make sure none is left behind.
    for pid in tree_pids:
        if pid != proc.pid and read_stat(pid) is not None and cmdline(pid):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
                log(f"killed leftover process {pid}")
