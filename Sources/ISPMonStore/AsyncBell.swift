import Synchronization

/// ``Bell`` for tasks: each ring bumps a counter, and a task waits, without
/// holding a thread, until the counter passes the ticket it took before it
/// looked (so a ring between looking and waiting is never missed), until a
/// timeout, or until the task is cancelled. Whoever waits looks again after each
/// return: a return says only that something may have happened.
public final class AsyncBell: Sendable {
    struct State {
        var rings: UInt64 = 0
        var nextID: UInt64 = 0
        /// Waits under way (registered or about to be), so that a timeout or a
        /// cancellation that comes before the wait is registered still ends it.
        var active: Set<UInt64> = []
        var released: Set<UInt64> = []
        var waiters: [UInt64: CheckedContinuation<Void, Never>] = [:]
    }

    let state = Mutex(State())

    public init() {}

    public var ticket: UInt64 { state.withLock { $0.rings } }

    public func ring() {
        let woken = state.withLock { s -> [CheckedContinuation<Void, Never>] in
            s.rings &+= 1
            defer { s.waiters.removeAll(keepingCapacity: true) }
            return Array(s.waiters.values)
        }
        for w in woken { w.resume() }
    }

    /// Returns after a ring after `ticket`, after `timeout`, or once the task is cancelled.
    public func wait(after ticket: UInt64, timeout: Duration) async {
        let id = state.withLock { s -> UInt64 in
            s.nextID &+= 1
            s.active.insert(s.nextID)
            return s.nextID
        }
        let timer = Task { [self] in
            do { try await Task.sleep(for: timeout) } catch { return }
            release(id)
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                let now = state.withLock { s -> Bool in
                    if s.rings != ticket || s.released.contains(id) { return true }
                    s.waiters[id] = c
                    return false
                }
                if now { c.resume() }
            }
        } onCancel: { release(id) }
        timer.cancel()
        // From here a late timer or cancellation finds the wait inactive and leaves nothing behind.
        state.withLock { s in
            s.active.remove(id)
            s.released.remove(id)
        }
    }

    func release(_ id: UInt64) {
        let w = state.withLock { s -> CheckedContinuation<Void, Never>? in
            if let w = s.waiters.removeValue(forKey: id) { return w }
            if s.active.contains(id) { s.released.insert(id) }
            return nil
        }
        w?.resume()
    }
}
