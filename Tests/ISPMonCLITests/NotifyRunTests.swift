import Foundation
import Testing
import TestSupport
import ISPMonCore

#if canImport(Glibc)
import Glibc
#endif

/// The notifier inside the real `ispmon run` (docs/notify.md), on loopback only: the internet
/// targets are a TCP listener the test closes (an outage) and opens again; the channel is a
/// webhook to the notification tests' HTTP catcher. `kill -9` while the outage notice is failing,
/// then a restart: the notice is resumed and folded into the recovery, each key arrives once.
@Suite(.serialized, .enabled(if: pythonOnPath, "python3 is not installed (the HTTP catcher is a python script)"))
struct NotifyRunTests {
    typealias Catcher = HTTPCatcher

    /// A TCP listener on loopback that can be closed and opened again on the same port.
    final class Internet {
        var fd: Int32 = -1
        private(set) var port: UInt16 = 0

        init() { open() }

        func open() {
            fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var yes: Int32 = 1
            setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
            var addr = sockaddr_in()
            addr.sin_family = sa_family_t(AF_INET)
            addr.sin_addr.s_addr = inet_addr("127.0.0.1")
            addr.sin_port = port.bigEndian
            var len = socklen_t(MemoryLayout<sockaddr_in>.size)
            _ = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) } }
            Glibc.listen(fd, 512)
            _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
            port = UInt16(bigEndian: addr.sin_port)
        }

        /// Connections are refused from now on: the internet targets fail.
        func cut() {
            close(fd)
            fd = -1
        }

        deinit { if fd >= 0 { close(fd) } }
    }

    static func config(router: UInt16, internet: UInt16, hook: String) -> String {
        """
        interfaces: [lo]
        web: {listen: "127.0.0.1:0"}
        defaults:
          interval: 200ms
          timeout: 150ms
        targets:
          - {name: router, role: gateway, method: tcp, host: 127.0.0.1, port: \(router)}
          - {name: one, role: internet, method: tcp, host: 127.0.0.1, port: \(internet)}
          - {name: two, role: internet, method: tcp, host: 127.0.0.1, port: \(internet)}
          - {name: three, role: internet, method: tcp, host: 127.0.0.1, port: \(internet)}
        notify:
          - name: hook
            kind: webhook
            url: \(hook)
        """
    }

    /// The webhook requests' keys and bodies.
    static func received(_ catcher: Catcher) -> [(key: String, body: [String: Any])] {
        catcher.requests.compactMap { r in
            guard let key = r.headers["idempotency-key"],
                  let body = try? JSONSerialization.jsonObject(with: r.body) as? [String: Any] else { return nil }
            return (key, body)
        }
    }

    static func wait(_ what: String, seconds: Int = 60, _ done: () throws -> Bool) rethrows {
        for _ in 0..<(seconds * 10) {
            if try done() { return }
            usleep(100_000)
        }
        Issue.record("\(what): not within \(seconds) s")
    }

    /// The notify events of the log: "channel key attempt ok|error".
    static func attempts(_ store: String) throws -> [String] {
        try MonitorRunTests().events(store).compactMap { e in
            guard case .notify(let n) = e.body else { return nil }
            return "\(n.channel) \(n.key) \(n.attempt) \(n.error ?? "ok")"
        }
    }

    @Test func killDashNineWhileTheNoticeFailsLosesNothingAndRepeatsNothing() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let catcher = try Catcher(dir)
        defer { catcher.stop() }
        let ports = MonitorRunTests.Ports()
        let internet = Internet()
        let run = MonitorRunTests()
        let store = dir.file("store")
        let config = dir.file("ispmon.yaml")

        // The first run: the receiver answers 500 to everything.
        try Self.config(router: ports.open, internet: internet.port, hook: "http://127.0.0.1:\(catcher.port)/status/500")
            .write(toFile: config, atomically: true, encoding: .utf8)
        let first = try run.start(config, data: store, logLevel: "info", stderr: dir.file("first.log"))
        Self.wait("the monitor's first results") { (try? run.events(store).count) ?? 0 > 20 }
        internet.cut()
        // The outage opens; its notice is tried and fails (500), and is tried again.
        Self.wait("two failed attempts") { ((try? Self.attempts(store)) ?? []).count >= 2 }
        let outageKey = Self.received(catcher).first?.key ?? "?"
        #expect(outageKey.hasSuffix("/outage") && outageKey.hasPrefix("c-"), "\(outageKey)")
        #expect(Self.received(catcher).allSatisfy { $0.key == outageKey }, "one outage, one key, whatever the number of targets")
        kill(first.processIdentifier, SIGKILL)
        first.waitUntilExit()
        let failedBefore = try Self.attempts(store)
        #expect(failedBefore.allSatisfy { $0.hasPrefix("hook \(outageKey) ") && $0.hasSuffix(" http-status") }, "\(failedBefore)")

        // The internet is back while no monitor runs; the receiver now accepts.
        internet.open()
        let before = Self.received(catcher).count
        try Self.config(router: ports.open, internet: internet.port, hook: "http://127.0.0.1:\(catcher.port)/ok")
            .write(toFile: config, atomically: true, encoding: .utf8)
        let second = try run.start(config, data: store, logLevel: "info", stderr: dir.file("second.log"))
        let recoveryKey = outageKey.replacingOccurrences(of: "/outage", with: "/recovery")
        Self.wait("the recovery") { Self.received(catcher).dropFirst(before).contains { $0.key == recoveryKey } }
        // Give a repeat the time to show, then stop cleanly.
        usleep(2_000_000)
        _ = run.stop(second, SIGTERM)

        // After the restart: one message, the recovery, saying the outage notice was held back.
        let after = Self.received(catcher).dropFirst(before)
        #expect(after.map(\.key) == [recoveryKey], "\(after.map(\.key))")
        let text = after.first?.body["text"] as? String ?? ""
        #expect(text.contains("held back"), "\(text)")
        #expect((after.first?.body["outage"] as? [String: Any])?["id"] as? String == String(outageKey.dropLast("/outage".count)))
        // In the log: the failed attempts of the first run, then the recovery delivered once; nothing pending.
        let all = try Self.attempts(store)
        #expect(all == failedBefore + ["hook \(recoveryKey) 1 ok"], "\(all)")
        try Self.expectNothingPending(store: store)
    }

    /// `ispmon notify status --json` lists nothing pending or given up for any channel.
    static func expectNothingPending(store: String, config: String? = nil, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let status = try CLI.run(["notify", "status", "--json"] + (config.map { ["--config", $0] } ?? []), data: store)
        let channels = (try? JSONSerialization.jsonObject(with: status.stdout) as? [String: Any])?["channels"] as? [[String: Any]]
        #expect(channels?.allSatisfy { ($0["entries"] as? [Any])?.isEmpty == true } == true, "\(status.out)", sourceLocation: sourceLocation)
    }

    /// A notice due and never tried (the monitor killed during its first attempt, which hangs):
    /// `notify status` lists it with the config's channels, as the settings page does.
    @Test func notifyStatusListsWhatIsDueButNeverTried() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let catcher = try Catcher(dir)
        defer { catcher.stop() }
        let ports = MonitorRunTests.Ports()
        let internet = Internet()
        let run = MonitorRunTests()
        let store = dir.file("store")
        let config = dir.file("ispmon.yaml")
        let text = Self.config(router: ports.open, internet: internet.port, hook: "\(catcher.url)/hang")
        try text.write(toFile: config, atomically: true, encoding: .utf8)
        let p = try run.start(config, data: store, logLevel: "info", stderr: dir.file("run.log"))
        Self.wait("the monitor's first results") { (try? run.events(store).count) ?? 0 > 20 }
        internet.cut()
        Self.wait("the notice's first attempt") { catcher.requests.contains { $0.path == "/hang" } }
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        #expect(try Self.attempts(store).isEmpty, "the attempt was under way: no notify event")
        let outage = try JSONSerialization.jsonObject(with: try CLI.run(["outages", "--json"], data: store).stdout) as? [[String: Any]]
        let key = "\(outage?.first?["id"] as? String ?? "?")/outage"

        let status = try CLI.run(["notify", "status", "--json", "--config", config], data: store)
        #expect(status.status == 0, "\(status.stderr)")
        let channels = (try? JSONSerialization.jsonObject(with: status.stdout) as? [String: Any])?["channels"] as? [[String: Any]] ?? []
        let entries = channels.flatMap { c in (c["entries"] as? [[String: Any]] ?? []).map { (c["name"] as? String ?? "", $0) } }
        #expect(entries.map { "\($0.0) \($0.1["key"] ?? "") \($0.1["state"] ?? "") \($0.1["attempts"] ?? "")" } == ["hook \(key) pending 0"], "\(status.out)")
        #expect(entries.first.map { $0.1["last_attempt"] is NSNull && $0.1["error"] is NSNull } == true, "\(status.out)")
        let table = try CLI.run(["notify", "status", "--config", config], data: store)
        #expect(table.out.contains(key) && table.out.contains("pending") && table.out.contains("never"), "\(table.out)")

        // The settings page of `ispmon serve` with the same config says the same.
        let served = try WebServeTests.Served(config: text.replacingOccurrences(of: "web: {listen: \"127.0.0.1:0\"}\n", with: ""), store: store)
        guard let (cookie, _) = served.signIn() else { Issue.record("sign-in failed: \(served.log)"); return }
        let page = served.client.get("/settings", headers: [("Cookie", cookie)])?.text ?? ""
        #expect(page.contains("<td>hook</td><td>\(key)</td><td>pending</td><td class=\"number\">0</td><td>never</td>"), "\(page)")
    }

    @Test func aMissingSecretFileIsOneErrorAndNothingStarts() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let ports = MonitorRunTests.Ports()
        let config = Self.config(router: ports.open, internet: ports.closed, hook: "http://127.0.0.1:9/hook")
            + "\n    secret_file: \(dir.file("no-such-secret"))\n"
        try config.write(toFile: dir.file("ispmon.yaml"), atomically: true, encoding: .utf8)
        let r = try CLI.run(["run", "--config", dir.file("ispmon.yaml")], data: dir.file("store"))
        #expect(r.status != 0)
        #expect(r.stderr.contains("hook") && r.stderr.contains("no-such-secret"), "\(r.stderr)")
        // Nothing was recorded: no monitor started.
        let events = (try? MonitorRunTests().events(dir.file("store"))) ?? []
        #expect(!events.contains { if case .monitor = $0.body { true } else { false } })
    }

    @Test func theHeartbeatPingsWhileConnectivityIsUpAndNotWhileItIsDown() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let catcher = try Catcher(dir)
        defer { catcher.stop() }
        let ports = MonitorRunTests.Ports()
        let internet = Internet()
        let run = MonitorRunTests()
        let store = dir.file("store")
        let config = Self.config(router: ports.open, internet: internet.port, hook: "http://127.0.0.1:\(catcher.port)/hook")
            + "\nheartbeat: {url: \"http://127.0.0.1:\(catcher.port)/heartbeat\", interval: 10s}\n"
        try config.write(toFile: dir.file("ispmon.yaml"), atomically: true, encoding: .utf8)
        let p = try run.start(dir.file("ispmon.yaml"), data: store, logLevel: "info", stderr: dir.file("run.log"))
        defer { _ = run.stop(p, SIGTERM) }
        func pings() -> Int { catcher.requests.filter { $0.path == "/heartbeat" && $0.method == "GET" }.count }
        // Up: a ping as soon as the views know it.
        Self.wait("the first ping") { pings() >= 1 }
        internet.cut()
        Self.wait("the outage notice") { Self.received(catcher).contains { $0.key.hasSuffix("/outage") } }
        usleep(1_000_000)  // a ping already under way at the cut may still arrive
        let during = pings()
        // Longer than the interval: no ping while the internet is down.
        usleep(12_000_000)
        #expect(pings() == during, "pings while down: \(pings() - during)")
        internet.open()
        // Back up: a ping at once, and the recovery.
        Self.wait("a ping after the outage") { pings() > during }
        Self.wait("the recovery") { Self.received(catcher).contains { $0.key.hasSuffix("/recovery") } }
    }

    @Test func theMonitorIsToldOfAStartAfterKillDashNineAndOfAStop() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let catcher = try Catcher(dir)
        defer { catcher.stop() }
        let ports = MonitorRunTests.Ports()
        let run = MonitorRunTests()
        let store = dir.file("store")
        let config = Self.config(router: ports.open, internet: ports.open, hook: "http://127.0.0.1:\(catcher.port)/hook")
            + "\n    on: [monitor]\n"
        try config.write(toFile: dir.file("ispmon.yaml"), atomically: true, encoding: .utf8)
        let first = try run.start(dir.file("ispmon.yaml"), data: store)
        Self.wait("the monitor's first results") { (try? run.events(store).count) ?? 0 > 20 }
        kill(first.processIdentifier, SIGKILL)
        first.waitUntilExit()
        #expect(Self.received(catcher).isEmpty, "a first start is nothing to tell")
        let second = try run.start(dir.file("ispmon.yaml"), data: store)
        Self.wait("the unclean start's message") { !Self.received(catcher).isEmpty }
        _ = run.stop(second, SIGTERM)
        // The stop's message went out before the monitor exited.
        let messages = Self.received(catcher)
        #expect(messages.map { $0.body["trigger"] as? String ?? "" } == ["monitor", "monitor"], "\(messages.map(\.key))")
        #expect((messages.first?.body["text"] as? String)?.contains("after an unclean stop") == true)
        #expect((messages.last?.body["text"] as? String)?.contains("stopped") == true)
        let started = try run.events(store).enumerated().filter { if case .monitor(let m) = $0.element.body { m.state == .started } else { false } }
        #expect(messages.first?.key == "monitor/\((started.last?.offset ?? -1) + 1)", "the key is the start event's seq")
    }
}
