import Foundation
import HTTPTypes
import Hummingbird

/// Whether a request a browser sent came from one of ispmon's own pages, by what the browser
/// itself says of it. `Sec-Fetch-Site` decides when it is there (`same-origin`, or `none` for
/// what the person typed; every current browser sends it); else `Origin` (the page's scheme,
/// host and port) must be the request's `Host`. A page of another site that a person on the
/// home network has open can post a form to ispmon: for `POST /login` that is no sign-in (it
/// knows no password), but each such post would count against the sign-in limit and lock the
/// owner out, so it is refused before it counts. Without either header (a script, curl) the
/// request is no browser's cross-site post, and goes on.
///
/// `Origin: null` is what a browser sends for a form of a page whose `Referrer-Policy` is
/// `no-referrer`, which a hostile page may choose: so the pages' own policy is `same-origin`
/// (``SecurityHeaders``), under which their posts carry their real `Origin`, and `null` is refused.
enum SameOrigin {
    static let fetchSite = HTTPField.Name("Sec-Fetch-Site")!

    /// Throws `403` when the browser says another site's page sent `request`; `what` says
    /// what it tried, for the error.
    static func require(_ request: Request, _ what: String) throws {
        if let site = request.headers[fetchSite]?.trimmingCharacters(in: .whitespaces).lowercased() {
            guard site == "same-origin" || site == "none" else {
                throw APIError(.forbidden, "a page of another site may not \(what) here (Sec-Fetch-Site: \(site.prefix(40)))")
            }
            return
        }
        if let origin = request.headers[.origin], !matches(origin: origin, host: request.head.authority) {
            throw APIError(.forbidden, "a page of another site may not \(what) here (Origin: \(origin.prefix(100)))")
        }
    }

    /// Whether `origin` (`scheme://host[:port]`, or `null`) is the origin of `host` (the
    /// request's `Host`). Behind a reverse proxy `Host` has no port (nginx's `$host`): then the
    /// names alone are compared.
    static func matches(origin: String, host: String?) -> Bool {
        guard let host, let own = Authority(host),
              let schemeEnd = origin.range(of: "://") else { return false }
        let scheme = origin[..<schemeEnd.lowerBound].lowercased()
        guard scheme == "http" || scheme == "https", let theirs = Authority(String(origin[schemeEnd.upperBound...])),
              theirs.host == own.host else { return false }
        guard let port = own.port else { return true }
        return (theirs.port ?? (scheme == "https" ? 443 : 80)) == port
    }
}

/// `host[:port]`, `[v6]:port`: the host lowercased without a final dot, and the port if any.
struct Authority: Equatable {
    var host: String
    var port: Int?

    init?(_ text: String) {
        var rest = Substring(text)
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else { return nil }
            host = String(rest[rest.index(after: rest.startIndex)..<close]).lowercased()
            rest = rest[rest.index(after: close)...]
            guard rest.isEmpty || rest.hasPrefix(":") else { return nil }
        } else if let colon = rest.lastIndex(of: ":") {
            host = String(rest[..<colon]).lowercased()
            rest = rest[colon...]
        } else {
            host = rest.lowercased()
            rest = ""
        }
        if rest.hasPrefix(":") {
            guard let p = Int(rest.dropFirst()), (0...65_535).contains(p), rest.dropFirst().allSatisfy(\.isASCII) else { return nil }
            port = p
        }
        if host.hasSuffix(".") { host.removeLast() }
        guard !host.isEmpty else { return nil }
    }
}
