#!/usr/bin/env python3
"""The client of tools/bench-pages (python3 stdlib only). Every request goes to 127.0.0.1.

  pages.py login BASE PASSWORD                      signs in (POST /login): prints the session cookie's value
  pages.py weight BASE COOKIE OUT.json [BROWSER.json]
        the overview `/` and everything it loads: the HTML's subresources (link, script, img, …),
        the stylesheets' url()s and @imports, and (BROWSER.json, from `pages.py browser`) what the
        page requested in Chromium (app.js's requests at load); each fetched again here without
        compression (Accept-Encoding: identity) for its bytes; a text/event-stream answer counts
        as a request, not bytes
  pages.py browser BASE COOKIE OUT.json CHROMIUM PROFILE_DIR
        headless Chromium (DevTools protocol over --remote-debugging-pipe) with the session
        cookie opens BASE/ with its cache off and lists every request it made until the page had
        loaded and 2 s passed without a new one: URL, type, status, body bytes as decoded
        (Network.dataReceived), bytes on the wire (Network.loadingFinished)
  pages.py times BASE COOKIE N BUDGET_S OUT.json PAGE…
        each PAGE (a path; `{outage}` is replaced by the newest outage's id) once, then N rounds
        of every page in turn (a page whose requests took BUDGET_S seconds in all sits the rest
        out), one request at a time on one kept-alive connection; per request the
        time from just before the request's bytes are written to the socket to the last byte of
        its body read (time.perf_counter_ns), and to its header block read. A page answering 404
        is reported absent and not timed. /favicon.ico (a constant answer from memory) is timed in
        the same rounds as the floor: HTTP's, the server's request path's and this client's own cost.
"""
import gzip
import http.client
import json
import os
import re
import select
import socket
import statistics
import subprocess
import sys
import time
from html.parser import HTMLParser
from urllib.parse import urljoin, urlparse


def connect(base):
    u = urlparse(base)
    assert u.hostname in ("127.0.0.1", "::1", "localhost"), "loopback only: " + base
    c = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
    c.connect()
    c.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return c


def get(conn, path, cookie, accept_encoding="identity"):
    headers = {"Cookie": "ispmon_session=" + cookie, "Accept-Encoding": accept_encoding}
    conn.request("GET", path, headers=headers)
    r = conn.getresponse()
    if (r.getheader("Content-Type") or "").startswith("text/event-stream"):
        r.close()  # a stream never ends: its headers are enough
        return r, b""
    return r, r.read()


def login(base, password):
    conn = connect(base)
    body = "password=" + "".join(c if c.isalnum() else "%%%02X" % ord(c) for c in password)
    conn.request("POST", "/login", body=body, headers={"Content-Type": "application/x-www-form-urlencoded"})
    r = conn.getresponse()
    r.read()
    cookie = r.getheader("Set-Cookie") or ""
    m = re.match(r"ispmon_session=([^;]+)", cookie)
    if r.status != 303 or not m:
        sys.exit("pages.py: sign-in answered %d %s" % (r.status, cookie))
    print(m.group(1))


class Subresources(HTMLParser):
    """What an HTML page makes a browser fetch by itself: not links (a), forms or same-page refs."""
    RELS = {"stylesheet", "icon", "shortcut", "apple-touch-icon", "preload", "modulepreload", "manifest", "prefetch"}

    def __init__(self):
        super().__init__()
        self.found = []  # (kind, url)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "link" and a.get("href") and set((a.get("rel") or "").lower().split()) & self.RELS:
            self.found.append(("link " + a.get("rel", ""), a["href"]))
        for t, attr in [("script", "src"), ("img", "src"), ("iframe", "src"), ("embed", "src"), ("object", "data"),
                        ("audio", "src"), ("video", "src"), ("video", "poster"), ("source", "src"), ("track", "src"),
                        ("input", "src")]:
            if tag == t and a.get(attr):
                self.found.append((t, a[attr]))
        for attr in ("srcset",):
            if a.get(attr):
                for part in a[attr].split(","):
                    if part.strip():
                        self.found.append((tag + " srcset", part.split()[0]))
        if tag in ("image", "use", "feimage") and (a.get("href") or a.get("xlink:href") or "#").split("#")[0]:
            self.found.append((tag, (a.get("href") or a.get("xlink:href")).split("#")[0]))


def css_refs(text):
    refs = re.findall(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)", text)
    refs += re.findall(r"@import\s+['\"]([^'\"]+)['\"]", text)
    return [r for r in refs if not r.startswith("data:") and not r.startswith("#")]


def same_host(base, url):
    return urlparse(url).netloc == urlparse(base).netloc


def weight(base, cookie, out, browser_json=None):
    conn = connect(base)
    rows = {}  # path -> row

    def path_of(url):
        u = urlparse(urljoin(base + "/", url))
        return u.path + ("?" + u.query if u.query else "")

    def fetch(url, found_by, kind):
        full = urljoin(base + "/", url)
        path = path_of(url)
        if path in rows:
            rows[path]["found_by"] = sorted(set(rows[path]["found_by"]) | {found_by})
            return None
        if not same_host(base, full):
            rows[path] = {"path": full, "kind": kind, "found_by": [found_by], "status": None, "bytes": 0,
                          "other_host": True}
            return None
        r, body = get(conn, path, cookie)
        ctype = r.getheader("Content-Type") or ""
        stream = ctype.startswith("text/event-stream")
        rows[path] = {"path": path, "kind": kind, "found_by": [found_by], "status": r.status, "content_type": ctype,
                      "bytes": 0 if stream else len(body), "gzip_bytes": 0 if stream else len(gzip.compress(body, 6)),
                      "stream": stream, "content_encoding": r.getheader("Content-Encoding")}
        return ctype, body

    _, html = fetch("/", "page", "document")
    parser = Subresources()
    parser.feed(html.decode("utf-8"))
    queue = [(url, "html", kind) for kind, url in parser.found]
    while queue:
        url, by, kind = queue.pop(0)
        got = fetch(url, by, kind)
        if got and got[0].startswith("text/css"):
            queue += [(urljoin(urljoin(base + "/", url), ref), "css", "css url()") for ref in css_refs(got[1].decode("utf-8"))]
    browser = None
    if browser_json:
        browser = json.load(open(browser_json))
        for req in browser["requests"]:
            if req["url"].startswith("data:"):
                continue
            fetch(req["url"], "browser", req.get("type") or "?")
            row = rows[path_of(req["url"])]
            row["browser_type"] = req.get("type")
            row["browser_status"] = req.get("status")
            row["browser_decoded_bytes"] = req.get("decoded_bytes")
            row["browser_wire_bytes"] = req.get("wire_bytes")
            row["browser_content_encoding"] = req.get("content_encoding")
    result = {"requests": list(rows.values()),
              "request_count": len(rows),
              "bytes": sum(r["bytes"] for r in rows.values()),
              "gzip_bytes": sum(r.get("gzip_bytes", 0) for r in rows.values()),
              "streams": sum(1 for r in rows.values() if r.get("stream")),
              "other_hosts": sum(1 for r in rows.values() if r.get("other_host")),
              "failed": [r["path"] for r in rows.values() if r["status"] != 200],
              "browser": None if browser is None else {
                  "requests": len([q for q in browser["requests"] if not q["url"].startswith("data:")]),
                  "version": browser.get("version"),
                  "seconds": browser.get("seconds"),
                  "not_requested": sorted(p for p, r in rows.items() if "browser" not in r["found_by"])}}
    json.dump(result, open(out, "w"), indent=1)


def browser(base, cookie, out, chromium, profile):
    """Headless Chromium through the DevTools protocol on a pipe (fd 3 in, fd 4 out of Chromium)."""
    to_chrome_r, to_chrome_w = os.pipe()
    from_chrome_r, from_chrome_w = os.pipe()
    flags = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
             "--no-default-browser-check", "--disable-background-networking", "--disable-component-update",
             "--disable-sync", "--disable-default-apps", "--metrics-recording-only", "--disable-domain-reliability",
             "--disable-client-side-phishing-detection", "--disable-extensions", "--password-store=basic",
             "--use-mock-keychain",
             "--disable-features=Translate,OptimizationHints,MediaRouter,AutofillServerCommunication,CertificateTransparencyComponentUpdater",
             "--window-size=1280,900", "--user-data-dir=" + profile, "--remote-debugging-pipe", "about:blank"]
    proc = subprocess.Popen(["bash", "-c", 'exec "$0" "$@" 3<&%d 4>&%d' % (to_chrome_r, from_chrome_w), chromium] + flags,
                            pass_fds=(to_chrome_r, from_chrome_w), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(to_chrome_r)
    os.close(from_chrome_w)
    started = time.monotonic()
    buf = b""
    events = []
    next_id = [0]

    def send(method, params=None, session=None):
        next_id[0] += 1
        msg = {"id": next_id[0], "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(to_chrome_w, json.dumps(msg).encode() + b"\0")
        return next_id[0]

    def read(timeout):
        nonlocal buf
        deadline = time.monotonic() + timeout
        while b"\0" not in buf:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([from_chrome_r], [], [], left)[0]:
                return None
            data = os.read(from_chrome_r, 1 << 20)
            if not data:
                sys.exit("pages.py: Chromium closed its pipe")
            buf += data
        msg, buf = buf.split(b"\0", 1)
        return json.loads(msg)

    def call(method, params=None, session=None, timeout=20):
        i = send(method, params, session)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            m = read(deadline - time.monotonic())
            if m is None:
                break
            if m.get("id") == i:
                if "error" in m:
                    sys.exit("pages.py: %s: %s" % (method, m["error"]))
                return m["result"]
            events.append(m)
        sys.exit("pages.py: no answer to " + method)

    try:
        version = call("Browser.getVersion").get("product")
        target = call("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        call("Network.enable", {}, session)
        call("Network.setCacheDisabled", {"cacheDisabled": True}, session)
        u = urlparse(base)
        call("Network.setCookie", {"name": "ispmon_session", "value": cookie, "domain": u.hostname, "path": "/",
                                   "httpOnly": True, "sameSite": "Strict"}, session)
        call("Page.enable", {}, session)
        events.clear()
        t0 = time.monotonic()
        call("Page.navigate", {"url": base + "/"}, session)
        loaded = None
        last_new = time.monotonic()
        while True:
            now = time.monotonic()
            if loaded and now - max(loaded, last_new) >= 2:
                break
            if now - t0 > 20:
                break
            m = read(0.1)
            if m is None:
                continue
            events.append(m)
            if m.get("method") == "Page.loadEventFired":
                loaded = time.monotonic()
            if m.get("method") == "Network.requestWillBeSent":
                last_new = time.monotonic()
        requests, order = {}, []
        for m in events:
            p = m.get("params", {})
            rid = p.get("requestId")
            method = m.get("method")
            if method == "Network.requestWillBeSent":
                if rid not in requests:
                    order.append(rid)
                    requests[rid] = {"url": p["request"]["url"], "type": p.get("type"), "status": None,
                                     "decoded_bytes": 0, "wire_bytes": None, "finished": False}
                else:  # a redirect: the same id goes on to the new URL
                    requests[rid]["url"] = p["request"]["url"]
            elif rid in requests and method == "Network.responseReceived":
                r = p["response"]
                requests[rid]["status"] = r.get("status")
                h = {k.lower(): v for k, v in (r.get("headers") or {}).items()}
                requests[rid]["content_encoding"] = h.get("content-encoding")
                requests[rid]["type"] = p.get("type") or requests[rid]["type"]
            elif rid in requests and method == "Network.dataReceived":
                requests[rid]["decoded_bytes"] += p.get("dataLength", 0)
            elif rid in requests and method == "Network.loadingFinished":
                requests[rid]["wire_bytes"] = p.get("encodedDataLength")
                requests[rid]["finished"] = True
            elif rid in requests and method == "Network.loadingFailed":
                requests[rid]["failed"] = p.get("errorText")
        result = {"version": version, "loaded": loaded is not None, "seconds": round(time.monotonic() - started, 2),
                  "requests": [requests[r] for r in order]}
        json.dump(result, open(out, "w"), indent=1)
    finally:
        try:
            send("Browser.close")
            proc.wait(5)
        except Exception:
            proc.kill()
            proc.wait()


def newest_outage(conn, cookie):
    r, body = get(conn, "/api/v1/outages", cookie)
    outages = json.loads(body)
    if r.status != 200 or not outages:
        sys.exit("pages.py: the store has no outage for /outages/{outage}")
    return outages[-1]["id"]


def nearest_rank(values, q):
    s = sorted(values)
    return s[max(0, -(-len(s) * q // 100) - 1)]


def times(base, cookie, n, budget_s, out, pages):
    conn = connect(base)
    if any("{outage}" in p for p in pages):
        outage = newest_outage(conn, cookie)
        pages = [p.replace("{outage}", outage) for p in pages]
    # The navigation of the overview names the pages: any it names that the list lacks are timed too.
    r, body = get(conn, "/", cookie)
    header_nav = re.search(r"<nav>(.*?)</nav>", body.decode("utf-8"), re.S)
    nav = re.findall(r'href="([^"#?]+)"', header_nav.group(1)) if header_nav else []
    pages = list(dict.fromkeys(pages + nav))
    present, absent, first = [], [], {}

    def timed(path):
        t0 = time.perf_counter_ns()
        conn.request("GET", path, headers={"Cookie": "ispmon_session=" + cookie, "Accept-Encoding": "identity"})
        r = conn.getresponse()
        t1 = time.perf_counter_ns()
        body = r.read()
        t2 = time.perf_counter_ns()
        return r.status, len(body), (t1 - t0) / 1e6, (t2 - t0) / 1e6, r

    # The floor: the icon, a constant answer from memory with no store work, timed in the same
    # rounds: what HTTP, the server's request path and this client cost by themselves.
    floor = "/favicon.ico"
    for p in pages:
        status, size, head_ms, ms, r = timed(p)
        if status == 404:
            absent.append(p)
            continue
        if status != 200 or not (r.getheader("Content-Type") or "").startswith("text/html"):
            sys.exit("pages.py: GET %s answered %d %s" % (p, status, r.getheader("Content-Type")))
        present.append(p)
        first[p] = (ms, size)
    first[floor] = timed(floor)[3], 0
    samples = {p: [] for p in present + [floor]}
    spent = {p: first[p][0] for p in present + [floor]}
    for _ in range(n):
        for p in present + [floor]:
            if spent[p] > budget_s * 1000:
                continue  # a slow page: as many requests as fit in its budget
            status, size, head_ms, ms, _ = timed(p)
            if status != 200:
                sys.exit("pages.py: GET %s answered %d" % (p, status))
            samples[p].append((ms, head_ms, size))
            spent[p] += ms
    result = {"requests_per_page": n, "budget_s": budget_s, "absent": absent, "pages": []}
    for p in present + [floor]:
        ms = [s[0] for s in samples[p]]
        heads = [s[1] for s in samples[p]]
        sizes = [s[2] for s in samples[p]]
        result["pages"].append({
            "path": p, "requests": len(ms), "bytes": statistics.median(sizes), "bytes_min": min(sizes), "bytes_max": max(sizes),
            "first_ms": round(first[p][0], 3), "median_ms": round(statistics.median(ms), 3),
            "p90_ms": round(nearest_rank(ms, 90), 3), "max_ms": round(max(ms), 3), "min_ms": round(min(ms), 3),
            "median_headers_ms": round(statistics.median(heads), 3)})
    result["floor"] = result["pages"].pop()
    json.dump(result, open(out, "w"), indent=1)


if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "login":
        login(*args)
    elif cmd == "weight":
        weight(*args)
    elif cmd == "browser":
        browser(*args)
    elif cmd == "times":
        times(args[0], args[1], int(args[2]), float(args[3]), args[4], args[5:])
    else:
        sys.exit(__doc__)
