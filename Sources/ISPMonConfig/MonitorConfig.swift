#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
public import ISPMonCore

/// ispmon's configuration (docs/config.md): the monitor's targets and jobs, and what the other
/// front ends read (`web:`, `site:`, `plan:`). Read by ``MonitorConfig/parse(_:file:)``, strictly:
/// an unknown key, a bad value or a duplicate target name is a ``ConfigError`` naming the file, the
/// line and the key, and nothing starts.
public struct MonitorConfig: Sendable, Equatable {
    public struct Target: Sendable, Equatable {
        public enum Address: Sendable, Equatable {
            /// An IPv4/IPv6 address or a host name, and a port where the method needs one.
            case host(String, port: UInt16?)
            /// `host: auto`: the first hop beyond the gateway, found by path discovery.
            case auto
            case url(HTTPURL)
        }

        public var name: String
        public var role: Role
        public var method: ProbeMethod
        public var address: Address
        /// The DNS name to resolve and the record type (dns only).
        public var query = "example.com"
        public var queryType = DNSRecordType.a
        /// HTTP status that counts as success (http only); nil: any 2xx or 3xx.
        public var expectStatus: Int?
        /// In microseconds.
        public var interval: Int64
        public var timeout: Int64

        public init(name: String, role: Role, method: ProbeMethod, address: Address, query: String = "example.com",
                    queryType: DNSRecordType = .a, expectStatus: Int? = nil, interval: Int64, timeout: Int64) {
            self.name = name
            self.role = role
            self.method = method
            self.address = address
            self.query = query
            self.queryType = queryType
            self.expectStatus = expectStatus
            self.interval = interval
            self.timeout = timeout
        }
    }

    public struct SpeedTest: Sendable, Equatable {
        public var enabled = true
        public var downloadURL: HTTPURL?
        public var uploadURL: HTTPURL?
        public var interval: Int64 = 7_200_000_000
        public var maxDuration: Int64 = 30_000_000

        public init() {}
    }

    public var data: String?
    public var logLevel: String?
    public var downAfter = 3
    /// Interfaces watched for `link` events; nil: the default route's.
    public var interfaces: [String]?
    public var defaultInterval: Int64 = 5_000_000
    public var defaultTimeout: Int64 = 2_000_000
    public var targets: [Target] = []
    public var speedTest: SpeedTest?
    public var jobs: [JobName: JobState.State] = [:]
    public var web = Web()
    /// This site's name (reports, notifications, fleet); nil: the host name (``siteName``).
    public var site: String?
    /// What the ISP sells; nil: no plan, so no test is `slow`.
    public var plan: ServicePlan?
    /// Where notifications go (docs/notify.md); empty: nowhere.
    public var notify: [NotifyChannel] = []
    /// An outside dead-man's switch; nil: none.
    public var heartbeat: Heartbeat?

    /// The site's name: `site:`, else this machine's host name made to fit `[A-Za-z0-9._-]{1,64}`.
    public var siteName: String {
        if let site { return site }
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "ispmon" }
        let name = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let fitted = String(name.unicodeScalars.map { MonitorConfig.isSiteCharacter($0) ? Character($0) : "-" }.prefix(64))
        return fitted.isEmpty ? "ispmon" : fitted
    }

    static func isSiteCharacter(_ c: Unicode.Scalar) -> Bool {
        c.isASCII && (c.properties.isAlphabetic || ("0"..."9").contains(c) || c == "." || c == "_" || c == "-")
    }

    public init() {}

    public static let logLevels = ["trace", "debug", "info", "notice", "warning", "error", "critical"]
}
