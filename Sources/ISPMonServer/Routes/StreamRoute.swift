import HTTPTypes
import Hummingbird
import ISPMonControl
import ISPMonQuery
import NIOCore
import Synchronization

/// `GET /api/v1/stream`: server-sent events (docs/http.md). Every event as it is committed,
/// the status when a state changes; a client that reconnects with `Last-Event-ID` (or
/// `?after_seq=`) gets everything after it from the log first, so nothing is missed or
/// repeated. A comment every 15 s keeps idle connections (and proxies) open.
struct StreamRoute {
    let queries: Queries
    /// Whether the store is written in this process (`ispmon run`): commit notices, else
    /// the other process's commits seen through inotify (`ispmon serve`).
    let inProcess: Bool
    let clients: StreamClients
    /// Where the feeds read the log and the status (the live streams' own pool: a burst of
    /// commits read for 64 clients never queues a request's query behind it).
    let work: any BlockingWork
    /// What the monitor in this process is doing (`ispmon run`); nil in `ispmon serve`.
    let activity: (@Sendable () -> MonitorActivity)?
    /// Activity messages: at most twice a second, and only when something changed.
    static let activityEvery: Duration = .milliseconds(500)

    static let keepalive: Duration = .seconds(15)
    // A constant, valid name: the initializer only fails for names with characters HTTP forbids.
    static let lastEventID = HTTPField.Name("Last-Event-ID")!

    func add(to router: RouteTable) {
        router.get("api/v1/stream") { request, context in
            let p = try QueryParameters(request, allowed: ["types", "after_seq"])
            let kinds = try LiveKinds(parsing: p["types"])
            let after = try LiveFeed.resumePoint(lastEventID: request.headers[StreamRoute.lastEventID], afterSeq: p["after_seq"])
            guard let slot = clients.enter() else {
                throw APIError(.serviceUnavailable, "already \(StreamClients.limit) live streams: try again later")
            }
            // The place is the connection's: given back when it closes, whatever the answer had
            // come to (a client that resets before the head is written never starts the body),
            // and at once rather than at the next write that fails.
            context.closed.whenComplete { _ in slot.release() }
            let feed: LiveFeed
            do {
                feed = try await LiveFeed.open(queries: queries, source: inProcess ? .inProcess : .otherProcess, after: after,
                                               kinds: kinds, work: work)
            } catch {
                slot.release()
                throw error
            }
            // Wakes the body's wait for a commit, which then ends.
            context.closed.whenComplete { _ in feed.close() }
            return Response(status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-store"],
                            body: .init { writer in
                defer {
                    feed.close()
                    slot.release()
                }
                try await writer.write(ByteBuffer(string: ": ispmon live stream\n\n"))
                let watchActivity = kinds.contains(.activity) ? activity : nil
                var lastActivity: MonitorActivity?
                let clock = ContinuousClock()
                var quietSince = clock.now
                while !Task.isCancelled, !slot.isReleased {
                    let wait = watchActivity == nil ? StreamRoute.keepalive : StreamRoute.activityEvery
                    // Every message ready, as one write: their text is made with the reads, off this loop.
                    if let text = try await feed.text(timeout: wait) {
                        try await writer.write(ByteBuffer(bytes: text))
                        quietSince = clock.now
                    }
                    if let now = watchActivity?(), now != lastActivity {
                        lastActivity = now
                        try await writer.write(ByteBuffer(bytes: LiveMessage.activity(json: JSONForms.activity(now)).sse))
                        quietSince = clock.now
                    }
                    if clock.now - quietSince >= StreamRoute.keepalive {
                        try await writer.write(ByteBuffer(string: ": keepalive\n\n"))
                        quietSince = clock.now
                    }
                }
                try await writer.finish(nil)
            })
        }
    }
}
