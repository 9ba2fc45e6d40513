#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import ISPMonCore

/// One lookup of a name's addresses with ispmon's own DNS client (DNSMessage over UDP), bounded
/// in time: the C library's getaddrinfo waits 5–10 s for a dead resolver and cannot be
/// interrupted, and it says nothing of how long an answer holds. A and AAAA are asked together
/// of each server in turn, each server for at most `perServer`, all of them until `deadline`.
enum NameLookup {
    enum Outcome: Equatable, Sendable {
        /// IPv4 addresses first (a home connection's IPv4 path is the usual one, and the ICMP
        /// pinger always has an IPv4 socket), then IPv6; the smallest TTL (s) of the answers
        /// that gave them.
        case found([String], ttl: UInt32?)
        /// A resolver said so (NXDOMAIN, or no A or AAAA record): other servers are not asked,
        /// as the C library does not ask them either.
        case absent(String)
        /// No server answered usefully (timeout, SERVFAIL, REFUSED, damaged answers, ICMP
        /// unreachable): the reason of the last one.
        case failed(String)
    }

    /// How long, once one type has answered with addresses, the other is still waited for: a
    /// resolver that drops AAAA queries must not cost every lookup its whole `perServer`.
    static let straggler: Int64 = 200_000

    static func resolve(_ name: String, servers: [SocketAddress], perServer: Int64, deadline: Int64) -> Outcome {
        var last = Outcome.failed("no resolver")
        for server in servers {
            let now = Monotonic.microseconds()
            guard now < deadline else { return .failed("timeout") }
            let outcome = ask(server, name: name, until: min(deadline, now + perServer))
            if case .failed = outcome { last = outcome; continue }
            return outcome
        }
        return last
    }

    /// The A and AAAA answers of one server.
    static func ask(_ server: SocketAddress, name: String, until deadline: Int64) -> Outcome {
        let fd: FileDescriptor
        switch Sockets.connect(server, type: Int32(SOCK_DGRAM.rawValue), deadline: deadline) {
        case .success(let s): fd = s
        case .failure(let f): return .failed(f.code)
        }
        let types: [DNSRecordType] = [.a, .aaaa]
        let first = UInt16.random(in: 0...UInt16.max)
        let ids = [first, first &+ 1]
        for (id, type) in zip(ids, types) {
            let query = DNSMessage.query(id: id, name: name, type: type)
            guard query.withUnsafeBytes({ send(fd.raw, $0.baseAddress, $0.count, 0) }) == query.count else {
                return .failed(Sockets.errorCode(errno))
            }
        }
        var answers: [DNSMessage.Records?] = [nil, nil]
        var until = deadline
        var buffer = [UInt8](repeating: 0, count: 4096)
        while answers.contains(where: { $0 == nil }), Sockets.wait(fd.raw, Int16(POLLIN), until: until) {
            let n = buffer.withUnsafeMutableBytes { recv(fd.raw, $0.baseAddress, $0.count, 0) }
            if n < 0 {
                if errno == EAGAIN || errno == EINTR { continue }
                return .failed(Sockets.errorCode(errno))  // ECONNREFUSED: nothing listens there
            }
            let message = Array(buffer[..<n])
            guard message.count >= 2, let i = ids.firstIndex(of: UInt16(message[0]) << 8 | UInt16(message[1])),
                  answers[i] == nil else { continue }  // a stray datagram: keep waiting for ours
            let records = DNSMessage.records(message, id: ids[i], name: name, type: types[i])
            answers[i] = records
            if case .addresses(let a, _) = records, !a.isEmpty {
                until = min(until, Monotonic.microseconds() + straggler)
            }
        }
        return outcome(answers)
    }

    /// What the two answers (nil: none came) say together.
    static func outcome(_ answers: [DNSMessage.Records?]) -> Outcome {
        var found: [String] = []
        var ttl: UInt32?
        for case .addresses(let a, let t)? in answers where !a.isEmpty {
            found += a
            if let t { ttl = min(ttl ?? t, t) }
        }
        if !found.isEmpty { return .found(found, ttl: ttl) }
        // NXDOMAIN is for every type; "no address" only once both types said so.
        var empty = 0
        var failure = "timeout"
        for answer in answers {
            switch answer {
            case .failure(rcode: 3)?: return .absent("dns-nxdomain")
            case .addresses?: empty += 1
            case .failure(let rcode)?: failure = DNSMessage.errorCode(rcode: rcode)
            case .malformed?: failure = "dns-malformed"
            case nil: break
            }
        }
        return empty == answers.count ? .absent("no address") : .failed(failure)
    }
}
