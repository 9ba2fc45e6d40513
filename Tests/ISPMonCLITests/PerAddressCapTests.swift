import Foundation
import ISPMonCore
import Testing
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// The cap on connections per client address (docs/http.md, "Limits"): one device, however
/// many connections it opens, keeps at most 32 (or `web.max_connections_per_address`), and the
/// others still get in; loopback (the reverse proxy beside ispmon, whose clients all have its
/// address) has only the total cap.
/// A LAN device needs an address other than loopback: `ispmon serve` and the test's clients
/// run in a network namespace with only `lo`, given 192.0.2.1-3 (TEST-NET-1) besides 127.0.0.1,
/// and 2001:db8::1 (documentation), without which the resolver leaves out IPv6 and `[::]`.
@Suite(.serialized, .enabled(if: LoopbackNamespace.unavailable == nil,
                             "needs root and iproute2's ip to make a network namespace; CI runs as root"))
struct PerAddressCapTests {
    static let perAddress = 32
    static let port: UInt16 = 8080

    /// A TCP connection from `source` to `destination`:`port` (IPv4), nil when it cannot be made.
    static func connection(from source: String, to destination: String, port: UInt16) -> Int32? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        var tv = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        func address(_ host: String, _ port: UInt16) -> sockaddr_in {
            var a = sockaddr_in()
            a.sin_family = sa_family_t(AF_INET)
            a.sin_port = port.bigEndian
            a.sin_addr.s_addr = inet_addr(host)
            return a
        }
        var from = address(source, 0), to = address(destination, port)
        let size = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &from) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, size) } }
        let connected = bound == 0 && withUnsafePointer(to: &to) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, size) }
        } == 0
        guard connected else {
            close(fd)
            return nil
        }
        return fd
    }

    /// Of `fds`, those the server has closed (end of stream or reset), looking without waiting.
    static func closed(_ fds: [Int32]) -> [Int32] {
        var buffer = [UInt8](repeating: 0, count: 16)
        return fds.filter { fd in
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&p, 1, 20) > 0 else { return false }
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
            return n == 0 || (n < 0 && errno != EAGAIN)
        }
    }

    /// The status of `GET /healthz` on a new connection from `source`, or 0 without an answer.
    static func health(from source: String) -> Int {
        guard let fd = connection(from: source, to: "192.0.2.1", port: port) else { return 0 }
        defer { close(fd) }
        _ = ConnectionLimitsTests.send(fd, Array("GET /healthz HTTP/1.1\r\nHost: 192.0.2.1\r\nConnection: close\r\n\r\n".utf8))
        var buffer = [UInt8](repeating: 0, count: 4096)
        let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        guard n > 12 else { return 0 }
        return Int(String(decoding: buffer[9..<12], as: UTF8.self)) ?? 0
    }

    struct Outcome: Sendable {
        var opened = 0
        var closedAtOnce = 0
        var otherAddress = 0
        var loopbackOpened = 0
        var loopbackClosed = -1
        var afterwards = 0
    }

    /// `ispmon serve` on `[::]:port` in a new namespace with only loopback, given 192.0.2.1-3 and
    /// 2001:db8::1, with `config` after `log_level: warning`; its log is `serve.log` in `dir`.
    static func serveInNamespace(_ dir: TempDir, config: String = "") throws -> LoopbackNamespace {
        let namespace = try LoopbackNamespace(prefix: "ispmon-cap")
        do {
            try Self.serve(in: namespace, dir, config: config)
        } catch {
            namespace.remove()
            throw error
        }
        return namespace
    }

    private static func serve(in namespace: LoopbackNamespace, _ dir: TempDir, config: String) throws {
        #expect(namespace.links.count == 1 && namespace.links.first?.contains(": lo:") == true,
                "the namespace must have only loopback: \(namespace.links)")
        for address in ["192.0.2.1/32", "192.0.2.2/32", "192.0.2.3/32", "2001:db8::1/128"] {
            let ip = Process()
            ip.executableURL = URL(fileURLWithPath: "/usr/sbin/ip")
            ip.arguments = ["netns", "exec", namespace.name, "ip", "address", "add", address, "dev", "lo"]
            try ip.run()
            ip.waitUntilExit()
            #expect(ip.terminationStatus == 0, "ip address add \(address) dev lo")
        }
        let store = dir.file("store")
        #expect(try CLI.run(["bench", "ingest", "--faults", "1", "--data", store]).status == 0)
        try ("log_level: warning\n" + config).write(toFile: dir.file("config.yaml"), atomically: true, encoding: .utf8)
        // On every address, as by default (`[::]`): an IPv4 client is then an IPv4-mapped peer.
        // The request deadline outlives the test's own slowness, so only the cap closes anything.
        try namespace.start("/bin/sh", ["-c", "exec \"$0\" serve --data \"$1\" --listen '[::]:\(Self.port)' --config \"$2\" 2>\"$3\"",
                                        CLI.binary, store, dir.file("config.yaml"), dir.file("serve.log")],
                            environment: ["ISPMON_WEB_REQUEST_TIMEOUT_MS": "120000"])
    }

    @Test func oneAddressKeeps32ConnectionsAndTheOthersAreServed() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let namespace = try Self.serveInNamespace(dir)
        defer { namespace.remove() }
        let outcome = namespace.inside { () -> Outcome in
            var outcome = Outcome()
            let deadline = Date().addingTimeInterval(15)
            while Self.health(from: "192.0.2.3") != 200, Date() < deadline { usleep(50_000) }
            // 260 from one address: before, all were kept, and with them the server was full
            // (256), so that nobody else got in.
            var open: [Int32] = []
            defer { open.forEach { close($0) } }
            for _ in 0..<260 {
                guard let fd = Self.connection(from: "192.0.2.2", to: "192.0.2.1", port: Self.port) else { break }
                open.append(fd)
            }
            outcome.opened = open.count
            usleep(1_000_000)
            outcome.closedAtOnce = Self.closed(open).count
            outcome.otherAddress = Self.health(from: "192.0.2.3")
            // Loopback (a reverse proxy's connections) is held to the total alone.
            var local: [Int32] = []
            defer { local.forEach { close($0) } }
            for _ in 0..<(Self.perAddress + 8) {
                guard let fd = Self.connection(from: "127.0.0.1", to: "192.0.2.1", port: Self.port) else { break }
                local.append(fd)
            }
            outcome.loopbackOpened = local.count
            usleep(500_000)
            outcome.loopbackClosed = Self.closed(local).count
            // Once its connections have gone, the address is served again.
            open.forEach { close($0) }
            open = []
            let again = Date().addingTimeInterval(3)
            repeat {
                outcome.afterwards = Self.health(from: "192.0.2.2")
                if outcome.afterwards == 200 { break }
                usleep(100_000)
            } while Date() < again
            return outcome
        }
        guard let outcome else { Issue.record("could not run in the namespace"); return }
        #expect(outcome.opened == 260)
        #expect(outcome.closedAtOnce == 260 - Self.perAddress, "\(outcome.closedAtOnce) of 260 closed at once (\(Self.perAddress) kept)")
        #expect(outcome.otherAddress == 200, "another address, meanwhile: \(outcome.otherAddress)")
        #expect(outcome.loopbackOpened == Self.perAddress + 8 && outcome.loopbackClosed == 0,
                "loopback: \(outcome.loopbackClosed) of \(outcome.loopbackOpened) closed")
        #expect(outcome.afterwards == 200)
        let log = (try? String(contentsOfFile: dir.file("serve.log"), encoding: .utf8)) ?? ""
        let warnings = log.components(separatedBy: "\n").filter { $0.contains("32 connections are open from 192.0.2.2, the most one address may have") }
        #expect(warnings.count == 1, "\(log)")
        #expect(!log.contains("256 connections are open"), "\(log)")
    }

    /// `web.max_connections_per_address` sets the cap: with 4, of 6 connections from one
    /// address 2 are closed at once and 4 kept (and served), and another address is served.
    @Test func theCapPerAddressIsTheConfigs() throws {
        let cap = 4
        let dir = TempDir()
        defer { dir.cleanup() }
        let namespace = try Self.serveInNamespace(dir, config: "web:\n  max_connections_per_address: \(cap)\n")
        defer { namespace.remove() }
        let outcome = namespace.inside { () -> Outcome in
            var outcome = Outcome()
            let deadline = Date().addingTimeInterval(15)
            while Self.health(from: "192.0.2.3") != 200, Date() < deadline { usleep(50_000) }
            var open: [Int32] = []
            defer { open.forEach { close($0) } }
            for _ in 0..<(cap + 2) {
                guard let fd = Self.connection(from: "192.0.2.2", to: "192.0.2.1", port: Self.port) else { break }
                open.append(fd)
            }
            outcome.opened = open.count
            usleep(1_000_000)
            // Which two is not fixed (the event loops take connections in on their own), so
            // one that was kept is asked to answer.
            let closed = Self.closed(open)
            outcome.closedAtOnce = closed.count
            if let kept = open.first(where: { !closed.contains($0) }) {
                _ = ConnectionLimitsTests.send(kept, Array("GET /healthz HTTP/1.1\r\nHost: 192.0.2.1\r\nConnection: close\r\n\r\n".utf8))
                var buffer = [UInt8](repeating: 0, count: 4096)
                let n = buffer.withUnsafeMutableBytes { recv(kept, $0.baseAddress, $0.count, 0) }
                outcome.afterwards = n > 12 ? Int(String(decoding: buffer[9..<12], as: UTF8.self)) ?? 0 : 0
            }
            outcome.otherAddress = Self.health(from: "192.0.2.3")
            return outcome
        }
        guard let outcome else { Issue.record("could not run in the namespace"); return }
        #expect(outcome.opened == cap + 2)
        #expect(outcome.closedAtOnce == 2, "\(outcome.closedAtOnce) of \(cap + 2) closed at once (\(cap) kept)")
        #expect(outcome.afterwards == 200, "a kept connection, asked: \(outcome.afterwards)")
        #expect(outcome.otherAddress == 200, "another address, meanwhile: \(outcome.otherAddress)")
        let log = (try? String(contentsOfFile: dir.file("serve.log"), encoding: .utf8)) ?? ""
        #expect(log.contains("\(cap) connections are open from 192.0.2.2, the most one address may have"), "\(log)")
    }
}
