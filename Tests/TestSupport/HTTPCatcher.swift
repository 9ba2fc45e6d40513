public import Foundation

/// The tests' HTTP receiver (Tests/ISPMonNotifyTests/Receivers/http_catcher.py: it records every
/// request and answers by path: `/status/NNN`, `/hang`, else 200): its address and what it
/// recorded. On loopback, or on a lab host's address inside that host's network namespace
/// (tools/netlab), where it is reached only through the lab's links.
public final class HTTPCatcher: @unchecked Sendable {
    // @unchecked: the process handle is set once in init; `stop` is called by the test that made it.
    let process = Process()
    public let port: UInt16
    /// The file it appends a JSON line to per request.
    public let log: String
    /// The address it listens on.
    public let host: String

    /// One request as the catcher recorded it (header names in lowercase).
    public struct Request: Sendable {
        public var method: String
        public var path: String
        public var headers: [String: String]
        public var body: Data
        public var text: String { String(decoding: body, as: UTF8.self) }
    }

    public struct NotStarted: Error, CustomStringConvertible {
        public let description: String
    }

    /// `port` 0: one the kernel chooses; else that one (for a config that names it, written first).
    public init(_ dir: TempDir, name: String = "requests", namespace: String? = nil, host: String = "127.0.0.1", port: UInt16 = 0) throws {
        log = dir.file(name + ".ndjson")
        self.host = host
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("ISPMonNotifyTests/Receivers/http_catcher.py").path
        if let namespace {
            process.executableURL = URL(fileURLWithPath: "/usr/sbin/ip")
            process.arguments = ["netns", "exec", namespace, "/usr/bin/env", "python3", script, log, host, "\(port)"]
        } else {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["python3", script, log, host, "\(port)"]
        }
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        // The catcher prints its port once it listens.
        let line = ChildProcess.firstLine(of: out)
        guard let p = UInt16(line) else {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            throw NotStarted(description: "the HTTP catcher did not start (python3 printed '\(line)')")
        }
        self.port = p
    }

    /// `http://HOST:PORT`, no slash at the end.
    public var url: String { "http://\(host):\(port)" }

    /// SIGKILL: the child may inherit the test process's blocked SIGTERM.
    public func stop() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    deinit { stop() }

    /// Every request so far, in the order they came.
    public var requests: [Request] {
        guard let data = FileManager.default.contents(atPath: log) else { return [] }
        return String(decoding: data, as: UTF8.self).split(separator: "\n").compactMap { line in
            guard let o = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let method = o["method"] as? String, let path = o["path"] as? String,
                  let headers = o["headers"] as? [String: String],
                  let body = (o["body"] as? String).flatMap({ Data(base64Encoded: $0) })
            else { return nil }
            return Request(method: method, path: path, headers: headers, body: body)
        }
    }

    /// The requests to paths that start with `path`.
    public func requests(_ path: String) -> [Request] { requests.filter { $0.path.hasPrefix(path) } }

    /// The bodies of the requests to paths that start with `path`, as text.
    public func bodies(_ path: String) -> [String] { requests(path).map(\.text) }
}

/// Whether python3 is on PATH (the catcher and the other receivers are python scripts).
public let pythonOnPath = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":")
    .contains { FileManager.default.isExecutableFile(atPath: "\($0)/python3") }
