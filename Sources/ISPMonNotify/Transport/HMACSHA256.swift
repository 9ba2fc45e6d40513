import COpenSSL

/// HMAC-SHA256 by OpenSSL: the webhook's `X-Ispmon-Signature`.
enum HMACSHA256 {
    /// The MAC of `message` under `key`, as lowercase hex.
    static func hex(key: [UInt8], message: [UInt8]) -> String {
        var mac = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let ok = key.withUnsafeBytes { k in
            message.withUnsafeBytes { m in
                mac.withUnsafeMutableBufferPointer { out in
                    HMAC(EVP_sha256(), k.baseAddress, Int32(k.count), m.bindMemory(to: UInt8.self).baseAddress, m.count,
                         out.baseAddress, &length) != nil
                }
            }
        }
        guard ok else { return "" }
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for b in mac.prefix(Int(length)) {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0xF)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
