#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Synchronization

/// Tells whether another process (`ispmon passwd`, `ispmon token`) or this one changed the
/// sign-in files since they were read, without a look at the files: inotify on `auth/` (and
/// on the store directory, for the creation of `auth/` itself), asked with a non-blocking
/// read of its descriptor, which an event loop may do (it is how a loop reads a socket).
/// The kernel queues the event within the rename that changes a file, so a change is seen
/// from the next request on, as the files' stat was at every request before.
///
/// Each event bumps a generation; a reading of the files notes the generation it started at,
/// and is current while no event came since.
final class AuthWatch: Sendable {
    let fd: Int32
    let directory: String
    let storeDirectory: String
    /// The watches of `auth/` and of the store's directory (`wd`s, -1 while absent).
    let watches = Mutex<(auth: Int32, store: Int32)>((-1, -1))
    let generation = Mutex<UInt64>(1)

    /// Nil when inotify cannot be had (a limit reached): every request then reads the files again.
    init?(directory: String, storeDirectory: String) {
        fd = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        guard fd >= 0 else { return nil }
        self.directory = directory
        self.storeDirectory = storeDirectory
        let wd = inotify_add_watch(fd, storeDirectory, UInt32(IN_CREATE | IN_MOVED_TO | IN_DELETE | IN_MOVED_FROM | IN_ONLYDIR))
        watches.withLock { $0.store = wd }
        watchDirectory()
    }

    deinit { close(fd) }

    /// Watches `auth/` once it exists (called before each reading of the files, off the loops).
    func watchDirectory() {
        guard watches.withLock({ $0.auth < 0 }) else { return }
        let mask = IN_CREATE | IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | IN_ATTRIB
            | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR
        let wd = inotify_add_watch(fd, directory, UInt32(mask))
        if wd >= 0 { watches.withLock { $0.auth = wd } }
    }

    /// The generation now, after the events queued so far. Never blocks.
    func current() -> UInt64 {
        generation.withLock { g in
            if drain() { g &+= 1 }
            return g
        }
    }

    /// Reads every queued event; whether one may change what the files say.
    private func drain() -> Bool {
        var changed = false
        let size = 4096
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 8)
        defer { buffer.deallocate() }
        while true {
            let n = read(fd, buffer, size)
            guard n > 0 else { return changed }
            var offset = 0
            while offset + MemoryLayout<inotify_event>.size <= n {
                let event = (buffer + offset).loadUnaligned(as: inotify_event.self)
                let nameStart = buffer + offset + MemoryLayout<inotify_event>.size
                let name = event.len > 0 ? String(cString: nameStart.assumingMemoryBound(to: CChar.self)) : ""
                offset += MemoryLayout<inotify_event>.size + Int(event.len)
                if relevant(event, name) { changed = true }
            }
        }
    }

    private func relevant(_ event: inotify_event, _ name: String) -> Bool {
        if event.mask & UInt32(IN_Q_OVERFLOW) != 0 { return true }
        let (auth, store) = watches.withLock { $0 }
        if event.wd == store { return name == "auth" }
        if event.wd == auth {
            if event.mask & UInt32(IN_IGNORED | IN_DELETE_SELF | IN_MOVE_SELF) != 0 {
                // `auth/` went away: watched again (a new one) at the next reading.
                watches.withLock { $0.auth = -1 }
                return true
            }
            // Not the lock's own file, nor the temporary files before their rename.
            return name != "lock" && !name.hasPrefix(".")
        }
        return false
    }
}
