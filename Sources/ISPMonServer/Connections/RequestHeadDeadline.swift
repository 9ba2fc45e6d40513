import NIOCore
import NIOHTTPTypes

/// Closes a connection whose client has not sent a whole request head within `timeout` of
/// connecting, or of the end of the previous response on a kept-alive connection: a client
/// that trickles its head a byte at a time (slowloris) holds a connection for `timeout`, not
/// for ever. Only the wait for a head counts: once one has arrived, the request's body (held
/// to 64 KiB, and to the idle timeout) and the response (the live stream runs for hours) take
/// as long as they take.
///
/// It sits behind the HTTP/1 decoder, so it sees whole heads: the decoder keeps a partial one
/// to itself.
final class RequestHeadDeadline: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    let timeout: TimeAmount
    /// The pending close, while the connection waits for a head.
    private var deadline: Scheduled<Void>?
    /// Requests whose head has arrived and whose response has not ended (more than one when
    /// a client pipelines).
    private var inProgress = 0

    init(timeout: TimeAmount) { self.timeout = timeout }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { arm(context) }
    }

    func handlerRemoved(context: ChannelHandlerContext) { disarm() }

    func channelActive(context: ChannelHandlerContext) {
        arm(context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        disarm()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head = unwrapInboundIn(data) {
            inProgress += 1
            disarm()
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) {
            inProgress = max(0, inProgress - 1)
            // The next head is waited for from now (unless a pipelined one is in already).
            if inProgress == 0 { arm(context) }
        }
        context.write(data, promise: promise)
    }

    private func arm(_ context: ChannelHandlerContext) {
        guard deadline == nil, inProgress == 0 else { return }
        deadline = context.eventLoop.assumeIsolated().scheduleTask(in: timeout) { [self] in
            deadline = nil
            context.close(promise: nil)
        }
    }

    private func disarm() {
        deadline?.cancel()
        deadline = nil
    }
}
