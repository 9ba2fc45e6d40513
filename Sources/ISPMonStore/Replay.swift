public import ISPMonCore

extension EventStore {
    /// The views as of the newest event, or as of `asOf`: every event whose time is at
    /// or before it, in log order. Computed from the log each time (the views are not
    /// stored yet), so it never touches anything in the store.
    public func project(asOf: Timestamp? = nil, options: Projection.Options = .init()) throws -> Projection {
        var projection = Projection(options: options)
        let limit = asOf?.microseconds ?? .max
        try forEachChunk { chunk, first in
            projection.apply(chunk, from: first, limit: limit)
            return true
        }
        return projection
    }
}
