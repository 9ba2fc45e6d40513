/// The heartbeat's request (`heartbeat:`, docs/notify.md): one GET of the configured URL, blocking
/// for at most its timeout. The notifier calls it on its own thread while connectivity is up.
public protocol HeartbeatPinger: Sendable {
    func ping() throws(DeliveryError)
}
