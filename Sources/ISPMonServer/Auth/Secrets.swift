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
    static func randomHex(bytes: Int = 32) -> String { hex(randomBytes(bytes)) }

    /// SHA-256 of `text`'s UTF-8, as lowercase hex.
    static func sha256(_ text: String) -> String {
        var digest = [UInt8](repeating: 0, count: Int(SHA256_DIGEST_LENGTH))
        var text = text
        text.withUTF8 { b in _ = SHA256(b.baseAddress, b.count, &digest) }
        return hex(digest)
    }

    /// SHA-256 of `bytes`, as lowercase hex.
    static func sha256(bytes: [UInt8]) -> String {
        var digest = [UInt8](repeating: 0, count: Int(SHA256_DIGEST_LENGTH))
        bytes.withUnsafeBufferPointer { b in _ = SHA256(b.baseAddress, b.count, &digest) }
        return hex(digest)
    }

    /// Lowercase hex, written at once (it is made for every request with a token).
    static func hex(_ bytes: [UInt8]) -> String {
        let digits: [UInt8] = Array("0123456789abcdef".utf8)
        return String(unsafeUninitializedCapacity: bytes.count * 2) { out in
            for (i, b) in bytes.enumerated() {
                out[2 * i] = digits[Int(b >> 4)]
                out[2 * i + 1] = digits[Int(b & 15)]
            }
            return bytes.count * 2
        }
    }

    /// Whether `a` equals `b`, in a time that does not depend on where they differ.
    static func equal(_ a: String, _ b: String) -> Bool {
        var a = a, b = b
        return a.withUTF8 { x in
            b.withUTF8 { y in x.count == y.count && CRYPTO_memcmp(x.baseAddress, y.baseAddress, x.count) == 0 }
        }
    }

}
