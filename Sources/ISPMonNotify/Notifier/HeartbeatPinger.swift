/// The heartbeat's request (`heartbeat:`, docs/notify.md): one GET of the configured URL, blocking
/// for at most its timeout. The notifier calls it on its own thread while connectivity is up.
public protocol HeartbeatPinger: Sendable {
    /// One ping: the receiver's answer in a line, or why it failed.
    func ping() throws(DeliveryError) -> String
}

/// The GET of `heartbeat:` (HeartbeatPing.swift) is what the notifier pings with.
extension HeartbeatPing: HeartbeatPinger {}
