import Foundation
import ISPMonCore
import Testing
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// `POST /api/v1/tools/{tool}` (docs/http.md): each tool runs the monitor's own probe against
/// the target in the request and answers its results; nothing is recorded. The server, the
/// targets (lab-httpd.py, dnsmasq) and the test's own client are inside a network namespace
/// with only loopback: a tool sends packets wherever it is told, so here it can reach nothing
/// but loopback, and an address outside is "unreachable" at once.
///
/// The tools refuse loopback unless the config allows it (`web.tools_allow_local`), and every
/// target here is on loopback: the lab's config turns the switch on, except where a test says
/// it is off. The speed test goes to the lab's web server as the configured speed-test server.
@Suite(.serialized, .enabled(if: LoopbackNamespace.unavailable == nil,
                             "needs root and iproute2's ip to make a network namespace; CI runs as root"))
struct ToolsTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    /// A store with a password and two tokens, `ispmon serve`, a web server and a resolver, all
    /// in a loopback-only namespace.
    final class Lab: Sendable {
        let dir = TempDir()
        var store: String { dir.file("store") }
        let namespace: LoopbackNamespace
        /// `ispmon serve`'s process.
        let server: pid_t
        let port: UInt16 = 8080
        let httpPort: UInt16 = 8081
        let full: String
        let readOnly: String
        var client: HTTPClient { HTTPClient(port: port) }

        /// `allowLocal`: `web.tools_allow_local` (on: every target of the lab is on loopback).
        init(allowLocal: Bool = true) throws {
            let store = dir.file("store")
            namespace = try LoopbackNamespace(prefix: "ispmon-tools")
            #expect(namespace.links.count == 1 && namespace.links.first?.contains(": lo:") == true,
                    "the namespace must have only loopback: \(namespace.links)")
            #expect(try CLI.run(["bench", "ingest", "--faults", "1", "--data", store]).status == 0)
            #expect(try CLI.run(["passwd"], stdin: Data("correct horse battery\n".utf8), data: store).status == 0)
            full = try CLI.run(["token", "create", "tools"], data: store).out.split(separator: "\n").last.map(String.init) ?? ""
            readOnly = try CLI.run(["token", "create", "tools-read", "--read-only"], data: store).out.split(separator: "\n").last.map(String.init) ?? ""
            try """
                log_level: warning
                web:
                  tools_allow_local: \(allowLocal)
                speedtest:
                  enabled: false
                  download_url: http://127.0.0.1:\(httpPort)/download?bytes=20000000
                  upload_url: http://127.0.0.1:\(httpPort)/upload

                """.write(toFile: dir.file("config.yaml"), atomically: true, encoding: .utf8)
            // Names the tools resolve: the hosts file first, then this resolver (dnsmasq, in the namespace).
            try "127.0.0.1 gateway.lab\n".write(toFile: dir.file("hosts"), atomically: true, encoding: .utf8)
            try "nameserver 127.0.0.1\n".write(toFile: dir.file("resolv.conf"), atomically: true, encoding: .utf8)
            try namespace.start("/usr/sbin/dnsmasq", ["--no-daemon", "--conf-file=/dev/null", "--no-resolv", "--no-hosts",
                                                     "--listen-address=127.0.0.1", "--bind-interfaces", "--port=53",
                                                     "--address=/web.lab/127.0.0.1", "--address=/far.lab/192.0.2.10", "--pid-file="])
            try namespace.start("/usr/bin/python3", [ToolsTests.root + "/tools/lab-httpd.py", String(httpPort), "127.0.0.1"])
            server = try namespace.start(CLI.binary, ["serve", "--data", store, "--listen", "127.0.0.1:\(port)", "--config", dir.file("config.yaml")],
                                environment: ["ISPMON_HOSTS": dir.file("hosts"), "ISPMON_RESOLV_CONF": dir.file("resolv.conf")])
            let (serverPort, web) = (port, httpPort)
            #expect(namespace.inside { waitUntilListening(port: serverPort) && waitUntilListening(port: web) } == true,
                    "ispmon serve or lab-httpd.py did not listen")
        }

        deinit {
            namespace.remove()
            dir.cleanup()
        }

        /// One check with the full token (or `headers`), from inside the namespace.
        func check(_ tool: String, _ body: String, headers: [(String, String)]? = nil) -> HTTPClient.Response? {
            let client = client
            let h = headers ?? [("Authorization", "Bearer \(full)"), ("Content-Type", "application/json")]
            return namespace.inside { client.request("POST", "/api/v1/tools/\(tool)", headers: h, body: Array(body.utf8), timeout: 30) } ?? nil
        }

        func lastSeq() -> Int? {
            let client = client
            return (namespace.inside { client.get("/healthz") }??.json as? [String: Any])?["last_seq"] as? Int
        }
    }

    /// The namespace is there (the suite's trait); dnsmasq missing is a failure, not a pass.
    static func requireDnsmasq() throws {
        if !FileManager.default.isExecutableFile(atPath: "/usr/sbin/dnsmasq") { throw MissingTool("needs dnsmasq (tools/test installs dnsmasq-base)") }
    }

    static func object(_ r: HTTPClient.Response?) -> [String: Any] { (r?.json as? [String: Any]) ?? [:] }
    static func tries(_ r: HTTPClient.Response?) -> [[String: Any]] { (object(r)["tries"] as? [[String: Any]]) ?? [] }

    @Test func eachToolRunsTheMonitorsProbeAndRecordsNothing() throws {
        try Self.requireDnsmasq()
        let lab = try Lab()
        let before = lab.lastSeq()
        #expect(before != nil)

        // ping: three tries of loopback, and a name from the hosts file.
        let ping = lab.check("ping", #"{"host": "127.0.0.1", "count": 3}"#)
        #expect(ping?.status == 200, "\(ping?.text ?? "no answer")")
        #expect(Self.object(ping)["ok"] as? Bool == true)
        #expect(Self.object(ping)["sent"] as? Int == 3 && Self.object(ping)["lost"] as? Int == 0, "\(ping?.text ?? "")")
        #expect(Self.tries(ping).count == 3 && Self.tries(ping).allSatisfy { $0["ok"] as? Bool == true && $0["rtt_ms"] is Double })
        #expect(Self.object(ping)["address"] is NSNull, "an address has no address of its own")
        let named = lab.check("ping", #"{"host": "gateway.lab", "count": 1}"#)
        #expect(Self.object(named)["address"] as? String == "127.0.0.1", "\(named?.text ?? "")")
        #expect(Self.object(named)["target"] as? String == "gateway.lab")
        // Outside loopback there is no route in this namespace: an error, at once.
        let far = lab.check("ping", #"{"host": "192.0.2.1", "count": 1}"#)
        #expect(far?.status == 200 && Self.object(far)["ok"] as? Bool == false, "\(far?.text ?? "")")
        #expect(Self.tries(far).first?["error"] as? String != nil)

        // tcp: a listening port, and a closed one.
        let open = lab.check("tcp", #"{"host": "127.0.0.1", "port": \#(lab.httpPort)}"#)
        #expect(Self.object(open)["ok"] as? Bool == true && Self.object(open)["target"] as? String == "127.0.0.1:\(lab.httpPort)",
                "\(open?.text ?? "")")
        let closed = lab.check("tcp", #"{"host": "127.0.0.1", "port": 9}"#)
        #expect(Self.tries(closed).first?["error"] as? String == "refused", "\(closed?.text ?? "")")

        // dns: dnsmasq in the namespace answers for web.lab; a name through the resolver (not the hosts file).
        let dns = lab.check("dns", #"{"host": "127.0.0.1", "query": "far.lab"}"#)
        #expect(Self.object(dns)["ok"] as? Bool == true, "\(dns?.text ?? "")")
        #expect((Self.tries(dns).first?["detail"] as? String)?.contains("192.0.2.10") == true, "\(dns?.text ?? "")")
        #expect(Self.object(dns)["target"] as? String == "far.lab A @127.0.0.1:53")
        let aaaa = lab.check("dns", #"{"host": "127.0.0.1", "query": "far.lab AAAA", "count": 2}"#)
        #expect(Self.tries(aaaa).count == 2, "\(aaaa?.text ?? "")")

        // http: a page through a name the resolver gives, and a status that is not success.
        let http = lab.check("http", #"{"url": "http://web.lab:\#(lab.httpPort)/"}"#)
        #expect(Self.object(http)["ok"] as? Bool == true && Self.object(http)["address"] as? String == "127.0.0.1", "\(http?.text ?? "")")
        #expect(Self.tries(http).first?["detail"] as? String == "200")
        let missing = lab.check("http", #"{"url": "http://127.0.0.1:\#(lab.httpPort)/status/404"}"#)
        #expect(Self.tries(missing).first?["error"] as? String == "http-status", "\(missing?.text ?? "")")
        let unknownName = lab.check("http", #"{"url": "http://nowhere.invalid/"}"#)
        #expect(Self.object(unknownName)["error"] as? String == "resolve", "\(unknownName?.text ?? "")")

        // trace: loopback answers at the first hop.
        let trace = lab.check("trace", #"{"host": "127.0.0.1"}"#)
        let hops = (Self.object(trace)["hops"] as? [[String: Any]]) ?? []
        #expect(Self.object(trace)["ok"] as? Bool == true && hops.first?["address"] as? String == "127.0.0.1", "\(trace?.text ?? "")")

        // speedtest: lab-httpd.py's download and upload.
        let speed = lab.check("speedtest", #"{"url": "http://127.0.0.1:\#(lab.httpPort)/download?bytes=20000000"}"#)
        #expect(Self.object(speed)["ok"] as? Bool == true, "\(speed?.text ?? "")")
        #expect(((Self.object(speed)["down_mbps"] as? Double) ?? 0) > 0 && ((Self.object(speed)["up_mbps"] as? Double) ?? 0) > 0)

        #expect(lab.lastSeq() == before, "a check is not recorded: no event was appended")
    }

    @Test func badRequestsAreRefusedNamingTheField() throws {
        try Self.requireDnsmasq()
        let lab = try Lab()
        let cases: [(String, String, Int, String)] = [
            ("ping", #"{"host": "a b; rm -rf /"}"#, 400, "host"),
            ("ping", #"{}"#, 400, "host"),
            ("ping", #"{"host": "127.0.0.1", "port": 80}"#, 400, "port"),
            ("ping", #"{"host": "127.0.0.1", "count": 11}"#, 400, "count"),
            ("ping", #"{"host": "127.0.0.1", "count": true}"#, 400, "count"),
            ("ping", #"{"host": "127.0.0.1", "count": 1.5}"#, 400, "count"),
            ("ping", #"{"host": "127.0.0.1", "shell": "ls"}"#, 400, "shell"),
            ("tcp", #"{"host": "127.0.0.1"}"#, 400, "port"),
            ("tcp", #"{"host": "127.0.0.1", "port": 70000}"#, 400, "port"),
            ("dns", #"{"host": "127.0.0.1", "query": "not a name at all"}"#, 400, "query"),
            ("dns", #"{"host": "127.0.0.1", "query": "example.com MX"}"#, 400, "query"),
            ("http", #"{"url": "ftp://127.0.0.1/"}"#, 400, "url"),
            ("http", #"{"url": "http://127.0.0.1/a\r\nX-Injected: 1"}"#, 400, "url"),
            ("speedtest", #"{"host": "127.0.0.1"}"#, 400, "host"),
            ("ping", #"[1, 2]"#, 400, "body"),
            ("nope", #"{"host": "127.0.0.1"}"#, 404, "tool"),
        ]
        for (tool, body, status, field) in cases {
            let r = lab.check(tool, body)
            #expect(r?.status == status, "\(tool) \(body): \(r?.status ?? 0) \(r?.text ?? "")")
            let error = Self.object(r)["error"] as? String ?? ""
            #expect(error.contains(field), "\(tool) \(body): the error names \(field): \(error)")
        }
        // A read-only token may not run one; a session needs its CSRF token.
        let readOnly = lab.check("ping", #"{"host": "127.0.0.1", "count": 1}"#,
                                 headers: [("Authorization", "Bearer \(lab.readOnly)"), ("Content-Type", "application/json")])
        #expect(readOnly?.status == 403)
        let anonymous = lab.check("ping", #"{"host": "127.0.0.1", "count": 1}"#, headers: [("Content-Type", "application/json")])
        #expect(anonymous?.status == 401)
    }

    @Test func oneCheckAtATimePerClient() throws {
        try Self.requireDnsmasq()
        let lab = try Lab()
        let other = try CLI.run(["token", "create", "tools-2"], data: lab.store).out.split(separator: "\n").last.map(String.init) ?? ""
        // A ping of 3 tries takes 2 s; meanwhile the same token is refused and another is served.
        let first = DispatchSemaphore(value: 0)
        let status = Mutex(0)
        Thread { [lab] in
            status.withLock { $0 = lab.check("ping", #"{"host": "127.0.0.1", "count": 3}"#)?.status ?? 0 }
            first.signal()
        }.start()
        usleep(700_000)
        let busy = lab.check("ping", #"{"host": "127.0.0.1", "count": 1}"#)
        #expect(busy?.status == 429, "\(busy?.status ?? 0) \(busy?.text ?? "")")
        #expect(busy?.header("Retry-After") == "1")
        let another = lab.check("tcp", #"{"host": "127.0.0.1", "port": \#(lab.httpPort)}"#,
                                headers: [("Authorization", "Bearer \(other)"), ("Content-Type", "application/json")])
        #expect(another?.status == 200, "another client is served meanwhile: \(another?.text ?? "")")
        first.wait()
        #expect(status.withLock { $0 } == 200)
        #expect(lab.check("ping", #"{"host": "127.0.0.1", "count": 1}"#)?.status == 200, "free again once it ended")
    }

    /// Without `web.tools_allow_local`, `ispmon serve`'s tools refuse loopback in any spelling
    /// and behind a name (`target-not-allowed`), and a speed test to a port that is neither the
    /// configured server's nor a web port; with it, they run (the test above).
    @Test func withoutTheSwitchLoopbackIsRefused() throws {
        try Self.requireDnsmasq()
        let lab = try Lab(allowLocal: false)
        let refused = [("ping", #"{"host": "127.1", "count": 1}"#), ("tcp", #"{"host": "2130706433", "port": \#(lab.httpPort)}"#),
                       ("tcp", #"{"host": "::1", "port": \#(lab.httpPort)}"#), ("dns", #"{"host": "0x7f.0.0.1", "query": "far.lab"}"#),
                       ("http", #"{"url": "http://web.lab:\#(lab.httpPort)/"}"#), ("trace", #"{"host": "gateway.lab"}"#),
                       ("speedtest", #"{"url": "http://127.0.0.1:\#(lab.httpPort)/download"}"#)]
        for (tool, body) in refused {
            let r = lab.check(tool, body)
            #expect(r?.status == 200 && Self.object(r)["ok"] as? Bool == false && Self.object(r)["error"] as? String == "target-not-allowed",
                    "\(tool) \(body): \(r?.text ?? "no answer")")
        }
    }

    /// The speed test keeps to the configured server or a web port even with the switch on.
    @Test func theSpeedTestKeepsToItsServer() throws {
        try Self.requireDnsmasq()
        let lab = try Lab()
        let other = lab.check("speedtest", #"{"url": "http://127.0.0.1:9/upload"}"#)
        #expect(Self.object(other)["error"] as? String == "target-not-allowed", "\(other?.text ?? "no answer")")
    }

    /// With `Accept: application/x-ndjson` each try is a line as soon as it ends (the tools page
    /// shows them so), and the whole answer is the last line.
    @Test func resultsComeAsTheyComeWhenStreamed() throws {
        try Self.requireDnsmasq()
        let lab = try Lab()
        let (port, token) = (lab.port, lab.full)
        let arrivals = lab.namespace.inside { () -> [(Double, String)] in
            guard let fd = loopbackConnection(port: port, timeout: 15) else { return [] }
            defer { close(fd) }
            let body = #"{"host": "127.0.0.1", "count": 3}"#
            let head = "POST /api/v1/tools/ping HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nAuthorization: Bearer \(token)\r\n"
                + "Content-Type: application/json\r\nAccept: application/x-ndjson\r\nContent-Length: \(body.utf8.count)\r\n\r\n" + body
            _ = Array(head.utf8).withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
            let start = Date()
            var got: [(Double, String)] = []
            var text = ""
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                if n <= 0 { break }
                text += String(decoding: buffer[..<n], as: UTF8.self)
                // By bytes: in a Swift string "\r\n" (the chunks' framing) is one character, not a "\n".
                let lines = text.utf8.split(separator: 0x0A).map { String(decoding: $0, as: UTF8.self) }
                for line in lines where line.hasPrefix("{") && line.hasSuffix("}") && !got.contains(where: { $0.1 == line }) {
                    got.append((Date().timeIntervalSince(start), line))
                }
            }
            return got
        } ?? []
        let steps = arrivals.map { (($0.1.data(using: .utf8).flatMap { try? JSONSerialization.jsonObject(with: $0) }) as? [String: Any])?["step"] as? String ?? "?" }
        #expect(steps == ["try", "try", "try", "done"], "\(arrivals)")
        if arrivals.count == 4 {
            #expect(arrivals[0].0 < 0.8, "the first try arrives at once: \(arrivals[0].0) s")
            #expect(arrivals[2].0 > 1.5, "the third a second after the second: \(arrivals[2].0) s")
            #expect(arrivals[3].1.contains("\"sent\":3"))
        }
    }

    /// SIGTERM while a 10 s speed test runs: the server stops within the monitor's 2 s, without
    /// waiting for the check (it is cut when the process ends).
    @Test func stoppingDoesNotWaitForACheck() throws {
        try Self.requireDnsmasq()
        let lab = try Lab()
        let answered = DispatchSemaphore(value: 0)
        Thread { [lab] in
            _ = lab.check("speedtest", #"{"url": "http://127.0.0.1:\#(lab.httpPort)/download?bytes=1000000000000"}"#)
            answered.signal()
        }.start()
        usleep(1_000_000)
        let start = Date()
        kill(lab.server, SIGTERM)
        var status: Int32 = 0
        var exited = false
        while Date().timeIntervalSince(start) < 5 {
            if waitpid(lab.server, &status, WNOHANG) == lab.server { exited = true; break }
            usleep(20_000)
        }
        let seconds = Date().timeIntervalSince(start)
        #expect(exited && seconds < 2, "ispmon serve took \(seconds) s to stop during a check")
        #expect(exited && (status & 0x7F) == 0 && ((status >> 8) & 0xFF) == 0, "it exits 0 (status \(status))")
        _ = answered.wait(timeout: .now() + 10)
    }
}

import Synchronization
