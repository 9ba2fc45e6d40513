#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import ISPMonCore
import Dispatch
import Foundation
import Synchronization

/// icmp: echo requests for every icmp target through one socket per address
/// family, replies matched by sequence number (and identifier, on raw sockets)
/// on a receiving thread, RTTs from the monotonic clock.
///
/// It uses an unprivileged ICMP datagram socket where the kernel allows it
/// (`net.ipv4.ping_group_range`), else a raw socket (root or CAP_NET_RAW).
final class ICMPPinger: @unchecked Sendable {
    // @unchecked: the sockets never change after init; everything else is in `state`.
    enum Kind: String, Sendable { case datagram, raw }

    struct Socket {
        let fd: Int32
        let kind: Kind
        let family: Int32
    }

    /// Why no ICMP socket could be opened, with both fixes.
    struct Unavailable: Error, CustomStringConvertible {
        var reason: String
        var description: String {
            "cannot send ICMP echo requests (\(reason)): allow unprivileged ping with "
                + "`sysctl -w net.ipv4.ping_group_range=\"0 2147483647\"`, or run ispmon with CAP_NET_RAW "
                + "(`setcap cap_net_raw+ep $(command -v ispmon)`, or AmbientCapabilities=CAP_NET_RAW in its systemd unit)"
        }
    }

    final class Waiter: @unchecked Sendable {
        // @unchecked: `received` is written once by the receiving thread before `done` is signalled.
        let done = DispatchSemaphore(value: 0)
        var received: Int64 = 0
        var unreachable = false
    }

    struct State {
        var nextSequence: UInt16 = 1
        var waiters: [UInt16: Waiter] = [:]
        var stopping = false
    }

    let v4: Socket
    let v6: Socket?
    /// The echo requests' identifier (raw sockets see every reply: the monitor's pinger and
    /// an ad-hoc check's tell theirs apart by it; datagram sockets get the kernel's own).
    let identifier: UInt16
    let state = Mutex(State())
    let stopped = DispatchSemaphore(value: 0)

    init(identifier: UInt16 = UInt16(truncatingIfNeeded: getpid())) throws(Unavailable) {
        self.identifier = identifier
        func open(_ family: Int32, _ proto: Int32) -> Socket? {
            let dgram = socket(family, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), proto)
            if dgram >= 0 { return Socket(fd: dgram, kind: .datagram, family: family) }
            let raw = socket(family, Int32(SOCK_RAW.rawValue) | Int32(SOCK_CLOEXEC.rawValue), proto)
            if raw >= 0 { return Socket(fd: raw, kind: .raw, family: family) }
            return nil
        }
        guard let v4 = open(AF_INET, Int32(IPPROTO_ICMP)) else { throw Unavailable(reason: String(cString: strerror(errno))) }
        self.v4 = v4
        v6 = open(AF_INET6, Int32(IPPROTO_ICMPV6))
        for s in [v4] + (v6.map { [$0] } ?? []) { Sockets.setNonBlocking(s.fd) }
        let thread = Thread { [self] in receive() }
        thread.name = "ispmon.icmp"
        thread.start()
    }

    /// Stops the receiving thread and closes the sockets.
    func stop() {
        state.withLock { $0.stopping = true }
        stopped.wait()
        close(v4.fd)
        if let v6 { close(v6.fd) }
    }

    var kind: Kind { v4.kind }

    /// One echo request to `host`, waiting up to `timeout` µs for its reply.
    func ping(_ host: String, timeout: Int64) -> ProbeResult {
        guard let address = Resolver.resolve(host, port: nil) else { return .failed(error: "resolve", detail: "cannot resolve \(host)") }
        return ping(address, timeout: timeout)
    }

    /// One echo request to `address` (the monitor's probes: names are resolved apart, NameCache).
    func ping(_ address: SocketAddress, timeout: Int64) -> ProbeResult {
        guard let socket = address.family == AF_INET6 ? v6 : v4 else {
            return .failed(error: "no-route", detail: "no IPv6 ICMP socket")
        }
        let waiter = Waiter()
        let sequence: UInt16 = state.withLock { s in
            var seq = s.nextSequence
            while s.waiters[seq] != nil || seq == 0 { seq &+= 1 }
            s.nextSequence = seq &+ 1
            s.waiters[seq] = waiter
            return seq
        }
        defer { _ = state.withLock { $0.waiters.removeValue(forKey: sequence) } }
        let packet = ICMPPinger.echoRequest(v6: socket.family == AF_INET6, identifier: identifier, sequence: sequence)
        let sent = Monotonic.microseconds()
        let n = packet.withUnsafeBytes { p in address.withSockaddr { sendto(socket.fd, p.baseAddress, p.count, 0, $0, $1) } }
        guard n == packet.count else { return .failed(error: Sockets.errorCode(errno), detail: Sockets.message(errno)) }
        let left = max(0, timeout - (Monotonic.microseconds() - sent))
        guard waiter.done.wait(timeout: .now() + .microseconds(Int(left))) == .success else {
            return .failed(error: "timeout", detail: nil)
        }
        if waiter.unreachable { return .failed(error: "unreachable", detail: nil) }
        return .ok(rtt: max(0, waiter.received - sent), detail: nil)
    }

    static func echoRequest(v6: Bool, identifier: UInt16, sequence: UInt16) -> [UInt8] {
        var p: [UInt8] = [v6 ? 128 : 8, 0, 0, 0, UInt8(identifier >> 8), UInt8(identifier & 0xFF),
                          UInt8(sequence >> 8), UInt8(sequence & 0xFF)]
        p += Array("ispmon-probe-0123".utf8)
        if !v6 {  // the kernel computes ICMPv6 checksums itself
            let sum = checksum(p)
            p[2] = UInt8(sum >> 8)
            p[3] = UInt8(sum & 0xFF)
        }
        return p
    }

    static func checksum(_ bytes: [UInt8]) -> UInt16 {
        var sum: UInt32 = 0
        var i = 0
        while i + 1 < bytes.count {
            sum += UInt32(bytes[i]) << 8 | UInt32(bytes[i + 1])
            i += 2
        }
        if i < bytes.count { sum += UInt32(bytes[i]) << 8 }
        while sum >> 16 != 0 { sum = (sum & 0xFFFF) + (sum >> 16) }
        return ~UInt16(sum)
    }

    /// The receiving thread: reads every reply and wakes its waiter.
    func receive() {
        var fds = [pollfd(fd: v4.fd, events: Int16(POLLIN), revents: 0)]
        if let v6 { fds.append(pollfd(fd: v6.fd, events: Int16(POLLIN), revents: 0)) }
        var buffer = [UInt8](repeating: 0, count: 2048)
        while !state.withLock({ $0.stopping }) {
            for i in fds.indices { fds[i].revents = 0 }
            guard poll(&fds, nfds_t(fds.count), 500) > 0 else { continue }
            for (i, p) in fds.enumerated() where p.revents & Int16(POLLIN) != 0 {
                let socket = i == 0 ? v4 : v6!
                while true {
                    let n = buffer.withUnsafeMutableBytes { recv(p.fd, $0.baseAddress, $0.count, 0) }
                    guard n > 0 else { break }
                    let now = Monotonic.microseconds()
                    if let (sequence, unreachable) = match(Array(buffer[..<n]), socket) {
                        let waiter = state.withLock { $0.waiters[sequence] }
                        if let waiter {
                            waiter.received = now
                            waiter.unreachable = unreachable
                            waiter.done.signal()
                        }
                    }
                }
            }
        }
        stopped.signal()
    }

    /// The sequence number a received packet answers, and whether it says "unreachable".
    func match(_ data: [UInt8], _ socket: Socket) -> (UInt16, Bool)? {
        guard let reply = ICMPReply.parse(data, raw: socket.kind == .raw, v6: socket.family == AF_INET6, identifier: identifier) else {
            return nil
        }
        return (reply.sequence, reply.unreachable)
    }
}
