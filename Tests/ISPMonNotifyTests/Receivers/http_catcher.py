"""An HTTP receiver for the notification tests: records every request (method, path, headers,
body in base64) as one JSON line in LOG, and answers by path:
  /status/NNN  -> status NNN
  /hang        -> reads the request, then never answers
  anything else -> 200 {"ok":true}
Listens on HOST (the second argument: a lab host's address) or 127.0.0.1, at PORT (the third
argument: a port a config names before the catcher starts) or one the kernel chooses, and prints
its port on the first line of standard output once it listens."""
import base64
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LOG = sys.argv[1]
lock = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def handle_any(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        record = {
            "method": self.command,
            "path": self.path,
            "headers": {k.lower(): v for k, v in self.headers.items()},
            "body": base64.b64encode(body).decode(),
        }
        with lock, open(LOG, "a") as f:
            f.write(json.dumps(record) + "\n")
        if self.path.startswith("/hang"):
            time.sleep(3600)
            return
        status = 200
        if self.path.startswith("/status/"):
            status = int(self.path.split("/")[2])
        answer = json.dumps({"ok": status < 300, "status": status}).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    do_GET = do_POST = do_PUT = handle_any

    def log_message(self, *args):
        pass


server = ThreadingHTTPServer((sys.argv[2] if len(sys.argv) > 2 else "127.0.0.1",
                              int(sys.argv[3]) if len(sys.argv) > 3 else 0), Handler)
server.daemon_threads = True
print(server.server_address[1], flush=True)
server.serve_forever()
