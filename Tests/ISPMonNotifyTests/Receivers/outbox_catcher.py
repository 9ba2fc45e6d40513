"""An HTTP receiver on loopback for the notifier's tests: it appends one JSON line per request
(its Idempotency-Key and body) to LOG, and answers as MODE says:
  ok        200 to every request
  fail:N    500 to the first N requests, then 200
  hang      accepts and reads the request, never answers
Prints "listening PORT" once bound (port 0: the system picks one).
Usage: outbox_catcher.py PORT LOG MODE
"""
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

port, log, mode = int(sys.argv[1]), sys.argv[2], sys.argv[3]
lock = threading.Lock()
seen = [0]


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        with lock:
            seen[0] += 1
            n = seen[0]
            with open(log, "a") as f:
                f.write(json.dumps({"key": self.headers.get("Idempotency-Key"), "body": body.decode("utf-8", "replace")}) + "\n")
        if mode == "hang":
            time.sleep(3600)
            return
        status = 200
        if mode.startswith("fail:") and n <= int(mode.split(":")[1]):
            status = 500
        answer = b"accepted" if status == 200 else b"broken"
        self.send_response(status)
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args):
        pass


server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
server.daemon_threads = True
print("listening", server.server_address[1], flush=True)
server.serve_forever()
