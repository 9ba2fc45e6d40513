import Foundation
import TestSupport

/// The notification tests' HTTP receiver (Tests/ISPMonNotifyTests/Receivers/http_catcher.py): its
/// port and what it recorded. On loopback, or on a lab host's address inside that host's network
/// namespace (tools/netlab), where it is reached only through the lab's links.
final class HTTPCatcher {
    let process = Process()
    let port: UInt16
    let log: String
    /// The address it listens on.
    let host: String

    /// `port` 0: one the kernel chooses; else that one (a config that names it was written first).
    init(_ dir: TempDir, name: String = "requests", namespace: String? = nil, host: String = "127.0.0.1", port: UInt16 = 0) throws {
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
        var line = Data()
        while !line.contains(0x0A) {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line.append(chunk)
        }
        guard let p = UInt16(String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) else {
            kill(process.processIdentifier, SIGKILL)
            throw MissingTool("the HTTP catcher did not start")
        }
        self.port = p
    }

    var url: String { "http://\(host):\(port)" }

    /// SIGKILL: the child may inherit the test process's blocked SIGTERM.
    func stop() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    var requests: [[String: Any]] {
        guard let data = FileManager.default.contents(atPath: log) else { return [] }
        return String(decoding: data, as: UTF8.self).split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
    }

    /// The bodies of the requests to paths that start with `path`, as text.
    func bodies(_ path: String) -> [String] {
        requests.filter { ($0["path"] as? String)?.hasPrefix(path) == true }
            .map { String(decoding: Data(base64Encoded: $0["body"] as? String ?? "") ?? Data(), as: UTF8.self) }
    }
}
