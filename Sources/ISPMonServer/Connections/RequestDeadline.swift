import NIOCore
import NIOHTTPTypes

/// Closes a connection whose client has not sent a whole request, head and body, within
/// `timeout` of connecting, or of the end of the previous exchange on a kept-alive
/// connection: a client that trickles its head or its body a byte at a time (slowloris) holds
/// a connection for `timeout`, not for ever (Hummingbird's idle timer alone starts again at
/// every byte). Only the client's sending counts: once a request has arrived whole, its
/// response (the live stream runs for hours) takes as long as it takes.
///
/// It sits behind the HTTP/1 decoder, so it sees whole heads and the body's pieces: the
/// decoder keeps a partial head to itself.
final class RequestDeadline: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    let timeout: TimeAmount
    /// The pending close, while the connection waits for a request or the rest of one.
    private var deadline: Scheduled<Void>?
    /// Requests whose head has arrived and whose response has not ended (more than one when
    /// a client pipelines).
    private var inProgress = 0
    /// A request's head has arrived and its end not yet.
    private var receiving = false

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
        switch unwrapInboundIn(data) {
        case .head:
            inProgress += 1
            receiving = true
            // Counted from the wait for it, or, pipelined behind an answer under way, from now.
            arm(context)
        case .body:
            break
        case .end:
            receiving = false
            disarm()
            // Its answer came first (a refusal that did not wait for the body): the next
            // request is waited for from now.
            if inProgress == 0 { arm(context) }
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) {
            inProgress = max(0, inProgress - 1)
            // The next request is waited for from now (unless one is arriving already, whose
            // deadline runs on).
            if inProgress == 0 { arm(context) }
        }
        context.write(data, promise: promise)
    }

    private func arm(_ context: ChannelHandlerContext) {
        guard deadline == nil else { return }
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
