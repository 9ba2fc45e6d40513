import Foundation

/// The threads probes run on: up to `limit` at once, started as needed.
///
/// Not a concurrent DispatchQueue: on Linux, libdispatch runs about one thread
/// per core for it and does not know that a probe waiting for a silent host is
/// blocked, so two dead targets would hold up every other probe of a 2-core
/// machine. These threads block in their own right; a probe waiting for its
/// timeout delays no other.
final class ProbePool: Sendable {
    // NSCondition is thread-safe; the queue and the counters are read and written
    // only with it locked, which is what makes the class Sendable.
    private let condition = NSCondition()
    nonisolated(unsafe) private var queue: [@Sendable () -> Void] = []
    nonisolated(unsafe) private var threads = 0
    nonisolated(unsafe) private var idle = 0
    nonisolated(unsafe) private var stopping = false
    nonisolated(unsafe) private var limit: Int

    init(limit: Int) { self.limit = max(1, limit) }

    /// Lets up to `limit` probes run at once from now on (a reload added targets).
    func raise(limit: Int) {
        condition.lock()
        self.limit = max(self.limit, limit)
        condition.unlock()
    }

    /// Runs `work` on a pool thread: at once when one is free or may be started,
    /// else when one becomes free.
    func run(_ work: @escaping @Sendable () -> Void) {
        condition.lock()
        defer { condition.unlock() }
        guard !stopping else { return }
        queue.append(work)
        if idle > 0 {
            condition.signal()
        } else if threads < limit {
            threads += 1
            let thread = Thread { [self] in serve() }
            thread.name = "ispmon.probe"
            thread.start()
        }
    }

    /// Lets the threads end once their work is done; queued work is dropped.
    func stop() {
        condition.lock()
        stopping = true
        queue.removeAll()
        condition.broadcast()
        condition.unlock()
    }

    private func serve() {
        condition.lock()
        while true {
            while queue.isEmpty && !stopping {
                idle += 1
                condition.wait()
                idle -= 1
            }
            if stopping {
                threads -= 1
                condition.unlock()
                return
            }
            let work = queue.removeFirst()
            condition.unlock()
            work()
            condition.lock()
        }
    }
}
