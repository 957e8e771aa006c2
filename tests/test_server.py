"""sokbo's HTTP server (web/server.py) over real sockets: raw UTF-8 request lines, JSON errors
from the server layer itself, a busy port, and forked worker processes."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from sokbo.web.server import ServeError, bind
from tests.servers import sokbo_server


@pytest.fixture(scope="module")
def server_url(web_index: Path) -> Iterator[tuple[str, int]]:
    with sokbo_server(web_index) as address:
        yield address


def raw(address: tuple[str, int], request: bytes) -> tuple[str, dict[str, str], bytes]:
    """Send ``request`` as bytes; the status line, headers and body of the answer."""
    with socket.create_connection(address, timeout=10) as conn:
        conn.sendall(request)
        data = b""
        while chunk := conn.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    status, *lines = head.decode("latin-1").split("\r\n")
    headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines)}
    return status, headers, body


def test_a_query_typed_raw_into_the_url_is_searched(server_url: tuple[str, int]) -> None:
    status, headers, body = raw(server_url, "GET /api/search?q=동맹&category=정치 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
    assert status == "HTTP/1.1 200 OK", body[:200]
    answer = json.loads(body)
    assert answer["query"] == "동맹" and answer["total"] == 7
    escaped = raw(server_url, b"GET /api/search?q=%EB%8F%99%EB%A7%B9&category=%EC%A0%95%EC%B9%98 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    assert json.loads(escaped[2])["hits"] == answer["hits"]


def test_a_raw_utf8_path_on_the_page_works_too(server_url: tuple[str, int]) -> None:
    status, headers, body = raw(server_url, "GET /?q=동맹 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
    assert status == "HTTP/1.1 200 OK" and "‘동맹’".encode() in body


@pytest.mark.parametrize(
    ("request_bytes", "status_code", "code"),
    [(b"GET /api/search?q=a b c HTTP/1.1\r\nHost: x\r\n\r\n", "400", "bad_request"),
     (b"get /api/search HTTP/1.1\r\nHost: x\r\n\r\n", "400", "bad_request"),
     (b"GET /api/search HTTP/1.1\r\nHost: x\r\nContent-Length: nope\r\n\r\n", "400", "bad_request"),
     (b"GET /api/search HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n", "501", "not_implemented")],
    ids=["space-in-uri", "lowercase-method", "bad-content-length", "unknown-transfer-encoding"],
)
def test_errors_of_the_server_layer_are_json(server_url: tuple[str, int], request_bytes: bytes, status_code: str, code: str) -> None:
    status, headers, body = raw(server_url, request_bytes)
    assert status.split()[1] == status_code, status
    assert headers["content-type"] == "application/json; charset=utf-8"
    assert headers["x-content-type-options"] == "nosniff"
    error = json.loads(body)["error"]
    assert error["code"] == code and error["message"]


def test_a_busy_port_is_one_clear_error() -> None:
    taken = bind("127.0.0.1", 0)
    port = taken.getsockname()[1]
    with pytest.raises(ServeError, match=f"port {port} on 127.0.0.1 is already in use"):
        bind("127.0.0.1", port)
    taken.close()


def test_an_unknown_host_is_one_clear_error() -> None:
    with pytest.raises(ServeError, match="cannot listen on no-such-host.invalid:8080"):
        bind("no-such-host.invalid", 8080)


def test_forked_workers_share_the_port_and_a_dead_one_is_replaced(web_index: Path) -> None:
    """Two worker processes answer on one port; killing one brings a new one; SIGTERM stops all."""
    code = (
        "import sys\n"
        "from sokbo.web import create_app\n"
        "from sokbo.web.server import bind, serve\n"
        "app = create_app({'INDEX_DIR': sys.argv[1]})\n"
        "sock = bind('127.0.0.1', 0)\n"
        "print(sock.getsockname()[1], flush=True)\n"
        "serve(app, sock, workers=2, threads=1)\n"
    )
    parent = subprocess.Popen([sys.executable, "-c", code, str(web_index)], stdout=subprocess.PIPE, text=True)
    try:
        assert parent.stdout is not None
        address = ("127.0.0.1", int(parent.stdout.readline()))
        workers = _children(parent.pid, 2)
        pids = {_answering_pid(address) for _ in range(40)}
        assert pids <= set(workers) and pids  # every answer came from a worker
        os.kill(workers[0], signal.SIGKILL)
        replaced = _children(parent.pid, 2, without=workers[0])
        assert workers[0] not in replaced and workers[1] in replaced
        assert json.loads(raw(address, b"GET /api/search?q=%EB%8F%99%EB%A7%B9 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")[2])["total"] == 12
        parent.send_signal(signal.SIGTERM)
        assert parent.wait(timeout=20) == 0
        assert not [pid for pid in replaced if Path(f"/proc/{pid}").exists() and _state(pid) != "Z"]
    finally:
        if parent.poll() is None:
            parent.kill()


def _children(parent: int, count: int, without: int | None = None, timeout: float = 20) -> list[int]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = [
            int(p.name) for p in Path("/proc").iterdir()
            if p.name.isdigit() and _ppid(int(p.name)) == parent and int(p.name) != without and _state(int(p.name)) != "Z"
        ]
        if len(found) == count:
            return sorted(found)
        time.sleep(0.2)
    raise AssertionError(f"{count} workers of {parent} did not appear")


def _ppid(pid: int) -> int | None:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return None


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return "?"


def _answering_pid(address: tuple[str, int]) -> int:
    """The pid of the process that holds the server end of a fresh connection."""
    with socket.create_connection(address, timeout=10) as conn:
        conn.sendall(b"GET /api/health HTTP/1.1\r\nHost: x\r\n\r\n")
        conn.recv(65536)
        local = conn.getsockname()
        return _owner_of_peer(local)


def _owner_of_peer(client: tuple[str, int]) -> int:
    """Find the process whose socket's remote end is ``client`` (from /proc/net/tcp and fds)."""
    host, port = client
    wanted = f"{_hex_address(host, port)}"
    inodes = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if fields[2] == wanted:
            inodes.add(fields[9])
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            for fd in (proc / "fd").iterdir():
                target = os.readlink(fd)
                if target.startswith("socket:[") and target[8:-1] in inodes:
                    return int(proc.name)
        except OSError:
            continue
    raise AssertionError(f"no process holds the connection from {client}")


def _hex_address(host: str, port: int) -> str:
    packed = socket.inet_aton(host)
    return f"{int.from_bytes(packed, 'little'):08X}:{port:04X}"


def test_sokbo_serve_on_a_busy_port_says_so_in_one_line_and_exits_2(web_index: Path) -> None:
    from click.testing import CliRunner

    from sokbo.indexer.cli import cli

    taken = bind("127.0.0.1", 0)
    port = taken.getsockname()[1]
    try:
        result = CliRunner().invoke(cli, ["serve", "--index", str(web_index), "--port", str(port)])
    finally:
        taken.close()
    assert result.exit_code == 2
    assert result.stderr.strip() == f"Error: port {port} on 127.0.0.1 is already in use: stop what holds it, or pass --port"
    assert "Traceback" not in result.output


def test_sokbo_serve_starts_its_workers_and_answers(web_index: Path) -> None:
    """The real command: workers from SOKBO_WORKERS, a raw UTF-8 query, SIGTERM stops it cleanly."""
    port = bind("127.0.0.1", 0)
    number = port.getsockname()[1]
    port.close()
    env = {**os.environ, "SOKBO_WORKERS": "2"}
    server = subprocess.Popen(
        [sys.executable, "-m", "sokbo.indexer", "serve", "--index", str(web_index), "--port", str(number), "--threads", "2"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )
    try:
        assert server.stdout is not None
        line = server.stdout.readline()
        assert "with 2 worker(s) × 2 threads" in line, line
        _children(server.pid, 2)
        deadline = time.monotonic() + 30
        while True:
            try:
                status, _headers, body = raw(("127.0.0.1", number), "GET /api/search?q=동맹 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
                break
            except OSError:
                assert time.monotonic() < deadline
                time.sleep(0.3)
        assert status == "HTTP/1.1 200 OK" and json.loads(body)["total"] == 12
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=20) == 0
    finally:
        if server.poll() is None:
            server.kill()


@pytest.mark.parametrize("host", ["a..b", "x" * 64 + ".com", "exa mple", "h:99999", "h:port", "", ".", "a.b:-1", "[::1"])
def test_a_bad_host_is_a_json_400_on_every_route(web_client, host: str) -> None:
    for path in ("/", "/?q=동맹", "/api/search?q=동맹", "/nope", "/static/style.css"):
        response = web_client.get(path, headers={"Host": host})
        assert response.status_code == 400, (host, path)
        assert response.get_json()["error"]["code"] == "bad_host"


@pytest.mark.parametrize("host", ["localhost", "news.example.com:8080", "[::1]:8080", "127.0.0.1", "뉴스.한국", "a_b.example", "example.com."])
def test_good_hosts_pass(web_client, host: str) -> None:
    assert web_client.get("/?q=동맹", headers={"Host": host}).status_code == 200


def test_a_bad_host_over_a_real_server(server_url: tuple[str, int]) -> None:
    status, headers, body = raw(server_url, b"GET / HTTP/1.1\r\nHost: a..b\r\nConnection: close\r\n\r\n")
    assert status == "HTTP/1.1 400 Bad Request" and json.loads(body)["error"]["code"] == "bad_host"


def test_healthz_says_the_index_opens_its_generation_and_age(web_client, web_posts) -> None:
    response = web_client.get("/healthz")
    body = response.get_json()
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    assert body["status"] == "ok" and body["posts"] == len(web_posts) and body["generation"].startswith("gen-")
    assert isinstance(body["age_s"], float) and body["age_s"] >= 0 and body["updated_at"]


def test_healthz_without_an_index_is_a_json_503(empty_client) -> None:
    response = empty_client.get("/healthz")
    assert response.status_code == 503 and response.get_json()["error"]["code"] == "index_missing"


def test_the_access_log_has_one_json_line_per_request(web_client, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level("INFO", logger="sokbo.access"):
        web_client.get("/api/search", query_string={"q": "동맹", "category": "정치"})
        web_client.get("/?q=동맹")
        web_client.get("/api/search?page=0")
        web_client.get("/nope")
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.name == "sokbo.access"]
    assert [(l["path"], l["status"], l["hits"]) for l in lines] == [
        ("/api/search", 200, 7), ("/", 200, 12), ("/api/search", 400, None), ("/nope", 404, None)]
    for line in lines:
        assert line["method"] == "GET" and line["took_ms"] >= 0 and line["pid"] == os.getpid()
        assert line["bytes"] > 0 and line["time"].endswith("+00:00")
    assert "q=%EB%8F%99%EB%A7%B9" in lines[0]["query"]
