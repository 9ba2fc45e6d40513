import Dispatch
import ISPMonCore
import Synchronization

/// Encodes sealed chunks on another thread, so that the writer's thread only
/// appends small segments. The writer installs a finished chunk in its next
/// write transaction (write transactions stay on the writer's thread).
final class BackgroundSealer: @unchecked Sendable {
    // @unchecked: `finished` is locked; the rest is immutable.
    struct Output: Sendable {
        var first: UInt64
        var last: UInt64
        var blob: [UInt8]
        var generation: Int
    }

    private let queue = DispatchQueue(label: "ispmon.sealer")
    private let group = DispatchGroup()
    private let level: Int32
    private let finished = Mutex<Output?>(nil)

    init(level: Int32) { self.level = level }

    /// Starts encoding `builder` (its first event at `first`) as one chunk; one job at a time.
    func start(_ builder: ChunkBuilder, first: UInt64, generation: Int) {
        group.enter()
        queue.async {
            // An encoder per chunk: its buffers (the columns regrouped, the zstd context and
            // output: megabytes for 65,536 events) would otherwise stay allocated between
            // seals, which come hours apart in a monitor. Making one costs microseconds.
            let blob = ChunkEncoder(level: self.level).encode(builder, firstSeq: first)
            let output = Output(first: first, last: first + UInt64(builder.count) - 1, blob: blob, generation: generation)
            self.finished.withLock { $0 = output }
            self.group.leave()
        }
    }

    /// The finished chunk, if any; with `wait`, waits for the job under way. It stays
    /// until ``discard()``: a write transaction that installs it may be run again.
    func peek(wait: Bool) -> Output? {
        if wait { group.wait() }
        return finished.withLock { $0 }
    }

    /// Forgets the job: waits for it if under way, then drops its chunk (installed, or stale).
    func discard() {
        group.wait()
        finished.withLock { $0 = nil }
    }
}
