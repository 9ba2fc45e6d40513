/// What every HTTP request of a channel carries besides its kind's own headers: the
/// notification's key, so that a receiver can tell a repeat (docs/notify.md). (`User-Agent` is
/// the transport's.)
enum ChannelHeaders {
    static func idempotency(_ key: String) -> String {
        "Idempotency-Key: " + HeaderValue.clean(key)
    }
}

/// A header's value as it may be written: no line breaks (no header injection), and text other
/// than printable ASCII as an RFC 2047 encoded word, which ntfy and mail readers decode.
enum HeaderValue {
    static func clean(_ value: String) -> String { MailMessage.clean(value) }
    static func text(_ value: String) -> String { MailMessage.encodedWord(value) }
}
