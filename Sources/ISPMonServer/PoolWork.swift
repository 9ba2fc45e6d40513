import ISPMonQuery
import NIOPosix

/// One of the server's thread pools as the query layer's ``BlockingWork``: what blocks (LMDB,
/// files) runs there, and the event loop that asked waits for it without being held.
struct PoolWork: BlockingWork {
    let pool: NIOThreadPool

    func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await pool.runIfActive(work)
    }
}
