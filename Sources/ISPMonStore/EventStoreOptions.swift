public import ISPMonCore

extension EventStore {
    public struct Options: Sendable {
        /// Events in the tail before it is sealed into one compressed chunk.
        public var sealThreshold = 65_536
        /// zstd level of sealed chunks and of per-commit segments.
        public var sealLevel: Int32 = 3
        public var segmentLevel: Int32 = 1
        /// Create the store when it does not exist.
        public var create = true
        /// Initial LMDB map size; it grows by itself.
        public var initialMapSize = 64 << 20
        /// What the views are computed with (the monitor's config). Nil keeps what the
        /// store has (queries must not change the views); a difference rebuilds them.
        public var viewOptions: Projection.Options?
        /// Run on the writing thread each time a sealed chunk has been installed and the
        /// memory of the tail it replaces released (every `sealThreshold` events): where a
        /// long-running process may hand freed memory back to the system (`ispmon run` calls
        /// `malloc_trim`). The store sets no allocator policy of its own: that is the process's.
        public var afterSeal: (@Sendable () -> Void)?
        public init() {}
    }
}
