public import Foundation

/// Programs the tests run to their end (coreutils, poppler, python, mosquitto_sub): one runner for
/// every test target.
public enum ChildProcess {
    /// `executable args` in `directory`: its exit status and standard output (its errors dropped).
    @discardableResult
    public static func run(_ executable: String, _ args: [String], in directory: String? = nil) throws -> (status: Int32, out: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = args
        if let directory { p.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        return (p.terminationStatus, text)
    }

    /// The first line a child prints (a receiver's port, once it listens); empty when it ends first.
    public static func firstLine(of pipe: Pipe) -> String {
        var line = Data()
        while !line.contains(0x0A) {
            let chunk = pipe.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line.append(chunk)
        }
        return String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
