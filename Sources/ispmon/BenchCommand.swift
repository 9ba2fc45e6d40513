import ArgumentParser
import Foundation
import ISPMonCore
import ISPMonQuery
import ISPMonStore

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure ispmon on this machine.",
        subcommands: [IngestBench.self])
}

struct IngestBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Generate N realistic probe events in memory, then time appending them through the store.",
        discussion: """
            The events (fixed seed) model a home network: nine targets probed every 1–30 s with \
            up to 25 ms of scheduling jitter recorded to the microsecond, RTTs with millisecond-scale \
            noise and spikes, ~0.5 % failures, DNS and HTTP details and a speed test every two hours. \
            They are appended through the same path the monitor uses, one durable commit every B events. \
            Without --data a temporary store is used and removed; a --data store must be new or empty.

            With --faults DAYS instead of --events, the stream is DAYS days (from \
            2026-03-01T00:00:00Z) of a home network with faults, the one the tests diagnose: each \
            day the router hangs, the ISP's edge goes down, the resolvers fail, the cable is \
            pulled, one hour is lossy and the monitor restarts; from noon of the first day one \
            web host is dead. The faults are listed after the result (not with --json). \
            `tools/run demo` shows what ispmon makes of them.
            """)

    @Option(help: "Number of events.")
    var events: Int?

    @Option(help: ArgumentHelp("Instead of --events: DAYS days of a home network with faults (1 to 31).", valueName: "DAYS"))
    var faults: Int?

    @Option(help: "Events per durable commit.")
    var batch = 1000

    @Option(help: ArgumentHelp("Store directory to write (kept afterwards; must not hold events).", valueName: "DIR"))
    var data: String?

    @Option(help: ArgumentHelp("Seed of the generated stream (default: 42; with --faults, 7).", valueName: "SEED"))
    var seed: UInt64?

    @Flag(help: "Print the result as one JSON object.")
    var json = false

    @Flag(help: ArgumentHelp("Print `committed SEQ` after each durable commit (for crash tests).", visibility: .hidden))
    var reportCommits = false

    @Option(help: ArgumentHelp("Wait this many µs after each batch (to measure the live feed's latency).", valueName: "US", visibility: .hidden))
    var pace: UInt32 = 0

    /// More days would hold over a million events in memory at once, for no benefit to a demo or test.
    static let maxFaultDays = 31

    func validate() throws {
        switch (events, faults) {
        case (nil, nil): throw ValidationError("give --events N (or --faults DAYS)")
        case (.some, .some): throw ValidationError("give --events or --faults, not both")
        case (let n?, nil): guard n > 0 else { throw ValidationError("--events must be positive") }
        case (nil, let d?):
            guard (1...IngestBench.maxFaultDays).contains(d) else {
                throw ValidationError("--faults must be 1 to \(IngestBench.maxFaultDays) days")
            }
        }
        guard batch > 0 else { throw ValidationError("--batch must be positive") }
    }

    func run() throws {
        try ispmon.run {
            // Generated before the clock starts: only appending is timed.
            var windows: [SyntheticFaults.Window] = []
            let stream: [Event]
            if let faults {
                let generated = SyntheticFaults(days: faults, seed: seed ?? 7)
                stream = generated.events
                windows = generated.windows
            } else {
                stream = Array(SyntheticStream(seed: seed ?? 42).prefix(events ?? 0))
            }
            let directory: String
            var temporary = false
            if let data {
                directory = data
            } else {
                directory = NSTemporaryDirectory() + "/ispmon-bench-\(getpid())"
                temporary = true
            }
            defer { if temporary { try? FileManager.default.removeItem(atPath: directory) } }
            let elapsed: Double
            let bytes: Int
            do {
                CrashGuard.install(storePath: directory)
                let log = try EventStore(directory: directory)
                guard try log.lastSeq() == 0 else {
                    throw ValidationError("\(directory) already holds events: benchmark into a new directory")
                }
                // The monitor's path: group commit, one durable commit every `batch` events.
                let writer = try GroupCommitWriter(store: log, options: .init(commitEvery: batch))
                defer { writer.close() }
                let report: GroupCommitWriter.Completion? = reportCommits ? CommitReporter.completion : nil
                var i = 0
                let clock = ContinuousClock.now
                while i < stream.count {
                    let end = min(stream.count, i + batch)
                    try writer.submit(stream[i..<end], completion: report)
                    i = end
                    if pace > 0 { usleep(pace) }
                }
                try writer.flush()
                try log.finishSealing()
                let d = ContinuousClock.now - clock
                elapsed = Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
                bytes = log.bytesOnDisk()
            }
            let count = stream.count
            let rate = Double(count) / elapsed
            if json {
                var o = JSONObject()
                o.int("events", Int64(count))
                o.int("batch", Int64(batch))
                o.number("seconds", elapsed, decimals: 6)
                o.number("events_per_s", rate.rounded(), decimals: 0)
                o.int("bytes_on_disk", Int64(bytes))
                o.number("bytes_per_event", Double(bytes) / Double(count), decimals: 3)
                print(String(decoding: o.finished(), as: UTF8.self))
                return
            }
            print(String(format: "%d events, batch %d: %.3f s, %.0f events/s, %d bytes on disk, %.3f bytes/event",
                         count, batch, elapsed, rate, bytes, Double(bytes) / Double(count)))
            guard !windows.isEmpty else { return }
            // What was injected, so that a reader can hold `ispmon outages` against it.
            print("faults in the stream (local time), and what ispmon should make of them:")
            let rows = windows.sorted { ($0.start, $0.fault.rawValue) < ($1.start, $1.fault.rawValue) }.map { w in
                [LocalTime.format(w.start), w.fault == .hostDies ? "(for good)" : LocalTime.format(w.end),
                 w.fault.summary, w.fault.expected]
            }
            let table = Output.table(["FROM", "TO", "FAULT", "EXPECTED"], rows)
            print(table.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
        }
    }
}

extension SyntheticFaults.Fault {
    /// The fault in words.
    var summary: String {
        switch self {
        case .routerHang: "the router hangs"
        case .ispDown: "the ISP's edge goes down"
        case .dnsDown: "both resolvers fail"
        case .cablePulled: "the cable is pulled (eth0 down)"
        case .lossyHour: "5 % loss to the internet"
        case .monitorRestart: "the monitor is stopped"
        case .hostDies: "the web host dies"
        }
    }

    /// The diagnosis the rules of docs/views.md give it.
    var expected: String {
        switch self {
        case .routerHang: "an outage caused by the router"
        case .ispDown: "an outage caused by the ISP"
        case .dnsDown: "a DNS outage"
        case .cablePulled: "an outage caused by this machine's link"
        case .lossyHour: "no outage (loss shows in latency)"
        case .monitorRestart: "no outage (unmonitored time)"
        case .hostDies: "no outage (one host of several)"
        }
    }
}

/// Tells a watching process (the crash test) which events are durable.
enum CommitReporter {
    static let completion: GroupCommitWriter.Completion = { result in
        if case .success(let range) = result { report(range.upperBound) }
    }

    static func report(_ seq: UInt64) {
        let line = Array("committed \(seq)\n".utf8)
        line.withUnsafeBytes { _ = write(1, $0.baseAddress, $0.count) }
    }
}
