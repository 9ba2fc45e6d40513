#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Foundation
public import ISPMonCore

/// The asking side of the control socket: `ispmon job`, the API's job routes and the settings
/// page. Blocking (a datagram and its answer, at most `timeout`): never call it on an event loop.
public struct MonitorControlClient: Sendable {
    /// The store's directory, where the monitor's socket is.
    public var directory: String
    /// How long an answer is waited for (µs).
    public var timeout: Int64

    public init(directory: String, timeout: Int64 = 3_000_000) {
        self.directory = directory
        self.timeout = timeout
    }

    /// A job's state.
    public func state(of job: JobName) throws(ControlError) -> JobState.State {
        let answer = try send(ControlRequest(job: job, state: nil))
        switch answer {
        case let .state(_, state), let .unchanged(_, state): return state
        case let .refused(reason): throw ControlError(reason)
        }
    }

    /// Changes a job: the monitor records a `job` event (``ControlAnswer/state(_:_:)``), or says
    /// it was already so, or refuses.
    public func set(_ job: JobName, to state: JobState.State) throws(ControlError) -> ControlAnswer {
        try send(ControlRequest(job: job, state: state))
    }

    /// Sends one request to the monitor and returns its answer.
    public func send(_ request: ControlRequest) throws(ControlError) -> ControlAnswer {
        let server = ControlChannel.path(directory)
        guard FileManager.default.fileExists(atPath: server) else { throw ControlError("no monitor is running on \(directory)") }
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw ControlError("socket: \(ControlChannel.errorText())") }
        defer { close(fd) }
        // An abstract client address, so that the monitor can answer.
        var me = sockaddr_un()
        me.sun_family = sa_family_t(AF_UNIX)
        let name = Array("\0ispmon-job-\(getpid())-\(UInt32.random(in: 0...UInt32.max))".utf8)
        withUnsafeMutableBytes(of: &me.sun_path) { $0.copyBytes(from: name) }
        let meLength = socklen_t(MemoryLayout<sa_family_t>.size + name.count)
        _ = withUnsafePointer(to: &me) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, meLength) } }
        guard var to = ControlChannel.address(server) else { throw ControlError("the store path is too long for a socket") }
        let bytes = Array(request.text.utf8)
        let sent = bytes.withUnsafeBytes { b in
            withUnsafePointer(to: &to) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                sendto(fd, b.baseAddress, b.count, 0, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            } }
        }
        guard sent == bytes.count else {
            throw ControlError("no monitor is running on \(directory) (\(ControlChannel.errorText()))")
        }
        guard ControlChannel.waitReadable(fd, until: Monotonic.microseconds() + timeout) else {
            throw ControlError("the monitor on \(directory) did not answer")
        }
        var buffer = [UInt8](repeating: 0, count: 512)
        let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        let text = n > 0 ? String(decoding: buffer[..<n], as: UTF8.self) : ""
        guard let answer = ControlAnswer.parse(text) else {
            throw ControlError("the monitor on \(directory) answered something else than an answer: \(text.prefix(80))")
        }
        return answer
    }
}
