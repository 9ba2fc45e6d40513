import Foundation
import TestSupport

/// A receiver a test starts (a python script of Receivers/, mosquitto): the child, the port it
/// listens on, killed at the end.
final class ReceiverProcess: @unchecked Sendable {
    // @unchecked: used by the one test that made it, on its thread.
    let process: Process
    let port: UInt16
    private let output: Pipe

    /// Starts `executable args` and reads the port from its first line of output (`port`: a port
    /// given rather than printed).
    init(_ executable: String, _ args: [String], port given: UInt16? = nil) throws {
        process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = args
        output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.standardError
        try process.run()
        if let given {
            port = given
        } else {
            var line = Data()
            while !line.contains(0x0A) {
                let chunk = output.fileHandleForReading.availableData
                if chunk.isEmpty { break }
                line.append(chunk)
            }
            guard let p = UInt16(String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) else {
                kill(process.processIdentifier, SIGKILL)
                throw ReceiverFailure("\(executable) printed no port: \(String(decoding: line, as: UTF8.self))")
            }
            port = p
        }
        guard waitUntilListening(port: port) else {
            kill(process.processIdentifier, SIGKILL)
            throw ReceiverFailure("\(executable) does not listen on port \(port)")
        }
    }

    /// SIGKILL: a child of the test process may inherit its blocked signals, SIGTERM among them.
    func stop() {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    deinit { stop() }

    /// A receiver's script, by its name in Receivers/.
    static func script(_ name: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Receivers").appendingPathComponent(name).path
    }

    /// `name` on PATH or in the system's directories; nil when not installed.
    static func tool(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        for dir in path.split(separator: ":").map(String.init) + ["/usr/sbin", "/usr/bin", "/sbin"] {
            let candidate = dir + "/" + name
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// Whether python3 can import `module`.
    static func pythonHas(_ module: String) -> Bool {
        guard let python = tool("python3") else { return false }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: python)
        p.arguments = ["-c", "import \(module)"]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        guard (try? p.run()) != nil else { return false }
        p.waitUntilExit()
        return p.terminationStatus == 0
    }

    /// Runs a program to its end: status and standard output.
    @discardableResult
    static func run(_ executable: String, _ args: [String]) throws -> (status: Int32, out: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = args
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        return (p.terminationStatus, text)
    }
}

struct ReceiverFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// The HTTP catcher (Receivers/http_catcher.py) and what it recorded.
final class HTTPCatcher: @unchecked Sendable {
    // @unchecked: used by the one test that made it, on its thread.
    let receiver: ReceiverProcess
    let log: String
    var base: String { "http://127.0.0.1:\(receiver.port)" }

    struct Request {
        var method: String
        var path: String
        var headers: [String: String]
        var body: Data
        var text: String { String(decoding: body, as: UTF8.self) }
    }

    init(dir: TempDir) throws {
        log = dir.file("requests.ndjson")
        guard let python = ReceiverProcess.tool("python3") else { throw ReceiverFailure("python3 is not installed") }
        receiver = try ReceiverProcess(python, [ReceiverProcess.script("http_catcher.py"), log])
    }

    var requests: [Request] {
        guard let data = FileManager.default.contents(atPath: log) else { return [] }
        return String(decoding: data, as: UTF8.self).split(separator: "\n").compactMap { line in
            guard let o = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let method = o["method"] as? String, let path = o["path"] as? String,
                  let headers = o["headers"] as? [String: String], let body = (o["body"] as? String).flatMap({ Data(base64Encoded: $0) })
            else { return nil }
            return Request(method: method, path: path, headers: headers, body: body)
        }
    }
}

let pythonAvailable = ReceiverProcess.tool("python3") != nil
