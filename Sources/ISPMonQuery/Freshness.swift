extension StatusAnswer {
    /// Whether the state shown is being watched now (docs/web.md, "freshness first"): a monitor
    /// holds the store, and its newest result is at most `staleAfter` old at `now` (three times
    /// the longest probe interval; nil: not known, the lock alone decides). When not, the state is
    /// history: a front end says "Not monitoring since" ``lastResult`` instead of up or down.
    public func isMonitoring(now: Int64, staleAfter: Int64?) -> Bool {
        guard monitor == .running else { return false }
        guard let staleAfter, let lastResult else { return true }
        return now - lastResult <= staleAfter
    }
}
