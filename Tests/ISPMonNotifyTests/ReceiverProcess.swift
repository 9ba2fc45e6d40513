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
            let line = ChildProcess.firstLine(of: output)
            guard let p = UInt16(line) else {
                kill(process.processIdentifier, SIGKILL)
                throw ReceiverFailure("\(executable) printed no port: \(line)")
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
}

struct ReceiverFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

let pythonAvailable = ReceiverProcess.tool("python3") != nil
