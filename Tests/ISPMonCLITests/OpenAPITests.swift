import Foundation
import Testing
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// `GET /api/v1/openapi.json` (docs/http.md): the document is valid OpenAPI 3.1
/// (openapi-spec-validator), and the live server keeps to it: schemathesis fuzzes every
/// operation with a read-only and a full token, and no answer may be a server error, a status
/// the document does not list, or a body its schema does not allow. The fuzzer and the server
/// run in a network namespace of their own with only loopback, so nothing leaves the machine.
@Suite(.serialized) struct OpenAPITests {
    /// What tools/test installs (`python3 -m pip`, from the PyPI mirror).
    static let packages = ["schemathesis==4.32.5", "openapi-spec-validator==0.9.0"]

    struct Output {
        var status: Int32
        var text: String
    }

    /// Runs `executable` with `arguments`, standard output and error together, killed after `seconds`.
    static func run(_ executable: String, _ arguments: [String], seconds: Double = 300, directory: String? = nil) throws -> Output {
        let p = Process()
        if let directory { p.currentDirectoryURL = URL(fileURLWithPath: directory) }
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = arguments
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = pipe
        p.standardInput = FileHandle.nullDevice
        try p.run()
        let pid = p.processIdentifier
        let watchdog = DispatchWorkItem { kill(pid, SIGKILL) }
        DispatchQueue.global().asyncAfter(deadline: .now() + seconds, execute: watchdog)
        defer { watchdog.cancel() }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Output(status: p.terminationStatus, text: String(decoding: data, as: UTF8.self))
    }

    /// Whether python3 can import `module`; when it cannot, one attempt to install the pinned
    /// packages (tools/test installs them already; this is for `swift test` run alone).
    static func hasModule(_ module: String) -> Bool {
        func importable() -> Bool { (try? run("/usr/bin/env", ["python3", "-c", "import \(module)"]).status) == 0 }
        if importable() { return true }
        _ = try? run("/usr/bin/env", ["PIP_BREAK_SYSTEM_PACKAGES=1", "python3", "-m", "pip", "install", "--quiet"] + packages)
        return importable()
    }

    /// nil when `module` is there; else why the test cannot run. Not having it is a failure
    /// as root (CI, where tools/test installs it), a skip otherwise.
    static func missing(_ module: String) -> String? {
        if hasModule(module) { return nil }
        let reason = "python3 cannot import \(module) and `python3 -m pip install \(packages.joined(separator: " "))` did not help"
        if getuid() == 0 { Issue.record(Comment(rawValue: reason)) }
        return reason
    }

    /// A store with a day of faults, its admin password, and a read-only and a full token.
    struct Store {
        let dir = TempDir()
        var path: String { dir.file("store") }
        var full = ""
        var readOnly = ""

        init() throws {
            #expect(try CLI.run(["bench", "ingest", "--faults", "1", "--data", path]).status == 0)
            #expect(try CLI.run(["passwd"], stdin: Data("correct horse battery\n".utf8), data: path).status == 0)
            full = try CLI.run(["token", "create", "fuzz"], data: path).out.split(separator: "\n").last.map(String.init) ?? ""
            readOnly = try CLI.run(["token", "create", "fuzz-read", "--read-only"], data: path).out.split(separator: "\n").last.map(String.init) ?? ""
            try "log_level: warning\n".write(toFile: dir.file("config.yaml"), atomically: true, encoding: .utf8)
        }

        func serveArguments(port: UInt16) -> [String] {
            [CLI.binary, "serve", "--data", path, "--listen", "127.0.0.1:\(port)", "--config", dir.file("config.yaml")]
        }
    }

    /// The document as served: JSON, behind sign-in like the rest of /api, and valid OpenAPI 3.1.
    @Test func theServedDocumentIsValidOpenAPI31() throws {
        let store = try Store()
        defer { store.dir.cleanup() }
        let port = UInt16.random(in: 20_000...32_000)
        let server = try Self.start(store.serveArguments(port: port))
        defer { Self.stop(server) }
        #expect(waitUntilListening(port: port), "ispmon serve did not listen on \(port)")
        let client = HTTPClient(port: port)
        #expect(client.get("/api/v1/openapi.json")?.status == 401, "the document needs sign-in like the rest of /api")
        #expect(client.get("/api/v1/openapi.json?x=1", headers: [("Authorization", "Bearer \(store.readOnly)")])?.status == 400)
        guard let r = client.get("/api/v1/openapi.json", headers: [("Authorization", "Bearer \(store.readOnly)")]) else {
            Issue.record("no answer")
            return
        }
        #expect(r.status == 200)
        #expect(r.header("Content-Type") == "application/json")
        let doc = r.json as? [String: Any]
        #expect(doc?["openapi"] as? String == "3.1.0")
        let paths = Set(((doc?["paths"] as? [String: Any]) ?? [:]).keys)
        // Every route the server has (docs/http.md's table and the rest it serves).
        for path in ["/api/v1/status", "/api/v1/outages", "/api/v1/outages/{id}", "/api/v1/outages/{id}/notes", "/api/v1/latency",
                     "/api/v1/speedtests", "/api/v1/availability", "/api/v1/events", "/api/v1/traces", "/api/v1/jobs", "/api/v1/jobs/{job}", "/api/v1/tools/{tool}", "/api/v1/session",
                     "/api/v1/stream", "/api/v1/openapi.json", "/metrics", "/healthz", "/login", "/logout", "/"] {
            #expect(paths.contains(path), "the document lacks \(path)")
        }

        // Answers that the document once lacked (schemathesis found the first: a read-only token
        // on a page is 403), and others that are easy to forget: each must be listed for its route.
        let read = ("Authorization", "Bearer \(store.readOnly)")
        let full = ("Authorization", "Bearer \(store.full)")
        let json = ("Content-Type", "application/json")
        let cases: [(String, String, String, [(String, String)], [UInt8], Int)] = [
            ("GET", "/", "/", [read], [], 403),
            ("GET", "/", "/", [full], [], 200),
            ("GET", "/", "/", [], [], 303),
            ("GET", "/api/v1/status?x=1", "/api/v1/status", [read], [], 400),
            ("GET", "/api/v1/session", "/api/v1/session", [read], [], 400),
            ("GET", "/api/v1/outages/c-20000101T000000Z", "/api/v1/outages/{id}", [read], [], 404),
            ("GET", "/api/v1/jobs", "/api/v1/jobs", [read], [], 409),
            ("POST", "/api/v1/jobs/probes", "/api/v1/jobs/{job}", [full, json], Array(#"{"state":"paused"}"#.utf8), 409),
            ("POST", "/api/v1/jobs/nope", "/api/v1/jobs/{job}", [full, json], Array(#"{"state":"paused"}"#.utf8), 404),
            ("POST", "/api/v1/tools/nope", "/api/v1/tools/{tool}", [full, json], Array(#"{"host":"127.0.0.1"}"#.utf8), 404),
            ("POST", "/api/v1/tools/ping", "/api/v1/tools/{tool}", [full, json], Array(#"{"host":"127.0.0.1","port":1}"#.utf8), 400),
            ("POST", "/api/v1/tools/ping", "/api/v1/tools/{tool}", [read, json], Array(#"{"host":"127.0.0.1"}"#.utf8), 403),
            ("POST", "/api/v1/outages/c-20000101T000000Z/notes", "/api/v1/outages/{id}/notes", [read, json], Array(#"{"text":"x"}"#.utf8), 403),
            ("POST", "/logout", "/logout", [read], [], 403),
        ]
        for (method, target, path, headers, body, status) in cases {
            let answer = client.request(method, target, headers: headers, body: body)
            #expect(answer?.status == status, "\(method) \(target): \(answer?.status ?? 0) \(answer?.text ?? "")")
            let operation = ((doc?["paths"] as? [String: Any])?[path] as? [String: Any])?[method.lowercased()] as? [String: Any]
            let listed = Set(((operation?["responses"] as? [String: Any]) ?? [:]).keys)
            #expect(listed.contains(String(status)), "the document does not list \(status) for \(method) \(path): \(listed.sorted())")
        }

        // Without the validator the rest is not checked: the test is cancelled (reported as
        // skipped, never as a pass); as root `missing` has recorded a failure already.
        if let reason = Self.missing("openapi_spec_validator") { try Test.cancel(Comment(rawValue: "validation: " + reason)) }
        let file = store.dir.file("openapi.json")
        try Data(r.body).write(to: URL(fileURLWithPath: file))
        let check = try Self.run("/usr/bin/env", ["python3", "-c", """
            import sys
            from openapi_spec_validator import validate, OpenAPIV31SpecValidator
            from openapi_spec_validator.readers import read_from_filename
            spec, _ = read_from_filename(sys.argv[1])
            validate(spec, cls=OpenAPIV31SpecValidator)
            print("valid OpenAPI 3.1")
            """, file])
        #expect(check.status == 0, "openapi-spec-validator: \(check.text)")
    }

    /// `command` (its executable first) running, its output dropped.
    static func start(_ command: [String]) throws -> Process {
        let server = Process()
        server.executableURL = URL(fileURLWithPath: command[0])
        server.arguments = Array(command.dropFirst())
        server.standardOutput = FileHandle.nullDevice
        server.standardError = FileHandle.nullDevice
        try server.run()
        return server
    }

    static func stop(_ server: Process) {
        kill(server.processIdentifier, SIGKILL)
        server.waitUntilExit()
    }

    /// Waits for the server inside the namespace, then runs schemathesis; its arguments follow.
    static let driver = """
        import socket, subprocess, sys, time
        port = int(sys.argv[1])
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    sys.exit("the server did not listen on %d" % port)
                time.sleep(0.05)
        code = "import sys; from schemathesis.cli import schemathesis; sys.argv[0] = 'schemathesis'; sys.exit(schemathesis())"
        sys.exit(subprocess.run([sys.executable, "-c", code] + sys.argv[2:]).returncode)
        """

    @Test(.enabled(if: LoopbackNamespace.unavailable == nil, "needs root and iproute2's ip to make a network namespace with only loopback; CI runs as root"))
    func schemathesisFindsNoServerErrorOrSchemaViolation() throws {
        if let reason = Self.missing("schemathesis") { try Test.cancel(Comment(rawValue: reason)) }
        let store = try Store()
        defer { store.dir.cleanup() }
        let namespace = "ispmon-oa-" + String(UInt32.random(in: 0...UInt32.max), radix: 36)
        #expect(try Self.run("/usr/sbin/ip", ["netns", "add", namespace]).status == 0)
        defer { _ = try? Self.run("/usr/sbin/ip", ["netns", "del", namespace]) }
        #expect(try Self.run("/usr/sbin/ip", ["netns", "exec", namespace, "ip", "link", "set", "lo", "up"]).status == 0)
        let links = try Self.run("/usr/sbin/ip", ["netns", "exec", namespace, "ip", "-o", "link"]).text
        #expect(links.split(separator: "\n").count == 1 && links.contains(": lo:"), "the namespace must have only loopback: \(links)")

        let port: UInt16 = 8080
        let server = try Self.start(["/usr/sbin/ip", "netns", "exec", namespace] + store.serveArguments(port: port))
        defer { Self.stop(server) }
        // The document the binary carries, written out for schemathesis (the served one is the same
        // bytes: theServedDocumentIsValidOpenAPI31 fetches it).
        let fetch = try Self.run("/usr/sbin/ip", ["netns", "exec", namespace, "python3", "-c", """
            import sys, time, urllib.request
            req = urllib.request.Request("http://127.0.0.1:%s/api/v1/openapi.json" % sys.argv[1], headers={"Authorization": "Bearer " + sys.argv[2]})
            for _ in range(400):
                try:
                    sys.stdout.write(urllib.request.urlopen(req, timeout=2).read().decode()); break
                except OSError:
                    time.sleep(0.05)
            """, String(port), store.readOnly])
        let schema = store.dir.file("openapi.json")
        try fetch.text.write(toFile: schema, atomically: true, encoding: .utf8)
        #expect(fetch.text.hasPrefix("{"), "no document: \(fetch.text.prefix(500))")

        let start = Date()
        for (token, examples) in [(store.full, "100"), (store.readOnly, "30")] {
            let result = try Self.run("/usr/sbin/ip", ["netns", "exec", namespace, "python3", "-c", Self.driver, String(port),
                "run", schema, "--url", "http://127.0.0.1:\(port)",
                "-H", "Authorization: Bearer \(token)",
                "--checks", "not_a_server_error,status_code_conformance,response_schema_conformance,content_type_conformance",
                // The stream never ends by itself: docs/stream.md's tests cover it.
                "--exclude-path", "/api/v1/stream",
                // One worker: Python 3.11 before 3.11.8 keeps the AST builder's recursion depth per
                // interpreter, so two threads parsing at once (hypothesis describes its lambdas that
                // way) fail with "AST constructor recursion depth mismatch" (CPython gh-106905).
                "--max-examples", examples, "--seed", "1", "--workers", "1",
                "--max-redirects", "0", "--request-timeout", "10", "--no-color"],
                // schemathesis keeps its example database in the working directory: the store's, not the repository.
                seconds: 240, directory: store.dir.path)
            #expect(result.status == 0, "schemathesis (\(token == store.full ? "full" : "read-only") token) found problems:\n\(result.text)")
            if result.status != 0 { break }
        }
        print("OpenAPITests: schemathesis ran in \(Int(Date().timeIntervalSince(start))) s")
    }
}
