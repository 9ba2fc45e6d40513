import COpenSSL
import ISPMonCore

/// SHA-256 in lowercase hex, by OpenSSL's digest (EVP): of a report's export, of the files of an
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

/// The SHA-256 of the bytes `ispmon export` prints for a selection (docs/reports.md, the
/// appendix): the same bytes, written the same way, hashed as they stream, so that anyone can
/// run the printed command and compare. OpenSSL's digest (EVP), the one the probes' TLS links.
struct ExportDigest {
    /// Lowercase hex of the SHA-256 of the NDJSON of every event `q` selects, oldest first.
    static func sha256(_ queries: Queries, _ q: EventQuery) throws -> String {
        let digest = try SHA256Hex()
        var buffer: [UInt8] = []
        buffer.reserveCapacity(1 << 16)
        try queries.forEachEvent(q) { e in
            EventJSON.append(e.event, seq: e.seq, to: &buffer)
            if buffer.count >= 1 << 16 {
                digest.update(buffer)
                buffer.removeAll(keepingCapacity: true)
            }
            return true
        }
        digest.update(buffer)
        return digest.finish()
    }
}

/// OpenSSL could not make a digest context (out of memory).
struct DigestError: Error, CustomStringConvertible {
    var description: String { "cannot compute a SHA-256: OpenSSL has no memory for it" }
}

extension ExportDigest {
    /// The SHA-256 of nothing: an empty period's export prints no byte.
    static let emptySHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
}
