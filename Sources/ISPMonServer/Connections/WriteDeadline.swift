import NIOCore
import NIOHTTPTypes

/// Closes a connection whose client reads nothing of its answer for `timeout`: from when the
/// connection stops being writable (its buffer, NIO's 64 KiB above the kernel's, is full),
/// until it is writable again. A client that asks for a large answer and never reads it then
/// holds its connection, and what was made for it, for `timeout`, not for ever; Hummingbird's
/// idle timer does not run while an answer is under way. A client that reads, however slowly,
/// keeps the connection writable now and then, and is never cut.
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
