#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Foundation
import Synchronization
public import ISPMonCore

/// How `ispmon job NAME run|pause|disable` reaches the running monitor: a UNIX
/// datagram socket, `control.sock` in the store's directory (as private as the
/// store). A request is `job NAME STATE`; the answer is `ok` or `error: …`.
public enum ControlChannel {
    public static func path(_ directory: String) -> String { directory + "/control.sock" }

    /// A request to the running monitor, parsed from the datagram a client sent: `job NAME
    /// STATE` changes a job, `job NAME` asks for its state (the answer: `ok: NAME STATE`).
    public struct Request: Sendable, Equatable {
        public var job: MonitorConfig.JobName
        /// nil: a question, not a change.
        public var state: JobState.State?

        public init(job: MonitorConfig.JobName, state: JobState.State?) {
            self.job = job
            self.state = state
        }

        /// The request as it travels, and as the monitor's handler reads it.
        public var text: String { "job \(job.rawValue)" + (state.map { " \($0.rawValue)" } ?? "") }

        /// Why a datagram is not a request; the monitor answers `error: ` and this.
        public struct Invalid: Error, Sendable, CustomStringConvertible {
            public var reason: String
            public var description: String { reason }
        }

        /// The largest request read (the server's receive buffer).
        public static let maxBytes = 512

        /// Reads `job NAME [STATE]`: two or three words of printable ASCII separated by spaces.
        public static func parse(_ datagram: some Collection<UInt8>) throws(Invalid) -> Request {
            guard datagram.count <= maxBytes, datagram.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) else {
                throw Invalid(reason: "not a job request (\(datagram.count) bytes, not all printable ASCII)")
            }
            let text = String(decoding: datagram, as: UTF8.self)
            let words = text.split(separator: " ")
            guard words.count == 2 || words.count == 3, words[0] == "job",
                  let job = MonitorConfig.JobName(rawValue: String(words[1])) else {
                throw Invalid(reason: "not a job request: \(text)")
            }
            guard words.count == 3 else { return Request(job: job, state: nil) }
            guard let state = JobState.State(rawValue: String(words[2])) else { throw Invalid(reason: "not a job request: \(text)") }
            return Request(job: job, state: state)
        }
    }

    static func address(_ path: String) -> sockaddr_un? {
        var a = sockaddr_un()
        a.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: a.sun_path) else { return nil }
        withUnsafeMutableBytes(of: &a.sun_path) { $0.copyBytes(from: bytes) }
        return a
    }

    /// Sends one request to the monitor of `directory` and returns its answer.
    public static func send(_ request: String, directory: String, timeout: Int64 = 3_000_000) throws(MonitorError) -> String {
        let server = path(directory)
        guard FileManager.default.fileExists(atPath: server) else { throw MonitorError("no monitor is running on \(directory)") }
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw MonitorError("socket: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        // An abstract client address, so that the monitor can answer.
        var me = sockaddr_un()
        me.sun_family = sa_family_t(AF_UNIX)
        let name = Array("\0ispmon-job-\(getpid())-\(UInt32.random(in: 0...UInt32.max))".utf8)
        withUnsafeMutableBytes(of: &me.sun_path) { $0.copyBytes(from: name) }
        let meLength = socklen_t(MemoryLayout<sa_family_t>.size + name.count)
        _ = withUnsafePointer(to: &me) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, meLength) } }
        guard var to = address(server) else { throw MonitorError("the store path is too long for a socket") }
        let bytes = Array(request.utf8)
        let sent = bytes.withUnsafeBytes { b in
            withUnsafePointer(to: &to) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                sendto(fd, b.baseAddress, b.count, 0, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            } }
        }
        guard sent == bytes.count else {
            throw MonitorError("no monitor is running on \(directory) (\(String(cString: strerror(errno))))")
        }
        guard Sockets.wait(fd, Int16(POLLIN), until: Monotonic.microseconds() + timeout) else {
            throw MonitorError("the monitor on \(directory) did not answer")
        }
        var buffer = [UInt8](repeating: 0, count: 512)
        let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        return n > 0 ? String(decoding: buffer[..<n], as: UTF8.self) : "error: empty answer"
    }

    /// The monitor's side: answers each request with `handle(request)` on a thread of its own.
    final class Server: Sendable {
        let fd: Int32
        let path: String
        let running = Atomic<Bool>(true)
        let finished = DispatchSemaphore(value: 0)

        init(directory: String, handle: @escaping @Sendable (Request) -> String) throws(MonitorError) {
            path = ControlChannel.path(directory)
            unlink(path)  // a socket left by a monitor that died (the monitor lock says none runs now)
            let sock = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            fd = sock
            guard sock >= 0, var a = ControlChannel.address(path) else {
                if sock >= 0 { close(sock) }
                throw MonitorError("cannot create \(path)")
            }
            let rc = withUnsafePointer(to: &a) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(sock, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) } }
            guard rc == 0 else {
                let reason = String(cString: strerror(errno))
                close(sock)
                throw MonitorError("cannot create \(path): \(reason)")
            }
            chmod(path, 0o660)
            let fd = sock
            let thread = Thread { [self] in
                defer { finished.signal() }
                var buffer = [UInt8](repeating: 0, count: 512)
                while running.load(ordering: .acquiring) {
                    // Short waits, so that stop() returns soon.
                    guard Sockets.wait(fd, Int16(POLLIN), until: Monotonic.microseconds() + 100_000) else { continue }
                    var from = sockaddr_un()
                    var fromLength = socklen_t(MemoryLayout<sockaddr_un>.size)
                    let n = buffer.withUnsafeMutableBytes { b in
                        withUnsafeMutablePointer(to: &from) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { recvfrom(fd, b.baseAddress, b.count, 0, $0, &fromLength) } }
                    }
                    guard n > 0 else { continue }
                    // Only a well-formed request reaches the monitor, in its canonical form.
                    let reply: String
                    do throws(Request.Invalid) { reply = handle(try Request.parse(buffer[..<n])) } catch { reply = "error: \(error)" }
                    let answer = Array(reply.utf8)
                    _ = answer.withUnsafeBytes { b in
                        withUnsafePointer(to: &from) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { sendto(fd, b.baseAddress, b.count, 0, $0, fromLength) } }
                    }
                }
            }
            thread.name = "ispmon.control"
            thread.start()
        }

        /// Stops answering: returns once the thread has ended (no request is handled
        /// after it), with the socket closed and removed.
        func stop() {
            guard running.exchange(false, ordering: .acquiringAndReleasing) else { return }
            finished.wait()
            close(fd)
            unlink(path)
        }
    }
}
