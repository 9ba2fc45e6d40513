import Hummingbird
import ISPMonControl
import ISPMonQuery

/// `POST /api/v1/notify/{channel}/test`: what the settings page's "Send test" button does, for
/// scripts (docs/http.md): a test message through the channel now, nothing written to the log;
/// `{"channel", "delivered", "key", "answer", "error"}`, `200` when the receiver took it, `502`
/// when it refused or was not reached. `404` for a channel the config lacks, `429` while one of
/// that channel is under way.
struct NotifyTestRoute {
    let tests: NotificationTests

    func add(to router: RouteTable) {
        router.post("api/v1/notify/{channel}/test") { request, context in
            let name = try context.parameters.require("channel")
            _ = try QueryParameters(request, allowed: [])
            _ = try await request.body.collect(upTo: WebServer.maxBody)
            guard let outcome = try await tests.send(name, logger: context.logger) else {
                throw APIError(.tooManyRequests, NotificationTests.busy(name), headers: [.retryAfter: NotificationTests.retryAfter])
            }
            var o = JSONObject()
            switch outcome {
            case let .delivered(channel, key, answer):
                o.string("channel", channel)
                o.bool("delivered", true)
                o.string("key", key)
                o.string("answer", answer)
                o.string("error", nil)
            case let .notDelivered(channel, key, error):
                o.string("channel", channel)
                o.bool("delivered", false)
                o.string("key", key)
                o.string("answer", nil)
                o.string("error", error)
            case .notSetUp, .unknownChannel:
                throw APIError(NotificationTests.status(outcome), outcome.description)
            }
            return json(o.finished(), status: NotificationTests.status(outcome))
        }
    }
}
