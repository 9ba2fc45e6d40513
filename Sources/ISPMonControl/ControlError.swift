/// Why the control socket could not carry a request: no monitor listens, it did not answer, or
/// the socket could not be made. (A monitor that answers with a refusal is a ``ControlAnswer``.)
public struct ControlError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
