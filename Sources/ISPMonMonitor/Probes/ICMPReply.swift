/// What a datagram received on the pinger's ICMP socket answers: the sequence number of our
/// echo request, and whether it says "unreachable". Pure, so that it can be fuzzed
/// (Fuzz/Sources/FuzzICMP) on datagrams anyone on the network may send.
public struct ICMPReply: Sendable, Equatable {
    public var sequence: UInt16
    public var unreachable: Bool

    public init(sequence: UInt16, unreachable: Bool) {
        self.sequence = sequence
        self.unreachable = unreachable
    }

    /// Reads `datagram` as received on an ICMP socket: `raw` (with the IPv4 header in front, on
    /// IPv4) or a datagram socket (the kernel checks the identifier), IPv6 or IPv4; nil when it
    /// answers none of our requests (`identifier` is ours on raw sockets).
    public static func parse(_ datagram: [UInt8], raw: Bool, v6: Bool, identifier: UInt16) -> ICMPReply? {
        var icmp = datagram[...]
        if raw && !v6 {
            guard let first = datagram.first else { return nil }
            icmp = datagram.dropFirst(Int(first & 0x0F) * 4)  // the IPv4 header comes along on raw sockets
        }
        guard icmp.count >= 8 else { return nil }
        let type = icmp[icmp.startIndex]
        func field(_ offset: Int) -> UInt16 {
            UInt16(icmp[icmp.startIndex + offset]) << 8 | UInt16(icmp[icmp.startIndex + offset + 1])
        }
        if type == (v6 ? 129 : 0) {
            // Datagram sockets get only their own replies (the kernel sets and checks the identifier).
            if raw && field(4) != identifier { return nil }
            return ICMPReply(sequence: field(6), unreachable: false)
        }
        // Destination unreachable quotes our request: IPv4 header + 8 bytes of it (raw IPv4 only).
        if raw && !v6 && type == 3 && icmp.count >= 8 + 20 + 8 {
            let inner = icmp.dropFirst(8)
            let ihl = Int(inner[inner.startIndex] & 0x0F) * 4
            let echo = inner.dropFirst(ihl)
            guard echo.count >= 8, echo[echo.startIndex] == 8 else { return nil }
            let id = UInt16(echo[echo.startIndex + 4]) << 8 | UInt16(echo[echo.startIndex + 5])
            guard id == identifier else { return nil }
            return ICMPReply(sequence: UInt16(echo[echo.startIndex + 6]) << 8 | UInt16(echo[echo.startIndex + 7]), unreachable: true)
        }
        return nil
    }
}
