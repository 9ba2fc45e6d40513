import ISPMonCore

/// Appends NDJSON files to the log (events.md) the way `ispmon import` promises: every line of
/// every file is checked first, and one bad line rejects the whole import with its file and line
/// and nothing appended; or, skipping invalid lines, the valid ones are appended and each skipped
/// one reported. Then the events go in, in durable commits of `commitEvery` events: a failure
/// part way leaves the commits before it (each whole), and says how far it got. Memory does not
/// grow with the files (each is read twice, line by line).
public struct LogImport {
    /// A file to import: its name in messages (`stdin`) and the path it is read from.
    public struct Source: Sendable {
        public var name: String
        public var path: String
        public init(name: String, path: String) {
            self.name = name
            self.path = path
        }
    }

    /// Why nothing (or not everything) was imported.
    public struct Rejected: Error, CustomStringConvertible, Sendable {
        /// `FILE:LINE: reason`, or the error that stopped the appending.
        public var message: String
        /// What was imported: nothing, or the first N events (their sequence numbers); nil when
        /// it goes without saying (a file that cannot be read: nothing was).
        public var outcome: String?
        public var description: String { message + (outcome.map { "\n" + $0 } ?? "") }
    }

    /// What was imported.
    public struct Report: Sendable {
        public var imported: Int
        public var skipped: Int
        /// The sequence numbers given, unless another process appended meanwhile.
        public var range: ClosedRange<UInt64>?
    }

    public var sources: [Source]
    public var skipInvalid = false
    public var commitEvery = 16_384
    /// Each skipped line, as `FILE:LINE: reason`.
    public var skippedLine: (String) -> Void = { _ in }
    /// The pass (`checking NAME`, `importing NAME`), the bytes of its file read so far, its size.
    public var progress: (String, Int, Int?) -> Void = { _, _, _ in }
    /// Each durable commit (the crash tests hear of them).
    public var committed: GroupCommitWriter.Completion?

    public init(sources: [Source]) { self.sources = sources }

    /// Checks every line, then opens the store with `open` (a rejected import never touches it)
    /// and appends the events.
    public func run(_ open: () throws -> EventStore) throws -> Report {
        var valid = 0
        var skipped = 0
        for source in sources {
            try forEachEvent(source, pass: "checking") { lineNo, result in
                switch result {
                case .success: valid += 1
                case .failure(let bad):
                    let message = "\(source.name):\(lineNo): \(bad.reason)"
                    guard skipInvalid else { throw Rejected(message: message, outcome: "nothing was imported") }
                    skippedLine(message)
                    skipped += 1
                }
            }
        }

        let store = try open()
        let writer = try GroupCommitWriter(store: store, options: .init(commitEvery: commitEvery))
        defer { writer.close() }
        let first = try store.lastSeq() + 1
        do {
            var pending: [Event] = []
            pending.reserveCapacity(commitEvery)
            for source in sources {
                try forEachEvent(source, pass: "importing") { _, result in
                    guard case .success(let event) = result else { return }
                    pending.append(event)
                    if pending.count >= commitEvery {
                        try writer.submit(pending[...], completion: committed)
                        pending.removeAll(keepingCapacity: true)
                    }
                }
            }
            if !pending.isEmpty { try writer.submit(pending[...], completion: committed) }
            try writer.flush()
        } catch {
            // Commits before the failure stand (each was durable); say how far it got.
            let last = (try? store.lastSeq()) ?? 0
            let done = last >= first ? "the first \(last - first + 1) of \(valid) events were imported (seq \(first)…\(last))" : "nothing was imported"
            throw Rejected(message: "\(error)", outcome: done)
        }
        let last = try store.lastSeq()
        // The range is ours unless another process appended meanwhile.
        let range: ClosedRange<UInt64>? = last >= first && last - first + 1 == UInt64(valid) ? first...last : nil
        return Report(imported: valid, skipped: skipped, range: range)
    }

    /// Parses each non-blank line of a source.
    func forEachEvent(_ source: Source, pass: String, _ body: (Int, Result<Event, EventJSON.InvalidLine>) throws -> Void) throws {
        let reader: LineReader
        do { reader = try LineReader(path: source.path) } catch {
            throw Rejected(message: "\(source.name): \(LogImport.reason(error))", outcome: nil)
        }
        let label = "\(pass) \(source.name)"
        defer { progress(label, reader.bytesRead, reader.fileSize) }
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
            if lineNo & 0x3FFF == 0 { progress(label, reader.bytesRead, reader.fileSize) }
        }
    }

    /// The system's words for why a file cannot be read (`No such file or directory`).
    static func reason(_ error: LineReader.Failure) -> String {
        error.description.split(separator: ":").last.map { String($0.drop { $0 == " " }) } ?? "cannot read"
    }
}
