import Foundation
import Hummingbird
import ISPMonCore
import ISPMonQuery
import Mustache
import NIOCore

/// Renders a page: its template with its values, inside the layout (navigation, the CSRF
/// token's `<meta>`, the stylesheet and script of this binary).
struct PageRenderer: Sendable {
    let library: MustacheLibrary
    let version = ISPMonVersion.current
    /// This site's name (config `site:`), in every title.
    let site: String

    init(site: String) {
        self.site = site
        var library = MustacheLibrary()
        for (name, text) in PageTemplates.all {
            // The templates are constants of this binary: one that does not parse is a bug the tests catch.
            do { try library.register(text, named: name) } catch { preconditionFailure("template \(name): \(error)") }
        }
        self.library = library
    }

    static let navigation: [(String, String, String)] = [
        ("overview", "/", "Overview"), ("outages", "/outages", "Outages"), ("latency", "/latency", "Latency"),
        ("speedtests", "/speedtests", "Speed tests"), ("path", "/path", "Path"), ("events", "/events", "Events"),
        ("tools", "/tools", "Tools"), ("settings", "/settings", "Settings"),
    ]

    /// The page `name` (a template) with `values` (the page's own typed values: the template
    /// reads their stored properties by name), for the signed-in `access`.
    func page(_ name: String, title: String, values: Any, access: WebContext.Access, status: HTTPResponse.Status = .ok) -> Response {
        let csrf: String? = if case .session(let id) = access { AuthStore.csrfToken(session: id) } else { nil }
        let body = library.render(PageScope(values: values, csrf: csrf), withTemplate: name) ?? ""
        let layout = Layout(title: title, page: name, body: body, version: version, zone: LocalTime.zoneName, site: site, csrf: csrf,
                            nav: PageRenderer.navigation.map { .init(href: $0.1, label: $0.2, current: $0.0 == name) })
        let html = library.render(layout, withTemplate: "layout") ?? ""
        return Response(status: status, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
                        body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    /// A page anyone may see (sign-in, the public status page), in the layout without navigation.
    func publicPage(_ name: String, title: String, values: Any, status: HTTPResponse.Status = .ok) -> Response {
        let layout = Layout(title: title, page: name, body: library.render(values, withTemplate: name) ?? "", version: version,
                            zone: LocalTime.zoneName, site: site, csrf: nil, nav: [])
        let html = library.render(layout, withTemplate: "publicLayout") ?? ""
        return Response(status: status, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
                        body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    /// The values of `layout.mustache` and `publicLayout.mustache`.
    struct Layout {
        struct Link {
            var href: String
            var label: String
            var current: Bool
        }

        var title: String
        var page: String
        var body: String
        var version: String
        var zone: String
        var site: String
        var csrf: String?
        var nav: [Link]
    }
}

/// A page's values with the session's CSRF token beside them, which the forms of any page post
/// back (`{{csrf}}`): the token is the renderer's, not each page's to remember.
struct PageScope<Values>: MustacheParent {
    let values: Values
    let csrf: String?

    func child(named name: String) -> Any? {
        if name == "csrf" { return csrf }
        if let parent = values as? any MustacheParent { return parent.child(named: name) }
        // A stored property by name, an Optional's value unwrapped (nil: not there, as the
        // template engine's own lookup does).
        guard let value = Mirror(reflecting: values).children.first(where: { $0.label == name })?.value else { return nil }
        let mirror = Mirror(reflecting: value)
        guard mirror.displayStyle == .optional else { return value }
        return mirror.children.first?.value
    }
}

/// A chart drawn twice, for a wide screen and for a phone (its text would be too small scaled
/// down from the wide one); the stylesheet shows one of them, no script needed.
enum ChartPair {
    static func html(_ draw: (Double) -> String) -> String {
        "<div class=\"chart-wide\">" + draw(720) + "</div><div class=\"chart-narrow\">" + draw(360) + "</div>"
    }
}

/// Text for people on the pages: the CLI's words and formats.
enum PageText {
    /// `2026-03-01 13:00:05` in the machine's zone.
    static func time(_ us: Int64?) -> String? { us.map { LocalTime.format($0) } }

    /// A query-string value (a target's name in a link).
    static func query(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }

    /// `?a=1&b=x%20y`: a link's query string, its parameters in name order (so a page's
    /// links are the same bytes every time).
    static func link(_ parameters: [String: String]) -> String {
        "?" + parameters.sorted { $0.key < $1.key }.map { "\($0.key)=\(query($0.value))" }.joined(separator: "&")
    }
}
