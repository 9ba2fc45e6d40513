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
                var o = EventStore.Options()
                if let v = ProcessInfo.processInfo.environment["SEGLEVEL"], let l = Int32(v) { o.segmentLevel = l }
                if let v = ProcessInfo.processInfo.environment["SEALLEVEL"], let l = Int32(v) { o.sealLevel = l }
                if let v = ProcessInfo.processInfo.environment["SEAL"], let l = Int(v) { o.sealThreshold = l }
                let log = try EventStore(directory: directory, options: o)
                guard try log.lastSeq() == 0 else {
                    throw ValidationError("\(directory) already holds events: benchmark into a new directory")
                }
                var clock = ContinuousClock.now
                var i = 0
                clock = ContinuousClock.now
                while i < stream.count {
                    let end = min(stream.count, i + batch)
                    try log.append(stream[i..<end])
                    i = end
                }
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
