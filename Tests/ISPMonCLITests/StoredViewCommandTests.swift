import Foundation
import Testing
import TestSupport
@testable import ISPMonCore
@testable import ISPMonStore
import LMDB

/// The stored views through the real binary: rebuilt (and said so) when an older
/// ispmon left none, `replay` and `verify`, and queries while a writer writes.
@Suite(.serialized) struct StoredViewCommandTests {
    static let events = SyntheticFaults(days: 2, seed: 11).events

    func importFaults(_ dir: TempDir) throws {
        let r = try CLI.run(["import", "-"], stdin: ndjson(Self.events), data: dir.path)
        #expect(r.status == 0, "\(r.stderr)")
    }

    /// Runs `body` on the store in this process, then closes it (the binary opens its own).
    func withStore(_ dir: TempDir, _ body: (EventStore) throws -> Void) throws {
        let store = try EventStore(directory: dir.path)
        try body(store)
    }

    @Test func viewsAnOlderIspmonNeverStoredAreRebuiltOnOpenAndSaidSo() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        try importFaults(dir)
        let before = try CLI.run(["outages", "--json"], data: dir.path)
        let latencyBefore = try CLI.run(["latency", "--json"], data: dir.path)
        // What a store from before stored views looks like: the log and nothing else.
        try withStore(dir) { store in
            try store.env.write { txn in try store.clear(Set(EventStore.View.allCases), txn) }
        }
        let first = try CLI.run(["outages", "--json"], data: dir.path)
        #expect(first.status == 0)
        #expect(first.stderr.contains("rebuilding the outages view from the log: not stored yet"), "\(first.stderr)")
        #expect(first.stderr.contains("rebuilt outages, latency, speedtests from \(Self.events.count) events"))
        #expect(first.out == before.out)
        let second = try CLI.run(["latency", "--json"], data: dir.path)
        #expect(second.stderr.isEmpty, "rebuilt once, not on every open: \(second.stderr)")
        #expect(second.out == latencyBefore.out)
        #expect(try CLI.run(["verify"], data: dir.path).status == 0)
    }

    @Test func verifyNamesADifferenceAndReplayRepairsIt() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        try importFaults(dir)
        let good = try CLI.run(["latency", "--json", "--target", "router"], data: dir.path)
        try withStore(dir) { store in
            try store.env.write { txn in
                var h = HourStats()
                h.add(rtt: 123_456)
                try store.put(ViewRecords.hourKey("router", 1_772_326_800_000_000), ViewRecords.hourValue(h), in: store.views, txn)
            }
        }
        let v = try CLI.run(["verify"], data: dir.path)
        #expect(v.status == 1)
        #expect(v.stderr.contains("latency view: target router, hour 2026-03-01T01:00:00.000000Z is sent 1 lost 0 avg 123.456 ms in the store, sent 360"),
                "\(v.stderr)")
        let vj = try CLI.run(["verify", "--json"], data: dir.path)
        let report = try JSONSerialization.jsonObject(with: vj.stdout) as! [String: Any]
        #expect(report["ok"] as? Bool == false)
        #expect(report["views_match_replay"] as? Bool == false)

        let bad = try CLI.run(["replay", "--view", "hourly"], data: dir.path)
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("no view 'hourly': choose outages, latency, speedtests"), "\(bad.stderr)")
        let r = try CLI.run(["replay", "--view", "latency", "--json"], data: dir.path)
        #expect(r.status == 0, "\(r.stderr)")
        let stats = try JSONSerialization.jsonObject(with: r.stdout) as! [String: Any]
        #expect(stats["events"] as? Int == Self.events.count)
        #expect((stats["events_per_s"] as? Double ?? 0) > 0)
        #expect(try CLI.run(["verify"], data: dir.path).status == 0)
        #expect(try CLI.run(["latency", "--json", "--target", "router"], data: dir.path).out == good.out)
    }

    @Test func asOfAnswersFromTheLogAndLeavesTheViewsAlone() throws {
        let dir = TempDir(), cut = TempDir()
        defer { dir.cleanup(); cut.cleanup() }
        try importFaults(dir)
        // In the middle of the second day's ISP fault.
        let w = SyntheticFaults(days: 2, seed: 11).windows.filter { $0.fault == .ispDown }[1]
        let t = w.start + 300_000_000
        let asOf = Timestamp(microseconds: t).description
        #expect(try CLI.run(["import", "-"], stdin: ndjson(Self.events.filter { $0.time.microseconds <= t }), data: cut.path).status == 0)
        for command in [["status", "--json"], ["outages", "--json"], ["latency", "--json"], ["speedtests", "--json"]] {
            let past = try CLI.run(command + ["--as-of", asOf], data: dir.path)
            let cutLog = try CLI.run(command, data: cut.path)
            #expect(past.status == 0)
            // The one difference: as of a past time, `monitor` is what the log said then
            // (a monitor ran); now, with no process holding the cut store, it is stopped.
            let pastOut = command[0] == "status" ? past.out.replacingOccurrences(of: "\"monitor\":\"running\"", with: "\"monitor\":\"stopped\"") : past.out
            #expect(command[0] != "status" || past.out.contains("\"monitor\":\"running\""))
            #expect(pastOut == cutLog.out, "\(command[0]) --as-of differs from the log cut at that time")
        }
        let status = try JSONSerialization.jsonObject(with: try CLI.run(["status", "--json", "--as-of", asOf], data: dir.path).stdout) as! [String: Any]
        #expect(status["connectivity"] as? String == "down")
        #expect((status["open_outage"] as? [String: Any])?["cause"] as? String == "isp")
        // The live views still answer for the whole log.
        let live = try JSONSerialization.jsonObject(with: try CLI.run(["status", "--json"], data: dir.path).stdout) as! [String: Any]
        #expect(live["last_seq"] as? Int == Self.events.count)
    }

    @Test func queriesInOtherProcessesWhileTheWriterWrites() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let writer = try startBackgroundIngest(events: 2000000, batch: 200, data: dir.path)
        var lastSeq = 0
        var reads = 0
        while writer.isRunning && reads < 15 {
            let s = try CLI.run(["status", "--json"], data: dir.path)
            #expect(s.status == 0, "status during writes: \(s.stderr)")
            let status = try JSONSerialization.jsonObject(with: s.stdout) as! [String: Any]
            let seq = status["last_seq"] as? Int ?? -1
            #expect(seq >= lastSeq, "the views went back in time")
            lastSeq = seq
            let l = try CLI.run(["latency", "--json", "--target", "router"], data: dir.path)
            #expect(l.status == 0, "latency during writes: \(l.stderr)")
            let o = try CLI.run(["outages", "--csv"], data: dir.path)
            #expect(o.status == 0, "outages during writes: \(o.stderr)")
            reads += 1
        }
        writer.waitUntilExit()
        #expect(writer.terminationStatus == 0, "the writer failed while readers read")
        #expect(reads > 0)
        #expect(try CLI.run(["verify"], data: dir.path).status == 0)
    }
}
