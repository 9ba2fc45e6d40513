import Synchronization

/// At most 5 failed sign-ins a minute per client address (docs/http.md): a guesser gets
/// `429` with `Retry-After` until the oldest failure of the last minute is a minute old.
/// Bounded: at most `maxClients` addresses are remembered (the oldest are forgotten).
final class LoginLimiter: Sendable {
    static let perMinute = 5
    static let window: Int64 = 60_000_000
    static let maxClients = 10_000

    let failures = Mutex<[String: [Int64]]>([:])

    /// Seconds to wait before trying again, or nil when `client` may try now.
    func retryAfter(_ client: String, now: Int64) -> Int? {
        failures.withLock { f in
            let recent = (f[client] ?? []).filter { now - $0 < LoginLimiter.window }
            f[client] = recent.isEmpty ? nil : recent
            guard recent.count >= LoginLimiter.perMinute, let oldest = recent.first else { return nil }
            return Int((oldest + LoginLimiter.window - now + 999_999) / 1_000_000)
        }
    }

    func failed(_ client: String, now: Int64) {
        failures.withLock { f in
            if f.count >= LoginLimiter.maxClients, f[client] == nil, let stale = f.min(by: { ($0.value.last ?? 0) < ($1.value.last ?? 0) })?.key {
                f[stale] = nil
            }
            f[client, default: []].append(now)
        }
    }
}
