// The ingest hot path: building a commit's batch, encoding it as a tail
// segment, sealing 65 536 events into one chunk, decoding that chunk, and a
// whole durable append through EventStore (views included); the views over a
// decoded chunk. Replay and queries are in Views.swift.
//
// Events come from SyntheticStream and are generated in setup closures or
// before `startMeasurement()`, never inside the measured region.
//
// Run with `tools/bench` or `swift package --package-path Benchmarks benchmark`.

import Benchmark
import ISPMonCore
import ISPMonStore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Events per commit in `ispmon bench ingest` and the batch benchmarks.
private let batchSize = 1_000
/// Events per sealed chunk (`EventStore.Options().sealThreshold`).
private let sealSize = 65_536

// Computed rather than stored: the Benchmark types are not Sendable.
var metrics: [BenchmarkMetric] {
    [.wallClock, .cpuTotal, .throughput, .mallocCountTotal, .peakMemoryResident]
}

/// Regression tolerances (percent) for `benchmark baseline check`, compared on
/// raw per-iteration values. Malloc counts are deterministic, so they are held
/// tight; times on a shared 2-core machine are noisy, so they get more room
/// than the package default of 5 %. Linux reports CPU time in 10 ms ticks, so
/// per-iteration cpuTotal of these short iterations is 0 or 10 ms: shown, never
/// checked (`.none`; a metric without an entry would get the 5 % default).
var thresholds: [BenchmarkMetric: BenchmarkThresholds] {
    [
        .mallocCountTotal: .init(relative: [.p50: 5, .p90: 10]),
        .wallClock: .init(relative: [.p50: 15, .p75: 20]),
        .throughput: .init(relative: [.p50: 15, .p75: 20]),
        .cpuTotal: .none,
        .peakMemoryResident: .init(relative: [.p90: 20]),
    ]
}

func configuration(
    scalingFactor: BenchmarkScalingFactor,
    maxDuration: Duration,
    maxIterations: Int,
    warmupIterations: Int = 1
) -> Benchmark.Configuration {
    .init(
        metrics: metrics,
        warmupIterations: warmupIterations,
        scalingFactor: scalingFactor,
        maxDuration: maxDuration,
        maxIterations: maxIterations,
        thresholds: thresholds
    )
}

/// The first `count` events of the reproducible synthetic stream.
func syntheticEvents(_ count: Int, seed: UInt64 = 42) -> [Event] {
    Array(SyntheticStream(seed: seed).prefix(count))
}

/// The consecutive 1000-event batches of one sealed chunk's worth of events.
private func batchRanges(of count: Int) -> [Range<Int>] {
    stride(from: 0, to: count - batchSize + 1, by: batchSize).map { $0..<($0 + batchSize) }
}

/// Rotates through the batches so that successive iterations see different events.
private final class BatchCursor {
    let ranges: [Range<Int>]
    var next = 0
    init(_ ranges: [Range<Int>]) { self.ranges = ranges }
    func take() -> (index: Int, range: Range<Int>) {
        let k = next
        next = (next + 1) % ranges.count
        return (k, ranges[k])
    }
}

/// A fresh store in a new temporary directory, removed again in `close()`.
private final class StoreFixture {
    let directory: String
    var store: EventStore?
    /// The synthetic stream, replayed with its timestamps shifted forward on each lap
    /// so that the log keeps the shape of a long-running monitor.
    let events: [Event]
    let lapMicroseconds: Int64
    var position = 0
    var lap: Int64 = 0
    var batch: [Event] = []

    init() throws {
        directory = try makeTemporaryDirectory(prefix: "ispmon-bench")
        events = syntheticEvents(2 * sealSize)
        let first = events.first!.time.microseconds, last = events.last!.time.microseconds
        lapMicroseconds = last - first + 1_000_000
        batch.reserveCapacity(batchSize)
        do {
            store = try EventStore(directory: directory)
        } catch {
            removeTree(directory)
            throw error
        }
    }

    /// The next `batchSize` events of the endless replay, copied into `batch`.
    func prepareBatch() {
        batch.removeAll(keepingCapacity: true)
        while batch.count < batchSize {
            if position == events.count {
                position = 0
                lap += 1
            }
            var e = events[position]
            e.time = Timestamp(microseconds: e.time.microseconds + lap * lapMicroseconds)
            batch.append(e)
            position += 1
        }
    }

    func close() throws {
        defer {
            store = nil
            removeTree(directory)
        }
        try store?.finishSealing()
    }
}

let benchmarks: @Sendable () -> Void = {
    // MARK: Build

    do {
        var events: [Event] = []
        var cursor = BatchCursor([])
        Benchmark(
            "Build batch (1000 events)",
            configuration: configuration(scalingFactor: .kilo, maxDuration: .seconds(5), maxIterations: 20_000)
        ) { benchmark in
            let range = cursor.take().range
            benchmark.startMeasurement()
            var builder = ChunkBuilder()
            builder.append(contentsOf: events[range])
            benchmark.stopMeasurement()
            blackHole(builder)
        } setup: {
            events = syntheticEvents(sealSize)
            cursor = BatchCursor(batchRanges(of: events.count))
        } teardown: {
            events = []
        }
    }

    // MARK: Encode a commit's segment

    do {
        var builders: [ChunkBuilder] = []
        var cursor = BatchCursor([])
        let encoder = ChunkEncoder(level: 1, predictOrder: false)  // as EventStore's segment encoder
        Benchmark(
            "Encode segment (1000 events)",
            configuration: configuration(scalingFactor: .kilo, maxDuration: .seconds(5), maxIterations: 20_000)
        ) { benchmark in
            let (k, range) = cursor.take()
            benchmark.startMeasurement()
            let blob = encoder.encode(builders[k], firstSeq: UInt64(range.lowerBound + 1))
            benchmark.stopMeasurement()
            blackHole(blob)
        } setup: {
            let events = syntheticEvents(sealSize)
            let ranges = batchRanges(of: events.count)
            builders = ranges.map { range in
                var b = ChunkBuilder()
                b.append(contentsOf: events[range])
                return b
            }
            cursor = BatchCursor(ranges)
        } teardown: {
            builders = []
        }
    }

    // MARK: Seal and read back a full chunk

    do {
        var builder = ChunkBuilder()
        let encoder = ChunkEncoder(level: 3)  // as EventStore's sealer
        Benchmark(
            "Encode sealed chunk (65536 events)",
            configuration: configuration(scalingFactor: .one, maxDuration: .seconds(10), maxIterations: 200)
        ) { benchmark in
            blackHole(encoder.encode(builder, firstSeq: 1))
        } setup: {
            builder = ChunkBuilder()
            builder.append(contentsOf: syntheticEvents(sealSize)[...])
        } teardown: {
            builder = ChunkBuilder()
        }
    }

    do {
        var blob: [UInt8] = []
        let decoder = ChunkDecoder()
        Benchmark(
            "Decode sealed chunk (65536 events)",
            configuration: configuration(scalingFactor: .one, maxDuration: .seconds(10), maxIterations: 500)
        ) { benchmark in
            let chunk = try blob.withUnsafeBytes { try decoder.decode($0) }
            guard chunk.count == sealSize else {
                benchmark.error("decoded \(chunk.count) events, expected \(sealSize)")
                return
            }
            blackHole(chunk)
        } setup: {
            blob = ChunkEncoder(level: 3).encode(syntheticEvents(sealSize)[...], firstSeq: 1)
        } teardown: {
            blob = []
        }
    }

    // MARK: Views

    // Views (Projection) over one decoded sealed chunk: the replay hot path
    // without decoding. Each iteration starts from an empty projection.
    do {
        var chunk: DecodedChunk?
        Benchmark(
            "Project views over a decoded chunk (65536 events)",
            configuration: configuration(scalingFactor: .one, maxDuration: .seconds(10), maxIterations: 500)
        ) { benchmark in
            guard let chunk else { return }
            var projection = Projection()
            projection.apply(chunk)
            blackHole(projection.outages())
        } setup: {
            let blob = ChunkEncoder(level: 3).encode(syntheticEvents(sealSize)[...], firstSeq: 1)
            chunk = try blob.withUnsafeBytes { try ChunkDecoder().decode($0) }
        } teardown: {
            chunk = nil
        }
    }

    // MARK: Durable append

    // One iteration is one `append` of 1000 events: one durable LMDB commit
    // (segment encode + put + fsync), with a 65 536-event chunk sealed in the
    // background every ~66 commits and installed by a later commit, as in a
    // real ingest. Scaled by 1000, the numbers are per event; the percentiles
    // are over commits.
    do {
        var fixture: StoreFixture?
        Benchmark(
            "Append batch + durable commit (1000 events)",
            configuration: configuration(scalingFactor: .kilo, maxDuration: .seconds(15), maxIterations: 5_000)
        ) { benchmark in
            guard let fixture, let store = fixture.store else {
                benchmark.error("no store")
                return
            }
            fixture.prepareBatch()
            benchmark.startMeasurement()
            let range = try store.append(fixture.batch[...])
            benchmark.stopMeasurement()
            blackHole(range)
        } setup: {
            fixture = try StoreFixture()
        } teardown: {
            defer { fixture = nil }
            try fixture?.close()
        }
    }

    viewBenchmarks()
}

// MARK: Temporary directories

private struct TemporaryDirectoryError: Error, CustomStringConvertible {
    let template: String
    let code: Int32
    var description: String { "mkdtemp(\(template)) failed: \(String(cString: strerror(code)))" }
}

/// A new, empty directory `$TMPDIR/<prefix>.XXXXXX` (TMPDIR defaults to /tmp).
func makeTemporaryDirectory(prefix: String) throws -> String {
    var base = getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp"
    if base.isEmpty { base = "/tmp" }
    while base.count > 1, base.hasSuffix("/") { base.removeLast() }
    let template = "\(base)/\(prefix).XXXXXX"
    var bytes = Array(template.utf8CString)
    let made = bytes.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
    guard made != nil else { throw TemporaryDirectoryError(template: template, code: errno) }
    return bytes.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
}

/// Removes `path` and everything below it (no symlinks are followed).
func removeTree(_ path: String) {
    var st = stat()
    guard lstat(path, &st) == 0 else { return }
    if (st.st_mode & S_IFMT) == S_IFDIR {
        if let dir = opendir(path) {
            var names: [String] = []
            while let entry = readdir(dir) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) {
                    String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self)
                }
                if name != "." && name != ".." { names.append(name) }
            }
            closedir(dir)
            for name in names { removeTree(path + "/" + name) }
        }
        rmdir(path)
    } else {
        unlink(path)
    }
}
