public import Logging
import Synchronization

/// The monitor's own log lines (a probe socket that failed, a speed test that timed out), the
/// last ``capacity`` of them in memory, for the settings page: a person sees what went wrong
/// without a shell. Bounded: the oldest line goes when a new one comes. Lines hold what the
/// log line holds (its message and metadata), and log lines never hold a secret.
public final class LogRing: Sendable {
    public static let capacity = 5_000

    public struct Line: Sendable, Equatable {
        /// µs since the epoch (the wall clock when it was logged).
        public var time: Int64
        public var level: Logger.Level
        public var label: String
        public var text: String

        public init(time: Int64, level: Logger.Level, label: String, text: String) {
            self.time = time
            self.level = level
            self.label = label
            self.text = text
        }
    }

    struct Ring {
        var lines: [Line] = []
        /// Where the next line goes once the ring is full.
        var next = 0
    }

    let ring = Mutex(Ring())
    let capacity: Int

    public init(capacity: Int = LogRing.capacity) {
        self.capacity = max(1, capacity)
    }

    public func append(_ line: Line) {
        ring.withLock { r in
            if r.lines.count < capacity {
                r.lines.append(line)
            } else {
                r.lines[r.next] = line
                r.next = (r.next + 1) % capacity
            }
        }
    }

    /// The lines at `minimum` or above, newest first, at most `limit`.
    public func lines(atLeast minimum: Logger.Level = .trace, limit: Int = .max) -> [Line] {
        let all = ring.withLock { r in Array(r.lines[r.next...] + r.lines[..<r.next]) }
        var out: [Line] = []
        for line in all.reversed() where line.level >= minimum {
            out.append(line)
            if out.count >= limit { break }
        }
        return out
    }

    /// A log line as the ring keeps it: the message, then the metadata as `key=value`, sorted;
    /// without Hummingbird's request ids (`hb.…`), which say nothing to a person.
    public static func text(_ message: Logger.Message, _ metadata: Logger.Metadata?) -> String {
        let shown = (metadata ?? [:]).filter { !$0.key.hasPrefix("hb.") }
        guard !shown.isEmpty else { return message.description }
        return message.description + " " + shown.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
    }
}
