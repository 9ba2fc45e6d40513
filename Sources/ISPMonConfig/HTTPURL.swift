/// `http://host[:port]/path` or `https://…`, parsed once.
public struct HTTPURL: Sendable, Equatable, CustomStringConvertible {
    public var secure: Bool
    public var host: String
    public var port: UInt16
    public var path: String
    public var description: String {
        let defaultPort: UInt16 = secure ? 443 : 80
        return (secure ? "https://" : "http://") + (host.contains(":") ? "[\(host)]" : host)
            + (port == defaultPort ? "" : ":\(port)") + path
    }

    public init?(_ text: String) {
        let rest: Substring
        if text.hasPrefix("http://") {
            secure = false
            rest = text.dropFirst(7)
        } else if text.hasPrefix("https://") {
            secure = true
            rest = text.dropFirst(8)
        } else {
            return nil
        }
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        var p = String(rest.dropFirst(authority.count).prefix { $0 != "#" })
        if p.isEmpty || p.hasPrefix("?") { p = "/" + p }
        path = p
        port = secure ? 443 : 80
        var h = Substring(authority)
        if h.hasPrefix("[") {  // [IPv6]:port
            guard let close = h.firstIndex(of: "]") else { return nil }
            let after = h[h.index(after: close)...]
            h = h[h.index(after: h.startIndex)..<close]
            if after.hasPrefix(":") {
                guard let n = UInt16(after.dropFirst()), n > 0 else { return nil }
                port = n
            } else if !after.isEmpty {
                return nil
            }
        } else if let colon = h.lastIndex(of: ":") {
            guard let n = UInt16(h[h.index(after: colon)...]), n > 0 else { return nil }
            port = n
            h = h[..<colon]
        }
        guard !h.isEmpty, !h.contains("@"), h.allSatisfy({ !$0.isWhitespace }) else { return nil }
        host = String(h)
    }
}
