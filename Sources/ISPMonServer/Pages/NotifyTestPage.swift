import Hummingbird
import ISPMonControl
import Logging
import NIOPosix

/// `POST /settings/notify/{channel}/test`: the settings page's "Send test" button (docs/web.md),
/// a form with the session's CSRF token. The answer is the settings page saying what the
/// receiver answered (``NotificationTests``); a second press while the channel's test is under
/// way is the page saying so (`429`).
extension SettingsRoutes {
    func addNotifyTest(to router: RouteTable) {
        router.post("settings/notify/{channel}/test") { request, context in
            let name = try context.parameters.require("channel")
            _ = try await Self.form(request)
            let access = context.access
            guard let outcome = try await notificationTests.send(name, logger: context.logger) else {
                var busy = try await pool.runIfActive {
                    try render(access, minimum: .trace, status: .tooManyRequests) { values in
                        values.notifyTest = .init(channel: name, ok: false, text: NotificationTests.busy(name))
                    }
                }
                busy.headers[.retryAfter] = NotificationTests.retryAfter
                return busy
            }
            return try await pool.runIfActive {
                try render(access, minimum: .trace, status: NotificationTests.status(outcome)) { values in
                    values.notifyTest = .init(channel: name, ok: outcome.delivered, text: outcome.description)
                }
            }
        }
    }
}
