"""A minimal threaded SMTP server for tests: enough of RFC 5321 for Django's smtplib client."""

import socket
import socketserver
import threading
from dataclasses import dataclass, field


@dataclass
class Received:
    mail_from: str
    rcpt_to: list[str]
    data: bytes


@dataclass
class Mailbox:
    messages: list[Received] = field(default_factory=list)


class _Handler(socketserver.StreamRequestHandler):
    def reply(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self) -> None:
        self.reply("220 localhost test SMTP")
        mail_from, rcpt_to = "", []
        while line := self.rfile.readline():
            verb = line.decode("ascii", "replace").strip().split(" ", 1)[0].upper()
            arg = line.decode("ascii", "replace").strip()[len(verb) :].strip()
            if verb == "EHLO":
                self.wfile.write(b"250-localhost\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n")
            elif verb == "HELO":
                self.reply("250 localhost")
            elif verb == "MAIL":
                mail_from, rcpt_to = arg, []
                self.reply("250 OK")
            elif verb == "RCPT":
                rcpt_to.append(arg)
                self.reply("250 OK")
            elif verb == "DATA":
                if self.server.hold is not None:  # a slow server: lets a test kill the client mid-send
                    self.server.hold.wait()
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                data = self._read_data()
                if data is None:  # the client went away before finishing: nothing was accepted
                    return
                self.server.mailbox.messages.append(Received(mail_from, rcpt_to, data))
                self.reply("250 OK queued")
            elif verb == "QUIT":
                self.reply("221 Bye")
                return
            else:  # RSET, NOOP, ...
                self.reply("250 OK")

    def _read_data(self) -> bytes | None:
        lines = []
        while (line := self.rfile.readline()) not in (b".\r\n", b".\n"):
            if not line:
                return None
            lines.append(line[1:] if line.startswith(b"..") else line)
        return b"".join(lines)


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    address_family = socket.AF_INET


def start_smtp_server(*, hold: threading.Event | None = None) -> tuple[_Server, Mailbox]:
    """`hold`: while the event is unset, the server keeps clients waiting before DATA."""
    server = _Server(("127.0.0.1", 0), _Handler)
    server.mailbox = Mailbox()
    server.hold = hold
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, server.mailbox
