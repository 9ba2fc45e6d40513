public import ISPMonCore

/// `ispmon status`: is the internet (and DNS) up, is a monitor running, the open
/// outage, every target's state.
public struct StatusAnswer: Sendable, Hashable {
    public enum MonitorState: String, Sendable, Hashable { case running, stopped, unknown }

    /// Time of the newest event.
    public var asOf: Int64?
    /// Time of the newest result the monitor recorded (a note is none): how fresh the state is.
    public var lastResult: Int64?
    public var monitor: MonitorState
    public var connectivity: Projection.Condition
    public var dns: Projection.Condition
    /// The open connectivity outage, else an open DNS outage.
    public var openOutage: Outage?
    /// By name.
    public var targets: [Projection.Target]
    public var lastSeq: UInt64

    /// The status the views `p` give. `monitorRunning` is whether a process holds the
    /// store's monitor lock now: `running` only then; otherwise `stopped` when the log
    /// has any monitor event (it says started, but nothing runs after a `kill -9` or
    /// on a copied store), `unknown` when it has none. Nil (an answer as of a past
    /// time, when no lock can say) takes what the log says.
    public init(_ p: Projection, monitorRunning: Bool?) {
        asOf = p.newestTime
        lastResult = p.newestRecorded
        switch (monitorRunning, p.monitorState) {
        case (true?, _): monitor = .running
        case (_, nil): monitor = .unknown
        case (false?, _): monitor = .stopped
        case (nil, .started?), (nil, .reloaded?): monitor = .running  // the views never keep `reloaded`: a run goes on
        case (nil, .stopped?): monitor = .stopped
        }
        connectivity = p.condition(of: .internet)
        dns = p.condition(of: .dns)
        let outages = p.outages()
        openOutage = outages.last { $0.end == nil && $0.kind == .connectivity } ?? outages.last { $0.end == nil }
        targets = p.targets.values.sorted { $0.name < $1.name }
        lastSeq = p.lastSeq
    }
}

extension StatusAnswer {
    /// The status's key in ``AnswerCache``.
    public static let answerKey = "status"
}

extension Queries {
    /// The status now (kept in ``answers`` until the next commit: every live client and
    /// dashboard asks for it after each one), or as the views gave it at `asOf`.
    public func status(asOf: Timestamp? = nil) throws -> StatusAnswer {
        if let asOf { return StatusAnswer(try views(asOf: asOf), monitorRunning: nil) }
        // The lock as it is now: a monitor that stopped a moment ago is stopped (a kept
        // answer of when it ran is of another version).
        let version = answers.version(testingLock: true)
        return try answers.answer(StatusAnswer.answerKey, at: version) {
            StatusAnswer(try views(), monitorRunning: version.monitorRunning)
        }
    }
}
