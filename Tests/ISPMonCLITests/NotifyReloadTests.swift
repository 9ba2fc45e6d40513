import Foundation
import Testing
import TestSupport
import ISPMonCore

#if canImport(Glibc)
import Glibc
#endif

/// SIGHUP applies `notify:` and `heartbeat:` to the real `ispmon run` (docs/notify.md, "Reloads"):
/// a channel added by a reload is told of what happens after it (not before), a removed one of
/// nothing more, the heartbeat starts and stops, and a reload whose secret file is missing is
/// refused with everything as it was (the secret files are read again at each reload).
@Suite(.serialized, .enabled(if: pythonOnPath, "python3 is not installed (the HTTP catcher is a python script)"))
struct NotifyReloadTests {
    static func config(router: UInt16, internet: UInt16, catcher: String, channels: [String], secret: String, heartbeat: Bool) -> String {
        var text = """
        interfaces: [lo]
        web: {listen: "127.0.0.1:0"}
        defaults:
          interval: 200ms
          timeout: 150ms
        targets:
          - {name: router, role: gateway, method: tcp, host: 127.0.0.1, port: \(router)}
          - {name: one, role: internet, method: tcp, host: 127.0.0.1, port: \(internet)}
          - {name: two, role: internet, method: tcp, host: 127.0.0.1, port: \(internet)}

        """
        if !channels.isEmpty { text += "notify:\n" }
        for name in channels {
            text += "  - {name: \(name), kind: webhook, url: \"\(catcher)/\(name)\", min_interval: 1s"
                + (name == "b" ? ", secret_file: \"\(secret)\"" : "") + "}\n"
        }
        if heartbeat { text += "heartbeat: {url: \"\(catcher)/heartbeat\", interval: 1s}\n" }
        return text
    }

    /// The keys the channel posting to `/NAME` received, in order.
    static func keys(_ catcher: HTTPCatcher, _ name: String) -> [String] {
        catcher.requests.compactMap { r in
            r.path == "/\(name)" ? r.headers["idempotency-key"] : nil
        }
    }

    static func pings(_ catcher: HTTPCatcher) -> Int {
        catcher.requests.filter { $0.path == "/heartbeat" }.count
    }

    static func logLines(_ file: String, containing text: String) -> [String] {
        ((try? String(contentsOfFile: file, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init).filter { $0.contains(text) }
    }

    /// Cuts the internet until `channels` all have an outage notice newer than `known`, then
    /// restores it until they all have its recovery; the outage's id.
    static func outage(_ internet: NotifyRunTests.Internet, _ catcher: HTTPCatcher, told channels: [String], known: Set<String>) -> String? {
        internet.cut()
        var id: String?
        NotifyRunTests.wait("the outage notice to \(channels)") {
            let fresh = channels.map { Set(keys(catcher, $0).filter { $0.hasSuffix("/outage") }).subtracting(known) }
            guard fresh.allSatisfy({ !$0.isEmpty }) else { return false }
            id = fresh.first?.first.map { String($0.dropLast("/outage".count)) }
            return true
        }
        internet.open()
        guard let id else { return nil }
        NotifyRunTests.wait("the recovery to \(channels)") { channels.allSatisfy { keys(catcher, $0).contains("\(id)/recovery") } }
        return id
    }

    /// Which of `secrets` made the request's `X-Ispmon-Signature` (HMAC-SHA256 of the body, by `openssl dgst`).
    static func signer(_ request: HTTPCatcher.Request, among secrets: [String], dir: TempDir) throws -> String? {
        guard let header = request.headers["x-ispmon-signature"] else { return nil }
        let body = request.body
        let file = dir.file("body")
        try body.write(to: URL(fileURLWithPath: file))
        for secret in secrets {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
            p.arguments = ["dgst", "-sha256", "-hmac", secret, "-r", file]
            let out = Pipe()
            p.standardOutput = out
            try p.run()
            let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            p.waitUntilExit()
            if let hex = text.split(separator: " ").first, header == "sha256=\(hex)" { return secret }
        }
        return nil
    }

    @Test func sighupAddsAndRemovesChannelsAndTheHeartbeat() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let catcher = try HTTPCatcher(dir)
        defer { catcher.stop() }
        let ports = MonitorRunTests.Ports()
        let internet = NotifyRunTests.Internet()
        let run = MonitorRunTests()
        let store = dir.file("store")
        let file = dir.file("ispmon.yaml")
        let secret = dir.file("b.secret")
        let stderr = dir.file("run.log")
        try "first secret\n".write(toFile: secret, atomically: true, encoding: .utf8)
        func write(_ channels: [String], heartbeat: Bool) throws {
            try Self.config(router: ports.open, internet: internet.port, catcher: catcher.url, channels: channels, secret: secret, heartbeat: heartbeat)
                .write(toFile: file, atomically: true, encoding: .utf8)
        }

        // Channel a alone: the first outage is a's.
        try write(["a"], heartbeat: false)
        let p = try run.start(file, data: store, logLevel: "info", stderr: stderr)
        defer { _ = run.stop(p, SIGTERM) }
        NotifyRunTests.wait("the monitor's first results") { (try? run.events(store).count) ?? 0 > 20 }
        let first = Self.outage(internet, catcher, told: ["a"], known: [])
        #expect(Self.pings(catcher) == 0, "no heartbeat configured yet")

        // A reload adds b and the heartbeat: b is told of the next outage, not of the first.
        try write(["a", "b"], heartbeat: true)
        kill(p.processIdentifier, SIGHUP)
        NotifyRunTests.wait("the reload's log line") { !Self.logLines(stderr, containing: "notify: added b; heartbeat started").isEmpty }
        NotifyRunTests.wait("the heartbeat's pings") { Self.pings(catcher) >= 2 }
        let second = Self.outage(internet, catcher, told: ["a", "b"], known: Set(Self.keys(catcher, "a")))
        #expect(Self.keys(catcher, "b").allSatisfy { !$0.hasPrefix(first ?? "?") }, "b came after the first outage: \(Self.keys(catcher, "b"))")

        // A reload whose secret file is missing is refused: a, b and the heartbeat go on as they were.
        try FileManager.default.removeItem(atPath: secret)
        try write(["b"], heartbeat: false)
        kill(p.processIdentifier, SIGHUP)
        NotifyRunTests.wait("the refused reload") { !Self.logLines(stderr, containing: "config not reloaded").isEmpty }
        #expect(Self.logLines(stderr, containing: "config not reloaded").first?.contains("b.secret") == true,
                "\(Self.logLines(stderr, containing: "config not reloaded"))")
        let pingsAtRefusal = Self.pings(catcher)
        NotifyRunTests.wait("a ping after the refused reload") { Self.pings(catcher) > pingsAtRefusal }

        // With the file back (a new secret, read again), the reload removes a and the heartbeat.
        try "second secret\n".write(toFile: secret, atomically: true, encoding: .utf8)
        kill(p.processIdentifier, SIGHUP)
        NotifyRunTests.wait("the second reload's log line") { !Self.logLines(stderr, containing: "notify: removed a; heartbeat stopped").isEmpty }
        usleep(1_500_000)  // a ping under way at the reload may still arrive
        let pingsAfter = Self.pings(catcher)
        let aBefore = Self.keys(catcher, "a")
        let third = Self.outage(internet, catcher, told: ["b"], known: Set(Self.keys(catcher, "b")))
        #expect(Self.pings(catcher) == pingsAfter, "no heartbeat after it was removed")
        #expect(Self.keys(catcher, "a") == aBefore, "nothing more to the removed channel: \(Self.keys(catcher, "a"))")

        // Each channel got each of its outages' two messages once.
        let a = Self.keys(catcher, "a"), b = Self.keys(catcher, "b")
        let ids = [first, second, third].map { $0 ?? "?" }
        #expect(a == [ids[0], ids[0], ids[1], ids[1]].enumerated().map { $1 + ($0 % 2 == 0 ? "/outage" : "/recovery") }, "\(a)")
        #expect(b == [ids[1], ids[1], ids[2], ids[2]].enumerated().map { $1 + ($0 % 2 == 0 ? "/outage" : "/recovery") }, "\(b)")
        // The secret file was read again at the reload: the last outage's messages are signed with the new secret.
        let toB = catcher.requests.filter { $0.path == "/b" }
        let secrets = try toB.map { r in try Self.signer(r, among: ["first secret", "second secret"], dir: dir) }
        #expect(secrets == ["first secret", "first secret", "second secret", "second secret"], "\(secrets)")
        // The log records every attempt, and nothing is pending.
        try NotifyRunTests.expectNothingPending(store: store, config: file)
    }

    /// A monitor started without any channel starts its notifier at the first reload that adds one:
    /// the channel is told of what comes after the reload, not of an outage before it.
    @Test func aReloadStartsTheNotifierOfAMonitorThatHadNone() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let catcher = try HTTPCatcher(dir)
        defer { catcher.stop() }
        let ports = MonitorRunTests.Ports()
        let internet = NotifyRunTests.Internet()
        let run = MonitorRunTests()
        let store = dir.file("store")
        let file = dir.file("ispmon.yaml")
        let stderr = dir.file("run.log")
        func write(_ channels: [String]) throws {
            try Self.config(router: ports.open, internet: internet.port, catcher: catcher.url, channels: channels, secret: "", heartbeat: false)
                .write(toFile: file, atomically: true, encoding: .utf8)
        }
        try write([])
        let p = try run.start(file, data: store, logLevel: "info", stderr: stderr)
        defer { _ = run.stop(p, SIGTERM) }
        NotifyRunTests.wait("the monitor's first results") { (try? run.events(store).count) ?? 0 > 20 }
        // An outage while no channel is configured: nobody is told.
        internet.cut()
        func json(_ args: [String]) -> Any? { (try? CLI.run(args, data: store).stdout).flatMap { try? JSONSerialization.jsonObject(with: $0) } }
        NotifyRunTests.wait("the first outage") { (json(["outages", "--json"]) as? [Any])?.isEmpty == false }
        internet.open()
        NotifyRunTests.wait("its end") { (json(["status", "--json"]) as? [String: Any])?["connectivity"] as? String == "up" }

        try write(["a"])
        kill(p.processIdentifier, SIGHUP)
        NotifyRunTests.wait("the reload's log line") { !Self.logLines(stderr, containing: "notify: started a").isEmpty }
        let second = Self.outage(internet, catcher, told: ["a"], known: [])
        #expect(Self.keys(catcher, "a") == ["\(second ?? "?")/outage", "\(second ?? "?")/recovery"], "\(Self.keys(catcher, "a"))")
    }
}
