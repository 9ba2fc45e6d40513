// The ingest path's stages, each timed alone in the CPU time of this thread: compiled by
// tools/bench-stages together with ISPMonCore's sources (one module, whole-module optimized,
// as the release build is), so a revision's sources can be timed without building the package.
// Prints each stage's best of several rounds per 1000 events, and digests of what the stages
// make, so that two revisions that must encode the same bytes can be compared.
import Glibc

let total = 200_000
let events = Array(SyntheticStream(seed: 42).prefix(total))
var batches: [ArraySlice<Event>] = []
var at = 0
while at < total {
    batches.append(events[at..<min(total, at + 1000)])
    at += 1000
}

func threadSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

/// Best of `rounds` runs of `body`, in µs per 1000 events (`thousands`: how many it handles).
func stage(_ name: String, rounds: Int = 15, thousands: Int = total / 1000, _ body: () -> Void) {
    var best = Double.infinity
    for _ in 0..<rounds {
        let start = threadSeconds()
        body()
        best = min(best, threadSeconds() - start)
    }
    let us = (best / Double(thousands) * 1e6 * 10).rounded() / 10
    print(name + String(repeating: " ", count: max(1, 52 - name.count)) + "\(us) µs per 1000 events")
}

/// FNV-1a, to tell whether two revisions made the same bytes.
func digest(_ h: inout UInt64, _ bytes: [UInt8]) {
    for b in bytes { h = (h ^ UInt64(b)) &* 0x100000001b3 }
}
func hex(_ h: UInt64) -> String { String(h, radix: 16) }

var builders: [ChunkBuilder] = []
stage("lay out a batch (ChunkBuilder)") {
    builders = batches.map { b in
        var builder = ChunkBuilder()
        builder.append(contentsOf: b)
        return builder
    }
}
var hours: [HourPieces] = []
stage("hourly pieces (HourPieces)") { hours = builders.map { HourPieces($0) } }
var hoursDigest: UInt64 = 0xcbf29ce484222325
for h in hours {
    for series in h.bySeries {
        for piece in series {
            digest(&hoursDigest, withUnsafeBytes(of: piece.start) { Array($0) })
            for (i, c) in zip(piece.stats.sketch.indexes, piece.stats.sketch.counts) {
                digest(&hoursDigest, [UInt8(truncatingIfNeeded: i), UInt8(truncatingIfNeeded: i >> 8), UInt8(truncatingIfNeeded: c)])
            }
        }
    }
}
print("  pieces digest \(hex(hoursDigest))")

for predict in [false, true] {
    let encoder = ChunkEncoder(level: 1, predictOrder: predict)
    var h: UInt64 = 0
    var bytes = 0
    var overPage = 0
    stage("encode a segment, level 1, \(predict ? "order predicted" : "order as it is")") {
        h = 0xcbf29ce484222325
        bytes = 0
        overPage = 0
        var seq: UInt64 = 1
        for b in builders {
            let blob = encoder.encode(b, firstSeq: seq)
            seq += UInt64(b.count)
            digest(&h, blob)
            bytes += blob.count
            if blob.count > 4080 { overPage += 1 }  // past one LMDB overflow page
        }
    }
    print("  \(bytes / builders.count) bytes a segment, \(overPage) of \(builders.count) past one overflow page, digest \(hex(h))")
}

var tail = ChunkBuilder()
stage("join batches into a tail (the writer's mirror)") {
    tail = ChunkBuilder()
    for b in builders { tail.append(contentsOf: b) }
}
var sealedDigest: UInt64 = 0
var sealedBytes = 0
stage("encode a sealed chunk, 65,536 events, level 3", rounds: 7, thousands: 65) {
    let blob = ChunkEncoder(level: 3).encode(tail, range: 0..<65_536, firstSeq: 1)
    sealedDigest = 0xcbf29ce484222325
    digest(&sealedDigest, blob)
    sealedBytes = blob.count
}
print("  \(sealedBytes) bytes, digest \(hex(sealedDigest))")

stage("event index pieces") {
    var seq: UInt64 = 1
    for b in builders {
        _ = EventIndexPieces(b, first: seq)
        seq += UInt64(b.count)
    }
}
stage("views: apply a batch with its pieces, take changes") {
    var p = Projection(keepsHistory: false)
    var seq: UInt64 = 1
    for (b, h) in zip(builders, hours) {
        p.apply(b, firstSeq: seq, hours: h, storedHour: { _, _ in nil }, storedHourBeforeStretch: { _, _, _ in nil })
        seq += UInt64(b.count)
        _ = p.takeChanges()
    }
}
