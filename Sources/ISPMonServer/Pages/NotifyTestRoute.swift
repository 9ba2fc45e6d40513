import Hummingbird
import ISPMonConfig
import ISPMonControl
import Logging
import NIOPosix
import Synchronization

/// `POST /settings/notify/{channel}/test`: the settings page's "Send test" button (docs/web.md).
/// The executable's ``NotificationTester`` sends a test message through the channel, on a thread
/// of its own (it blocks up to the channel's 10 s limit: never on an event loop, never on the
/// store's pool), and the settings page answers the form with what the receiver said. One test
/// at a time per channel, whoever asks: a second press while one is under way is told so (`429`).
extension SettingsRoutes {
    func addNotifyTest(to router: RouteTable) {
        router.post("settings/notify/{channel}/test") { request, context in
            let name = try context.parameters.require("channel")
            _ = try await Self.form(request)
            guard notifyChannels.contains(where: { $0.name == name }) else {
                throw APIError(.notFound, NotificationTestOutcome.unknownChannel(name, known: notifyChannels.map(\.name)).description)
            }
            guard let tester else {
                throw APIError(.conflict, "this server was started without the notifier's channels: test messages are sent by `ispmon notify test \(name)`")
            }
            let access = context.access
            guard testing.claim(name) else {
                var busy = try await pool.runIfActive {
                    try render(access, minimum: .trace, status: .tooManyRequests) { values in
                        values.notifyTest = .init(channel: name, ok: false,
                                                  text: "A test message of \(name) is still on its way: its answer comes within 10 s. One test at a time per channel.")
                    }
                }
                busy.headers[.retryAfter] = "10"
                return busy
            }
            // Released when the send ends, not when the answer does: a client that went away
            // while its test was under way still has it under way.
            let outcome = try await ToolRoutes.onThread { [testing] in
                defer { testing.release(name) }
                return tester.sendTest(channel: name)
            }
            context.logger.notice("test message of notify channel \(name) from the web UI: \(outcome.delivered ? "delivered" : "not delivered")")
            return try await pool.runIfActive {
                try render(access, minimum: .trace, status: Self.status(outcome)) { values in
                    values.notifyTest = .init(channel: name, ok: outcome.delivered, text: outcome.description)
                }
            }
        }
    }

    /// A receiver that refused or was not reached is a bad gateway; a channel that could not be
    /// made (its secret file) is this server's fault.
    static func status(_ outcome: NotificationTestOutcome) -> HTTPResponse.Status {
        switch outcome {
        case .delivered: .ok
        case .notDelivered: .badGateway
        case .notSetUp: .internalServerError
        case .unknownChannel: .notFound
        }
    }
}

/// The channels whose test message is under way.
final class RunningNotifyTests: Sendable {
    let channels = Mutex<Set<String>>([])

    /// False: one of `channel` is under way already.
    func claim(_ channel: String) -> Bool { channels.withLock { $0.insert(channel).inserted } }

    func release(_ channel: String) { _ = channels.withLock { $0.remove(channel) } }
}
