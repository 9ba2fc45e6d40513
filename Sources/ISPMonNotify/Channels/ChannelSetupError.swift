/// A channel that cannot be made: its name and why (a secret file missing, empty or unreadable,
/// a setting its kind needs). The `notify` event's code for it is `secret` or `config`.
public struct ChannelSetupError: Error, Sendable, Equatable, CustomStringConvertible {
    public var channel: String
    public var message: String
    public var code = "secret"

    public init(channel: String, message: String, code: String = "secret") {
        self.channel = channel
        self.message = message
        self.code = code
    }

    public var description: String { "notify channel '\(channel)': \(message)" }

    /// The same, as an attempt's failure.
    public var deliveryError: DeliveryError { DeliveryError(code: code, detail: description) }
}
