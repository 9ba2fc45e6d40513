// Views: a replay of a whole store (all views), the writer's per-commit view
// work, and the queries' reads of the stored views, on a store of one million
// events from SyntheticStream built once in setup.

import Benchmark
import ISPMonCore
import ISPMonStore

/// Events in the replay store (one iteration replays all of them).
private let replayEvents = 1_000_000

/// A store of `replayEvents` synthetic events in a temporary directory.
private final class ViewStoreFixture {
    let directory: String
    var store: EventStore?

    init() throws {
        directory = try makeTemporaryDirectory(prefix: "ispmon-bench-views")
        do {
            let store = try EventStore(directory: directory)
            let events = syntheticEvents(replayEvents)
            var start = 0
            while start < events.count {
                let end = min(events.count, start + 100_000)
                try store.append(events[start..<end])
                start = end
            }
            try store.finishSealing()
            self.store = store
        } catch {
            removeTree(directory)
            throw error
        }
    }

    func close() {
        store = nil
        removeTree(directory)
    }
}

/// A benchmark that runs `body` on the replay store, built in setup and removed in teardown.
private func storeBenchmark(_ name: String, _ configuration: Benchmark.Configuration,
                            _ body: @escaping (Benchmark, EventStore) throws -> Void) {
    var fixture: ViewStoreFixture?
    Benchmark(name, configuration: configuration) { benchmark in
        guard let store = fixture?.store else { return benchmark.error("no store") }
        try body(benchmark, store)
    } setup: {
        fixture = try ViewStoreFixture()
    } teardown: {
        fixture?.close()
        fixture = nil
    }
}

func viewBenchmarks() {
    // MARK: Replay

    // `ispmon replay` without the final write: the log read, decoded on the
    // prefetch thread, and applied to a fresh projection. Scaled per event.
    storeBenchmark("Replay store, all views (1M events)",
                   configuration(scalingFactor: .mega, maxDuration: .seconds(20), maxIterations: 50)) { benchmark, store in
        let projection = try store.project()
        guard projection.lastSeq == UInt64(replayEvents) else {
            return benchmark.error("replayed \(projection.lastSeq) events")
        }
        blackHole(projection)
    }

    // MARK: The writer's share

    // What a commit of 1000 events adds for the views on the writer's thread:
    // applying the batch (with its hour pieces, as the group-commit producer
    // prepares them) to a projection without history, and taking the changes.
    do {
        var batches: [(ChunkBuilder, HourPieces)] = []
        var projection = Projection(keepsHistory: false)
        var next = 0
        var seq: UInt64 = 1
        Benchmark(
            "Views of a commit: apply + take changes (1000 events)",
            configuration: configuration(scalingFactor: .kilo, maxDuration: .seconds(5), maxIterations: 20_000)
        ) { benchmark in
            let (builder, hours) = batches[next]
            next = (next + 1) % batches.count
            benchmark.startMeasurement()
            projection.apply(builder, firstSeq: seq, hours: hours) { _, _ in nil }
            let changes = projection.takeChanges()
            benchmark.stopMeasurement()
            seq += UInt64(builder.count)
            blackHole(changes)
        } setup: {
            let events = syntheticEvents(65_536)
            batches = stride(from: 0, to: events.count - 999, by: 1000).map { start in
                var b = ChunkBuilder()
                b.append(contentsOf: events[start..<(start + 1000)])
                return (b, HourPieces(b))
            }
        } teardown: {
            batches = []
        }
    }

    // MARK: Queries

    // The stored views a query reads, in one read transaction: the states and
    // outages (`status`, `outages`), and every hour of every target (`latency`).
    storeBenchmark("Load stored views: states and outages",
                   configuration(scalingFactor: .one, maxDuration: .seconds(5), maxIterations: 2_000)) { benchmark, store in
        guard let views = try store.loadViews([]) else { return benchmark.error("no views") }
        blackHole(views.outages())
    }

    storeBenchmark("Load stored views: hourly latency, all targets",
                   configuration(scalingFactor: .one, maxDuration: .seconds(5), maxIterations: 2_000)) { benchmark, store in
        guard let views = try store.loadViews([.latency]) else { return benchmark.error("no views") }
        var p99 = 0.0
        for (_, hours) in views.hours { for (_, h) in hours { p99 += h.percentileMs(99) ?? 0 } }
        blackHole(p99)
    }
}
