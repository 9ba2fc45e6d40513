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
  // "Last result 4 s ago", counted on from the server's figures (the difference of the two
  // clocks cancels out); each commit's status moves the newest result on.
  var fresh = document.querySelector(".freshness"), ago = document.querySelector("[data-live=ago]");
  var skew = fresh ? Number(fresh.dataset.serverNow) - Date.now() : 0;
  var lastResult = fresh ? Number(fresh.dataset.lastResult) : 0;
  function words(ms) {
    var s = Math.max(0, Math.floor(ms / 1000));
    if (s < 60) return s + " s";
    if (s < 3600) return Math.floor(s / 60) + " min " + (s % 60) + " s";
    return Math.floor(s / 3600) + " h " + (Math.floor(s / 60) % 60) + " min";
  }
  if (fresh && ago) setInterval(function () { ago.textContent = words(Date.now() + skew - lastResult); }, 1000);
  source.addEventListener("status", function (e) {
    var s = JSON.parse(e.data);
    if (s.as_of && s.monitor === "running") lastResult = Math.max(lastResult, Date.parse(s.as_of));
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
              var lines = buffer.split("\n");
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
