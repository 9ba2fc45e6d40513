import Foundation
import HummingbirdBcrypt
import HummingbirdOTP

/// The admin's password and second factor: a bcrypt hash (slow on purpose: a quarter of a
/// second a check on a small machine; the server runs them on ``PasswordPool``) and TOTP.
enum PasswordHashing {
    /// The bcrypt cost: 2^12 rounds.
    static let bcryptCost: UInt8 = 12

    static func hash(_ password: String) -> String { Bcrypt.hash(password, cost: bcryptCost) }

    static func verify(_ password: String, hash: String) -> Bool { Bcrypt.verify(password, hash: hash) }

    /// A new TOTP secret and its otpauth URI (HOTP keys with the secret's UTF-8 bytes; the URI
    /// carries them in base32).
    static func newTOTP(label: String) -> (secret: String, uri: String) {
        let secret = Secrets.randomHex(bytes: 20)
        return (secret, TOTP(secret: secret).createAuthenticatorURL(label: label, issuer: "ispmon"))
    }

    /// Whether `code` is the secret's code at `now`, one 30 s step either side (clocks drift).
    static func verifyTOTP(_ code: String, secret: String, at now: Date) -> Bool {
        guard code.count == 6, let value = Int(code) else { return false }
        let totp = TOTP(secret: secret)
        return [-30.0, 0, 30].contains { totp.compute(date: now.addingTimeInterval($0)) == value }
    }
}
