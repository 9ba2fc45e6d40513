import Foundation
import Synchronization
import Testing
@testable import ISPMonMonitor

#if canImport(Glibc)
import Glibc
import ISPMonConfig
import ISPMonCore
#endif

/// A server process for the probes to talk to, on loopback only, stopped at the end.
final class LoopbackServer {
    let process = Process()
    let port: UInt16

    /// Starts `command` (found on PATH) with `arguments(port)`, waiting until it answers on the port.
    init?(_ command: String, port: UInt16 = UInt16.random(in: 20_000...32_000), udp: Bool = false, _ arguments: (UInt16) -> [String]) {
        guard let path = LoopbackServer.find(command) else { return nil }
        self.port = port
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments(port)
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        // Wait for it to listen (TCP: a connect succeeds; UDP: give it a moment).
        for _ in 0..<100 {
            if udp { usleep(300_000); return }
            if case .ok = TCPProbe.run(host: "127.0.0.1", port: port, timeout: 200_000) { return }
            usleep(50_000)
        }
    }

    static func find(_ command: String) -> String? {
        let path = (ProcessInfo.processInfo.environment["PATH"] ?? "") + ":/usr/sbin:/sbin"
        return path.split(separator: ":").map { "\($0)/\(command)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    deinit {
        // SIGKILL: a child started from a test thread inherits its blocked signals, SIGTERM among them.
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}

/// A UDP socket on loopback that receives queries and answers each with `answer(query)` (nil: silence).
final class UDPResponder: Sendable {
    let fd: Int32
    let port: UInt16
    let running = Atomic<Bool>(true)

    init(_ answer: @escaping @Sendable ([UInt8]) -> [UInt8]?) {
        let sock = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        _ = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(sock, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(sock, $0, &len) } }
        var tv = timeval(tv_sec: 0, tv_usec: 100_000)
        setsockopt(sock, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        fd = sock
        port = UInt16(bigEndian: addr.sin_port)
        Thread { [self] in
            var buffer = [UInt8](repeating: 0, count: 1500)
            while running.load(ordering: .relaxed) {
                var from = sockaddr_storage()
                var fromLen = socklen_t(MemoryLayout<sockaddr_storage>.size)
                let n = buffer.withUnsafeMutableBytes { b in
                    withUnsafeMutablePointer(to: &from) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { recvfrom(sock, b.baseAddress, b.count, 0, $0, &fromLen) } }
                }
                guard n > 0, let reply = answer(Array(buffer[..<n])) else { continue }
                _ = reply.withUnsafeBytes { r in
                    withUnsafePointer(to: &from) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { sendto(sock, r.baseAddress, r.count, 0, $0, fromLen) } }
                }
            }
        }.start()
    }

    deinit {
        running.store(false, ordering: .relaxed)
        usleep(150_000)
        close(fd)
    }
}

/// The probes against real servers on loopback (no packet leaves this machine).
@Suite(.serialized) struct ProbeTests {
    /// A socket bound to a free loopback port (listening, for TCP, when `listening`).
    static func bound(_ type: Int32, listening: Bool) -> (fd: Int32, port: UInt16) {
        let fd = socket(AF_INET, type, 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) } }
        if listening { listen(fd, 8) }
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
        return (fd, UInt16(bigEndian: addr.sin_port))
    }

    /// A port nobody listens on: bound, then closed.
    static func closedPort(_ type: Int32 = Int32(SOCK_STREAM.rawValue)) -> UInt16 {
        let (fd, port) = bound(type, listening: false)
        close(fd)
        return port
    }

    @Test func tcpConnectsOrSaysRefused() throws {
        let (listener, port) = Self.bound(Int32(SOCK_STREAM.rawValue), listening: true)
        defer { close(listener) }
        guard case .ok(let rtt, _) = TCPProbe.run(host: "127.0.0.1", port: port, timeout: 1_000_000) else {
            Issue.record("no connection to a listening port"); return
        }
        #expect(rtt >= 0 && rtt < 1_000_000)
        #expect(TCPProbe.run(host: "127.0.0.1", port: Self.closedPort(), timeout: 1_000_000)
                == .failed(error: "refused", detail: "Connection refused"))
        #expect(TCPProbe.run(host: "no-such-host.invalid", port: 80, timeout: 1_000_000)
                == .failed(error: "resolve", detail: "cannot resolve no-such-host.invalid"))
    }

    @Test func dnsAgainstDnsmasq() throws {
        guard let server = LoopbackServer("dnsmasq", udp: true, { port in
            ["--no-daemon", "--conf-file=/dev/null", "--no-resolv", "--no-hosts", "--listen-address=127.0.0.1",
             "--bind-interfaces", "--port=\(port)", "--address=/example.com/192.0.2.10", "--address=/nx.example/", "--pid-file="]
        }) else {
            Issue.record("dnsmasq is not installed (tools/test installs dnsmasq-base)"); return
        }
        guard case .ok(_, let detail) = DNSProbe.run(server: "127.0.0.1", port: server.port, name: "example.com", type: .a, timeout: 2_000_000) else {
            Issue.record("no answer from dnsmasq"); return
        }
        #expect(detail == "example.com A 192.0.2.10")
        #expect(DNSProbe.run(server: "127.0.0.1", port: server.port, name: "www.nx.example", type: .a, timeout: 2_000_000)
                == .failed(error: "dns-nxdomain", detail: "www.nx.example A"))
    }

    @Test func dnsFailuresAreDistinct() {
        // Nobody listening: the port-unreachable comes back as "refused".
        #expect(DNSProbe.run(server: "127.0.0.1", port: Self.closedPort(Int32(SOCK_DGRAM.rawValue)), name: "example.com", type: .a, timeout: 500_000).isFailure("refused"))
        // Listening but silent.
        let silent = UDPResponder { _ in nil }
        #expect(DNSProbe.run(server: "127.0.0.1", port: silent.port, name: "example.com", type: .a, timeout: 300_000)
                == .failed(error: "timeout", detail: nil))
        // An answer to another question.
        let liar = UDPResponder { query in
            var r = DNSMessage.query(id: UInt16(query[0]) << 8 | UInt16(query[1]), name: "example.org", type: .a)
            r[2] = 0x81
            r[3] = 0x80
            return r
        }
        #expect(DNSProbe.run(server: "127.0.0.1", port: liar.port, name: "example.com", type: .a, timeout: 500_000).isFailure("dns-malformed"))
        // SERVFAIL.
        let failing = UDPResponder { query in
            var r = query
            r[2] = 0x81
            r[3] = 0x82
            return r
        }
        #expect(DNSProbe.run(server: "127.0.0.1", port: failing.port, name: "example.com", type: .a, timeout: 500_000).isFailure("dns-servfail"))
    }

    @Test func httpAgainstPythonsServer() throws {
        guard let server = LoopbackServer("python3", { port in ["-m", "http.server", String(port), "--bind", "127.0.0.1"] }) else {
            Issue.record("python3 is not installed"); return
        }
        let root = HTTPURL("http://127.0.0.1:\(server.port)/")!
        guard case .ok(_, let detail) = HTTPProbe.run(url: root, expectStatus: nil, timeout: 2_000_000) else {
            Issue.record("no answer from the web server"); return
        }
        #expect(detail == "200")
        let missing = HTTPURL("http://127.0.0.1:\(server.port)/no-such-page")!
        #expect(HTTPProbe.run(url: missing, expectStatus: nil, timeout: 2_000_000) == .failed(error: "http-status", detail: "404"))
        #expect(HTTPProbe.run(url: missing, expectStatus: 404, timeout: 2_000_000).isOK)
        #expect(HTTPProbe.run(url: HTTPURL("http://127.0.0.1:\(Self.closedPort())/")!, expectStatus: nil, timeout: 1_000_000).isFailure("refused"))
    }

    /// Whether this machine lets a process ping: an unprivileged ping socket
    /// (net.ipv4.ping_group_range) or CAP_NET_RAW (root); where neither, the ICMP test is
    /// reported as skipped, and the pinger's error names both fixes.
    static let canPing: Bool = {
        do {
            try ICMPPinger().stop()
            return true
        } catch {
            return false
        }
    }()

    @Test(.enabled(if: !ProbeTests.canPing, "this machine may ping: the error shows only where it may not"))
    func withoutPingPermissionThePingersErrorNamesBothFixes() {
        #expect(throws: (any Error).self) { try ICMPPinger().stop() }
        do { try ICMPPinger().stop() } catch {
            #expect("\(error)".contains("ping_group_range") && "\(error)".contains("CAP_NET_RAW"), "\(error)")
        }
    }

    @Test(.enabled(if: ProbeTests.canPing, "neither an unprivileged ping socket (net.ipv4.ping_group_range) nor CAP_NET_RAW: CI runs as root"))
    func icmpEchoOnLoopback() throws {
        let pinger = try ICMPPinger()
        defer { pinger.stop() }
        for _ in 0..<3 {
            guard case .ok(let rtt, _) = pinger.ping("127.0.0.1", timeout: 1_000_000) else { Issue.record("no echo reply from 127.0.0.1"); return }
            #expect(rtt >= 0 && rtt < 1_000_000)
        }
        if case .ok = pinger.ping("::1", timeout: 1_000_000) {} else { print("note: no IPv6 echo reply from ::1 (IPv6 disabled?)") }
        // Many at once through the shared socket: each reply reaches its own waiter.
        let results = Mutex<[ProbeResult]>([])
        DispatchQueue.concurrentPerform(iterations: 16) { _ in
            let r = pinger.ping("127.0.0.1", timeout: 1_000_000)
            results.withLock { $0.append(r) }
        }
        #expect(results.withLock { $0.allSatisfy(\.isOK) })
    }
}

extension ProbeResult {
    var isOK: Bool { if case .ok = self { true } else { false } }
    func isFailure(_ code: String) -> Bool { if case .failed(code, _) = self { true } else { false } }
}

/// https against a server with a certificate from a CA made here (openssl), trusted
/// through SSL_CERT_FILE: the handshake, the host check, and a status through TLS.
@Suite(.serialized) struct HTTPSProbeTests {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    func shell(_ script: String, in dir: String) -> Int32 {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/bash")
        p.arguments = ["-c", script]
        p.currentDirectoryURL = URL(fileURLWithPath: dir)
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try? p.run()
        p.waitUntilExit()
        return p.terminationStatus
    }

    @Test func httpsIsVerifiedAndSpokenThrough() throws {
        guard LoopbackServer.find("openssl") != nil else { Issue.record("openssl is not installed"); return }
        let dir = NSTemporaryDirectory() + "ispmon-tls-\(UUID())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // A CA, and a certificate for 127.0.0.1 (an IP SAN) and probe.example signed by it.
        let made = shell("""
            set -e
            openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 -subj /CN=ispmon-test-ca
            openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj /CN=127.0.0.1
            printf 'subjectAltName=IP:127.0.0.1,DNS:probe.example\\n' > san.ext
            openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 2 -extfile san.ext
            """, in: dir)
        #expect(made == 0, "openssl could not make the certificates")
        setenv("SSL_CERT_FILE", dir + "/ca.pem", 1)  // read when the TLS context is made, on first use
        guard let server = LoopbackServer("python3", { port in
            [Self.repo + "/tools/lab-httpd.py", String(port), "127.0.0.1", dir + "/server.pem", dir + "/server.key"]
        }) else { Issue.record("python3 is not installed"); return }
        let url = HTTPURL("https://127.0.0.1:\(server.port)/")!
        guard case .ok(_, let detail) = HTTPProbe.run(url: url, expectStatus: nil, timeout: 3_000_000) else {
            Issue.record("https failed: \(HTTPProbe.run(url: url, expectStatus: nil, timeout: 3_000_000))"); return
        }
        #expect(detail == "200")
        #expect(HTTPProbe.run(url: HTTPURL("https://127.0.0.1:\(server.port)/status/503")!, expectStatus: nil, timeout: 3_000_000)
                == .failed(error: "http-status", detail: "503"))
        // The certificate names 127.0.0.1, not localhost: refused.
        let wrongName = HTTPProbe.run(url: HTTPURL("https://localhost:\(server.port)/")!, expectStatus: nil, timeout: 3_000_000)
        #expect(wrongName.isFailure("tls"), "\(wrongName)")
        // Through the name cache's address: the URL's name is what TLS sends (SNI) and checks.
        let cached = try #require(Resolver.numeric("127.0.0.1", port: server.port))
        let byName = HTTPProbe.run(url: HTTPURL("https://probe.example:\(server.port)/")!, address: cached, expectStatus: nil, timeout: 3_000_000)
        #expect(byName.isOK, "\(byName)")
        let otherName = HTTPProbe.run(url: HTTPURL("https://other.example:\(server.port)/")!, address: cached, expectStatus: nil, timeout: 3_000_000)
        #expect(otherName.isFailure("tls"), "\(otherName)")
        // Plain http to a TLS port is not an answer.
        #expect(!HTTPProbe.run(url: HTTPURL("http://127.0.0.1:\(server.port)/")!, expectStatus: nil, timeout: 1_000_000).isOK)
    }
}
