import ISPMonCore
import LMDB

/// What `ispmon verify` found.
public struct VerifyReport: Sendable {
    public var events: UInt64 = 0
    public var chunks = 0
    public var segments = 0
    /// The views' standing, and how many of them matched a fresh replay.
    public var views: [EventStore.ViewStatus] = []
    public var viewsCompared = false
    public var problems: [String] = []
    public var ok: Bool { problems.isEmpty }
}

extension EventStore {
    /// Checks every stored record against its checksum, decodes it fully, and
    /// checks that sequence numbers run 1, 2, 3 … without gaps or overlaps.
    /// Reads one consistent snapshot; never changes anything.
    public func verify() throws(StoreError) -> VerifyReport {
        var report = VerifyReport()
        do {
            try env.read { txn in
                let decoder = ChunkDecoder()
                var expected: UInt64? = 1  // nil after a damaged record: resynchronize
                // The event index, as the events it claims to cover make it.
                let indexed = try indexedSeq(txn)
                var fresh = EventIndexPieces()
                for (db, kind) in [(chunks, "chunk"), (tail, "tail segment")] {
                    try txn.withCursor(db) { c in
                        var entry = try c.first()
                        while let e = entry {
                            let key = decodeKey(e.key)
                            if e.key.count != 8 {
                                report.problems.append("\(kind): a key of \(e.key.count) bytes (expected 8)")
                            }
                            do {
                                let chunk = try decoder.decode(e.value)
                                if chunk.firstSeq != key {
                                    report.problems.append("\(kind) under key \(key) holds events from seq \(chunk.firstSeq)")
                                }
                                if let expected, chunk.firstSeq > expected {
                                    report.problems.append("gap: events \(expected)…\(chunk.firstSeq - 1) are missing")
                                } else if let expected, chunk.firstSeq < expected {
                                    report.problems.append("overlap: \(kind) at seq \(chunk.firstSeq) repeats events before \(expected)")
                                }
                                expected = chunk.lastSeq + 1
                                report.events += UInt64(chunk.count)
                                for i in 0..<chunk.count where chunk.firstSeq + UInt64(i) <= indexed {
                                    let (time, type) = chunk.timeAndType(at: i)
                                    fresh.add(seq: chunk.firstSeq + UInt64(i), time: time, type: type)
                                }
                            } catch {
                                report.problems.append("\(kind) at seq \(key) (\(e.value.count) bytes): \(error)")
                                expected = nil
                            }
                            if db == chunks { report.chunks += 1 } else { report.segments += 1 }
                            entry = try c.next()
                        }
                    }
                }
                if report.ok {
                    if indexed > report.events {
                        report.problems.append("event index: it covers events through \(indexed), the log holds \(report.events) (`ispmon replay` rebuilds it)")
                    } else if try indexPieces(txn, through: indexed) != fresh {
                        report.problems.append("event index: it differs from the events 1…\(indexed) it covers (`ispmon replay` rebuilds it)")
                    }
                }
            }
        } catch {
            throw StoreError.wrap(error, path: directory)
        }
        return report
    }

    /// Compares the stored views with a fresh replay of the log through the
    /// sequence number they reflect, and adds each difference to `report`.
    public func verifyViews(_ report: inout VerifyReport) throws(StoreError) {
        report.views = try viewStatus()
        guard report.ok else { return }  // a damaged log cannot be replayed
        for s in report.views where s.problem != nil && s.logSeq > 0 {
            report.problems.append("\(s.view.rawValue) view: \(s.problem!) (`ispmon replay` rebuilds it)")
        }
        do {
            // One snapshot for the stored views; the log through their sequence number never changes.
            guard let stored = try loadViews(Set(View.allCases)) else { return }
            let replayed = try project(through: stored.lastSeq, options: stored.options)
            report.problems += stored.differences(from: replayed)
            report.viewsCompared = true
        } catch {
            throw StoreError.wrap(error, path: directory)
        }
    }
}
