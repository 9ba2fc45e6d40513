/// What the server allows one connection, one client address and all connections together,
/// beyond what Hummingbird's HTTP/1 channel limits already (headers, bodies, idle time): the
/// defence against many connections and slow clients (docs/http.md, "Limits"). Not in the
/// config: the defaults suit a home; tests shorten the deadlines (`ispmon` reads
/// `ISPMON_WEB_REQUEST_TIMEOUT_MS` and `ISPMON_WEB_WRITE_TIMEOUT_MS`).
public struct ConnectionLimits: Sendable {
    /// Connections open at once; one more is closed at once, unserved. Far above what a
    /// home's browsers and scrapers open (a browser opens about six), far below the
    /// descriptors the process may have.
    public var maxConnections = 256
    /// Connections open at once from one client address (loopback excepted: the reverse proxy
    /// beside ispmon, whose clients all have its address); one more from it is closed at once.
    /// A browser opens at most six to a server, so an address rarely needs more than a dozen
    /// (two browsers and a scraper); 32 keeps one device, however hostile, to an eighth of
    /// ``maxConnections``, so that seven others still get in.
    public var maxConnectionsPerAddress = 32
    /// How long a client has to send a whole request, head and body, counted from when it
    /// connects or from the end of its previous response (keep-alive). Answering takes as long
    /// as it takes (the live stream forever): only the client's own slowness counts.
    public var requestTimeout: Duration = .seconds(10)
    /// How long an answer may wait for a client that reads none of it (the connection's
    /// buffer full, 64 KiB and the kernel's) before the connection is closed.
    public var writeTimeout: Duration = .seconds(30)

    public init() {}
}
