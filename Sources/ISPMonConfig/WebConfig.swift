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
        /// Connections open at once, in all; one more is closed at once, unserved. Far above
        /// what a home's browsers and scrapers open (a browser opens about six), far below the
        /// descriptors the process may have (docs/http.md, "Connection limits").
        public var maxConnections = 256
        /// Connections open at once from one client address (loopback excepted: the reverse
        /// proxy beside ispmon, whose clients all have its address). A browser opens at most six
        /// to a server, so an address rarely needs more than a dozen (two browsers and a
        /// scraper); 32 keeps one device, however hostile, to an eighth of ``maxConnections``,
        /// so that seven others still get in.
        public var maxConnectionsPerAddress = 32
        /// How long a client has to send a whole request, head and body, in µs: 10 s, far more
        /// than any client on a home network needs, far less than a trickling client would like.
        public var requestTimeout: Int64 = 10_000_000
        /// How long an answer waits for a client that reads none of it, in µs.
        public var writeTimeout: Int64 = 30_000_000
        /// The bounds of the keys above (docs/config.md): caps that a browser's six connections
        /// and a live stream fit under, at most 4096 connections (each is a descriptor: beyond
        /// about 900 the usual soft limit of 1024 must be raised too, which docs/config.md says),
        /// and deadlines of a second to ten minutes.
        public static let connectionsRange = 16...4096
        public static let perAddressRange = 4...4096
        public static let timeoutRange: ClosedRange<Int64> = 1_000_000...600_000_000
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
