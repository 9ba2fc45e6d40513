import ISPMonCore
import ISPMonConfig
import ISPMonQuery
import Logging

/// `/settings` (docs/web.md): the jobs, the monitor's log level and its last log lines, the
/// running config (secrets masked), the password and the API tokens.
enum SettingsPage {
    /// What a form's `303` back to the page says (`?done=…`).
    static let done: [String: String] = [
        "job": "The job was changed (a job event is in the log).",
        "level": "The log level was changed, until the monitor's next reload or restart.",
        "password": "The password was changed. Every other session has ended.",
        "revoked": "The token was revoked.",
    ]

    static let levels = MonitorConfig.logLevels

    /// The page's values. `minimum`: the log lines shown, at this level or above.
    static func values(jobs: [(job: JobName, state: String)]?, console: MonitorConsole?, minimum: Logger.Level,
                       config: ShownConfig?, tokens: [AuthStore.Token]) -> [String: Any] {
        var values: [String: Any] = [:]
        if let jobs {
            values["jobs"] = jobs.map { job, state -> [String: Any] in
                ["job": job.rawValue, "state": state,
                 "actions": [("run", "Run"), ("paused", "Pause"), ("disabled", "Disable")].map { value, label in
                     ["job": job.rawValue, "state": value, "label": label, "current": value == state]
                 }]
            }
        }
        values["monitor_running"] = jobs != nil
        if let console {
            let current = console.level()
            values["console"] = [
                "levels": levels.map { ["name": $0, "selected": $0 == current.rawValue] },
                "filters": levels.map { ["name": $0, "selected": $0 == minimum.rawValue] },
                "lines": console.log.lines(atLeast: minimum, limit: 1_000).map { line -> [String: Any] in
                    ["time": LocalTime.format(line.time), "level": line.level.rawValue, "label": line.label, "text": line.text,
                     "serious": line.level >= .warning]
                },
                "capacity": LogRing.capacity,
            ] as [String: Any]
        }
        if let config {
            values["config"] = ["path": config.path ?? "", "has_path": config.path != nil, "text": config.text] as [String: Any]
        }
        values["tokens"] = tokens.map { t -> [String: Any] in
            ["name": t.name, "access": t.readOnly ? "read-only" : "full", "created": LocalTime.format(t.created)]
        }
        return values
    }
}
