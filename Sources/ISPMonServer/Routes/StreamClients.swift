import Synchronization

/// How many live streams are open: at most `limit` (each holds a feed and a connection).
final class StreamClients: Sendable {
    static let limit = 64
    let count = Atomic<Int>(0)

    /// A place for one more stream; nil when `limit` are open.
    func enter() -> StreamSlot? {
        let n = count.add(1, ordering: .relaxed).newValue
        if n > StreamClients.limit {
            count.subtract(1, ordering: .relaxed)
            return nil
        }
        return StreamSlot(self)
    }

    fileprivate func leave() { count.subtract(1, ordering: .relaxed) }
}

/// One live stream's place among ``StreamClients``: given back once, by whichever comes first
/// of the stream's end and its connection's close (both say so; the second changes nothing).
final class StreamSlot: Sendable {
    let clients: StreamClients
    private let released = Atomic<Bool>(false)

    fileprivate init(_ clients: StreamClients) { self.clients = clients }

    /// Whether the place was given back (the stream is to end).
    var isReleased: Bool { released.load(ordering: .acquiring) }

    func release() {
        if released.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged {
            clients.leave()
        }
    }
}
