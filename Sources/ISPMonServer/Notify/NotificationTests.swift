import Hummingbird
import ISPMonConfig
import ISPMonControl
import Logging
import Synchronization

/// The test messages of the config's notification channels, for the settings page's "Send test"
/// buttons and `POST /api/v1/notify/{channel}/test` alike: the executable's ``NotificationTester``
/// sends each on a thread of its own (it blocks up to the channel's 10 s limit: never on an event
/// loop, never on the store's pool). One test at a time per channel, whoever asks.
final class NotificationTests: Sendable {
    /// nil: the server was given none (no button, `409`). Which channels there are is the tester's
    /// to say (`404` for one it lacks): in `ispmon run` it follows the config's reloads.
    let tester: (any NotificationTester)?
    /// The channels whose test is under way.
    let running = Mutex<Set<String>>([])

    init(tester: (any NotificationTester)?) {
        self.tester = tester
    }

    var canTest: Bool { tester != nil }

    /// What sends `name`'s test: `409` without a tester.
    func tester(for name: String) throws -> any NotificationTester {
        guard let tester else {
            throw APIError(.conflict, "this server was started without the notifier's channels: test messages are sent by `ispmon notify test \(name)`")
        }
        return tester
    }

    /// Sends `name`'s test message and says what came of it; nil when one of that channel is
    /// under way already (nothing sent). The claim ends when the send does, not when the answer
    /// does: a client that went away while its test was under way still has it under way.
    func send(_ name: String, logger: Logger) async throws -> NotificationTestOutcome? {
        let tester = try tester(for: name)
        guard running.withLock({ $0.insert(name).inserted }) else { return nil }
        let outcome = try await ToolRoutes.onThread { [self] in
            defer { _ = running.withLock { $0.remove(name) } }
            return tester.sendTest(channel: name)
        }
        logger.notice("test message of notify channel \(name) from the web UI: \(outcome.delivered ? "delivered" : "not delivered")")
        return outcome
    }

    /// What a second press is told.
    static func busy(_ name: String) -> String {
        "A test message of \(name) is still on its way: its answer comes within 10 s. One test at a time per channel."
    }

    /// Seconds a second press is asked to wait (`Retry-After`): the channel's limit.
    static let retryAfter = "10"

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
