import Foundation
import Testing
import TestSupport
import ISPMonCore
import ISPMonStore

/// `kill -9` at any moment leaves a store that opens, verifies, accepts new
/// writes and holds every event whose commit had returned: a prefix of what
/// was being written.
@Suite(.serialized) struct CrashTests {
    /// Starts `ispmon ARGS --report-commits`, kills it with SIGKILL after `delay`,
    /// and returns the highest sequence number it reported as committed.
    func runAndKill(_ args: [String], after delay: Double) throws -> UInt64 {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: CLI.binary)
        p.arguments = args + ["--report-commits"]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        usleep(UInt32(delay * 1_000_000))
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let reported = text.split(separator: "\n").compactMap { line -> UInt64? in
            guard line.hasPrefix("committed ") else { return nil }
            return UInt64(line.dropFirst("committed ".count))
        }
        return reported.last ?? 0
    }

    func check(_ dir: String, committed: UInt64, expected: [Event]) throws {
        let store = try EventStore(directory: dir)
        let report = try store.verify()
        #expect(report.ok, "after kill: \(report.problems)")
        let last = try store.lastSeq()
        #expect(last >= committed, "lost committed events: store has \(last), \(committed) were committed")
        var stored: [Event] = []
        try store.forEach { _, e in stored.append(e); return true }
        #expect(stored.count == Int(last))
        #expect(stored == Array(expected.prefix(stored.count)), "the log is not a prefix of what was written")
        // It accepts new writes.
        let extra = Event(time: Timestamp(microseconds: 1), body: .note(Note(outage: "c-20260301T120005Z", text: "after the crash")))
        #expect(try store.append([extra]) == (last + 1)...(last + 1))
        #expect(try store.verify().ok)
    }

    @Test func killDuringIngest() throws {
        let expected = Array(SyntheticStream(seed: 42).prefix(400_000))
        var rng = SplitMix64(seed: UInt64(time(nil)))
        for round in 0..<10 {
            let dir = TempDir()
            defer { dir.cleanup() }
            let delay = 0.2 + Double(rng.next() % 1000) / 1000 * 1.2  // generation takes a moment first
            let committed = try runAndKill(
                ["bench", "ingest", "--events", "400000", "--batch", "97", "--data", dir.path], after: delay)
            if !FileManager.default.fileExists(atPath: dir.path + "/data.mdb") { continue }
            try check(dir.path, committed: committed, expected: expected)
            print("ingest round \(round): killed after \(committed) committed events")
        }
    }

    @Test func killDuringImportIntoTheSameStoreAgainAndAgain() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let events = Array(SyntheticStream(seed: 8).prefix(40_000))
        try ndjson(events).write(to: URL(fileURLWithPath: dir.file("in.ndjson")))
        var rng = SplitMix64(seed: UInt64(time(nil)) ^ 0xBEEF)
        for _ in 0..<8 {
            // Each import starts from a store that an earlier kill left behind.
            let before: [Event]
            do {
                let store = try? EventStore(directory: dir.file("store"))
                var list: [Event] = []
                try store?.forEach { _, e in list.append(e); return true }
                before = list
            }
            let delay = 0.3 + Double(rng.next() % 1000) / 1000 * 1.5
            let committed = try runAndKill(
                ["import", "--commit-every", "250", "--data", dir.file("store"), dir.file("in.ndjson")], after: delay)
            guard FileManager.default.fileExists(atPath: dir.file("store") + "/data.mdb") else { continue }
            try check(dir.file("store"), committed: committed, expected: before + events)
            print("import round: \(before.count) events before, killed after seq \(committed)")
            let store = try EventStore(directory: dir.file("store"))
            #expect(try store.lastSeq() >= UInt64(before.count) + 1)
        }
    }
}
