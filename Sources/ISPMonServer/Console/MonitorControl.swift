import ISPMonControl
import ISPMonCore
import ISPMonQuery
import HTTPTypes

/// The running monitor's jobs, asked and changed through its control socket: the same for
/// `ispmon run` (the monitor in this process) and `ispmon serve` beside one. Each change is a
/// `job` event the monitor records. Blocking (a datagram and its answer): call it on the pool.
struct MonitorControl {
    let queries: Queries

    /// Whether a monitor holds the store: without one nothing can be asked.
    var available: Bool { queries.monitorRunning }

    /// Every job and its state.
    func jobs() throws -> [(job: JobName, state: String)] {
        try JobName.allCases.map { job in
            switch try ask(ControlRequest(job: job, state: nil)) {
            case let .state(_, state), let .unchanged(_, state): (job, state.rawValue)
            case let .refused(reason): throw APIError(.internalServerError, reason)
            }
        }
    }

    /// Changes a job; the monitor's answer in words (`probes paused`, `probes is already paused`).
    func set(_ job: JobName, _ state: JobState.State) throws -> String {
        try ask(ControlRequest(job: job, state: state)).words
    }

    /// One request to the monitor; `409` when none runs or it does not answer, `500` when it refuses.
    func ask(_ request: ControlRequest) throws -> ControlAnswer {
        guard available else { throw APIError(.conflict, "no monitor is running on this store") }
        let answer: ControlAnswer
        do { answer = try MonitorControlClient(directory: queries.directory).send(request) } catch {
            throw APIError(.conflict, "the monitor does not answer: \(error)")
        }
        if case .refused(let reason) = answer { throw APIError(.internalServerError, reason) }
        return answer
    }
}
