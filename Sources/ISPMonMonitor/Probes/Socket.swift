#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import ISPMonCore


/// A socket address (IPv4 or IPv6) held by value.
public struct SocketAddress: Sendable, CustomStringConvertible {
    var storage = sockaddr_storage()
    var length: socklen_t = 0

    public var family: Int32 { Int32(storage.ss_family) }

    func withSockaddr<R>(_ body: (UnsafePointer<sockaddr>, socklen_t) throws -> R) rethrows -> R {
        try withUnsafePointer(to: storage) { p in
            try p.withMemoryRebound(to: sockaddr.self, capacity: 1) { try body($0, length) }
        }
    }

    /// The numeric address, e.g. `192.0.2.1` or `2001:db8::1`.
    public var description: String {
        var host = [CChar](repeating: 0, count: Int(NI_MAXHOST))
        let rc = withSockaddr { sa, len in getnameinfo(sa, len, &host, socklen_t(host.count), nil, 0, NI_NUMERICHOST) }
        guard rc == 0 else { return "?" }
        return String(decoding: host.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    init(_ ai: UnsafePointer<addrinfo>) {
        length = ai.pointee.ai_addrlen
        withUnsafeMutableBytes(of: &storage) { dst in
            dst.copyMemory(from: UnsafeRawBufferPointer(start: ai.pointee.ai_addr, count: Int(ai.pointee.ai_addrlen)))
        }
    }

    init(storage: sockaddr_storage, length: socklen_t) {
        self.storage = storage
        self.length = length
    }
}

public enum Resolver {
    /// `host` when it is a numeric address, without any lookup.
    public static func numeric(_ host: String, port: UInt16?) -> SocketAddress? {
        lookup(host, port: port, flags: AI_NUMERICHOST)
    }

    /// The first address of `host` (the system resolver for names), or nil.
    public static func resolve(_ host: String, port: UInt16?) -> SocketAddress? {
        numeric(host, port: port) ?? lookup(host, port: port, flags: AI_ADDRCONFIG)
    }

    static func lookup(_ host: String, port: UInt16?, flags: Int32) -> SocketAddress? {
        var hints = addrinfo()
        hints.ai_flags = flags
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_DGRAM.rawValue)
        var result: UnsafeMutablePointer<addrinfo>?
        let service = port.map(String.init)
        guard getaddrinfo(host, service, &hints, &result) == 0, let first = result else { return nil }
        defer { freeaddrinfo(result) }
        return SocketAddress(first)
    }
}

/// A file descriptor, closed when the last reference goes away.
final class FileDescriptor: Sendable {
    let raw: Int32
    init?(_ raw: Int32) {
        guard raw >= 0 else { return nil }
        self.raw = raw
    }
    deinit { close(raw) }
}

enum Sockets {
    /// Waits up to `deadline` (monotonic µs) for `events` on `fd`; false on timeout.
    static func wait(_ fd: Int32, _ events: Int16, until deadline: Int64) -> Bool {
        while true {
            let left = deadline - Monotonic.microseconds()
            guard left > 0 else { return false }
            var p = pollfd(fd: fd, events: events, revents: 0)
            let rc = poll(&p, 1, Int32(min(left / 1000 + 1, Int64(Int32.max))))
            if rc > 0 { return true }
            if rc < 0 && errno != EINTR { return true }  // let the next call report the error
        }
    }

    /// An error code (events.md) for a socket `errno`.
    static func errorCode(_ e: Int32) -> String {
        switch e {
        case ECONNREFUSED: "refused"
        case ENETUNREACH: "no-route"
        case EHOSTUNREACH, EHOSTDOWN: "unreachable"
        case ETIMEDOUT: "timeout"
        case ECONNRESET: "reset"
        default: "socket-error"
        }
    }

    static func message(_ e: Int32) -> String { String(cString: strerror(e)) }

    static func setNonBlocking(_ fd: Int32) {
        let flags = fcntl(fd, F_GETFL, 0)
        _ = fcntl(fd, F_SETFL, flags | O_NONBLOCK)
    }

    /// A non-blocking socket connected (or connecting) to `address`.
    static func connect(_ address: SocketAddress, type: Int32, deadline: Int64) -> Result<FileDescriptor, ProbeFailure> {
        guard let fd = FileDescriptor(socket(address.family, type | Int32(SOCK_CLOEXEC.rawValue), 0)) else {
            return .failure(ProbeFailure("socket-error", message(errno)))
        }
        setNonBlocking(fd.raw)
        let rc = address.withSockaddr { Glibc.connect(fd.raw, $0, $1) }
        if rc != 0 && errno != EINPROGRESS { return .failure(ProbeFailure(errorCode(errno), message(errno))) }
        if rc != 0 {
            guard wait(fd.raw, Int16(POLLOUT), until: deadline) else { return .failure(ProbeFailure("timeout", nil)) }
            var err: Int32 = 0
            var len = socklen_t(MemoryLayout<Int32>.size)
            getsockopt(fd.raw, SOL_SOCKET, SO_ERROR, &err, &len)
            if err != 0 { return .failure(ProbeFailure(errorCode(err), message(err))) }
        }
        return .success(fd)
    }
}

/// A probe's failure: the error code of events.md and a detail for people.
struct ProbeFailure: Error {
    var code: String
    var detail: String?
    init(_ code: String, _ detail: String?) {
        self.code = code
        self.detail = detail
    }
    var result: ProbeResult { .failed(error: code, detail: detail) }
}
