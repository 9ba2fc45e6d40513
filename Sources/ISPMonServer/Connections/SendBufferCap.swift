import NIOCore
import NIOHTTPTypes

/// Holds what a connection's answer may have waiting to be sent: the kernel's send buffer to
/// 128 KiB, where Linux would let it grow on its own up to 4 MB (`net.ipv4.tcp_wmem`), and
/// NIO's own to 32 KiB (from its 64), above which a connection is not writable and an answer
/// written in pieces waits. What a client that reads nothing keeps the machine holding for it
/// is then that and one piece, not its whole answer, for up to the write timeout
/// (``WriteDeadline``, which it also brings on sooner). 128 KiB is what a home network's round
/// trip needs at full speed (1 Gbit/s over 1 ms is 125 kB in flight; Linux doubles the number
/// for its own bookkeeping).
final class SendBufferCap: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart

    static let kernelBytes: SocketOptionValue = 128 * 1024
    static let pending = ChannelOptions.Types.WriteBufferWaterMark(low: 16 * 1024, high: 32 * 1024)

    func handlerAdded(context: ChannelHandlerContext) {
        // A connection that cannot be told keeps the defaults: nothing else changes.
        let options = context.channel.syncOptions
        try? options?.setOption(.socketOption(.so_sndbuf), value: SendBufferCap.kernelBytes)
        try? options?.setOption(.writeBufferWaterMark, value: SendBufferCap.pending)
    }
}
