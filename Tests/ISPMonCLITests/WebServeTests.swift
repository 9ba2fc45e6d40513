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
        var store: String { dir.file("store") }
        let port = UInt16.random(in: 20_000...40_000)
        let process = Process()
        var client: HTTPClient { HTTPClient(port: port) }

        init(password: Bool = true) throws {
            #expect(try CLI.run(["bench", "ingest", "--faults", "1", "--data", store]).status == 0)
            if password {
                #expect(try CLI.run(["passwd"], stdin: Data((WebServeTests.password + "\n").utf8), data: store).status == 0)
            }
            process.executableURL = URL(fileURLWithPath: CLI.binary)
            process.arguments = ["serve", "--data", store, "--listen", "127.0.0.1:\(port)", "--config", dir.file("none.yaml")]
            try "log_level: warning\n".write(toFile: dir.file("none.yaml"), atomically: true, encoding: .utf8)
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
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
            #expect(r?.header("Content-Security-Policy") == "default-src 'self'; frame-ancestors 'none'; form-action 'self'")
            #expect(r?.header("X-Content-Type-Options") == "nosniff")
            #expect(r?.header("Referrer-Policy") == "no-referrer")
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
        #expect(s.client.request("POST", "/api/v1/outages/\(id)/notes", headers: [("Cookie", cookie), json, ("X-CSRF-Token", "0" + csrf.dropFirst())],
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

    @Test func hostileRequestsAreRefusedWithoutHarm() throws {
        let s = try Served()
        guard let (cookie, csrf) = s.signIn() else { Issue.record("sign-in failed"); return }
        let big = [UInt8](repeating: 0x61, count: 1 << 20)
        let r = s.client.request("POST", "/api/v1/outages/x/notes", headers: [("Cookie", cookie), ("X-CSRF-Token", csrf),
                                                                             ("Content-Type", "application/json")], body: big)
        #expect(r == nil || r?.status == 413, "a 1 MB body: \(r?.status ?? 0) \(r?.text ?? "")")
        let header = s.client.get("/api/v1/status", headers: [("Cookie", cookie), ("X-Filler", String(repeating: "b", count: 100_000))])
        #expect(header == nil || (400..<500).contains(header?.status ?? 0), "100 KB of headers: \(header?.status ?? 0)")
        // Still serving.
        #expect(s.client.get("/api/v1/status", headers: [("Cookie", cookie)])?.status == 200)
    }
}
