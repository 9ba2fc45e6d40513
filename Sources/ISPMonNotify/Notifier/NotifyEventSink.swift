public import ISPMonCore

/// Where the notifier appends its `notify` events. Inside `ispmon run` the monitor holds the
/// store's lock and its one writer, so the executable fills this with that writer: the notifier
/// never opens a writer of its own and never depends on the monitor's code.
public protocol NotifyEventSink: Sendable {
    /// Queues `events` for the log; throws when the log takes no more (the writer failed or closed).
    func append(_ events: [Event]) throws
}
