import Foundation
import ISPMonConfig
@testable import ISPMonControl
import ISPMonCore
import ISPMonMonitor
import Testing
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// Where the tools may go (``ToolTargets``), and the checks that keep to it (``CheckRunner``):
/// this machine, loopback, link-local and unspecified addresses are refused in every spelling
/// and behind a name, before anything is sent; the speed test goes only to the configured server
/// or a web port; an answer that is not HTTP is not shown. Every packet here goes to loopback,
/// and only where a test allows it.
@Suite(.serialized) struct ToolTargetsTests {
    static let local = ["127.0.0.1", "127.1", "0x7f.0.0.1", "2130706433", "017700000001", "127.255.0.9", "::1", "::ffff:127.0.0.1",
                        "::ffff:7f00:1", "::127.0.0.1", "fe80::1", "fe80::1%lo", "169.254.169.254", "0.0.0.0", "0", "::", "ff02::1", "224.0.0.251"]
    static let network = ["192.0.2.1", "198.51.100.7", "2001:db8::1", "::ffff:203.0.113.9"]

    /// Each spelling as the checks read it (the C library's numeric forms), judged as an address.
    @Test func everySpellingOfLoopbackLinkLocalAndUnspecifiedIsRefused() throws {
        let targets = ToolTargets()
        for spelling in Self.local {
            let address = try #require(Resolver.numeric(spelling, port: nil), "\(spelling) reads as an address")
            let why = targets.refusal(of: address.description)
            #expect(why?.contains("web.tools_allow_local") == true, "\(spelling) (\(address)): \(why ?? "allowed")")
        }
        for spelling in Self.network {
            let address = try #require(Resolver.numeric(spelling, port: nil))
            #expect(targets.refusal(of: address.description) == nil, "\(spelling)")
        }
        let allowing = ToolTargets(allowLocal: true)
        for spelling in Self.local { #expect(allowing.refusal(of: Resolver.numeric(spelling, port: nil)?.description ?? "") == nil, "\(spelling)") }
    }

    /// This machine's own addresses (whichever it has besides loopback) are refused too.
    @Test func thisMachinesOwnAddressesAreRefused() {
        let own = ToolTargets.ownAddresses()
        #expect(own.contains([127, 0, 0, 1]), "getifaddrs sees loopback")
        for bytes in own where bytes.count == 4 {
            let text = bytes.map(String.init).joined(separator: ".")
            #expect(ToolTargets().refusal(of: text) != nil, "\(text)")
        }
    }

    @Test func theSpeedTestGoesToTheConfiguredServerOrAWebPort() throws {
        var config = MonitorConfig()
        var speed = MonitorConfig.SpeedTest()
        speed.downloadURL = HTTPURL("http://speed.example.net:8888/down")
        speed.uploadURL = HTTPURL("http://speed.example.net:8888/up")
        config.speedTest = speed
        let targets = ToolTargets(config)
        #expect(targets.speedTestRefusal(try #require(HTTPURL("http://Speed.Example.Net:8888/other"))) == nil, "the configured server")
        for url in ["http://192.0.2.5/", "https://192.0.2.5/", "http://192.0.2.5:8080/x"] {
            #expect(targets.speedTestRefusal(try #require(HTTPURL(url))) == nil, "\(url)")
        }
        for url in ["http://192.0.2.5:22/", "http://speed.example.net:8889/", "http://192.0.2.5:8888/", "https://192.0.2.5:3306/"] {
            #expect(targets.speedTestRefusal(try #require(HTTPURL(url))) != nil, "\(url)")
        }
    }

    /// A listener on loopback that counts its connections: a refused check connects to nothing.
    final class Listener: Sendable {
        let fd: Int32
        let port: UInt16
        let accepted = Count()
        /// Signalled when the accepting thread has stopped (so that the descriptor, closed
        /// after, is not accepted on by a thread that outlived it and reused by another listener).
        let stopped = DispatchSemaphore(value: 0)

        final class Count: Sendable {
            let value = Mutex(0)
        }

        /// `greeting`: what it writes to each connection before closing it.
        init(greeting: String) throws {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            self.fd = fd
            var addr = sockaddr_in()
            addr.sin_family = sa_family_t(AF_INET)
            addr.sin_addr.s_addr = inet_addr("127.0.0.1")
            var len = socklen_t(MemoryLayout<sockaddr_in>.size)
            let bound = withUnsafeMutablePointer(to: &addr) { p in
                p.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) == 0 && listen(fd, 16) == 0 && getsockname(fd, $0, &len) == 0 }
            }
            guard bound else { throw CancellationError() }
            port = UInt16(bigEndian: addr.sin_port)
            let (listening, count, stopped) = (fd, accepted, stopped)
            Thread {
                defer { stopped.signal() }
                while true {
                    let c = accept(listening, nil, nil)
                    guard c >= 0 else { return }
                    count.value.withLock { $0 += 1 }
                    // The client's request first: closing with it unread would reset the connection.
                    var request = [UInt8](repeating: 0, count: 4096)
                    var wait = pollfd(fd: c, events: Int16(POLLIN), revents: 0)
                    if poll(&wait, 1, 500) > 0 { _ = recv(c, &request, request.count, 0) }
                    _ = Array(greeting.utf8).withUnsafeBytes { send(c, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                    usleep(50_000)
                    close(c)
                }
            }.start()
        }

        deinit {
            shutdown(fd, Int32(SHUT_RDWR))
            stopped.wait()
            close(fd)
        }
    }

    /// By default every tool refuses loopback in any spelling, and a name that resolves to it,
    /// before it sends anything: the listener is never connected to.
    @Test func theChecksRefuseLoopbackBeforeSendingAnything() throws {
        let listener = try Listener(greeting: "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n")
        let dir = TempDir()
        defer { dir.cleanup() }
        try "127.0.0.1 gateway.lab\n::1 six.lab\n".write(toFile: dir.file("hosts"), atomically: true, encoding: .utf8)
        try "nameserver 192.0.2.53\n".write(toFile: dir.file("resolv.conf"), atomically: true, encoding: .utf8)
        let runner = CheckRunner(environment: ["ISPMON_HOSTS": dir.file("hosts"), "ISPMON_RESOLV_CONF": dir.file("resolv.conf")])
        defer { runner.stop() }
        let port = Int(listener.port)
        let checks: [Check] = [
            try Check(tool: .tcp, host: "127.1", port: port),
            try Check(tool: .tcp, host: "0x7f.0.0.1", port: port),
            try Check(tool: .tcp, host: "2130706433", port: port),
            try Check(tool: .tcp, host: "::ffff:127.0.0.1", port: port),
            try Check(tool: .tcp, host: "gateway.lab", port: port),
            try Check(tool: .tcp, host: "six.lab", port: port),
            try Check(tool: .http, url: "http://127.0.0.1:\(port)/"),
            try Check(tool: .http, url: "http://[::1]:\(port)/"),
            try Check(tool: .http, url: "http://gateway.lab:\(port)/"),
            try Check(tool: .dns, host: "127.0.0.1", port: port, query: "example.com"),
            try Check(tool: .ping, host: "0.0.0.0", count: 1),
            try Check(tool: .ping, host: "169.254.1.1", count: 1),
            try Check(tool: .ping, host: "fe80::1", count: 1),
            try Check(tool: .trace, host: "127.0.0.1"),
            try Check(tool: .speedtest, url: "http://127.0.0.1:8080/download"),
            try Check(tool: .speedtest, url: "http://gateway.lab/download"),
        ]
        for check in checks {
            let report = runner.run(check)
            #expect(report.failure?.error == "target-not-allowed" && report.tries.isEmpty, "\(check.target): \(report)")
        }
        #expect(runner.run(try Check(tool: .tcp, host: "gateway.lab", port: port)).address == "127.0.0.1", "the name's address is said")
        #expect(listener.accepted.value.withLock { $0 } == 0, "nothing connected")
    }

    /// With the switch on, the http tool still shows nothing of an answer that is not HTTP: an
    /// SSH server's greeting is `http-malformed`, without its words.
    @Test func anAnswerThatIsNotHTTPIsNotShown() throws {
        let listener = try Listener(greeting: "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n")
        let runner = CheckRunner(targets: ToolTargets(allowLocal: true))
        defer { runner.stop() }
        let report = runner.run(try Check(tool: .http, url: "http://127.0.0.1:\(listener.port)/"))
        guard case .failed(let error, let detail) = report.tries.first else { Issue.record("\(report)"); return }
        #expect(error == "http-malformed")
        #expect(detail?.contains("SSH") != true && detail?.contains("OpenSSH") != true, "\(detail ?? "")")
        #expect(listener.accepted.value.withLock { $0 } == 1)
    }

    /// With the switch on, a speed test to a port that is neither a web port nor the configured
    /// server's is still refused, before it connects.
    @Test func theSpeedTestKeepsToItsPortsWithTheSwitchOn() throws {
        let listener = try Listener(greeting: "")
        let runner = CheckRunner(targets: ToolTargets(allowLocal: true))
        defer { runner.stop() }
        let report = runner.run(try Check(tool: .speedtest, url: "http://127.0.0.1:\(listener.port)/upload"))
        #expect(report.failure?.error == "target-not-allowed" && report.speedTest == nil, "\(report)")
        #expect(report.failure?.detail.contains("port \(listener.port)") == true)
        #expect(listener.accepted.value.withLock { $0 } == 0)
    }
}

import Synchronization
