#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
public import ISPMonCore
public import ISPMonConfig
import Foundation

/// What the server is told by the config's `web:` section (docs/config.md), with the
/// command line's `--listen` already applied.
public struct WebSettings: Sendable {
    public var listen: MonitorConfig.Web.Listen
    public var publicStatus = false
    public var metricsAllow: [String] = []
    /// `web.hosts`: names answered besides the addresses, `localhost` and the host name.
    public var hosts: [String] = []
    public var tlsCert: String?
    public var tlsKey: String?
    /// This site's name (config `site:`, else the host name), in the pages' titles.
    public var site = "ispmon"
    /// What the ISP sells (config `plan:`), drawn on the speed-test chart.
    public var plan: ServicePlan?
    /// The config's notification channels, for the settings page (names, kinds and triggers only).
    public var notifyChannels: [MonitorConfig.NotifyChannel] = []
    /// How old the newest result may be before the overview says "Not monitoring" (three times
    /// the longest probe interval of the config's targets, in µs); nil: no targets known.
    public var staleAfter: Int64?
    /// Connections at once (in all, per address) and the request and write deadlines (`web.max_connections`,
    /// `web.max_connections_per_address`, `web.request_timeout`, `web.write_timeout`; docs/http.md, "Connection limits").
    public var limits = ConnectionLimits()
    /// What "now" is to the server (tests set it).
    public var clock = WallClock.system

    public init(listen: MonitorConfig.Web.Listen) { self.listen = listen }

    public init(_ web: MonitorConfig.Web, listen: MonitorConfig.Web.Listen) {
        self.listen = listen
        publicStatus = web.publicStatus
        metricsAllow = web.metricsAllow
        hosts = web.hosts
        tlsCert = web.tlsCert
        tlsKey = web.tlsKey
        limits = ConnectionLimits(web)
    }

    /// Whether two numeric addresses are the same host (an IPv4 peer of a `[::]` socket
    /// reads as `::ffff:192.0.2.5`).
    static func sameAddress(_ a: String, _ b: String) -> Bool {
        func bytes(_ s: String) -> [UInt8]? {
            var v4 = in_addr(), v6 = in6_addr()
            if inet_pton(AF_INET, s, &v4) == 1 { return withUnsafeBytes(of: &v4) { Array($0) } }
            guard inet_pton(AF_INET6, s, &v6) == 1 else { return nil }
            let b = withUnsafeBytes(of: &v6) { Array($0) }
            if b[0..<10].allSatisfy({ $0 == 0 }) && b[10] == 0xFF && b[11] == 0xFF { return Array(b[12...]) }
            return b
        }
        guard let x = bytes(a), let y = bytes(b) else { return false }
        return x == y
    }
}

extension WallClock {
    /// Now as Foundation's date (the TOTP code's time step).
    var date: Date { Date(timeIntervalSince1970: Double(microseconds) / 1e6) }
}
