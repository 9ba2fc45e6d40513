import Foundation
import ISPMonCore
import Testing
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// docs/reverse-proxy.md's nginx recipe, exactly as written there, in front of a real
/// `ispmon serve`, over HTTPS with a self-signed certificate, on loopback: sign-in gives a
/// `Secure` cookie, the API and a change with the CSRF token work through it, and the live
/// stream is not held back by nginx.
@Suite(.serialized) struct ReverseProxyTests {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    static let nginx = "/usr/sbin/nginx"
    static let tools = [nginx, "/usr/bin/openssl", "/usr/bin/curl"]
    static var missing: [String] { tools.filter { !FileManager.default.isExecutableFile(atPath: $0) } }

    /// The recipe's server block: the ```nginx block after the `recipe` marker of the doc.
    static func recipe() throws -> String {
        let doc = try String(contentsOfFile: repo + "/docs/reverse-proxy.md", encoding: .utf8)
        guard let marker = doc.range(of: "<!-- recipe"),
              let open = doc.range(of: "```nginx\n", range: marker.upperBound..<doc.endIndex),
              let end = doc.range(of: "\n```", range: open.upperBound..<doc.endIndex) else {
            throw Failure("docs/reverse-proxy.md has no ```nginx block after its recipe marker")
        }
        return String(doc[open.upperBound..<end.lowerBound])
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    /// `text` with each `(from, to)` replaced; a `from` that is not there is an error, so
    /// a recipe changed out from under the test fails it instead of going untested.
    static func substitute(_ text: String, _ pairs: [(String, String)]) throws -> String {
        var out = text
        for (from, to) in pairs {
            guard out.contains(from) else { throw Failure("the recipe no longer has '\(from)'") }
            out = out.replacingOccurrences(of: from, with: to)
        }
        return out
    }

    /// Runs a tool to its end; its standard output, and fails on a non-zero exit.
    @discardableResult
    static func run(_ tool: String, _ args: [String], in dir: String) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: tool)
        p.arguments = args
        p.currentDirectoryURL = URL(fileURLWithPath: dir)
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { throw Failure("\(tool) \(args.joined(separator: " ")): exit \(p.terminationStatus)") }
        return String(decoding: data, as: UTF8.self)
    }

    /// nginx with the recipe, in front of `served`, on 127.0.0.1:`port`, until ``stop()``.
    final class Proxy {
        let dir: TempDir
        let port = UInt16.random(in: 10_000...19_999)
        let process = Process()

        init(in dir: TempDir, upstream: UInt16) throws {
            self.dir = dir
            // A self-signed certificate for 127.0.0.1, which curl is told to trust.
            try run("/usr/bin/openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                                         "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                                         "-keyout", dir.file("key.pem"), "-out", dir.file("cert.pem")], in: dir.path)
            let server = try substitute(ReverseProxyTests.recipe(), [
                ("listen 443 ssl;", "listen 127.0.0.1:\(port) ssl;"),
                // Loopback only, and IPv6 may be off in a container: the one listen above does.
                ("listen [::]:443 ssl;", ""),
                ("/etc/ssl/ispmon/fullchain.pem", dir.file("cert.pem")),
                ("/etc/ssl/ispmon/privkey.pem", dir.file("key.pem")),
                ("http://127.0.0.1:8080", "http://127.0.0.1:\(upstream)"),
            ])
            // What Debian's /etc/nginx/nginx.conf gives a site, with every path in the test's directory,
            // in one process (master_process off), so no user switch and no root are needed.
            let temp = dir.file("nginx-temp")
            try FileManager.default.createDirectory(atPath: temp, withIntermediateDirectories: true)
            let config = """
                daemon off;
                master_process off;
                pid \(dir.file("nginx.pid"));
                error_log \(dir.file("nginx-error.log")) warn;
                events { worker_connections 256; }
                http {
                    access_log \(dir.file("nginx-access.log"));
                    client_body_temp_path \(temp)/body;
                    proxy_temp_path \(temp)/proxy;
                    fastcgi_temp_path \(temp)/fastcgi;
                    uwsgi_temp_path \(temp)/uwsgi;
                    scgi_temp_path \(temp)/scgi;
                \(server)
                }

                """
            try config.write(toFile: dir.file("nginx.conf"), atomically: true, encoding: .utf8)
            process.executableURL = URL(fileURLWithPath: ReverseProxyTests.nginx)
            process.arguments = ["-e", dir.file("nginx-error.log"), "-p", dir.path, "-c", dir.file("nginx.conf")]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            guard waitUntilListening(port: port, seconds: 15) else {
                throw Failure("nginx did not listen: \((try? String(contentsOfFile: dir.file("nginx-error.log"), encoding: .utf8)) ?? "")")
            }
        }

        func stop() {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }

        var base: String { "https://127.0.0.1:\(port)" }

        /// curl through the proxy: the status, the headers (lowercased names) and the body.
        func curl(_ path: String, _ args: [String] = []) throws -> (status: Int, headers: [(String, String)], body: String) {
            let out = try run("/usr/bin/curl", ["-sS", "--http1.1", "--max-time", "10", "--cacert", dir.file("cert.pem"), "-i"] + args + [base + path],
                              in: dir.path)
            guard let split = out.range(of: "\r\n\r\n") else { throw Failure("curl \(path): no answer") }
            let lines = out[..<split.lowerBound].components(separatedBy: "\r\n")
            let status = Int(lines.first?.split(separator: " ").dropFirst().first ?? "") ?? 0
            let headers = lines.dropFirst().compactMap { line -> (String, String)? in
                guard let colon = line.firstIndex(of: ":") else { return nil }
                return (line[..<colon].lowercased(), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
            }
            return (status, headers, String(out[split.upperBound...]))
        }
    }

    @Test func tlsCertInTheConfigIsRefusedPointingAtTheRecipe() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        try "web:\n  tls_cert: /etc/ssl/ispmon/fullchain.pem\n  tls_key: /etc/ssl/ispmon/privkey.pem\n"
            .write(toFile: dir.file("ispmon.yaml"), atomically: true, encoding: .utf8)
        #expect(try CLI.run(["bench", "ingest", "--events", "10", "--data", dir.file("store")]).status == 0)
        let r = try CLI.run(["serve", "--config", dir.file("ispmon.yaml"), "--listen", "127.0.0.1:0"], data: dir.file("store"))
        #expect(r.status != 0)
        #expect(r.stderr.contains("web.tls_cert: ispmon does not serve HTTPS itself") && r.stderr.contains("docs/reverse-proxy.md"), "\(r.stderr)")
    }

    @Test(.enabled(if: missing.isEmpty, "needs Debian's nginx, openssl and curl (tools/test installs them)"))
    func theDocumentedNginxRecipeServesIspmonOverHTTPS() throws {
        let s = try WebServeTests.Served()
        let proxy = try Proxy(in: s.dir, upstream: s.port)
        defer { proxy.stop() }

        // Sign in through the proxy: the cookie is Secure, and a __Host- one (X-Forwarded-Proto from a loopback peer).
        let form = "password=\(WebServeTests.password.replacingOccurrences(of: " ", with: "+"))"
        let login = try proxy.curl("/login", ["--data", form])
        #expect(login.status == 303, "\(login)")
        let setCookie = login.headers.first { $0.0 == "set-cookie" }?.1 ?? ""
        #expect(setCookie.hasPrefix("__Host-ispmon_session=") && setCookie.contains("; Secure") && setCookie.contains("HttpOnly")
                && setCookie.contains("SameSite=Strict"), "\(setCookie)")
        let cookie = String(setCookie.prefix { $0 != ";" })
        // Signed in directly, over plain HTTP, the cookie is not Secure (else the browser would never send it back).
        let direct = s.client.request("POST", "/login", headers: [("Content-Type", "application/x-www-form-urlencoded")], body: Array(form.utf8))
        #expect(direct?.status == 303 && direct?.header("Set-Cookie")?.contains("Secure") == false, "\(direct?.header("Set-Cookie") ?? "")")

        // The proxy passes the browser's Host on (proxy_set_header Host $host): a name ispmon was
        // not given (web.hosts) is refused, as a DNS-rebinding page's would be.
        let rebound = try proxy.curl("/healthz", ["-H", "Host: rebinding.example"])
        #expect(rebound.status == 421, "\(rebound)")

        // The API with the session, and a change with its CSRF token.
        let status = try proxy.curl("/api/v1/status", ["-H", "Cookie: \(cookie)"])
        #expect(status.status == 200 && status.body.contains("\"connectivity\""), "\(status)")
        let session = try proxy.curl("/api/v1/session", ["-H", "Cookie: \(cookie)"])
        let csrf = ((try? JSONSerialization.jsonObject(with: Data(session.body.utf8))) as? [String: Any])?["csrf"] as? String ?? ""
        #expect(!csrf.isEmpty, "\(session)")
        let outages = (try? JSONSerialization.jsonObject(with: Data(try proxy.curl("/api/v1/outages", ["-H", "Cookie: \(cookie)"]).body.utf8))) as? [[String: Any]]
        guard let id = outages?.first?["id"] as? String else { Issue.record("no outage through the proxy"); return }
        let note = #"{"text": "noted through nginx"}"#
        let json = ["-H", "Content-Type: application/json", "-H", "Cookie: \(cookie)"]
        #expect(try proxy.curl("/api/v1/outages/\(id)/notes", json + ["--data", note]).status == 403, "no CSRF token")
        let added = try proxy.curl("/api/v1/outages/\(id)/notes", json + ["-H", "X-CSRF-Token: \(csrf)", "--data", note])
        #expect(added.status == 201, "\(added)")
        #expect(try CLI.run(["outages", "--json"], data: s.store).out.contains("noted through nginx"))
        // A body over 64 KiB is refused by nginx itself, as ispmon would.
        try String(repeating: "a", count: 100_000).write(toFile: s.dir.file("big"), atomically: true, encoding: .utf8)
        #expect(try proxy.curl("/api/v1/outages/\(id)/notes", json + ["-H", "X-CSRF-Token: \(csrf)", "--data-binary", "@" + s.dir.file("big")]).status == 413)

        // The live stream through the proxy: an event imported by another process arrives at once.
        let before = try s.storeLastSeq()
        let stream = Process()
        stream.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        stream.arguments = ["-sS", "-N", "--http1.1", "--max-time", "30", "--cacert", s.dir.file("cert.pem"), "-H", "Cookie: \(cookie)",
                            proxy.base + "/api/v1/stream?types=event"]
        let out = Pipe()
        stream.standardOutput = out
        stream.standardError = FileHandle.nullDevice
        try stream.run()
        defer {
            kill(stream.processIdentifier, SIGKILL)
            stream.waitUntilExit()
        }
        let received = Received()
        let reader = Thread {
            while true {
                let chunk = out.fileHandleForReading.availableData
                if chunk.isEmpty { break }
                received.append(chunk)
            }
        }
        reader.start()
        /// Waits up to `seconds` for `text` in what the stream sent; how long it took, or nil.
        func wait(for text: String, seconds: Double) -> Double? {
            let start = Date()
            while Date().timeIntervalSince(start) < seconds {
                if received.text.contains(text) { return Date().timeIntervalSince(start) }
                usleep(20_000)
            }
            return nil
        }
        #expect(wait(for: ": ispmon live stream", seconds: 10) != nil, "the stream's greeting came through")
        let one = Array(SyntheticStream(seed: 11).prefix(1))
        #expect(try CLI.run(["import", "-"], stdin: ndjson(one), data: s.store).status == 0)
        let arrived = wait(for: "id: \(before + 1)\n", seconds: 10)
        // One small event fills no buffer: it comes through only if nginx passes the stream on as it
        // comes (proxy_buffering off), and then within a second of its commit.
        #expect(arrived != nil, "the imported event did not come through nginx: \(received.text)")
        if let arrived { #expect(arrived < 1, "arrived \(arrived) s after the import's commit") }
    }

    /// What a reader thread has read so far, for the test's thread to look at.
    final class Received: @unchecked Sendable {
        // @unchecked: `data` is read and written only with `lock` held.
        private let lock = NSLock()
        private var data = Data()
        func append(_ chunk: Data) { lock.withLock { data.append(chunk) } }
        var text: String { lock.withLock { String(decoding: data, as: UTF8.self) } }
    }
}
