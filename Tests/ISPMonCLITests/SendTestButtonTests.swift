import Foundation
import Testing
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// The settings page's "Send test" button (docs/web.md): a real `ispmon serve` whose config has
/// channels to the notification tests' HTTP catcher on loopback (one that answers, one that
/// answers 500, one that never answers), and the form posted as a browser without JavaScript does.
@Suite(.serialized, .enabled(if: (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":")
                                 .contains { FileManager.default.isExecutableFile(atPath: "\($0)/python3") },
                             "python3 is not installed (the HTTP catcher is a python script)"))
struct SendTestButtonTests {
    typealias Served = WebServeTests.Served
    static let form = SettingsPagesTests.form

    /// A server whose config has `phone` (answers), `down` (500), `hung` (never answers) and
    /// `broken` (its secret file is missing) to `catcher`.
    static func served(_ catcher: HTTPCatcher, secretDir: TempDir) throws -> Served {
        try Served(config: """
            site: cabin
            notify:
              - name: phone
                kind: ntfy
                url: http://127.0.0.1:\(catcher.port)/alerts
              - name: down
                kind: webhook
                url: http://127.0.0.1:\(catcher.port)/status/500
              - name: hung
                kind: ntfy
                url: http://127.0.0.1:\(catcher.port)/hang
              - name: broken
                kind: webhook
                url: http://127.0.0.1:\(catcher.port)/x
                secret_file: \(secretDir.file("absent"))

            """)
    }

    static func press(_ s: Served, _ channel: String, _ session: (String, String), csrf: String?) -> HTTPClient.Response? {
        s.client.request("POST", "/settings/notify/\(channel)/test", headers: [session, form],
                         body: SettingsPagesTests.encoded(csrf.map { [("csrf", $0)] } ?? []), timeout: 30)
    }

    /// The page's words for the test's outcome (`<p … id="notify-test">…</p>`), or nil.
    static func outcome(_ html: String) -> String? {
        guard let start = html.range(of: "id=\"notify-test\">") else { return nil }
        return String(html[start.upperBound...].prefix { $0 != "<" })
    }

    @Test func theButtonSendsOneTestAndShowsTheAnswer() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let catcher = try HTTPCatcher(dir)
        defer { catcher.stop() }
        let s = try Self.served(catcher, secretDir: dir)
        guard let (cookie, csrf) = s.signIn() else { Issue.record("sign-in failed"); return }
        let session = ("Cookie", cookie)

        let page = s.client.get("/settings", headers: [session])?.text ?? ""
        #expect(page.contains("<form method=\"post\" action=\"/settings/notify/phone/test\" class=\"inline\"><input type=\"hidden\" name=\"csrf\" value=\"\(csrf)\"><button type=\"submit\" id=\"notify-test-phone\">Send test</button></form>"),
                "\(page)")

        // Without the session's CSRF token: refused, and nothing is sent.
        #expect(Self.press(s, "phone", session, csrf: nil)?.status == 403)
        #expect(Self.press(s, "phone", session, csrf: "0123")?.status == 403)
        #expect(catcher.requests.isEmpty)

        let sent = Self.press(s, "phone", session, csrf: csrf)
        #expect(sent?.status == 200 && sent?.header("Content-Type") == "text/html; charset=utf-8")
        let said = Self.outcome(sent?.text ?? "") ?? ""
        #expect(said.hasPrefix("phone: delivered test/") && said.contains("HTTP 200"), "\(sent?.text ?? "")")
        #expect(sent?.text.contains("role=\"status\" id=\"notify-test\"") == true)
        #expect(sent?.text.contains("<table class=\"channels\">") == true, "the answer is the settings page")
        let requests = catcher.requests
        #expect(requests.count == 1, "exactly one request: \(requests)")
        let r = try #require(requests.first)
        #expect(r.path == "/alerts")
        #expect(r.headers["title"] == "ispmon test message from cabin")
        #expect(r.headers["idempotency-key"].map { said.contains($0) } == true, "the page names the key the receiver got")
        #expect(catcher.bodies("/alerts").first?.contains("Send test button of the settings page") == true)

        // A receiver that refuses, a channel that cannot be made, a channel the config lacks.
        let refused = Self.press(s, "down", session, csrf: csrf)
        #expect(refused?.status == 502)
        #expect(Self.outcome(refused?.text ?? "")?.hasPrefix("notify channel &#39;down&#39;: not delivered: http-status: HTTP 500") == true,
                "\(refused?.text ?? "")")
        #expect(refused?.text.contains("role=\"alert\" id=\"notify-test\"") == true)
        let broken = Self.press(s, "broken", session, csrf: csrf)
        #expect(broken?.status == 500)
        #expect(Self.outcome(broken?.text ?? "")?.contains("secret_file \(dir.file("absent")): No such file or directory") == true,
                "\(broken?.text ?? "")")
        let unknown = Self.press(s, "pager", session, csrf: csrf)
        #expect(unknown?.status == 404 && unknown?.header("Content-Type") == "text/html; charset=utf-8")
        #expect(unknown?.text.contains("no notify channel &#39;pager&#39; in the config (its channels: phone, down, hung, broken)") == true,
                "\(unknown?.text ?? "")")
        #expect(catcher.requests.count == 2, "the 500 was the one other request")
    }

    /// `POST /api/v1/notify/{channel}/test`: the same for scripts, as JSON, with a full token.
    @Test func theAPISendsTheSameTest() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let catcher = try HTTPCatcher(dir)
        defer { catcher.stop() }
        let s = try Self.served(catcher, secretDir: dir)
        func token(_ args: [String]) throws -> (String, String) {
            ("Authorization", "Bearer " + (try CLI.run(["token", "create"] + args, data: s.store).out.split(separator: "\n").last.map(String.init) ?? ""))
        }
        let full = try token(["script"]), readOnly = try token(["grafana", "--read-only"])

        let sent = s.client.request("POST", "/api/v1/notify/phone/test", headers: [full], timeout: 30)
        #expect(sent?.status == 200 && sent?.header("Content-Type") == "application/json")
        let answer = sent?.json as? [String: Any]
        #expect(answer?["channel"] as? String == "phone" && answer?["delivered"] as? Bool == true, "\(sent?.text ?? "")")
        #expect((answer?["key"] as? String)?.hasPrefix("test/") == true && (answer?["answer"] as? String)?.hasPrefix("HTTP 200") == true)
        #expect(answer?["error"] is NSNull)
        #expect(catcher.requests.count == 1)

        let refused = s.client.request("POST", "/api/v1/notify/down/test", headers: [full], timeout: 30)
        let failure = refused?.json as? [String: Any]
        #expect(refused?.status == 502 && failure?["delivered"] as? Bool == false && failure?["answer"] is NSNull)
        #expect((failure?["error"] as? String)?.hasPrefix("http-status: HTTP 500") == true, "\(refused?.text ?? "")")
        let unknown = s.client.request("POST", "/api/v1/notify/pager/test", headers: [full])
        #expect(unknown?.status == 404)
        #expect((unknown?.json as? [String: Any])?["error"] as? String == "no notify channel 'pager' in the config (its channels: phone, down, hung, broken)")
        let broken = s.client.request("POST", "/api/v1/notify/broken/test", headers: [full])
        #expect(broken?.status == 500 && ((broken?.json as? [String: Any])?["error"] as? String)?.contains("secret_file") == true)
        #expect(s.client.request("POST", "/api/v1/notify/phone/test", headers: [readOnly])?.status == 403, "a read-only token sends nothing")
        #expect(s.client.request("POST", "/api/v1/notify/phone/test?x=1", headers: [full])?.status == 400)
        #expect(catcher.requests.count == 2)
    }

    /// A receiver that never answers holds its own test (up to the channel's 10 s), and nothing
    /// else: the server answers meanwhile, a second press of the same button is told to wait, and
    /// another channel's test goes through.
    @Test func aHungReceiverHoldsOnlyItsOwnTest() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let catcher = try HTTPCatcher(dir)
        defer { catcher.stop() }
        let s = try Self.served(catcher, secretDir: dir)
        guard let (cookie, csrf) = s.signIn() else { Issue.record("sign-in failed"); return }
        let session = ("Cookie", cookie)

        let pending = try #require(s.client.send("POST", "/settings/notify/hung/test", headers: [session, Self.form],
                                                 body: SettingsPagesTests.encoded([("csrf", csrf)]), timeout: 30))
        // The catcher has the request: the test is under way (bounded wait).
        for _ in 0..<100 where catcher.requests.isEmpty { usleep(50_000) }
        #expect(catcher.requests.count == 1)

        #expect(s.client.get("/healthz")?.status == 200)
        #expect(s.client.get("/settings", headers: [session])?.status == 200)
        let again = Self.press(s, "hung", session, csrf: csrf)
        #expect(again?.status == 429 && again?.header("Retry-After") == "10")
        #expect(Self.outcome(again?.text ?? "")?.contains("A test message of hung is still on its way") == true, "\(again?.text ?? "")")
        let other = Self.press(s, "phone", session, csrf: csrf)
        #expect(other?.status == 200 && Self.outcome(other?.text ?? "")?.hasPrefix("phone: delivered") == true)
        #expect(catcher.requests.count == 2, "the second press sent nothing")

        // The hung test ends at the channel's limit, as a timeout; then the button works again.
        let ended = s.client.receive(pending)
        close(pending)
        #expect(ended?.status == 502)
        #expect(Self.outcome(ended?.text ?? "")?.hasPrefix("notify channel &#39;hung&#39;: not delivered: timeout") == true, "\(ended?.text ?? "")")
        let reused = Self.press(s, "phone", session, csrf: csrf)
        #expect(reused?.status == 200)
    }

    /// `ispmon run` has the button too, beside its notifier: the test goes to the receiver once
    /// and is no `notify` event of the log (the notifier's outbox stays its own).
    @Test func theMonitorsOwnWebUISendsTestsToo() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let catcher = try HTTPCatcher(dir)
        defer { catcher.stop() }
        let run = MonitorRunTests()
        let ports = MonitorRunTests.Ports()
        let port = UInt16.random(in: 20_000...32_000)
        let channels = """
            site: cabin
            notify:
              - {name: phone, kind: ntfy, url: "http://127.0.0.1:\(catcher.port)/alerts", on: [recovery]}
            """
        try run.config(ports, webPort: port, extra: channels).write(toFile: dir.file("ispmon.yaml"), atomically: true, encoding: .utf8)
        let store = dir.file("store")
        let password = "a long enough password"
        #expect(try CLI.run(["passwd"], stdin: Data((password + "\n").utf8), data: store).status == 0)
        let p = try run.start(dir.file("ispmon.yaml"), data: store)
        defer { _ = run.stop(p, SIGTERM) }
        #expect(waitUntilListening(port: port))
        let http = HTTPClient(port: port)
        let cookie = try #require(SettingsPagesTests.signIn(http, password))
        let session = ("Cookie", cookie)
        #expect(http.get("/settings", headers: [session])?.text.contains("id=\"notify-test-phone\"") == true)

        let sent = http.request("POST", "/settings/notify/phone/test", headers: [session, Self.form],
                                body: SettingsPagesTests.encoded([("csrf", SettingsPagesTests.csrf(http, cookie))]), timeout: 30)
        #expect(sent?.status == 200 && Self.outcome(sent?.text ?? "")?.hasPrefix("phone: delivered test/") == true, "\(sent?.text ?? "")")
        let tests = catcher.requests.filter { $0.headers["idempotency-key"]?.hasPrefix("test/") == true }
        #expect(tests.count == 1 && catcher.requests.count == 1, "\(catcher.requests.map(\.path))")
        let notifyEvents = try CLI.run(["events", "--type", "notify", "--json"], data: store).out
        #expect(notifyEvents.isEmpty, "the test is no notify event: \(notifyEvents)")

        // A reload that replaces phone with pager: the button follows the config as reloaded.
        try run.config(ports, webPort: port, extra: channels.replacingOccurrences(of: "name: phone", with: "name: pager")
                        .replacingOccurrences(of: "/alerts", with: "/pager"))
            .write(toFile: dir.file("ispmon.yaml"), atomically: true, encoding: .utf8)
        kill(p.processIdentifier, SIGHUP)
        var pager: HTTPClient.Response?
        for _ in 0..<100 {
            pager = http.request("POST", "/settings/notify/pager/test", headers: [session, Self.form],
                                 body: SettingsPagesTests.encoded([("csrf", SettingsPagesTests.csrf(http, cookie))]), timeout: 30)
            if pager?.status != 404 { break }
            usleep(100_000)
        }
        #expect(pager?.status == 200 && catcher.bodies("/pager").count == 1, "a channel added by a reload: \(pager?.text ?? "")")
        let removed = http.request("POST", "/settings/notify/phone/test", headers: [session, Self.form],
                                   body: SettingsPagesTests.encoded([("csrf", SettingsPagesTests.csrf(http, cookie))]), timeout: 30)
        #expect(removed?.status == 404, "a channel the reload removed")
        withExtendedLifetime(ports) {}
    }
}
