#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Foundation
import ISPMonCore
import Synchronization

/// The monitor's side of the control socket: answers each request with `handle(request)` on a
/// thread of its own. Only a well-formed request reaches `handle`; others get a refusal.
public final class ControlServer: Sendable {
    let fd: Int32
    let path: String
    let running = Atomic<Bool>(true)
    let finished = DispatchSemaphore(value: 0)

    public init(directory: String, handle: @escaping @Sendable (ControlRequest) -> ControlAnswer) throws(ControlError) {
        path = ControlChannel.path(directory)
        unlink(path)  // a socket left by a monitor that died (the monitor lock says none runs now)
        let sock = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        fd = sock
        guard sock >= 0, var a = ControlChannel.address(path) else {
            if sock >= 0 { close(sock) }
            throw ControlError("cannot create \(path)")
        }
        let rc = withUnsafePointer(to: &a) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(sock, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) } }
        guard rc == 0 else {
            let reason = ControlChannel.errorText()
            close(sock)
            throw ControlError("cannot create \(path): \(reason)")
        }
        chmod(path, 0o660)
        let fd = sock
        let thread = Thread { [self] in
            defer { finished.signal() }
            var buffer = [UInt8](repeating: 0, count: ControlRequest.maxBytes)
            while running.load(ordering: .acquiring) {
                // Short waits, so that stop() returns soon.
                guard ControlChannel.waitReadable(fd, until: Monotonic.microseconds() + 100_000) else { continue }
                var from = sockaddr_un()
                var fromLength = socklen_t(MemoryLayout<sockaddr_un>.size)
                let n = buffer.withUnsafeMutableBytes { b in
                    withUnsafeMutablePointer(to: &from) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { recvfrom(fd, b.baseAddress, b.count, 0, $0, &fromLength) } }
                }
                guard n > 0 else { continue }
                let reply: ControlAnswer
                do throws(ControlRequest.Invalid) { reply = handle(try ControlRequest.parse(buffer[..<n])) } catch { reply = .refused(error.reason) }
                let answer = Array(reply.text.utf8)
                _ = answer.withUnsafeBytes { b in
                    withUnsafePointer(to: &from) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { sendto(fd, b.baseAddress, b.count, 0, $0, fromLength) } }
                }
            }
        }
        thread.name = "ispmon.control"
        thread.start()
    }

    /// Stops answering: returns once the thread has ended (no request is handled after it), with
    /// the socket closed and removed.
    public func stop() {
        guard running.exchange(false, ordering: .acquiringAndReleasing) else { return }
        finished.wait()
        close(fd)
        unlink(path)
    }
}
