#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// A small HTTP/1.1 client on a real TCP socket to 127.0.0.1, for the server's tests: one
/// request per connection, no redirects followed, every header and byte visible.
public struct HTTPClient: Sendable {
    public let port: UInt16

    public init(port: UInt16) { self.port = port }

    public struct Response: Sendable {
        public var status: Int
        public var headers: [(String, String)]
        public var body: [UInt8]
        public var text: String { String(decoding: body, as: UTF8.self) }
        public func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name.lowercased() }?.1 }
        public var json: Any? { try? JSONSerialization.jsonObject(with: Data(body)) }
    }

    /// Sends a request; nil when the server closed the connection without an answer. `host`:
    /// the `Host` header (`127.0.0.1:PORT` unless given).
    public func request(_ method: String, _ path: String, headers: [(String, String)] = [], body: [UInt8] = [],
                        timeout: Double = 10, host: String? = nil) -> Response? {
        guard let fd = send(method, path, headers: headers, body: body, timeout: timeout, host: host) else { return nil }
        defer { close(fd) }
        return receive(fd)
    }

    /// Sends a request on a connection of its own and leaves the answer to ``receive(_:)``:
    /// requests sent this way one after another are all under way at once. `source`: the
    /// connection's own address (another of 127.0.0.0/8: another client to the server).
    public func send(_ method: String, _ path: String, headers: [(String, String)] = [], body: [UInt8] = [],
                     timeout: Double = 10, host: String? = nil, from source: String? = nil) -> Int32? {
        guard let fd = loopbackConnection(port: port, timeout: Int(timeout), from: source) else { return nil }
        var head = "\(method) \(path) HTTP/1.1\r\nHost: \(host ?? "127.0.0.1:\(port)")\r\nConnection: close\r\n"
        for (k, v) in headers { head += "\(k): \(v)\r\n" }
        if !body.isEmpty || method == "POST" { head += "Content-Length: \(body.count)\r\n" }
        head += "\r\n"
        let out = Array(head.utf8) + body
        var sent = 0
        while sent < out.count {
            let n = out[sent...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { break }
            sent += n
        }
        return fd
    }

    /// The answer on `fd` (read to its end; the caller closes it).
    public func receive(_ fd: Int32) -> Response? {
        var data: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { break }
            data += buffer[..<n]
        }
        return HTTPClient.parse(data)
    }

    public func get(_ path: String, headers: [(String, String)] = [], host: String? = nil) -> Response? {
        request("GET", path, headers: headers, host: host)
    }

    static func parse(_ data: [UInt8]) -> Response? {
        let crlf2: [UInt8] = [13, 10, 13, 10]
        guard let end = (0..<max(0, data.count - 3)).first(where: { Array(data[$0..<$0 + 4]) == crlf2 }) else { return nil }
        let lines = String(decoding: data[..<end], as: UTF8.self).components(separatedBy: "\r\n")
        let statusParts = lines[0].split(separator: " ")
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else { return nil }
        let headers = lines.dropFirst().compactMap { line -> (String, String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        var body = Array(data[(end + 4)...])
        if headers.contains(where: { $0.0.lowercased() == "transfer-encoding" && $0.1.lowercased().contains("chunked") }) {
            body = HTTPClient.dechunk(body)
        }
        return Response(status: status, headers: headers, body: body)
    }

    static func dechunk(_ b: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var i = 0
        while i < b.count {
            guard let lineEnd = (i..<max(i, b.count - 1)).first(where: { b[$0] == 13 && b[$0 + 1] == 10 }) else { break }
            let sizeText = String(decoding: b[i..<lineEnd], as: UTF8.self).split(separator: ";").first.map(String.init) ?? ""
            guard let size = Int(sizeText, radix: 16), size > 0 else { break }
            let start = lineEnd + 2
            guard start + size <= b.count else { break }
            out += b[start..<start + size]
            i = start + size + 2
        }
        return out
    }
}
