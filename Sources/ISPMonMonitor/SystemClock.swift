#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CTimex
public import ISPMonCore

/// The clocks the monitor stamps events with and watches for steps: the kernel's
/// by default; tests hand in one they set (as they hand in a prober).
public protocol SystemClock: Sendable {
    /// The wall-clock time, to the microsecond: what events are stamped with.
    func wall() -> Timestamp
    /// A clock that never steps and counts suspended time too, in µs since any start.
    func monotonicMicroseconds() -> Int64
    /// Whether NTP sets the wall clock, in the kernel's word.
    func isSynchronized() -> Bool
}

/// The kernel's clocks: `CLOCK_REALTIME`; `CLOCK_BOOTTIME`, which goes on during a
/// suspend (a laptop waking up has not had its clock stepped); `adjtimex` for
/// the synchronization state.
public struct KernelClock: SystemClock {
    public init() {}

    public func wall() -> Timestamp { Timestamp(microseconds: KernelClock.read(CLOCK_REALTIME)) }

    public func monotonicMicroseconds() -> Int64 { KernelClock.read(CLOCK_BOOTTIME) }

    public func isSynchronized() -> Bool {
        var tx = timex()  // modes 0: only reads, needs no privilege
        let state = adjtimex(&tx)
        return state != -1 && state != TIME_ERROR && tx.status & STA_UNSYNC == 0
    }

    static func read(_ id: clockid_t) -> Int64 {
        var ts = timespec()
        clock_gettime(id, &ts)
        return Int64(ts.tv_sec) * 1_000_000 + Int64(ts.tv_nsec) / 1_000
    }
}
