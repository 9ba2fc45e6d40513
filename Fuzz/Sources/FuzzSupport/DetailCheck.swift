import ISPMonCore

/// Whether `detail` can be the detail of a probe event that `ispmon export` writes and
/// `ispmon import` reads back (events.md: free text, no control characters, up to 512 bytes).
/// Parsers of network input build details from what a peer sent; the fuzzers check them with this.
public func isImportableDetail(_ detail: String) -> Bool {
    let event = Event(time: Timestamp(microseconds: 0), body: .probe(Probe(
        target: "t", role: .dns, method: .dns, outcome: .failed(error: "dns-malformed"), detail: detail)))
    let line = event.exportLine.dropLast()  // the \n
    return (try? line.withUnsafeBytes { try EventJSON.parse(line: $0) }) == event
}
