import Foundation
import ISPMonCore

/// Reads and decodes the log's records on a thread of its own, a couple ahead of
/// the caller, so that a replay applies one chunk while the next is decoded
/// (decoding is about a third of a replay's work). When asked, the same thread also makes
/// each record's part of the event index.
final class ChunkPrefetcher: @unchecked Sendable {
    // @unchecked: `ready`, `done` and `cancelled` are guarded by `condition`.
    typealias Item = Result<(chunk: DecodedChunk, first: Int, index: EventIndexPieces?), any Error>

    private let condition = NSCondition()
    private var ready: [Item] = []
    private var done = false
    private var cancelled = false
    private let depth = 2

    /// `indexingThrough`: the newest sequence number to index (nil: no index).
    init(store: EventStore, from seq: UInt64, indexingThrough last: UInt64?) {
        let thread = Thread { [self] in
            do {
                try store.forEachChunk(from: seq) { chunk, first in
                    put(.success((chunk, first, last.map { EventIndexPieces(chunk, from: first, through: $0) })))
                }
            } catch {
                _ = put(.failure(error))
            }
            condition.lock()
            done = true
            condition.broadcast()
            condition.unlock()
        }
        thread.name = "ispmon.prefetch"
        thread.start()
    }

    /// Hands a decoded record over; false once the reader has stopped.
    private func put(_ item: Item) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while ready.count >= depth && !cancelled { condition.wait() }
        guard !cancelled else { return false }
        ready.append(item)
        condition.broadcast()
        return true
    }

    /// The next decoded record, or nil at the end of the log.
    func next() throws -> (chunk: DecodedChunk, first: Int, index: EventIndexPieces?)? {
        condition.lock()
        defer { condition.unlock() }
        while ready.isEmpty && !done { condition.wait() }
        guard !ready.isEmpty else { return nil }
        let item = ready.removeFirst()
        condition.broadcast()
        return try item.get()
    }

    /// Stops the reading thread and waits for it to finish.
    func cancel() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        while !done { condition.wait() }
        condition.unlock()
    }
}

extension EventStore {
    /// ``forEachChunk(from:_:)`` with the next records read and decoded on another thread;
    /// with `indexingThrough`, `body` also gets each record's part of the event index
    /// through that sequence number, made on that thread.
    func forEachChunkPrefetched(from seq: UInt64 = 1, indexingThrough last: UInt64? = nil,
                                _ body: (DecodedChunk, Int, EventIndexPieces?) throws -> Bool) throws {
        let prefetcher = ChunkPrefetcher(store: self, from: seq, indexingThrough: last)
        defer { prefetcher.cancel() }
        while let (chunk, first, index) = try prefetcher.next() {
            guard try body(chunk, first, index) else { return }
        }
    }
}
