#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import HTTPTypes
import Hummingbird

/// The names the server answers to, against DNS rebinding: a page of another site, open in a
/// browser on the home network, whose name the site's DNS then points at ispmon's address,
/// could otherwise read ispmon's answers as its own (the browser thinks it talks to the site).
/// Its requests still carry the site's name in `Host`; ispmon answers `421` to any name it was
/// not given.
///
/// Answered: any IPv4 or IPv6 address (`192.0.2.10:8080`, `[2001:db8::1]:8080`: what a person
/// types, and never a rebinding page's `Host`, which is a name), `localhost` and names under
/// `.localhost` (a browser sends them to loopback without asking the DNS), this machine's host
/// name and that name under `.local` (mDNS), the name `web.listen` gives, and the names of
/// `web.hosts` (docs/config.md). A request without `Host` (HTTP/1.0) is no browser's.
struct AllowedHosts: Sendable {
    let names: Set<String>

    init(configured: [String], listen: String) {
        var names = Set(configured.map(AllowedHosts.normal))
        if let own = AllowedHosts.hostName() {
            names.insert(own)
            if !own.contains(".") { names.insert(own + ".local") }
        }
        names.insert(AllowedHosts.normal(listen))
        self.names = names
    }

    /// Whether a request whose `Host` is `authority` is answered.
    func accepts(_ authority: String?) -> Bool {
        guard let authority else { return true }
        guard let host = Authority(authority)?.host else { return false }
        if AllowedHosts.isAddress(host) { return true }
        if host == "localhost" || host.hasSuffix(".localhost") { return true }
        return names.contains(host)
    }

    /// Lowercase, without a final dot: how `Host` names are compared.
    static func normal(_ name: String) -> String {
        let lower = name.lowercased()
        return lower.hasSuffix(".") ? String(lower.dropLast()) : lower
    }

    /// An address in the standard text form a browser writes (`inet_pton`'s): `127.1` or
    /// `2130706433` are names to this check, as no browser sends them.
    static func isAddress(_ host: String) -> Bool {
        var v4 = in_addr(), v6 = in6_addr()
        return inet_pton(AF_INET, host, &v4) == 1 || inet_pton(AF_INET6, host, &v6) == 1
    }

    /// This machine's host name, lowercased (nil when it has none).
    static func hostName() -> String? {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return nil }
        let name = normal(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        return name.isEmpty ? nil : name
    }
}

/// Answers `421 Misdirected Request` to a request for a name the server does not answer to
/// (``AllowedHosts``), before anything else looks at it; and `400` to a request with two `Host`
/// headers (the first is the request's authority; a second would be another server's name).
struct HostCheck<Context: RequestContext>: RouterMiddleware {
    let allowed: AllowedHosts
    /// A name HTTPTypes keeps out of the fields (it is the request's `authority`): here, the second.
    static var host: HTTPField.Name { HTTPField.Name("Host")! }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.headers[Self.host] == nil else { throw APIError(.badRequest, "more than one Host header") }
        guard allowed.accepts(request.head.authority) else {
            let shown = String((request.head.authority ?? "").prefix(100))
            throw APIError(.misdirectedRequest, "this server does not answer to the name '\(shown)': add it to web.hosts in the config (docs/config.md)")
        }
        return try await next(request, context)
    }
}
