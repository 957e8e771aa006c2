"""sokbo's HTTP server: waitress, taught to take a URL as people type it and to use every core.

* **Raw UTF-8 in the request line.** ``curl 'http://host/api/search?q=동맹'`` sends the
  query's bytes unescaped, and waitress answers a plain-text ``400 Bad URI``. The parser here
  percent-encodes those bytes first: exactly what a browser would have sent.
* **Errors of the server layer answer JSON** (a malformed request line, headers too large),
  with the same shape as the app's own errors.
* **Several worker processes.** Python runs one thread at a time, so one process uses one
  core. :func:`serve` loads the app (Kiwi, the index, its lexicon) in the parent, binds the
  port, then forks the workers, which share those pages copy-on-write and accept on the one
  socket; a worker that dies is replaced.

Example:
    >>> sock = bind("127.0.0.1", 0)          # doctest: +SKIP
    >>> serve(app, sock, workers=2, threads=2)   # doctest: +SKIP
"""

from __future__ import annotations

import errno
import json
import logging
import os
import re
import signal
import socket
import sys
import time
from typing import Any

from waitress.adjustments import Adjustments
from waitress.channel import HTTPChannel
from waitress.parser import HTTPRequestParser
from waitress.server import TcpWSGIServer
from waitress.task import ErrorTask, ThreadedTaskDispatcher

log = logging.getLogger("sokbo.server")

_NOT_ASCII = re.compile(rb"[\x80-\xff]")

RESPAWN_PAUSE_S = 1.0
"""Wait this long before replacing a worker that died, so a crash loop cannot spin."""


class ServeError(Exception):
    """The server cannot start (the port is taken, the address is wrong): one line for the operator."""


class Utf8RequestParser(HTTPRequestParser):
    """Waitress's parser, but a request line with raw UTF-8 bytes is percent-encoded first."""

    def parse_header(self, header_plus: bytes) -> None:
        end = header_plus.find(b"\r\n")
        line = header_plus if end < 0 else header_plus[:end]
        if not line.isascii():
            line = _NOT_ASCII.sub(lambda m: b"%%%02X" % m.group()[0], line)
            header_plus = line if end < 0 else line + header_plus[end:]
        super().parse_header(header_plus)


class JsonErrorTask(ErrorTask):
    """A server-layer error (400 Bad Request, 431, ...) as the API's JSON error body."""

    def execute(self) -> None:
        error = self.request.error
        code = re.sub(r"[^a-z0-9]+", "_", error.reason.lower()).strip("_")
        body = json.dumps({"error": {"code": code, "message": error.body or error.reason}}).encode()
        self.status = f"{error.code} {error.reason}"
        self.response_headers.extend(
            [("Content-Type", "application/json; charset=utf-8"), ("X-Content-Type-Options", "nosniff")]
        )
        self.set_close_on_finish()
        self.content_length = len(body)
        self.write(body)


class Channel(HTTPChannel):
    parser_class = Utf8RequestParser
    error_task_class = JsonErrorTask


class Server(TcpWSGIServer):
    """Waitress on an already bound socket, with sokbo's parser and errors."""

    channel_class = Channel


def bind(host: str, port: int, backlog: int = 1024) -> socket.socket:
    """A listening TCP socket on ``host:port``; a taken port or a bad address is a ServeError."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        raise ServeError(f"cannot listen on {host}:{port}: {exc.strerror}") from None
    family, kind, proto, _name, address = infos[0]
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
        sock.listen(backlog)
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise ServeError(f"port {port} on {host} is already in use: stop what holds it, or pass --port") from None
        raise ServeError(f"cannot listen on {host}:{port}: {exc.strerror}") from None
    return sock


def make_server(app: Any, sock: socket.socket, threads: int) -> Server:
    """A waitress server for ``app`` on ``sock`` with ``threads`` worker threads."""
    adj = Adjustments(threads=threads, ident="sokbo", backlog=1024, connection_limit=1000)
    dispatcher = ThreadedTaskDispatcher()
    dispatcher.set_thread_count(threads)
    info = (sock.family, socket.SOCK_STREAM, sock.proto, sock.getsockname())
    return Server(app, map={}, _sock=sock, dispatcher=dispatcher, adj=adj, sockinfo=info, bind_socket=False)


def serve(app: Any, sock: socket.socket, workers: int, threads: int) -> None:
    """Serve ``app`` on ``sock``: in this process when ``workers`` is 1, else in that many forked
    worker processes, replaced when they die, until SIGTERM or SIGINT."""
    if workers <= 1:
        make_server(app, sock, threads).run()
        return
    children: dict[int, int] = {}
    stopping = False

    def stop(signum: int, _frame: Any) -> None:
        nonlocal stopping
        stopping = True
        for pid in children:
            _kill(pid, signal.SIGTERM)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    for slot in range(workers):
        children[_fork(app, sock, threads)] = slot
    while children:
        try:
            pid, status = os.wait()
        except ChildProcessError:
            break
        except InterruptedError:
            continue
        slot = children.pop(pid, None)
        if slot is None or stopping:
            continue
        log.warning("worker %d exited (%s); starting another", pid, _how(status))
        time.sleep(RESPAWN_PAUSE_S)
        if not stopping:
            children[_fork(app, sock, threads)] = slot


def _fork(app: Any, sock: socket.socket, threads: int) -> int:
    """Start one worker process serving ``app`` on ``sock``; its pid."""
    pid = os.fork()
    if pid:
        return pid
    code = 0
    try:
        signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent stops the workers
        make_server(app, sock, threads).run()
    except BaseException:  # noqa: BLE001 - a worker reports and exits; the parent replaces it
        log.exception("worker %d failed", os.getpid())
        code = 1
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def _kill(pid: int, sig: int) -> None:
    try:
        os.kill(pid, sig)
    except ProcessLookupError:
        pass


def _how(status: int) -> str:
    if os.WIFSIGNALED(status):
        return f"signal {os.WTERMSIG(status)}"
    return f"exit code {os.waitstatus_to_exitcode(status)}"
