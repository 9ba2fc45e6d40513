import ISPMonCore
import ISPMonMonitor
import ISPMonQuery
import ISPMonStore
import HTTPTypes

/// The running monitor's jobs, asked and changed through its control socket: the same for
/// `ispmon run` (the monitor in this process) and `ispmon serve` beside one. Each change is a
/// `job` event the monitor records. Blocking (a datagram and its answer): call it on the pool.
struct MonitorControl {
    let queries: Queries

    /// Whether a monitor holds the store: without one nothing can be asked.
    var available: Bool { queries.monitorRunning }

    /// Every job and its state.
    func jobs() throws -> [(job: MonitorConfig.JobName, state: String)] {
        try MonitorConfig.JobName.allCases.map { job in
            (job, String(try ask("job \(job.rawValue)").split(separator: " ").last ?? "run"))
        }
    }

    /// Changes a job; the monitor's answer (`probes paused`, `probes is already paused`).
    func set(_ job: MonitorConfig.JobName, _ state: JobState.State) throws -> String {
        try ask("job \(job.rawValue) \(state.rawValue)")
    }

    /// One request to the monitor; `409` when none runs, `500` when it answers with an error.
    func ask(_ request: String) throws -> String {
        guard available else { throw APIError(.conflict, "no monitor is running on this store") }
        let answer: String
        do { answer = try ControlChannel.send(request, directory: queries.store.directory) } catch {
            throw APIError(.conflict, "the monitor does not answer: \(error)")
        }
        guard answer.hasPrefix("ok") else { throw APIError(.internalServerError, answer) }
        return String(answer.dropFirst(answer.hasPrefix("ok: ") ? 4 : 0))
    }
}
