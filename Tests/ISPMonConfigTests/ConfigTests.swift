import Testing
@testable import ISPMonConfig
import ISPMonCore

@Suite struct ConfigTests {
    /// A config with every section and method, like the example in docs/config.md.
    static let example = """
        data: /var/lib/ispmon          # the store (also --data, $ISPMON_DATA)
        log_level: info
        down_after: 3
        interfaces: [eth0]

        defaults:
          interval: 5s
          timeout: 2s

        targets:
          - name: router
            role: gateway
            method: icmp
            host: 192.168.1.1
          - name: isp-edge
            role: isp
            method: icmp
            host: auto
          - name: resolver
            role: dns
            method: dns
            host: 192.168.1.1
            query: example.com
          - name: edge-https
            role: internet
            method: tcp
            host: one.one.one.one
            port: 443
          - name: web
            role: internet
            method: http
            url: https://www.example.com/
            interval: 30s

        speedtest:
          enabled: true
          download_url: https://speed.example.net/download?bytes=25000000
          upload_url: https://speed.example.net/upload
          interval: 2h
          max_duration: 30s

        jobs:
          probes: run
          speedtest: run
          trace: paused

        site: home
        plan:
          down_mbps: 100
          up_mbps: 20
          below_pct: 80
        """

    @Test func theSpecExampleParses() throws {
        let c = try MonitorConfig.parse(Self.example, file: "ispmon.yaml")
        #expect(c.data == "/var/lib/ispmon")
        #expect(c.interfaces == ["eth0"])
        #expect(c.targets.map(\.name) == ["router", "isp-edge", "resolver", "edge-https", "web"])
        #expect(c.targets[0].address == .host("192.168.1.1", port: nil))
        #expect(c.targets[1].address == .auto)
        #expect(c.targets[2].address == .host("192.168.1.1", port: 53))
        #expect(c.targets[3].address == .host("one.one.one.one", port: 443))
        #expect(c.targets[4].interval == 30_000_000 && c.targets[0].interval == 5_000_000 && c.targets[0].timeout == 2_000_000)
        guard case .url(let url) = c.targets[4].address else { Issue.record("no url"); return }
        #expect(url.secure && url.host == "www.example.com" && url.port == 443 && url.path == "/")
        #expect(c.speedTest?.interval == 7_200_000_000 && c.speedTest?.downloadURL?.path == "/download?bytes=25000000")
        #expect(c.jobs[.trace] == .paused)
        #expect(c.site == "home" && c.siteName == "home")
        #expect(c.plan == ServicePlan(downMbps: 100, upMbps: 20, belowPercent: 80))
    }

    @Test func aPlanIsSlowBelowItsShareOfEitherRate() throws {
        let plan = try #require(try MonitorConfig.parse("plan: {down_mbps: 100, up_mbps: 20.5}\n", file: "x.yaml").plan)
        #expect(plan.belowPercent == 80)
        #expect(!plan.isSlow(downMbps: 80, upMbps: 16.4))
        #expect(plan.isSlow(downMbps: 79.9, upMbps: 20))
        #expect(plan.isSlow(downMbps: 100, upMbps: 16.3))
        // No site: the host name, made to fit a site's characters.
        let name = MonitorConfig().siteName
        #expect(!name.isEmpty && name.count <= 64 && name.unicodeScalars.allSatisfy(MonitorConfig.isSiteCharacter))
    }

    /// The names the web server answers to, and the tools' switch: off unless said.
    @Test func theWebServersNamesAndTheToolsSwitch() throws {
        let c = try MonitorConfig.parse("web:\n  hosts: [ispmon.home.arpa, NAS.local.]\n  tools_allow_local: true\n", file: "x.yaml")
        #expect(c.web.hosts == ["ispmon.home.arpa", "NAS.local."])
        #expect(c.web.toolsAllowLocal)
        let d = try MonitorConfig.parse("web:\n  listen: ':8080'\n", file: "x.yaml")
        #expect(d.web.hosts.isEmpty && !d.web.toolsAllowLocal)
    }

    /// The connection caps and deadlines: the defaults of docs/http.md unless said, each key
    /// on its own, durations in µs.
    @Test func theWebServersConnectionLimits() throws {
        let d = MonitorConfig().web
        #expect(d.maxConnections == 256 && d.maxConnectionsPerAddress == 32)
        #expect(d.requestTimeout == 10_000_000 && d.writeTimeout == 30_000_000)
        let c = try MonitorConfig.parse(
            "web:\n  max_connections: 64\n  max_connections_per_address: 8\n  request_timeout: 20s\n  write_timeout: 2m\n", file: "x.yaml")
        #expect(c.web.maxConnections == 64 && c.web.maxConnectionsPerAddress == 8)
        #expect(c.web.requestTimeout == 20_000_000 && c.web.writeTimeout == 120_000_000)
        // The bounds themselves are allowed; the total alone keeps the default per address.
        let edges = try MonitorConfig.parse(
            "web:\n  max_connections: 4096\n  max_connections_per_address: 4\n  request_timeout: 1s\n  write_timeout: 10m\n", file: "x.yaml")
        #expect(edges.web.maxConnections == 4096 && edges.web.maxConnectionsPerAddress == 4)
        #expect(edges.web.requestTimeout == 1_000_000 && edges.web.writeTimeout == 600_000_000)
        let total = try MonitorConfig.parse("web:\n  max_connections: 100\n", file: "x.yaml")
        #expect(total.web.maxConnections == 100 && total.web.maxConnectionsPerAddress == 32)
        // A total below the default per address caps each address too, unless it says otherwise.
        let small = try MonitorConfig.parse("web:\n  max_connections: 16\n", file: "x.yaml")
        #expect(small.web.maxConnections == 16 && small.web.maxConnectionsPerAddress == 16)
    }

    @Test func anEmptyFileIsAllDefaults() throws {
        #expect(try MonitorConfig.parse("", file: "x.yaml") == MonitorConfig())
        #expect(try MonitorConfig.parse("# nothing yet\n", file: "x.yaml").targets.isEmpty)
    }

    @Test(arguments: [
        ("down_after: 3\nverbose: true\n", 2, "unknown key 'verbose' in the file"),
        ("targets:\n  - name: a\n    role: gateway\n    method: icmp\n    host: 192.0.2.1\n    colour: red\n", 6, "unknown key 'colour' in targets[0]"),
        ("targets:\n  - {name: a, role: gateway, method: icmp, host: 192.0.2.1}\n  - {name: a, role: isp, method: icmp, host: 192.0.2.2}\n", 3, "duplicate target name 'a' (first at line 2)"),
        ("defaults:\n  interval: 5 seconds\n", 2, "defaults.interval: '5 seconds' is not a duration"),
        ("targets:\n  - {name: a, role: router, method: icmp, host: 192.0.2.1}\n", 2, "target a.role: 'router' is not device, gateway, isp, internet or dns"),
        ("targets:\n  - {name: a, role: gateway, method: ping, host: 192.0.2.1}\n", 2, "target a.method: 'ping' is not icmp, tcp, dns or http"),
        ("targets:\n  - {name: a, role: gateway, method: icmp}\n", 2, "target a: method icmp needs host"),
        ("targets:\n  - {name: a, role: internet, method: tcp, host: 192.0.2.1}\n", 2, "target a: method tcp needs port"),
        ("targets:\n  - {name: a, role: internet, method: http, url: ftp://x/}\n", 2, "is not an http:// or https:// URL"),
        ("targets:\n  - {name: a, role: internet, method: icmp, host: 192.0.2.1, url: http://x/}\n", 2, "target a.url: not used by method icmp"),
        ("targets:\n  - {name: 'a b', role: internet, method: icmp, host: 192.0.2.1}\n", 2, "must be 1 to 64 of A-Z a-z 0-9 . _ -"),
        ("targets:\n  - {name: a, role: dns, method: dns, host: 'bad host!'}\n", 2, "is not an address or host name"),
        ("log_level: loud\n", 1, "log_level: 'loud' is not one of trace, debug"),
        ("down_after: 0\n", 1, "down_after must be 1 to 1000"),
        ("jobs:\n  probes: stop\n", 2, "jobs.probes: 'stop' is not run, paused or disabled"),
        ("targets: [\n", 2, "not valid YAML"),
        ("down_after: 3\ndown_after: 4\n", 1, "appears twice"),
        ("site: my home\n", 1, "site: 'my home' is not 1 to 64 of the characters"),
        ("plan:\n  down_mbps: 100\n", 2, "plan: down_mbps and up_mbps are both required"),
        ("plan:\n  down_mbps: fast\n  up_mbps: 20\n", 2, "plan.down_mbps must be a rate in Mb/s"),
        ("plan:\n  down_mbps: 100\n  up_mbps: 20\n  below_pct: 0\n", 4, "plan.below_pct must be a percentage from 1 to 100"),
        ("plan:\n  down_mbps: 100\n  up_mbps: 20\n  burst: 3\n", 4, "unknown key 'burst' in plan"),
        ("web:\n  hosts: ispmon.home.arpa\n", 2, "web.hosts must be a list of host names"),
        ("web:\n  hosts: [ispmon.home.arpa, 'ispmon.lan:8080']\n", 2, "web.hosts: 'ispmon.lan:8080' is not a host name"),
        ("web:\n  hosts: [192.0.2.10]\n", 2, "web.hosts: '192.0.2.10' is not a host name (without a port; addresses are answered without being listed)"),
        ("web:\n  tools_allow_local: yes please\n", 2, "web.tools_allow_local"),
        ("web:\n  max_connections: lots\n", 2, "web.max_connections must be a whole number"),
        ("web:\n  max_connections: 15\n", 2, "web.max_connections must be a whole number from 16 to 4096"),
        ("web:\n  max_connections: 4097\n", 2, "web.max_connections must be a whole number from 16 to 4096"),
        ("web:\n  max_connections: [256]\n", 2, "web.max_connections must be a whole number"),
        ("web:\n  max_connections_per_address: 3\n", 2, "web.max_connections_per_address must be a whole number from 4 to 4096"),
        ("web:\n  max_connections_per_address: 2.5\n", 2, "web.max_connections_per_address must be a whole number"),
        ("web:\n  max_connections: 64\n  max_connections_per_address: 65\n", 3,
         "web.max_connections_per_address (65) must be at most web.max_connections (64)"),
        ("web:\n  max_connections_per_address: 300\n", 2, "web.max_connections_per_address (300) must be at most web.max_connections (256)"),
        ("web:\n  request_timeout: 10\n", 2, "web.request_timeout: '10' is not a duration"),
        ("web:\n  request_timeout: 500ms\n", 2, "web.request_timeout must be from 1s to 10m"),
        ("web:\n  write_timeout: 11m\n", 2, "web.write_timeout must be from 1s to 10m"),
        ("web:\n  write_timeout: ''\n", 2, "web.write_timeout must be a value"),
        ("web:\n  max_connection: 64\n", 2, "unknown key 'max_connection' in web"),
    ])
    func aBadFileIsOneErrorNamingTheLine(text: String, line: Int, message: String) {
        expectOneConfigError(text, line: line, message: message)
    }

    @Test func durations() {
        #expect(MonitorConfig.duration("500ms") == 500_000)
        #expect(MonitorConfig.duration("5s") == 5_000_000)
        #expect(MonitorConfig.duration("1.5s") == 1_500_000)
        #expect(MonitorConfig.duration("2m") == 120_000_000)
        #expect(MonitorConfig.duration("1h") == 3_600_000_000)
        for bad in ["", "5", "s", "-1s", "0s", "5 s", "1e3s", "5min"] { #expect(MonitorConfig.duration(bad) == nil, "\(bad)") }
    }

    @Test func urls() {
        let u = HTTPURL("http://[2001:db8::1]:8080/a?b=c#frag")
        #expect(u?.host == "2001:db8::1" && u?.port == 8080 && u?.path == "/a?b=c" && u?.secure == false)
        #expect(HTTPURL("http://example.com")?.path == "/")
        #expect(HTTPURL("http://example.com?x=1")?.path == "/?x=1")
        #expect(HTTPURL("http://user@example.com/") == nil)
        #expect(HTTPURL("http://example.com:0/") == nil)
        #expect(HTTPURL("https://example.com:99999/") == nil)
    }

}
