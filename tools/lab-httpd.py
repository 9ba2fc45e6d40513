#!/usr/bin/env python3
"""lab-httpd — the lab's web server (tools/netlab) and the tests' speed-test server.

  GET  /download?bytes=N   N bytes (zeros), with Content-Length
  POST /upload             reads and discards the body (until Content-Length or the
                           client stops sending), then 200
  GET  /status/CODE        an empty answer with that status
  GET  anything else       200 "ok"

Usage: lab-httpd.py PORT [BIND_ADDRESS [CERT_FILE KEY_FILE]]   (default 127.0.0.1; with a
certificate and key it speaks https)
"""
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlparse, parse_qs

BLOCK = b"\0" * 65536


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):
        url = urlparse(self.path)
        if url.path == "/download":
            n = int(parse_qs(url.query).get("bytes", ["1000000"])[0])
            self.send_response(200)
            self.send_header("Content-Length", str(n))
            self.end_headers()
            try:
                while n > 0:
                    k = min(n, len(BLOCK))
                    self.wfile.write(BLOCK[:k])
                    n -= k
            except (BrokenPipeError, ConnectionResetError):
                pass
            return
        if url.path.startswith("/status/"):
            self.send_response(int(url.path.rsplit("/", 1)[1]))
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = b"ok\n"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        left = int(self.headers.get("Content-Length", "0"))
        try:
            while left > 0:
                chunk = self.rfile.read(min(left, 65536))
                if not chunk:
                    return
                left -= len(chunk)
        except ConnectionResetError:
            return
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()


if __name__ == "__main__":
    port = int(sys.argv[1])
    bind = sys.argv[2] if len(sys.argv) > 2 else "127.0.0.1"
    server = ThreadingHTTPServer((bind, port), Handler)
    if len(sys.argv) > 4:
        import ssl
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(sys.argv[3], sys.argv[4])
        server.socket = context.wrap_socket(server.socket, server_side=True)
    server.serve_forever()
