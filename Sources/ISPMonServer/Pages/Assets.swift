import Hummingbird
import NIOCore

/// The stylesheet, the script and the icon (the files in `Static/`: the script updates the overview
/// live from /api/v1/stream, the pages working without it; the icon is a pulse line in a rounded
/// square): part of the binary (Package.swift embeds them: one file to install, nothing read from
/// disk), served from ispmon itself (nothing from another host), cached by the browser for as long
/// as the binary is the same (the pages name them with `?v=` of the version).
enum Assets {
    static func add(to router: RouteTable, version: String) {
        let headers: @Sendable (String) -> HTTPFields = { type in
            [.contentType: type, .cacheControl: "public, max-age=86400", .eTag: "\"\(version)\""]
        }
        router.get("static/app.css") { _, _ in Response(status: .ok, headers: headers("text/css; charset=utf-8"), body: .init(byteBuffer: ByteBuffer(bytes: PackageResources.app_css))) }
        router.get("static/app.js") { _, _ in Response(status: .ok, headers: headers("text/javascript; charset=utf-8"), body: .init(byteBuffer: ByteBuffer(bytes: PackageResources.app_js))) }
        router.get("favicon.ico") { _, _ in Response(status: .ok, headers: headers("image/svg+xml"), body: .init(byteBuffer: ByteBuffer(bytes: PackageResources.favicon_svg))) }
    }
}
