import ISPMonStore
import Synchronization

/// What the live feeds of one ``Queries`` share, so that 64 clients cost about
/// what one does: one watcher of another process's commits (see ``LogWatch``), and
/// the last status computed, by the sequence number it reflects (every client
/// woken by a commit asks for the same one).
final class LiveShared: Sendable {
    let watch: LogWatch
    let status = Mutex<(seq: UInt64, running: Bool, answer: StatusAnswer)?>(nil)

    init(store: EventStore) { watch = LogWatch(store: store) }
}

extension Queries {
    /// The current status, from the shared cache when nothing was committed since it was computed.
    func liveStatus() throws -> StatusAnswer {
        let running = monitorRunning
        let seq = try store.lastSeq()
        if let cached = live.status.withLock({ $0 }), cached.seq == seq, cached.running == running {
            return cached.answer
        }
        let answer = StatusAnswer(try views(), monitorRunning: running)
        live.status.withLock { c in
            if c.map({ $0.seq <= answer.lastSeq }) ?? true { c = (answer.lastSeq, running, answer) }
        }
        return answer
    }
}
