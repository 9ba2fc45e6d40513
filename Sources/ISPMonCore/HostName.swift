#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The shapes of what a person types as a host (the config's targets, the tools' checks),
/// checked before anything is sent: parsing only, never a lookup.
public enum HostName {
    /// A plain host name: dot-separated labels of 1–63 letters, digits, `-` or `_`, 253 bytes at most.
    public static func isValid(_ name: String) -> Bool {
        let trimmed = name.hasSuffix(".") ? String(name.dropLast()) : name
        guard !trimmed.isEmpty, trimmed.utf8.count <= 253 else { return false }
        return trimmed.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { label in
            (1...63).contains(label.utf8.count)
                && label.utf8.allSatisfy { b in
                    (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x2D || b == 0x5F
                }
        }
    }

    /// An IPv4 or IPv6 address in its standard text form (`inet_pton`'s: no `127.1`, no zone).
    public static func isStrictAddress(_ text: String) -> Bool {
        var v4 = in_addr()
        var v6 = in6_addr()
        return inet_pton(AF_INET, text, &v4) == 1 || inet_pton(AF_INET6, text, &v6) == 1
    }

    /// A numeric address as the C library reads one for a socket (`getaddrinfo` with
    /// `AI_NUMERICHOST`: also `127.1` and `fe80::1%eth0`); no lookup is made.
    public static func isNumericAddress(_ text: String) -> Bool {
        var hints = addrinfo()
        hints.ai_flags = AI_NUMERICHOST
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_DGRAM.rawValue)
        var result: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(text, nil, &hints, &result) == 0 else { return false }
        freeaddrinfo(result)
        return true
    }

    /// An address, or something shaped like a host name.
    public static func isPlausible(_ host: String) -> Bool {
        isNumericAddress(host) || isValid(host)
    }
}
