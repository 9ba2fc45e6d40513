import Foundation
import ISPMonCore
@testable import ISPMonMonitor
import ISPMonStore
import Logging
import Synchronization
import Testing
import TestSupport
import ISPMonConfig

/// The monitor on a small tmpfs that fills and is then grown: it holds its results, writes
/// them when space returns, records what it had to drop as unmonitored time, and says so
/// in a few log lines, not one per probe.
@Suite(.serialized) struct DiskFullRecordingTests {
    func config() throws -> MonitorConfig {
        var text = "defaults:\n  interval: 20ms\n  timeout: 1s\ntargets:\n"
        for i in 0..<10 {
            text += "  - name: t\(i)\n    role: internet\n    method: tcp\n    host: 192.0.2.\(i + 1)\n    port: 80\n"
        }
        return try MonitorConfig.parse(text, file: "test.yaml")
    }

    /// Waits up to `seconds` for `condition`.
    func wait(_ seconds: Double, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            usleep(20_000)
        }
        return condition()
    }

    /// A monitor of 10 targets every 20 ms (fake probes) writing to a store on `disk` with the
    /// monitor's full-disk policy (`held`: its limit instead of the policy's own), logging to `lines`.
    func monitor(on disk: SmallDisk, held: Int?) throws -> (EventStore, GroupCommitWriter, Monitor, LogLines) {
        let lines = LogLines()
        let logger = Logger(label: "test") { _ in lines }
        let config = try config()
        let store = try EventStore(directory: disk.path + "/store")
        var options = GroupCommitWriter.Options()
        options.maxDelay = 200_000
        var policy = Monitor.diskFullPolicy(for: config, store: store.directory, logger: logger)
        if let held { policy.maxHeldEvents = held }
        options.diskFull = policy
        let writer = try GroupCommitWriter(store: store, options: options)
        let monitor = try Monitor(config: config, writer: writer, interfaces: [], logger: logger,
                                  prober: { _ in .ok(rtt: 1_000, detail: nil) })
        return (store, writer, monitor, lines)
    }

    @Test(.enabled(if: SmallDisk.available, "needs root to mount a small tmpfs; CI runs as root"))
    func recordingComesBackByItselfWhenSpaceReturns() throws {
        let disk = try #require(SmallDisk(size: "700k"), "could not mount a small tmpfs")
        defer { disk.unmount() }
        // Two seconds of 500 results a second held, so that some are dropped.
        let (store, writer, monitor, lines) = try monitor(on: disk, held: 1_000)
        try monitor.start()
        usleep(500_000)
        disk.fill()
        #expect(wait(10) { lines.contains("is full: recording paused") }, "\(lines.all)")
        usleep(4_000_000)  // more than the backlog holds
        let whileFull = lines.all.count
        #expect(disk.grow(to: "8m"))
        #expect(wait(10) { lines.contains("recording resumed") }, "\(lines.all)")
        usleep(1_000_000)
        try monitor.stop()
        writer.close()

        // A few lines, not one per probe (2 000 probes ran while the disk was full).
        #expect(whileFull <= 3, "\(lines.all)")
        #expect(!lines.contains("could not record"), "\(lines.all)")
        let resumed = lines.all.first { $0.contains("recording resumed") } ?? ""
        #expect(resumed.contains("dropped"), "\(resumed)")

        #expect(try store.verify().ok)
        var events: [Event] = []
        try store.forEach { _, e in events.append(e); return true }
        let marks = events.enumerated().compactMap { i, e -> (Int, MonitorState.State)? in
            if case .monitor(let m) = e.body { (i, m.state) } else { nil }
        }
        // started … held results … stopped (at the last result kept) · started … stopped.
        #expect(marks.map(\.1) == [.started, .stopped, .started, .stopped], "\(marks)")
        guard marks.count == 4 else { return }
        let (gapStop, gapStart) = (marks[1].0, marks[2].0)
        let before = events[marks[0].0 + 1..<gapStop]
        let after = events[gapStart + 1..<marks[3].0]
        #expect(before.count > 1_000, "what was committed before plus the 1 000 held")
        #expect(after.count > 100, "probing went on after recording resumed")
        #expect(events[gapStop].time == before.map(\.time).max(), "the gap starts at the last result kept")
        let gap = events[gapStart].time.microseconds - events[gapStop].time.microseconds
        #expect(gap > 2_000_000, "the dropped results' time is unmonitored: \(gap) µs")

        // The views count the gap as unmonitored: nothing is down, and every target is up again.
        let status = try store.project()
        #expect(status.targets.values.allSatisfy { $0.state == .unknown }, "after the last stop")
    }

    @Test(.enabled(if: SmallDisk.available, "needs root to mount a small tmpfs; CI runs as root"))
    func stoppingWhileTheDiskIsFullSaysWhatWasLostAndKeepsTheStore() throws {
        let disk = try #require(SmallDisk(size: "700k"), "could not mount a small tmpfs")
        defer { disk.unmount() }
        let (store, writer, monitor, lines) = try monitor(on: disk, held: nil)
        try monitor.start()
        usleep(500_000)
        let committed = try store.lastSeq()
        disk.fill()
        #expect(wait(10) { lines.contains("is full: recording paused") }, "\(lines.all)")
        #expect(throws: StoreError.self) { try monitor.stop() }
        writer.close()
        #expect(lines.contains("still full at exit"), "\(lines.all)")
        #expect(try store.verify().ok)
        #expect(try store.lastSeq() >= committed, "everything committed before is kept")
    }
}

/// Collects log lines (message text) for the tests to read.
final class LogLines: LogHandler, Sendable {
    let lines = Mutex<[String]>([])
    var all: [String] { lines.withLock { $0 } }
    func contains(_ text: String) -> Bool { lines.withLock { $0.contains { $0.contains(text) } } }

    var metadata: Logger.Metadata {
        get { [:] }
        set {}  // swiftlint:disable:this unused_setter_value
    }
    var logLevel: Logger.Level {
        get { .info }
        set {}
    }
    subscript(metadataKey _: String) -> Logger.Metadata.Value? {
        get { nil }
        set {}
    }
    func log(event: LogEvent) {
        lines.withLock { $0.append("\(event.level): \(event.message)") }
    }
}
