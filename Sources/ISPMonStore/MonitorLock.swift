#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// One monitor per store: a lock on `monitor.lock` in the store's directory, held
/// for the life of the monitor (the kernel drops it when the process dies, even by
/// `kill -9`). The file holds the holder's pid.
///
/// Two locks on the one file: an `flock`, which keeps a second monitor out (also
/// one of an older ispmon, which only takes that), and an open-file-description
/// record lock (`F_OFD_SETLK`), which any process, this one included, can ask
/// about with `F_OFD_GETLK` without taking it, so asking never races a monitor
/// that is starting (``holder(directory:)``).
public struct MonitorLock: ~Copyable {
    let fd: Int32

    public static func path(_ directory: String) -> String { directory + "/monitor.lock" }

    /// Takes the lock, or throws ``StoreError/Kind/monitorRunning(pid:)``.
    public init(directory: String) throws(StoreError) {
        let path = MonitorLock.path(directory)
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw StoreError(.io(operation: "opening \(path)", errno: errno), path: directory) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let pid = MonitorLock.pid(fd)
            close(fd)
            throw StoreError(.monitorRunning(pid: pid), path: directory)
        }
        var lock = MonitorLock.wholeFile(F_WRLCK)
        guard fcntl(fd, MonitorLock.setLock, &lock) == 0 else {
            let e = errno
            close(fd)
            throw StoreError(.io(operation: "locking \(path)", errno: e), path: directory)
        }
        let pid = Array("\(getpid())\n".utf8)
        _ = ftruncate(fd, 0)
        _ = pwrite(fd, pid, pid.count, 0)
        self.fd = fd
    }

    deinit { close(fd) }

    /// The pid of the monitor holding the store at `directory`, 0 when its pid is
    /// unreadable, nil when no process holds it. Takes nothing.
    public static func holder(directory: String) -> Int32? {
        let fd = open(path(directory), O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }  // never created: no monitor ever ran here
        defer { close(fd) }
        // Asking for a read lock finds any write lock, ours included: OFD locks of
        // another open file description conflict even within one process.
        var lock = wholeFile(F_RDLCK)
        guard fcntl(fd, getLock, &lock) == 0, lock.l_type != Int16(F_UNLCK) else { return nil }
        return pid(fd) ?? 0
    }

    static func pid(_ fd: Int32) -> Int32? {
        var buffer = [UInt8](repeating: 0, count: 32)
        let n = pread(fd, &buffer, buffer.count, 0)
        guard n > 0 else { return nil }
        return Int32(String(decoding: buffer[..<n], as: UTF8.self).filter(\.isNumber))
    }

    // Linux's values (fcntl.h defines them only under _GNU_SOURCE).
    static let getLock: Int32 = 36  // F_OFD_GETLK
    static let setLock: Int32 = 37  // F_OFD_SETLK

    static func wholeFile(_ type: Int32) -> flock {
        var l = flock()
        l.l_type = Int16(type)
        l.l_whence = Int16(SEEK_SET)
        l.l_start = 0
        l.l_len = 0
        l.l_pid = 0  // must be 0 for OFD locks
        return l
    }
}
