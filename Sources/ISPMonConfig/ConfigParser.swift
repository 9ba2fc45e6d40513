import ISPMonCore
import Yams

extension MonitorConfig {
    /// Parses and checks a config file's text.
    public static func parse(_ text: String, file: String) throws(ConfigError) -> MonitorConfig {
        var p = ConfigParser(file: file)
        return try p.parse(text)
    }

    /// A duration such as `500ms`, `5s`, `2m`, `1h` (decimals allowed), in microseconds.
    public static func duration(_ text: String) -> Int64? {
        let units: [(String, Double)] = [("ms", 1_000), ("s", 1_000_000), ("m", 60_000_000), ("h", 3_600_000_000)]
        for (unit, scale) in units where text.hasSuffix(unit) {
            let number = text.dropLast(unit.count)
            guard !number.isEmpty, number.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }),
                  let v = Double(number), v > 0, v * scale < 1e15 else { return nil }
            return Int64((v * scale).rounded())
        }
        return nil
    }
}

/// Walks the YAML node tree, checking every key against what config.md allows.
struct ConfigParser {
    let file: String

    func error(_ node: Node?, _ message: String) -> ConfigError {
        ConfigError(file: file, line: node?.mark?.line, message: message)
    }

    mutating func parse(_ text: String) throws(ConfigError) -> MonitorConfig {
        let root: Node?
        do { root = try Yams.compose(yaml: text) } catch {
            throw ConfigError(file: file, line: ConfigParser.line(of: error), message: "not valid YAML: \(ConfigParser.reason(of: error))")
        }
        var config = MonitorConfig()
        guard let root else { return config }  // an empty file: all defaults
        let top = try mapping(root, "the file", allowed: ["data", "log_level", "down_after", "interfaces", "defaults",
                                                           "targets", "speedtest", "jobs", "web", "site", "plan",
                                                           "notify", "heartbeat"])
        if let n = top["data"] { config.data = try string(n, "data") }
        if let n = top["log_level"] {
            let level = try string(n, "log_level")
            guard MonitorConfig.logLevels.contains(level) else {
                throw error(n, "log_level: '\(level)' is not one of \(MonitorConfig.logLevels.joined(separator: ", "))")
            }
            config.logLevel = level
        }
        if let n = top["down_after"] {
            guard let v = try int(n, "down_after"), (1...1000).contains(v) else { throw error(n, "down_after must be 1 to 1000") }
            config.downAfter = v
        }
        if let n = top["interfaces"] {
            guard case .sequence(let seq) = n else { throw error(n, "interfaces must be a list, e.g. [eth0]") }
            config.interfaces = try seq.map { item throws(ConfigError) in
                let name = try string(item, "interfaces")
                guard EventJSON.isValidInterface(name) else { throw error(item, "interfaces: '\(name)' is not an interface name") }
                return name
            }
        }
        if let n = top["defaults"] {
            let d = try mapping(n, "defaults", allowed: ["interval", "timeout"])
            if let v = d["interval"] { config.defaultInterval = try duration(v, "defaults.interval") }
            if let v = d["timeout"] { config.defaultTimeout = try duration(v, "defaults.timeout") }
        }
        if let n = top["targets"] {
            guard case .sequence(let seq) = n else { throw error(n, "targets must be a list") }
            var seen: [String: Int] = [:]
            for (i, item) in seq.enumerated() {
                let t = try target(item, index: i, config: config)
                if let first = seen[t.name] {
                    throw error(item, "duplicate target name '\(t.name)' (first at line \(first))")
                }
                seen[t.name] = item.mark?.line ?? 0
                config.targets.append(t)
            }
        }
        if let n = top["speedtest"] { config.speedTest = try speedTest(n) }
        if let n = top["web"] { config.web = try web(n) }
        if let n = top["site"] {
            let site = try string(n, "site")
            guard site.unicodeScalars.count <= 64, site.unicodeScalars.allSatisfy(MonitorConfig.isSiteCharacter) else {
                throw error(n, "site: '\(site)' is not 1 to 64 of the characters A-Z a-z 0-9 . _ -")
            }
            config.site = site
        }
        if let n = top["plan"] { config.plan = try plan(n) }
        if let n = top["notify"] { config.notify = try notify(n) }
        if let n = top["heartbeat"] { config.heartbeat = try heartbeat(n) }
        if let n = top["jobs"] {
            let jobs = try mapping(n, "jobs", allowed: Set(JobName.allCases.map(\.rawValue)))
            for (key, v) in jobs.entries {
                let state = try string(v, "jobs.\(key)")
                guard let job = JobName(rawValue: key), let s = JobState.State(rawValue: state) else {
                    throw error(v, "jobs.\(key): '\(state)' is not run, paused or disabled")
                }
                config.jobs[job] = s
            }
        }
        return config
    }

    func target(_ node: Node, index i: Int, config: MonitorConfig) throws(ConfigError) -> MonitorConfig.Target {
        let at = "targets[\(i)]"
        let m = try mapping(node, at, allowed: ["name", "role", "method", "host", "port", "query", "type", "url",
                                                "expect_status", "interval", "timeout"])
        guard let nameNode = m["name"] else { throw error(node, "\(at): name is required") }
        let name = try string(nameNode, "\(at).name")
        guard EventJSON.isValidName(name) else {
            throw error(nameNode, "\(at).name: '\(name)' must be 1 to 64 of A-Z a-z 0-9 . _ -")
        }
        let where_ = "target \(name)"
        guard let roleNode = m["role"] else { throw error(node, "\(where_): role is required") }
        let roleText = try string(roleNode, "\(where_).role")
        guard let role = Role.allCases.first(where: { $0.name == roleText }) else {
            throw error(roleNode, "\(where_).role: '\(roleText)' is not device, gateway, isp, internet or dns")
        }
        guard let methodNode = m["method"] else { throw error(node, "\(where_): method is required") }
        let methodText = try string(methodNode, "\(where_).method")
        guard let method = ProbeMethod.allCases.first(where: { $0.name == methodText }) else {
            throw error(methodNode, "\(where_).method: '\(methodText)' is not icmp, tcp, dns or http")
        }
        func forbid(_ keys: [String]) throws(ConfigError) {
            for k in keys { if let n = m[k] { throw error(n, "\(where_).\(k): not used by method \(methodText)") } }
        }
        var port: UInt16?
        if let n = m["port"] {
            guard let v = try int(n, "\(where_).port"), (1...65535).contains(v) else { throw error(n, "\(where_).port must be 1 to 65535") }
            port = UInt16(v)
        }
        let address: MonitorConfig.Target.Address
        switch method {
        case .http:
            try forbid(["host", "port", "query", "type"])
            guard let n = m["url"] else { throw error(node, "\(where_): method http needs url") }
            let text = try string(n, "\(where_).url")
            guard let url = HTTPURL(text) else { throw error(n, "\(where_).url: '\(text)' is not an http:// or https:// URL") }
            address = .url(url)
        case .icmp, .tcp, .dns:
            try forbid(["url", "expect_status"] + (method == .dns ? [] : ["query", "type"]) + (method == .icmp ? ["port"] : []))
            guard let n = m["host"] else { throw error(node, "\(where_): method \(methodText) needs host") }
            let host = try string(n, "\(where_).host")
            if host == "auto" {
                guard method == .icmp else { throw error(n, "\(where_).host: auto works with method icmp only") }
                address = .auto
            } else {
                guard HostName.isPlausible(host) else { throw error(n, "\(where_).host: '\(host)' is not an address or host name") }
                if method == .tcp && port == nil { throw error(node, "\(where_): method tcp needs port") }
                address = .host(host, port: method == .dns ? port ?? 53 : port)
            }
        }
        var t = MonitorConfig.Target(name: name, role: role, method: method, address: address,
                                     interval: config.defaultInterval, timeout: config.defaultTimeout)
        if let n = m["query"] {
            t.query = try string(n, "\(where_).query")
            guard HostName.isValid(t.query) else { throw error(n, "\(where_).query: '\(t.query)' is not a DNS name") }
        }
        if let n = m["type"] {
            let text = try string(n, "\(where_).type")
            guard let type = DNSRecordType(text) else { throw error(n, "\(where_).type: '\(text)' is not A or AAAA") }
            t.queryType = type
        }
        if let n = m["expect_status"] {
            guard let v = try int(n, "\(where_).expect_status"), (100...599).contains(v) else {
                throw error(n, "\(where_).expect_status must be an HTTP status, 100 to 599")
            }
            t.expectStatus = v
        }
        if let n = m["interval"] { t.interval = try duration(n, "\(where_).interval") }
        if let n = m["timeout"] { t.timeout = try duration(n, "\(where_).timeout") }
        return t
    }

    func speedTest(_ node: Node) throws(ConfigError) -> MonitorConfig.SpeedTest {
        let m = try mapping(node, "speedtest", allowed: ["enabled", "download_url", "upload_url", "interval", "max_duration"])
        var s = MonitorConfig.SpeedTest()
        if let n = m["enabled"] {
            s.enabled = try bool(n, "speedtest.enabled")
        }
        for (key, assign) in [("download_url", true), ("upload_url", false)] {
            guard let n = m[key] else { continue }
            let text = try string(n, "speedtest.\(key)")
            guard let url = HTTPURL(text) else { throw error(n, "speedtest.\(key): '\(text)' is not an http:// or https:// URL") }
            if assign { s.downloadURL = url } else { s.uploadURL = url }
        }
        if let n = m["interval"] { s.interval = try duration(n, "speedtest.interval") }
        if let n = m["max_duration"] { s.maxDuration = try duration(n, "speedtest.max_duration") }
        if s.enabled && (s.downloadURL == nil || s.uploadURL == nil) {
            throw error(node, "speedtest: download_url and upload_url are required when enabled")
        }
        return s
    }

    func web(_ node: Node) throws(ConfigError) -> MonitorConfig.Web {
        let m = try mapping(node, "web", allowed: ["listen", "public_status", "metrics_allow", "hosts", "tools_allow_local", "tls_cert", "tls_key",
                                                    "max_connections", "max_connections_per_address", "request_timeout", "write_timeout"])
        var w = MonitorConfig.Web()
        if let n = m["listen"] {
            let text = try string(n, "web.listen")
            if text == "off" {
                w.listen = nil
            } else {
                guard let l = MonitorConfig.Web.Listen(text) else {
                    throw error(n, "web.listen: '\(text)' is not host:port, [v6]:port or off")
                }
                w.listen = l
            }
        }
        if let n = m["public_status"] { w.publicStatus = try bool(n, "web.public_status") }
        if let n = m["metrics_allow"] {
            guard case .sequence(let seq) = n else { throw error(n, "web.metrics_allow must be a list of addresses, e.g. [192.0.2.5]") }
            w.metricsAllow = try seq.map { item throws(ConfigError) in
                let a = try string(item, "web.metrics_allow")
                guard HostName.isStrictAddress(a) else { throw error(item, "web.metrics_allow: '\(a)' is not an IPv4 or IPv6 address") }
                return a
            }
        }
        if let n = m["hosts"] {
            guard case .sequence(let seq) = n else { throw error(n, "web.hosts must be a list of host names, e.g. [ispmon.home.arpa]") }
            w.hosts = try seq.map { item throws(ConfigError) in
                let name = try string(item, "web.hosts")
                guard HostName.isValid(name), !HostName.isNumericAddress(name) else {
                    throw error(item, "web.hosts: '\(name)' is not a host name (without a port; addresses are answered without being listed)")
                }
                return name
            }
        }
        if let n = m["tools_allow_local"] { w.toolsAllowLocal = try bool(n, "web.tools_allow_local") }
        if let n = m["tls_cert"] { w.tlsCert = try string(n, "web.tls_cert") }
        if let n = m["tls_key"] { w.tlsKey = try string(n, "web.tls_key") }
        if (w.tlsCert == nil) != (w.tlsKey == nil) {
            throw error(node, "web: tls_cert and tls_key go together (both or neither)")
        }
        try webLimits(m, &w)
        return w
    }

    /// `web:`'s connection caps and request and write deadlines, each within its bounds, and
    /// the cap per address no higher than the total (when not given, the default's 32 or the
    /// total, whichever is less).
    func webLimits(_ m: Entries, _ w: inout MonitorConfig.Web) throws(ConfigError) {
        typealias Web = MonitorConfig.Web
        func count(_ key: String, _ range: ClosedRange<Int>) throws(ConfigError) -> Int? {
            guard let n = m[key] else { return nil }
            guard let v = try int(n, "web.\(key)"), range.contains(v) else {
                throw error(n, "web.\(key) must be a whole number from \(range.lowerBound) to \(range.upperBound)")
            }
            return v
        }
        func deadline(_ key: String) throws(ConfigError) -> Int64? {
            guard let n = m[key] else { return nil }
            let v = try duration(n, "web.\(key)")
            guard Web.timeoutRange.contains(v) else { throw error(n, "web.\(key) must be from 1s to 10m") }
            return v
        }
        if let v = try count("max_connections", Web.connectionsRange) { w.maxConnections = v }
        if let v = try count("max_connections_per_address", Web.perAddressRange) { w.maxConnectionsPerAddress = v }
        if let n = m["max_connections_per_address"] {
            guard w.maxConnectionsPerAddress <= w.maxConnections else {
                throw error(n, "web.max_connections_per_address (\(w.maxConnectionsPerAddress)) must be at most web.max_connections (\(w.maxConnections))")
            }
        } else {
            // A total below the default per address is a cap on each address too.
            w.maxConnectionsPerAddress = min(w.maxConnectionsPerAddress, w.maxConnections)
        }
        if let v = try deadline("request_timeout") { w.requestTimeout = v }
        if let v = try deadline("write_timeout") { w.writeTimeout = v }
    }

    func plan(_ node: Node) throws(ConfigError) -> ServicePlan {
        let m = try mapping(node, "plan", allowed: ["down_mbps", "up_mbps", "below_pct", "slow_after"])
        func rate(_ key: String, _ range: ClosedRange<Double>, _ words: String) throws(ConfigError) -> Double? {
            guard let n = m[key] else { return nil }
            guard case .scalar(let s) = n, let v = Double(s.string), v.isFinite, range.contains(v) else {
                throw error(n, "plan.\(key) must be \(words)")
            }
            return v
        }
        let mbps = "a rate in Mb/s above 0, at most 1000000"
        guard let down = try rate("down_mbps", 0.001...1_000_000, mbps), let up = try rate("up_mbps", 0.001...1_000_000, mbps) else {
            throw error(node, "plan: down_mbps and up_mbps are both required (e.g. down_mbps: 100, up_mbps: 20)")
        }
        var slowAfter = 2
        if let n = m["slow_after"] {
            guard case .scalar(let s) = n, let v = Int(s.string), (1...100).contains(v) else {
                throw error(n, "plan.slow_after must be a whole number of tests from 1 to 100")
            }
            slowAfter = v
        }
        return ServicePlan(downMbps: down, upMbps: up, belowPercent: try rate("below_pct", 1...100, "a percentage from 1 to 100") ?? 80,
                           slowAfter: slowAfter)
    }

    func bool(_ node: Node, _ what: String) throws(ConfigError) -> Bool {
        guard case .scalar(let sc) = node, let b = Bool.construct(from: sc) else { throw error(node, "\(what) must be true or false") }
        return b
    }

    // MARK: Node helpers

    /// A mapping's entries by key, in order; unknown and repeated keys are errors.
    struct Entries {
        var entries: [(String, Node)] = []
        subscript(_ key: String) -> Node? { entries.first { $0.0 == key }?.1 }
    }

    func mapping(_ node: Node, _ what: String, allowed: Set<String>) throws(ConfigError) -> Entries {
        guard case .mapping(let m) = node else { throw error(node, "\(what) must be a mapping of key: value") }
        var out = Entries()
        for (k, v) in m {
            guard case .scalar(let key) = k else { throw error(k, "\(what): a key must be a plain word") }
            guard allowed.contains(key.string) else {
                throw error(k, "unknown key '\(key.string)' in \(what) (allowed: \(allowed.sorted().joined(separator: ", ")))")
            }
            guard out[key.string] == nil else { throw error(k, "\(what): key '\(key.string)' appears twice") }
            out.entries.append((key.string, v))
        }
        return out
    }

    func string(_ node: Node, _ what: String) throws(ConfigError) -> String {
        guard case .scalar(let s) = node, !s.string.isEmpty else { throw error(node, "\(what) must be a value, not empty or a list") }
        return s.string
    }

    func int(_ node: Node, _ what: String) throws(ConfigError) -> Int? {
        guard case .scalar(let s) = node, let v = Int(s.string) else { throw error(node, "\(what) must be a whole number") }
        return v
    }

    func duration(_ node: Node, _ what: String) throws(ConfigError) -> Int64 {
        let text = try string(node, what)
        guard let v = MonitorConfig.duration(text) else { throw error(node, "\(what): '\(text)' is not a duration like 500ms, 5s, 2m, 1h") }
        return v
    }

    static func line(of error: any Error) -> Int? {
        if let e = error as? YamlError {
            switch e {
            case let .scanner(_, _, mark, _), let .parser(_, _, mark, _), let .composer(_, _, mark, _):
                return mark.line
            case let .duplicatedKeysInMapping(_, context):
                return context.mark.line
            default: return nil
            }
        }
        return nil
    }

    static func reason(of error: any Error) -> String {
        if let e = error as? YamlError {
            switch e {
            case let .scanner(_, problem, _, _), let .parser(_, problem, _, _), let .composer(_, problem, _, _):
                return problem
            case let .duplicatedKeysInMapping(duplicates, _):
                return "a key appears twice: \(duplicates.joined(separator: ", "))"
            default: break
            }
        }
        return "\(error)"
    }
}
