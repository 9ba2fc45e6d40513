#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
public import ISPMonConfig

/// Where the tools may not go unless the config says so (`web.tools_allow_local`): this machine
/// (its own addresses, loopback) and the addresses that name no host on the network (link-local,
/// unspecified). The tools are for the network ispmon watches; aimed at the appliance itself,
/// they would be a port scanner of its own services for anyone signed in, or any page that
/// drives a signed-in browser. The address is judged after it is parsed or looked up, so every
/// spelling of it (`127.1`, `0x7f.0.0.1`, `2130706433`, `[::1]`, `::ffff:127.0.0.1`) and every
/// name that resolves to it is the same address; the check then goes to that address, not to
/// a second lookup.
///
/// The speed test, which sends as fast as it can for seconds, goes only to the configured
/// speed-test server (`speedtest.download_url`, `upload_url`: its host and port) or to a port of
/// the web (80, 443, 8080).
public struct ToolTargets: Sendable, Equatable {
    public var allowLocal: Bool
    /// The configured speed test's URLs.
    public var speedTestServers: [HTTPURL]

    public static let speedTestPorts: Set<UInt16> = [80, 443, 8080]

    public init(allowLocal: Bool = false, speedTestServers: [HTTPURL] = []) {
        self.allowLocal = allowLocal
        self.speedTestServers = speedTestServers
    }

    /// What the config says: `web.tools_allow_local`, and the speed test's server.
    public init(_ config: MonitorConfig) {
        allowLocal = config.web.toolsAllowLocal
        speedTestServers = [config.speedTest?.downloadURL, config.speedTest?.uploadURL].compactMap { $0 }
    }

    /// Why the tools may not go to `address` (numeric, as a socket address prints: `127.0.0.1`,
    /// `fe80::1%eth0`), or nil when they may.
    public func refusal(of address: String) -> String? {
        guard !allowLocal else { return nil }
        let text = address.split(separator: "%", maxSplits: 1).first.map(String.init) ?? address
        guard let bytes = ToolTargets.bytes(text) else { return "\(address) is not an address" }
        let why: String
        if let kind = ToolTargets.kind(bytes) {
            why = "\(address) is \(kind)"
        } else if ToolTargets.ownAddresses().contains(ToolTargets.unmapped(bytes)) {
            why = "\(address) is this machine"
        } else {
            return nil
        }
        return why + ": the tools check other hosts (web.tools_allow_local: true allows it)"
    }

    /// Why the speed test may not go to `url`, or nil.
    public func speedTestRefusal(_ url: HTTPURL) -> String? {
        if ToolTargets.speedTestPorts.contains(url.port) { return nil }
        let host = url.host.lowercased()
        if speedTestServers.contains(where: { $0.host.lowercased() == host && $0.port == url.port }) { return nil }
        return "port \(url.port) is neither the configured speed-test server's nor one of the web's (80, 443, 8080)"
    }

    /// Loopback, link-local or unspecified, in words; nil for an address of the network.
    static func kind(_ raw: [UInt8]) -> String? {
        let b = unmapped(raw)
        if b.count == 4 {
            switch (b[0], b[1], b[2]) {
            case (127, _, _): return "loopback"
            case (0, _, _): return "unspecified"
            case (169, 254, _): return "link-local"
            case (224, 0, 0): return "link-local multicast"
            default: return nil
            }
        }
        if b.allSatisfy({ $0 == 0 }) { return "unspecified" }
        if b[0..<15].allSatisfy({ $0 == 0 }) && b[15] == 1 { return "loopback" }
        if b[0] == 0xFE && b[1] & 0xC0 == 0x80 { return "link-local" }
        if b[0] == 0xFF && (b[1] & 0x0F == 1 || b[1] & 0x0F == 2) { return "link-local multicast" }
        return nil
    }

    /// An IPv4-mapped (`::ffff:a.b.c.d`) or IPv4-compatible (`::a.b.c.d`) IPv6 address as the
    /// IPv4 address it carries (the kernel sends a mapped one to IPv4); others as they are.
    static func unmapped(_ b: [UInt8]) -> [UInt8] {
        guard b.count == 16, b[0..<10].allSatisfy({ $0 == 0 }) else { return b }
        if b[10] == 0xFF && b[11] == 0xFF { return Array(b[12...]) }
        // ::a.b.c.d, but not :: and ::1 (which are IPv6's own).
        if b[10] == 0 && b[11] == 0 && b[12..<15].contains(where: { $0 != 0 }) { return Array(b[12...]) }
        return b
    }

    /// The bytes of a numeric address in its standard form.
    static func bytes(_ text: String) -> [UInt8]? {
        var v4 = in_addr(), v6 = in6_addr()
        if inet_pton(AF_INET, text, &v4) == 1 { return withUnsafeBytes(of: &v4) { Array($0) } }
        if inet_pton(AF_INET6, text, &v6) == 1 { return withUnsafeBytes(of: &v6) { Array($0) } }
        return nil
    }

    /// This machine's addresses now, of every interface (`getifaddrs`): read at each check, as
    /// addresses come and go.
    static func ownAddresses() -> Set<[UInt8]> {
        var list: UnsafeMutablePointer<ifaddrs>?
        guard getifaddrs(&list) == 0 else { return [] }
        defer { freeifaddrs(list) }
        var own = Set<[UInt8]>()
        var next = list
        while let entry = next {
            defer { next = entry.pointee.ifa_next }
            guard let sa = entry.pointee.ifa_addr else { continue }
            switch Int32(sa.pointee.sa_family) {
            case AF_INET:
                sa.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { p in
                    var a = p.pointee.sin_addr
                    own.insert(withUnsafeBytes(of: &a) { Array($0) })
                }
            case AF_INET6:
                sa.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { p in
                    var a = p.pointee.sin6_addr
                    own.insert(withUnsafeBytes(of: &a) { Array($0) })
                }
            default: continue
            }
        }
        return own
    }
}
