#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import NIOCore
import NIOHTTPTypes

/// Closes a connection whose client reads nothing of its answer for `timeout`: from when the
/// connection stops being writable (its buffers full: ``SendBufferCap``'s 32 KiB above the
/// kernel's 128 KiB), until it is writable again. A client that asks for a large answer and never reads it then
/// holds its connection, and what was made for it, for `timeout`, not for ever; Hummingbird's
/// idle timer does not run while an answer is under way. A client that reads at all (16 KiB
/// in `timeout`) makes the connection writable again now and then, and is never cut. The connection is reset, so
/// that the kernel lets go of the bytes it still holds for the client too.
final class WriteDeadline: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart

    let timeout: TimeAmount
    /// The pending close, while the connection is not writable.
    private var deadline: Scheduled<Void>?

    init(timeout: TimeAmount) { self.timeout = timeout }

    func handlerRemoved(context: ChannelHandlerContext) { disarm() }

    func channelInactive(context: ChannelHandlerContext) {
        disarm()
        context.fireChannelInactive()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable {
            disarm()
        } else if deadline == nil {
            deadline = context.eventLoop.assumeIsolated().scheduleTask(in: timeout) { [self] in
                deadline = nil
                // A reset, not a FIN: the kernel drops what it still holds for this client at once,
                // rather than keeping it, orphaned, for as long as the client keeps its window shut.
                // (On the channel's own loop, as here, the option is set before this call returns.)
                _ = (context.channel as? any SocketOptionProvider)?.setSoLinger(linger(l_onoff: 1, l_linger: 0))
                context.close(promise: nil)
            }
        }
        context.fireChannelWritabilityChanged()
    }

    private func disarm() {
        deadline?.cancel()
        deadline = nil
    }
}
