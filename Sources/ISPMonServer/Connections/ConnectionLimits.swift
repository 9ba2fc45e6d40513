/// What the server allows one connection, and all of them together, beyond what
/// Hummingbird's HTTP/1 channel limits already (headers, bodies, idle time): the defence
/// against many connections and slow clients (docs/http.md, "Limits"). Not in the config:
/// the defaults suit a home; tests shorten the head deadline (`ispmon` reads
/// `ISPMON_WEB_HEAD_TIMEOUT_MS`).
public struct ConnectionLimits: Sendable {
    /// Connections open at once; one more is closed at once, unserved. Far above what a
    /// home's browsers and scrapers open (a browser opens about six), far below the
    /// descriptors the process may have.
    public var maxConnections = 256
    /// How long a client has to send a whole request head, counted from when it connects or
    /// from the end of its previous response (keep-alive). Answering takes as long as it
    /// takes (the live stream forever): only the client's own slowness counts.
    public var headTimeout: Duration = .seconds(10)

    public init() {}
}
