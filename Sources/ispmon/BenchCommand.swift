import ArgumentParser
import Foundation
import ISPMonCore
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
            """)

    @Option(help: "Number of events.")
    var events: Int

    @Option(help: "Events per durable commit.")
    var batch = 1000

    @Option(help: ArgumentHelp("Store directory to write (kept afterwards; must not hold events).", valueName: "DIR"))
    var data: String?

    @Option(help: "Seed of the generated stream.")
    var seed: UInt64 = 42

    @Flag(help: "Print the result as one JSON object.")
    var json = false

    @Flag(help: ArgumentHelp("Print `committed SEQ` after each durable commit (for crash tests).", visibility: .hidden))
    var reportCommits = false

    func validate() throws {
        guard events > 0 else { throw ValidationError("--events must be positive") }
        guard batch > 0 else { throw ValidationError("--batch must be positive") }
    }

    func run() throws {
        try ispmon.run {
            let stream = Array(SyntheticStream(seed: seed).prefix(events))
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
                }
                try writer.flush()
                try log.finishSealing()
                let d = ContinuousClock.now - clock
                elapsed = Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
                bytes = log.bytesOnDisk()
            }
            let rate = Double(events) / elapsed
            if json {
                print(String(format: "{\"events\":%d,\"batch\":%d,\"seconds\":%.6f,\"events_per_s\":%.0f,\"bytes_on_disk\":%d,\"bytes_per_event\":%.3f}",
                             events, batch, elapsed, rate, bytes, Double(bytes) / Double(events)))
            } else {
                print(String(format: "%d events, batch %d: %.3f s, %.0f events/s, %d bytes on disk, %.3f bytes/event",
                             events, batch, elapsed, rate, bytes, Double(bytes) / Double(events)))
            }
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
