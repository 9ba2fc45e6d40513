#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Dispatch
import NIOCore
import NIOPosix

/// In `ispmon run` the server's threads yield to the monitor's: nice 10 for the event loop and
/// the pools (Linux's nice is per thread). Under a burst of requests on a 2-core Pi the
/// scheduler then runs a probe that is due before the next request's work, so probes keep their
/// schedule; the server still gets every core the monitor leaves, which is nearly all of them.
/// And the live streams' thread yields to the rest of the server (``bulk`` more): a burst of
/// commits read for many clients is bulk work, a request is someone waiting.
/// No privilege is needed to lower one's own priority.
enum ThreadPriority {
    static let niceness: Int32 = 10
    /// How much nicer than the server the live streams' thread is.
    static let bulk: Int32 = 5

    /// gettid(2), which the Glibc module does not declare (it needs _GNU_SOURCE).
    private static func currentThread() -> id_t? {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "gettid") else { return nil }
        let gettid = unsafeBitCast(symbol, to: (@convention(c) () -> Int32).self)
        return id_t(gettid())
    }

    /// Lowers the calling thread's priority.
    static func yieldToTheMonitor() {
        guard let tid = currentThread() else { return }
        _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), tid, niceness)
    }

    /// Lowers the calling thread's priority by `steps` from where it is.
    static func lower(by steps: Int32) {
        guard let tid = currentThread() else { return }
        errno = 0
        let now = getpriority(__priority_which_t(PRIO_PROCESS.rawValue), tid)
        guard errno == 0 else { return }
        _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), tid, min(19, now + steps))
    }

    /// Runs `body` once on each of the pool's `threads` threads; returns once all have.
    static func onEachThread(of pool: NIOThreadPool, threads: Int, _ body: @escaping @Sendable () -> Void) {
        // A task for each thread, each held until all have started: no thread can take two
        // of them, so every thread runs one.
        let done = DispatchGroup()
        let started = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        for _ in 0..<threads {
            done.enter()
            pool.submit { _ in
                body()
                started.signal()
                release.wait()
                done.leave()
            }
        }
        for _ in 0..<threads { started.wait() }
        for _ in 0..<threads { release.signal() }
        done.wait()
    }

    /// Lowers the priority of the event loops' threads and of every thread of `pools` (each
    /// with its number of threads); returns once they all have.
    static func yieldToTheMonitor(loops: MultiThreadedEventLoopGroup, pools: [(NIOThreadPool, threads: Int)]) {
        let done = DispatchGroup()
        for loop in loops.makeIterator() {
            done.enter()
            loop.execute {
                yieldToTheMonitor()
                done.leave()
            }
        }
        done.wait()
        for (pool, threads) in pools { onEachThread(of: pool, threads: threads) { yieldToTheMonitor() } }
    }
}
