/// Whether a host name or address is this machine's loopback: the one place a receiver may be
/// reached without TLS even where the protocol has it (SMTP's STARTTLS).
enum LoopbackHost {
    static func contains(_ host: String) -> Bool {
        let h = host.lowercased()
        return h == "localhost" || h.hasSuffix(".localhost") || h == "::1" || h == "[::1]"
            || (h.hasPrefix("127.") && h.split(separator: ".").count == 4 && h.allSatisfy { $0.isNumber || $0 == "." })
    }
}

/// `scheme://[user@]host[:port]/…` split into its scheme, host (without an IPv6 literal's
/// brackets) and port; nil when it is not that shape.
struct ReceiverAddress: Sendable, Equatable {
    var scheme: String
    var host: String
    var port: Int?

    init?(_ url: String) {
        let parts = url.split(separator: "://", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2 else { return nil }
        scheme = parts[0].lowercased()
        var authority = parts[1].prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return nil }
            host = String(authority[authority.index(after: authority.startIndex)..<close])
            let after = authority[authority.index(after: close)...]
            if after.hasPrefix(":") {
                guard let p = Int(after.dropFirst()), (1...65535).contains(p) else { return nil }
                port = p
            } else if !after.isEmpty {
                return nil
            }
        } else if let colon = authority.lastIndex(of: ":") {
            guard let p = Int(authority[authority.index(after: colon)...]), (1...65535).contains(p) else { return nil }
            port = p
            host = String(authority[..<colon])
        } else {
            host = String(authority)
        }
        guard !host.isEmpty, !scheme.isEmpty, host.allSatisfy({ !$0.isWhitespace }) else { return nil }
    }
}
