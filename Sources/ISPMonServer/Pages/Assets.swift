import Hummingbird
import NIOCore

/// The stylesheet, the script and the icon: part of the binary (one file to install), served
/// from ispmon itself (nothing from another host), cached by the browser for as long as the
/// binary is the same (the pages name them with `?v=` of the version).
enum Assets {
    static func add(to router: Router<WebContext>, version: String) {
        let headers: @Sendable (String) -> HTTPFields = { type in
            [.contentType: type, .cacheControl: "public, max-age=86400", .eTag: "\"\(version)\""]
        }
        router.get("static/app.css") { _, _ in Response(status: .ok, headers: headers("text/css; charset=utf-8"), body: .init(byteBuffer: ByteBuffer(string: css))) }
        router.get("static/app.js") { _, _ in Response(status: .ok, headers: headers("text/javascript; charset=utf-8"), body: .init(byteBuffer: ByteBuffer(string: js))) }
        router.get("favicon.ico") { _, _ in Response(status: .ok, headers: headers("image/svg+xml"), body: .init(byteBuffer: ByteBuffer(string: icon))) }
    }

    /// A pulse line in a rounded square.
    static let icon = """
        <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="7" fill="#1f6feb"/>\
        <polyline points="4,18 10,18 13,9 18,24 21,15 28,15" fill="none" stroke="#fff" stroke-width="3" stroke-linejoin="round" stroke-linecap="round"/></svg>
        """

    static let css = """
        :root { --bg: #fbfbfa; --fg: #1c1f23; --muted: #5c6370; --line: #d9dce1; --card: #ffffff;
          --up: #1a7f37; --down: #cf222e; --unknown: #8c959f; --accent: #1f6feb; --warn: #bf8700;
          --up-bg: #dafbe1; --down-bg: #ffebe9; --unknown-bg: #eaeef2; color-scheme: light dark; }
        @media (prefers-color-scheme: dark) {
          :root { --bg: #0d1117; --fg: #e6edf3; --muted: #9198a1; --line: #30363d; --card: #161b22;
            --up: #3fb950; --down: #f85149; --unknown: #8b949e; --accent: #58a6ff; --warn: #d29922;
            --up-bg: #12261e; --down-bg: #2d1215; --unknown-bg: #21262d; }
        }
        * { box-sizing: border-box; }
        body { margin: 0; font: 16px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; background: var(--bg); color: var(--fg); }
        a { color: var(--accent); }
        header.top { display: flex; flex-wrap: wrap; gap: .25rem 1rem; align-items: baseline; padding: .6rem 1rem; border-bottom: 1px solid var(--line); background: var(--card); }
        .brand { font-weight: 700; text-decoration: none; color: var(--fg); }
        nav { display: flex; flex-wrap: wrap; gap: .2rem .8rem; }
        nav a { text-decoration: none; color: var(--muted); }
        nav a[aria-current] { color: var(--fg); font-weight: 600; }
        main { max-width: 64rem; margin: 0 auto; padding: 1rem; }
        footer { max-width: 64rem; margin: 2rem auto; padding: 0 1rem; color: var(--muted); font-size: .85rem; }
        h1 { font-size: 1.5rem; overflow-wrap: anywhere; } h2 { font-size: 1.15rem; margin-top: 1.6rem; }
        p, dd, td.text { overflow-wrap: anywhere; }
        td { white-space: nowrap; } td.text { white-space: normal; }
        @media (max-width: 40rem) { table { display: block; overflow-x: auto; } main { padding: .75rem; } }
        .state { display: grid; grid-template-columns: repeat(auto-fit, minmax(14rem, 1fr)); gap: .8rem; }
        .big { padding: 1rem; border-radius: .6rem; background: var(--unknown-bg); }
        .big strong { display: block; font-size: 2.2rem; line-height: 1.1; }
        .big .label { color: var(--muted); }
        .big.state-up { background: var(--up-bg); } .big.state-up strong { color: var(--up); }
        .big.state-down { background: var(--down-bg); } .big.state-down strong { color: var(--down); }
        .big.state-unmonitored strong { color: var(--unknown); }
        .alert { margin-top: 1rem; padding: .8rem 1rem; border-left: 4px solid var(--down); background: var(--down-bg); border-radius: .3rem; }
        .alert h2 { margin: 0 0 .3rem; }
        .activity { color: var(--muted); min-height: 1.45em; }
        ol.path { display: flex; flex-wrap: wrap; gap: .4rem; list-style: none; padding: 0; }
        .node a { display: block; padding: .45rem .7rem; border-radius: .5rem; border: 1px solid var(--line); background: var(--card); text-decoration: none; color: var(--fg); }
        .node .role { display: block; font-size: .75rem; color: var(--muted); text-transform: uppercase; letter-spacing: .04em; }
        .node .rtt { color: var(--muted); font-size: .85rem; }
        .node.state-up a { border-color: var(--up); } .node.state-down a { border-color: var(--down); background: var(--down-bg); }
        table { border-collapse: collapse; width: 100%; font-size: .92rem; }
        th, td { text-align: left; padding: .35rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
        th { color: var(--muted); font-weight: 600; }
        @media (max-width: 40rem) { table.events td:nth-child(4), table.events th:nth-child(4) { display: none; } }
        .empty { color: var(--muted); }
        .ranges a { margin-right: .6rem; } .ranges a[aria-current] { font-weight: 700; }
        .legend { color: var(--muted); font-size: .85rem; display: flex; flex-wrap: wrap; gap: .3rem 1rem; }
        .key::before { content: ""; display: inline-block; width: .9rem; height: .6rem; margin-right: .3rem; vertical-align: middle; border-radius: 2px; }
        .key.median::before { height: 2px; background: var(--accent); } .key.p95::before { background: var(--accent); opacity: .35; }
        .key.minmax::before { background: var(--accent); opacity: .12; } .key.loss::before { background: var(--warn); }
        .key.outage::before { background: var(--down); opacity: .2; } .key.down::before { background: var(--accent); } .key.up::before { background: var(--up); }
        select { font: inherit; color: inherit; background: var(--card); border: 1px solid var(--line); border-radius: .35rem; padding: .3rem .4rem; }
        .inline-check { display: inline-flex; flex-direction: row; align-items: center; gap: .4rem; color: var(--fg); font-size: 1rem; }
        table.log td:first-child { color: var(--muted); font-variant-numeric: tabular-nums; }
        td.error { color: var(--down); }
        td.id { font-family: ui-monospace, monospace; font-size: .85rem; color: var(--muted); user-select: all; }
        figure.hops { max-width: 28rem; }
        .error { color: var(--down); }
        .culprit { display: inline-block; padding: 0 .4rem; border-radius: .3rem; background: var(--unknown-bg); }
        dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; }
        dl.facts dt { color: var(--muted); }
        dl.facts dd { margin: 0; }
        form.filters { display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: end; }
        label { display: flex; flex-direction: column; font-size: .85rem; color: var(--muted); gap: .2rem; }
        input, textarea, button { font: inherit; color: inherit; background: var(--card); border: 1px solid var(--line); border-radius: .35rem; padding: .35rem .5rem; }
        textarea { min-height: 4rem; width: 100%; }
        button { cursor: pointer; background: #1f6feb; color: #fff; border-color: #1f6feb; }
        button.link { background: none; border: none; color: var(--accent); padding: 0; }
        form.inline { display: inline; }
        figure { margin: 0; }
        svg.chart { width: 100%; height: auto; display: block; font-size: 11px; }
        .chart-narrow { display: none; }
        @media (max-width: 40rem) { .chart-wide { display: none; } .chart-narrow { display: block; } }
        svg.chart .grid { stroke: var(--line); stroke-width: 1; }
        svg.chart .axis { fill: var(--muted); }
        svg.chart .median { stroke: var(--accent); stroke-width: 1.8; }
        svg.chart .band-p95 { fill: var(--accent); opacity: .28; }
        svg.chart .band-minmax { fill: var(--accent); opacity: .1; }
        svg.chart .outage { fill: var(--down); opacity: .13; }
        svg.chart .hover { fill: transparent; }
        svg.chart .hover:hover { fill: var(--fg); opacity: .05; }
        svg.chart .loss-low { fill: var(--warn); opacity: .55; }
        svg.chart .loss-mid { fill: var(--warn); }
        svg.chart .loss-high { fill: var(--down); }
        svg.chart .state-up { fill: var(--up); } svg.chart .state-down { fill: var(--down); } svg.chart .state-unknown { fill: var(--unknown); opacity: .5; }
        svg.chart .lane { fill: var(--fg); }
        svg.chart .avail-good { fill: var(--up); } svg.chart .avail-fair { fill: var(--warn); } svg.chart .avail-poor { fill: var(--down); } svg.chart .avail-none { fill: var(--unknown); }
        svg.chart .series-down, svg.chart .point-down { stroke: var(--accent); } svg.chart .series-up, svg.chart .point-up { stroke: var(--up); }
        svg.chart .series-down, svg.chart .series-up { stroke-width: 1.5; }
        svg.chart .point { fill: var(--card); stroke-width: 2; } svg.chart .slow { fill: var(--down); }
        svg.chart .plan { stroke-dasharray: 5 4; stroke-width: 1.2; } svg.chart .plan-down { stroke: var(--accent); } svg.chart .plan-up { stroke: var(--up); }
        svg.chart .failed { fill: var(--down); }
        svg.chart .path { stroke: var(--line); stroke-width: 2; } svg.chart .node { fill: var(--card); stroke: var(--accent); stroke-width: 2; }
        svg.chart .node-silent { stroke: var(--unknown); stroke-dasharray: 3 2; } svg.chart .hop { fill: var(--fg); font-size: 13px; }
        svg.chart .hop.silent { fill: var(--muted); } svg.chart .role { fill: var(--muted); }
        .brand small { font-weight: 400; color: var(--muted); }
        .hint { color: var(--muted); font-size: .85rem; }
        .done { padding: .6rem .9rem; border-left: 4px solid var(--up); background: var(--up-bg); border-radius: .3rem; }
        .bad, td.slow { color: var(--down); } .good { color: var(--up); }
        form.stacked { display: grid; gap: .6rem; max-width: 26rem; }
        form.stacked button { justify-self: start; }
        button:disabled { opacity: .45; cursor: default; }
        button.danger { background: var(--card); color: var(--down); border-color: var(--down); }
        table.jobs button { padding: .2rem .6rem; margin: .1rem 0; }
        table.jobs td:last-child { white-space: normal; }
        form.filters + form.filters { margin-top: .75rem; }
        @media (max-width: 40rem) { table.monitor-log td:first-child { white-space: normal; min-width: calc(10ch + 1rem); } }
        pre { overflow-x: auto; padding: .6rem .8rem; background: var(--card); border: 1px solid var(--line); border-radius: .35rem; font-size: .85rem; }
        pre.secret { user-select: all; overflow-wrap: anywhere; white-space: pre-wrap; }
        table.monitor-log tr.level-warning td, table.monitor-log tr.level-error td, table.monitor-log tr.level-critical td { color: var(--down); }
        table.availability td { font-variant-numeric: tabular-nums; }
        td.avail-good { color: var(--up); } td.avail-fair { color: var(--warn); } td.avail-poor { color: var(--down); }
        .summary { font-weight: 600; }
        .key.plan::before { height: 0; border-top: 2px dashed var(--accent); }

        """

    /// Live updates of the overview from /api/v1/stream (status and activity); the page
    /// works without it (it is what the server rendered).
    static let js = """
        "use strict";
        (function () {
          if (document.body.dataset.page === "tools") return tools();
          if (!window.EventSource) return;
          if (document.body.dataset.page === "events") return liveLog();
          if (document.body.dataset.page !== "overview") return;
          // The page is the server's rendering; when the state it shows changes, it is rendered
          // again (one request), so the words and numbers are always the server's.
          var shown = document.querySelector("[data-shown]");
          var source = new EventSource("/api/v1/stream?types=status,activity");
          source.addEventListener("status", function (e) {
            var s = JSON.parse(e.data);
            var now = s.connectivity + " " + s.dns + " " + (s.open_outage ? s.open_outage.id : "-") + " " + s.monitor;
            if (shown && shown.dataset.shown !== now) { source.close(); location.reload(); }
          });
          source.addEventListener("activity", function (e) {
            var a = JSON.parse(e.data), el = document.querySelector("[data-live=activity]");
            if (!el) return;
            var n = a.probes_in_flight;
            var text = n > 0 ? "probing " + n + " target" + (n === 1 ? "" : "s") : "waiting for the next probes";
            if (a.trace) text = "tracing the path to " + a.trace.destination;
            if (a.speedtest) text = "speed test: " + a.speedtest.phase + " " + Math.round(a.speedtest.mbps) + " Mb/s, " + Math.round(a.speedtest.progress * 100) + " %";
            el.textContent = text;
          });
          // The log viewer's live mode: on each new event, the rows after the newest shown, with
          // the page's filters, rendered by the server (the page itself, asked for them).
          function liveLog() {
            var box = document.getElementById("live"), table = document.querySelector("table.log");
            if (!box || !table) return;
            var shown = Number(table.dataset.after), filter = JSON.parse(table.dataset.filter || "{}");
            var source = null, pending = false;
            function fetchNew() {
              pending = false;
              var q = new URLSearchParams(filter);
              q.delete("before_seq"); q.set("after_seq", String(shown)); q.set("order", "asc"); q.set("limit", "1000");
              fetch("/events?" + q.toString(), { credentials: "same-origin" }).then(function (r) { return r.text(); }).then(function (html) {
                var rows = new DOMParser().parseFromString(html, "text/html").querySelectorAll("#log tr");
                var body = document.getElementById("log");
                rows.forEach(function (row) {
                  var seq = Number(row.firstElementChild.textContent);
                  if (seq > shown) { body.insertBefore(document.importNode(row, true), body.firstChild); shown = seq; }
                });
              });
            }
            box.addEventListener("change", function () {
              if (box.checked && !source) {
                source = new EventSource("/api/v1/stream?types=event&after_seq=" + shown);
                source.addEventListener("event", function () { if (!pending) { pending = true; setTimeout(fetchNew, 200); } });
              } else if (!box.checked && source) { source.close(); source = null; }
            });
          }
          // The tools page: the check through the API's streamed form, each try or hop shown as
          // it comes, in the words the server uses when it renders the results itself.
          function tools() {
            var form = document.getElementById("check-form"), out = document.getElementById("check-result");
            var meta = document.querySelector("meta[name=csrf-token]"), button = document.getElementById("run-check");
            if (!form || !out || !window.fetch || !window.TextDecoder) return;
            function ms(v) { return String(Math.round(v * 10) / 10); }
            form.addEventListener("submit", function (ev) {
              ev.preventDefault();
              var data = new FormData(form), body = new URLSearchParams(), tool = String(data.get("tool"));
              data.forEach(function (v, k) { if (k !== "tool" && k !== "csrf" && v !== "") body.append(k, String(v)); });
              out.textContent = "";
              var table = document.createElement("table"), rows = document.createElement("tbody"), summary = document.createElement("p");
              table.className = "check"; table.appendChild(rows); out.appendChild(table);
              summary.className = "summary"; summary.textContent = "running…"; out.appendChild(summary);
              function row(label, text, bad) {
                var tr = document.createElement("tr"), a = document.createElement("td"), b = document.createElement("td");
                a.textContent = label; b.textContent = text; b.className = bad ? "text bad" : "text";
                tr.appendChild(a); tr.appendChild(b); rows.appendChild(tr);
              }
              function detail(m) { return m.detail ? " (" + m.detail + ")" : ""; }
              function show(m) {
                if (m.step === "try") row("try " + m.try, m.ok ? "ok, " + ms(m.rtt_ms) + " ms" + detail(m) : m.error + detail(m), !m.ok);
                else if (m.step === "hop") row("hop " + m.ttl, m.address ? m.address + (m.rtt_ms != null ? ", " + ms(m.rtt_ms) + " ms" : "") : "no answer", !m.address);
                else if (m.step === "done") {
                  if (m.tool === "speedtest") {
                    if (m.down_mbps != null) { row("download", ms(m.down_mbps) + " Mb/s", false); row("upload", ms(m.up_mbps) + " Mb/s", false); }
                    else if (m.error) row("speed test", "failed: " + m.error, true);
                  } else if (m.error) row("could not run", m.error + detail(m), true);
                  var text = (m.ok ? "ok" : "failed") + ": " + m.target + (m.address ? " (" + m.address + ")" : "");
                  if (m.sent) {
                    text += ", sent " + m.sent + ", lost " + m.lost + " (" + ms(m.loss_pct) + " %)";
                    if (m.min_ms != null) text += ", min/avg/max " + ms(m.min_ms) + "/" + ms(m.avg_ms) + "/" + ms(m.max_ms) + " ms";
                  }
                  summary.className = "summary " + (m.ok ? "good" : "bad"); summary.textContent = text;
                }
              }
              if (button) button.disabled = true;
              fetch("/api/v1/tools/" + encodeURIComponent(tool), { method: "POST", credentials: "same-origin", body: body.toString(),
                headers: { "Accept": "application/x-ndjson", "Content-Type": "application/x-www-form-urlencoded", "X-CSRF-Token": meta ? meta.content : "" } })
                .then(function (r) {
                  if (!r.ok) return r.json().then(function (e) { summary.className = "summary bad"; summary.textContent = e.error || "HTTP " + r.status; });
                  var reader = r.body.getReader(), decoder = new TextDecoder(), buffer = "";
                  function pump() {
                    return reader.read().then(function (chunk) {
                      if (chunk.done) return;
                      buffer += decoder.decode(chunk.value, { stream: true });
                      var lines = buffer.split("\\n");
                      buffer = lines.pop();
                      lines.forEach(function (line) { if (line) show(JSON.parse(line)); });
                      return pump();
                    });
                  }
                  return pump();
                })
                .catch(function (e) { summary.className = "summary bad"; summary.textContent = "the check could not be asked for: " + e; })
                .then(function () { if (button) button.disabled = false; });
            });
          }
        })();

        """
}
