/// One configured receiver of notifications (docs/notify.md), of one kind. `deliver` makes one
/// attempt: it returns when the receiver accepted the message or throws why not. It blocks the
/// calling thread for at most the channel's timeout (10 s), so the notifier calls it on its own
/// threads, never the probes' and never an event loop.
public protocol NotificationChannel: Sendable {
    /// The channel's name from the config.
    var name: String { get }
    /// One attempt; the receiver's answer in a line for `ispmon notify test`.
    func deliver(_ notification: Notification) throws(DeliveryError) -> String
}

/// Why an attempt failed: `code` is the `notify` event's `error` (`[a-z0-9-]{1,32}`, as for
/// probes: `timeout`, `refused`, `tls`, `http-status`, `smtp`, `mqtt`, …), `detail` the
/// receiver's answer or the library's words, never a secret.
public struct DeliveryError: Error, Sendable, Equatable, CustomStringConvertible {
    public var code: String
    public var detail: String

    public init(code: String, detail: String) {
        self.code = code
        self.detail = detail
    }

    public var description: String { detail.isEmpty ? code : "\(code): \(detail)" }
}
