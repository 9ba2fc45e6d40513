#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// A TCP connection to 127.0.0.1:`port` (the descriptor, nil when refused), with receives that
/// give up after `timeout` seconds: what the server tests' clients are made of. `receiveBuffer`:
/// the socket's receive buffer in bytes, set before it connects, so that the window it offers
/// stays that small (a client that reads slowly, or not at all). `source`: the connection's own
/// address, another of 127.0.0.0/8 (all of it is loopback on Linux): another client address to
/// the server (its sign-in limit counts per address).
public func loopbackConnection(port: UInt16, timeout: Int = 10, receiveBuffer: Int32? = nil, from source: String? = nil) -> Int32? {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { return nil }
    if let source {
        var local = sockaddr_in()
        local.sin_family = sa_family_t(AF_INET)
        local.sin_addr.s_addr = inet_addr(source)
        let bound = withUnsafePointer(to: &local) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else {
            close(fd)
            return nil
        }
    }
    if var size = receiveBuffer {
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
    }
    var tv = timeval(tv_sec: timeout, tv_usec: 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_port = port.bigEndian
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    let rc = withUnsafePointer(to: &addr) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard rc == 0 else {
        close(fd)
        return nil
    }
    return fd
}

/// Waits until something accepts TCP connections on 127.0.0.1:`port` (a server a test just
/// started, which may take a while on a loaded machine); false after `seconds`.
@discardableResult
public func waitUntilListening(port: UInt16, seconds: Double = 15) -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    repeat {
        if let fd = loopbackConnection(port: port) {
            close(fd)
            return true
        }
        usleep(50_000)
    } while Date() < deadline
    return false
}
