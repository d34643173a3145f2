"""A tiny threaded HTTP server standing in for a shop that receives our webhooks: it records
every request (headers lowercased, raw body) and answers with the next queued status (200 when
none is queued)."""

import http.server
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field


@dataclass
class Receiver:
    url: str
    requests: list[dict] = field(default_factory=list)
    answers: list[int] = field(default_factory=list)  # statuses to answer with, in order


@contextmanager
def webhook_receiver() -> Iterator[Receiver]:
    receiver = Receiver(url="")

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 -- http.server's name
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            receiver.requests.append({"path": self.path, "body": body,
                                      "headers": {k.lower(): v for k, v in self.headers.items()}})
            status = receiver.answers.pop(0) if receiver.answers else 200
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    receiver.url = f"http://127.0.0.1:{server.server_port}/kontorhaus/hook"
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
