"""The `kontorhaus` command as a user runs it: real processes on a throwaway SQLite database."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

BIN = Path(sys.executable).with_name("kontorhaus")
KONTORHAUS = [str(BIN)] if BIN.exists() else [sys.executable, "-m", "kontorhaus.cli"]


def _env(var: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env.update(DATABASE_URL=f"sqlite:///{var / 'cli.sqlite3'}", KONTORHAUS_VAR=str(var), LANG="C.UTF-8")
    return env


def _run(var: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*KONTORHAUS, *args], env=_env(var), input=stdin if stdin is not None else "",
        capture_output=True, text=True, timeout=120,
    )


@pytest.fixture(scope="module")
def var(tmp_path_factory) -> Path:
    """A migrated database, once per module (a fresh migrate takes about a second)."""
    var = tmp_path_factory.mktemp("kontorhaus-var")
    result = _run(var, "migrate")
    assert result.returncode == 0, result.stderr
    return var


def test_help_works_without_a_database(tmp_path):
    env = _env(tmp_path / "does-not-exist")
    env["DATABASE_URL"] = "postgres://nobody@127.0.0.1:1/none"
    result = subprocess.run([*KONTORHAUS, "--help"], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0
    for command in ("serve", "worker", "migrate", "demo", "createuser", "token"):
        assert command in result.stdout


def test_token_create_then_list(var):
    # when
    created = _run(var, "token", "create", "--name", "shop")
    listed = _run(var, "token", "list")

    # then
    assert created.returncode == 0, created.stderr
    plaintext = created.stdout.strip()
    assert plaintext.startswith("kh_")
    assert "shown only this once" in created.stderr
    assert listed.returncode == 0, listed.stderr
    assert "shop" in listed.stdout
    assert plaintext[:8] in listed.stdout
    assert plaintext not in listed.stdout


def test_duplicate_token_name_is_a_clear_error(var):
    assert _run(var, "token", "create", "--name", "dup").returncode == 0

    result = _run(var, "token", "create", "--name", "dup")

    assert result.returncode != 0
    assert "already exists" in result.stderr
    assert "Traceback" not in result.stderr


def test_token_revoke(var):
    _run(var, "token", "create", "--name", "old")

    revoked = _run(var, "token", "revoke", "--name", "old")
    unknown = _run(var, "token", "revoke", "--name", "never-made")

    assert revoked.returncode == 0, revoked.stderr
    assert "revoked" in _run(var, "token", "list").stdout
    assert unknown.returncode != 0
    assert "never-made" in unknown.stderr


def test_token_create_without_name_is_a_usage_error(var):
    result = _run(var, "token", "create")

    assert result.returncode == 2
    assert "--name" in result.stderr


def test_createuser_without_password_when_not_interactive_exits_2(var):
    result = _run(var, "createuser", "alice")

    assert result.returncode == 2
    assert "--password" in result.stderr


def test_createuser_with_password(var):
    created = _run(var, "createuser", "bob", "--password", "correct-horse-battery")
    again = _run(var, "createuser", "bob", "--password", "correct-horse-battery")

    assert created.returncode == 0, created.stderr
    assert again.returncode == 1
    assert "already exists" in again.stderr


def test_unmigrated_database_is_a_clear_error(tmp_path):
    result = _run(tmp_path, "token", "list")

    assert result.returncode == 1
    assert "migrate" in result.stderr
    assert "Traceback" not in result.stderr


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(url: str, timeout: float) -> int:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return response.status
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


@pytest.mark.slow
def test_serve_answers_and_stops_cleanly_on_sigterm(var):
    # given
    port = _free_port()
    server = subprocess.Popen(
        [*KONTORHAUS, "serve", "--port", str(port), "--workers", "1", "--threads", "2"],
        env=_env(var), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        # when
        status = _wait_for(f"http://127.0.0.1:{port}/admin/login/", timeout=30)
        server.send_signal(signal.SIGTERM)
        output, _ = server.communicate(timeout=30)
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()

    # then
    assert status == 200
    assert server.returncode == 0, output
    assert f"http://127.0.0.1:{port}/" in output


def test_warehouse_commands_pass_their_arguments_through(var):
    # when a warehouse and a bin are made, listed, and a command's help is asked for
    created = _run(var, "warehouse", "create", "HH", "Hamburg")
    binned = _run(var, "warehouse", "bin-create", "HH", "A-01-1", "--walk-order", "5")
    listed = _run(var, "warehouse", "bins", "HH")
    helped = _run(var, "stock", "--help")
    nothing = _run(var, "pick-run", "create", "--batch", "5")
    # then each went to its management command, errors included
    assert (created.returncode, binned.returncode, listed.returncode) == (0, 0, 0), binned.stderr
    assert "A-01-1" in listed.stdout
    assert helped.returncode == 0 and "export-csv" in helped.stdout
    assert nothing.returncode != 0 and "no released order" in nothing.stderr
