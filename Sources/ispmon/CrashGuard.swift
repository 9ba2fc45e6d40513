import Foundation

/// LMDB trusts the file's page structure; a damaged data file could make it read
/// outside the map. Rather than dying with a bare segfault, say what happened.
enum CrashGuard {
    // nonisolated(unsafe): written by install(), on the main thread, before the
    // handlers that read it exist; a signal handler cannot take a lock.
    nonisolated(unsafe) static var message: [UInt8] = []

    static func install(storePath: String) {
        message = Array("ispmon: the store at \(storePath) is damaged (reading it hit an invalid page); nothing was changed. Run `ispmon verify` for details.\n".utf8)
        for sig in [SIGSEGV, SIGBUS] {
            signal(sig) { _ in
                CrashGuard.message.withUnsafeBytes { _ = write(2, $0.baseAddress, $0.count) }
                _exit(3)
            }
        }
    }
}
