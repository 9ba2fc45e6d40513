import COpenSSL

/// Random secrets and their digests: session ids and API tokens are 256 random bits,
/// kept on disk only as SHA-256 digests, so a copy of `auth/` signs nobody in.
enum Secrets {
    /// `count` random bytes from the system's generator (getrandom: fit for secrets).
    static func randomBytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }

    /// `bytes` random bytes as lowercase hex.
    static func randomHex(bytes: Int = 32) -> String { randomBytes(bytes).map(hexByte).joined() }

    /// SHA-256 of `text`'s UTF-8, as lowercase hex.
    static func sha256(_ text: String) -> String {
        var digest = [UInt8](repeating: 0, count: Int(SHA256_DIGEST_LENGTH))
        let bytes = Array(text.utf8)
        bytes.withUnsafeBufferPointer { b in _ = SHA256(b.baseAddress, b.count, &digest) }
        return digest.map(hexByte).joined()
    }

    /// Whether `a` equals `b`, in a time that does not depend on where they differ.
    static func equal(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        return x.withUnsafeBytes { xb in y.withUnsafeBytes { yb in CRYPTO_memcmp(xb.baseAddress, yb.baseAddress, x.count) == 0 } }
    }

    static func hexByte(_ b: UInt8) -> String {
        let digits = Array("0123456789abcdef")
        return String([digits[Int(b >> 4)], digits[Int(b & 15)]])
    }
}
