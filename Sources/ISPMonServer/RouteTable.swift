public import Hummingbird
public import HTTPTypes

/// The one table of the server's routes: every route group adds itself here, which registers it
/// with Hummingbird's router and notes its method and path, so that `RouteTableTests` can hold
/// the table against the OpenAPI document's paths (no route undocumented, none documented that
/// the server lacks).
/// Used while the server is built, on one thread (Hummingbird's router is not Sendable either).
public final class RouteTable: RouterMethods {
    public typealias Context = WebContext

    let router: Router<WebContext>
    var entries: [Entry] = []

    /// A route: its method and its path as the OpenAPI document writes it (`/api/v1/outages/{id}`).
    public struct Entry: Sendable, Hashable {
        public var method: String
        public var path: String
    }

    init(_ router: Router<WebContext>) { self.router = router }

    /// Every route, in the order they were added.
    public var routes: [Entry] { entries }

    @discardableResult public func on<Responder: HTTPResponder>(
        _ path: RouterPath, method: HTTPRequest.Method, responder: Responder
    ) -> Self where Responder.Context == WebContext {
        entries.append(Entry(method: method.rawValue, path: path.description))
        router.on(path, method: method, responder: responder)
        return self
    }

    @discardableResult public func add(middleware: any MiddlewareProtocol<Request, Response, WebContext>) -> Self {
        router.add(middleware: middleware)
        return self
    }
}
