extension MonitorConfig {
    /// The web UI and HTTP API (docs/http.md), served by `ispmon run` and `ispmon serve`.
    public struct Web: Sendable, Equatable {
        /// Where to listen; nil: `off`.
        public var listen: Listen? = Listen(host: "::", port: 8080)
        /// A read-only status page at /status that needs no sign-in.
        public var publicStatus = false
        /// Addresses that may scrape /metrics without a token (numeric, as the peer's address reads).
        public var metricsAllow: [String] = []
        /// Names the server answers to besides its addresses, `localhost` and this machine's
        /// host name (a `Host` of any other name is `421`: DNS rebinding).
        public var hosts: [String] = []
        /// Whether the tools may check this machine, loopback, link-local and unspecified addresses.
        public var toolsAllowLocal = false
        /// HTTPS instead of HTTP: both or neither.
        public var tlsCert: String?
        public var tlsKey: String?
        public init() {}

        public struct Listen: Sendable, Equatable, CustomStringConvertible {
            public var host: String
            public var port: Int
            public init(host: String, port: Int) {
                self.host = host
                self.port = port
            }
            public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

            /// `host:port`, `[v6]:port` or `:port` (every address); port 0 lets the kernel choose (tests); nil
            /// when it is none of these.
            public init?(_ text: String) {
                var host: Substring
                var port: Substring
                if text.hasPrefix("[") {
                    guard let close = text.firstIndex(of: "]") else { return nil }
                    host = text[text.index(after: text.startIndex)..<close]
                    let rest = text[text.index(after: close)...]
                    guard rest.hasPrefix(":") else { return nil }
                    port = rest.dropFirst()
                } else {
                    guard let colon = text.lastIndex(of: ":"), !text[..<colon].contains(":") else { return nil }
                    host = text[..<colon]
                    port = text[text.index(after: colon)...]
                }
                if host.isEmpty { host = "::" }
                guard let p = Int(port), (0...65_535).contains(p), port.allSatisfy(\.isASCII),
                      host.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "." || $0 == ":" || $0 == "-" }) else { return nil }
                self.host = String(host)
                self.port = p
            }
        }
    }
}
