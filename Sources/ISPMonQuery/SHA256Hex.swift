import COpenSSL
import ISPMonCore

/// SHA-256 in lowercase hex, by OpenSSL's digest (EVP), the one the probes' TLS already links: of
/// a report's export (``Queries/exportPass(window:through:_:)`` feeds it), of the files of an
/// evidence zip (their SHA256SUMS).
public struct SHA256Hex {
    let context: OpaquePointer

    public init() throws {
        guard let context = EVP_MD_CTX_new() else { throw DigestError() }
        self.context = context
        EVP_DigestInit_ex(context, EVP_sha256(), nil)
    }

    public func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { _ = EVP_DigestUpdate(context, $0.baseAddress, $0.count) }
    }

    /// The digest; the object is spent (it frees its context).
    public func finish() -> String {
        defer { EVP_MD_CTX_free(context) }
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        EVP_DigestFinal_ex(context, &digest, &length)
        return digest.prefix(Int(length)).map { b in
            let hex = String(b, radix: 16)
            return b < 16 ? "0" + hex : hex
        }.joined()
    }

    public static func of(_ bytes: [UInt8]) throws -> String {
        let d = try SHA256Hex()
        d.update(bytes)
        return d.finish()
    }
}

/// OpenSSL could not make a digest context (out of memory).
struct DigestError: Error, CustomStringConvertible {
    var description: String { "cannot compute a SHA-256: OpenSSL has no memory for it" }
}
