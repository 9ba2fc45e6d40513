#!/usr/bin/env python3
"""The clients of tools/bench-loops, on loopback.

  poll.py healthz PORT OUT
      GET /healthz every 10 ms on one kept-alive HTTP/1.1 connection until SIGINT; each request's
      start (time.time()) and duration in ms, or "lost" when it took over 2 s or failed (the
      connection is then made again), one line each in OUT, written at the end.
  poll.py stream PORT TOKEN FIRST LAST OUT READY
      GET /api/v1/stream?types=event with a bearer token; creates READY once the headers have come,
      then counts the events until the one whose id is LAST (or SIGINT), and writes to OUT
      {"events": n, "expected": n, "in_order": bool}: whether the ids were FIRST, FIRST + 1, …
"""
import json
import signal
import socket
import sys
import time

TIMEOUT_S = 2.0
EVERY_S = 0.010


class Stop(Exception):
    pass


def stop(*_):
    raise Stop()


def connect(port):
    s = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT_S)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s


def one_request(s, deadline):
    """One GET /healthz on `s`; raises on a timeout, an error or a status other than 200."""
    s.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    raw = b""
    while b"\r\n\r\n" not in raw:
        s.settimeout(max(0.001, deadline - time.monotonic()))
        data = s.recv(65536)
        if not data:
            raise ConnectionError("closed")
        raw += data
    head, body = raw.split(b"\r\n\r\n", 1)
    if b" 200 " not in head.split(b"\r\n")[0]:
        raise ConnectionError(head.split(b"\r\n")[0].decode())
    length = next(int(l.split(b":")[1]) for l in head.split(b"\r\n") if l.lower().startswith(b"content-length:"))
    while len(body) < length:
        s.settimeout(max(0.001, deadline - time.monotonic()))
        data = s.recv(65536)
        if not data:
            raise ConnectionError("closed")
        body += data


def healthz(port, out):
    lines = []
    s = None
    tick = time.monotonic()
    try:
        while True:
            now = time.monotonic()
            if now < tick:
                time.sleep(tick - now)
            wall, start = time.time(), time.monotonic()
            try:
                if s is None:
                    s = connect(port)
                one_request(s, start + TIMEOUT_S)
                lines.append(f"{wall:.6f} {(time.monotonic() - start) * 1000:.3f}")
            except (OSError, ConnectionError, StopIteration, ValueError):
                lines.append(f"{wall:.6f} lost")
                if s is not None:
                    s.close()
                s = None
            # The next request 10 ms after this one's start, or at once when this one took longer.
            tick = max(start + EVERY_S, time.monotonic())
    except Stop:
        pass
    with open(out, "w") as f:
        f.write("\n".join(lines) + "\n")


def stream(port, token, first, last, out, ready):
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(f"GET /api/v1/stream?types=event HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n"
              "Accept: text/event-stream\r\n\r\n".encode())
    raw = b""
    while b"\r\n\r\n" not in raw:
        data = s.recv(65536)
        if not data:
            sys.exit("stream: closed before its headers")
        raw += data
    head, raw = raw.split(b"\r\n\r\n", 1)
    if b" 200 " not in head.split(b"\r\n")[0]:
        sys.exit(f"stream: {head.splitlines()[0].decode()}")
    chunked = b"transfer-encoding: chunked" in head.lower()
    open(ready, "w").close()
    text, events, previous, in_order = b"", 0, first - 1, True
    try:
        while previous < last:
            if chunked:
                while (j := raw.find(b"\r\n")) >= 0:
                    size = int(raw[:j].split(b";")[0], 16)
                    if len(raw) < j + 2 + size + 2:
                        break
                    text += raw[j + 2:j + 2 + size]
                    raw = raw[j + 4 + size:]
            else:
                text, raw = text + raw, b""
            end = text.rfind(b"\n\n")
            if end >= 0:
                for line in text[:end].split(b"\n"):
                    if line.startswith(b"id:"):
                        seq = int(line[3:])
                        if seq != previous + 1:
                            in_order = False
                        previous = seq
                        events += 1
                text = text[end + 2:]
            if previous >= last:
                break
            data = s.recv(1 << 20)
            if not data:
                break
            raw += data
    except Stop:
        pass
    with open(out, "w") as f:
        json.dump({"events": events, "expected": last - first + 1, "in_order": in_order}, f)


if __name__ == "__main__":
    signal.signal(signal.SIGINT, stop)
    mode = sys.argv[1]
    if mode == "healthz":
        healthz(int(sys.argv[2]), sys.argv[3])
    elif mode == "stream":
        stream(int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), sys.argv[6], sys.argv[7])
    else:
        sys.exit(f"poll.py: unknown mode {mode}")
