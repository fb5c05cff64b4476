"""A local SMS/WhatsApp gateway for the tests: a tiny HTTP server in a thread on a free port.

The HTTP backends really call it; it records each request and answers as told (an id, a 503, a 400). It also
signs delivery receipts the way a gateway would, for the tests to post back to the app.
"""

import itertools
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from notify.api import receipt_signed


class FakeGateway:
    def __init__(self):
        self.requests: list[dict] = []
        self.failures: list[int] = []  # statuses to answer before the next success, in order
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with gateway._lock:
                    gateway.requests.append({"path": self.path, "headers": dict(self.headers),
                                             "body": json.loads(body)})
                    status = gateway.failures.pop(0) if gateway.failures else 200
                    number = next(gateway._ids)
                if status != 200:
                    answer = {"error": "try later" if status >= 500 else "template not registered"}
                elif self.path.startswith("/whatsapp"):
                    answer = {"messaging_product": "whatsapp", "messages": [{"id": f"wamid.{number}"}]}
                else:
                    answer = {"message_id": f"gw-{number}"}
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def receipt(self, *, receipt_id: str, message_id: str, status: str, secret: str, at: float | None = None,
                **extra) -> tuple[bytes, dict]:
        """A delivery receipt's body and signed headers, as the gateway posts it."""
        body = json.dumps({"receipt_id": receipt_id, "message_id": message_id, "status": status, **extra}).encode()
        return body, receipt_signed(body, secret=secret, at=at)
