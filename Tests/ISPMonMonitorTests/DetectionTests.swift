import Testing
@testable import ISPMonMonitor
import ISPMonConfig
import ISPMonCore

/// What `ispmon init` detects of this machine and writes as a config.
@Suite struct DetectionTests {
    @Test func detectionReadsRoutesAndResolvers() {
        let table = """
            Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT
            eth0\t0000A8C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0
            eth0\t00000000\t0100A8C0\t0003\t0\t0\t0\t00000000\t0\t0\t0
            """
        let route = LinkState.defaultRoute(table: table)
        #expect(route?.interface == "eth0" && route?.gateway == "192.168.0.1")
        #expect(Detected.resolvers(resolvConf: "# comment\nnameserver 192.0.2.53\nnameserver 192.0.2.54\n", upstreamConf: nil)
                == ["192.0.2.53", "192.0.2.54"])
        // Behind the systemd-resolved stub: the servers it forwards to.
        #expect(Detected.resolvers(resolvConf: "nameserver 127.0.0.53\noptions edns0\n",
                                   upstreamConf: "nameserver 198.51.100.1\nnameserver 198.51.100.2\n") == ["198.51.100.1", "198.51.100.2"])
        let c = MonitorConfig.detected(Detected(interface: "eth0", gateway: "192.0.2.1", resolvers: ["192.0.2.53"]))
        #expect(c.targets.map(\.name) == ["router", "isp-edge", "resolver", "one-one", "quad-nine", "edge-tcp", "web"])
        #expect(c.interfaces == ["eth0"])
    }
}

@Suite struct InitTests {
    @Test func theWrittenConfigParsesBackToWhatWasDetected() throws {
        for d in [Detected(interface: "eth0", gateway: "192.0.2.1", resolvers: ["192.0.2.53", "2001:db8::53"]),
                  Detected(interface: nil, gateway: nil, resolvers: [])] {
            let text = MonitorConfig.initialYAML(d)
            var parsed = try MonitorConfig.parse(text, file: "ispmon.yaml")
            parsed.logLevel = nil
            parsed.jobs = [:]
            #expect(parsed == MonitorConfig.detected(d), "\(text)")
        }
    }

    @Test func theCommentedSpeedTestSectionParsesWhenUncommented() throws {
        let text = MonitorConfig.initialYAML(Detected(interface: "eth0", gateway: "192.0.2.1", resolvers: ["192.0.2.53"]))
        // Uncomment the speedtest block, as the comment invites.
        var lines: [String] = []
        var inBlock = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("# speedtest:") { inBlock = true }
            else if inBlock && !line.hasPrefix("#   ") { inBlock = false }
            lines.append(inBlock ? String(line.dropFirst(2)) : String(line))
        }
        let parsed = try MonitorConfig.parse(lines.joined(separator: "\n"), file: "ispmon.yaml")
        #expect(parsed.speedTest?.enabled == true)
        #expect(parsed.speedTest?.uploadURL != nil)
    }
}
