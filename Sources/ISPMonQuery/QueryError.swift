/// A question that cannot be answered as asked: which parameter, and why. Front
/// ends name the parameter their way (`--limit`, `limit=`) and answer 400 or exit 1.
public struct QueryError: Error, Sendable, CustomStringConvertible, Equatable {
    public enum Kind: Sendable, Equatable {
        /// A parameter's value is out of range or malformed.
        case invalid(parameter: String, reason: String)
        /// The id names nothing (an outage that does not exist).
        case notFound(String)
    }

    public var kind: Kind

    public init(_ kind: Kind) { self.kind = kind }

    public var description: String {
        switch kind {
        case let .invalid(parameter, reason): "\(parameter): \(reason)"
        case let .notFound(id): "no \(id)"
        }
    }
}
