public import ISPMonControl
public import Logging

/// What the web server may see and change of a monitor in the same process (`ispmon run`):
/// what it is doing (the stream's `activity`), its log level and its last log lines (the
/// settings page). `ispmon serve` has none: its monitor, if any, is another process, reached
/// only through the control socket (jobs).
public struct MonitorConsole: Sendable {
    public var activity: @Sendable () -> MonitorActivity
    public var log: LogRing
    public var level: @Sendable () -> Logger.Level
    /// Until the next reload or restart, which apply the config's `log_level` again.
    public var setLevel: @Sendable (Logger.Level) -> Void

    public init(activity: @escaping @Sendable () -> MonitorActivity, log: LogRing,
                level: @escaping @Sendable () -> Logger.Level, setLevel: @escaping @Sendable (Logger.Level) -> Void) {
        self.activity = activity
        self.log = log
        self.level = level
        self.setLevel = setLevel
    }
}
