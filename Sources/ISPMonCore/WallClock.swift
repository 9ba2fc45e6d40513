/// The wall clock ispmon reads for "now" (a session's expiry, `--since 24h`, a note's time, a
/// TOTP code's step, whether the newest result is old): the kernel's, or one a test sets. The
/// monitor stamps events with its own ``SystemClock``-like clock; everything else asks this one.
public struct WallClock: Sendable {
    let read: @Sendable () -> Timestamp

    public init(_ read: @escaping @Sendable () -> Timestamp) { self.read = read }

    /// The kernel's `CLOCK_REALTIME`.
    public static let system = WallClock { Timestamp.wallClock() }

    /// Always `time`: for tests.
    public static func fixed(_ time: Timestamp) -> WallClock { WallClock { time } }

    public func now() -> Timestamp { read() }
    /// µs since the epoch.
    public var microseconds: Int64 { read().microseconds }
}
