public import ISPMonCore
import ISPMonStore

/// What the notify events of the log say is not delivered (docs/notify.md): per channel, each
/// notification still being tried (pending) or given up (expired), with its attempts and last
/// error. `ispmon notify status` and the settings page show it, with the notifications due but
/// never tried (no notify event yet: attempts 0), which the notifier's own derivation of the log
/// adds (``addNeverTried(_:)``; the query layer knows nothing of the triggers).
public struct NotifyStatus: Sendable, Hashable {
    public struct Entry: Sendable, Hashable {
        /// `removed`: pending for a channel the config no longer has (``markRemoved(running:)``): nothing will try it.
        public enum State: String, Sendable { case pending, expired, removed }
        public var key: String
        public var channel: String
        public var state: State
        public var attempts: Int
        public var lastError: String?
        public var lastDetail: String?
        /// The time of the last attempt; nil: never tried.
        public var lastAttempt: Int64?

        public init(key: String, channel: String, state: State, attempts: Int, lastError: String? = nil, lastDetail: String? = nil,
                    lastAttempt: Int64? = nil) {
            self.key = key
            self.channel = channel
            self.state = state
            self.attempts = attempts
            self.lastError = lastError
            self.lastDetail = lastDetail
            self.lastAttempt = lastAttempt
        }
    }

    /// By channel, then key.
    public var entries: [Entry]

    /// How far back the log's notify events are read: a notification is done or expired within
    /// its channel's `max_age` (24 h by default), so the newest ones tell all that matters.
    public static let lookBack = 20_000

    /// The answer from notify events, oldest first. A notification is done when one of its attempts
    /// was delivered or suppressed, and an outage notice too when its recovery was delivered (the
    /// recovery told of it).
    public init(_ events: [(seq: UInt64, event: Event)]) {
        var latest: [String: Entry] = [:]
        var done: Set<String> = []
        func id(_ channel: String, _ key: String) -> String { channel + "\u{0}" + key }
        for (_, e) in events {
            guard case .notify(let n) = e.body else { continue }
            let k = id(n.channel, n.key)
            if n.ok || n.error == "suppressed" {
                done.insert(k)
                if n.ok, n.key.hasSuffix("/recovery") { done.insert(id(n.channel, String(n.key.dropLast("recovery".count)) + "outage")) }
                continue
            }
            latest[k] = Entry(key: n.key, channel: n.channel, state: n.error == "expired" ? .expired : .pending,
                              attempts: max(n.attempt, latest[k]?.attempts ?? 0),
                              lastError: n.error == "expired" ? latest[k]?.lastError ?? n.error : n.error,
                              lastDetail: n.error == "expired" ? latest[k]?.lastDetail : n.detail, lastAttempt: e.time.microseconds)
        }
        entries = latest.filter { !done.contains($0.key) }.values.sorted { ($0.channel, $0.key) < ($1.channel, $1.key) }
    }

    /// What is pending for a channel not among `running` (the config's channels) will not be tried:
    /// `removed` (docs/notify.md, "Reloads").
    public mutating func markRemoved(running: Set<String>) {
        for i in entries.indices where entries[i].state == .pending && !running.contains(entries[i].channel) { entries[i].state = .removed }
    }

    /// Adds the notifications due but never tried (pending, attempts 0) that are not listed yet.
    public mutating func addNeverTried(_ due: [Entry]) {
        var listed = Set(entries.map { [$0.channel, $0.key] })
        for e in due where listed.insert([e.channel, e.key]).inserted { entries.append(e) }
        entries.sort { ($0.channel, $0.key) < ($1.channel, $1.key) }
    }
}

extension Queries {
    /// The notifications not delivered, from the newest ``NotifyStatus/lookBack`` notify events.
    public func notifyStatus() throws -> NotifyStatus {
        let last = try store.lastSeq()
        let indexed = try store.indexedSeq()
        var found: [(seq: UInt64, event: Event)] = []
        let seqs = try store.seqs(of: .notify, from: 1, through: min(indexed, last), descending: true, limit: NotifyStatus.lookBack)
        try store.events(at: seqs.reversed()) { seq, e in found.append((seq, e)); return true }
        // The index may lag the log by a commit or two: the rest is read directly.
        if indexed < last {
            try store.forEach(from: indexed + 1) { seq, e in
                if case .notify = e.body { found.append((seq, e)) }
                return true
            }
        }
        return NotifyStatus(found)
    }
}
