#!/usr/bin/env python3
"""Clients that ask for a large answer and read none of it (issue 18), against a running server
on 127.0.0.1, and what the server holds for them.

  slow-readers.py PORT TOKEN PID N
      Reads one whole GET /api/v1/events?limit=10000 first (with the bearer TOKEN), then opens N
      connections that each send that request and never read. Prints, before them and 3, 10, 35
      and 70 s after: the server's memory (VmRSS, RssAnon and RssFile of /proc/PID/status, MB), the
      bytes the kernel holds unsent on the server's connections (the tx_queue of its sockets in
      /proc/net/tcp, MB) and how many of those connections are still established.

Numbers are reported, never asserted (SlowReaderTests asserts the behaviour).
"""
import socket
import sys
import time


def server_sockets(port):
    """(state, tx_queue) of each socket whose local port is PORT (the server's side)."""
    rows = []
    with open("/proc/net/tcp") as table:
        for line in table.readlines()[1:]:
            f = line.split()
            if int(f[1].split(":")[1], 16) == port:
                rows.append((f[3], int(f[4].split(":")[0], 16)))
    return rows


def report(label, port, pid):
    memory = {}
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "RssAnon", "RssFile"):
                memory[key] = int(value.split()[0]) // 1024
    sockets = server_sockets(port)
    queued = sum(q for _, q in sockets) / (1 << 20)
    established = sum(1 for state, _ in sockets if state == "01")
    print(f"{label}: VmRSS {memory['VmRSS']} MB, RssAnon {memory['RssAnon']} MB, RssFile {memory['RssFile']} MB, "
          f"unsent in the kernel {queued:.0f} MB, established {established}", flush=True)


def main():
    port, token, pid, n = int(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4])
    request = (f"GET /api/v1/events?limit=10000 HTTP/1.1\r\nHost: 127.0.0.1\r\n"
               f"Authorization: Bearer {token}\r\n").encode()
    whole = socket.create_connection(("127.0.0.1", port))
    whole.sendall(request + b"Connection: close\r\n\r\n")
    size = 0
    while chunk := whole.recv(1 << 16):
        size += len(chunk)
    whole.close()
    print(f"one whole answer: {size} bytes", flush=True)
    time.sleep(0.5)
    report("before", port, pid)
    clients = [socket.create_connection(("127.0.0.1", port)) for _ in range(n)]
    for c in clients:
        c.sendall(request + b"\r\n")
    start = time.monotonic()
    for at in (3, 10, 35, 70):
        time.sleep(max(0, start + at - time.monotonic()))
        report(f"{n} slow readers, {at} s", port, pid)
    for c in clients:
        c.close()


if __name__ == "__main__":
    main()
