public import ISPMonCore
import Synchronization

/// One durable commit: the sequence numbers of its events and what it changed in the views.
public struct CommitNotice: Sendable, Hashable {
    public var range: ClosedRange<UInt64>
    public var changes: [ViewChange]
}

/// What a subscriber receives.
public enum CommitMessage: Sendable, Hashable {
    case commit(CommitNotice)
    /// The subscriber fell behind and notices were dropped: every event after
    /// `after` must be read from the log (`EventStore.forEach(from: after + 1)`).
    /// Notices come again from the next commit on, so those of commits made while it
    /// reads the log cover events it already read: it skips them by sequence number.
    case fellBehind(after: UInt64)
}

/// Tells subscribers in this process of every commit, without ever making the
/// writer wait for them: the writer's thread only puts a notice in each
/// subscriber's bounded buffer. A subscriber whose buffer is full loses notices
/// and is told so once, with the sequence number to catch up from; it reads the
/// log itself, on its own thread.
public final class CommitFeed: Sendable {
    let subscribers = Mutex<[ObjectIdentifier: CommitSubscription]>([:])

    init() {}

    var isEmpty: Bool { subscribers.withLock { $0.isEmpty } }

    /// A new subscription holding at most `capacity` notices; the first notice it
    /// gets is of the first commit after this call.
    public func subscribe(capacity: Int = 256) -> CommitSubscription {
        let s = CommitSubscription(capacity: max(1, capacity), feed: self)
        subscribers.withLock { $0[ObjectIdentifier(s)] = s }
        return s
    }

    func remove(_ s: CommitSubscription) { _ = subscribers.withLock { $0.removeValue(forKey: ObjectIdentifier(s)) } }

    func publish(_ notice: CommitNotice) {
        for s in subscribers.withLock({ Array($0.values) }) { s.offer(notice) }
    }
}

/// One subscriber's buffer: read with `await next()`, `await next(timeout:)` (a
/// Duration: from a task), or `next(timeout:)` (µs: from a thread).
public final class CommitSubscription: Sendable, AsyncSequence, AsyncIteratorProtocol {
    public typealias Element = CommitMessage

    struct State {
        /// At most `capacity` notices, oldest first (small: removing the first is cheap).
        var buffer: [CommitMessage] = []
        /// Notices were dropped after this sequence number (the last one delivered or buffered).
        var behindAfter: UInt64?
        var waiter: CheckedContinuation<CommitMessage?, Never>?
        var cancelled = false
    }

    let capacity: Int
    let state = Mutex(State())
    /// Wakes threads blocked in `next(timeout:)`.
    let bell = Bell()
    /// Wakes tasks waiting in `next(timeout:) async`.
    let asyncBell = AsyncBell()
    weak let feed: CommitFeed?

    init(capacity: Int, feed: CommitFeed) {
        self.capacity = capacity
        self.feed = feed
    }

    /// Called on the writer's thread: never waits beyond the buffer's lock.
    func offer(_ notice: CommitNotice) {
        let resume: (CheckedContinuation<CommitMessage?, Never>, CommitMessage)? = state.withLock { s in
            if s.cancelled { return nil }
            if s.behindAfter != nil { return nil }  // still behind: the log will tell
            if let w = s.waiter {
                s.waiter = nil
                return (w, .commit(notice))
            }
            if s.buffer.count >= capacity {
                s.behindAfter = notice.range.lowerBound - 1
                return nil
            }
            s.buffer.append(.commit(notice))
            return nil
        }
        if let (w, m) = resume { w.resume(returning: m) }
        bell.ring()
        asyncBell.ring()
    }

    func take(_ s: inout State) -> CommitMessage? {
        if !s.buffer.isEmpty { return s.buffer.removeFirst() }
        if let after = s.behindAfter {
            s.behindAfter = nil
            return .fellBehind(after: after)
        }
        return nil
    }

    /// The next message; nil once cancelled.
    public func next() async -> CommitMessage? {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (c: CheckedContinuation<CommitMessage?, Never>) in
                let now: CommitMessage?? = state.withLock { s in
                    if s.cancelled { return .some(nil) }
                    if let m = take(&s) { return .some(m) }
                    s.waiter = c
                    return nil
                }
                if let now { c.resume(returning: now) }
            }
        } onCancel: { cancel() }
    }

    /// The next message, waiting at most `timeout` µs on this thread; nil on timeout or once cancelled.
    public func next(timeout: Int64) -> CommitMessage? {
        let deadline = Monotonic.microseconds() + timeout
        while true {
            let ticket = bell.ticket
            if let m = state.withLock({ s -> CommitMessage? in s.cancelled ? nil : take(&s) }) { return m }
            if state.withLock({ $0.cancelled }) { return nil }
            let left = deadline - Monotonic.microseconds()
            guard left > 0 else { return nil }
            bell.wait(after: ticket, timeout: left)
        }
    }

    /// The next message, waiting at most `timeout` without holding a thread; nil on
    /// timeout, when the waiting task is cancelled, or once the subscription is.
    /// Unlike `next()`, a timeout or the task's cancellation leaves the subscription
    /// open, so a caller can wait in slices (and do something else in between).
    public func next(timeout: Duration) async -> CommitMessage? {
        let deadline = ContinuousClock.now + timeout
        while true {
            let ticket = asyncBell.ticket
            let (message, cancelled) = state.withLock { s in s.cancelled ? (nil, true) : (take(&s), false) }
            if let message { return message }
            let now = ContinuousClock.now
            if cancelled || Task.isCancelled || now >= deadline { return nil }
            await asyncBell.wait(after: ticket, timeout: deadline - now)
        }
    }

    public func makeAsyncIterator() -> CommitSubscription { self }

    /// Ends the subscription: a waiting `next` returns nil.
    public func cancel() {
        let w = state.withLock { s -> CheckedContinuation<CommitMessage?, Never>? in
            s.cancelled = true
            defer { s.waiter = nil }
            return s.waiter
        }
        w?.resume(returning: nil)
        bell.ring()
        asyncBell.ring()
        feed?.remove(self)
    }
}
