#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Waits until something accepts TCP connections on 127.0.0.1:`port` (a server a test just
/// started, which may take a while on a loaded machine); false after `seconds`.
@discardableResult
public func waitUntilListening(port: UInt16, seconds: Double = 15) -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    repeat {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = port.bigEndian
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        close(fd)
        if rc == 0 { return true }
        usleep(50_000)
    } while Date() < deadline
    return false
}
