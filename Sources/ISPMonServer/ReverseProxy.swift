#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Foundation
import HTTPTypes
import Hummingbird

/// What ispmon believes of a reverse proxy in front of it (docs/reverse-proxy.md): only
/// that a request came to the proxy over HTTPS, and only from a proxy on this machine.
///
/// `X-Forwarded-Proto: https` counts when the connection comes from a loopback address (the
/// proxy beside ispmon; nginx sets the header itself and drops the client's). From any other
/// peer anyone could send it. All it changes is the session cookie's `Secure`, which only
/// keeps the browser from sending the cookie over plain HTTP. `X-Forwarded-For` is never
/// believed: the login limiter and `web.metrics_allow` go by the connection's own address.
enum ReverseProxy {
    // A constant, valid name: the initializer only fails for names with characters HTTP forbids.
    static let forwardedProto = HTTPField.Name("X-Forwarded-Proto")!

    /// Whether `request`, from `peer`, reached a proxy on this machine over HTTPS.
    static func cameOverHTTPS(_ request: Request, peer: String?) -> Bool {
        guard let peer, isLoopback(peer), let proto = request.headers[forwardedProto] else { return false }
        return proto.trimmingCharacters(in: .whitespaces).lowercased() == "https"
    }

    /// 127.0.0.0/8, ::1, and 127.x as an IPv4-mapped IPv6 address (an IPv4 peer of a `[::]` socket).
    static func isLoopback(_ address: String) -> Bool {
        var v4 = in_addr(), v6 = in6_addr()
        if inet_pton(AF_INET, address, &v4) == 1 {
            return withUnsafeBytes(of: &v4) { $0[0] == 127 }
        }
        guard inet_pton(AF_INET6, address, &v6) == 1 else { return false }
        let b = withUnsafeBytes(of: &v6) { Array($0) }
        if b[0..<15].allSatisfy({ $0 == 0 }) && b[15] == 1 { return true }
        return b[0..<10].allSatisfy({ $0 == 0 }) && b[10] == 0xFF && b[11] == 0xFF && b[12] == 127
    }
}
