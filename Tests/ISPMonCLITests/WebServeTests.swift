import Foundation
import ISPMonCore
import Testing
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// `ispmon serve` for real: a store with a day of faults, the server on a loopback port,
/// requests on real sockets. The API answers with the CLI's `--json` bytes; sign-in,
/// tokens and CSRF behave as docs/http.md says.
@Suite(.serialized) struct WebServeTests {
    static let password = "correct horse battery"

    /// A store with a day of faults (outages with causes) and a running `ispmon serve`.
    final class Served {
        let dir = TempDir()
        /// The store served: the test's own (`existing`), else one of `ispmon bench ingest`.
        let existing: String?
        var store: String { existing ?? dir.file("store") }
        /// Below Linux's ephemeral ports (32768 and up): a test's own connections (hundreds, in
        /// the connection-limit tests) must not take it first.
        let port = UInt16.random(in: 20_000...32_000)
        let process = Process()
        var client: HTTPClient { HTTPClient(port: port) }

        /// What the server wrote to its standard error (the config asks for warnings and worse).
        var log: String { (try? String(contentsOfFile: dir.file("serve.log"), encoding: .utf8)) ?? "" }

        /// `environment`: added to the server's (`ISPMON_WEB_REQUEST_TIMEOUT_MS`); `config`: the
        /// server's config file (`site:`, `plan:`, `web.public_status`); `store`: a store of the test's own.
        init(password: Bool = true, environment: [String: String] = [:], config: String = "", store existing: String? = nil) throws {
            self.existing = existing
            if existing == nil { #expect(try CLI.run(["bench", "ingest", "--faults", "1", "--data", dir.file("store")]).status == 0) }
            if password {
                #expect(try CLI.run(["passwd"], stdin: Data((WebServeTests.password + "\n").utf8), data: store).status == 0)
            }
            process.executableURL = URL(fileURLWithPath: CLI.binary)
            process.arguments = ["serve", "--data", store, "--listen", "127.0.0.1:\(port)", "--config", dir.file("none.yaml")]
            try ("log_level: warning\n" + config).write(toFile: dir.file("none.yaml"), atomically: true, encoding: .utf8)
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
            process.standardOutput = FileHandle.nullDevice
            _ = FileManager.default.createFile(atPath: dir.file("serve.log"), contents: nil)
            process.standardError = FileHandle(forWritingAtPath: dir.file("serve.log"))
            try process.run()
            #expect(waitUntilListening(port: port), "ispmon serve did not listen on \(port)")
        }

        deinit {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            dir.cleanup()
        }

        /// Signs in; returns the session cookie and the session's CSRF token.
        func signIn() -> (cookie: String, csrf: String)? {
            guard let r = client.request("POST", "/login", headers: [("Content-Type", "application/x-www-form-urlencoded")],
                                         body: Array("password=\(WebServeTests.password.replacingOccurrences(of: " ", with: "+"))".utf8)),
                  r.status == 303, let setCookie = r.header("Set-Cookie") else { return nil }
            let cookie = String(setCookie.prefix { $0 != ";" })
            guard let s = client.get("/api/v1/session", headers: [("Cookie", cookie)]),
                  let csrf = (s.json as? [String: Any])?["csrf"] as? String else { return nil }
            return (cookie, csrf)
        }
    }

    @Test func everyViewEndpointAnswersWithTheCLIsJSON() throws {
        let s = try Served()
        guard let (cookie, _) = s.signIn() else { Issue.record("sign-in failed"); return }
        let outages = try CLI.run(["outages", "--json"], data: s.store).out
        let first = ((try JSONSerialization.jsonObject(with: Data(outages.utf8)) as? [[String: Any]])?.first?["id"] as? String) ?? "?"
        let pairs: [(String, [String])] = [
            ("/api/v1/status", ["status", "--json"]),
            ("/api/v1/outages", ["outages", "--json"]),
            ("/api/v1/outages?min_duration=60", ["outages", "--json", "--min-duration", "60"]),
            ("/api/v1/latency", ["latency", "--json"]),
            ("/api/v1/latency?period=day&target=router", ["latency", "--json", "--daily", "--target", "router"]),
            ("/api/v1/speedtests", ["speedtests", "--json"]),
            ("/api/v1/speedtests?period=week", ["speedtests", "--json", "--weekly"]),
            ("/api/v1/events?limit=50&type=probe", ["events", "--json", "--type", "probe"]),
            ("/api/v1/availability", ["availability", "--json"]),
            ("/api/v1/availability?per=day&tz=Europe/Berlin", ["availability", "--json", "--per", "day", "--tz", "Europe/Berlin"]),
            ("/api/v1/availability?per=week&tz=Pacific/Kiritimati", ["availability", "--json", "--per", "week", "--tz", "Pacific/Kiritimati"]),
        ]
        for (path, args) in pairs {
            let api = s.client.get(path, headers: [("Cookie", cookie)])
            let cli = try CLI.run(args, data: s.store)
            #expect(api?.status == 200, "\(path): \(api?.status ?? 0) \(api?.text ?? "")")
            if path.hasPrefix("/api/v1/events") {
                // The CLI prints everything, oldest first; the API the newest 50 first.
                let cliLines = cli.out.split(separator: "\n").suffix(50).reversed().map(String.init)
                #expect(api?.text.split(separator: "\n").map(String.init) == cliLines, "\(path)")
            } else {
                #expect(api?.text == cli.out, "\(path) differs from ispmon \(args.joined(separator: " "))")
            }
        }
        let detail = s.client.get("/api/v1/outages/\(first)", headers: [("Cookie", cookie)])
        #expect(detail?.status == 200)
        let object = detail?.json as? [String: Any]
        #expect(object?["explanation"] != nil && object?["timeline"] != nil, "\(detail?.text ?? "")")
        #expect(s.client.get("/api/v1/outages/c-nothing", headers: [("Cookie", cookie)])?.status == 404)
        let bad = s.client.get("/api/v1/outages?since=yesterday", headers: [("Cookie", cookie)])
        #expect(bad?.status == 400)
        #expect((bad?.json as? [String: Any])?["error"] as? String == "since: 'yesterday' is not an RFC 3339 time or a span like 90m, 24h, 7d")
        #expect(s.client.get("/api/v1/latency?colour=red", headers: [("Cookie", cookie)])?.status == 400)
        #expect(s.client.get("/api/v1/events?limit=0", headers: [("Cookie", cookie)])?.status == 400)
        let mars = s.client.get("/api/v1/availability?tz=Mars/Olympus_Mons", headers: [("Cookie", cookie)])
        #expect(mars?.status == 400 && mars?.text.contains("Mars/Olympus_Mons") == true, "\(mars?.text ?? "")")
        #expect(s.client.get("/api/v1/availability?per=hour", headers: [("Cookie", cookie)])?.status == 400)
        let csv = s.client.get("/api/v1/availability?per=month&format=csv", headers: [("Cookie", cookie)])
        #expect(csv?.text == (try CLI.run(["availability", "--csv", "--per", "month"], data: s.store).out))
    }

    /// The status and latency answers are kept between requests (AnswerCache): still the CLI's
    /// bytes after another process appended events, and after a monitor took the store.
    @Test func keptAnswersFollowTheStore() throws {
        let s = try Served()
        guard let (cookie, _) = s.signIn() else { Issue.record("sign-in failed"); return }
        func same(_ path: String, _ args: [String], _ when: String) throws -> String {
            let api = s.client.get(path, headers: [("Cookie", cookie)])?.text ?? "no answer"
            let again = s.client.get(path, headers: [("Cookie", cookie)])?.text ?? "no answer"
            let cli = try CLI.run(args, data: s.store).out
            #expect(api == cli && again == cli, "\(path) \(when)")
            return api
        }
        let latency = ("/api/v1/latency?since=2026-03-01T00:00:00Z", ["latency", "--json", "--since", "2026-03-01T00:00:00Z"])
        let status1 = try same("/api/v1/status", ["status", "--json"], "at first")
        let latency1 = try same(latency.0, latency.1, "at first")
        let later = Array(SyntheticStream(seed: 78).prefix(400)).map { e -> Event in
            var e = e
            e.time = Timestamp(microseconds: e.time.microseconds + 86_400_000_000 / 2)
            return e
        }
        #expect(try CLI.run(["import", "-"], stdin: ndjson(later), data: s.store).status == 0)
        let status2 = try same("/api/v1/status", ["status", "--json"], "after an import")
        let latency2 = try same(latency.0, latency.1, "after an import")
        #expect(status2 != status1 && latency2 != latency1, "the import changed both")
    }

    @Test func withoutCredentialsTheAPIIs401AndPagesRedirectToLogin() throws {
        let s = try Served()
        for path in ["/api/v1/status", "/api/v1/outages", "/api/v1/events", "/api/v1/latency", "/api/v1/speedtests",
                     "/api/v1/traces", "/api/v1/session", "/metrics"] {
            let r = s.client.get(path)
            #expect(r?.status == 401, "\(path): \(r?.status ?? 0)")
            #expect((r?.json as? [String: Any])?["error"] != nil, "\(path)")
        }
        let page = s.client.get("/")
        #expect(page?.status == 303 && page?.header("Location") == "/login")
        let health = s.client.get("/healthz")
        #expect(health?.status == 200)
        #expect((health?.json as? [String: Any])?["ok"] as? Bool == true)
        #expect(s.client.get("/login")?.status == 200)
        // Every answer carries the security headers, errors too.
        for r in [page, health, s.client.get("/api/v1/status")] {
            #expect(r?.header("Content-Security-Policy") == "default-src 'self'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")
            #expect(r?.header("X-Frame-Options") == "DENY")
            #expect(r?.header("X-Content-Type-Options") == "nosniff")
            #expect(r?.header("Referrer-Policy") == "same-origin")
        }
    }

    @Test func noPasswordYetMeansEveryRouteSaysHowToSetOne() throws {
        let s = try Served(password: false)
        let r = s.client.get("/api/v1/status")
        #expect(r?.status == 503)
        #expect(((r?.json as? [String: Any])?["error"] as? String)?.contains("ispmon passwd") == true, "\(r?.text ?? "")")
        #expect(s.client.get("/login")?.text.contains("ispmon passwd") == true)
        #expect(s.client.get("/healthz")?.status == 200)
    }

    @Test func wrongPasswordsAreRateLimitedAndSessionsEndOnAPasswordChange() throws {
        let s = try Served()
        for i in 0..<5 {
            let r = s.client.request("POST", "/login", headers: [("Content-Type", "application/x-www-form-urlencoded")],
                                     body: Array("password=guess\(i)".utf8))
            #expect(r?.status == 401, "attempt \(i)")
        }
        let sixth = s.client.request("POST", "/login", headers: [("Content-Type", "application/x-www-form-urlencoded")],
                                     body: Array("password=guess6".utf8))
        #expect(sixth?.status == 429)
        #expect(Int(sixth?.header("Retry-After") ?? "") ?? 0 > 0)
        // The right password too waits out the minute: the limiter counts failures per address.
        #expect(s.signIn() == nil)
    }

    /// `ispmon passwd` refuses what bcrypt would not read whole (a NUL ends its C string; it
    /// ignores bytes past the 72nd), and `ispmon token create` names of dots alone; nothing changes.
    @Test func thePasswdAndTokenCommandsRefuseWhatTheServerCouldNotHonour() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let store = dir.file("store")
        #expect(try CLI.run(["passwd"], stdin: Data((WebServeTests.password + "\n").utf8), data: store).status == 0)
        let before = try String(contentsOfFile: store + "/auth/password", encoding: .utf8)
        for (input, words) in [("short\0but padded past ten", "NUL"), (String(repeating: "p", count: 73), "at most 72 bytes")] {
            let r = try CLI.run(["passwd"], stdin: Data((input + "\n").utf8), data: store)
            #expect(r.status != 0 && r.stderr.contains(words) && r.stderr.contains("nothing changed"), "\(r.stderr)")
        }
        #expect(try String(contentsOfFile: store + "/auth/password", encoding: .utf8) == before, "nothing changed")
        #expect(try CLI.run(["passwd"], stdin: Data((String(repeating: "p", count: 72) + "\n").utf8), data: store).status == 0, "72 bytes")
        for name in [".", ".."] {
            let r = try CLI.run(["token", "create", name], data: store)
            #expect(r.status != 0 && r.stderr.contains("not dots alone"), "\(name): \(r.stderr)")
        }
        #expect(try CLI.run(["token", "list"], data: store).out.contains("..") == false)
    }

    @Test func aPasswordChangeInAnotherProcessEndsEverySession() throws {
        let s = try Served()
        guard let (cookie, _) = s.signIn() else { Issue.record("sign-in failed"); return }
        #expect(s.client.get("/api/v1/status", headers: [("Cookie", cookie)])?.status == 200)
        #expect(try CLI.run(["passwd"], stdin: Data("another long password\n".utf8), data: s.store).status == 0)
        #expect(s.client.get("/api/v1/status", headers: [("Cookie", cookie)])?.status == 401)
    }

    @Test func changesNeedTheCSRFTokenAndTokensHaveTheirScope() throws {
        let s = try Served()
        guard let (cookie, csrf) = s.signIn() else { Issue.record("sign-in failed"); return }
        let outages = (s.client.get("/api/v1/outages", headers: [("Cookie", cookie)])?.json as? [[String: Any]]) ?? []
        guard let id = outages.first?["id"] as? String else { Issue.record("no outage"); return }
        let note = Array(#"{"text": "<script>alert(1)</script> router rebooted"}"#.utf8)
        let json = ("Content-Type", "application/json")
        #expect(s.client.request("POST", "/api/v1/outages/\(id)/notes", headers: [("Cookie", cookie), json], body: note)?.status == 403,
                "no CSRF token")
        #expect(s.client.request("POST", "/api/v1/outages/\(id)/notes", headers: [("Cookie", cookie), json, ("X-CSRF-Token", (csrf.hasPrefix("0") ? "1" : "0") + csrf.dropFirst())],
                                 body: note)?.status == 403, "a wrong CSRF token")
        let added = s.client.request("POST", "/api/v1/outages/\(id)/notes", headers: [("Cookie", cookie), json, ("X-CSRF-Token", csrf)], body: note)
        #expect(added?.status == 201, "\(added?.text ?? "")")
        #expect((added?.json as? [String: Any])?["type"] as? String == "note")
        #expect(try CLI.run(["outages", "--json"], data: s.store).out.contains("router rebooted"))

        let full = try CLI.run(["token", "create", "script"], data: s.store).out.split(separator: "\n").last.map(String.init) ?? ""
        let read = try CLI.run(["token", "create", "grafana", "--read-only"], data: s.store).out.split(separator: "\n").last.map(String.init) ?? ""
        #expect(s.client.get("/api/v1/status", headers: [("Authorization", "Bearer \(read)")])?.status == 200)
        #expect(s.client.request("POST", "/api/v1/outages/\(id)/notes", headers: [("Authorization", "Bearer \(read)"), json], body: note)?.status == 403)
        #expect(s.client.request("POST", "/api/v1/outages/\(id)/notes", headers: [("Authorization", "Bearer \(full)"), json], body: note)?.status == 201,
                "a token needs no CSRF token")
        #expect(s.client.get("/api/v1/status", headers: [("Authorization", "Bearer nope")])?.status == 401)
        #expect(try CLI.run(["token", "revoke", "grafana"], data: s.store).status == 0)
        #expect(s.client.get("/api/v1/status", headers: [("Authorization", "Bearer \(read)")])?.status == 401, "revoked at once")
        let list = try CLI.run(["token", "list"], data: s.store).out
        #expect(list.contains("script") && !list.contains("grafana"))
        // auth/ is the owner's alone, and holds no secret in the clear.
        var st = stat()
        #expect(stat(s.store + "/auth", &st) == 0 && st.st_mode & 0o077 == 0)
        let files = try FileManager.default.contentsOfDirectory(atPath: s.store + "/auth")
        for f in files {
            let text = (try? String(contentsOfFile: s.store + "/auth/" + f, encoding: .utf8)) ?? ""
            #expect(!text.contains(full) && !text.contains(WebServeTests.password), "\(f)")
        }
    }

    @Test func jobsNeedARunningMonitor() throws {
        let s = try Served()
        guard let (cookie, csrf) = s.signIn() else { Issue.record("sign-in failed"); return }
        #expect(s.client.get("/api/v1/jobs", headers: [("Cookie", cookie)])?.status == 409)
        let r = s.client.request("POST", "/api/v1/jobs/probes", headers: [("Cookie", cookie), ("X-CSRF-Token", csrf)],
                                 body: Array(#"{"state": "paused"}"#.utf8))
        #expect(r?.status == 409, "\(r?.text ?? "")")
    }

    /// `ispmon serve` crashing (a SIGBUS sent from outside) says which signal, not that the
    /// store is damaged, lets Swift print its backtrace, and dies of the signal.
    @Test func aCrashNamesTheSignalAndDiesOfIt() throws {
        let s = try Served(environment: ["SWIFT_BACKTRACE": "enable=yes,interactive=no"])
        kill(s.process.processIdentifier, SIGBUS)
        let watchdog = DispatchWorkItem { kill(s.process.processIdentifier, SIGKILL) }
        DispatchQueue.global().asyncAfter(deadline: .now() + 120, execute: watchdog)  // a backtrace of a debug build takes seconds
        s.process.waitUntilExit()
        watchdog.cancel()
        #expect(s.process.terminationReason == .uncaughtSignal && s.process.terminationStatus == SIGBUS)
        #expect(s.log.contains("ispmon: crashed on signal SIGBUS (access to memory that is not there) with the store at \(s.store) open"), "\(s.log)")
        #expect(!s.log.contains("damaged"), "\(s.log)")
        #expect(s.log.contains("Backtracing"), "the backtrace follows the line: \(s.log.prefix(2000))")
    }

    @Test func hostileRequestsAreRefusedWithoutHarm() throws {
        let s = try Served()
        guard let (cookie, csrf) = s.signIn() else { Issue.record("sign-in failed"); return }
        let big = [UInt8](repeating: 0x61, count: 1 << 20)
        let r = s.client.request("POST", "/api/v1/outages/x/notes", headers: [("Cookie", cookie), ("X-CSRF-Token", csrf),
                                                                             ("Content-Type", "application/json")], body: big)
        #expect(r == nil || r?.status == 413, "a 1 MB body: \(r?.status ?? 0) \(r?.text ?? "")")
        // One strict reader for every JSON body: a key given twice is refused, whichever value would have won.
        let twice = s.client.request("POST", "/api/v1/outages/x/notes", headers: [("Cookie", cookie), ("X-CSRF-Token", csrf),
                                     ("Content-Type", "application/json")], body: Array(#"{"text":"a","text":"b"}"#.utf8))
        #expect(twice?.status == 400 && twice?.text.contains("duplicate field") == true, "\(twice?.status ?? 0) \(twice?.text ?? "")")
        let fraction = s.client.request("POST", "/api/v1/tools/ping", headers: [("Cookie", cookie), ("X-CSRF-Token", csrf),
                                        ("Content-Type", "application/json")], body: Array(#"{"host":"127.0.0.1","count":true}"#.utf8))
        #expect(fraction?.status == 400 && (fraction?.json as? [String: Any])?["error"] as? String == "count: must be a whole number",
                "\(fraction?.text ?? "")")
        let header = s.client.get("/api/v1/status", headers: [("Cookie", cookie), ("X-Filler", String(repeating: "b", count: 100_000))])
        #expect(header == nil || (400..<500).contains(header?.status ?? 0), "100 KB of headers: \(header?.status ?? 0)")
        // Still serving.
        #expect(s.client.get("/api/v1/status", headers: [("Cookie", cookie)])?.status == 200)
    }
}

/// The live stream and the metrics of a real `ispmon serve`, fed by another process.
@Suite(.serialized) struct WebStreamTests {
    /// Reads a server-sent event stream on a socket of its own, message by message.
    final class StreamReader {
        let fd: Int32
        var buffer: [UInt8] = []

        init?(port: UInt16, path: String, headers: [(String, String)]) {
            guard let fd = loopbackConnection(port: port, timeout: 20) else { return nil }
            self.fd = fd
            var head = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            for (k, v) in headers { head += "\(k): \(v)\r\n" }
            head += "\r\n"
            _ = Array(head.utf8).withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        }

        deinit { close(fd) }

        /// The data of the next message of kind `event` (`status`, `activity`), nil when none comes.
        func nextData(event: String) -> String? {
            while true {
                let text = String(decoding: buffer, as: UTF8.self)
                if let range = text.range(of: "event: \(event)\ndata: "), let end = text[range.upperBound...].range(of: "\n\n") {
                    let data = String(text[range.upperBound..<end.lowerBound])
                    buffer.removeFirst(Array(text[..<end.upperBound].utf8).count)
                    return data
                }
                guard receive() else { return nil }
            }
        }

        /// Reads what arrived into `buffer`, without chunked-encoding size lines; false at the end.
        func receive() -> Bool {
            var chunk = [UInt8](repeating: 0, count: 65_536)
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            guard n > 0 else { return false }
            // Chunk-size lines stand alone between CRLFs.
            let piece = String(decoding: chunk[..<n], as: UTF8.self).replacingOccurrences(of: "\r\n", with: "\n")
            let lines: [String] = piece.components(separatedBy: "\n")
            let kept = lines.filter { line in !(line.count <= 5 && !line.isEmpty && line.allSatisfy(\.isHexDigit)) }
            buffer += Array(kept.joined(separator: "\n").utf8)
            return true
        }

        /// The next `event` message's (id, data) lines, skipping comments, status and chunk framing.
        func nextEvent() -> (id: String, data: String)? {
            while true {
                let text = String(decoding: buffer, as: UTF8.self)
                if let range = text.range(of: "\nid: ") {
                    let rest = text[range.upperBound...]
                    if let end = rest.range(of: "\n\n") {
                        let message = String(rest[..<end.lowerBound])
                        let lines = message.split(separator: "\n")
                        let id = String(lines.first ?? "")
                        let data = lines.first { $0.hasPrefix("data: ") }.map { String($0.dropFirst(6)) } ?? ""
                        let consumed = text.distance(from: text.startIndex, to: end.upperBound)
                        buffer.removeFirst(Array(text.prefix(consumed).utf8).count)
                        return (id, data)
                    }
                }
                guard receive() else { return nil }
            }
        }
    }

    @Test func eventsImportedByAnotherProcessArriveInOrderAcrossAReconnect() throws {
        let s = try WebServeTests.Served()
        guard let (cookie, _) = s.signIn() else { Issue.record("sign-in failed"); return }
        let before = try s.storeLastSeq()
        guard let stream = StreamReader(port: s.port, path: "/api/v1/stream?types=event", headers: [("Cookie", cookie)]) else {
            Issue.record("no stream"); return
        }
        let more = Array(SyntheticStream(seed: 77).prefix(300))
        #expect(try CLI.run(["import", "-"], stdin: ndjson(Array(more.prefix(150))), data: s.store).status == 0)
        var seen: [String] = []
        while seen.count < 100, let e = stream.nextEvent() { seen.append(e.id) }
        // Reconnect after the 100th, as a browser would, with Last-Event-ID.
        guard let last = seen.last, let again = StreamReader(port: s.port, path: "/api/v1/stream?types=event",
                                                             headers: [("Cookie", cookie), ("Last-Event-ID", last)]) else {
            Issue.record("no reconnect"); return
        }
        #expect(try CLI.run(["import", "-"], stdin: ndjson(Array(more.suffix(150))), data: s.store).status == 0)
        while seen.count < 300, let e = again.nextEvent() { seen.append(e.id) }
        #expect(seen == (1...300).map { String(before + UInt64($0)) }, "every event once, in order")
        let unauthenticated = s.client.get("/api/v1/stream")
        #expect(unauthenticated?.status == 401)
        #expect(s.client.get("/api/v1/stream?types=gossip", headers: [("Cookie", cookie)])?.status == 400)
    }

    @Test func metricsNeedAuthAndPassPromtool() throws {
        let s = try WebServeTests.Served()
        let token = try CLI.run(["token", "create", "prom", "--read-only"], data: s.store).out.split(separator: "\n").last.map(String.init) ?? ""
        #expect(s.client.get("/metrics")?.status == 401)
        let r = s.client.get("/metrics", headers: [("Authorization", "Bearer \(token)")])
        #expect(r?.status == 200)
        #expect(r?.header("Content-Type")?.hasPrefix("text/plain; version=0.0.4") == true)
        #expect(r?.text.contains("ispmon_target_up{") == true && r?.text.contains("ispmon_events_total") == true)
    }
}

extension WebServeTests.Served {
    func storeLastSeq() throws -> UInt64 {
        let status = try JSONSerialization.jsonObject(with: try CLI.run(["status", "--json"], data: store).stdout) as? [String: Any]
        return (status?["last_seq"] as? NSNumber)?.uint64Value ?? 0
    }
}

/// A real Prometheus (Debian's) scrapes a real `ispmon serve` with a read-only token, on loopback.
@Suite struct PrometheusScrapeTests {
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/prometheus"),
                   "needs Debian's prometheus (tools/test installs it)"))
    func prometheusScrapesTheTargetsStates() throws {
        let s = try WebServeTests.Served()
        let token = try CLI.run(["token", "create", "prometheus", "--read-only"], data: s.store).out
            .split(separator: "\n").last.map(String.init) ?? ""
        try token.write(toFile: s.dir.file("token"), atomically: true, encoding: .utf8)
        let port = UInt16.random(in: 10_000...19_999)
        try """
            global: {scrape_interval: 1s, evaluation_interval: 1s}
            scrape_configs:
              - job_name: ispmon
                metrics_path: /metrics
                authorization: {credentials_file: \(s.dir.file("token"))}
                static_configs: [{targets: ["127.0.0.1:\(s.port)"]}]
            """.write(toFile: s.dir.file("prometheus.yml"), atomically: true, encoding: .utf8)
        let prometheus = Process()
        prometheus.executableURL = URL(fileURLWithPath: "/usr/bin/prometheus")
        prometheus.arguments = ["--config.file=\(s.dir.file("prometheus.yml"))", "--storage.tsdb.path=\(s.dir.file("tsdb"))",
                                "--web.listen-address=127.0.0.1:\(port)"]
        prometheus.standardOutput = FileHandle.nullDevice
        prometheus.standardError = FileHandle.nullDevice
        try prometheus.run()
        defer {
            kill(prometheus.processIdentifier, SIGKILL)
            prometheus.waitUntilExit()
        }
        #expect(waitUntilListening(port: port, seconds: 30), "prometheus did not start")
        let api = HTTPClient(port: port)
        var series: [[String: Any]] = []
        let deadline = Date().addingTimeInterval(30)
        while series.isEmpty && Date() < deadline {
            usleep(500_000)
            let r = api.get("/api/v1/query?query=ispmon_target_up")
            series = (((r?.json as? [String: Any])?["data"] as? [String: Any])?["result"] as? [[String: Any]]) ?? []
        }
        let targets = Set(series.compactMap { ($0["metric"] as? [String: Any])?["target"] as? String })
        #expect(!targets.isEmpty, "Prometheus has no ispmon_target_up")
        // The same targets the status names with a state.
        let status = try JSONSerialization.jsonObject(with: try CLI.run(["status", "--json"], data: s.store).stdout) as? [String: Any]
        let known = Set(((status?["targets"] as? [[String: Any]]) ?? []).filter { $0["state"] as? String != "unknown" }
            .compactMap { $0["name"] as? String })
        #expect(targets == known, "\(targets) vs \(known)")
        let up = api.get("/api/v1/query?query=up%7Bjob%3D%22ispmon%22%7D")
        let upSeries = (((up?.json as? [String: Any])?["data"] as? [String: Any])?["result"] as? [[String: Any]]) ?? []
        #expect((upSeries.first?["value"] as? [Any])?.last as? String == "1", "the scrape itself is up: \(up?.text ?? "")")
    }
}
