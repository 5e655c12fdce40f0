"""A small LibreTranslate-protocol server on 127.0.0.1 for tests and benchmarks.

``POST /translate`` takes ``q``, ``source``, ``target``, ``format``, ``api_key`` from the
query string, a form body or a JSON body and answers ``{"translatedText": "[uk] " + q}``;
``GET /languages`` lists what it serves.  Fault modes (settable while running):
``fail_status`` (every translate answers that status), ``fail_after`` (500 once N
translate requests were served), ``rate_limit`` (429 on every other request), ``hang``
(accept and never answer; released at shutdown), ``garbage`` (200 with HTML) and
``latency_ms``.  Every request is logged in ``server.log``.

In tests::

    with LibreServer() as server:
        os.environ["TRANSDESK_LIBRE_URL"] = server.url

Standalone, for benchmarks::

    python tests/libre_server.py --port 5000 --latency-ms 50
"""

from __future__ import annotations

import argparse
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

LANGUAGES = {"en": "English", "ru": "Russian", "uk": "Ukrainian"}


@dataclass
class LoggedRequest:
    method: str
    path: str
    query: dict[str, str]  # fields from the query string
    body: dict[str, str]  # fields from a form or JSON body
    headers: dict[str, str]
    status: int | None = None  # None while unanswered (hanging)

    @property
    def fields(self) -> dict[str, str]:
        return {**self.body, **self.query}


@dataclass
class Faults:
    fail_status: int | None = None
    fail_after: int | None = None
    rate_limit: bool = False
    hang: bool = False
    garbage: bool = False
    latency_ms: float = 0.0


@dataclass
class _State:
    faults: Faults
    languages: dict[str, str]
    api_key: str | None
    log: list[LoggedRequest] = field(default_factory=list)
    translate_count: int = 0
    in_flight: int = 0
    most_in_flight: int = 0  # the most /translate requests the server held at once
    lock: threading.Lock = field(default_factory=threading.Lock)
    stopping: threading.Event = field(default_factory=threading.Event)


class _Handler(BaseHTTPRequestHandler):
    server_version = "FakeLibre/1.0"
    protocol_version = "HTTP/1.1"

    @property
    def state(self) -> _State:
        return self.server.state  # type: ignore[attr-defined,no-any-return]

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def do_GET(self) -> None:
        entry = self._record({})
        if urlsplit(self.path).path.rstrip("/") == "/languages":
            codes = list(self.state.languages)
            body = [
                {"code": code, "name": name, "targets": [c for c in codes if c != code]}
                for code, name in self.state.languages.items()
            ]
            self._send(entry, 200, body)
        else:
            self._send(entry, 404, {"error": "Not Found"})

    def do_POST(self) -> None:
        entry = self._record(self._read_body())
        if urlsplit(self.path).path.rstrip("/") != "/translate":
            self._send(entry, 404, {"error": "Not Found"})
            return
        state = self.state
        with state.lock:
            state.translate_count += 1
            count = state.translate_count
            state.in_flight += 1
            state.most_in_flight = max(state.most_in_flight, state.in_flight)
        self._held = True
        try:
            self._answer(entry, count)
        finally:
            self._release()

    def _release(self) -> None:
        """The request no longer held: before its answer is written (a client that
        reads the answer and sends the next request must not find this one counted)."""
        if getattr(self, "_held", False):
            self._held = False
            with self.state.lock:
                self.state.in_flight -= 1

    def _answer(self, entry: LoggedRequest, count: int) -> None:
        state = self.state
        faults = state.faults
        if faults.latency_ms:
            time.sleep(faults.latency_ms / 1000)
        if faults.hang:
            state.stopping.wait()  # never answer; shutdown releases the thread
            self.close_connection = True
            return
        if faults.fail_status is not None:
            self._send(entry, faults.fail_status, {"error": "Simulated failure"})
        elif faults.fail_after is not None and count > faults.fail_after:
            self._send(entry, 500, {"error": "Simulated failure"})
        elif faults.rate_limit and count % 2 == 1:
            self._send(entry, 429, {"error": "Slowdown: too many requests"})
        elif faults.garbage:
            self._send_raw(entry, 200, b"<html><body>Bad gateway</body></html>", "text/html")
        else:
            self._translate(entry)

    def _translate(self, entry: LoggedRequest) -> None:
        fields = entry.fields
        q, source, target = fields.get("q"), fields.get("source"), fields.get("target")
        if self.state.api_key is not None and fields.get("api_key") != self.state.api_key:
            self._send(entry, 403, {"error": "Invalid API key"})
        elif not q:
            self._send(entry, 400, {"error": "Invalid request: missing q parameter"})
        elif source not in self.state.languages or target not in self.state.languages:
            self._send(entry, 400, {"error": f"{source}-{target} is not supported"})
        else:
            self._send(entry, 200, {"translatedText": f"[{target}] {q}"})

    def _read_body(self) -> dict[str, str]:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        if not raw:
            return {}
        if "json" in (self.headers.get("Content-Type") or ""):
            try:
                data = json.loads(raw)
            except ValueError:
                return {}
            return {k: str(v) for k, v in data.items()} if isinstance(data, dict) else {}
        return {k: v[-1] for k, v in parse_qs(raw.decode("utf-8", "replace")).items()}

    def _record(self, body: dict[str, str]) -> LoggedRequest:
        query = {k: v[-1] for k, v in parse_qs(urlsplit(self.path).query).items()}
        entry = LoggedRequest(
            method=self.command,
            path=urlsplit(self.path).path,
            query=query,
            body=body,
            headers=dict(self.headers.items()),
        )
        with self.state.lock:
            self.state.log.append(entry)
        return entry

    def _send(self, entry: LoggedRequest, status: int, payload: Any) -> None:
        raw = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        self._send_raw(entry, status, raw, "application/json")

    def _send_raw(self, entry: LoggedRequest, status: int, raw: bytes, ctype: str) -> None:
        entry.status = status
        self._release()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)


class LibreServer:
    """The server, run in a daemon thread on a free port of 127.0.0.1."""

    def __init__(
        self,
        port: int = 0,
        api_key: str | None = None,
        languages: dict[str, str] | None = None,
        **faults: Any,
    ) -> None:
        self.faults = Faults(**faults)
        self._state = _State(self.faults, dict(languages or LANGUAGES), api_key)
        self._httpd = ThreadingHTTPServer(("127.0.0.1", port), _Handler)
        self._httpd.daemon_threads = True
        self._httpd.state = self._state  # type: ignore[attr-defined]
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    @property
    def log(self) -> list[LoggedRequest]:
        with self._state.lock:
            return list(self._state.log)

    @property
    def most_in_flight(self) -> int:
        """The most translate requests that were being answered at the same time."""
        with self._state.lock:
            return self._state.most_in_flight

    def reset_in_flight(self) -> None:
        with self._state.lock:
            self._state.most_in_flight = 0

    def translations(self) -> list[LoggedRequest]:
        """The logged ``POST /translate`` requests."""
        return [r for r in self.log if r.method == "POST" and r.path == "/translate"]

    def start(self) -> LibreServer:
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._state.stopping.set()  # release hanging handlers
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(5)

    def __enter__(self) -> LibreServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=5000)
    parser.add_argument("--latency-ms", type=float, default=0.0)
    parser.add_argument("--api-key", default=None, help="require this key")
    parser.add_argument("--fail-status", type=int, default=None)
    parser.add_argument("--fail-after", type=int, default=None)
    parser.add_argument("--rate-limit", action="store_true", help="429 every other request")
    parser.add_argument("--hang", action="store_true")
    parser.add_argument("--garbage", action="store_true")
    args = parser.parse_args()
    server = LibreServer(
        port=args.port,
        api_key=args.api_key,
        latency_ms=args.latency_ms,
        fail_status=args.fail_status,
        fail_after=args.fail_after,
        rate_limit=args.rate_limit,
        hang=args.hang,
        garbage=args.garbage,
    )
    print(f"LibreTranslate test server on {server.url} (Ctrl-C stops)", flush=True)
    try:
        server._httpd.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server._state.stopping.set()
        server._httpd.server_close()


if __name__ == "__main__":
    main()
