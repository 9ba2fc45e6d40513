public import ISPMonCore

/// The monitor's answer to a ``ControlRequest``. On the wire: `ok: NAME STATE`,
/// `ok: NAME is already STATE` or `error: REASON`.
public enum ControlAnswer: Sendable, Equatable {
    /// The job's state now: after a change, or in answer to a question.
    case state(JobName, JobState.State)
    /// The change asked for was already so: nothing was recorded.
    case unchanged(JobName, JobState.State)
    /// The monitor could not do it (the request was malformed, the event could not be recorded).
    case refused(String)

    /// The answer in words, for a person: `probes paused`, `probes is already paused`, or the reason.
    public var words: String {
        switch self {
        case let .state(job, state): "\(job.rawValue) \(state.rawValue)"
        case let .unchanged(job, state): "\(job.rawValue) is already \(state.rawValue)"
        case let .refused(reason): reason
        }
    }

    /// The answer as it travels.
    public var text: String {
        if case .refused(let reason) = self { return "error: " + reason }
        return "ok: " + words
    }

    /// Reads an answer; nil when it is none of the three forms.
    public static func parse(_ text: String) -> ControlAnswer? {
        if text.hasPrefix("error: ") { return .refused(String(text.dropFirst(7))) }
        guard text.hasPrefix("ok: ") else { return nil }
        let words = text.dropFirst(4).split(separator: " ")
        guard let first = words.first, let job = JobName(rawValue: String(first)), let last = words.last,
              let state = JobState.State(rawValue: String(last)) else { return nil }
        switch words.count {
        case 2: return .state(job, state)
        case 4 where words[1] == "is" && words[2] == "already": return .unchanged(job, state)
        default: return nil
        }
    }
}
