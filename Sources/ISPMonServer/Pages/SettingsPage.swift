import ISPMonCore
import ISPMonConfig
import ISPMonQuery
import Logging

/// `/settings` (docs/web.md): the jobs, the monitor's log level and its last log lines, the
/// running config (secrets masked), the notification channels (with a test message each), the
/// password and the API tokens.
enum SettingsPage {
    /// What a form's `303` back to the page says (`?done=…`).
    static let done: [String: String] = [
        "job": "The job was changed (a job event is in the log).",
        "level": "The log level was changed, until the monitor's next reload or restart.",
        "password": "The password was changed. Every other session has ended.",
        "revoked": "The token was revoked.",
    ]

    static let levels = MonitorConfig.logLevels

    struct Values {
        struct Job {
            var job: String
            var state: String
            var actions: [Action]
        }

        /// A button that sets a job's state (`current`: the state it has, disabled).
        struct Action {
            var job: String
            var state: String
            var label: String
            var current: Bool
        }

        struct Level {
            var name: String
            var selected: Bool
        }

        struct Line {
            var time: String
            var level: String
            var label: String
            var text: String
            var serious: Bool
        }

        struct Console {
            var levels: [Level]
            var filters: [Level]
            var lines: [Line]
            var capacity: Int
        }

        struct Config {
            /// Empty: no config file.
            var path: String
            var text: String
        }

        struct Token {
            var name: String
            var access: String
            var created: String
        }

        /// The token just made, shown once.
        struct NewToken {
            var name: String
            var secret: String
            var access: String
        }

        /// The notification channels and what is not delivered (docs/notify.md).
        struct Notifications {
            struct Channel {
                var name: String
                var kind: String
                var on: String
            }

            struct Entry {
                var channel: String
                var key: String
                var state: String
                var attempts: Int
                var lastAttempt: String
                var error: String
            }

            var channels: [Channel]
            var entries: [Entry]
            /// Whether the channels have a "Send test" button (the server was given a tester).
            var canTest = false
        }

        /// What a channel's test message came to, shown above the channels.
        struct NotifyTest {
            var channel: String
            var ok: Bool
            var text: String
        }

        var done: String?
        var jobs: [Job]
        var monitorRunning: Bool
        var console: Console?
        var config: Config?
        var tokens: [Token]
        var passwordError: String?
        var newToken: NewToken?
        var tokenError: String?
        var notifications = Notifications(channels: [], entries: [])
        var notifyTest: NotifyTest?
    }

    /// The channels of the config (names, kinds and triggers: never an address or a secret) and the
    /// notifications the log says are pending or given up.
    static func notifications(channels: [MonitorConfig.NotifyChannel], status: NotifyStatus, canTest: Bool) -> Values.Notifications {
        Values.Notifications(
            channels: channels.map { c in
                .init(name: c.name, kind: c.kind.rawValue,
                      on: MonitorConfig.NotifyChannel.Trigger.allCases.filter { c.on.contains($0) }.map(\.rawValue).joined(separator: ", "))
            },
            entries: status.entries.map { e in
                .init(channel: e.channel, key: e.key, state: e.state.rawValue, attempts: e.attempts, lastAttempt: e.lastAttempt.map { LocalTime.format($0) } ?? "never",
                      error: [e.lastError, e.lastDetail].compactMap { $0 }.joined(separator: ": "))
            },
            canTest: canTest)
    }

    /// The page's values. `minimum`: the log lines shown, at this level or above.
    static func values(jobs: [(job: JobName, state: String)]?, console: MonitorConsole?, minimum: Logger.Level,
                       config: ShownConfig?, tokens: [AuthStore.Token]) -> Values {
        Values(
            jobs: (jobs ?? []).map { job, state in
                Values.Job(job: job.rawValue, state: state, actions: [("run", "Run"), ("paused", "Pause"), ("disabled", "Disable")].map { value, label in
                    Values.Action(job: job.rawValue, state: value, label: label, current: value == state)
                })
            },
            monitorRunning: jobs != nil,
            console: console.map { console in
                let current = console.level()
                return Values.Console(
                    levels: levels.map { .init(name: $0, selected: $0 == current.rawValue) },
                    filters: levels.map { .init(name: $0, selected: $0 == minimum.rawValue) },
                    lines: console.log.lines(atLeast: minimum, limit: 1_000).map { line in
                        .init(time: LocalTime.format(line.time), level: line.level.rawValue, label: line.label, text: line.text,
                              serious: line.level >= .warning)
                    },
                    capacity: LogRing.capacity)
            },
            config: config.map { .init(path: $0.path ?? "", text: $0.text) },
            tokens: tokens.map { .init(name: $0.name, access: $0.readOnly ? "read-only" : "full", created: LocalTime.format($0.created)) })
    }
}
