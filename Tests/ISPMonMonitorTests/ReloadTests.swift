import Foundation
import Logging
import Synchronization
import Testing
import ISPMonCore
import ISPMonStore
@testable import ISPMonMonitor
import ISPMonConfig
import ISPMonControl

/// A reload (SIGHUP) while the monitor runs, with a prober it is handed (no packets).
@Suite struct MonitorReloadTests {
    /// `speedtest` on loopback: its first test is a minute away, so none runs during a test.
    func config(targets: [String], speedTestInterval: String? = nil) throws -> MonitorConfig {
        var text = "defaults:\n  interval: 50ms\n  timeout: 1s\ntargets:\n"
        for (i, name) in targets.enumerated() {
            text += "  - name: \(name)\n    role: internet\n    method: tcp\n    host: 192.0.2.\(i + 1)\n    port: 80\n"
        }
        if let interval = speedTestInterval {
            text += "speedtest:\n  download_url: http://127.0.0.1:9/down\n  upload_url: http://127.0.0.1:9/up\n  interval: \(interval)\n"
        }
        return try MonitorConfig.parse(text, file: "test.yaml")
    }

    /// A monitor on a fresh store; `body` runs while it does, then the log is returned.
    func withMonitor(_ config: MonitorConfig, interfaces: [String] = [], prober: @escaping Monitor.Prober = { _ in .ok(rtt: 1_000, detail: nil) },
                     _ body: (Monitor) throws -> Void) throws -> [Event] {
        let dir = NSTemporaryDirectory() + "ispmon-reload-\(UUID())"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try EventStore(directory: dir)
        let writer = try GroupCommitWriter(store: store)
        let monitor = try Monitor(config: config, writer: writer, interfaces: interfaces, logger: Logger(label: "test"), prober: prober)
        try monitor.start()
        try body(monitor)
        try monitor.stop()
        writer.close()
        var log: [Event] = []
        try store.forEach { _, e in
            log.append(e)
            return true
        }
        return log
    }

    /// The live view asks what the monitor does while reloads replace the speed tests'
    /// thread: the monitor's fields it reads are guarded (ThreadSanitizer, which runs this
    /// suite in tools/test, reports a race on them otherwise).
    @Test func activityIsReadSafelyWhileReloadsReplaceTheSpeedTests() throws {
        let hourly = try config(targets: ["one"], speedTestInterval: "1h")
        let twoHourly = try config(targets: ["one"], speedTestInterval: "2h")
        let reloads = 100
        let looks = Atomic<Int>(0)
        let done = Atomic<Bool>(false)
        let finished = DispatchSemaphore(value: 0)
        _ = try withMonitor(hourly) { monitor in
            let reader = Thread {
                defer { finished.signal() }
                while !done.load(ordering: .acquiring) {
                    let a = monitor.activity()
                    if a.speedTest == nil && a.probesInFlight >= 0 { looks.add(1, ordering: .relaxed) }
                }
            }
            reader.start()
            var summaries: [Monitor.ReloadSummary] = []
            for i in 0..<reloads {
                summaries.append(try monitor.reload(i % 2 == 0 ? twoHourly : hourly, interfaces: []))
            }
            done.store(true, ordering: .releasing)
            finished.wait()
            #expect(summaries.allSatisfy { $0.added.isEmpty && $0.removed.isEmpty && $0.changed.isEmpty })
        }
        #expect(looks.load(ordering: .relaxed) > 0, "activity() answered while the monitor reloaded")
    }

    /// A reload that removes a target during an outage records `monitor reloaded` with the
    /// removed name, records nothing of that target after it, and the outage goes on as one.
    @Test func aReloadThatRemovesATargetIsRecordedAsSuchAndSplitsNoOutage() throws {
        let before = try config(targets: ["one", "two", "gone"])
        let after = try config(targets: ["one", "two"])
        let log = try withMonitor(before, prober: { _ in .failed(error: "timeout", detail: nil) }) { monitor in
            usleep(500_000)
            let summary = try monitor.reload(after, interfaces: [])
            #expect(summary.removed == ["gone"])
            usleep(500_000)
        }
        let monitorEvents = log.compactMap { e -> MonitorState? in if case .monitor(let m) = e.body { m } else { nil } }
        #expect(monitorEvents.map(\.state) == [.started, .reloaded, .stopped])
        #expect(monitorEvents.dropFirst().first?.removed == ["gone"])
        let reloadedAt = log.firstIndex { if case .monitor(let m) = $0.body { m.state == .reloaded } else { false } } ?? 0
        let goneAfter = log[reloadedAt...].contains { if case .probe(let p) = $0.body { p.target == "gone" } else { false } }
        #expect(!goneAfter, "no result of the removed target after the reload")
        var views = Projection()
        for (i, e) in log.enumerated() { views.apply(e, seq: UInt64(i + 1)) }
        #expect(views.outages().count == 1, "one outage, ended by the stop: \(views.outages())")
        #expect(views.targets["gone"]?.state == .unknown)
    }
}
