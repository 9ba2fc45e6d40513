public import ISPMonConfig
public import ISPMonCore

/// One ad-hoc check (the web UI's tools, `POST /api/v1/tools/{tool}`): one of the monitor's own
/// probes, run now against a target the person typed. It is checked here, before anything is
/// sent: a name or address of the right shape, a port, a DNS name, an http(s) URL of printable
/// characters (nothing that could end the request line), a bounded number of tries. Nothing of
/// it comes from a default: an unnamed target is an error, never a public host.
public struct Check: Sendable, Equatable {
    public enum Tool: String, Sendable, CaseIterable {
        case ping, tcp, dns, http, trace, speedtest
    }

    public var tool: Tool
    /// ping, trace: the host; tcp: the host connected to; dns: the resolver asked.
    public var host: String?
    /// tcp (required), dns (53 unless given).
    public var port: UInt16?
    /// dns: the name asked, and the record type (A unless the query says `NAME AAAA`).
    public var query: String?
    public var queryType: DNSRecordType = .a
    /// http: the page fetched; speedtest: downloaded from (GET) and uploaded to (POST).
    public var url: HTTPURL?
    /// ping, tcp, dns, http: how many tries, one a second.
    public var count: Int

    /// At most this many tries (a check is bounded: 10 tries of at most `tryTimeout`).
    public static let maxCount = 10
    /// Each try's timeout, the monitor's default probe timeout.
    public static let tryTimeout: Int64 = 2_000_000
    /// Between the starts of two tries.
    public static let spacing: Int64 = 1_000_000
    /// trace: hops asked, and how long each is waited for.
    public static let maxHops = 16
    public static let hopTimeout: Int64 = 1_000_000
    /// speedtest: the whole test (half for the download, half for the upload).
    public static let speedTestDuration: Int64 = 10_000_000

    /// A field of the request that is wrong: its name and why.
    public struct Invalid: Error, Sendable, Equatable, CustomStringConvertible {
        public var field: String
        public var reason: String
        public var description: String { "\(field): \(reason)" }
    }

    /// What each tool takes; any other field given is an error (it would be ignored otherwise,
    /// and a person who typed a port for ping should hear that it is not used).
    public static func fields(of tool: Tool) -> Set<String> {
        switch tool {
        case .ping: ["host", "count"]
        case .tcp: ["host", "port", "count"]
        case .dns: ["host", "port", "query", "count"]
        case .http: ["url", "count"]
        case .trace: ["host"]
        case .speedtest: ["url"]
        }
    }

    /// The check of `tool` from a request's fields (empty strings count as absent: a web form
    /// sends every field it has).
    public init(tool: Tool, host: String? = nil, port: Int? = nil, query: String? = nil, url: String? = nil,
                count: Int? = nil) throws(Invalid) {
        self.tool = tool
        let given: [(String, Bool)] = [("host", host?.isEmpty == false), ("port", port != nil), ("query", query?.isEmpty == false),
                                       ("url", url?.isEmpty == false), ("count", count != nil)]
        let takes = Check.fields(of: tool)
        if let (field, _) = given.first(where: { $0.1 && !takes.contains($0.0) }) {
            throw Invalid(field: field, reason: "not used by \(tool.rawValue) (it takes \(takes.sorted().joined(separator: ", ")))")
        }
        if takes.contains("host") {
            guard let host, !host.isEmpty else { throw Invalid(field: "host", reason: "is required: a host name or an address") }
            guard host.utf8.count <= 253, HostName.isPlausible(host) else {
                throw Invalid(field: "host", reason: "'\(Check.shown(host))' is not a host name or an address")
            }
            self.host = host
        }
        if let port {
            guard (1...65535).contains(port) else { throw Invalid(field: "port", reason: "\(port) is not a port (1 to 65535)") }
            self.port = UInt16(port)
        } else if tool == .tcp {
            throw Invalid(field: "port", reason: "is required for tcp")
        } else if tool == .dns {
            self.port = 53
        }
        if tool == .dns {
            guard let query, !query.isEmpty else { throw Invalid(field: "query", reason: "is required: the name to look up, e.g. example.com or example.com AAAA") }
            let words = query.split(separator: " ", omittingEmptySubsequences: true)
            guard (1...2).contains(words.count), HostName.isValid(String(words[0])) else {
                throw Invalid(field: "query", reason: "'\(Check.shown(query))' is not a DNS name, optionally followed by A or AAAA")
            }
            if words.count == 2 {
                guard let type = DNSRecordType(String(words[1])) else {
                    throw Invalid(field: "query", reason: "'\(Check.shown(String(words[1])))' is not A or AAAA")
                }
                queryType = type
            }
            self.query = String(words[0])
        }
        if takes.contains("url") {
            guard let url, !url.isEmpty else { throw Invalid(field: "url", reason: "is required: an http:// or https:// URL") }
            // Printable ASCII only: the path goes into the request line as it is.
            guard url.utf8.count <= 2048, url.utf8.allSatisfy({ (0x21...0x7E).contains($0) }),
                  let parsed = HTTPURL(url), HostName.isPlausible(parsed.host) else {
                throw Invalid(field: "url", reason: "'\(Check.shown(url))' is not an http:// or https:// URL")
            }
            self.url = parsed
        }
        if let count {
            guard takes.contains("count"), (1...Check.maxCount).contains(count) else {
                throw Invalid(field: "count", reason: "\(count) is not 1 to \(Check.maxCount)")
            }
            self.count = count
        } else {
            self.count = tool == .ping ? 4 : 1
        }
    }

    /// What the check is aimed at, in words: `192.0.2.1`, `192.0.2.1:443`, `example.com A @192.0.2.53`, a URL.
    public var target: String {
        switch tool {
        case .ping, .trace: host ?? ""
        case .tcp: Check.hostPort(host ?? "", port ?? 0)
        case .dns: "\(query ?? "") \(queryType) @\(Check.hostPort(host ?? "", port ?? 53))"
        case .http, .speedtest: url?.description ?? ""
        }
    }

    /// How long the check can take at most (its bound; the server's tests and the page use it).
    public var bound: Int64 {
        switch tool {
        case .ping, .tcp, .dns, .http: Int64(count - 1) * Check.spacing + Int64(count) * Check.tryTimeout + Check.tryTimeout
        case .trace: Int64(Check.maxHops) * Check.hopTimeout + Check.tryTimeout
        case .speedtest: Check.speedTestDuration + 2 * Check.tryTimeout
        }
    }

    public static func hostPort(_ host: String, _ port: UInt16) -> String {
        (host.contains(":") ? "[\(host)]" : host) + ":\(port)"
    }

    /// A value quoted in an error, cut short: an error repeats what was sent, not all of it.
    public static func shown(_ text: String) -> String {
        text.count <= 80 ? text : String(text.prefix(77)) + "..."
    }
}
