import Foundation
import HummingbirdBcrypt
import HummingbirdOTP

/// The admin's password and second factor: a bcrypt hash (slow on purpose: a quarter of a
/// second a check on a small machine; the server runs them on ``PasswordPool``) and TOTP.
enum PasswordHashing {
    /// The bcrypt cost: 2^12 rounds.
    static let bcryptCost: UInt8 = 12
    /// bcrypt reads at most this many bytes of a password and ignores the rest.
    static let maxBytes = 72
    /// A TOTP code's step (s).
    static let totpStep: Int64 = 30

    static func hash(_ password: String) -> String { Bcrypt.hash(password, cost: bcryptCost) }

    /// Whether `password` is the one hashed; never for one bcrypt would read otherwise than it
    /// was sent (a NUL ends its C string, and it ignores bytes past the 72nd), since no such
    /// password can have been set (``AuthStore/passwordProblem(_:)``).
    static func verify(_ password: String, hash: String) -> Bool {
        AuthStore.isReadWhole(password) && Bcrypt.verify(password, hash: hash)
    }

    /// A new TOTP secret and its otpauth URI (HOTP keys with the secret's UTF-8 bytes; the URI
    /// carries them in base32).
    static func newTOTP(label: String) -> (secret: String, uri: String) {
        let secret = Secrets.randomHex(bytes: 20)
        return (secret, TOTP(secret: secret).createAuthenticatorURL(label: label, issuer: "ispmon"))
    }

    /// Whether `code` is the secret's code at `now`, one 30 s step either side (clocks drift).
    static func verifyTOTP(_ code: String, secret: String, at now: Date) -> Bool {
        totpStep(of: code, secret: secret, at: now) != nil
    }

    /// The step (seconds since the epoch / 30) whose code `code` is: `now`'s or one either side;
    /// nil when it is none of them. The step is what ``TOTPReplay`` remembers.
    static func totpStep(of code: String, secret: String, at now: Date) -> Int64? {
        guard code.utf8.count == 6, code.utf8.allSatisfy({ (0x30...0x39).contains($0) }), let value = Int(code) else { return nil }
        let totp = TOTP(secret: secret)
        let current = Int64((now.timeIntervalSince1970 / Double(totpStep)).rounded(.down))
        return [current - 1, current, current + 1].first { step in
            totp.compute(date: Date(timeIntervalSince1970: Double(step * totpStep))) == value
        }
    }
}
