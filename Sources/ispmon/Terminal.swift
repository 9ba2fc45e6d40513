import ArgumentParser
import Foundation
import ISPMonStore
import ISPMonCore

/// Output helpers: buffered stdout, one-line errors on stderr, progress on a terminal.
enum Terminal {
    static let stderrIsTTY = isatty(2) == 1

    static func error(_ message: String) {
        FileHandle.standardError.write(Data("ispmon: \(message)\n".utf8))
    }

    static func info(_ message: String) {
        FileHandle.standardError.write(Data("\(message)\n".utf8))
    }
}

/// Collects output bytes and writes them to stdout in large blocks.
struct OutputBuffer: ~Copyable {
    var bytes: [UInt8] = []

    init() { bytes.reserveCapacity(1 << 17) }

    mutating func flushIfFull() {
        if bytes.count >= 1 << 16 { flush() }
    }

    mutating func flush() {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { write(1, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                break  // stdout closed: nothing more to say
            }
            offset += n
        }
        bytes.removeAll(keepingCapacity: true)
    }

    mutating func append(_ s: String) { bytes.append(contentsOf: s.utf8) }

    deinit { if !bytes.isEmpty { var copy = bytes; _ = copy.withUnsafeBytes { write(1, $0.baseAddress!, $0.count) }; copy.removeAll() } }
}

/// A progress line on stderr, only when stderr is a terminal, at most ~10 times a second.
struct Progress {
    let label: String
    let total: Int?
    var last = Date.distantPast
    let enabled = Terminal.stderrIsTTY

    init(_ label: String, total: Int?) {
        self.label = label
        self.total = total
    }

    mutating func update(_ done: Int, _ detail: String = "") {
        guard enabled else { return }
        let now = Date()
        guard now.timeIntervalSince(last) >= 0.1 else { return }
        last = now
        var line = "\r\(label): \(detail)"
        if let total, total > 0 {
            let pct = min(100, Double(done) * 100 / Double(total))
            let width = 30
            let filled = Int(pct / 100 * Double(width))
            line += " [" + String(repeating: "#", count: filled) + String(repeating: " ", count: width - filled) + "] "
                + String(format: "%5.1f%%", pct)
        }
        FileHandle.standardError.write(Data((line + "\u{1B}[K").utf8))
    }

    func finish() {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}

/// `--since` / `--until` values: RFC 3339 or a span back from now.
struct TimeValue: ExpressibleByArgument {
    let timestamp: Timestamp
    init?(argument: String) {
        let now = WallClock.system.now()
        guard let t = TimeArgument.parse(argument, now: now) else { return nil }
        timestamp = t
    }
    static var defaultCompletionKind: CompletionKind { .default }
}

/// Exits with a one-line error for any failure (ArgumentParser prints `Error: …` otherwise).
func run(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let e as ExitCode {
        throw e
    } catch let e as CleanExit {
        throw e
    } catch let e as StoreError {
        Terminal.error(inWords(e))
        throw ExitCode(1)
    } catch {
        Terminal.error("\(error)")
        throw ExitCode(1)
    }
}

/// A store error as the CLI says it: what happened, and what to do here.
func inWords(_ e: StoreError) -> String {
    switch e.kind {
    case .missing:
        return "no ispmon store at \(e.path) (create one with `ispmon import` or `ispmon run`, or pass --data DIR)"
    case .newerFormat:
        return "\(e): upgrade ispmon"
    case .diskFull:
        return "\(e) (free some space and try again)"
    case .monitorRunning(let pid):
        return "another ispmon monitor (pid \(pid.map(String.init) ?? "?")) is already running on \(e.path): stop it first"
    case .damaged, .alreadyOpen, .closed, .io, .lmdb, .other:
        return "\(e)"
    }
}
