#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import ISPMonCore
import ISPMonConfig

/// tcp: a connection to host:port. Refused, unreachable and timeout are distinct errors.
enum TCPProbe {
    static func run(host: String, port: UInt16, timeout: Int64) -> ProbeResult {
        guard let address = Resolver.resolve(host, port: port) else { return .failed(error: "resolve", detail: "cannot resolve \(host)") }
        return run(address: address, timeout: timeout)
    }

    /// A connection to `address` (with its port; the monitor's probes: names are resolved apart).
    static func run(address: SocketAddress, timeout: Int64) -> ProbeResult {
        let start = Monotonic.microseconds()
        switch Sockets.connect(address, type: Int32(SOCK_STREAM.rawValue), deadline: start + timeout) {
        case .success: return .ok(rtt: Monotonic.microseconds() - start, detail: nil)
        case .failure(let f): return f.result
        }
    }
}

/// dns: one query on the DNS wire format over UDP to the configured resolver
/// (never the system's), with the answer's id and question checked.
enum DNSProbe {
    static func run(server: String, port: UInt16, name: String, type: DNSRecordType, timeout: Int64) -> ProbeResult {
        let start = Monotonic.microseconds()
        let deadline = start + timeout
        guard let address = Resolver.numeric(server, port: port) ?? Resolver.resolve(server, port: port) else {
            return .failed(error: "resolve", detail: "cannot resolve \(server)")
        }
        let fd: FileDescriptor
        switch Sockets.connect(address, type: Int32(SOCK_DGRAM.rawValue), deadline: deadline) {
        case .success(let s): fd = s
        case .failure(let f): return f.result
        }
        let id = UInt16.random(in: 0...UInt16.max)
        let query = DNSMessage.query(id: id, name: name, type: type)
        guard query.withUnsafeBytes({ send(fd.raw, $0.baseAddress, $0.count, 0) }) == query.count else {
            return .failed(error: Sockets.errorCode(errno), detail: Sockets.message(errno))
        }
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            guard Sockets.wait(fd.raw, Int16(POLLIN), until: deadline) else { return .failed(error: "timeout", detail: nil) }
            let n = buffer.withUnsafeMutableBytes { recv(fd.raw, $0.baseAddress, $0.count, 0) }
            if n < 0 {
                if errno == EAGAIN || errno == EINTR { continue }
                return .failed(error: Sockets.errorCode(errno), detail: Sockets.message(errno))
            }
            let rtt = Monotonic.microseconds() - start
            switch DNSMessage.parse(Array(buffer[..<n]), id: id, name: name, type: type) {
            case .address(let a): return .ok(rtt: rtt, detail: "\(name) \(type) \(a ?? "(no address)")")
            case .failure(let rcode): return .failed(error: DNSMessage.errorCode(rcode: rcode), detail: "\(name) \(type)")
            case .malformed(let why):
                // A stray datagram (an old answer) is not the answer: keep waiting for ours.
                if why.hasPrefix("answer to another query id") { continue }
                return .failed(error: "dns-malformed", detail: why)
            }
        }
    }
}

/// http: a GET (over TLS for https); success on 2xx/3xx, or on `expectStatus`. With an
/// `address` (the name cache's), it connects there; the URL's host still names the server in
/// `Host:`, TLS's SNI and the certificate check.
enum HTTPProbe {
    static func run(url: HTTPURL, address: SocketAddress? = nil, expectStatus: Int?, timeout: Int64) -> ProbeResult {
        let start = Monotonic.microseconds()
        let deadline = start + timeout
        let connection: Connection
        switch Connection.open(url, address: address, deadline: deadline) {
        case .success(let c): connection = c
        case .failure(let f): return f.result
        }
        let defaultPort: UInt16 = url.secure ? 443 : 80
        let hostHeader = (url.host.contains(":") ? "[\(url.host)]" : url.host) + (url.port == defaultPort ? "" : ":\(url.port)")
        let request = Array("GET \(url.path) HTTP/1.1\r\nHost: \(hostHeader)\r\nUser-Agent: ispmon\r\nAccept: */*\r\nConnection: close\r\n\r\n".utf8)
        if let f = connection.writeAll(request, until: deadline) { return f.result }
        // The status line is all we need.
        var head: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1024)
        reading: while !head.contains(0x0A) && head.count < 8192 {
            switch connection.read(into: &buffer, until: deadline) {
            case .bytes(let n): head += buffer[..<n]
            case .eof: break reading
            case .timeout: return .failed(error: "timeout", detail: nil)
            case .failed(let f): return f.result
            }
        }
        let rtt = Monotonic.microseconds() - start
        guard let status = HTTPHead.status(head) else {
            return .failed(error: "http-malformed", detail: HTTPHead.malformedDetail(head))
        }
        let good = expectStatus.map { $0 == status } ?? (200...399).contains(status)
        return good ? .ok(rtt: rtt, detail: String(status)) : .failed(error: "http-status", detail: String(status))
    }
}
