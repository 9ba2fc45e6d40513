public import ISPMonCore

/// When the heartbeat pings (docs/notify.md): every `interval` while connectivity is up, none
/// while it is down or not yet known, and at once when it comes back up (the outside service
/// hears that the site is back). Pure: the notifier tells it the internet layer's state as the
/// views change and asks it with the time.
public struct HeartbeatSchedule: Sendable, Hashable {
    public var interval: Int64
    public private(set) var up = false
    /// The next ping's time while up.
    public private(set) var next: Timestamp?

    public init(interval: Int64) {
        self.interval = max(1, interval)
    }

    /// The internet layer's state changed.
    public mutating func connectivity(_ condition: Projection.Condition, at now: Timestamp) {
        let isUp = condition == .up
        if isUp && !up { next = now }
        if !isUp { next = nil }
        up = isUp
    }

    /// A ping is due at `now`.
    public func isDue(now: Timestamp) -> Bool { next.map { $0 <= now } ?? false }

    /// A ping was made at `now` (whatever its outcome: a failure is a log line, not a reason to hurry).
    public mutating func pinged(at now: Timestamp) {
        guard up else { return }
        next = Timestamp(microseconds: now.microseconds + interval)
    }
}
