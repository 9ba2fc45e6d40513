import Hummingbird
import NIOPosix
import Synchronization

/// The thread that checks and hashes passwords (bcrypt, a quarter of a second each on a small
/// machine), apart from the store's threads, so that sign-ins never hold up a query; and at
/// most ``limit`` checks waiting for it, so that a flood of sign-ins from many addresses (the
/// login limiter counts per address) is refused with `429` and `Retry-After` rather than queued
/// without end: too many requests, the sign-in limit's answer, which a client already knows to
/// wait out; the attempt is not counted against its address (``LoginLimiter/unjudged(_:)``).
final class PasswordPool: Sendable {
    static let threads = 1
    /// Checks under way or waiting, at most.
    static let limit = 8
    let pool: NIOThreadPool
    let admitted = Atomic<Int>(0)

    init() {
        pool = NIOThreadPool(numberOfThreads: PasswordPool.threads)
        pool.start()
    }

    func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        guard admitted.add(1, ordering: .relaxed).newValue <= PasswordPool.limit else {
            admitted.subtract(1, ordering: .relaxed)
            throw APIError(.tooManyRequests, "too many password checks under way: try again in a few seconds",
                           headers: [.retryAfter: "5"])
        }
        defer { admitted.subtract(1, ordering: .relaxed) }
        return try await pool.runIfActive(work)
    }

    func stop() { try? pool.syncShutdownGracefully() }
}
