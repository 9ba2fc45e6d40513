public import ISPMonCore

/// A request to the running monitor over its control socket (``ControlChannel``): `job NAME
/// STATE` changes a job, `job NAME` asks for its state. What `ispmon job`, the API and the
/// settings page send, and what the monitor reads: one format, written and parsed here only.
public struct ControlRequest: Sendable, Equatable {
    public var job: JobName
    /// nil: a question, not a change.
    public var state: JobState.State?

    public init(job: JobName, state: JobState.State?) {
        self.job = job
        self.state = state
    }

    /// The request as it travels.
    public var text: String { "job \(job.rawValue)" + (state.map { " \($0.rawValue)" } ?? "") }

    /// Why a datagram is not a request; the monitor answers with this as its refusal.
    public struct Invalid: Error, Sendable, CustomStringConvertible {
        public var reason: String
        public var description: String { reason }
    }

    /// The largest request read (the monitor's receive buffer).
    public static let maxBytes = 512

    /// Reads `job NAME [STATE]`: two or three words of printable ASCII separated by spaces.
    public static func parse(_ datagram: some Collection<UInt8>) throws(Invalid) -> ControlRequest {
        guard datagram.count <= maxBytes, datagram.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) else {
            throw Invalid(reason: "not a job request (\(datagram.count) bytes, not all printable ASCII)")
        }
        let text = String(decoding: datagram, as: UTF8.self)
        let words = text.split(separator: " ")
        guard words.count == 2 || words.count == 3, words[0] == "job",
              let job = JobName(rawValue: String(words[1])) else {
            throw Invalid(reason: "not a job request: \(text)")
        }
        guard words.count == 3 else { return ControlRequest(job: job, state: nil) }
        guard let state = JobState.State(rawValue: String(words[2])) else { throw Invalid(reason: "not a job request: \(text)") }
        return ControlRequest(job: job, state: state)
    }
}
