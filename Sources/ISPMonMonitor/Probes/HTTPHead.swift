/// The head of an HTTP/1.x response as the http probe and the speed test read it: the status
/// code of its first line (`HTTP/1.1 200 OK`) and where the header lines end. Pure, so that
/// it can be fuzzed (Fuzz/Sources/FuzzHTTP) on bytes a server sent.
public enum HTTPHead {
    /// The status code of the response's first line, nil when it is not a status line.
    public static func status(_ head: [UInt8]) -> Int? {
        let parts = String(decoding: head.prefix { $0 != 0x0D && $0 != 0x0A }, as: UTF8.self).split(separator: " ")
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), let code = Int(parts[1]), (100...599).contains(code) else { return nil }
        return code
    }

    /// The offset just after the blank line (`\r\n\r\n`) that ends the header lines, nil until it has arrived.
    public static func end(_ head: [UInt8]) -> Int? {
        guard head.count >= 4 else { return nil }
        for i in 3..<head.count where head[i] == 0x0A && head[i - 1] == 0x0D && head[i - 2] == 0x0A && head[i - 3] == 0x0D {
            return i + 1
        }
        return nil
    }

    /// The first line of a response that is not HTTP, as the detail of an `http-malformed` event:
    /// at most 80 bytes of it, control characters quoted (the line is whatever the server sent).
    public static func malformedDetail(_ head: [UInt8]) -> String {
        PeerText.quoted(String(decoding: head.prefix { $0 != 0x0D && $0 != 0x0A }, as: UTF8.self), maxBytes: 80)
    }
}
