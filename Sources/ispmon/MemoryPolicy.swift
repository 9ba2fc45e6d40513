#if canImport(Glibc)
import Glibc
#endif

/// The allocator policy of `ispmon run`, a process that runs for months: memory it frees
/// goes back to the system instead of staying with glibc. Measured with
/// `tools/bench-monitor --soak` (README, *Benchmarks*). Only the monitor opts in: the
/// libraries never change process-wide allocator settings, and short commands gain nothing.
///
/// `mallopt` and `malloc_trim` are glibc's own (malloc.h, which the Glibc module does not
/// import), so they are looked up by name: with another C library there is nothing to do.
enum MemoryPolicy {
    /// Call before the monitor starts its threads.
    static func longRunning() {
        // glibc gives threads that contend for malloc arenas of their own, up to 8 per core;
        // each keeps what its threads freed and returns only the free memory at its top. The
        // probe threads (up to twice the targets) and the writer then hold many megabytes
        // freed but kept. A few hundred allocations a second need no more than two arenas.
        let arenaMax: Int32 = -8  // M_ARENA_MAX in glibc's malloc.h
        _ = mallopt?(arenaMax, 2)
    }

    /// Returns free memory of every arena to the system (after a chunk is sealed, when the
    /// tail it replaces has been freed: every 65,536 events, ~2 hours with 10 targets at 1 s).
    static func returnFreed() {
        _ = mallocTrim?(0)
    }

    typealias MalloptFunction = @convention(c) (Int32, Int32) -> Int32
    typealias MallocTrimFunction = @convention(c) (Int) -> Int32

    static let mallopt: MalloptFunction? = symbol("mallopt")
    static let mallocTrim: MallocTrimFunction? = symbol("malloc_trim")

    static func symbol<F>(_ name: String) -> F? {
        #if canImport(Glibc)
        guard let p = dlsym(UnsafeMutableRawPointer(bitPattern: 0), name) else { return nil }  // RTLD_DEFAULT
        return unsafeBitCast(p, to: F.self)
        #else
        return nil
        #endif
    }
}
