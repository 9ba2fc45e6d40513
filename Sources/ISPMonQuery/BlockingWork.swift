/// Where a front end has the store's blocking work done (LMDB reads, decoding chunks, a
/// replay of the log): the web server hands its thread pool, so that its event loops only
/// parse and write; the CLI and the tests run it in place (``InPlace``).
public protocol BlockingWork: Sendable {
    func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T
}

/// The work on the caller's own thread: for callers whose thread may block.
public struct InPlace: BlockingWork {
    public init() {}
    public func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T { try work() }
}
