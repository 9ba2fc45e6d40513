import ISPMonCore
import LMDB
import Synchronization

extension EventStore.Writer {
    /// Waits for a seal under way and installs it (used before closing, and by
    /// benchmarks); true when one was installed (then call ``sealInstalled()``).
    func finishSealing(store: EventStore, txn: borrowing Transaction) throws -> Bool {
        guard let s = mirror.sealing, mirrorValid, let done = sealer.peek(wait: true),
              done.generation == generation, done.first == s.first else { return false }
        try install(done, store: store, txn: txn)
        return true
    }

    func sealInstalled() {
        sealer.discard()
        mirror.sealing = nil
    }

    /// Puts a sealed chunk and removes the tail segments it replaces.
    func install(_ done: BackgroundSealer.Output, store: EventStore, txn: borrowing Transaction) throws {
        try put(store.chunks, seq: done.first, done.blob, txn)
        try txn.withCursor(store.tail) { c in
            var entry = try c.first()
            while let e = entry, decodeKey(e.key) <= done.last {
                try c.delete()
                entry = try c.first()
            }
            if let e = entry, decodeKey(e.key) != done.last + 1 {
                throw StoreError(.damaged("tail segment at \(decodeKey(e.key)) straddles the sealed chunk ending at \(done.last)"), path: store.directory)
            }
        }
    }

    /// Seals the whole tail (its first event at `first`) in this transaction, as several chunks if needed.
    func sealInline(store: EventStore, txn: borrowing Transaction, from first: UInt64) throws {
        var all: [Event] = []
        try txn.withCursor(store.tail) { c in
            var entry = try c.first()
            while let e = entry {
                all.append(contentsOf: try decoder.decode(e.value).events())
                entry = try c.next()
            }
        }
        var start = 0
        while start < all.count {
            let end = min(all.count, start + ChunkFormat.maxEvents / 2)
            try put(store.chunks, seq: first + UInt64(start),
                    sealEncoder.encode(all[start..<end], firstSeq: first + UInt64(start)), txn)
            start = end
        }
        try txn.removeAll(store.tail)
    }
}

extension EventStore {
    /// Waits for a chunk being sealed in the background and stores it.
    public func finishSealing() throws(StoreError) {
        do {
            try writeLock.withLock { _ in
                if try env.write({ txn in try writer.finishSealing(store: self, txn: txn) }) {
                    writer.sealInstalled()
                    options.afterSeal?()
                }
            }
        } catch {
            throw StoreError.wrap(error, path: directory)
        }
    }
}
