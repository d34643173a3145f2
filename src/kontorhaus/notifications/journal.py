"""The sent journal: closes most of the gap between "the SMTP server accepted the message" and
"the outbox row says sent".

Right after the server's 250 for DATA (before QUIT, before the database update, which may wait
for the write lock under load) the worker appends the e-mail's id to a local file. A worker
killed in between leaves the row in "sending"; the sweep then finds the id here and marks the
row sent instead of sending it again. A plain append survives SIGKILL (the kernel keeps the
page); only a power cut in that instant could lose it, and then the resend carries the same
Message-ID. The file lives in the data directory of the machine the worker runs on: a worker
on another machine cannot see it and falls back to resending.
"""

import os
from pathlib import Path

from django.conf import settings

ROTATE_BYTES = 1_000_000


def _path() -> Path:
    return Path(settings.KONTORHAUS["OUTBOX_JOURNAL"])


def journal_append(public_id: str) -> None:
    path = _path()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        os.write(fd, f"{public_id}\n".encode())  # one small O_APPEND write: atomic between processes
    finally:
        os.close(fd)


def journal_ids() -> set[str]:
    """Every id journaled, in the current and the previous (rotated) file."""
    ids: set[str] = set()
    for path in (_path().with_suffix(".old"), _path()):
        try:
            ids.update(line.strip() for line in path.read_text().splitlines() if line.strip())
        except FileNotFoundError:
            continue
    return ids


def journal_rotate() -> None:
    """Keep the file small: past the limit it becomes `.old` (kept for one more round)."""
    path = _path()
    try:
        if path.stat().st_size > ROTATE_BYTES:
            path.replace(path.with_suffix(".old"))
    except FileNotFoundError:
        pass
