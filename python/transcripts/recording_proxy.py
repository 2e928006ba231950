"""A recording HTTP proxy: forwards every request to one upstream server and keeps each exchange.

What it keeps is the transcript format of test/fixtures/mlflow-transcripts/README.md: one dict
per exchange (`seq`, `method`, `path`, `query`, `request_headers`, `request_json` or
`request_bytes_b64`, `status`, `response_json` or `response_bytes_b64`). Unlike the 2.12
recordings, artifact uploads keep their bodies.
"""
from __future__ import annotations

import base64
import http.client
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

ARTIFACTS = "/api/2.0/mlflow-artifacts/artifacts/"
HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade", "proxy-connection"}


class RecordingProxy:
    """Listens on 127.0.0.1 (a free port) and forwards to `upstream` (`host:port`), recording.

    `take()` returns the exchanges recorded since the last `take()`, ordered by arrival.
    """

    def __init__(self, upstream: str) -> None:
        self.upstream = upstream
        self._lock = threading.Lock()
        self._seq = 0
        self._exchanges: list[dict[str, Any]] = []
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:  # quiet
                pass

            def _read_body(self) -> bytes:
                if self.headers.get("transfer-encoding", "").lower() == "chunked":
                    chunks = []
                    while True:
                        size = int(self.rfile.readline().split(b";")[0], 16)
                        if size == 0:
                            while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                                pass
                            return b"".join(chunks)
                        chunks.append(self.rfile.read(size))
                        self.rfile.readline()
                length = int(self.headers.get("content-length") or 0)
                return self.rfile.read(length) if length else b""

            def _forward(self) -> None:
                body = self._read_body()
                with proxy._lock:
                    seq = proxy._seq
                    proxy._seq += 1
                headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
                headers["Content-Length"] = str(len(body))
                conn = http.client.HTTPConnection(proxy.upstream, timeout=600)
                try:
                    conn.request(self.command, self.path, body=body if body or self.command != "GET" else None, headers=headers)
                    res = conn.getresponse()
                    data = res.read()
                    res_headers = [(k, v) for k, v in res.getheaders() if k.lower() not in HOP_BY_HOP and k.lower() != "content-length"]
                finally:
                    conn.close()
                proxy._record(seq, self.command, self.path, self.headers.get("content-type", ""), body, res.status, res.getheader("content-type", ""), data)
                self.send_response_only(res.status)
                for k, v in res_headers:
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = _forward

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def _record(self, seq: int, method: str, target: str, content_type: str, body: bytes, status: int, res_type: str, data: bytes) -> None:
        url = urlsplit(target)
        ex: dict[str, Any] = {
            "seq": seq,
            "method": method,
            "path": url.path,
            "query": [list(p) for p in parse_qsl(url.query, keep_blank_values=True)],
            "request_headers": {"content-type": content_type},
        }
        if body:
            if content_type.startswith("application/json"):
                ex["request_json"] = json.loads(body)
            else:
                ex["request_bytes_b64"] = base64.b64encode(body).decode()
        ex["status"] = status
        # An artifact download is bytes whatever its type; every other answer is JSON when it parses.
        is_download = method == "GET" and url.path.startswith(ARTIFACTS)
        if data and not is_download:
            try:
                ex["response_json"] = json.loads(data)
            except ValueError:
                ex["response_bytes_b64"] = base64.b64encode(data).decode()
        elif data or is_download:
            ex["response_bytes_b64"] = base64.b64encode(data).decode()
        with self._lock:
            self._exchanges.append(ex)

    def take(self) -> list[dict[str, Any]]:
        """The exchanges recorded since the last call, by arrival order, numbered from 0."""
        with self._lock:
            out = sorted(self._exchanges, key=lambda e: e["seq"])
            self._exchanges = []
        base = out[0]["seq"] if out else 0
        for ex in out:
            ex["seq"] -= base
        return out

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
