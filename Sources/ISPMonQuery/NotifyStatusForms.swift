extension JSONForms {
    /// `ispmon notify status --json` (docs/cli.md): `{"channels": [{"name", "entries": [{"key",
    /// "state", "attempts", "last_attempt", "error", "detail"}]}]}`; `channels` names the configured
    /// ones first, each once, then any other the log names.
    public static func notifyStatus(_ status: NotifyStatus, channels: [String]) -> [UInt8] {
        var root = JSONObject()
        root.raw("channels", JSONArray.bytes(status.channelNames(configured: channels).map { name in
            var c = JSONObject()
            c.string("name", name)
            c.raw("entries", JSONArray.bytes(status.entries.filter { $0.channel == name }.map { e in
                var o = JSONObject()
                o.string("key", e.key)
                o.string("state", e.state.rawValue)
                o.int("attempts", Int64(e.attempts))
                o.time("last_attempt", e.lastAttempt)
                o.string("error", e.lastError)
                o.string("detail", e.lastDetail)
                return o.finished()
            }))
            return c.finished()
        }))
        return root.finished()
    }
}

extension NotifyStatus {
    /// The channels to list: the configured ones first, each once, then any other the log names.
    public func channelNames(configured: [String]) -> [String] {
        (configured + entries.map(\.channel)).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
    }
}
