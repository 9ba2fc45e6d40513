#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// One monitor per store: an exclusive `flock` on `monitor.lock` in the store's
/// directory, held for the life of the process (the kernel drops it when the
/// process dies, even by `kill -9`). The file holds the holder's pid.
public final class MonitorLock {
    let fd: Int32

    public init(directory: String) throws(MonitorError) {
        let path = directory + "/monitor.lock"
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw MonitorError("cannot open \(path): \(String(cString: strerror(errno)))") }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            var buffer = [UInt8](repeating: 0, count: 32)
            let n = pread(fd, &buffer, buffer.count, 0)
            let pid = n > 0 ? String(decoding: buffer[..<n], as: UTF8.self).filter { $0.isNumber } : "?"
            close(fd)
            throw MonitorError("another ispmon monitor (pid \(pid)) is already running on \(directory): stop it first")
        }
        let pid = Array("\(getpid())\n".utf8)
        _ = ftruncate(fd, 0)
        _ = pwrite(fd, pid, pid.count, 0)
    }

    deinit { close(fd) }
}
