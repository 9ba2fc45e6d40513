/// What sends the settings page's test messages: the notifier's own channel code, which the
/// executable hands to the server (the server itself holds no channel code), as it hands over the
/// tools' ``AdHocChecks``. `sendTest` blocks for at most the channel's own limit (10 s): the
/// server calls it on a thread of its own, never on an event loop.
public protocol NotificationTester: Sendable {
    /// Sends a test message through the configured channel named `channel`, now, and says what
    /// the receiver answered. Nothing is written to the log.
    func sendTest(channel: String) -> NotificationTestOutcome
}

/// What a test message came to, in words that hold no secret: the receiver's answer or why there
/// was none (`ispmon notify test` prints it, the settings page shows it).
public enum NotificationTestOutcome: Sendable, Equatable, CustomStringConvertible {
    /// The receiver took it: `key` is the test's idempotency key (`test/…`), `answer` the receiver's
    /// answer in a line (`HTTP 200 …`, `SMTP 250 …`).
    case delivered(channel: String, key: String, answer: String)
    /// The config has no channel of that name; `known`: the names it has.
    case unknownChannel(String, known: [String])
    /// The channel could not be made (a secret file missing or unreadable, a setting its kind needs):
    /// nothing was sent. `reason` names the channel, the key and the file.
    case notSetUp(channel: String, reason: String)
    /// The receiver refused it or could not be reached: `error` is the attempt's code and detail
    /// (`http-status: HTTP 500 …`, `timeout: …`).
    case notDelivered(channel: String, key: String, error: String)

    public var delivered: Bool {
        if case .delivered = self { return true }
        return false
    }

    public var description: String {
        switch self {
        case let .delivered(channel, key, answer): "\(channel): delivered \(key): \(answer)"
        case let .unknownChannel(name, known):
            "no notify channel '\(name)' in the config" + (known.isEmpty ? " (it has none)" : " (its channels: \(known.joined(separator: ", ")))")
        case let .notSetUp(_, reason): reason
        case let .notDelivered(channel, _, error): "notify channel '\(channel)': not delivered: \(error)"
        }
    }
}
