import HTTPTypes
import Synchronization

/// At most 5 failed sign-ins a minute per client address (docs/http.md): a guesser gets
/// `429` with `Retry-After` until the oldest failure of the last minute is a minute old.
///
/// An attempt is counted when it is let in, before its password (or code) is checked, in the
/// same step as the look at the limit (``admit(_:now:)``), and given back only when it turned
/// out right (``succeeded(_:)``) or was never judged (``unjudged(_:)``). Counting the failure
/// after the check would let requests sent at once all be judged: each looks at the limit
/// before any of them has failed.
/// Bounded: at most `maxClients` addresses are remembered (the oldest are forgotten).
final class LoginLimiter: Sendable {
    static let perMinute = 5
    static let window: Int64 = 60_000_000
    static let maxClients = 10_000

    /// One attempt let in: its client, and its place in that client's list.
    struct Attempt: Sendable {
        let client: String
        let id: UInt64
    }

    struct Counted {
        var time: Int64
        var id: UInt64
    }

    struct State {
        var attempts: [String: [Counted]] = [:]
        var nextID: UInt64 = 0
    }

    let state = Mutex(State())

    /// Lets an attempt of `client` in and counts it, or refuses it with the seconds to wait,
    /// in one step: of attempts sent at once, only as many as the limit has room for get in.
    func admit(_ client: String, now: Int64) -> Result<Attempt, Refused> {
        state.withLock { s in
            let recent = (s.attempts[client] ?? []).filter { now - $0.time < LoginLimiter.window }
            if recent.count >= LoginLimiter.perMinute, let oldest = recent.first {
                s.attempts[client] = recent
                return .failure(Refused(seconds: Int((oldest.time + LoginLimiter.window - now + 999_999) / 1_000_000)))
            }
            if s.attempts.count >= LoginLimiter.maxClients, s.attempts[client] == nil,
               let stale = s.attempts.min(by: { ($0.value.last?.time ?? 0) < ($1.value.last?.time ?? 0) })?.key {
                s.attempts[stale] = nil
            }
            s.nextID &+= 1
            s.attempts[client] = recent + [Counted(time: now, id: s.nextID)]
            return .success(Attempt(client: client, id: s.nextID))
        }
    }

    /// The attempt was right: it does not count.
    func succeeded(_ attempt: Attempt) { forget(attempt) }

    /// The attempt was never judged (its body too large, the password pool full): it does not count.
    func unjudged(_ attempt: Attempt) { forget(attempt) }

    private func forget(_ attempt: Attempt) {
        state.withLock { s in
            s.attempts[attempt.client]?.removeAll { $0.id == attempt.id }
            if s.attempts[attempt.client]?.isEmpty == true { s.attempts[attempt.client] = nil }
        }
    }

    /// Seconds to wait before the next attempt.
    struct Refused: Error {
        var seconds: Int
    }

    /// Lets an attempt in (else throws `429` with `Retry-After`, `what` naming what failed too
    /// often), runs `judge`, and keeps the attempt counted only when `judge` says it failed; an
    /// error thrown before a verdict gives it back.
    func judged<T>(_ client: String, now: Int64, what: String,
                   _ judge: () async throws -> (T, failed: Bool)) async throws -> T {
        let attempt: Attempt
        switch admit(client, now: now) {
        case .success(let a): attempt = a
        case .failure(let refused):
            throw APIError(.tooManyRequests, "too many \(what) from \(client): try again in \(refused.seconds) s",
                           headers: [.retryAfter: String(refused.seconds)])
        }
        let verdict: (T, failed: Bool)
        do {
            verdict = try await judge()
        } catch {
            unjudged(attempt)
            throw error
        }
        if !verdict.failed { succeeded(attempt) }
        return verdict.0
    }
}
