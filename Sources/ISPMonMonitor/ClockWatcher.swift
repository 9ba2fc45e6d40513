public import ISPMonCore

/// Notices steps of the wall clock, looking about once a second: pure logic, so
/// that it is tested with clocks it is handed.
///
/// It keeps wall − monotonic from its last look. A change of more than a second
/// is a step (the wall clock was set); smaller changes are slews (NTP's gradual
/// corrections), and following them look by look keeps many small ones from ever
/// adding up to a step. The kernel's word turning to synchronized without a step
/// is told too (as a step of 0): the views need it to end a stretch of events
/// recorded with the clock unsynchronized (docs/views.md, "Event time").
public struct ClockWatcher: Sendable {
    /// A jump of more than this (µs) is a step.
    public static let stepThreshold: Int64 = 1_000_000
    /// A look whose two monotonic reads are further apart than this (the thread was
    /// descheduled between them) is not trusted; the next one is.
    static let maxReadGap: Int64 = 100_000

    var offset: Int64
    public private(set) var synchronized: Bool

    /// Starts from the clocks as they are now; `synchronized` as `monitor started` recorded it.
    public init(_ clock: any SystemClock, synchronized: Bool) {
        offset = clock.wall().microseconds &- clock.monotonicMicroseconds()
        self.synchronized = synchronized
    }

    /// Looks at the clocks: the `clock` event to record, if the clock was stepped or
    /// turned synchronized since the last look.
    public mutating func look(at clock: any SystemClock) -> ClockStep? {
        let before = clock.monotonicMicroseconds()
        let wall = clock.wall().microseconds
        let after = clock.monotonicMicroseconds()
        guard after &- before <= ClockWatcher.maxReadGap else { return nil }
        let now = wall &- (before / 2 &+ after / 2)
        let change = now &- offset
        offset = now
        let wasSynchronized = synchronized
        synchronized = clock.isSynchronized()
        if change.magnitude > UInt64(ClockWatcher.stepThreshold) {
            return ClockStep(step: change, synchronized: synchronized)
        }
        return synchronized && !wasSynchronized ? ClockStep(step: 0, synchronized: true) : nil
    }
}
