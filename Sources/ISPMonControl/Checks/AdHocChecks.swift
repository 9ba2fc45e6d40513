/// What runs the web UI's tools: the monitor's own probe code, which the executable hands to the
/// server (the server itself holds no probe code). Calls block, each for at most its check's
/// ``Check/bound``: the server runs each on a thread of its own, never on an event loop.
public protocol AdHocChecks: Sendable {
    /// Runs `check` now and says what it found; `each` hears of every try and hop as it ends.
    func run(_ check: Check, each: (CheckStep) -> Void) -> CheckReport
    /// Releases what the checks keep open (the pinger's socket), once the server stops.
    func stop()
}

extension AdHocChecks {
    /// Runs `check` now and says what it found, when its steps are not shown as they come.
    public func run(_ check: Check) -> CheckReport { run(check, each: { _ in }) }
}
