public import ISPMonConfig

/// What the server allows one connection, one client address and all connections together,
/// beyond what Hummingbird's HTTP/1 channel limits already (headers, bodies, idle time): the
/// defence against many connections and slow clients (docs/http.md, "Connection limits").
/// From the config's `web:` (`max_connections`, `max_connections_per_address`,
/// `request_timeout`, `write_timeout`; their defaults and why are in ``MonitorConfig/Web``);
/// tests shorten the deadlines below a second (`ispmon` reads `ISPMON_WEB_REQUEST_TIMEOUT_MS`
/// and `ISPMON_WEB_WRITE_TIMEOUT_MS`).
public struct ConnectionLimits: Sendable {
    /// Connections open at once; one more is closed at once, unserved.
    public var maxConnections: Int
    /// Connections open at once from one client address (loopback excepted: the reverse proxy
    /// beside ispmon, whose clients all have its address); one more from it is closed at once.
    public var maxConnectionsPerAddress: Int
    /// How long a client has to send a whole request, head and body, counted from when it
    /// connects or from the end of its previous response (keep-alive). Answering takes as long
    /// as it takes (the live stream forever): only the client's own slowness counts.
    public var requestTimeout: Duration
    /// How long an answer may wait for a client that reads none of it (the connection's
    /// buffers full, the server's and the kernel's) before the connection is closed.
    public var writeTimeout: Duration

    /// The limits `web` sets (the defaults when it sets none).
    public init(_ web: MonitorConfig.Web = MonitorConfig.Web()) {
        maxConnections = web.maxConnections
        maxConnectionsPerAddress = web.maxConnectionsPerAddress
        requestTimeout = .microseconds(web.requestTimeout)
        writeTimeout = .microseconds(web.writeTimeout)
    }
}
