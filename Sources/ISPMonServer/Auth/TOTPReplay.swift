import Synchronization

/// The last TOTP step a sign-in was let in with (RFC 6238, 5.2: a code is good once): a code
/// of that step or an earlier one is refused, so a code seen over a shoulder or in a proxy's
/// log cannot be used again within its step. Kept per secret (a new secret starts afresh) and
/// in memory: a restart forgets it, which gives back at most the 90 s a code is accepted.
final class TOTPReplay: Sendable {
    let last = Mutex<(secret: String, step: Int64)?>(nil)

    /// Whether `step` of `secret` is later than the last one let in; if so, it is the last one
    /// now (in one step: of two sign-ins with the same code at once, one is let in).
    func accept(_ step: Int64, secret: String) -> Bool {
        let digest = Secrets.sha256(secret)
        return last.withLock { last in
            if let l = last, Secrets.equal(l.secret, digest), step <= l.step { return false }
            last = (digest, step)
            return true
        }
    }
}
