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

    /// Mustache has no "a list that is not empty" of its own: each list `x` gets `has_x`, in
    /// nested values too (a section over a list renders once per element, not once).
    static func markLists(_ values: inout [String: Any]) {
        for (key, value) in values {
            if var nested = value as? [String: Any] {
                markLists(&nested)
                values[key] = nested
            } else if let list = value as? [Any] {
                values["has_" + key] = !list.isEmpty
            }
        }
    }

    static let navigation: [(String, String, String)] = [
        ("overview", "/", "Overview"), ("outages", "/outages", "Outages"), ("latency", "/latency", "Latency"),
        ("speedtests", "/speedtests", "Speed tests"), ("path", "/path", "Path"), ("events", "/events", "Events"),
        ("tools", "/tools", "Tools"), ("settings", "/settings", "Settings"),
    ]

    /// The page `name` (a template) with `values`, for the signed-in `access`.
    func page(_ name: String, title: String, values: [String: Any], access: WebContext.Access, status: HTTPResponse.Status = .ok) -> Response {
        var values = values
        let csrf: String? = if case .session(let id) = access { AuthStore.csrfToken(session: id) } else { nil }
        values["csrf"] = csrf
        PageRenderer.markLists(&values)
        let body = library.render(values, withTemplate: name) ?? ""
        var layout: [String: Any] = [
            "title": title, "page": name, "body": body, "version": version, "zone": LocalTime.zoneName, "site": site,
            "nav": PageRenderer.navigation.map { ["href": $0.1, "label": $0.2, "current": $0.0 == name] },
        ]
        layout["csrf"] = csrf
        let html = library.render(layout, withTemplate: "layout") ?? ""
        return Response(status: status, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
                        body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    /// A page anyone may see (sign-in, the public status page), in the layout without navigation.
    func publicPage(_ name: String, title: String, values: [String: Any], status: HTTPResponse.Status = .ok) -> Response {
        var values = values
        PageRenderer.markLists(&values)
        let layout: [String: Any] = [
            "title": title, "page": name, "body": library.render(values, withTemplate: name) ?? "", "version": version,
            "zone": LocalTime.zoneName, "site": site,
        ]
        let html = library.render(layout, withTemplate: "publicLayout") ?? ""
        return Response(status: status, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
                        body: .init(byteBuffer: ByteBuffer(string: html)))
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

    static func state(_ c: Projection.Condition) -> [String: Any] {
        ["state": c.rawValue, "word": c == .up ? "Up" : c == .down ? "Down" : "Unknown"]
    }

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

    static func outageRow(_ o: Outage) -> [String: Any] {
        ["id": o.id, "start": LocalTime.format(o.start), "duration": NumberText.duration(o.duration), "open": o.end == nil,
         "kind": o.kind == .connectivity ? "internet" : "DNS", "cause": o.cause.inWords]
    }
}
