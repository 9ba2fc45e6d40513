import Foundation
import Hummingbird
import ISPMonConfig
import ISPMonCore
import ISPMonQuery
import Logging
import NIOCore
import NIOPosix

/// The settings page and its forms. Each form posts with the session's CSRF token (checked by
/// AccessControl before it gets here) and answers `303` back to the page, except a new token,
/// whose secret is shown once on the page that answers the form.
struct SettingsRoutes {
    let queries: Queries
    let pool: NIOThreadPool
    /// bcrypt's own thread.
    let passwords: PasswordPool
    let renderer: PageRenderer
    let auth: AuthStore
    let limiter: LoginLimiter
    let console: MonitorConsole?
    let shownConfig: @Sendable () -> ShownConfig?
    /// The notify channels as the config runs them now, and the notifications due for them but
    /// never tried (which the notifier knows: ``WebServer/show(notifications:)``).
    let notifications: @Sendable () throws -> WebServer.Notifications
    /// The channels' test messages (their Send test buttons).
    let notificationTests: NotificationTests
    let clock: WallClock
    var control: MonitorControl { MonitorControl(queries: queries) }

    static let back = "/settings"

    func add(to router: RouteTable) {
        router.get("settings") { request, context in
            let p = try QueryParameters(page: request, allowed: ["log_level", "done"])
            let minimum = try p.choice("log_level", Dictionary(uniqueKeysWithValues: Logger.Level.allCases.map { ($0.rawValue, $0) })) ?? .trace
            let done = try p.choice("done", SettingsPage.done)
            let access = context.access
            return try await pool.runIfActive {
                try render(access, minimum: minimum) { $0.done = done }
            }
        }
        router.post("settings/jobs/{job}") { request, context in
            let name = try context.parameters.require("job")
            guard let job = JobName(rawValue: name) else { throw APIError(.notFound, "no job \(name)") }
            let form = try await Self.form(request)
            guard let text = form["state"], let state = JobState.State(rawValue: text) else {
                throw APIError.badParameter("state", "must be run, paused or disabled")
            }
            _ = try await pool.runIfActive { try control.set(job, state) }
            return Self.seeOther("job")
        }
        router.post("settings/log-level") { request, context in
            guard let console else {
                throw APIError(.conflict, "the log level can be changed where the monitor runs with its web UI (ispmon run); this is ispmon serve")
            }
            let form = try await Self.form(request)
            guard let text = form["level"], let level = Logger.Level(rawValue: text) else {
                throw APIError.badParameter("level", "must be one of \(SettingsPage.levels.joined(separator: ", "))")
            }
            console.setLevel(level)
            context.logger.notice("log level set to \(level.rawValue) from the web UI")
            return Self.seeOther("level")
        }
        router.post("settings/password") { request, context in try await changePassword(request, context) }
        router.post("settings/tokens") { request, context in
            let form = try await Self.form(request)
            let name = form["name"] ?? ""
            let readOnly = form["read_only"] != nil
            let access = context.access
            return try await pool.runIfActive {
                do {
                    let secret = try auth.createToken(name: name, readOnly: readOnly, now: clock.microseconds)
                    return try render(access, minimum: .trace) { values in
                        values.newToken = .init(name: name, secret: secret, access: readOnly ? "read-only" : "full")
                    }
                } catch let error as AuthError {
                    return try render(access, minimum: .trace, status: .badRequest) { $0.tokenError = error.description }
                }
            }
        }
        router.post("settings/tokens/{name}/revoke") { request, context in
            let name = try context.parameters.require("name")
            _ = try await Self.form(request)
            let found = try await pool.runIfActive { try auth.revokeToken(name: name) }
            guard found else { throw APIError(.notFound, "no token named \(name)") }
            return Self.seeOther("revoked")
        }
        addNotifyTest(to: router)
    }

    /// The page, with `adjust` adding what a form's answer says.
    func render(_ access: WebContext.Access, minimum: Logger.Level, status: HTTPResponse.Status = .ok,
                _ adjust: (inout SettingsPage.Values) -> Void = { _ in }) throws -> Response {
        let jobs = control.available ? try? control.jobs() : nil
        var values = SettingsPage.values(jobs: jobs, console: console, minimum: minimum, config: shownConfig(), tokens: auth.tokens)
        let notifications = try notifications()
        var undelivered = try queries.notifyStatus()
        undelivered.addNeverTried(notifications.neverTried)
        undelivered.markRemoved(running: Set(notifications.channels.map(\.name)))
        values.notifications = SettingsPage.notifications(channels: notifications.channels, status: undelivered,
                                                          canTest: notificationTests.canTest)
        adjust(&values)
        return renderer.page("settings", title: "Settings", values: values, access: access, status: status)
    }

    /// The current password, then the new one twice. Wrong current passwords count towards the
    /// sign-in limit (5 a minute per address): a session is no licence to guess. Counted as
    /// sign-ins are, before the check (``LoginLimiter/judged(_:now:what:_:)``).
    func changePassword(_ request: Request, _ context: WebContext) async throws -> Response {
        let client = context.remoteAddress ?? "unknown"
        let now = clock.microseconds
        let access = context.access
        let refusal: PasswordRefusal? = try await limiter.judged(client, now: now, what: "wrong passwords") {
            let form = try await Self.form(request)
            let current = form["current"] ?? "", new = form["password"] ?? "", again = form["again"] ?? ""
            let refusal: PasswordRefusal? = try await passwords.run {
                guard auth.verifyPassword(current) else { return .wrongCurrent }
                guard new == again else { return .differ }
                if let problem = AuthStore.passwordProblem(new) { return .refused(problem) }
                try auth.setPassword(new)
                return nil
            }
            return (refusal, failed: refusal == .wrongCurrent)
        }
        if let refusal {
            if refusal == .wrongCurrent {
                context.logger.notice("wrong current password in a password change from \(client)")
            }
            let problem = refusal.message
            return try await pool.runIfActive {
                try render(access, minimum: .trace, status: .badRequest) { $0.passwordError = problem }
            }
        }
        context.logger.notice("the admin password was changed from the web UI (\(client)); every session has ended")
        var headers: HTTPFields = [.location: Self.back + "?done=password"]
        // Every session ended with the change; this browser gets a new one, so it stays signed in.
        if case .session = access {
            let id = try await pool.runIfActive { try auth.createSession(now: now) }
            headers[.setCookie] = SessionCookie.value(id, maxAge: Int(AuthStore.sessionIdle / 1_000_000), request, context)
        }
        return Response(status: .seeOther, headers: headers)
    }

    /// Why a password change was refused; nothing changed.
    enum PasswordRefusal: Sendable, Equatable {
        case wrongCurrent, differ
        /// What ``AuthStore/passwordProblem(_:)`` says of the new one.
        case refused(String)

        var message: String {
            switch self {
            case .wrongCurrent: "The current password is wrong: nothing changed."
            case .differ: "The two new passwords differ: nothing changed."
            case .refused(let problem): problem.prefix(1).uppercased() + problem.dropFirst() + ": nothing changed."
            }
        }
    }

    static func form(_ request: Request) async throws -> URLEncodedFields {
        let body = try await request.body.collect(upTo: WebServer.maxBody)
        return URLEncodedFields(String(buffer: body))
    }

    static func seeOther(_ done: String) -> Response {
        Response(status: .seeOther, headers: [.location: back + "?done=" + done])
    }
}
