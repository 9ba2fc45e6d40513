#!/usr/bin/env python3
"""Drives headless Chromium through ispmon's web UI for BrowserTests.swift.

Usage: browser.py SCENARIO CONFIG_JSON

Runs inside the test's network namespace (only loopback), next to `ispmon serve` (or
`ispmon run`, whose targets are on loopback there too). Each scenario signs in, does what it
is named for and prints one JSON object (its report) as the last line of standard output;
the Swift test asserts on it. The driver itself asserts
nothing: it reports what the browser saw (every request with its status, console messages,
texts of the page, times), so a failure is explained by the report in the test's message.

The driver is given explicitly (Service(executable_path=...)) and so is the browser binary,
so Selenium Manager has nothing to look up or download.
"""

import json
import os
import signal
import subprocess
import sys
import time
from urllib.parse import parse_qsl, quote, urlencode, urlparse

from selenium import webdriver
from selenium.common.exceptions import NoAlertPresentException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"

# Chromium's own background traffic (updates, safe browsing lists, metrics, sync, the
# first-run page) is switched off; the namespace has only loopback anyway, so any request to
# another host would fail and show up in the report as one.
FLAGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
    "--no-first-run", "--no-default-browser-check", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-default-apps",
    "--metrics-recording-only", "--disable-domain-reliability", "--disable-client-side-phishing-detection",
    "--disable-features=Translate,OptimizationHints,MediaRouter,AutofillServerCommunication,CertificateTransparencyComponentUpdater",
    "--disable-extensions", "--password-store=basic", "--use-mock-keychain",
    "--hide-scrollbars", "--force-color-profile=srgb", "--font-render-hinting=none",
]

DESKTOP = (1280, 900)
PHONE = (360, 800)


class Browser:
    def __init__(self, config, width=DESKTOP[0], height=DESKTOP[1]):
        self.config = config
        self.base = config["base"]
        options = webdriver.ChromeOptions()
        options.binary_location = CHROMIUM
        for flag in FLAGS:
            options.add_argument(flag)
        options.add_argument("--window-size=%d,%d" % (width, height))
        options.add_argument("--user-data-dir=" + config["profile"])
        # The first tab is about:blank: Debian's Chromium otherwise opens its new-tab page,
        # which first navigates to https://start.duckduckgo.com/ (its default search engine's)
        # and then loads chrome:// resources, all of which the report would (rightly) list.
        options.add_experimental_option("prefs", {
            "session.restore_on_startup": 4, "session.startup_urls": ["about:blank"],
            "homepage": "about:blank", "homepage_is_newtabpage": False})
        options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
        # A dialog a page opens is left open (not dismissed by the driver), so a test can see it.
        options.set_capability("unhandledPromptBehavior", "ignore")
        self.driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
        self.driver.set_page_load_timeout(20)
        self.driver.set_script_timeout(20)
        self.set_viewport(width, height, mobile=False)
        # What the logs said so far, gathered as the scenario goes (reading a log empties it).
        self.requests = {}  # requestId -> {"url", "status", "failed", "canceled", "method", "type"}
        self.order = []
        self.console = []
        self.dialogs = []

    def quit(self):
        try:
            self.driver.quit()
        except Exception:
            pass

    def set_viewport(self, width, height, mobile):
        # Device metrics rather than the window's size: the page's viewport is exactly this
        # (a phone's: `mobile` makes the meta viewport count, as on a phone).
        self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
            "width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile})

    def set_dark(self, dark):
        self.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {
            "features": [{"name": "prefers-color-scheme", "value": "dark" if dark else "light"}]})

    def collect(self):
        """Reads the performance and browser logs into requests, console and dialogs."""
        for entry in self.driver.get_log("performance"):
            message = json.loads(entry["message"])["message"]
            method, params = message.get("method"), message.get("params", {})
            rid = params.get("requestId")
            if (method == "Page.frameStartedNavigating" and params.get("navigationType") == "differentDocument"
                    and not params.get("url", "").startswith("about:")):
                # A navigation's request can fail before the network log sees it sent (Chromium's
                # own start page did): its request id is the loader id named here.
                self.add(params.get("loaderId"), params.get("url"), "GET", "Document")
            elif method == "Network.requestWillBeSent":
                request = params["request"]
                if rid in self.requests and "redirectResponse" in params:
                    # A redirect: the same request id goes on to the new URL; keep the hop as a request of its own.
                    hop = dict(self.requests[rid])
                    hop["status"] = params["redirectResponse"].get("status")
                    key = "%s#%d" % (rid, len(self.order))
                    self.order.insert(self.order.index(rid), key)
                    self.requests[key] = hop
                    self.requests[rid].update({"status": None})
                self.add(rid, request["url"], request["method"], params.get("type"))
                self.requests[rid].update({"url": request["url"], "method": request["method"]})
            elif method == "Network.responseReceived":
                self.add(rid, params["response"]["url"], None, params.get("type"))
                self.requests[rid]["status"] = params["response"]["status"]
            elif method == "Network.loadingFailed":
                # One never seen sent is kept too (its URL unknown), so no failure goes unreported.
                self.add(rid, "(unknown)", None, params.get("type"))
                self.requests[rid]["failed"] = params.get("errorText") or "failed"
                self.requests[rid]["canceled"] = bool(params.get("canceled"))
                if params.get("blockedReason"):
                    self.requests[rid]["failed"] += " (blocked: %s)" % params["blockedReason"]
            elif method == "Page.javascriptDialogOpening":
                self.dialogs.append({"type": params.get("type"), "message": params.get("message")})
        for entry in self.driver.get_log("browser"):
            self.console.append({"level": entry.get("level"), "source": entry.get("source"), "message": entry.get("message")})
        return list(self.requests.values())

    def add(self, rid, url, method, kind):
        if rid and rid not in self.requests:
            self.order.append(rid)
            self.requests[rid] = {"url": url, "method": method, "type": kind, "status": None, "failed": None, "canceled": False}

    def report(self):
        self.collect()
        return {
            "requests": [self.requests[k] for k in self.order],
            "console": self.console,
            "dialogs": self.dialogs,
        }

    def get(self, path):
        self.driver.get(self.base + path)
        self.wait_loaded()

    def wait_loaded(self, seconds=10):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                if self.driver.execute_script("return document.readyState") == "complete":
                    return True
            except WebDriverException:
                pass
            time.sleep(0.02)
        return False

    def sign_in(self):
        self.get("/login")
        self.driver.find_element(By.NAME, "password").send_keys(self.config["password"])
        self.driver.find_element(By.CSS_SELECTOR, "form[action='/login'] button[type=submit]").click()
        self.wait_until(lambda: urlparse(self.driver.current_url).path != "/login", 10)
        self.wait_loaded()
        return urlparse(self.driver.current_url).path

    def wait_until(self, predicate, seconds, step=0.01):
        deadline = time.monotonic() + seconds
        while True:
            try:
                value = predicate()
                if value:
                    return value
            except WebDriverException:
                pass  # the page was being replaced (a reload): ask again
            if time.monotonic() > deadline:
                return None
            time.sleep(step)

    def js(self, script, *args):
        return self.driver.execute_script(script, *args)

    def shot(self, path, full_page=True):
        """A PNG of the page: the whole page (beyond the viewport) or only the viewport."""
        import base64
        args = {"format": "png"}
        if full_page:
            metrics = self.driver.execute_cdp_cmd("Page.getLayoutMetrics", {})
            size = metrics.get("cssContentSize") or metrics["contentSize"]
            args.update({"captureBeyondViewport": True,
                         "clip": {"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1}})
        data = self.driver.execute_cdp_cmd("Page.captureScreenshot", args)["data"]
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(base64.b64decode(data))
        return path


# The overview's two big states, in page order: Internet, then DNS.
STATE_WORD = "var s = document.querySelectorAll('.state .big strong'); return s.length ? s[0].textContent.trim() : null;"


def page_facts(b):
    """What a test wants to know of the page that is shown."""
    return b.js("""
        return {
          path: location.pathname + location.search,
          title: document.title,
          h1: (document.querySelector('h1') || {}).textContent || null,
          nav: Array.from(document.querySelectorAll('header nav a')).map(a => a.getAttribute('href')),
          scripts: Array.from(document.scripts).map(s => s.getAttribute('src')),
          inline_styles: document.querySelectorAll('[style]').length + document.querySelectorAll('style').length,
          text: document.body ? document.body.innerText : ''
        };""")


def scenario_pages(b, config):
    """The `public` pages signed out (the public status page), then signs in and opens every
    page the navigation names and the settings and tools pages, one outage's page and the list
    filtered, each with enough time for its script to connect (the overview's stream)."""
    public = []
    for path in config.get("public", []):
        b.get(path)
        time.sleep(0.2)
        facts = page_facts(b)
        facts["text"] = facts["text"][:2000]
        public.append(facts)
    landed = b.sign_in()
    pages = []
    first = page_facts(b)
    paths = ["/"] + [p for p in first["nav"] if p != "/"]
    paths += [p for p in ["/settings", "/tools"] if p not in paths]
    b.get("/outages")
    link = b.js("var a = document.querySelector('table.outages a[href^=\"/outages/\"]'); return a && a.getAttribute('href');")
    if link:
        paths.append(link)
    paths.append("/outages?since=30d")
    for path in paths:
        b.get(path)
        # The overview opens /api/v1/stream once its script runs: wait until that request has
        # an answer, so a failure of the stream (or of the script: CSP) is seen too.
        if path == "/":
            b.wait_until(lambda: any(r["url"].endswith("/api/v1/stream?types=status,activity") and r["status"]
                                     for r in b.collect()), 5, 0.05)
        else:
            time.sleep(0.2)
        facts = page_facts(b)
        facts.pop("text")
        pages.append(facts)
    out = b.report()
    out.update({"landed": landed, "pages": pages, "public": public})
    return out


def scenario_live(b, config):
    """The overview, then another process imports events that open an outage: how long until
    the page shows "Down" (the import's exit to the word on the page), then the same for the
    events that end it ("Up")."""
    b.sign_in()
    b.get("/")
    before = b.js(STATE_WORD)
    # The page must be listening before anything happens: the stream's first message (the
    # status) has arrived once the request has its answer.
    listening = b.wait_until(lambda: any(r["url"].endswith("/api/v1/stream?types=status,activity") and r["status"] == 200
                                         for r in b.collect()), 5, 0.05)
    time.sleep(0.3)
    steps = []
    for name, path, want in [("down", config["down"], "Down"), ("up", config["up"], "Up")]:
        imported = subprocess.run([config["ispmon"], "import", "--data", config["store"], path],
                                  capture_output=True, text=True, timeout=30)
        exited = time.monotonic()
        word = b.wait_until(lambda: b.js(STATE_WORD) == want and b.js("return document.readyState") == "complete", 5, 0.005)
        seen = time.monotonic()
        step = {"name": name, "import_status": imported.returncode, "import_stderr": imported.stderr.strip(),
                "shown": b.js(STATE_WORD), "seen": bool(word), "delay_ms": round((seen - exited) * 1000, 1),
                "alert": b.js("var a = document.querySelector('section.alert'); return a && a.innerText;")}
        if name == "down" and config.get("artifacts"):
            step["screenshot"] = b.shot(os.path.join(config["artifacts"], "overview-down-desktop-light.png"), full_page=False)
        steps.append(step)
    out = b.report()
    out.update({"before": before, "listening": bool(listening), "steps": steps})
    return out


def scenario_outages(b, config):
    """Every row of /outages: its id (from the link), start, duration, kind, cause and the id it shows."""
    b.sign_in()
    b.get("/outages")
    rows = b.js("""
        return Array.from(document.querySelectorAll('table.outages tbody tr')).map(function (tr) {
          var td = tr.querySelectorAll('td'), a = tr.querySelector('a[href^="/outages/"]');
          return {id: a ? a.getAttribute('href').slice('/outages/'.length) : null,
                  start: td[0].innerText.trim(), duration: td[1].innerText.trim(),
                  kind: td[2].innerText.trim(), cause: td[3].innerText.trim(),
                  shown_id: td[4] ? td[4].innerText.trim() : null};
        });""")
    out = b.report()
    out.update({"rows": rows, "text": page_facts(b)["text"]})
    return out


# The log viewer (/events): its rows as the page shows them, newest first.
LOG_ROWS = """
    return Array.from(document.querySelectorAll('#log tr')).map(function (tr) {
      var td = tr.querySelectorAll('td');
      return {seq: Number(td[0].textContent), type: td[2].textContent.trim(), text: td[3].innerText.trim()};
    });"""


def page_parameters(b):
    """The page's query parameters as the server reads them (a form's `+` is a space), the
    empty ones (a form's fields left blank) left out."""
    return {k: v for k, v in parse_qsl(urlparse(b.driver.current_url).query, keep_blank_values=True) if v != ""}


def api_events(b, parameters):
    """GET /api/v1/events with these parameters, from the page (its session): the status, the
    content type and the NDJSON's objects."""
    query = urlencode(parameters, quote_via=quote)
    answer = b.driver.execute_async_script("""
        var done = arguments[arguments.length - 1];
        fetch('/api/v1/events?' + arguments[0], {credentials: 'same-origin'}).then(function (r) {
          return r.text().then(function (t) { done({status: r.status, type: r.headers.get('content-type'), body: t}); });
        }, function (e) { done({status: 0, type: null, body: String(e)}); });""", query)
    events = []
    for line in (answer.get("body") or "").splitlines():
        try:
            events.append(json.loads(line))
        except ValueError:
            events.append({"unparsed": line[:200]})
    return {"query": query, "status": answer.get("status"), "content_type": answer.get("type"), "events": events}


def navigate(b, act):
    """Does `act` (a click that leaves the page) and waits for the next page to be loaded."""
    b.js("window.__ispmon_old_page = true;")
    act()
    b.wait_until(lambda: not b.js("return window.__ispmon_old_page === true;")
                 and b.js("return document.readyState") == "complete", 10)


def log_page_facts(b):
    """What a test wants to know of a log viewer's page."""
    url = urlparse(b.driver.current_url)
    return {
        "url": url.path + ("?" + url.query if url.query else ""),
        "parameters": page_parameters(b),
        "rows": b.js(LOG_ROWS),
        "older": b.js("var a = Array.from(document.querySelectorAll('main a')).find(a => a.textContent.trim() === 'Older events');"
                      " return a ? a.getAttribute('href') : null;"),
        "empty_shown": b.js("var p = document.querySelector('main p.empty'); return p ? p.textContent.trim() : null;"),
        "error": b.js("var p = document.querySelector('main p.error'); return p ? p.textContent.trim() : null;"),
    }


def scenario_log_filters(b, config):
    """The log viewer with each case's filters (typed into its form, or as the URL's query),
    following its "Older events" link for `pages` pages; for each page shown, the rows and what
    GET /api/v1/events answers for the same parameters. Then, for a case of several pages, the
    API's answer for all of them at once (no before_seq), to show the pages have no gaps."""
    b.sign_in()
    cases = []
    for case in config["cases"]:
        if case.get("form"):
            b.get("/events")
            fields = case["parameters"]
            if "type" in fields:
                Select(b.driver.find_element(By.CSS_SELECTOR, "form.filters select[name=type]")).select_by_value(fields["type"])
            for name in ["target", "q", "since", "until"]:
                if name in fields:
                    box = b.driver.find_element(By.CSS_SELECTOR, "form.filters input[name=%s]" % name)
                    box.clear()
                    box.send_keys(fields[name])
            button = b.driver.find_element(By.CSS_SELECTOR, "form.filters button[type=submit]")
            navigate(b, button.click)
        else:
            b.get("/events?" + urlencode(case["parameters"], quote_via=quote))
        pages = []
        for i in range(case.get("pages", 1)):
            facts = log_page_facts(b)
            facts["api"] = api_events(b, facts["parameters"])
            pages.append(facts)
            if i + 1 < case.get("pages", 1):
                link = b.driver.find_elements(By.LINK_TEXT, "Older events")
                if not link:
                    break
                navigate(b, link[0].click)
        together = None
        if len(pages) > 1:
            first = dict(pages[0]["parameters"])
            first["limit"] = str(100 * len(pages))
            together = api_events(b, first)
        cases.append({"name": case["name"], "pages": pages, "together": together})
    out = b.report()
    out["cases"] = cases
    return out


def scenario_live_log(b, config):
    """The log viewer in live mode: for each step, another process imports its events
    (`ispmon import`) and the driver waits until the page's top rows change (without a
    reload: a mark set on the page's window must survive). A step may first open the page
    anew with a filter (and switch live mode on again)."""
    b.sign_in()
    steps = []
    opened = None
    for step in config["steps"]:
        path = step.get("page", "/events")
        if path != opened:
            b.get(path)
            opened = path
            box = b.driver.find_element(By.ID, "live")
            box.click()
            after = b.js("return document.querySelector('table.log').dataset.after;")
            # Live mode is on once the stream has answered.
            listening = b.wait_until(lambda: any("/api/v1/stream?types=event&after_seq=%s" % after in r["url"] and r["status"] == 200
                                                 for r in b.collect()), 5, 0.02)
            b.js("window.__ispmon_mark = %s;" % json.dumps(path))
            documents = sum(1 for r in b.collect() if r["type"] == "Document")
        before = b.js(LOG_ROWS)
        imported = subprocess.run([config["ispmon"], "import", "--data", config["store"], step["file"]],
                                  capture_output=True, text=True, timeout=30)
        exited = time.monotonic()
        want = step["shown"]
        changed = b.wait_until(lambda: len(b.js(LOG_ROWS)) >= len(before) + want, 5, 0.01)
        seen = time.monotonic()
        # Whatever else would come (a row the filter should have kept out, a duplicate) has its chance.
        time.sleep(step.get("settle", 0.6))
        rows = b.js(LOG_ROWS)
        steps.append({
            "name": step["name"], "page": path, "listening": bool(listening), "import_status": imported.returncode, "import_stderr": imported.stderr.strip(),
            "seen": bool(changed), "delay_ms": round((seen - exited) * 1000, 1),
            "before": [r["seq"] for r in before], "rows": rows[:10], "seqs": [r["seq"] for r in rows],
            "checked": b.js("return document.getElementById('live').checked;"),
            "mark": b.js("return window.__ispmon_mark === undefined ? null : window.__ispmon_mark;"),
            "documents_since_open": sum(1 for r in b.collect() if r["type"] == "Document") - documents,
        })
    out = b.report()
    out["steps"] = steps
    return out


def add_note(b, outage, text):
    """Adds a note through the outage page's form, then reloads the page."""
    b.get("/outages/" + outage)
    area = b.driver.find_element(By.CSS_SELECTOR, "form.note textarea[name=text]")
    area.send_keys(text)
    b.driver.find_element(By.CSS_SELECTOR, "form.note button[type=submit]").click()
    b.wait_until(lambda: b.js("return document.readyState") == "complete"
                 and b.js("return !document.querySelector('form.note textarea').value"), 10)
    after_submit = urlparse(b.driver.current_url).path
    b.driver.refresh()
    b.wait_loaded()
    return after_submit


def scenario_outage(b, config):
    """One outage's page: the timeline chart, the raw events, the notes; then a note added
    through the form."""
    b.sign_in()
    b.get("/outages/" + config["outage"])
    chart = b.js("""
        var svg = document.querySelector('svg.timeline');
        if (!svg) return null;
        var r = svg.getBoundingClientRect();
        return {width: r.width, height: r.height, lanes: svg.querySelectorAll('rect').length,
                text: svg.textContent.trim().slice(0, 2000)};""")
    events = b.js("""
        return Array.from(document.querySelectorAll('table.events tbody tr')).map(function (tr) {
          return Array.from(tr.querySelectorAll('td')).map(td => td.innerText.trim());
        });""")
    h1 = b.js("return (document.querySelector('h1') || {}).textContent || null;")
    after_submit = add_note(b, config["outage"], config["note"])
    notes = b.js("return Array.from(document.querySelectorAll('ul.notes li')).map(li => li.innerText.trim());")
    # The note in the log viewer: the newest event of all, and among the notes.
    log = {}
    for path in ["/events", "/events?type=note"]:
        b.get(path)
        log[path] = b.js(LOG_ROWS)[:20]
    out = b.report()
    out.update({"h1": h1, "chart": chart, "events": events, "after_submit": after_submit, "notes": notes, "log": log})
    return out


def html_facts(b):
    """What markup in stored text could have made of the page shown: an alert, elements."""
    # Give anything the markup might have started (an image's onerror, a script) time to run.
    time.sleep(0.3)
    try:
        alert = b.driver.switch_to.alert.text
    except NoAlertPresentException:
        alert = None
    facts = b.js("""
        return {
          path: location.pathname + location.search,
          text: document.body.innerText,
          notes: Array.from(document.querySelectorAll('ul.notes li')).map(li => li.innerText.trim()),
          img_x: Array.from(document.images).filter(i => i.getAttribute('src') === 'x').length,
          images: document.images.length,
          scripts: Array.from(document.scripts).map(s => s.getAttribute('src')),
          note_children: Array.from(document.querySelectorAll('ul.notes li')).map(li => li.children.length),
          cell_children: Array.from(document.querySelectorAll('#log td, table.events td')).reduce((n, td) => n + td.children.length, 0),
          svg_text: Array.from(document.querySelectorAll('svg')).map(s => s.textContent).join(' '),
          marked: window.__ispmon_xss === undefined ? null : String(window.__ispmon_xss)
        };""")
    facts["alert"] = alert
    facts["rows"] = b.js(LOG_ROWS)
    return facts


def scenario_html_note(b, config):
    """A note with markup in it, added through the form: what the outage's page then holds;
    then the same for each page of `visits` (the log viewer, the path), where other stored
    text with markup in it is shown."""
    b.sign_in()
    after_submit = add_note(b, config["outage"], config["note"])
    out_facts = html_facts(b)
    visits = []
    for path in config.get("visits", []):
        b.get(path)
        visits.append(html_facts(b))
    out = b.report()
    out.update(out_facts)
    out.update({"after_submit": after_submit, "visits": visits})
    return out


# Overflow sideways is what breaks a page on a phone: a box past the viewport's edge, or text
# running out of its box (a long word). A table that scrolls in its own box is no overflow of
# the page, but a control in it past the screen's edge (`hidden_controls`) is out of sight.
LAYOUT = """
    var w = document.documentElement.clientWidth, out = [], controls = [];
    document.querySelectorAll('body *').forEach(function (e) {
      var r = e.getBoundingClientRect();
      var name = e.tagName.toLowerCase() + (typeof e.className === 'string' && e.className ? '.' + e.className : '');
      if (r.width > 0 && r.right > w + 1) out.push(name + ' ends at ' + Math.round(r.right));
      else if (e.clientWidth > 0 && e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX === 'visible')
        out.push(name + ' holds ' + e.scrollWidth + ' px in ' + e.clientWidth);
      if (e.matches('a, button, input, select, textarea') && r.width > 0 && (r.right > w + 1 || r.left < -1))
        controls.push(name + (e.id ? '#' + e.id : '') + ' "' + (e.textContent || e.value || '').trim().slice(0, 30) + '" from ' + Math.round(r.left) + ' to ' + Math.round(r.right));
    });
    return {viewport: w, scroll_width: document.documentElement.scrollWidth, overflowing: out.slice(0, 20), hidden_controls: controls.slice(0, 20)};"""


def phone_shots(b, config, name, load):
    """The page `load()` shows, on a phone (360 px), light and dark: the PNGs (the whole page)
    with what the layout measured. `load` opens the page (the viewport is the phone's by then);
    the theme changes on the page as loaded."""
    b.set_viewport(PHONE[0], PHONE[1], True)
    load()
    shots = []
    for theme in ["light", "dark"]:
        b.set_dark(theme == "dark")
        time.sleep(0.2)
        file = b.shot(os.path.join(config["artifacts"], "%s-phone-%s.png" % (name, theme)))
        shots.append({"page": name, "device": "phone", "theme": theme, "file": file, "layout": b.js(LAYOUT),
                      "background": b.js("return getComputedStyle(document.body).backgroundColor;")})
    b.set_dark(False)
    b.set_viewport(DESKTOP[0], DESKTOP[1], False)
    return shots


def scenario_screenshots(b, config):
    """The overview and one outage's page on a phone and on a desktop, light and dark, and
    the navigation's other pages on the phone; the README's two images (desktop, light) too
    when asked for."""
    b.sign_in()
    shots = []
    pages = [("overview", "/"), ("outage", "/outages/" + config["outage"])]
    # The other pages of the navigation on the phone too: where a page breaks first.
    others = [(href.strip("/").split("?")[0], href) for href in page_facts(b)["nav"] if href not in ("/",)]
    for device, (width, height), mobile in [("phone", PHONE, True), ("desktop", DESKTOP, False)]:
        b.set_viewport(width, height, mobile)
        for theme in ["light", "dark"]:
            b.set_dark(theme == "dark")
            for name, path in pages + (others if device == "phone" else []):
                b.get(path)
                time.sleep(0.2)
                file = b.shot(os.path.join(config["artifacts"], "%s-%s-%s.png" % (name, device, theme)))
                # Overflow sideways is what breaks a page on a phone: measure it.
                wide = b.js(LAYOUT)
                background = b.js("return getComputedStyle(document.body).backgroundColor;")
                shots.append({"page": name, "device": device, "theme": theme, "file": file,
                              "background": background, "layout": wide})
    readme = []
    if config.get("readme"):
        b.set_viewport(DESKTOP[0], DESKTOP[1], False)
        b.set_dark(False)
        for name, path in pages:
            b.get(path)
            time.sleep(0.2)
            readme.append(b.shot(os.path.join(config["readme"], name + ".png"), full_page=False))
    out = b.report()
    out.update({"shots": shots, "readme": readme})
    return out


# The settings page as shown: the form's answer, the jobs with their buttons, the log level
# chosen and the monitor's log lines (the newest 50).
SETTINGS = """
    function text(sel) { var e = document.querySelector(sel); return e ? e.textContent.trim() : null; }
    return {
      path: location.pathname + location.search,
      done: text('main p.done'),
      jobs: Array.from(document.querySelectorAll('table.jobs tbody tr')).map(function (tr) {
        var td = tr.querySelectorAll('td');
        return {job: td[0].textContent.trim(), state: td[1].textContent.trim(),
                buttons: Array.from(tr.querySelectorAll('button')).map(function (b) {
                  return {id: b.id, label: b.textContent.trim(), disabled: b.disabled}; })};
      }),
      level: (document.getElementById('log-level') || {}).value || null,
      log: Array.from(document.querySelectorAll('table.monitor-log tbody tr')).slice(0, 50).map(function (tr) {
        return Array.from(tr.querySelectorAll('td')).map(function (td) { return td.textContent.trim(); });
      })
    };"""


# What the settings page says of a channel's test message: the path, the words, their class.
NOTIFY_TEST = """
    var p = document.getElementById('notify-test');
    return {path: location.pathname + location.search, text: p ? p.textContent.trim() : null,
            class: p ? p.className : null, role: p ? p.getAttribute('role') : null};"""


def poll(seconds, step, ask, found):
    """Asks `ask()` until `found(answer)`, for up to `seconds`: the last answer, whether it was
    found and how long it took (ms)."""
    started = time.monotonic()
    while True:
        answer = ask()
        if found(answer) or time.monotonic() - started > seconds:
            return {"answer": answer, "found": bool(found(answer)), "ms": round((time.monotonic() - started) * 1000, 1)}
        time.sleep(step)


def scenario_settings(b, config):
    """The settings page beside a running monitor (`ispmon run`): the probes job paused with its
    button, then the job event looked for in the log viewer (reloaded until it shows) and in
    GET /api/v1/events; the log level set with its form; the phone channel's Send test button
    and what the page answered; the page on a phone, light and dark."""
    b.sign_in()
    b.get("/settings")
    before = b.js(SETTINGS)
    navigate(b, b.driver.find_element(By.ID, "job-probes-paused").click)
    paused = b.js(SETTINGS)

    def viewer():
        b.get("/events?type=job")
        return b.js(LOG_ROWS)
    log = poll(3, 0.05, viewer, lambda rows: any(r["type"] == "job" and r["text"] == "job probes: paused" for r in rows))
    api = poll(3, 0.05, lambda: api_events(b, {"type": "job"}),
               lambda a: any(e.get("type") == "job" and e.get("job") == "probes" and e.get("state") == "paused" for e in a["events"]))

    b.get("/settings")
    Select(b.driver.find_element(By.ID, "log-level")).select_by_value(config["level"])
    navigate(b, b.driver.find_element(By.CSS_SELECTOR, "form[action='/settings/log-level'] button[type=submit]").click)
    level = b.js(SETTINGS)
    b.get("/settings")
    navigate(b, b.driver.find_element(By.ID, "notify-test-phone").click)
    notify_test = b.js(NOTIFY_TEST)
    shots = phone_shots(b, config, "settings-monitor", lambda: b.get("/settings?done=job"))
    out = b.report()
    out.update({"before": before, "paused": paused, "viewer": log, "api": api, "level": level, "notify_test": notify_test,
                "shots": shots})
    return out


# The tools page's result as shown: each row's label, text and the text cell's class, and the
# summary line with its class.
CHECK_RESULT = """
    var out = document.getElementById('check-result'), p = out && out.querySelector('p.summary');
    if (!out) return {rows: [], summary: null, summary_class: null};
    return {
      rows: Array.from(out.querySelectorAll('table.check tbody tr')).map(function (tr) {
        var td = tr.querySelectorAll('td');
        return {label: td[0].textContent, text: td[1].textContent, class: td[1].className};
      }),
      summary: p ? p.textContent : null, summary_class: p ? p.className : null
    };"""

# Watches the result as it changes (its rows and summary, from now on): what the page showed when.
WATCH_RESULT = """
    var out = document.getElementById('check-result'), t0 = performance.now();
    window.__ispmon_mark = 'tools';
    window.__ispmon_seen = [];
    new MutationObserver(function () {
      var p = out.querySelector('p.summary');
      var seen = {ms: Math.round(performance.now() - t0), rows: out.querySelectorAll('table.check tbody tr').length,
                  summary: p ? p.textContent : null};
      var last = window.__ispmon_seen[window.__ispmon_seen.length - 1];
      if (!last || last.rows !== seen.rows || last.summary !== seen.summary) window.__ispmon_seen.push(seen);
    }).observe(out, {childList: true, subtree: true, characterData: true});"""


def fill_check(b, check):
    """The tools form with `check`'s tool and fields, the others left empty."""
    Select(b.driver.find_element(By.ID, "tool")).select_by_value(check["tool"])
    for name in ["host", "port", "query", "url", "count"]:
        box = b.driver.find_element(By.CSS_SELECTOR, "#check-form input[name=%s]" % name)
        box.clear()
        if name in check:
            box.send_keys(check[name])


def documents(b):
    return [r for r in b.collect() if r["type"] == "Document"]


def check_with_script(b, check):
    """`check` through the tools page with its script: what the page showed as it went, the
    result at the end, and whether the page stayed the one loaded (no new document)."""
    b.get("/tools")
    fill_check(b, check)
    b.js(WATCH_RESULT)
    loaded = len(documents(b))
    b.driver.find_element(By.ID, "run-check").click()
    ended = b.wait_until(lambda: b.js("var p = document.querySelector('#check-result p.summary');"
                                      " return p && p.textContent !== 'running\u2026';"), 10, 0.02)
    time.sleep(0.1)
    b.wait_loaded()  # a page loaded after all (the form posted) is read once loaded
    result = b.js(CHECK_RESULT)
    result.update({"ended": bool(ended), "seen": b.js("return window.__ispmon_seen;"),
                   "mark": b.js("return window.__ispmon_mark === undefined ? null : window.__ispmon_mark;"),
                   "documents_since": len(documents(b)) - loaded,
                   "button_enabled": b.js("var e = document.getElementById('run-check'); return !!e && !e.disabled;")})
    return result


def check_without_script(b, check):
    """`check` through the tools page with scripts off (the form posts to /tools): the result
    the server rendered, and the documents the post loaded."""
    b.driver.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": True})
    try:
        b.get("/tools")
        fill_check(b, check)
        loaded = len(documents(b))
        navigate(b, b.driver.find_element(By.ID, "run-check").click)
        result = b.js(CHECK_RESULT)
        new = documents(b)[loaded:]
        result.update({"path": urlparse(b.driver.current_url).path,
                       "documents": [{"method": d["method"], "url": d["url"], "status": d["status"]} for d in new]})
        return result
    finally:
        b.driver.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": False})


def scenario_tools(b, config):
    """Each of `checks` through the tools page with its script, then without; then the first
    one again (two tries) on a phone, light and dark."""
    b.sign_in()
    results = []
    times = {"signed_in": time.monotonic()}
    for check in config["checks"]:
        script = check_with_script(b, check)
        times["script " + check["port"]] = time.monotonic()
        results.append({"check": check, "script": script, "no_script": check_without_script(b, check)})
        times["no_script " + check["port"]] = time.monotonic()
    shots = phone_shots(b, config, "tools-result", lambda: check_with_script(b, dict(config["checks"][0], count="2")))
    times["shots"] = time.monotonic()
    out = b.report()
    out.update({"results": results, "shots": shots, "times": {k: round(v - times["signed_in"], 2) for k, v in times.items()}})
    return out


SCENARIOS = {
    "pages": scenario_pages, "live": scenario_live, "outages": scenario_outages,
    "outage": scenario_outage, "html-note": scenario_html_note, "screenshots": scenario_screenshots,
    "log-filters": scenario_log_filters, "live-log": scenario_live_log, "settings": scenario_settings,
    "tools": scenario_tools,
}


def main():
    scenario, config = sys.argv[1], json.loads(sys.argv[2])
    # A process group of its own, so the test can kill the driver, chromedriver and Chromium
    # together if a scenario hangs; and a limit of its own before that.
    os.setpgrp()
    signal.signal(signal.SIGALRM, lambda *_: sys.exit("browser.py: %s took longer than %d s" % (scenario, config["timeout"])))
    signal.alarm(config["timeout"])
    started = time.monotonic()
    b = Browser(config)
    try:
        browser_up = time.monotonic() - started
        out = SCENARIOS[scenario](b, config)
        out["browser_start_s"] = round(browser_up, 3)
        out["seconds"] = round(time.monotonic() - started, 3)
        out["versions"] = {"browser": b.driver.capabilities.get("browserVersion"),
                           "selenium": webdriver.__version__}
    finally:
        b.quit()
    print(json.dumps(out))


if __name__ == "__main__":
    main()
