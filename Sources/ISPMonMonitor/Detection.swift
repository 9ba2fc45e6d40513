import Foundation
public import ISPMonCore
public import ISPMonConfig

/// What `ispmon init` (and `ispmon run` without a config) finds on this machine.
public struct Detected: Sendable, Equatable {
    public var interface: String?
    public var gateway: String?
    public var resolvers: [String]
    /// The ISP's first hop, when path discovery found it.
    public var ispHop: String?

    public init(interface: String?, gateway: String?, resolvers: [String], ispHop: String? = nil) {
        self.interface = interface
        self.gateway = gateway
        self.resolvers = resolvers
        self.ispHop = ispHop
    }

    /// The default route's interface and gateway, and the resolvers of `/etc/resolv.conf`
    /// (behind the systemd-resolved stub, the upstream servers it uses).
    /// `traceTo`: trace the path to that host to find the ISP's first hop (needs CAP_NET_RAW).
    public static func here(traceTo: String? = nil) -> Detected {
        let route = LinkState.defaultRoute()
        var d = Detected(interface: route?.interface, gateway: route?.gateway,
                         resolvers: resolvers(resolvConf: try? String(contentsOfFile: "/etc/resolv.conf", encoding: .utf8),
                                              upstreamConf: try? String(contentsOfFile: "/run/systemd/resolve/resolv.conf", encoding: .utf8)))
        if let traceTo, let hops = try? PathTracer.trace(to: traceTo) {
            d.ispHop = PathTracer.ispHop(hops, gateway: d.gateway, destination: traceTo)
        }
        return d
    }

    /// The `nameserver` lines of a resolv.conf; the stub (127.0.0.53) is replaced by `upstreamConf`'s.
    public static func resolvers(resolvConf: String?, upstreamConf: String?) -> [String] {
        func nameservers(_ text: String?) -> [String] {
            (text ?? "").split(separator: "\n").compactMap { line in
                let f = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
                return f.count >= 2 && f[0] == "nameserver" ? String(f[1]) : nil
            }
        }
        var list = nameservers(resolvConf)
        if list.contains(where: { $0.hasPrefix("127.0.0.53") }) {
            list = list.filter { !$0.hasPrefix("127.0.0.53") } + nameservers(upstreamConf).filter { !$0.hasPrefix("127.0.0.53") }
        }
        var seen = Set<String>()
        return list.filter { seen.insert($0).inserted }
    }
}

extension MonitorConfig {
    /// Public reference hosts a home monitor compares against.
    public static let publicTargets: [(name: String, method: ProbeMethod, address: Target.Address)] = [
        ("one-one", .icmp, .host("1.1.1.1", port: nil)),
        ("quad-nine", .icmp, .host("9.9.9.9", port: nil)),
        ("edge-tcp", .tcp, .host("one.one.one.one", port: 443)),
        ("web", .http, .url(HTTPURL("http://example.com/")!)),
    ]

    /// A config from what was detected here: the gateway, the ISP's first hop (`auto`),
    /// the resolvers and the public reference hosts.
    public static func detected(_ d: Detected = .here()) -> MonitorConfig {
        var c = MonitorConfig()
        c.interfaces = d.interface.map { [$0] }
        func add(_ name: String, _ role: Role, _ method: ProbeMethod, _ address: Target.Address, interval: Int64? = nil) {
            c.targets.append(Target(name: name, role: role, method: method, address: address,
                                    interval: interval ?? c.defaultInterval, timeout: c.defaultTimeout))
        }
        if let gw = d.gateway { add("router", .gateway, .icmp, .host(gw, port: nil)) }
        add("isp-edge", .isp, .icmp, d.ispHop.map { .host($0, port: nil) } ?? .auto)
        for (i, r) in d.resolvers.prefix(3).enumerated() { add(i == 0 ? "resolver" : "resolver-\(i + 1)", .dns, .dns, .host(r, port: 53)) }
        for t in publicTargets { add(t.name, .internet, t.method, t.address, interval: t.method == .http ? 30_000_000 : nil) }
        return c
    }
}

extension MonitorConfig {
    /// The commented YAML `ispmon init` writes; it parses back to `detected(d)`.
    public static func initialYAML(_ d: Detected) -> String {
        let c = detected(d)
        var y = """
            # ispmon configuration (docs/config.md in the ispmon sources), written by `ispmon init`.
            # Durations: 500ms, 5s, 2m, 1h. Check it with `ispmon run --config FILE` (a bad key
            # stops it with the line number).

            # data: /var/lib/ispmon        # the store (default: --data, $ISPMON_DATA, /var/lib/ispmon as root)
            log_level: info                # trace, debug, info, notice, warning, error, critical
            down_after: 3                  # consecutive failures before a target is down

            """
        if let i = d.interface {
            y += "interfaces: [\(i)]             # watched for link (cable, Wi-Fi) events: the default route's\n"
        } else {
            y += "# interfaces: [eth0]           # no default route found: name the interface to watch\n"
        }
        y += """

            defaults:
              interval: 5s
              timeout: 2s

            # The path from this machine to the internet, in the order diagnosis walks it.
            targets:

            """
        for t in c.targets {
            switch t.role {
            case .gateway: y += "  # The router (the default gateway).\n"
            case .isp: y += "  # The ISP's first hop beyond the router, found by path discovery (auto: looked up while running).\n"
            case .dns where t.name == "resolver": y += "  # The resolvers this machine uses (asked directly, with real DNS queries).\n"
            case .internet where t.name == publicTargets.first?.name:
                y += "  # Public reference hosts: when all of them fail at once, the internet is down.\n"
            default: break
            }
            y += "  - name: \(t.name)\n    role: \(t.role.name)\n    method: \(t.method.name)\n"
            switch t.address {
            case .auto: y += "    host: auto\n"
            case let .host(h, port):
                y += "    host: \"\(h)\"\n"
                if let port, t.method != .dns || port != 53 { y += "    port: \(port)\n" }
            case .url(let u): y += "    url: \(u)\n"
            }
            if t.method == .dns { y += "    query: \(t.query)\n" }
            if t.interval != c.defaultInterval { y += "    interval: \(t.interval / 1_000_000)s\n" }
        }
        y += """

            # Speed tests: download (and upload) throughput against URLs you choose.
            # speedtest:
            #   enabled: true
            #   download_url: http://speed.example.net/download?bytes=25000000
            #   upload_url: http://speed.example.net/upload
            #   interval: 2h
            #   max_duration: 30s

            jobs:                          # run | paused | disabled (also: ispmon job NAME ...)
              probes: run

            """
        return y
    }
}
