import Foundation

/// A command that dies of a fatal signal while it holds a store says so in one line: which
/// signal, and how to check the store. It does not guess the cause: LMDB trusts the file's
/// page structure, so a damaged data file can make it read outside the map, but a defect
/// of ispmon or of a library crashes the same way.
///
/// The process then dies of the same signal, as it would have without this guard: the
/// handler that was there before (the Swift runtime's backtrace, when it prints one) runs,
/// then the default action, so the kernel can write a core dump.
enum CrashGuard {
    /// The signals a crash arrives as: memory faults, a failed runtime check (`ud2` on
    /// x86-64, `brk` on arm64), an arithmetic trap, `abort()`.
    static let signals: [(number: Int32, name: String, meaning: String)] = [
        (SIGSEGV, "SIGSEGV", "invalid memory access"),
        (SIGBUS, "SIGBUS", "access to memory that is not there"),
        (SIGILL, "SIGILL", "illegal instruction: a failed runtime check"),
        (SIGTRAP, "SIGTRAP", "trap: a failed runtime check"),
        (SIGFPE, "SIGFPE", "arithmetic fault"),
        (SIGABRT, "SIGABRT", "aborted"),
    ]

    /// Per signal number: its line, and the action it had before the guard.
    struct Entry {
        var message: UnsafeMutableRawBufferPointer
        var previous: sigaction
    }

    // nonisolated(unsafe): written by install() on the main thread, before the command
    // starts threads that could crash, and read only by the handler. The handler reads raw
    // memory (no reference counting, no locks), as a signal handler must.
    nonisolated(unsafe) static var entries: UnsafeMutablePointer<Entry>?
    static let entryCount = 65

    /// The line for `signal` while the store at `storePath` is open.
    static func message(signal name: String, meaning: String, storePath: String) -> String {
        "ispmon: crashed on signal \(name) (\(meaning)) with the store at \(storePath) open; the cause is not known. "
            + "`ispmon verify --data \(storePath)` checks the store; a core dump, where the system keeps one, shows where it happened.\n"
    }

    static func install(storePath: String) {
        // Once per process: a second store (or the same one again) keeps the first one's line.
        guard entries == nil else { return }
        let table = UnsafeMutablePointer<Entry>.allocate(capacity: entryCount)
        for s in signals {
            let bytes = Array(message(signal: s.name, meaning: s.meaning, storePath: storePath).utf8)
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: bytes.count, alignment: 1)
            buffer.copyBytes(from: bytes)
            var previous = sigaction()
            sigaction(s.number, nil, &previous)
            (table + Int(s.number)).initialize(to: Entry(message: buffer, previous: previous))
        }
        entries = table
        for s in signals {
            var action = sigaction()
            action.__sigaction_handler.sa_sigaction = { sig, info, context in
                guard let entry = CrashGuard.entries.map({ $0 + Int(sig) }) else { return }
                _ = write(2, entry.pointee.message.baseAddress, entry.pointee.message.count)
                // The handler from before (Swift's backtrace) runs, called from here: it may
                // return expecting the fault to happen again, which a signal sent by kill(2)
                // would not. Then the default action, once this handler returns: the process
                // dies of the signal, and the kernel may dump core.
                CrashGuard.callPrevious(entry.pointee.previous, sig, info, context)
                var fallback = sigaction()
                fallback.__sigaction_handler.sa_handler = SIG_DFL
                sigaction(sig, &fallback, nil)
                raise(sig)  // blocked while this handler runs: it arrives as the handler returns
            }
            // On the alternate stack where the thread has one (a stack overflow leaves no room on its own).
            action.sa_flags = SA_SIGINFO | SA_ONSTACK
            sigemptyset(&action.sa_mask)
            sigaction(s.number, &action, nil)
        }
    }

    /// Calls the action a signal had before the guard, when it was a handler (not the default, not ignored).
    static func callPrevious(_ previous: sigaction, _ sig: Int32, _ info: UnsafeMutablePointer<siginfo_t>?,
                             _ context: UnsafeMutableRawPointer?) {
        if previous.sa_flags & SA_SIGINFO != 0 {
            previous.__sigaction_handler.sa_sigaction?(sig, info, context)
            return
        }
        guard let handler = previous.__sigaction_handler.sa_handler else { return }
        let bits = unsafeBitCast(handler, to: Int.self)
        guard bits != unsafeBitCast(SIG_DFL, to: Int.self), bits != unsafeBitCast(SIG_IGN, to: Int.self) else { return }
        handler(sig)
    }
}
