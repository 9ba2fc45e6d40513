public import ISPMonCore
public import ISPMonConfig

/// What is pending for each channel and what to do next (docs/notify.md): the notifier's
/// decisions, without I/O. It is told the notifications the log made due (``add(_:)``) and every
/// attempt's outcome (``record(_:at:)``, from the notify events, the same ones again when the log is
/// read after a restart), and answers what a channel should do now (``next(for:now:)``) and when
/// to ask again (``wake(for:)``). Time is given, never read: tests drive it with a fake clock.
///
/// The rules: every notification is pending until delivered, expired (`max_age` after it
/// happened) or suppressed; a failed one is retried 5 s, 10 s, 20 s … at most 5 min apart
/// (``RetrySchedule``); when an outage and its recovery are both pending, only the recovery goes
/// out, saying the outage notice was held back; at most one outage message per `min_interval`
/// (counted from the outages' starts), the others suppressed and counted in the channel's next
/// message; a recovery is never held back.
public struct Outbox: Sendable {
    /// A channel as the outbox sees it.
    public struct Channel: Sendable, Hashable {
        public var name: String
        public var on: Set<DueNotification.Trigger>
        public var minInterval: Int64
        public var maxAge: Int64
        /// Only what the log made due after this sequence number is this channel's (where the log
        /// ended when the channel was first seen).
        public var since: UInt64
        /// The reports it is sent when a week or month ends (an email channel's `reports:`).
        public var reports: Set<MonitorConfig.NotifyChannel.Report>

        public init(name: String, on: Set<DueNotification.Trigger>, minInterval: Int64, maxAge: Int64, since: UInt64,
                    reports: Set<MonitorConfig.NotifyChannel.Report> = []) {
            self.name = name
            self.on = on
            self.minInterval = minInterval
            self.maxAge = maxAge
            self.since = since
            self.reports = reports
        }

        public init(_ config: MonitorConfig.NotifyChannel, since: UInt64) {
            self.init(name: config.name, on: config.on, minInterval: config.minInterval, maxAge: config.maxAge, since: since,
                      reports: config.kind == .email ? config.reports : [])
        }

        /// Whether `due` is this channel's to send (its history aside).
        func wants(_ due: DueNotification) -> Bool {
            if let report = due.report { return reports.contains(report.cadence) }
            return on.contains(due.trigger)
        }
    }

    /// One notification pending for one channel.
    public struct Pending: Sendable, Hashable {
        public var due: DueNotification
        /// Attempts recorded so far.
        public var attempts: Int
        public var lastError: String?
        public var lastDetail: String?
        /// Not before: now for a new one, the retry's time after a failure.
        public var notBefore: Timestamp
        /// Flap control held it back: the next action records that.
        public var suppress: Bool
        /// Handed out by ``next(for:now:)`` and not yet recorded.
        public var inFlight: Bool
    }

    /// What a channel does next.
    public enum Action: Sendable, Hashable {
        /// Send it: `attempt` is its number. `heldBackOutage`: a recovery whose outage notice was
        /// never delivered (the message says so). `suppressed`: outage notices flap control held
        /// back since the channel's last message.
        case deliver(DueNotification, attempt: Int, heldBackOutage: Bool, suppressed: Int)
        /// Record `error: expired` (attempt `attempt`): it is older than `max_age`.
        case expire(DueNotification, attempt: Int)
        /// Record `error: suppressed`: flap control holds this outage notice back.
        case suppress(DueNotification, attempt: Int)

        public var due: DueNotification {
            switch self {
            case .deliver(let d, _, _, _), .expire(let d, _), .suppress(let d, _): d
            }
        }

        /// The notify event that records it on `channel`, for the actions that are records, not attempts.
        public func record(channel: String) -> NotifyAttempt? {
            switch self {
            case .deliver: nil
            case .expire(let d, let n): NotifyAttempt(key: d.key, channel: channel, attempt: n, error: "expired")
            case .suppress(let d, let n): NotifyAttempt(key: d.key, channel: channel, attempt: n, error: "suppressed",
                                                      detail: "another outage notice was due less than min_interval before")
            }
        }
    }

    struct ChannelState: Sendable {
        var channel: Channel
        /// By key.
        var pending: [String: Pending] = [:]
        /// The keys in the order they became due; settled ones are skipped, and dropped now and
        /// then (``compact()``), so that settling one costs nothing however long the backlog.
        var order: [String] = []
        /// The start of the last outage this channel was to be told of (not suppressed).
        var lastOutageNotice: Timestamp?
        /// Outage notices suppressed since the channel's last delivered message.
        var suppressedSinceMessage = 0
    }

    var channels: [String: ChannelState] = [:]

    public init(channels: [Channel]) {
        for c in channels { self.channels[c.name] = ChannelState(channel: c) }
    }

    public var channelNames: [String] { channels.keys.sorted() }

    /// Changes one channel's state in place: taken out of the dictionary while it changes, so that
    /// its pending notifications are never copied (a backlog of thousands stays cheap to work on).
    @discardableResult
    mutating func update<R>(_ name: String, _ body: (inout ChannelState) -> R) -> R? {
        guard var s = channels.removeValue(forKey: name) else { return nil }
        defer { channels[name] = s }
        return body(&s)
    }

    /// A notification the log made due: pending for every channel whose `on:` names its trigger
    /// and that was there when it happened.
    public mutating func add(_ due: DueNotification) {
        for name in Array(channels.keys) { update(name) { $0.add(due) } }
    }

    /// An attempt's outcome (a `notify` event), from the channel's worker or read back from the
    /// log: an attempt already recorded is ignored, so reading the same events twice changes nothing.
    public mutating func record(_ attempt: NotifyAttempt, at time: Timestamp) {
        update(attempt.channel) { $0.record(attempt, at: time) }
    }

    /// An attempt handed out by ``next(for:now:)`` that ended without an outcome to record (the
    /// notifier is stopping, or the log took no event): it is pending as before.
    public mutating func release(_ key: String, channel: String) {
        update(channel) { $0.pending[key]?.inFlight = false }
    }

    /// What `channel` should do at `now`, if anything: the oldest notification that is due.
    /// What it hands out is in flight until its outcome is recorded.
    public mutating func next(for channel: String, now: Timestamp) -> Action? {
        update(channel) { $0.next(now: now) } ?? nil
    }

    /// The earliest time `channel` has something to do (a retry, an expiry); nil: nothing pending.
    public func wake(for channel: String) -> Timestamp? {
        channels[channel]?.wake()
    }

    /// What is pending for `channel`, oldest first.
    public func pending(for channel: String) -> [Pending] {
        guard let s = channels[channel] else { return [] }
        return s.order.compactMap { s.pending[$0] }
    }

    /// The smallest sequence number a pending notification came from: the log before it holds
    /// nothing the outbox still needs (where the notifier's cursor may move).
    public var oldestPendingSeq: UInt64? {
        channels.values.compactMap { $0.pending.values.lazy.map(\.due.seq).min() }.min()
    }

    /// A channel a reload added: nothing pending, told of what the log makes due after its `since`.
    public mutating func addChannel(_ channel: Channel) {
        channels[channel.name] = ChannelState(channel: channel)
    }

    /// A channel a reload removed: what was pending for it is no longer kept.
    public mutating func removeChannel(_ name: String) {
        channels.removeValue(forKey: name)
    }

    /// A channel whose settings a reload changed (or not): its `on:`, `min_interval`, `max_age`
    /// and `reports:` apply from now on; what is pending stays, and so does its `since`.
    public mutating func reconfigure(_ config: MonitorConfig.NotifyChannel) {
        update(config.name) { $0.channel = Channel(config, since: $0.channel.since) }
    }

    /// Flap control's memory, for a restart: the start of the last outage notice and the notices
    /// suppressed since the last message, as the log before the cursor left them.
    public mutating func seed(channel: String, lastOutageNotice: Timestamp?, suppressedSinceMessage: Int) {
        update(channel) { s in
            s.lastOutageNotice = lastOutageNotice
            s.suppressedSinceMessage = suppressedSinceMessage
        }
    }
}

extension Outbox.ChannelState {
    mutating func add(_ due: DueNotification) {
        guard channel.wants(due), due.seq > channel.since, pending[due.key] == nil else { return }
        var p = Outbox.Pending(due: due, attempts: 0, lastError: nil, lastDetail: nil, notBefore: due.time, suppress: false, inFlight: false)
        if due.trigger == .outage {
            if let last = lastOutageNotice, due.time.microseconds - last.microseconds < channel.minInterval {
                p.suppress = true
            } else {
                lastOutageNotice = due.time
            }
        }
        pending[due.key] = p
        order.append(due.key)
    }

    mutating func record(_ attempt: NotifyAttempt, at time: Timestamp) {
        guard var p = pending[attempt.key], attempt.attempt > p.attempts else { return }
        if attempt.error == "suppressed" { suppressedSinceMessage += 1 }
        p.attempts = attempt.attempt
        p.inFlight = false
        p.lastError = attempt.error
        p.lastDetail = attempt.detail
        switch attempt.error {
        case nil:
            suppressedSinceMessage = 0
            remove(attempt.key)
            // A delivered recovery told of its outage too.
            if p.due.trigger == .recovery, let id = p.due.outage { remove(DueNotification.outageKey(id)) }
        case "expired"?, "suppressed"?:
            remove(attempt.key)
        default:
            p.notBefore = Timestamp(microseconds: time.microseconds + RetrySchedule.delay(afterAttempt: attempt.attempt))
            pending[attempt.key] = p
        }
    }

    /// An outage notice whose recovery is pending: held back, the recovery tells of it.
    func isHeldBack(_ p: Outbox.Pending) -> Bool {
        p.due.trigger == .outage && p.due.outage.map { pending[DueNotification.recoveryKey($0)] != nil } == true
    }

    mutating func next(now: Timestamp) -> Outbox.Action? {
        compact()
        for key in order {
            guard var p = pending[key], !p.inFlight else { continue }
            let action: Outbox.Action
            if now.microseconds - p.due.time.microseconds >= channel.maxAge {
                action = .expire(p.due, attempt: p.attempts + 1)
            } else if p.suppress {
                action = .suppress(p.due, attempt: p.attempts + 1)
            } else if isHeldBack(p) {
                continue
            } else if p.notBefore <= now {
                let heldBack = p.due.trigger == .recovery && p.due.outage.map { pending[DueNotification.outageKey($0)] != nil } == true
                action = .deliver(p.due, attempt: p.attempts + 1, heldBackOutage: heldBack, suppressed: suppressedSinceMessage)
            } else {
                continue
            }
            p.inFlight = true
            pending[key] = p
            return action
        }
        return nil
    }

    func wake() -> Timestamp? {
        var earliest: Int64?
        for p in pending.values where !p.inFlight {
            let expiry = p.due.time.microseconds + channel.maxAge
            let t = p.suppress ? p.notBefore.microseconds : isHeldBack(p) ? expiry : min(p.notBefore.microseconds, expiry)
            earliest = min(earliest ?? t, t)
        }
        return earliest.map(Timestamp.init(microseconds:))
    }

    mutating func remove(_ key: String) {
        pending.removeValue(forKey: key)
    }

    /// Drops settled keys from `order` once they are most of it.
    mutating func compact() {
        guard order.count > 64, order.count > 2 * pending.count else { return }
        order.removeAll { pending[$0] == nil }
    }
}
