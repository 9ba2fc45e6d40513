import Foundation
import ISPMonCore
import ISPMonQuery
import ISPMonStore
import Testing
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// The web UI in a real browser: headless Chromium (Debian's `chromium` and `chromium-driver`)
/// driven by Selenium (PyPI) through `Browser/browser.py`, against a real `ispmon serve` on a
/// store with three days of faults (or, for the settings page, `ispmon run` with loopback
/// targets). The browser, its driver and the server run in a network
/// namespace with only loopback: Chromium makes requests of its own to other hosts otherwise,
/// and here any request that is not to the server fails and shows in the report. Each test runs
/// one scenario of the driver and asserts on the JSON report it prints. Without root (or `ip`)
/// there is no namespace: every test is skipped, and reported as skipped.
@Suite(.serialized, .enabled(if: LoopbackNamespace.unavailable == nil,
                             "needs root and iproute2's ip to make a network namespace; CI runs as root"))
struct BrowserTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    static let driver = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Browser/browser.py").path
    static let password = "correct horse battery"
    /// What tools/test installs from PyPI (selenium 4.52 needs a certifi newer than the mirror has).
    static let packages = ["selenium==4.51.0"]
    static let chromium = "/usr/bin/chromium"
    static let chromedriver = "/usr/bin/chromedriver"

    /// Where the screenshots go: `$ISPMON_TEST_ARTIFACTS` (CI keeps that directory), else the build directory.
    static var artifacts: String {
        ProcessInfo.processInfo.environment["ISPMON_TEST_ARTIFACTS"].map { $0 + "/browser" } ?? root + "/.build/test-artifacts/browser"
    }

    /// Why the browser tests cannot run here, or nil: the browser, its driver or selenium
    /// missing after tools/test's install. As root (CI) that is a failure, as in OpenAPITests;
    /// without root the tests do not run at all (the suite's trait: reported as skipped).
    static let missing: String? = {
        var missing: [String] = []
        if !FileManager.default.isExecutableFile(atPath: chromium) { missing.append("\(chromium) (apt: chromium)") }
        if !FileManager.default.isExecutableFile(atPath: chromedriver) { missing.append("\(chromedriver) (apt: chromium-driver)") }
        if !hasSelenium() { missing.append("python3's selenium (`python3 -m pip install \(packages.joined(separator: " "))` did not help)") }
        return missing.isEmpty ? nil : "needs " + missing.joined(separator: ", ") + ": tools/test installs them"
    }()

    static func hasSelenium() -> Bool {
        func importable() -> Bool { (try? OpenAPITests.run("/usr/bin/env", ["python3", "-c", "import selenium"]).status) == 0 }
        if importable() { return true }
        // tools/test installs it; this is for `swift test` run alone.
        _ = try? OpenAPITests.run("/usr/bin/env", ["PIP_BREAK_SYSTEM_PACKAGES=1", "python3", "-m", "pip", "install", "--quiet"] + packages)
        return importable()
    }

    /// Throws (a failure, never a quiet pass) when the browser is missing.
    static func requireTheBrowser() throws {
        if let missing { throw MissingTool(missing) }
    }

    /// A store and a password, and the server on it, in a namespace with only loopback: by
    /// default `ispmon serve` on three days of faults with `config`; with `monitor`, `ispmon run`
    /// on a new store, its web UI beside it (see ``Lab/monitorConfig``).
    final class Lab: Sendable {
        let dir = TempDir()
        var store: String { dir.file("store") }
        let namespace: LoopbackNamespace
        let port: UInt16 = 8080
        var base: String { "http://127.0.0.1:\(port)" }
        /// A port nobody listens on in the namespace.
        static let closedPort: UInt16 = 8081
        /// The monitor's notification channel `phone` (ntfy) posts here: an HTTP catcher in the
        /// namespace, when a test starts one.
        static let catcherPort: UInt16 = 8082

        init(config: String = "log_level: warning\n", monitor: Bool = false) throws {
            namespace = try LoopbackNamespace(prefix: "ispmon-browser")
            let links = namespace.links
            #expect(links.count == 1 && links.first?.contains(": lo:") == true, "the namespace must have only loopback: \(links)")
            if !monitor {
                let ingest = try CLI.run(["bench", "ingest", "--faults", "3", "--data", dir.file("store")])
                #expect(ingest.status == 0, "\(ingest.stderr)")
            }
            #expect(try CLI.run(["passwd"], stdin: Data((BrowserTests.password + "\n").utf8), data: dir.file("store")).status == 0)
            try (monitor ? Self.monitorConfig(port: port) : config).write(toFile: dir.file("config.yaml"), atomically: true, encoding: .utf8)
            if monitor {
                try namespace.start(CLI.binary, ["run", "--data", dir.file("store"), "--config", dir.file("config.yaml"), "--log-level", "info"])
            } else {
                try namespace.start(CLI.binary, ["serve", "--data", dir.file("store"), "--listen", "127.0.0.1:\(port)", "--config", dir.file("config.yaml")])
            }
            let port = port
            #expect(namespace.inside { waitUntilListening(port: port) } == true, "ispmon \(monitor ? "run" : "serve") did not listen in the namespace")
            if monitor {
                // The web server starts first; the monitor's probes (stored after it listens for
                // job changes and logs that it is monitoring) say the rest has started too.
                var probed = false
                for _ in 0..<100 where !probed {
                    probed = !(try CLI.run(["events", "--type", "probe", "--json"], data: dir.file("store")).out.isEmpty)
                    if !probed { usleep(100_000) }
                }
                #expect(probed, "ispmon run stored no probe in 10 s")
            }
        }

        /// The monitor's config: its web UI on `port`, and two targets on loopback inside the
        /// namespace, both TCP connects, one to the web UI's port (which listens) and one to a
        /// port nobody listens on. A probe a second, so that its connections stay few. One
        /// notification channel, told only of recoveries (none happen here), for its Send test button.
        static func monitorConfig(port: UInt16) -> String {
            """
            interfaces: [lo]
            web: {listen: "127.0.0.1:\(port)"}
            defaults:
              interval: 1s
              timeout: 500ms
            targets:
              - {name: router, role: gateway, method: tcp, host: 127.0.0.1, port: \(port)}
              - {name: dead, role: internet, method: tcp, host: 127.0.0.1, port: \(closedPort)}
            notify:
              - {name: phone, kind: ntfy, url: "http://127.0.0.1:\(catcherPort)/alerts", on: [recovery]}

            """
        }

        deinit {
            namespace.remove()
            dir.cleanup()
        }

        func outages() throws -> [[String: Any]] {
            let out = try CLI.run(["outages", "--json"], data: store).out
            return (try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [[String: Any]]) ?? []
        }

        /// Runs the driver's `scenario` in the namespace with `config` added to the common one;
        /// its report, or nil (with an issue recorded that shows what it printed).
        func run(_ scenario: String, _ config: [String: Any] = [:], seconds: Int = 60) throws -> [String: Any]? {
            var all: [String: Any] = ["base": base, "password": BrowserTests.password, "profile": dir.file("chromium-\(scenario)"),
                                      "artifacts": BrowserTests.artifacts, "timeout": seconds, "ispmon": CLI.binary, "store": store]
            all.merge(config) { $1 }
            let json = String(decoding: try JSONSerialization.data(withJSONObject: all), as: UTF8.self)
            let out = dir.file("\(scenario).out"), err = dir.file("\(scenario).err")
            for f in [out, err] { _ = FileManager.default.createFile(atPath: f, contents: nil) }
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/sbin/ip")
            p.arguments = ["netns", "exec", namespace.name, "python3", BrowserTests.driver, scenario, json]
            // Files, not pipes: a browser left behind by a killed driver cannot keep the test waiting on a pipe.
            p.standardOutput = FileHandle(forWritingAtPath: out)
            p.standardError = FileHandle(forWritingAtPath: err)
            p.standardInput = FileHandle.nullDevice
            // No Selenium Manager and no statistics of it, whatever a future selenium defaults to.
            p.environment = ProcessInfo.processInfo.environment.merging(["SE_AVOID_STATS": "true", "SE_OFFLINE": "true"]) { $1 }
            let started = Date()
            try p.run()
            let pid = p.processIdentifier
            // The driver makes itself a process group (with chromedriver and Chromium in it): a
            // hang past its own alarm kills the lot.
            let watchdog = DispatchWorkItem { kill(-pid, SIGKILL); kill(pid, SIGKILL) }
            DispatchQueue.global().asyncAfter(deadline: .now() + .seconds(seconds + 15), execute: watchdog)
            p.waitUntilExit()
            watchdog.cancel()
            let text = (try? String(contentsOfFile: out, encoding: .utf8)) ?? ""
            let errors = (try? String(contentsOfFile: err, encoding: .utf8)) ?? ""
            let report = text.split(separator: "\n").last.flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) } as? [String: Any]
            print("BrowserTests: \(scenario) took \(String(format: "%.1f", Date().timeIntervalSince(started))) s "
                  + "(the browser started in \(report?["browser_start_s"] ?? "?") s)")
            guard p.terminationStatus == 0, let report else {
                Issue.record("browser.py \(scenario) exited \(p.terminationStatus):\n\(errors.suffix(4000))\n\(text.suffix(2000))")
                return nil
            }
            return report
        }
    }

    // What every report says: the requests, console messages and dialogs of the scenario.

    static func requests(_ r: [String: Any]) -> [[String: Any]] { (r["requests"] as? [[String: Any]]) ?? [] }

    /// Every request went to the server, and none failed (an error status or no answer). The
    /// overview's stream is cut when the page goes away (a reload, the next page): that one
    /// cancellation is no failure.
    static func expectOnlyTheServer(_ r: [String: Any], _ lab: Lab, _ scenario: String) {
        let all = requests(r)
        #expect(!all.isEmpty, "\(scenario): the performance log shows no request")
        for q in all {
            let url = q["url"] as? String ?? ""
            #expect(url.hasPrefix(lab.base + "/"), "\(scenario): a request to another host: \(url)")
            let status = q["status"] as? Int
            let failed = q["failed"] as? String
            let stream = url.hasPrefix(lab.base + "/api/v1/stream") && q["canceled"] as? Bool == true
            if !stream {
                #expect(failed == nil, "\(scenario): \((q["method"] as? String) ?? "") \(url) failed: \(failed ?? "")")
                #expect(status.map { $0 < 400 } == true, "\(scenario): \((q["method"] as? String) ?? "") \(url): status \(status.map(String.init) ?? "none")")
            }
        }
    }

    /// The page's scripts (their `src`, null for an inline one) are ispmon's file alone.
    static func onlyTheAppScript(_ scripts: Any?) -> Bool {
        guard let list = scripts as? [Any], list.count == 1, let src = list[0] as? String else { return false }
        return src.hasPrefix("/static/app.js?v=")
    }

    /// No SEVERE console message (a script error, a failed load, a CSP violation: the pages
    /// have no inline script or style), and no dialog.
    static func expectQuietConsole(_ r: [String: Any], _ scenario: String) {
        let console = (r["console"] as? [[String: Any]]) ?? []
        for m in console where m["level"] as? String == "SEVERE" {
            Issue.record("\(scenario): console: \(m["message"] ?? "")")
        }
        #expect(((r["dialogs"] as? [Any]) ?? []).isEmpty, "\(scenario): a dialog opened: \(r["dialogs"] ?? "")")
    }

    /// The public status page (on in this lab's config) signed out, then, signed in, every page
    /// of the navigation, the settings and tools pages, an outage's page and a filtered list.
    @Test func signInAndEveryPageLoadsWithNoErrorNoFailedRequestAndNothingFromElsewhere() throws {
        try Self.requireTheBrowser()
        let lab = try Lab(config: "log_level: warning\nweb: {public_status: true}\n")
        guard let r = try lab.run("pages", ["public": ["/status"]]) else { return }
        // Signed out, the public status page is itself (no sign-in page in between), without
        // the navigation, and says the state and the way to sign in.
        let status = ((r["public"] as? [[String: Any]]) ?? []).first
        #expect(status?["path"] as? String == "/status", "signed out, /status is the status page: \(status?["path"] ?? "none")")
        #expect(status?["h1"] as? String == "Is the internet up?" && (status?["nav"] as? [String])?.isEmpty == true,
                "the public page: \(status?["h1"] ?? "no h1"), navigation \(status?["nav"] ?? "")")
        let statusText = status?["text"] as? String ?? ""
        #expect(statusText.contains("Internet") && statusText.contains("DNS") && statusText.contains("Sign in"), "/status: \(statusText.prefix(300))")
        let statusDocuments = Self.requests(r).filter { $0["url"] as? String == lab.base + "/status" }
        #expect(statusDocuments.count == 1 && statusDocuments.first?["status"] as? Int == 200, "GET /status: \(statusDocuments)")
        #expect(r["landed"] as? String == "/", "signing in leads to the overview")
        let pages = (r["pages"] as? [[String: Any]]) ?? []
        let paths = pages.compactMap { $0["path"] as? String }
        // The navigation as the page has it, so a page added to PageRenderer.navigation is visited too.
        let nav = (pages.first?["nav"] as? [String]) ?? []
        #expect(nav.contains("/") && nav.contains("/outages"), "the page's navigation: \(nav)")
        for href in nav + ["/settings", "/tools"] { #expect(paths.contains(href), "\(href) was visited") }
        #expect(paths.contains { $0.hasPrefix("/outages/c-") }, "an outage's page was visited: \(paths)")
        // The public page has no script at all (nothing of it is live).
        #expect((status?["scripts"] as? [Any])?.isEmpty == true, "/status: no script: \(status?["scripts"] ?? "")")
        for page in pages + (status.map { [$0] } ?? []) {
            let path = page["path"] as? String ?? "?"
            if path != "/status" { #expect(Self.onlyTheAppScript(page["scripts"]), "\(path): only ispmon's script, from a file: \(page["scripts"] ?? "")") }
            #expect(page["inline_styles"] as? Int == 0, "\(path): no inline style")
            #expect((page["title"] as? String)?.hasSuffix("· ispmon") == true, "\(path): \(page["title"] ?? "")")
        }
        // The overview's live updates reached the server.
        #expect(Self.requests(r).contains { ($0["url"] as? String)?.hasPrefix(lab.base + "/api/v1/stream") == true && $0["status"] as? Int == 200 },
                "the overview's script opened the stream")
        Self.expectOnlyTheServer(r, lab, "pages")
        Self.expectQuietConsole(r, "pages")
    }

    @Test func theOverviewShowsAnOutageAnotherProcessImportsWithinASecond() throws {
        try Self.requireTheBrowser()
        let lab = try Lab()
        // The events come after the store's newest one: three failures in a row (down_after) of
        // every internet target turn the internet layer down, an outage (views.md); the router
        // and the ISP's edge stay up, so the cause is beyond the ISP's edge. One success ends it.
        let status = try JSONSerialization.jsonObject(with: Data(try CLI.run(["status", "--json"], data: lab.store).out.utf8)) as? [String: Any]
        var reason = ""
        guard let asOf = (status?["as_of"] as? String).flatMap({ Timestamp.parse(rfc3339: Array($0.utf8), reason: &reason) }) else {
            Issue.record("no as_of in ispmon status --json: \(String(describing: status))")
            return
        }
        #expect(status?["connectivity"] as? String == "up")
        let second: Int64 = 1_000_000
        let internet = SyntheticFaults.targets.filter { $0.role == .internet }
        #expect(internet.count == 3)
        var down: [Event] = []
        for i in 0..<3 {
            for (k, t) in internet.enumerated() {
                down.append(Event(time: Timestamp(microseconds: asOf.microseconds + Int64(1 + i) * second + Int64(k) * 1000),
                                  body: .probe(Probe(target: t.name, role: .internet, method: t.method, outcome: .failed(error: "timeout")))))
            }
        }
        let up = [Event(time: Timestamp(microseconds: asOf.microseconds + 10 * second),
                        body: .probe(Probe(target: "one-one", role: .internet, method: .icmp, outcome: .ok(rtt: 11_000))))]
        try ndjson(down).write(to: URL(fileURLWithPath: lab.dir.file("down.ndjson")))
        try ndjson(up).write(to: URL(fileURLWithPath: lab.dir.file("up.ndjson")))

        // A monitor holds the store (here the test, by its lock) while another process records:
        // without one the overview says "Not monitoring" instead of Up or Down.
        let lock = try MonitorLock(directory: lab.store)
        guard let r = try lab.run("live", ["down": lab.dir.file("down.ndjson"), "up": lab.dir.file("up.ndjson")]) else { return }
        _ = consume lock
        #expect(r["before"] as? String == "Up")
        #expect(r["listening"] as? Bool == true, "the overview's stream answered before the import")
        let steps = (r["steps"] as? [[String: Any]]) ?? []
        #expect(steps.map { $0["name"] as? String } == ["down", "up"])
        for step in steps {
            let name = step["name"] as? String ?? "?"
            #expect(step["import_status"] as? Int == 0, "ispmon import (\(name)): \(step["import_stderr"] ?? "")")
            let delay = step["delay_ms"] as? Double ?? .infinity
            #expect(step["seen"] as? Bool == true && delay < 1000,
                    "\(name): the overview showed \(step["shown"] ?? "?") \(Int(delay)) ms after the import")
            print("BrowserTests: the overview showed \(step["shown"] ?? "?") \(delay) ms after `ispmon import` exited")
        }
        #expect(steps.first?["shown"] as? String == "Down")
        #expect(steps.last?["shown"] as? String == "Up")
        let alert = steps.first?["alert"] as? String ?? ""
        #expect(alert.contains(Outage.Cause.upstream.inWords), "the outage under way, with its cause: \(alert)")
        #expect(steps.last?["alert"] is NSNull || steps.last?["alert"] == nil, "no outage under way once it ended")
        Self.expectOnlyTheServer(r, lab, "live")
        Self.expectQuietConsole(r, "live")
    }

    @Test func theOutagesPageListsEveryOutageWithItsCauseInWords() throws {
        try Self.requireTheBrowser()
        let lab = try Lab()
        let outages = try lab.outages()
        #expect(outages.count >= 12, "three days of faults: \(outages.count) outages")
        guard let r = try lab.run("outages") else { return }
        let rows = (r["rows"] as? [[String: Any]]) ?? []
        // Newest first, every one.
        #expect(rows.compactMap { $0["id"] as? String } == outages.reversed().compactMap { $0["id"] as? String })
        let byID = Dictionary(outages.map { ($0["id"] as? String ?? "", $0) }) { a, _ in a }
        for row in rows {
            let id = row["id"] as? String ?? "?"
            let cause = (byID[id]?["cause"] as? String).flatMap(Outage.Cause.init(rawValue:))
            #expect(cause != nil, "\(id): \(String(describing: byID[id]))")
            #expect(row["cause"] as? String == cause?.inWords, "\(id): the page says \(row["cause"] ?? ""), the CLI \(cause?.inWords ?? "?")")
            #expect(row["kind"] as? String == (byID[id]?["kind"] as? String == "dns" ? "DNS" : "internet"), "\(id)")
            #expect(row["shown_id"] as? String == id, "\(id): the row shows \(row["shown_id"] ?? "no id")")
        }
        #expect((r["text"] as? String)?.contains("\(outages.count) outages.") == true)
        Self.expectOnlyTheServer(r, lab, "outages")
        Self.expectQuietConsole(r, "outages")
    }

    @Test func anOutagePageShowsItsTimelineAndEventsAndTakesANoteThatTheLogViewerShows() throws {
        try Self.requireTheBrowser()
        let lab = try Lab()
        guard let id = try lab.outages().first(where: { $0["cause"] as? String == "isp" })?["id"] as? String else {
            Issue.record("no outage caused by the ISP in three days of faults")
            return
        }
        let note = "Called the ISP: ticket 4711 — \"a fault in the cabinet\" ✓"
        guard let r = try lab.run("outage", ["outage": id, "note": note]) else { return }
        #expect(r["h1"] as? String == "Outage \(id)")
        let chart = r["chart"] as? [String: Any]
        #expect(chart != nil, "an svg.timeline")
        #expect((chart?["width"] as? Double ?? 0) > 200 && (chart?["height"] as? Double ?? 0) > 50, "the chart is drawn: \(String(describing: chart))")
        #expect((chart?["text"] as? String)?.contains("isp-edge") == true, "a lane of the culprit: \(chart?["text"] ?? "")")
        let events = (r["events"] as? [[String]]) ?? []
        #expect(events.count > 3, "the raw events of the window: \(events.count) rows")
        #expect(events.contains { $0.joined(separator: " ").contains("isp-edge") && $0.joined(separator: " ").contains("timeout") },
                "the culprit's failures are among them")
        #expect(r["after_submit"] as? String == "/outages/\(id)", "the form leads back to the outage")
        #expect(((r["notes"] as? [String]) ?? []).contains { $0.hasSuffix(note) }, "the note after reload: \(r["notes"] ?? "")")
        let logged = try CLI.run(["events", "--type", "note", "--json"], data: lab.store).out.split(separator: "\n")
            .compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(logged.contains { $0["outage"] as? String == id && $0["text"] as? String == note }, "the note is in the log")
        // The log viewer shows it: the newest event of all (the note was appended last), and
        // the newest of the notes, as a `note` row with its text.
        let seq = logged.last { $0["outage"] as? String == id && $0["text"] as? String == note }?["seq"] as? Int
        #expect(seq != nil, "the note's seq in `ispmon events --json`: \(logged)")
        let log = r["log"] as? [String: Any]
        for path in ["/events", "/events?type=note"] {
            let rows = (log?[path] as? [[String: Any]]) ?? []
            #expect(rows.first?["seq"] as? Int == seq && rows.first?["type"] as? String == "note" && rows.first?["text"] as? String == "note: " + note,
                    "\(path): the top row is the note \(seq.map(String.init) ?? "?"): \(rows.prefix(3))")
        }
        let notes = ((log?["/events?type=note"] as? [[String: Any]]) ?? [])
        #expect(notes.compactMap { $0["seq"] as? Int } == logged.reversed().compactMap { $0["seq"] as? Int } && notes.allSatisfy { $0["type"] as? String == "note" },
                "/events?type=note: every note, newest first: \(notes)")
        Self.expectOnlyTheServer(r, lab, "outage")
        Self.expectQuietConsole(r, "outage")
    }

    /// The newest event's time (`ispmon status --json`'s `as_of`): what imported events come after.
    static func asOf(_ lab: Lab) throws -> Timestamp? {
        let status = try JSONSerialization.jsonObject(with: Data(try CLI.run(["status", "--json"], data: lab.store).out.utf8)) as? [String: Any]
        var reason = ""
        return (status?["as_of"] as? String).flatMap { Timestamp.parse(rfc3339: Array($0.utf8), reason: &reason) }
    }

    /// The sequence numbers `ispmon import` says it appended (`imported N events (seq A…B)`).
    static func importedSeqs(_ stderr: String) -> ClosedRange<Int>? {
        guard let at = stderr.range(of: "(seq ") else { return nil }
        let numbers = stderr[at.upperBound...].split { !$0.isNumber }.prefix(2).compactMap { Int($0) }
        guard numbers.count == 2, numbers[0] <= numbers[1] else { return nil }
        return numbers[0]...numbers[1]
    }

    /// Markup in the stored texts the pages show (a note, a path discovery's destination and
    /// hop) is shown as text, literally: no element is made of it, nothing of it runs or loads,
    /// on the outage's page, in the log viewer and on the path's page; nor of a probe's detail,
    /// which the pages do not show (its rows are found by searching it). The events come from
    /// `ispmon import` and make an outage of their own (three failures of every internet target,
    /// a path discovery, then a success); the note is added through the outage page's form.
    @Test func textWithHTMLInItIsShownAsTextAndNeverRun() throws {
        try Self.requireTheBrowser()
        let lab = try Lab()
        guard let asOf = try Self.asOf(lab) else { Issue.record("no as_of in ispmon status --json"); return }
        // `error` is a code (a–z 0–9 -: import refuses markup there); `detail` is free text, so
        // is a trace's destination and a hop's address.
        let detail = #"<img src=x onerror="window.__ispmon_xss='detail';alert('detail')"> <script>alert("detail")</script>"#
        let destination = #"<script>window.__ispmon_xss='trace';alert('trace')</script><img src=x onerror=alert(2)>"#
        let hop = "<b>192.0.2.1</b>"
        let second: Int64 = 1_000_000
        var events: [Event] = []
        for i in 0..<3 {
            for (k, t) in SyntheticFaults.targets.filter({ $0.role == .internet }).enumerated() {
                events.append(Event(time: Timestamp(microseconds: asOf.microseconds + Int64(1 + i) * second + Int64(k) * 1000),
                                    body: .probe(Probe(target: t.name, role: .internet, method: t.method, outcome: .failed(error: "timeout"), detail: detail))))
            }
        }
        events.append(Event(time: Timestamp(microseconds: asOf.microseconds + 5 * second),
                            body: .trace(Trace(destination: destination, hops: [Trace.Hop(ttl: 1, address: hop, rtt: 500)]))))
        events.append(Event(time: Timestamp(microseconds: asOf.microseconds + 10 * second),
                            body: .probe(Probe(target: "one-one", role: .internet, method: .icmp, outcome: .ok(rtt: 11_000)))))
        try ndjson(events).write(to: URL(fileURLWithPath: lab.dir.file("html.ndjson")))
        let imported = try CLI.run(["import", lab.dir.file("html.ndjson")], data: lab.store)
        #expect(imported.status == 0, "\(imported.stderr)")
        guard let seqs = Self.importedSeqs(imported.stderr), seqs.count == events.count else {
            Issue.record("ispmon import: \(imported.stderr)")
            return
        }
        let probes = Array(seqs.prefix(9)), trace = seqs.lowerBound + 9
        let outages = try lab.outages()
        guard let id = outages.first(where: { ($0["start"] as? String ?? "") > asOf.description })?["id"] as? String else {
            Issue.record("the imported failures made no outage: \(outages.suffix(2))")
            return
        }
        let note = #"<img src=x onerror=alert(1)> <script>alert("two")</script> <b>bold</b> &amp;"#
        guard let r = try lab.run("html-note", ["outage": id, "note": note, "visits": ["/events?q=onerror", "/events?type=trace", "/path"]]) else { return }
        #expect(r["after_submit"] as? String == "/outages/\(id)")
        let visits = (r["visits"] as? [[String: Any]]) ?? []
        #expect(visits.count == 3, "every page was visited: \(visits.map { $0["path"] ?? "" })")
        let pages = [r] + visits
        let shown = "path discovery to " + destination
        for page in pages {
            let path = page["path"] as? String ?? "?"
            #expect(page["alert"] is NSNull || page["alert"] == nil, "\(path): no alert opened: \(page["alert"] ?? "")")
            #expect(page["marked"] is NSNull || page["marked"] == nil, "\(path): no markup ran: \(page["marked"] ?? "")")
            #expect(page["img_x"] as? Int == 0 && page["images"] as? Int == 0, "\(path): no img element was made of stored text")
            #expect(Self.onlyTheAppScript(page["scripts"]), "\(path): no script element was made of it: \(page["scripts"] ?? "")")
            #expect(page["cell_children"] as? Int == 0, "\(path): the tables' cells hold text only")
        }
        // The outage's page: the note, and the path discovery among the window's events, literally.
        let text = r["text"] as? String ?? ""
        #expect(text.contains(note), "the page shows the note literally: \(r["notes"] ?? "")")
        #expect(((r["notes"] as? [String]) ?? []).contains { $0.hasSuffix(note) })
        #expect(((r["note_children"] as? [Int]) ?? []).allSatisfy { $0 <= 1 }, "a note is its time and text: \(r["note_children"] ?? "")")
        #expect(text.contains(shown), "the outage's events show the destination literally")
        // The log viewer: a search of the detail finds the nine probes and the note (their rows
        // say the target and the error code: the pages do not show a probe's detail), and the
        // path discovery's row shows its destination literally.
        let noteSeq = (try CLI.run(["events", "--type", "note", "--json"], data: lab.store).out.split(separator: "\n").last)
            .flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }?["seq"] as? Int
        let found = (visits.first?["rows"] as? [[String: Any]]) ?? []
        #expect(found.compactMap { $0["seq"] as? Int } == ([noteSeq ?? -1] + probes.reversed()), "/events?q=onerror: \(found)")
        #expect(found.first?["text"] as? String == "note: " + note, "the note's row, literally: \(found.first ?? [:])")
        #expect(found.dropFirst().allSatisfy { ($0["text"] as? String)?.hasSuffix(": timeout") == true }, "the probes' rows: \(found)")
        let traces = visits.count > 1 ? (visits[1]["rows"] as? [[String: Any]]) ?? [] : []
        #expect(traces.count == 1 && traces.first?["seq"] as? Int == trace && traces.first?["text"] as? String == shown + ": 1 hops",
                "/events?type=trace: \(traces)")
        // The path's page names the destination and draws the hop: as text.
        let path = visits.last
        #expect((path?["text"] as? String)?.contains("Path discovery to " + destination) == true, "/path: \(path?["text"] ?? "")")
        #expect((path?["svg_text"] as? String)?.contains(hop) == true, "/path: the hop's address, literally: \(path?["svg_text"] ?? "")")
        #expect(!Self.requests(r).contains { ($0["url"] as? String)?.hasSuffix("/x") == true }, "nothing loaded an image of stored text")
        Self.expectOnlyTheServer(r, lab, "html-note")
        Self.expectQuietConsole(r, "html-note")
    }

    // MARK: The log viewer

    /// Whether an event (its NDJSON object) is one that `parameters` select, by the rules of
    /// docs/http.md (`GET /api/v1/events`), checked here on their own: `type`; `target` (probes
    /// of it); `since`/`until`, both ends included; `q`, a case-insensitive substring of a
    /// probe's target, error or detail, a note's text, a speed test's server or error.
    static func selector(_ parameters: [String: String]) -> ([String: Any]) -> Bool {
        // The NDJSON's times are all of one form (UTC, six decimals), and so are the bounds made into it.
        var reason = ""
        let since = parameters["since"].flatMap { Timestamp.parse(rfc3339: Array($0.utf8), reason: &reason) }?.description
        let until = parameters["until"].flatMap { Timestamp.parse(rfc3339: Array($0.utf8), reason: &reason) }?.description
        let q = parameters["q"]?.lowercased()
        return { e in
            if let type = parameters["type"], e["type"] as? String != type { return false }
            if let target = parameters["target"], e["type"] as? String != "probe" || e["target"] as? String != target { return false }
            let time = e["time"] as? String ?? ""
            if let since, time < since { return false }
            if let until, time > until { return false }
            guard let q else { return true }
            let fields: [String]
            switch e["type"] as? String {
            case "probe": fields = ["target", "error", "detail"]
            case "note": fields = ["text"]
            case "speedtest": fields = ["server", "error"]
            default: fields = []
            }
            return fields.contains { (e[$0] as? String)?.lowercased().contains(q) == true }
        }
    }

    /// nil when the two lists of sequence numbers are the same, else where they first differ
    /// (a short message, not two lists of a hundred).
    static func difference(_ a: [Int], _ b: [Int]) -> String? {
        if a == b { return nil }
        let i = zip(a, b).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(a.count, b.count)
        return "\(a.count) and \(b.count) events, first different at row \(i + 1): "
            + "\(a.dropFirst(i).prefix(3).map(String.init)) against \(b.dropFirst(i).prefix(3).map(String.init))"
    }

    /// The log viewer's filters (type, target, search text, time range), typed into its form or
    /// given in its URL, show exactly the events `GET /api/v1/events` answers for the same
    /// parameters, page by page through its "Older events" link (`before_seq`); and both are the
    /// events this test picks itself from the whole log (`ispmon events --json`), newest first.
    @Test func theLogViewersFiltersShowExactlyTheEventsTheAPIAnswers() throws {
        try Self.requireTheBrowser()
        let lab = try Lab()
        // Three days of faults (from 2026-03-01T00:00:00Z): one-one is probed every 15 s, the
        // ISP's edge times out on each day's fault, the four notes say "ticket #100…", the speed
        // tests name https://speed.example.net, the cable is pulled at 15:00:00 each day.
        let cases: [[String: Any]] = [
            ["name": "a target's probes in two hours, typed into the form, three pages", "form": true, "pages": 3,
             "parameters": ["type": "probe", "target": "one-one", "since": "2026-03-02T10:00:00Z", "until": "2026-03-02T12:00:00Z"]],
            ["name": "the notes that say a text with a space in another case, typed into the form (the rest left empty)", "form": true,
             "parameters": ["type": "note", "q": "Ticket #100"]],
            ["name": "a target's timeouts on one day, the search in capitals", "pages": 2,
             "parameters": ["type": "probe", "target": "isp-edge", "q": "TIMEOUT", "since": "2026-03-02T00:00:00Z", "until": "2026-03-03T00:00:00Z"]],
            ["name": "every type in 30 seconds, the link's event at the first microsecond",
             "parameters": ["since": "2026-03-02T15:00:00Z", "until": "2026-03-02T15:00:30Z"]],
            ["name": "the speed tests by their server", "parameters": ["q": "SPEED.example"]],
            ["name": "the monitor's starts and stops", "parameters": ["type": "monitor"]],
            ["name": "nothing", "parameters": ["type": "note", "q": "no note says this"]],
        ]
        // The whole log, newest first (about two seconds).
        let lines = try CLI.run(["events", "--json"], data: lab.store).out.split(separator: "\n")
        let parsed = try JSONSerialization.jsonObject(with: Data(("[" + lines.joined(separator: ",") + "]").utf8)) as? [[String: Any]]
        let log = Array((parsed ?? []).reversed())
        #expect(log.count > 100_000 && log.count == lines.count, "three days of events: \(log.count)")
        guard let r = try lab.run("log-filters", ["cases": cases]) else { return }
        let reported = (r["cases"] as? [[String: Any]]) ?? []
        #expect(reported.count == cases.count)
        for (c, got) in zip(cases, reported) {
            let name = c["name"] as? String ?? "?"
            let parameters = c["parameters"] as? [String: String] ?? [:]
            let expected = log.filter(Self.selector(parameters)).compactMap { $0["seq"] as? Int }
            if name != "nothing" { #expect(!expected.isEmpty, "\(name): the case selects some events") }
            let pages = (got["pages"] as? [[String: Any]]) ?? []
            #expect(pages.count == (c["pages"] as? Int ?? 1), "\(name): \(pages.count) pages")
            var previous: Int?
            for (i, page) in pages.enumerated() {
                let label = "\(name), page \(i + 1) (\(page["url"] ?? ""))"
                let rows = (page["rows"] as? [[String: Any]]) ?? []
                let shown = rows.compactMap { $0["seq"] as? Int }
                let api = page["api"] as? [String: Any]
                let answered = ((api?["events"] as? [[String: Any]]) ?? [])
                // The page's parameters are the ones asked for (the form's empty fields left out),
                // and the next page's cursor is the last row of the one before.
                var asked = parameters
                if let previous { asked["before_seq"] = String(previous) }
                #expect(page["parameters"] as? [String: String] == asked, "\(label): the page was asked for \(page["parameters"] ?? "")")
                #expect(page["error"] is NSNull || page["error"] == nil, "\(label): \(page["error"] ?? "")")
                #expect(api?["status"] as? Int == 200 && (api?["content_type"] as? String)?.hasPrefix("application/x-ndjson") == true,
                        "\(label): the API answered \(api?["status"] ?? "") \(api?["content_type"] ?? "")")
                let pageAndAPI = Self.difference(shown, answered.compactMap { $0["seq"] as? Int })
                #expect(pageAndAPI == nil, "\(label): the page (first) and the API (second): \(pageAndAPI ?? "")")
                #expect(rows.compactMap { $0["type"] as? String } == answered.compactMap { $0["type"] as? String }, "\(label): the types")
                let want = Array(expected.dropFirst(100 * i).prefix(100))
                let pageAndLog = Self.difference(shown, want)
                #expect(pageAndLog == nil, "\(label): the page (first) and the test's own pick of the log (second): \(pageAndLog ?? "")")
                #expect(rows.allSatisfy { !($0["text"] as? String ?? "").isEmpty }, "\(label): every row says what happened")
                // A full page links to older ones; an empty one says so.
                #expect((page["older"] is String) == (rows.count == 100), "\(label): older link \(page["older"] ?? "none") with \(rows.count) rows")
                #expect((page["empty_shown"] is String) == rows.isEmpty, "\(label): \(page["empty_shown"] ?? "no 'No events match.'")")
                previous = shown.last
            }
            if pages.count > 1 {
                // The pages, one after the other, are the API's answer for all of them at once: no gaps.
                let together = ((got["together"] as? [String: Any])?["events"] as? [[String: Any]]) ?? []
                let all = pages.flatMap { (($0["rows"] as? [[String: Any]]) ?? []).compactMap { $0["seq"] as? Int } }
                let gaps = Self.difference(all, together.compactMap { $0["seq"] as? Int })
                #expect(gaps == nil && all.count > 100 * (pages.count - 1), "\(name): \(pages.count) pages (first) and the API at once (second): \(gaps ?? "")")
            }
        }
        Self.expectOnlyTheServer(r, lab, "log-filters")
        Self.expectQuietConsole(r, "log-filters")
    }

    /// With live mode on, an event another process imports (`ispmon import` into the same store)
    /// shows at the top of the log viewer without a reload; two show newest first; on a page
    /// filtered by type and a search text (with a space), only what the filters select comes.
    @Test func theLogViewersLiveModeShowsImportedEventsAtTheTopWithoutAReload() throws {
        try Self.requireTheBrowser()
        let lab = try Lab()
        guard let asOf = try Self.asOf(lab), let outage = try lab.outages().first?["id"] as? String else {
            Issue.record("no as_of or no outage")
            return
        }
        let second: Int64 = 1_000_000
        func at(_ s: Int64) -> Timestamp { Timestamp(microseconds: asOf.microseconds + s * second) }
        let probe = Event(time: at(2), body: .probe(Probe(target: "one-one", role: .internet, method: .icmp, outcome: .ok(rtt: 11_000))))
        let files: [(String, [Event])] = [
            ("one", [Event(time: at(1), body: .note(Note(outage: outage, text: "live: the first note")))]),
            ("two", [probe, Event(time: at(3), body: .note(Note(outage: outage, text: "live: the second note")))]),
            ("filtered", [probe, Event(time: at(4), body: .note(Note(outage: outage, text: "live: the third note"))),
                          Event(time: at(5), body: .note(Note(outage: outage, text: "another note")))]),
        ]
        for (name, events) in files { try ndjson(events).write(to: URL(fileURLWithPath: lab.dir.file("\(name).ndjson"))) }
        let filtered = "/events?type=note&q=live%3A%20the"
        let steps: [[String: Any]] = [
            ["name": "one", "file": lab.dir.file("one.ndjson"), "shown": 1],
            ["name": "two", "file": lab.dir.file("two.ndjson"), "shown": 2],
            ["name": "filtered", "file": lab.dir.file("filtered.ndjson"), "shown": 1, "page": filtered],
        ]
        guard let r = try lab.run("live-log", ["steps": steps]) else { return }
        let reported = (r["steps"] as? [[String: Any]]) ?? []
        #expect(reported.compactMap { $0["name"] as? String } == ["one", "two", "filtered"])
        var texts: [Int: String] = [:]
        for step in reported {
            let name = step["name"] as? String ?? "?"
            #expect(step["listening"] as? Bool == true, "\(name): the page's stream answered before the import")
            #expect(step["import_status"] as? Int == 0, "ispmon import (\(name)): \(step["import_stderr"] ?? "")")
            let seqs = Self.importedSeqs(step["import_stderr"] as? String ?? "").map(Array.init) ?? []
            let before = (step["before"] as? [Int]) ?? []
            let now = (step["seqs"] as? [Int]) ?? []
            let rows = (step["rows"] as? [[String: Any]]) ?? []
            for row in rows { if let seq = row["seq"] as? Int { texts[seq] = row["text"] as? String } }
            // What the step's page should have gained at its top, newest first.
            let gained: [Int]
            switch name {
            case "one": gained = seqs
            case "two": gained = seqs.reversed()
            default: gained = seqs.count == 3 ? [seqs[1]] : []  // the third note: not the probe, not "another note"
            }
            let rowsAndWanted = Self.difference(now, gained + before)
            #expect(!gained.isEmpty && rowsAndWanted == nil,
                    "\(name): imported \(seqs), the rows went from \(before.prefix(3))… to \(now.prefix(5))…: \(rowsAndWanted ?? "")")
            let delay = step["delay_ms"] as? Double ?? .infinity
            #expect(step["seen"] as? Bool == true && delay < 2000, "\(name): the new rows showed \(Int(delay)) ms after the import")
            print("BrowserTests: the log viewer showed the imported events (\(name)) \(delay) ms after `ispmon import` exited")
            #expect(step["checked"] as? Bool == true, "\(name): live mode is still on")
            #expect(step["mark"] as? String == step["page"] as? String && step["documents_since_open"] as? Int == 0,
                    "\(name): the page was not loaded again (mark \(step["mark"] ?? "none"), \(step["documents_since_open"] ?? "?") documents)")
        }
        let first = reported.first.flatMap { Self.importedSeqs($0["import_stderr"] as? String ?? "") }?.lowerBound ?? -1
        let secondImport = reported.count > 1 ? Self.importedSeqs(reported[1]["import_stderr"] as? String ?? "") : nil
        #expect(texts[first] == "note: live: the first note", "the first note's row: \(texts[first] ?? "none")")
        if let s = secondImport {
            #expect(texts[s.lowerBound] == "one-one (icmp): ok" && texts[s.upperBound] == "note: live: the second note",
                    "the second import's rows: \(texts[s.lowerBound] ?? "none"), \(texts[s.upperBound] ?? "none")")
        }
        Self.expectOnlyTheServer(r, lab, "live-log")
        Self.expectQuietConsole(r, "live-log")
    }

    // MARK: Settings and tools

    /// The jobs on the settings page (from its table): each job's state and its buttons by id.
    static func jobs(_ facts: Any?) -> [String: (state: String, disabled: [String: Bool])] {
        let rows = ((facts as? [String: Any])?["jobs"] as? [[String: Any]]) ?? []
        var jobs: [String: (state: String, disabled: [String: Bool])] = [:]
        for row in rows {
            guard let job = row["job"] as? String else { continue }
            var disabled: [String: Bool] = [:]
            for b in (row["buttons"] as? [[String: Any]]) ?? [] { if let id = b["id"] as? String { disabled[id] = b["disabled"] as? Bool } }
            jobs[job] = (row["state"] as? String ?? "?", disabled)
        }
        return jobs
    }

    /// The monitor's log lines on the settings page, newest first: each line's text (its last cell).
    static func logLines(_ facts: Any?) -> [String] {
        (((facts as? [String: Any])?["log"] as? [[String]]) ?? []).compactMap { $0.last }
    }

    /// A phone's screenshots (light and dark): PNGs, none wider than the phone's screen, no
    /// button, field or link past its edge (in a table that scrolls sideways), the dark one in
    /// other colours.
    static func expectPhoneShots(_ r: [String: Any], _ page: String) {
        let shots = (r["shots"] as? [[String: Any]]) ?? []
        #expect(shots.compactMap { $0["theme"] as? String } == ["light", "dark"], "\(page): \(shots.count) screenshots")
        for shot in shots {
            let name = "\(page)-phone-\(shot["theme"] ?? "")"
            let file = shot["file"] as? String ?? ""
            let png = FileManager.default.contents(atPath: file) ?? Data()
            #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]) && png.count > 5000, "\(name): a PNG at \(file)")
            let layout = shot["layout"] as? [String: Any]
            #expect(layout?["viewport"] as? Int == 360 && layout?["scroll_width"] as? Int == 360,
                    "\(name): the page is wider than the phone's 360 px: \(layout?["scroll_width"] ?? "?"), \(layout?["overflowing"] ?? "")")
            let hidden = (layout?["hidden_controls"] as? [String]) ?? ["(not measured)"]
            #expect(hidden.isEmpty, "\(name): controls past the phone's edge, seen only by scrolling their box: \(hidden)")
        }
        #expect(shots.count == 2 && shots[0]["background"] as? String != shots[1]["background"] as? String, "\(page): the dark theme's background")
    }

    /// The settings page beside a real monitor: `ispmon run` in the namespace (its targets TCP
    /// connects on loopback there, its web UI on 127.0.0.1), the password set with `ispmon passwd`.
    /// The probes job's Pause button pauses it: the page answers with "The job was changed" and
    /// the job paused (its Pause button off); the `job` event is in the log viewer and in
    /// `GET /api/v1/events?type=job` (polled: it is committed within about 200 ms), and in the
    /// store; no probe runs after it. The log level form sets the level (the select shows it,
    /// and the line the server logs at that level is among the monitor's log lines). The phone
    /// channel's Send test button sends one test message to an HTTP catcher in the namespace, and
    /// the page says it was delivered.
    @Test func theSettingsPagePausesAJobOfARunningMonitorAndSetsItsLogLevel() throws {
        try Self.requireTheBrowser()
        let lab = try Lab(monitor: true)
        let catcher = try HTTPCatcher(lab.dir, namespace: lab.namespace.name, port: Lab.catcherPort)
        defer { catcher.stop() }
        guard let r = try lab.run("settings", ["level": "notice"]) else { return }
        let before = Self.jobs(r["before"])
        #expect(before["probes"]?.state == "run" && before["probes"]?.disabled == ["job-probes-run": true, "job-probes-paused": false, "job-probes-disabled": false],
                "before: the probes job runs, its Run button off: \(before)")
        #expect(Set(before.keys) == ["probes", "speedtest", "trace"], "every job has a row: \(before.keys.sorted())")
        #expect(Self.logLines(r["before"]).contains { $0.hasPrefix("monitoring 2 targets and 1 interfaces") },
                "the monitor's log lines: \(Self.logLines(r["before"]).prefix(5))")

        // The Pause button's answer: back on the page, saying so, the job paused.
        let paused = r["paused"] as? [String: Any]
        #expect(paused?["path"] as? String == "/settings?done=job")
        #expect(paused?["done"] as? String == "The job was changed (a job event is in the log).", "\(paused?["done"] ?? "no message")")
        let after = Self.jobs(paused)
        #expect(after["probes"]?.state == "paused" && after["probes"]?.disabled == ["job-probes-run": false, "job-probes-paused": true, "job-probes-disabled": false],
                "after: the probes job is paused, its Pause button off: \(after["probes"].map { "\($0)" } ?? "no row")")
        for job in ["speedtest", "trace"] { #expect(after[job]?.state == before[job]?.state, "\(job) is as it was") }

        // The job event, in the log viewer and in the API.
        let viewer = r["viewer"] as? [String: Any]
        let rows = (viewer?["answer"] as? [[String: Any]]) ?? []
        #expect(viewer?["found"] as? Bool == true && rows.count == 1 && rows.first?["type"] as? String == "job"
                && rows.first?["text"] as? String == "job probes: paused", "/events?type=job after \(viewer?["ms"] ?? "?") ms: \(rows)")
        let api = (r["api"] as? [String: Any])?["answer"] as? [String: Any]
        let events = (api?["events"] as? [[String: Any]]) ?? []
        #expect(api?["status"] as? Int == 200 && events.count == 1 && events.first?["job"] as? String == "probes" && events.first?["state"] as? String == "paused",
                "GET /api/v1/events?type=job: \(api?["status"] ?? "?") \(events)")
        #expect(rows.first?["seq"] as? Int == events.first?["seq"] as? Int, "the page's row is the API's event")
        print("BrowserTests: the job event was in the log viewer \((viewer?["ms"] as? Double) ?? -1) ms and in the API \(((r["api"] as? [String: Any])?["ms"] as? Double) ?? -1) ms after the page answered")

        // The level: the select shows it, and the line the server logged at it is the newest.
        let level = r["level"] as? [String: Any]
        #expect(level?["path"] as? String == "/settings?done=level" && level?["level"] as? String == "notice", "the log level: \(level?["level"] ?? "none")")
        #expect((level?["done"] as? String)?.hasPrefix("The log level was changed") == true, "\(level?["done"] ?? "no message")")
        let lines = Self.logLines(level)
        #expect(lines.first?.hasPrefix("log level set to notice from the web UI") == true, "the newest log line: \(lines.prefix(3))")
        #expect(lines.contains { $0.hasPrefix("monitoring 2 targets") } && lines.count > 2, "the monitor's log lines: \(lines.prefix(5))")

        // In the store too; and the monitor probes no more (a probe a second, each within 500 ms).
        let stored = try CLI.run(["events", "--type", "job", "--json"], data: lab.store).out.split(separator: "\n")
            .compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(stored.count == 1 && stored.first?["seq"] as? Int == events.first?["seq"] as? Int, "ispmon events --type job: \(stored)")
        var reason = ""
        if let time = (stored.first?["time"] as? String).flatMap({ Timestamp.parse(rfc3339: Array($0.utf8), reason: &reason) }) {
            let wait = Double(time.microseconds) / 1e6 + 2.5 - Date().timeIntervalSince1970
            if wait > 0 { usleep(UInt32(wait * 1e6)) }
            let probes = try CLI.run(["events", "--type", "probe", "--json"], data: lab.store).out.split(separator: "\n")
                .compactMap { (try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])?["time"] as? String }
                .compactMap { Timestamp.parse(rfc3339: Array($0.utf8), reason: &reason) }
            #expect(!probes.isEmpty, "the monitor probed before the pause")
            let late = probes.filter { $0.microseconds > time.microseconds + 1_000_000 }
            #expect(late.isEmpty, "\(late.count) probes more than 1 s after the pause, the first at \(late.first?.description ?? "")")
        }
        // The Send test button: the page that answers says what the receiver answered.
        let test = r["notify_test"] as? [String: Any]
        #expect(test?["path"] as? String == "/settings/notify/phone/test" && test?["class"] as? String == "done" && test?["role"] as? String == "status",
                "the test's answer: \(test ?? [:])")
        #expect((test?["text"] as? String)?.hasPrefix("phone: delivered test/") == true && (test?["text"] as? String)?.contains("HTTP 200") == true,
                "\(test?["text"] ?? "no words")")
        let caught = catcher.requests
        #expect(caught.count == 1 && caught.first?.path == "/alerts", "one request to the receiver: \(caught.map(\.path))")

        Self.expectPhoneShots(r, "settings-monitor")
        Self.expectOnlyTheServer(r, lab, "settings")
        Self.expectQuietConsole(r, "settings")
    }

    /// A row or summary of the tools page with its RTTs (`12.3 ms`, `1/2.5/4 ms`) made `# ms`:
    /// the words and counts of a check, which two runs of it share.
    static func maskingRTTs(_ text: String) throws -> String {
        text.replacing(try Regex(#"[0-9]+(\.[0-9]+)?(/[0-9]+(\.[0-9]+)?)* ms"#), with: "# ms")
    }

    /// The tools page with its script: a TCP connect to the server's own port, three tries,
    /// shows each try as it comes (the rows grow while the summary says "running…", a second
    /// apart) without loading a page, then the summary; one to a closed port shows "failed".
    /// The rows and summary are what the server renders for the same check without JavaScript
    /// (the form posted to /tools with scripts off), RTTs aside.
    @Test func theToolsPageShowsEachTryAsItComesInTheWordsOfThePageWithoutJavaScript() throws {
        try Self.requireTheBrowser()
        // The checks go to the server itself, on loopback: the tools refuse it without the switch.
        let lab = try Lab(config: "log_level: warning\nweb:\n  tools_allow_local: true\n")
        let open = ["tool": "tcp", "host": "127.0.0.1", "port": "\(lab.port)", "count": "3"]
        let closed = ["tool": "tcp", "host": "127.0.0.1", "port": "\(Lab.closedPort)", "count": "1"]
        guard let r = try lab.run("tools", ["checks": [open, closed]]) else { return }
        let results = (r["results"] as? [[String: Any]]) ?? []
        #expect(results.count == 2)
        for (check, result) in zip([open, closed], results) {
            let name = "tcp to port \(check["port"] ?? "")"
            let count = Int(check["count"] ?? "") ?? 0
            let script = result["script"] as? [String: Any] ?? [:]
            let rows = (script["rows"] as? [[String: Any]]) ?? []
            let summary = script["summary"] as? String ?? ""
            #expect(script["ended"] as? Bool == true, "\(name): the check ended: \(summary)")
            #expect(script["mark"] as? String == "tools" && script["documents_since"] as? Int == 0,
                    "\(name): no page was loaded (mark \(script["mark"] ?? "none"), \(script["documents_since"] ?? "?") documents)")
            #expect(script["button_enabled"] as? Bool == true, "\(name): Run is on again")
            #expect(rows.compactMap { $0["label"] as? String } == (1...count).map { "try \($0)" }, "\(name): \(rows)")
            if check["port"] == open["port"] {
                #expect(rows.allSatisfy { ($0["text"] as? String)?.hasPrefix("ok, ") == true && $0["class"] as? String == "text" }, "\(name): \(rows)")
                #expect(summary.hasPrefix("ok: 127.0.0.1:\(lab.port), sent 3, lost 0 (0 %), min/avg/max ") && script["summary_class"] as? String == "summary good",
                        "\(name): \(summary) (\(script["summary_class"] ?? ""))")
            } else {
                #expect(rows.allSatisfy { ($0["text"] as? String)?.hasPrefix("refused") == true && $0["class"] as? String == "text bad" }, "\(name): \(rows)")
                #expect(summary == "failed: 127.0.0.1:\(Lab.closedPort), sent 1, lost 1 (100 %)" && script["summary_class"] as? String == "summary bad",
                        "\(name): \(summary) (\(script["summary_class"] ?? ""))")
            }
            // As they came: every try but the last (which may come with the summary) shown
            // while the summary still said "running…", the first (the tries start a second
            // apart) a second or more before the summary.
            let seen = (script["seen"] as? [[String: Any]]) ?? []
            let running = seen.filter { $0["summary"] as? String == "running…" }
            let shown = Set(running.compactMap { $0["rows"] as? Int })
            #expect((1..<count).allSatisfy { shown.contains($0) } && seen.last?["rows"] as? Int == count, "\(name): the rows while running: \(seen)")
            let first = running.first { $0["rows"] as? Int == 1 }?["ms"] as? Int ?? 0
            let last = seen.last?["ms"] as? Int ?? 0
            #expect(last - first >= 900 * (count - 1), "\(name): the first row \(first) ms and the summary \(last) ms after Run: \(seen)")

            // The server's own rendering of the same check, without the script.
            let page = result["no_script"] as? [String: Any] ?? [:]
            let documents = (page["documents"] as? [[String: Any]]) ?? []
            #expect(page["path"] as? String == "/tools" && documents.count == 1 && documents.first?["method"] as? String == "POST"
                    && documents.first?["status"] as? Int == 200, "\(name) without the script: the form posted to /tools: \(documents)")
            let served = (page["rows"] as? [[String: Any]]) ?? []
            func words(_ rows: [[String: Any]]) throws -> [String] {
                try rows.map { "\($0["label"] ?? "")|\(try Self.maskingRTTs($0["text"] as? String ?? ""))|\($0["class"] ?? "")" }
            }
            let (scriptRows, serverRows) = (try words(rows), try words(served))
            #expect(scriptRows == serverRows, "\(name): the script's rows \(scriptRows), the server's \(serverRows)")
            let (scriptSummary, serverSummary) = (try Self.maskingRTTs(summary), try Self.maskingRTTs(page["summary"] as? String ?? ""))
            #expect(scriptSummary == serverSummary && script["summary_class"] as? String == page["summary_class"] as? String,
                    "\(name): the script's summary \(scriptSummary) (\(script["summary_class"] ?? "")), the server's \(serverSummary) (\(page["summary_class"] ?? ""))")
        }
        // The script asked the API, one streamed check each time (the two, then the phone's).
        let asked = Self.requests(r).filter { $0["url"] as? String == lab.base + "/api/v1/tools/tcp" }
        #expect(asked.count == 3 && asked.allSatisfy { $0["method"] as? String == "POST" && $0["status"] as? Int == 200 }, "POST /api/v1/tools/tcp: \(asked)")
        print("BrowserTests: the tools scenario's steps ended at (s): \(r["times"] ?? "")")
        Self.expectPhoneShots(r, "tools-result")
        Self.expectOnlyTheServer(r, lab, "tools")
        Self.expectQuietConsole(r, "tools")
    }

    /// Screenshots of the overview and an outage's page on a phone (360×800) and a desktop, in
    /// the light and the dark theme (and of the navigation's other pages on the phone), as test
    /// artifacts (`artifacts`), none wider than its viewport; with
    /// `ISPMON_UPDATE_SCREENSHOTS=1`, also the README's two (docs/images/, desktop, light), so
    /// that a normal run leaves the repository as it was.
    @Test func screenshotsOnAPhoneAndInTheDarkTheme() throws {
        try Self.requireTheBrowser()
        let lab = try Lab()
        guard let id = try lab.outages().first(where: { $0["cause"] as? String == "isp" })?["id"] as? String else {
            Issue.record("no outage caused by the ISP")
            return
        }
        let update = ProcessInfo.processInfo.environment["ISPMON_UPDATE_SCREENSHOTS"] == "1"
        var config: [String: Any] = ["outage": id]
        if update { config["readme"] = Self.root + "/docs/images" }
        guard let r = try lab.run("screenshots", config, seconds: 90) else { return }
        let shots = (r["shots"] as? [[String: Any]]) ?? []
        // Two pages × phone and desktop × light and dark, and the navigation's others on the phone.
        #expect(shots.count >= 8 && ["overview", "outage"].allSatisfy { page in shots.filter { $0["page"] as? String == page }.count == 4 },
                "\(shots.map { "\($0["page"] ?? "")-\($0["device"] ?? "")-\($0["theme"] ?? "")" })")
        var backgrounds: [String: String] = [:]
        for shot in shots {
            let name = "\(shot["page"] ?? "")-\(shot["device"] ?? "")-\(shot["theme"] ?? "")"
            let file = shot["file"] as? String ?? ""
            let png = FileManager.default.contents(atPath: file) ?? Data()
            #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]) && png.count > 5000, "\(name): a PNG at \(file)")
            backgrounds[name] = shot["background"] as? String
            // Nothing wider than a phone's screen (the page would scroll sideways).
            let layout = shot["layout"] as? [String: Any]
            #expect(layout?["scroll_width"] as? Int == layout?["viewport"] as? Int,
                    "\(name): the page is wider than its viewport: \(layout?["overflowing"] ?? "")")
        }
        // The dark theme is another stylesheet's colours, not the light ones.
        #expect(backgrounds["overview-phone-dark"] != nil && backgrounds["overview-phone-dark"] != backgrounds["overview-phone-light"],
                "the dark theme: \(backgrounds)")
        print("BrowserTests: screenshots in \(Self.artifacts)")
        if update {
            #expect(((r["readme"] as? [String]) ?? []).count == 2)
            print("BrowserTests: wrote \((r["readme"] as? [String]) ?? [])")
        }
        Self.expectOnlyTheServer(r, lab, "screenshots")
        Self.expectQuietConsole(r, "screenshots")
    }
}
