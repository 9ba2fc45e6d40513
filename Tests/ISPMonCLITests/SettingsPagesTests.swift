import Foundation
import ISPMonCore
import ISPMonQuery
import ISPMonStore
import Testing
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// The pages with actions (docs/web.md): settings (jobs, the log level and the monitor's log
/// lines, tokens, the password), the tools page without JavaScript, the public status page,
/// availability and the plan. Over HTTP on loopback, against real `ispmon serve` and `ispmon run`.
@Suite(.serialized) struct SettingsPagesTests {
    typealias Served = WebServeTests.Served

    static let form = ("Content-Type", "application/x-www-form-urlencoded")

    static func encoded(_ fields: [(String, String)]) -> [UInt8] {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return Array(fields.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")" }.joined(separator: "&").utf8)
    }

    /// The session cookie from a sign-in with `password`, or nil.
    static func signIn(_ client: HTTPClient, _ password: String) -> String? {
        guard let r = client.request("POST", "/login", headers: [form], body: encoded([("password", password)])), r.status == 303,
              let cookie = r.header("Set-Cookie") else { return nil }
        return String(cookie.prefix { $0 != ";" })
    }

    static func csrf(_ client: HTTPClient, _ cookie: String) -> String {
        let s = client.get("/api/v1/session", headers: [("Cookie", cookie)])
        return ((s?.json as? [String: Any])?["csrf"] as? String) ?? ""
    }

    @Test func theSettingsPageChangesJobsAndTheLogLevelOfTheMonitorBesideIt() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let run = MonitorRunTests()
        let ports = MonitorRunTests.Ports()
        let port = UInt16.random(in: 20_000...32_000)
        try run.config(ports, webPort: port).write(toFile: dir.file("ispmon.yaml"), atomically: true, encoding: .utf8)
        let store = dir.file("store")
        let password = "a long enough password"
        #expect(try CLI.run(["passwd"], stdin: Data((password + "\n").utf8), data: store).status == 0)
        let p = try run.start(dir.file("ispmon.yaml"), data: store, logLevel: "info")
        defer { _ = run.stop(p, SIGTERM) }
        #expect(waitUntilListening(port: port))
        let http = HTTPClient(port: port)
        let cookie = try #require(Self.signIn(http, password))
        let csrf = Self.csrf(http, cookie)
        let session = ("Cookie", cookie)

        var page = http.get("/settings", headers: [session])?.text ?? ""
        #expect(page.contains("id=\"job-probes-run\" disabled"), "probes run, so its Run button is off")
        #expect(page.contains("<code>\(dir.file("ispmon.yaml"))</code> (secrets masked)") && page.contains("name: router"), "the running config")
        #expect(page.contains("monitoring 3 targets"), "the monitor's own log lines: \(page)")

        // The log level applies at once: at warning, a job change's info line is not kept; at info it is.
        let level = http.request("POST", "/settings/log-level", headers: [session, Self.form], body: Self.encoded([("csrf", csrf), ("level", "warning")]))
        #expect(level?.status == 303 && level?.header("Location") == "/settings?done=level")
        let paused = http.request("POST", "/settings/jobs/probes", headers: [session, Self.form], body: Self.encoded([("csrf", csrf), ("state", "paused")]))
        #expect(paused?.status == 303 && paused?.header("Location") == "/settings?done=job")
        #expect(http.request("POST", "/settings/log-level", headers: [session, Self.form], body: Self.encoded([("csrf", csrf), ("level", "info")]))?.status == 303)
        #expect(http.request("POST", "/settings/jobs/probes", headers: [session, Self.form], body: Self.encoded([("csrf", csrf), ("state", "run")]))?.status == 303)
        page = http.get("/settings?done=job", headers: [session])?.text ?? ""
        #expect(page.contains("The job was changed"))
        #expect(page.contains("job probes: run") && !page.contains("job probes: paused"), "the line logged at warning level was not kept")
        #expect(page.contains("<option value=\"info\" selected>info</option>"))
        let warnings = http.get("/settings?log_level=warning", headers: [session])?.text ?? ""
        #expect(!warnings.contains("job probes: run") && !warnings.contains("monitoring 3 targets"), "filtered by level")

        // Both changes are `job` events of the log (committed with the monitor's next group
        // commit, within 200 ms), in the log viewer too.
        var states: [String] = []
        var jobs = ""
        for _ in 0..<40 where states.count < 2 {
            usleep(50_000)
            jobs = http.get("/api/v1/events?type=job&order=asc", headers: [session])?.text ?? ""
            states = jobs.split(separator: "\n").compactMap { (try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])?["state"] as? String }
        }
        #expect(states == ["paused", "run"], "\(jobs)")
        let viewer = http.get("/events?type=job", headers: [session])?.text ?? ""
        #expect(viewer.contains("probes") && viewer.contains("paused"))

        // Without the CSRF token nothing changes; a bad state is named.
        #expect(http.request("POST", "/settings/jobs/probes", headers: [session, Self.form], body: Self.encoded([("state", "disabled")]))?.status == 403)
        let bad = http.request("POST", "/settings/jobs/probes", headers: [session, Self.form], body: Self.encoded([("csrf", csrf), ("state", "asleep")]))
        #expect(bad?.status == 400 && bad?.text.contains("state") == true)
        #expect(http.request("POST", "/settings/log-level", headers: [session, Self.form], body: Self.encoded([("csrf", csrf), ("level", "loud")]))?.status == 400)
    }

    @Test func withoutAMonitorTheJobsAndTheLogLevelSaySo() throws {
        let s = try Served()
        guard let (cookie, csrf) = s.signIn() else { Issue.record("sign-in failed"); return }
        let page = s.client.get("/settings", headers: [("Cookie", cookie)])?.text ?? ""
        #expect(page.contains("No monitor is running on this store"))
        #expect(page.contains("this is <code>ispmon serve</code>"))
        let job = s.client.request("POST", "/settings/jobs/probes", headers: [("Cookie", cookie), Self.form], body: Self.encoded([("csrf", csrf), ("state", "paused")]))
        #expect(job?.status == 409 && job?.header("Content-Type") == "text/html; charset=utf-8")
        let level = s.client.request("POST", "/settings/log-level", headers: [("Cookie", cookie), Self.form], body: Self.encoded([("csrf", csrf), ("level", "debug")]))
        #expect(level?.status == 409)
    }

    @Test func tokensAreMadeOnceAndRevokedFromTheSettingsPage() throws {
        let s = try Served()
        guard let (cookie, csrf) = s.signIn() else { Issue.record("sign-in failed"); return }
        let headers = [("Cookie", cookie), Self.form]
        let made = s.client.request("POST", "/settings/tokens", headers: headers, body: Self.encoded([("csrf", csrf), ("name", "grafana"), ("read_only", "1")]))
        #expect(made?.status == 200)
        let html = made?.text ?? ""
        let secret = html.components(separatedBy: "<pre class=\"secret\" id=\"new-token\">").dropFirst().first.map { String($0.prefix { $0 != "<" }) } ?? ""
        #expect(secret.hasPrefix("ispmon_") && secret.count == 71, "the secret, shown once: \(secret)")
        #expect(html.contains("<td>grafana</td><td>read-only</td>"))
        let later = s.client.get("/settings", headers: [("Cookie", cookie)])?.text ?? ""
        #expect(later.contains("<td>grafana</td>") && !later.contains(secret), "never shown again")
        let bearer = ("Authorization", "Bearer \(secret)")
        #expect(s.client.get("/api/v1/status", headers: [bearer])?.status == 200)
        #expect(s.client.request("POST", "/api/v1/outages/x/notes", headers: [bearer], body: Array("{}".utf8))?.status == 403, "read-only")
        #expect(try CLI.run(["token", "list"], data: s.store).out.contains("grafana"), "the CLI sees it")

        let twice = s.client.request("POST", "/settings/tokens", headers: headers, body: Self.encoded([("csrf", csrf), ("name", "grafana")]))
        #expect(twice?.status == 400 && twice?.text.contains("a token named &#39;grafana&#39; exists") == true)
        let odd = s.client.request("POST", "/settings/tokens", headers: headers, body: Self.encoded([("csrf", csrf), ("name", "<b>x</b>")]))
        #expect(odd?.status == 400 && odd?.text.contains("&lt;b&gt;x&lt;/b&gt;") == true && odd?.text.contains("<b>x</b>") == false)

        let revoked = s.client.request("POST", "/settings/tokens/grafana/revoke", headers: headers, body: Self.encoded([("csrf", csrf)]))
        #expect(revoked?.status == 303 && revoked?.header("Location") == "/settings?done=revoked")
        #expect(s.client.get("/api/v1/status", headers: [bearer])?.status == 401, "revoked at once")
        #expect(s.client.request("POST", "/settings/tokens/grafana/revoke", headers: headers, body: Self.encoded([("csrf", csrf)]))?.status == 404)
    }

    @Test func thePasswordIsChangedWithTheCurrentOneAndEndsTheOtherSessions() throws {
        let s = try Served()
        guard let (cookie, csrf) = s.signIn(), let other = Self.signIn(s.client, WebServeTests.password) else {
            Issue.record("sign-in failed")
            return
        }
        let headers = [("Cookie", cookie), Self.form]
        func change(_ current: String, _ new: String, _ again: String) -> HTTPClient.Response? {
            s.client.request("POST", "/settings/password", headers: headers,
                             body: Self.encoded([("csrf", csrf), ("current", current), ("password", new), ("again", again)]))
        }
        let wrong = change("not it at all", "a brand new password", "a brand new password")
        #expect(wrong?.status == 400 && wrong?.text.contains("The current password is wrong: nothing changed.") == true)
        #expect(!s.log.contains("not it at all"), "what was typed is never logged")
        #expect(change(WebServeTests.password, "a brand new password", "another new password")?.text.contains("differ") == true)
        #expect(change(WebServeTests.password, "short", "short")?.text.contains("at least 10 characters") == true)
        #expect(Self.signIn(s.client, WebServeTests.password) != nil, "nothing changed so far")

        let changed = change(WebServeTests.password, "a brand new password", "a brand new password")
        #expect(changed?.status == 303 && changed?.header("Location") == "/settings?done=password")
        let fresh = try #require(changed?.header("Set-Cookie").map { String($0.prefix { $0 != ";" }) })
        #expect(fresh != cookie)
        #expect(s.client.get("/settings?done=password", headers: [("Cookie", fresh)])?.text.contains("The password was changed") == true,
                "this browser stays signed in")
        #expect(s.client.get("/settings", headers: [("Cookie", other)])?.status == 303, "another session ended")
        #expect(s.client.get("/settings", headers: [("Cookie", cookie)])?.status == 303, "and this one's old cookie too")
        #expect(Self.signIn(s.client, WebServeTests.password) == nil)
        #expect(Self.signIn(s.client, "a brand new password") != nil)
    }

    @Test func theToolsPageRunsACheckWithoutJavaScript() throws {
        // The check goes to the server itself, on loopback: which the tools refuse unless the
        // config allows it (ToolsTests has them refused without the switch).
        let s = try Served(config: "web:\n  tools_allow_local: true\n")
        guard let (cookie, csrf) = s.signIn() else { Issue.record("sign-in failed"); return }
        let headers = [("Cookie", cookie), Self.form]
        let page = s.client.get("/tools", headers: [("Cookie", cookie)])?.text ?? ""
        #expect(page.contains("<form method=\"post\" action=\"/tools\" id=\"check-form\""))
        // A TCP connect to the server itself, on loopback; the form's unused fields come empty.
        let ok = s.client.request("POST", "/tools", headers: headers, body: Self.encoded([
            ("csrf", csrf), ("tool", "tcp"), ("host", "127.0.0.1"), ("port", "\(s.port)"), ("query", ""), ("url", ""), ("count", "2"),
        ]))
        #expect(ok?.status == 200)
        let html = ok?.text ?? ""
        #expect(html.contains("<td>try 1</td><td class=\"text\">ok, ") && html.contains("<td>try 2</td>"), "\(html)")
        #expect(html.contains("ok: 127.0.0.1:\(s.port), sent 2, lost 0 (0 %)"))
        #expect(html.contains("value=\"127.0.0.1\""), "the form keeps what was typed")
        let closed = s.client.request("POST", "/tools", headers: headers, body: Self.encoded([
            ("csrf", csrf), ("tool", "tcp"), ("host", "127.0.0.1"), ("port", "1"), ("count", "1"),
        ]))
        #expect(closed?.text.contains("failed: 127.0.0.1:1, sent 1, lost 1 (100 %)") == true, "\(closed?.text ?? "")")
        let missing = s.client.request("POST", "/tools", headers: headers, body: Self.encoded([("csrf", csrf), ("tool", "tcp"), ("host", "127.0.0.1")]))
        #expect(missing?.status == 400 && missing?.text.contains("port") == true)
        let hostile = s.client.request("POST", "/tools", headers: headers, body: Self.encoded([("csrf", csrf), ("tool", "ping"), ("host", "<script>x</script>")]))
        #expect(hostile?.status == 400 && hostile?.text.contains("<script>x") == false)
        #expect(s.client.request("POST", "/tools", headers: headers, body: Self.encoded([("tool", "tcp")]))?.status == 403, "CSRF")
    }

    @Test func thePublicStatusPageNamesNoTargetAndExistsOnlyWhenOn() throws {
        let on = try Served(config: "site: corner-shop\nweb:\n  public_status: true\n")
        let page = on.client.get("/status")
        #expect(page?.status == 200, "no sign-in needed")
        let html = page?.text ?? ""
        #expect(html.contains("Is the internet up?") && html.contains("the ISP (beyond the router)") && html.contains("corner-shop"))
        #expect(html.contains("<h2>Availability</h2>") && html.contains("Last 30 days"))
        let targets = try CLI.run(["status", "--json"], data: on.store).out
        let names = ((try JSONSerialization.jsonObject(with: Data(targets.utf8)) as? [String: Any])?["targets"] as? [[String: Any]] ?? [])
            .compactMap { $0["name"] as? String }
        #expect(!names.isEmpty)
        for name in names { #expect(!html.contains(">\(name)<") && !html.contains(" \(name) ") && !html.contains("(\(name))"), "\(name) is not shown") }
        #expect(!html.contains("/outages/") && !html.contains("<form") && !html.contains("csrf"), "no links into the UI, no actions")
        #expect(on.client.get("/login")?.text.contains("href=\"/status\"") == true)

        let off = try Served()
        #expect(off.client.get("/status")?.status == 303, "off: a page like any other, behind the sign-in")
        guard let (cookie, _) = off.signIn() else { Issue.record("sign-in failed"); return }
        #expect(off.client.get("/status", headers: [("Cookie", cookie)])?.status == 404)
    }

    @Test func availabilityAndThePlanAreTheQueryLayersNumbers() throws {
        let s = try Served(config: "plan:\n  down_mbps: 1000\n  up_mbps: 1000\n")
        guard let (cookie, _) = s.signIn() else { Issue.record("sign-in failed"); return }
        var options = EventStore.Options()
        options.create = false
        let store = try EventStore(directory: s.store, options: options)
        let queries = Queries(store: store)
        let whole = try #require(try queries.availability().first)
        let html = s.client.get("/outages", headers: [("Cookie", cookie)])?.text ?? ""
        let percent = try #require(whole.connectivityPercent)
        #expect(percent.hundredths < 10_000, "the day of faults had outages")
        #expect(html.contains("the internet <strong>\(percent) %</strong>, DNS <strong>\(whole.dnsPercent.map { "\($0)" } ?? "–") %</strong>"), "\(html)")
        let days = try queries.availability(AvailabilityQuery(period: .day, zone: .local))
        for day in days { #expect(html.contains("<tr><td>\(day.label)</td>"), "a row for \(day.label)") }
        #expect(html.contains("class=\"chart availability\""))
        let weeks = s.client.get("/outages?per=week", headers: [("Cookie", cookie)])?.text ?? ""
        #expect(weeks.contains("<th>week</th>") && weeks.contains("-W"))
        #expect(s.client.get("/outages?per=year", headers: [("Cookie", cookie)])?.status == 400)
        let overview = s.client.get("/", headers: [("Cookie", cookie)])?.text ?? ""
        #expect(overview.contains("<td>Today</td>") && overview.contains("<td>This week</td>"))
        // Every test is under 80 % of a 1000/1000 plan: each is slow, and the chart draws the plan.
        let tests = s.client.get("/speedtests", headers: [("Cookie", cookie)])?.text ?? ""
        #expect(tests.contains("class=\"plan plan-down\"") && tests.contains("the plan: 1000 Mb/s down, 1000 Mb/s up"))
        #expect(tests.contains("<em>(slow)</em>"))
        // Newest first, as the CLI lists them; the overview's last test is the newest.
        guard case .tests(let recorded) = try Queries(store: store).speedTests(SpeedTestQuery()), let newest = recorded.first,
              let oldest = recorded.last else { Issue.record("no speed tests"); return }
        #expect(newest.time > oldest.time)
        let rows = tests.components(separatedBy: "<tr><td>").dropFirst().map { String($0.prefix { $0 != "<" }) }
        #expect(rows.first == LocalTime.format(newest.time), "\(rows.prefix(3))")
        #expect(overview.contains("<h2>The last speed test</h2>\n<p>\(LocalTime.format(newest.time)): download"))
        #expect(overview.contains("of the plan (1000 Mb/s / 1000 Mb/s)"))
    }

    @Test func csvDownloadsAreTheCLIsCSV() throws {
        let s = try Served()
        guard let (cookie, csrf) = s.signIn() else { Issue.record("sign-in failed"); return }
        let session = ("Cookie", cookie)
        for (path, command) in [("/api/v1/outages?format=csv", ["outages", "--csv"]),
                                ("/api/v1/latency?format=csv&period=day", ["latency", "--csv", "--daily"]),
                                ("/api/v1/speedtests?format=csv", ["speedtests", "--csv"]),
                                ("/api/v1/speedtests?format=csv&period=week", ["speedtests", "--csv", "--weekly"])] {
            let r = s.client.get(path, headers: [session])
            #expect(r?.status == 200 && r?.header("Content-Type") == "text/csv; charset=utf-8", "\(path)")
            #expect(r?.header("Content-Disposition")?.hasPrefix("attachment; filename=\"ispmon-") == true)
            #expect(r?.text == (try CLI.run(command, data: s.store).out), "\(path) is `ispmon \(command.joined(separator: " "))`")
        }
        #expect(s.client.get("/api/v1/outages?format=xml", headers: [session])?.status == 400)

        // Events: one row per event, stored text quoted so that it adds no column or line.
        let id = try PagesTests.outageIDs(s.store)[0].id
        let note = "a, \"quoted\"\tand tabbed"
        let added = s.client.request("POST", "/outages/\(id)/notes", headers: [session, Self.form], body: Self.encoded([("csrf", csrf), ("text", note)]))
        #expect(added?.status == 303)
        let events = s.client.get("/api/v1/events?type=note&format=csv", headers: [session])?.text ?? ""
        #expect(events.hasPrefix("seq,time,type,target,role,method,ok,rtt_ms,error,detail,down_mbps,up_mbps,outage,state,text\n"))
        #expect(events.contains(",note,,,,,,,,,,\(id),,\"a, \"\"quoted\"\"\tand tabbed\"\n"), "\(events)")
        let probes = s.client.get("/api/v1/events?type=probe&limit=50&format=csv", headers: [session])?.text ?? ""
        #expect(probes.split(separator: "\n").count == 51 && probes.split(separator: "\n").dropFirst().allSatisfy { $0.split(separator: ",", omittingEmptySubsequences: false).count == 15 })
        #expect(s.client.get("/api/v1/events?format=csv&format=csv", headers: [session])?.status == 400)

        // Text that a spreadsheet would run as a formula starts with a quote mark, in the API as in the CLI.
        let unnoted = try CLI.run(["outages", "--csv"], data: s.store).out.split(separator: "\n").dropFirst().first { $0.hasSuffix(",") }
        let bare = try #require(unnoted.map { String($0.prefix { $0 != "," }) }, "an outage without notes")
        let formula = "=HYPERLINK(\"http://203.0.113.9\",\"ISP\")"
        let noted = s.client.request("POST", "/outages/\(bare)/notes", headers: [session, Self.form], body: Self.encoded([("csrf", csrf), ("text", formula)]))
        #expect(noted?.status == 303)
        let defused = "\"'=HYPERLINK(\"\"http://203.0.113.9\"\",\"\"ISP\"\")\"\n"
        let outagesCSV = s.client.get("/api/v1/outages?format=csv", headers: [session])?.text ?? ""
        #expect(outagesCSV == (try CLI.run(["outages", "--csv"], data: s.store).out))
        #expect(outagesCSV.split(separator: "\n").contains { $0.hasPrefix(bare + ",") && ($0 + "\n").hasSuffix("," + defused) }, "\(outagesCSV)")
        let notesCSV = s.client.get("/api/v1/events?type=note&format=csv", headers: [session])?.text ?? ""
        #expect(notesCSV.contains(",\(bare),," + defused), "\(notesCSV)")
        // The pages link to them.
        let latency = s.client.get("/latency", headers: [session])?.text ?? ""
        let viewer = s.client.get("/events?type=probe", headers: [session])?.text ?? ""
        let outages = s.client.get("/outages", headers: [session])?.text ?? ""
        #expect(latency.contains("format=csv"))
        #expect(viewer.contains("href=\"/api/v1/events?format=csv&amp;limit=100&amp;type=probe\""))
        #expect(outages.contains("href=\"/api/v1/outages?format=csv\""))
    }
}
