import ArgumentParser
import Foundation
import ISPMonCore
import ISPMonStore

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Append NDJSON events (docs/events.md) to the log.",
        discussion: """
            Every file is checked in full before anything is appended: one bad line rejects the \
            whole invocation with FILE:LINE: reason and appends nothing. With --skip-invalid the \
            valid lines are appended and each skipped line is reported. `-` reads standard input.
            """)

    @OptionGroup var store: StoreOptions

    @Flag(name: .long, help: "Append the valid lines and report each invalid one instead of rejecting the import.")
    var skipInvalid = false

    @Flag(help: ArgumentHelp("Print `committed SEQ` after each durable commit (for crash tests).", visibility: .hidden))
    var reportCommits = false

    @Argument(help: ArgumentHelp("NDJSON files to import (`-` for standard input).", valueName: "FILE"))
    var files: [String]

    /// Events per durable commit.
    static let batchSize = 16_384

    @Option(help: ArgumentHelp("Events per durable commit.", visibility: .hidden))
    var commitEvery = ImportCommand.batchSize

    func validate() throws {
        guard commitEvery > 0 else { throw ValidationError("--commit-every must be positive") }
        guard !files.isEmpty else { throw ValidationError("name at least one FILE (or - for standard input)") }
        guard files.filter({ $0 == "-" }).count <= 1 else { throw ValidationError("standard input (-) can be read once") }
    }

    func run() throws {
        try ispmon.run {
            // Standard input cannot be read twice: keep a copy on disk (not in memory).
            var spool: String?
            defer { if let spool { unlink(spool) } }
            let sources: [(name: String, path: String)] = try files.map { f in
                guard f == "-" else { return (f, f) }
                let path = try spoolStandardInput()
                spool = path
                return ("stdin", path)
            }

            // Pass 1: check every line; nothing is appended unless all are good (or skipped).
            var valid = 0
            var skipped = 0
            for source in sources {
                try forEachEvent(source, progressLabel: "checking \(source.name)") { lineNo, result in
                    switch result {
                    case .success: valid += 1
                    case .failure(let bad):
                        let message = "\(source.name):\(lineNo): \(bad.reason)"
                        if skipInvalid {
                            Terminal.info("\(message) (skipped)")
                            skipped += 1
                        } else {
                            throw ImportRejected(message: message)
                        }
                    }
                }
            }

            // Pass 2: append, in batches of durable commits.
            let log = try store.open(create: true)
            let writer = try GroupCommitWriter(store: log, options: .init(commitEvery: commitEvery))
            defer { writer.close() }
            let report: GroupCommitWriter.Completion? = reportCommits ? CommitReporter.completion : nil
            let first = try log.lastSeq() + 1
            do {
                var pending: [Event] = []
                pending.reserveCapacity(commitEvery)
                for source in sources {
                    try forEachEvent(source, progressLabel: "importing \(source.name)") { _, result in
                        guard case .success(let event) = result else { return }
                        pending.append(event)
                        if pending.count >= commitEvery {
                            try writer.submit(pending[...], completion: report)
                            pending.removeAll(keepingCapacity: true)
                        }
                    }
                }
                if !pending.isEmpty { try writer.submit(pending[...], completion: report) }
                try writer.flush()
            } catch {
                // Commits before the failure stand (each was durable); say how far it got.
                let last = (try? log.lastSeq()) ?? 0
                let done = last >= first ? "the first \(last - first + 1) of \(valid) events were imported (seq \(first)…\(last))" : "nothing was imported"
                throw ImportRejected(message: "\(error)", outcome: done)
            }
            let last = try log.lastSeq()
            // The range is ours unless another process appended meanwhile.
            let range: ClosedRange<UInt64>? = last >= first && last - first + 1 == UInt64(valid) ? first...last : nil
            var summary = "imported \(valid) events"
            if let range { summary += " (seq \(range.lowerBound)…\(range.upperBound))" }
            if skipped > 0 { summary += "; skipped \(skipped) invalid lines" }
            Terminal.info(summary)
        }
    }

    struct ImportRejected: Error, CustomStringConvertible {
        var message: String
        var outcome = "nothing was imported"
        var description: String { "\(message)\n\(outcome)" }
    }

    /// Parses each non-blank line of a source, with a progress bar on a terminal.
    func forEachEvent(_ source: (name: String, path: String), progressLabel: String,
                      _ body: (Int, Result<Event, EventJSON.InvalidLine>) throws -> Void) throws {
        let reader: LineReader
        do { reader = try LineReader(path: source.path) } catch { throw ValidationError("\(source.name): \(error.description.split(separator: ":").last.map { String($0).trimmingCharacters(in: .whitespaces) } ?? "cannot read")") }
        var progress = Progress(progressLabel, total: reader.fileSize)
        defer { progress.finish() }
        try reader.forEachLine { lineNo, line in
            switch line {
            case .tooLong:
                try body(lineNo, .failure(EventJSON.InvalidLine("line is longer than \(reader.maxLineBytes) bytes")))
            case .line(let bytes):
                if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { return }  // blank lines are allowed
                do {
                    try body(lineNo, .success(try EventJSON.parse(line: bytes)))
                } catch let bad as EventJSON.InvalidLine {
                    try body(lineNo, .failure(bad))
                }
            }
            if lineNo & 0x3FFF == 0 { progress.update(reader.bytesRead, "\(lineNo) lines") }
        }
    }

    func spoolStandardInput() throws -> String {
        var template = Array((NSTemporaryDirectory() + "/ispmon-import.XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw ValidationError("cannot create a temporary file to read standard input") }
        defer { close(fd) }
        let path = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(0, $0.baseAddress!, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n >= 0 else { unlink(path); throw ValidationError("reading standard input: \(String(cString: strerror(errno)))") }
            if n == 0 { break }
            var off = 0
            while off < n {
                let w = buffer.withUnsafeBytes { write(fd, $0.baseAddress! + off, n - off) }
                guard w > 0 else { unlink(path); throw ValidationError("spooling standard input: \(String(cString: strerror(errno)))") }
                off += w
            }
        }
        return path
    }
}
