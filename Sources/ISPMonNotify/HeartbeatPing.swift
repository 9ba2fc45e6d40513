public import ISPMonConfig

/// The dead-man's switch's ping (`heartbeat:`, docs/notify.md): one GET of the URL, within 10 s,
/// good when the answer is a 2xx. The notifier schedules it while connectivity is up.
public struct HeartbeatPing: Sendable {
    public let url: String
    public let caFile: String?

    public init(_ heartbeat: MonitorConfig.Heartbeat) {
        url = heartbeat.url.description
        caFile = heartbeat.caFile
    }

    /// One ping; the answer in a line, or why it failed (a log line, not an event).
    public func ping() throws(DeliveryError) -> String {
        try HTTPTransport.send(HTTPRequest(method: "GET", url: url, caFile: caFile)).requireSuccess().summary
    }
}
