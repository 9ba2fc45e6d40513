import FuzzSupport
import ISPMonMonitor

// ICMP reply parsing on any datagram, as received on each kind of socket (raw or datagram,
// IPv4 or IPv6), and as path discovery reads a raw IPv4 packet. The first two bytes are the
// pinger's identifier, the rest the datagram.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = Fuzz.input(data, size)
    guard input.count >= 2 else { return 0 }
    let identifier = UInt16(input[0]) << 8 | UInt16(input[1])
    let datagram = Array(input.dropFirst(2))
    // Path discovery's reading of the same bytes as a raw IPv4 packet: only our own
    // request may count, so a reply or an error must quote identifier and sequence.
    let sequence = datagram.count >= 2 ? UInt16(datagram[0]) << 8 | UInt16(datagram[1]) : 0
    _ = PathTracer.classify(datagram, identifier: identifier, sequence: sequence)
    for raw in [false, true] {
        for v6 in [false, true] {
            guard let reply = ICMPReply.parse(datagram, raw: raw, v6: v6, identifier: identifier) else { continue }
            // Only a raw IPv4 socket sees "unreachable" (it quotes our request), never a datagram socket.
            Fuzz.require(!reply.unreachable || (raw && !v6), "unreachable on a socket that cannot get one")
            if !raw {
                Fuzz.require(datagram.count >= 8 && reply.sequence == UInt16(datagram[6]) << 8 | UInt16(datagram[7]),
                             "an echo reply's sequence is not its bytes 6 and 7")
            }
        }
    }
    return 0
}

@_cdecl("FuzzICMP_main")
public func main(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    Fuzz.runDriver(argc, argv, fuzz)
}
