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

            var importing = LogImport(sources: sources.map { LogImport.Source(name: $0.name, path: $0.path) })
            importing.skipInvalid = skipInvalid
            importing.commitEvery = commitEvery
            importing.committed = reportCommits ? CommitReporter.completion : nil
            importing.skippedLine = { Terminal.info("\($0) (skipped)") }
            var progress: Progress?
            importing.progress = { label, done, total in
                if progress?.label != label {
                    progress?.finish()
                    progress = Progress(label, total: total)
                }
                progress?.update(done)
            }
            // Every line is checked before the store is opened: a rejected import never touches it.
            let report = try importing.run { try store.open(create: true) }
            progress?.finish()
            var summary = "imported \(report.imported) events"
            if let range = report.range { summary += " (seq \(range.lowerBound)…\(range.upperBound))" }
            if report.skipped > 0 { summary += "; skipped \(report.skipped) invalid lines" }
            Terminal.info(summary)
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
