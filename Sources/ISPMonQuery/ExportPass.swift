import Dispatch
import Foundation
import ISPMonCore
import ISPMonStore
import Synchronization

/// The NDJSON of a window's events, as `ispmon export` prints it, made on several threads and
/// handed on in the log's order, with the events counted on the way: what a report needs of the
/// log in one pass (its appendix's counts and SHA-256). The window is cut into slices of
/// sequence numbers (the export's order is the log's), a few of them encoded at once; memory
/// stays at those slices' bytes, whatever the window's length.
extension Queries {
    static let exportSliceEvents: UInt64 = 32_768

    /// `consume` receives the bytes in order, on the calling thread; events after `lastSeq` (a
    /// commit after the views were read) are left out, so the counts are of the same log.
    func exportPass(window: TimeWindow, through lastSeq: UInt64, _ consume: ([UInt8]) -> Void) throws -> PeriodSnapshot.EventCounts {
        var counts = PeriodSnapshot.EventCounts.none
        let (indexed, bounds) = try store.seqBounds(since: window.since, until: window.until)
        // The window's indexed events lie within `bounds`; what the index does not cover yet
        // (after `indexed`) may hold some too.
        let low = bounds?.lowerBound ?? (indexed + 1)
        guard low <= lastSeq else { return counts }
        let slices = stride(from: low, through: lastSeq, by: Int(Self.exportSliceEvents)).map { a in
            a...min(lastSeq, a + Self.exportSliceEvents - 1)
        }
        let threads = max(1, min(4, ProcessInfo.processInfo.activeProcessorCount))
        var next = 0
        while next < slices.count {
            let round = Array(slices[next..<min(slices.count, next + threads)])
            next += round.count
            let results = SliceResults(round.count)
            DispatchQueue.concurrentPerform(iterations: round.count) { i in
                results.set(i, Result { try self.encode(window: window, seqs: round[i]) })
            }
            for result in results.all {
                let (bytes, slice) = try result.get()
                consume(bytes)
                counts.append(slice)
            }
        }
        return counts
    }

    /// One slice: its events' NDJSON and their counts.
    private func encode(window: TimeWindow, seqs: ClosedRange<UInt64>) throws -> ([UInt8], PeriodSnapshot.EventCounts) {
        var bytes: [UInt8] = []
        var counts = PeriodSnapshot.EventCounts(count: 0, firstSeq: nil, lastSeq: nil, byType: [:])
        try forEachEvent(EventQuery(window: window, beforeSeq: seqs.upperBound + 1, afterSeq: seqs.lowerBound - 1, order: .asc)) { e in
            EventJSON.append(e.event, seq: e.seq, to: &bytes)
            counts.add(e)
            return true
        }
        return (bytes, counts)
    }
}

/// The results of one round of slices, each written by its own thread.
private final class SliceResults: Sendable {
    typealias Slice = Result<([UInt8], PeriodSnapshot.EventCounts), any Error>
    private let results: Mutex<[Slice?]>

    init(_ count: Int) { results = Mutex(Array(repeating: nil, count: count)) }

    func set(_ i: Int, _ r: Slice) { results.withLock { $0[i] = r } }

    /// After the round: every slice's result (one never set is an error, not a gap in the bytes).
    var all: [Slice] { results.withLock { $0.map { $0 ?? .failure(DigestError()) } } }
}
