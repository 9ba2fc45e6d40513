#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import ISPMonCore

/// How front ends reach the running monitor: a UNIX datagram socket, `control.sock` in the
/// store's directory (as private as the store). One ``ControlRequest`` a datagram, one
/// ``ControlAnswer`` back. ``MonitorControlClient`` is the asking side, ``ControlServer`` the
/// monitor's.
public enum ControlChannel {
    public static func path(_ directory: String) -> String { directory + "/control.sock" }

    static func address(_ path: String) -> sockaddr_un? {
        var a = sockaddr_un()
        a.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: a.sun_path) else { return nil }
        withUnsafeMutableBytes(of: &a.sun_path) { $0.copyBytes(from: bytes) }
        return a
    }

    /// Waits until `deadline` (monotonic µs) for a datagram on `fd`; false on timeout.
    static func waitReadable(_ fd: Int32, until deadline: Int64) -> Bool {
        while true {
            let left = deadline - Monotonic.microseconds()
            guard left > 0 else { return false }
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let rc = poll(&p, 1, Int32(min(left / 1000 + 1, Int64(Int32.max))))
            if rc > 0 { return true }
            if rc < 0 && errno != EINTR { return true }  // the read that follows reports the error
        }
    }

    static func errorText() -> String { String(cString: strerror(errno)) }
}
