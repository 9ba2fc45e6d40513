import Foundation
import Logging
import TestSupport
import Testing
import ISPMonConfig
import ISPMonCore
import ISPMonQuery
import ISPMonStore
import Synchronization
@testable import ISPMonNotify

/// The notifier's I/O shell with real parts: a real store (LMDB) it follows and appends its
/// notify events to, and real HTTP receivers (python3 on loopback, Receivers/outbox_catcher.py)
/// answering 200, 500 or never. The channel is a minimal HTTP poster of these tests (the real
/// channel kinds are tested on their own); what is tested here is the shell: its threads, the log
/// as the outbox across a restart, retries, and one channel never holding another back.
@Suite(.serialized) struct NotifierTests {
    static let s: Int64 = 1_000_000

    /// A python3 catcher on loopback.
    final class Catcher {
        let process = Process()
        let port: UInt16
        let log: String

        init(mode: String, in dir: TempDir, name: String) throws {
            log = dir.file(name + ".ndjson")
            _ = FileManager.default.createFile(atPath: log, contents: nil)
            let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Receivers/outbox_catcher.py").path
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["python3", script, "0", log, mode]
            let out = Pipe()
            process.standardOutput = out
            try process.run()
            let line = String(decoding: out.fileHandleForReading.availableLine(), as: UTF8.self)
            guard let port = UInt16(line.split(separator: " ").last ?? "") else {
                kill(process.processIdentifier, SIGKILL)
                throw CatcherError(line: line)
            }
            self.port = port
        }

        struct CatcherError: Error { var line: String }

        /// The Idempotency-Keys of the requests so far, in order.
        var keys: [String] {
            let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            return text.split(separator: "\n").compactMap { line in
                (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["key"] as? String
            }
        }

        var bodies: [String] {
            let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            return text.split(separator: "\n").compactMap { line in
                (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["body"] as? String
            }
        }

        deinit {
            // SIGKILL: the test process's threads may block SIGTERM, which the child then inherits blocked.
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    /// POSTs the text with the key as `Idempotency-Key`; a 2xx is delivered.
    struct LoopbackPoster: NotificationChannel {
        let name: String
        let port: UInt16
        let timeout: Double

        func deliver(_ n: ISPMonNotify.Notification) throws(DeliveryError) -> String {
            let answer = HTTPClient(port: port).request("POST", "/", headers: [("Idempotency-Key", n.key), ("Content-Type", "text/plain")],
                                                        body: Array((n.title + "\n" + n.text).utf8), timeout: timeout)
            guard let answer else { throw DeliveryError(code: "timeout", detail: "no answer in \(Int(timeout)) s") }
            guard (200..<300).contains(answer.status) else { throw DeliveryError(code: "http-status", detail: "\(answer.status) \(answer.text)") }
            return "\(answer.status) \(answer.text)"
        }
    }

    /// Appends straight to the store (the test has no monitor and its writer).
    struct StoreSink: NotifyEventSink {
        let store: EventStore
        func append(_ events: [Event]) throws { _ = try store.append(events) }
    }

    static func notifier(_ store: EventStore, _ channels: [any NotificationChannel], clock: WallClock = .system) -> Notifier {
        let configs = channels.map { c in
            var config = MonitorConfig.NotifyChannel(name: c.name, kind: .webhook)
            config.on = [.outage, .recovery]
            return config
        }
        return Notifier(store: store, settings: Notifier.Settings(channels: configs, plan: nil), channels: channels,
                        composer: MessageComposer(site: "home", publicURL: nil, plan: nil, store: store),
                        sink: StoreSink(store: store), clock: clock, logger: Logger(label: "test"))
    }

    /// Probes every 10 s from `from` s for `count` rounds after `start`: the router answers, three internet hosts answer or not.
    static func probes(_ start: Int64, from: Int64, count: Int, down: Bool) -> [Event] {
        (0..<Int64(count)).flatMap { i -> [Event] in
            let t = start + (from + 10 * i) * s
            return [Event(time: Timestamp(microseconds: t), body: .probe(Probe(target: "router", role: .gateway, method: .icmp, outcome: .ok(rtt: 400))))]
                + ["one", "two", "three"].map { name in
                    Event(time: Timestamp(microseconds: t + 1000), body: .probe(Probe(
                        target: name, role: .internet, method: .icmp, outcome: down ? .failed(error: "timeout") : .ok(rtt: 9000))))
                }
        }
    }

    /// The notify events of the log: "channel key attempt ok|error".
    static func attempts(_ store: EventStore) throws -> [String] {
        var out: [String] = []
        try store.forEach { _, e in
            if case .notify(let n) = e.body { out.append("\(n.channel) \(n.key) \(n.attempt) \(n.error ?? "ok")") }
            return true
        }
        return out
    }

    /// Waits (polling, up to 60 s) until `done` holds.
    static func wait(_ what: String, _ done: () throws -> Bool) rethrows {
        for _ in 0..<600 {
            if try done() { return }
            usleep(100_000)
        }
        Issue.record("\(what): not within 60 s")
    }

    @Test func anOutageAndItsRecoveryGoOutOnceEachAcrossARestart() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let catcher = try Catcher(mode: "ok", in: dir, name: "lan")
        let store = try EventStore(directory: dir.file("store"))
        let start = Timestamp.wallClock().microseconds - 3600 * Self.s
        _ = try store.append(Self.probes(start, from: 0, count: 10, down: false))
        let first = Self.notifier(store, [LoopbackPoster(name: "lan", port: catcher.port, timeout: 10)])
        try first.start()
        _ = try store.append(Self.probes(start, from: 100, count: 10, down: true))
        Self.wait("the outage notice") { catcher.keys.count == 1 }
        let id = try Queries(store: store).outages().first?.id ?? "?"
        #expect(catcher.keys == [id + "/outage"])
        #expect(catcher.bodies.first?.contains("Internet down at home") == true)
        first.stop()

        // While no notifier runs, the outage ends: the next start finds the recovery due and sends it.
        _ = try store.append(Self.probes(start, from: 200, count: 5, down: false))
        let second = Self.notifier(store, [LoopbackPoster(name: "lan", port: catcher.port, timeout: 10)])
        try second.start()
        Self.wait("the recovery") { catcher.keys.count == 2 }
        second.stop()
        // A third start has nothing to send: each key went out once.
        let third = Self.notifier(store, [LoopbackPoster(name: "lan", port: catcher.port, timeout: 10)])
        try third.start()
        #expect(third.pending().values.allSatisfy { $0.isEmpty })
        third.stop()
        #expect(catcher.keys == [id + "/outage", id + "/recovery"])
        #expect(catcher.bodies.last?.contains("back up at home") == true && catcher.bodies.last?.contains("held back") == false)
        #expect(try Self.attempts(store) == ["lan \(id)/outage 1 ok", "lan \(id)/recovery 1 ok"])
        // The cursor moved past what is settled.
        #expect(try store.cursor(OutboxStart.cursor) > 0)
    }

    @Test func aReceiverAnswering500GetsRetriesWithBackoffThenTheMessage() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let catcher = try Catcher(mode: "fail:2", in: dir, name: "broken")
        let store = try EventStore(directory: dir.file("store"))
        // The notifier's clock runs 50 times as fast as the real one: the 5 s and 10 s waits take a fraction of a second.
        let origin = Timestamp.wallClock().microseconds, mono = Monotonic.microseconds()
        let fast = WallClock { Timestamp(microseconds: origin + 50 * (Monotonic.microseconds() - mono)) }
        _ = try store.append(Self.probes(origin - 600 * Self.s, from: 0, count: 10, down: false))
        let notifier = Self.notifier(store, [LoopbackPoster(name: "hook", port: catcher.port, timeout: 10)], clock: fast)
        try notifier.start()
        _ = try store.append(Self.probes(origin - 600 * Self.s, from: 100, count: 10, down: true))
        try Self.wait("three attempts") { try Self.attempts(store).count == 3 }
        notifier.stop()
        let id = try Queries(store: store).outages().first?.id ?? "?"
        #expect(try Self.attempts(store) == ["hook \(id)/outage 1 http-status", "hook \(id)/outage 2 http-status", "hook \(id)/outage 3 ok"])
        #expect(catcher.keys == Array(repeating: id + "/outage", count: 3), "the same key each time")
        // The attempts' times (the notifier's clock) are 5 s, then 10 s apart at least.
        var times: [Int64] = []
        try store.forEach { _, e in
            if case .notify = e.body { times.append(e.time.microseconds) }
            return true
        }
        if times.count == 3 {
            #expect(times[1] - times[0] >= 5 * Self.s && times[2] - times[1] >= 10 * Self.s, "\(times)")
        }
    }

    @Test func aHungReceiverHoldsNoOtherChannelBack() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let hung = try Catcher(mode: "hang", in: dir, name: "hung")
        let lan = try Catcher(mode: "ok", in: dir, name: "lan")
        let store = try EventStore(directory: dir.file("store"))
        let start = Timestamp.wallClock().microseconds - 3600 * Self.s
        _ = try store.append(Self.probes(start, from: 0, count: 10, down: false))
        let notifier = Self.notifier(store, [LoopbackPoster(name: "hung", port: hung.port, timeout: 10),
                                             LoopbackPoster(name: "lan", port: lan.port, timeout: 10)])
        try notifier.start()
        _ = try store.append(Self.probes(start, from: 100, count: 10, down: true))
        // The hung receiver has the request and sits on it; the LAN receiver is told regardless.
        Self.wait("both requests") { hung.keys.count == 1 && lan.keys.count == 1 }
        try Self.wait("the LAN channel's notify event") { try Self.attempts(store).contains { $0.hasPrefix("lan ") } }
        // The LAN channel's delivery is in the log before the hung channel's attempt ended.
        let soFar = try Self.attempts(store)
        #expect(soFar.first?.hasPrefix("lan ") == true && soFar.first?.hasSuffix(" ok") == true, "\(soFar)")
        try Self.wait("the hung channel's timeout") { try Self.attempts(store).contains { $0.hasPrefix("hung ") } }
        let all = try Self.attempts(store)
        #expect(all.contains { $0.hasPrefix("hung ") && $0.hasSuffix(" timeout") }, "\(all)")
        notifier.stop(grace: 0)
    }

    /// Counts its pings.
    final class CountingPinger: HeartbeatPinger {
        let count = Mutex(0)
        func ping() throws(DeliveryError) -> String {
            count.withLock { $0 += 1 }
            return "ok"
        }
        var pings: Int { count.withLock { $0 } }
    }

    static func settings(_ names: [String], heartbeat: Int64?) -> Notifier.Settings {
        var settings = Notifier.Settings(channels: names.map { MonitorConfig.NotifyChannel(name: $0, kind: .webhook) }, plan: nil)
        settings.heartbeatInterval = heartbeat
        return settings
    }

    /// A reload while the channels' threads work (docs/notify.md, "Reloads"): the removed channel's
    /// attempt under way ends and is not tried again, the added channels are told of what comes
    /// after the reload only, the heartbeat starts and stops.
    @Test func aReloadAddsAndRemovesChannelsAndTheHeartbeatWhileTheyRun() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let hung = try Catcher(mode: "hang", in: dir, name: "hung")
        let one = try Catcher(mode: "ok", in: dir, name: "one")
        let two = try Catcher(mode: "ok", in: dir, name: "two")
        let store = try EventStore(directory: dir.file("store"))
        let composer = MessageComposer(site: "home", publicURL: nil, plan: nil, store: store)
        let start = Timestamp.wallClock().microseconds - 3600 * Self.s
        _ = try store.append(Self.probes(start, from: 0, count: 10, down: false))
        let notifier = Self.notifier(store, [LoopbackPoster(name: "hung", port: hung.port, timeout: 2)])
        try notifier.start()
        _ = try store.append(Self.probes(start, from: 100, count: 10, down: true))
        Self.wait("the hung channel's request") { hung.keys.count == 1 }

        // While its attempt hangs, `hung` is removed and `one`, `two` and the heartbeat added.
        let pinger = CountingPinger()
        let added = try notifier.reload(settings: Self.settings(["one", "two"], heartbeat: 200_000),
                                        channels: [LoopbackPoster(name: "one", port: one.port, timeout: 10),
                                                   LoopbackPoster(name: "two", port: two.port, timeout: 10)],
                                        composer: composer, pinger: pinger)
        #expect(added == Notifier.ReloadSummary(added: ["one", "two"], removed: ["hung"], heartbeat: "started"))
        #expect(notifier.channels.map(\.name) == ["one", "two"])
        #expect(pinger.pings == 0, "no ping while the internet is down")
        _ = try store.append(Self.probes(start, from: 200, count: 5, down: false))
        let id = try Queries(store: store).outages().first?.id ?? "?"
        Self.wait("the recovery to both added channels") { one.keys.count == 1 && two.keys.count == 1 }
        #expect(one.keys == [id + "/recovery"] && two.keys == [id + "/recovery"], "the outage notice was before their time")
        Self.wait("the heartbeat's pings") { pinger.pings >= 2 }

        // The heartbeat removed: no more pings. The removed channel's attempt timed out and was not tried again.
        let removed = try notifier.reload(settings: Self.settings(["one", "two"], heartbeat: nil),
                                          channels: [LoopbackPoster(name: "one", port: one.port, timeout: 10),
                                                     LoopbackPoster(name: "two", port: two.port, timeout: 10)],
                                          composer: composer, pinger: nil)
        #expect(removed == Notifier.ReloadSummary(heartbeat: "stopped"))
        usleep(500_000)
        let pings = pinger.pings
        try Self.wait("the hung channel's timeout") { try Self.attempts(store).contains { $0.hasPrefix("hung ") } }
        usleep(6_000_000)  // past its retry's time (5 s)
        #expect(pinger.pings == pings)
        #expect(hung.keys.count == 1, "a removed channel is not tried again")
        #expect(try Self.attempts(store).filter { $0.hasPrefix("hung ") } == ["hung \(id)/outage 1 timeout"])
        #expect(notifier.pending().keys.sorted() == ["one", "two"])
        notifier.stop()
    }
}

/// The drain of a backlog (README, "Notifications"): 10 000 pending notifications to a python3
/// receiver on loopback, the notify events through a group-commit writer as in `ispmon run`. A
/// measurement, run by hand: `ISPMON_NOTIFY_BENCH=1 swift test --skip-build --filter NotifierBacklogBenchmark`.
@Suite struct NotifierBacklogBenchmark {
    struct WriterSink: NotifyEventSink {
        let writer: GroupCommitWriter
        func append(_ events: [Event]) throws { try writer.submit(events[...]) }
    }

    static func residentBytes() -> Int {
        let statm = (try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8)) ?? ""
        return (Int(statm.split(separator: " ").dropFirst().first ?? "") ?? 0) * 4096
    }

    @Test(.enabled(if: ProcessInfo.processInfo.environment["ISPMON_NOTIFY_BENCH"] != nil, "a measurement, run by hand (ISPMON_NOTIFY_BENCH=1)"))
    func drainABacklogOf10000() throws {
        let count = 10_000
        let dir = TempDir()
        defer { dir.cleanup() }
        let catcher = try NotifierTests.Catcher(mode: "ok", in: dir, name: "lan")
        let store = try EventStore(directory: dir.file("store"))
        var config = MonitorConfig.NotifyChannel(name: "lan", kind: .webhook)
        config.on = [.monitor]
        _ = try store.append([Event(time: Timestamp.wallClock(), body: .monitor(MonitorState(state: .started)))])
        _ = try Notifier.derive(store: store, channels: [config], plan: nil)  // the channel's history begins here
        let t = Timestamp.wallClock().microseconds
        _ = try store.append((0..<count).map { i in
            Event(time: Timestamp(microseconds: t + Int64(i)), body: .monitor(MonitorState(state: .stopped)))
        })
        var options = GroupCommitWriter.Options()
        options.maxDelay = 200_000
        let writer = try GroupCommitWriter(store: store, options: options)
        let before = Self.residentBytes()
        let notifier = Notifier(store: store, settings: Notifier.Settings(channels: [config], plan: nil),
                                channels: [NotifierTests.LoopbackPoster(name: "lan", port: catcher.port, timeout: 10)],
                                composer: MessageComposer(site: "home", publicURL: nil, plan: nil, store: store),
                                sink: WriterSink(writer: writer), logger: Logger(label: "bench"))
        let started = Monotonic.microseconds()
        try notifier.start()
        let derived = Monotonic.microseconds()
        let withBacklog = Self.residentBytes()
        NotifierTests.wait("the backlog drained") { notifier.pending()["lan"]?.isEmpty == true }
        let drained = Monotonic.microseconds()
        notifier.stop()
        try writer.flush()
        writer.close()
        let seconds = Double(drained - derived) / 1e6
        print("notifier backlog: \(count) derived in \(Double(derived - started) / 1e6) s, drained in \(seconds) s "
              + "(\(Int(Double(count) / seconds)) messages/s), resident +\((withBacklog - before) / 1024) KiB with the backlog")
        #expect(catcher.keys.count == count)
        #expect(Set(catcher.keys).count == count, "each once")
    }
}

extension FileHandle {
    /// The bytes up to the first line break (without it).
    func availableLine() -> [UInt8] {
        var line: [UInt8] = []
        while true {
            let byte = readData(ofLength: 1)
            guard let b = byte.first, b != 0x0A else { return line }
            line.append(b)
        }
    }
}
