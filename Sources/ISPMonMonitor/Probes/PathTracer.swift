#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
public import ISPMonCore

/// Path discovery: ICMP echo requests toward a destination with TTL 1, 2, 3 …;
/// each router on the way answers "time exceeded" (or "unreachable") from its
/// address, the destination answers the echo. Needs a raw socket (root or
/// CAP_NET_RAW): datagram ping sockets do not hand those errors back.
public enum PathTracer {
    public struct Unavailable: Error, CustomStringConvertible {
        public var description: String
    }

    /// The hops to `host` (IPv4), in TTL order, up to the destination or `maxHops`.
    /// `identifier` tells its answers from those of another trace under way (the monitor's and
    /// an ad-hoc check's).
    public static func trace(to host: String, maxHops: Int = 8, hopTimeout: Int64 = 1_000_000,
                             identifier: UInt16? = nil, each: (Trace.Hop) -> Void = { _ in }) throws(Unavailable) -> [Trace.Hop] {
        let identifier = identifier ?? UInt16(truncatingIfNeeded: getpid()) ^ 0x7A5E
        guard let address = Resolver.resolve(host, port: nil), address.family == AF_INET else {
            throw Unavailable(description: "path discovery: \(host) is not an IPv4 address or name")
        }
        let fd = socket(AF_INET, Int32(SOCK_RAW.rawValue) | Int32(SOCK_CLOEXEC.rawValue), Int32(IPPROTO_ICMP))
        guard fd >= 0 else {
            throw Unavailable(description: "path discovery needs CAP_NET_RAW or root (\(String(cString: strerror(errno))))")
        }
        defer { close(fd) }
        Sockets.setNonBlocking(fd)
        var hops: [Trace.Hop] = []
        for ttl in 1...maxHops {
            var t = Int32(ttl)
            setsockopt(fd, Int32(IPPROTO_IP), IP_TTL, &t, socklen_t(MemoryLayout<Int32>.size))
            let sequence = UInt16(ttl)
            let packet = ICMPPinger.echoRequest(v6: false, identifier: identifier, sequence: sequence)
            let sent = Monotonic.microseconds()
            _ = packet.withUnsafeBytes { p in address.withSockaddr { sendto(fd, p.baseAddress, p.count, 0, $0, $1) } }
            let (hop, reached) = waitForAnswer(fd, identifier: identifier, sequence: sequence, sent: sent, deadline: sent + hopTimeout)
            hops.append(Trace.Hop(ttl: ttl, address: hop?.address, rtt: hop?.rtt))
            each(hops[hops.count - 1])
            if reached { break }
        }
        return hops
    }

    /// Waits for the answer to one TTL-limited request: who answered, after how long, and
    /// whether it was the destination itself.
    static func waitForAnswer(_ fd: Int32, identifier: UInt16, sequence: UInt16, sent: Int64, deadline: Int64)
        -> ((address: String, rtt: Int64)?, Bool) {
        var buffer = [UInt8](repeating: 0, count: 1500)
        while Sockets.wait(fd, Int16(POLLIN), until: deadline) {
            var from = sockaddr_storage()
            var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let n = buffer.withUnsafeMutableBytes { b in
                withUnsafeMutablePointer(to: &from) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { recvfrom(fd, b.baseAddress, b.count, 0, $0, &length) } }
            }
            guard n > 0 else { continue }
            let now = Monotonic.microseconds()
            let source = SocketAddress(storage: from, length: length).description
            switch classify(Array(buffer[..<n]), identifier: identifier, sequence: sequence) {
            case .reply: return ((source, now - sent), true)
            case .onTheWay: return ((source, now - sent), false)
            case .unreachable: return ((source, now - sent), true)
            case .other: continue
            }
        }
        return (nil, false)
    }

    public enum Answer: Sendable { case reply, onTheWay, unreachable, other }

    /// What a raw IPv4 ICMP packet says about our request `identifier`/`sequence`.
    /// Pure, so that it is fuzzed (Fuzz/Sources/FuzzICMP) on any packet a host sends.
    public static func classify(_ packet: [UInt8], identifier: UInt16, sequence: UInt16) -> Answer {
        guard let first = packet.first else { return .other }
        let icmp = Array(packet.dropFirst(Int(first & 0x0F) * 4))
        guard icmp.count >= 8 else { return .other }
        func u16(_ b: [UInt8], _ i: Int) -> UInt16 { UInt16(b[i]) << 8 | UInt16(b[i + 1]) }
        switch icmp[0] {
        case 0:
            return u16(icmp, 4) == identifier && u16(icmp, 6) == sequence ? .reply : .other
        case 11, 3:
            // The error quotes our request: its IPv4 header, then the first 8 bytes of the echo.
            let inner = Array(icmp.dropFirst(8))
            guard let ihl = inner.first.map({ Int($0 & 0x0F) * 4 }), inner.count >= ihl + 8 else { return .other }
            let echo = Array(inner.dropFirst(ihl))
            guard echo[0] == 8, u16(echo, 4) == identifier, u16(echo, 6) == sequence else { return .other }
            return icmp[0] == 11 ? .onTheWay : .unreachable
        default:
            return .other
        }
    }

    /// The ISP's first hop: the first answering hop after the gateway's (the gateway's own
    /// hop is the one answering from `gateway`, else TTL 1) that is not the destination itself.
    public static func ispHop(_ hops: [Trace.Hop], gateway: String?, destination: String) -> String? {
        Trace.ispHop(hops, gateway: gateway, destinationAddress: Resolver.resolve(destination, port: nil)?.description ?? destination)
    }
}
