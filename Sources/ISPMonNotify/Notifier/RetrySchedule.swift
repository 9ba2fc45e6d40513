/// When a failed notification is tried again (docs/notify.md): 5 s after the first failure, then
/// twice as long each time, at most 5 min apart, until it is delivered or `max_age` old.
public enum RetrySchedule {
    public static let first: Int64 = 5_000_000
    public static let longest: Int64 = 300_000_000

    /// The wait after the `attempt`th failed attempt (1, 2, 3 …), µs.
    public static func delay(afterAttempt attempt: Int) -> Int64 {
        // 5 s × 2^(attempt−1), without overflowing for any attempt.
        let doublings = min(max(attempt - 1, 0), 16)
        return min(first << Int64(doublings), longest)
    }
}
