import ISPMonCore
import Yams

/// `notify:` and `heartbeat:` (docs/config.md, docs/notify.md), as strictly as the rest: a key of
/// another kind, a missing required key, a duplicate name or a URL of the wrong scheme is an
/// error naming the line and the key.
extension ConfigParser {
    typealias Channel = MonitorConfig.NotifyChannel

    /// The keys every channel may have, and those of each kind.
    static let commonChannelKeys: Set<String> = ["name", "kind", "on", "min_interval", "max_age", "ca_file"]
    static let channelKeys: [Channel.Kind: Set<String>] = [
        .ntfy: ["url"],
        .webhook: ["url", "secret_file"],
        .email: ["smtp", "username", "password_file", "from", "to", "reports"],
        .sms: ["url", "account", "token_file", "from", "to"],
        .apprise: ["url", "tag"],
        .mqtt: ["url", "username", "password_file", "topic_prefix", "discovery_prefix"],
    ]

    func notify(_ node: Node) throws(ConfigError) -> [Channel] {
        guard case .sequence(let seq) = node else {
            throw error(node, "notify must be a list of channels (- name: phone, kind: ntfy, url: …)")
        }
        var channels: [Channel] = []
        var seen: [String: Int] = [:]
        for (i, item) in seq.enumerated() {
            let c = try channel(item, index: i)
            if let first = seen[c.name] {
                throw error(item, "duplicate notify channel name '\(c.name)' (first at line \(first))")
            }
            seen[c.name] = item.mark?.line ?? 0
            channels.append(c)
        }
        return channels
    }

    func channel(_ node: Node, index i: Int) throws(ConfigError) -> Channel {
        let allKeys = ConfigParser.channelKeys.values.reduce(ConfigParser.commonChannelKeys) { $0.union($1) }
        let m = try mapping(node, "notify[\(i)]", allowed: allKeys)
        guard let nameNode = m["name"] else { throw error(node, "notify[\(i)]: name is required") }
        let name = try string(nameNode, "notify[\(i)].name")
        guard EventJSON.isValidName(name) else {
            throw error(nameNode, "notify[\(i)].name: '\(name)' must be 1 to 64 of A-Z a-z 0-9 . _ -")
        }
        let at = "notify channel \(name)"
        guard let kindNode = m["kind"] else { throw error(node, "\(at): kind is required (\(ConfigParser.kindNames))") }
        let kindText = try string(kindNode, "\(at).kind")
        guard let kind = Channel.Kind(rawValue: kindText) else {
            throw error(kindNode, "\(at).kind: '\(kindText)' is not one of \(ConfigParser.kindNames)")
        }
        let allowed = ConfigParser.commonChannelKeys.union(ConfigParser.channelKeys[kind] ?? [])
        for (key, value) in m.entries where !allowed.contains(key) {
            throw error(value, "\(at).\(key): not used by kind \(kindText) (its keys: \(allowed.sorted().joined(separator: ", ")))")
        }
        var c = Channel(name: name, kind: kind)
        func text(_ key: String) throws(ConfigError) -> String? {
            guard let n = m[key] else { return nil }
            return try string(n, "\(at).\(key)")
        }
        func need(_ key: String) throws(ConfigError) -> Node {
            guard let n = m[key] else { throw error(node, "\(at): kind \(kindText) needs \(key)") }
            return n
        }
        if let n = m["on"] {
            guard case .sequence(let seq) = n, !seq.isEmpty else {
                throw error(n, "\(at).on must be a list of \(ConfigParser.triggerNames), e.g. [outage, recovery]")
            }
            var on: Set<Channel.Trigger> = []
            for item in seq {
                let t = try string(item, "\(at).on")
                guard let trigger = Channel.Trigger(rawValue: t), Channel.Trigger.onChoices.contains(trigger) else {
                    throw error(item, "\(at).on: '\(t)' is not one of \(ConfigParser.triggerNames)")
                }
                on.insert(trigger)
            }
            c.on = on
        }
        if let n = m["min_interval"] { c.minInterval = try duration(n, "\(at).min_interval") }
        if let n = m["max_age"] { c.maxAge = try duration(n, "\(at).max_age") }
        c.caFile = try text("ca_file")

        switch kind {
        case .ntfy, .webhook, .sms, .apprise:
            let n = try need("url")
            let url = try string(n, "\(at).url")
            guard HTTPURL(url) != nil else { throw error(n, "\(at).url: '\(url)' is not an http:// or https:// URL") }
            c.url = url
        case .mqtt:
            let n = try need("url")
            let url = try string(n, "\(at).url")
            guard ConfigParser.isURL(url, schemes: ["mqtt", "mqtts"]) else {
                throw error(n, "\(at).url: '\(url)' is not an mqtt:// or mqtts:// URL (host and optional port)")
            }
            c.url = url
        case .email:
            let n = try need("smtp")
            let url = try string(n, "\(at).smtp")
            guard ConfigParser.isURL(url, schemes: ["smtp", "smtps"]) else {
                throw error(n, "\(at).smtp: '\(url)' is not smtps://host[:port] (TLS) or smtp://host[:port] (STARTTLS)")
            }
            c.smtp = url
        }
        c.secretFile = try text("secret_file")
        c.username = try text("username")
        c.passwordFile = try text("password_file")
        if (c.username == nil) != (c.passwordFile == nil) {
            throw error(m["username"] ?? m["password_file"] ?? node, "\(at): username and password_file go together (both or neither)")
        }
        if kind == .email || kind == .sms {
            let fromNode = try need("from")
            c.from = try string(fromNode, "\(at).from")
            let toNode = try need("to")
            c.to = try strings(toNode, "\(at).to")
            for (j, address) in c.to.enumerated() {
                let bad = kind == .email ? !ConfigParser.isMailAddress(address) : !ConfigParser.isPhoneNumber(address)
                if bad {
                    let itemNode: Node = { if case .sequence(let s) = toNode, j < s.count { return s[j] } else { return toNode } }()
                    throw error(itemNode, "\(at).to: '\(address)' is not \(kind == .email ? "an email address" : "a phone number like +15551234567")")
                }
            }
            if kind == .email, let from = c.from, !ConfigParser.isMailAddress(from) {
                throw error(fromNode, "\(at).from: '\(from)' is not an email address")
            }
        }
        if let n = m["reports"] {
            c.reports = Set(try strings(n, "\(at).reports").map { r throws(ConfigError) in
                guard let report = Channel.Report(rawValue: r) else { throw error(n, "\(at).reports: '\(r)' is not weekly or monthly") }
                return report
            })
        }
        if kind == .sms {
            c.account = try string(try need("account"), "\(at).account")
            c.tokenFile = try string(try need("token_file"), "\(at).token_file")
        }
        c.tag = try text("tag")
        for (key, assign) in [("topic_prefix", true), ("discovery_prefix", false)] {
            guard let n = m[key] else { continue }
            let prefix = try string(n, "\(at).\(key)")
            guard ConfigParser.isTopicPrefix(prefix) else {
                throw error(n, "\(at).\(key): '\(prefix)' is not an MQTT topic of A-Z a-z 0-9 . _ - separated by /")
            }
            if assign { c.topicPrefix = prefix } else { c.discoveryPrefix = prefix }
        }
        return c
    }

    func heartbeat(_ node: Node) throws(ConfigError) -> MonitorConfig.Heartbeat {
        let m = try mapping(node, "heartbeat", allowed: ["url", "interval", "ca_file"])
        guard let urlNode = m["url"] else { throw error(node, "heartbeat: url is required") }
        let text = try string(urlNode, "heartbeat.url")
        guard let url = HTTPURL(text) else { throw error(urlNode, "heartbeat.url: '\(text)' is not an http:// or https:// URL") }
        var h = MonitorConfig.Heartbeat(url: url)
        if let n = m["interval"] {
            h.interval = try duration(n, "heartbeat.interval")
            guard h.interval >= 1_000_000 else { throw error(n, "heartbeat.interval must be at least 1s") }
        }
        if let n = m["ca_file"] { h.caFile = try string(n, "heartbeat.ca_file") }
        return h
    }

    /// A list of values, or one value as a list of one.
    func strings(_ node: Node, _ what: String) throws(ConfigError) -> [String] {
        if case .scalar = node { return [try string(node, what)] }
        guard case .sequence(let seq) = node, !seq.isEmpty else { throw error(node, "\(what) must be a value or a list of values") }
        return try seq.map { item throws(ConfigError) in try string(item, what) }
    }

    static let kindNames = Channel.Kind.allCases.map(\.rawValue).joined(separator: ", ")
    static let triggerNames = Channel.Trigger.onChoices.map(\.rawValue).joined(separator: ", ")

    /// `scheme://host[:port]` with an optional path: a host name or address, a port 1 to 65535.
    static func isURL(_ text: String, schemes: Set<String>) -> Bool {
        let parts = text.split(separator: "://", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, schemes.contains(String(parts[0])) else { return false }
        // The same authority rules as an http URL's.
        guard let url = HTTPURL("http://" + parts[1]) else { return false }
        return HostName.isPlausible(url.host) || HostName.isStrictAddress(url.host)
    }

    static func isMailAddress(_ s: String) -> Bool {
        let parts = s.split(separator: "@", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && !parts[1].isEmpty
            && s.unicodeScalars.allSatisfy { $0.value > 0x20 && $0 != "<" && $0 != ">" && $0 != "," && $0.value != 0x7F }
    }

    static func isPhoneNumber(_ s: String) -> Bool {
        let digits = s.hasPrefix("+") ? s.dropFirst() : Substring(s)
        return (3...20).contains(digits.count) && digits.allSatisfy { $0.isASCII && $0.isNumber }
    }

    static func isTopicPrefix(_ s: String) -> Bool {
        s.unicodeScalars.count <= 128 && s.split(separator: "/", omittingEmptySubsequences: false).allSatisfy { level in
            !level.isEmpty && level.unicodeScalars.allSatisfy(MonitorConfig.isSiteCharacter)
        }
    }
}
