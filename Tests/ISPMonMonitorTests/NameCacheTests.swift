import Foundation
import ISPMonCore
import Logging
import Synchronization
import Testing
@testable import ISPMonMonitor

#if canImport(Glibc)
import Glibc
import ISPMonConfig
#endif

/// A DNS server on loopback for the name cache: answers A queries with `address` and `ttl`,
/// AAAA queries with no record (as the lab's dnsmasq does), or says NXDOMAIN, or nothing.
final class LoopbackZone: Sendable {
    enum Mode: Sendable { case answer, nxdomain, silent }
    struct State: Sendable {
        var mode = Mode.answer
        var address: [UInt8] = [192, 0, 2, 7]
        var ttl: UInt32 = 120
        var queries = 0
    }
    /// Shared with the responder's thread (a Mutex cannot be captured: it is not copyable).
    final class Box: Sendable { let state = Mutex(State()) }
    let box = Box()
    let responder: UDPResponder

    init() {
        let box = self.box
        responder = UDPResponder { query in
            let s = box.state.withLock { s -> State in s.queries += 1; return s }
            return LoopbackZone.answer(query, s)
        }
    }

    var port: UInt16 { responder.port }
    var queries: Int { box.state.withLock { $0.queries } }
    func set(_ change: (inout State) -> Void) { box.state.withLock { change(&$0) } }

    static func answer(_ query: [UInt8], _ s: State) -> [UInt8]? {
        guard s.mode != .silent, query.count >= 12 + 5 else { return nil }
        var m = query
        m[2] = 0x81
        m[3] = s.mode == .nxdomain ? 0x83 : 0x80
        let qtype = UInt16(query[query.count - 4]) << 8 | UInt16(query[query.count - 3])
        guard s.mode == .answer, qtype == 1 else { return m }
        m[7] = 1
        let t = s.ttl
        m += [0xC0, 12, 0, 1, 0, 1, UInt8(t >> 24), UInt8(t >> 16 & 0xFF), UInt8(t >> 8 & 0xFF), UInt8(t & 0xFF), 0, 4] + s.address
        return m
    }
}

/// The name cache against a DNS server on loopback (nothing else is ever asked: the cache
/// reads resolv.conf and hosts files written here, and asks 127.0.0.1 on the zone's port).
@Suite(.serialized) struct NameCacheTests {
    static let second: Int64 = 1_000_000

    /// A cache of `targets` asking `zone`, with a hosts file holding `hosts`.
    func cache(_ zone: LoopbackZone, _ targets: [MonitorConfig.Target], hosts: String = "", dir: String) -> NameCache {
        _ = FileManager.default.createFile(atPath: dir + "/resolv.conf", contents: Data("# test\nnameserver 127.0.0.1\n".utf8))
        _ = FileManager.default.createFile(atPath: dir + "/hosts", contents: Data(hosts.utf8))
        var o = NameCache.Options()
        o.resolvConf = dir + "/resolv.conf"
        o.hosts = dir + "/hosts"
        o.port = zone.port
        o.perServer = 300_000
        o.perLookup = 600_000
        return NameCache(targets: targets, options: o, logger: Logger(label: "test"), start: 0)
    }

    func target(_ name: String, _ method: ProbeMethod, _ address: MonitorConfig.Target.Address) -> MonitorConfig.Target {
        MonitorConfig.Target(name: name, role: .internet, method: method, address: address, interval: Self.second, timeout: Self.second)
    }

    func withDir(_ body: (String) throws -> Void) rethrows {
        let dir = NSTemporaryDirectory() + "ispmon-names-\(UUID())"
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try body(dir)
    }

    @Test func aNameResolvesAndLivesForItsTTL() {
        withDir { dir in
            let zone = LoopbackZone()
            let c = cache(zone, [target("one", .icmp, .host("Probe.Example.", port: nil))], dir: dir)
            #expect(c.names == ["probe.example"])
            #expect(c.addresses(of: "probe.example").isEmpty, "nothing before the first lookup")
            c.refresh(now: 0)
            #expect(c.addresses(of: "probe.example") == ["192.0.2.7"])
            #expect(c.address(of: "PROBE.example", port: 80)?.description == "192.0.2.7")
            #expect(c.lifetime(of: "probe.example") == 120 * Self.second, "the answer's TTL")
            #expect(zone.queries == 2, "A and AAAA")
            let due = c.nextDue ?? 0
            #expect(due >= 120 * Self.second)
            c.refresh(now: 60 * Self.second)
            #expect(zone.queries == 2, "not asked again before the TTL runs out")
            zone.set { $0.address = [192, 0, 2, 8]; $0.ttl = 1 }
            c.refresh(now: due)
            #expect(zone.queries == 4)
            #expect(c.addresses(of: "probe.example") == ["192.0.2.8"], "the new answer replaces the old")
            #expect(c.lifetime(of: "probe.example") == 30 * Self.second, "a TTL of 1 s is held 30 s")
            zone.set { $0.ttl = 7 * 86_400 }
            c.refresh(now: c.nextDue ?? 0)
            #expect(c.lifetime(of: "probe.example") == 3600 * Self.second, "a week's TTL is held an hour")
        }
    }

    @Test func aDeadResolverKeepsTheLastGoodAddresses() {
        withDir { dir in
            let zone = LoopbackZone()
            let c = cache(zone, [target("web", .http, .url(HTTPURL("http://probe.example/")!))], dir: dir)
            c.refresh(now: 0)
            #expect(c.addresses(of: "probe.example") == ["192.0.2.7"])
            for mode in [LoopbackZone.Mode.silent, .nxdomain, .silent] {
                zone.set { $0.mode = mode }
                c.refresh(now: c.nextDue ?? 0)
                #expect(c.addresses(of: "probe.example") == ["192.0.2.7"], "\(mode): the last good address stays")
                #expect(c.canProbe(target("web", .http, .url(HTTPURL("http://probe.example/")!))))
            }
            #expect(c.lifetime(of: "probe.example") == NameCache.Options().retry, "a failure is retried soon")
            zone.set { $0.mode = .answer; $0.address = [192, 0, 2, 9] }
            c.refresh(now: c.nextDue ?? 0)
            #expect(c.addresses(of: "probe.example") == ["192.0.2.9"], "and it recovers")
        }
    }

    @Test func aNameThatNeverResolvedIsNotProbed() {
        withDir { dir in
            let zone = LoopbackZone()
            zone.set { $0.mode = .nxdomain }
            let never = target("never", .tcp, .host("nx.example", port: 80))
            let literal = target("one", .icmp, .host("192.0.2.1", port: nil))
            let resolver = target("resolver", .dns, .host("resolver.example", port: 53))
            let c = cache(zone, [never, literal, resolver], dir: dir)
            #expect(c.names == ["nx.example"], "neither addresses nor a dns target's resolver")
            c.refresh(now: 0)
            #expect(c.addresses(of: "nx.example").isEmpty)
            #expect(!c.canProbe(never))
            #expect(c.address(of: "nx.example", port: 80) == nil)
            #expect(c.canProbe(literal) && c.canProbe(resolver))
            #expect(c.lifetime(of: "nx.example") == NameCache.Options().minTTL, "NXDOMAIN is asked again after 30 s")
        }
    }

    @Test func theHostsFileComesFirst() {
        withDir { dir in
            let zone = LoopbackZone()
            let c = cache(zone, [target("lan", .icmp, .host("nas.example", port: nil))],
                          hosts: "127.0.0.1 localhost\n2001:db8::5 NAS.example\n192.0.2.5\tnas.example # the NAS\n", dir: dir)
            c.refresh(now: 0)
            #expect(c.addresses(of: "nas.example") == ["192.0.2.5", "2001:db8::5"], "IPv4 first")
            #expect(zone.queries == 0, "no resolver asked")
            #expect(c.lifetime(of: "nas.example") == NameCache.Options().hostsTTL)
        }
    }

    @Test func aLookupIsBounded() {
        let zone = LoopbackZone()
        zone.set { $0.mode = .silent }
        guard let server = Resolver.numeric("127.0.0.1", port: zone.port) else { Issue.record("no address"); return }
        // A deadline already passed: nothing is sent at all.
        #expect(NameLookup.resolve("probe.example", servers: [server], perServer: Self.second, deadline: 0) == .failed("timeout"))
        #expect(zone.queries == 0)
        // A silent server: given up at its bound, not waited for.
        let outcome = NameLookup.resolve("probe.example", servers: [server, server], perServer: 100_000,
                                         deadline: Monotonic.microseconds() + 10 * Self.second)
        #expect(outcome == .failed("timeout"))
        #expect(zone.queries == 4, "each server asked once, A and AAAA")
        // Nothing listening: refused, the next server asked.
        guard let closed = Resolver.numeric("127.0.0.1", port: ProbeTests.closedPort(Int32(SOCK_DGRAM.rawValue))) else { return }
        zone.set { $0.mode = .answer }
        #expect(NameLookup.resolve("probe.example", servers: [closed, server], perServer: Self.second,
                                   deadline: Monotonic.microseconds() + 10 * Self.second) == .found(["192.0.2.7"], ttl: 120))
    }

    @Test func resolvConfIsReadForItsNameservers() {
        let text = """
            # generated by dhclient
            search lan
            nameserver 192.0.2.53 ; the router
            nameserver\t2001:db8::53
            nameserver not-an-address
            nameserver 192.0.2.54\r
            nameserver 192.0.2.55
            options edns0
            """
        #expect(ResolvConf.parse(Array(text.utf8)).nameservers == ["192.0.2.53", "2001:db8::53", "192.0.2.54"], "at most three")
        #expect(ResolvConf.parse(Array("nameserver 192.0.2.1\0junk\n".utf8)).nameservers == ["192.0.2.1"])
        #expect(ResolvConf.parse([0xFF, 0xFE, 0x0A, 0x00]).nameservers.isEmpty)
        #expect(ResolvConf.parse([]).servers.map(\.description) == ResolvConf.fallback, "none: the local host, as libc")
    }

    @Test func hostsFileLinesThatAreNotEntriesAreSkipped() {
        let text = "# comment\nnot-an-address name.example\n192.0.2.1\n192.0.2.2 a.example b.example\n192.0.2.2 A.example.\n"
        let h = HostsFile.parse(Array(text.utf8))
        #expect(h.lookup("a.example") == ["192.0.2.2"], "one address however often it is listed")
        #expect(h.lookup("B.EXAMPLE.") == ["192.0.2.2"])
        #expect(h.lookup("name.example").isEmpty)
        #expect(h.addresses.count == 2)
    }

    @Test func answersGiveEveryAddressAndTheSmallestTTL() {
        let q = DNSMessage.query(id: 7, name: "example.com", type: .a)
        var m = q
        m[2] = 0x81
        m[3] = 0x80
        m[7] = 3
        m += [0xC0, 12, 0, 5, 0, 1, 0, 0, 0, 60, 0, 6, 3, 0x77, 0x77, 0x77, 0xC0, 12]  // a CNAME, TTL 60
        m += [0xC0, 12, 0, 1, 0, 1, 0, 0, 1, 0, 0, 4, 192, 0, 2, 1]  // TTL 256
        m += [0xC0, 12, 0, 1, 0, 1, 0x80, 0, 0, 0, 0, 4, 192, 0, 2, 2]  // top bit set: TTL 0
        #expect(DNSMessage.records(m, id: 7, name: "example.com", type: .a) == .addresses(["192.0.2.1", "192.0.2.2"], ttl: 0))
        #expect(DNSMessage.records(Array(m.dropLast(16)), id: 7, name: "example.com", type: .a)
                == .addresses(["192.0.2.1"], ttl: 60), "damage after an address: the addresses before it")
        #expect(DNSMessage.parse(m, id: 7, name: "example.com", type: .a) == .address("192.0.2.1"))
    }

    @Test func aTargetThroughANameConnectsToTheCachedAddress() throws {
        // The URL's host has no address anywhere; the probe connects where it is told.
        guard let server = LoopbackServer("python3", { port in
            [HTTPSProbeTests.repo + "/tools/lab-httpd.py", String(port), "127.0.0.1"]
        }) else { Issue.record("python3 is not installed"); return }
        let url = try #require(HTTPURL("http://probe.example:\(server.port)/"))
        let address = try #require(Resolver.numeric("127.0.0.1", port: server.port))
        guard case .ok(_, let detail) = HTTPProbe.run(url: url, address: address, expectStatus: nil, timeout: 3_000_000) else {
            Issue.record("http through the cached address failed"); return
        }
        #expect(detail == "200")
        guard case .ok = TCPProbe.run(address: address, timeout: 1_000_000) else { Issue.record("tcp failed"); return }
    }

    @Test func aScheduleWaitsOnlyForTargetsThatMayGo() {
        var s = ProbeSchedule(intervals: [Self.second, 10 * Self.second], start: 0)
        #expect(s.take(at: 0, eligible: { $0 == 1 }, random: { _ in 0 }) == [])
        // Target 0 is due since 0 but may not go: the next time to wake is the other's (5 s in).
        #expect(s.next == 0)
        #expect(s.next(eligible: { $0 == 1 }) == 5 * Self.second)
        #expect(s.next(eligible: { _ in false }) == nil)
    }
}
