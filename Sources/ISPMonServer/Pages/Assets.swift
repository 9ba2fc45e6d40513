import Hummingbird
import NIOCore

/// The stylesheet, the script and the icon (the files in `Static/`: the script updates the overview
/// live from /api/v1/stream, the pages working without it; the icon is a pulse line in a rounded
/// square): part of the binary (Package.swift embeds them: one file to install, nothing read from
/// disk), served from ispmon itself (nothing from another host), cached by the browser for as long
/// as the binary is the same (the pages name them with `?v=` of the version). Each one's `ETag`
/// is a digest of its bytes, not the version: it names what is served (a build that changed a
/// file without a new version is a new tag), and tells nobody which version runs.
enum Assets {
    static func add(to router: RouteTable, version: String) {
        // Each file's tag once, not at each request.
        let files: [(path: String, type: String, bytes: [UInt8])] = [
            ("static/app.css", "text/css; charset=utf-8", PackageResources.app_css),
            ("static/app.js", "text/javascript; charset=utf-8", PackageResources.app_js),
            ("favicon.ico", "image/svg+xml", PackageResources.favicon_svg),
        ]
        for file in files {
            let headers: HTTPFields = [.contentType: file.type, .cacheControl: "public, max-age=86400", .eTag: etag(file.bytes)]
            let body = file.bytes
            router.get(RouterPath(file.path)) { _, _ in Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body))) }
        }
    }

    /// A strong tag of `bytes`: the first 128 bits of their SHA-256, quoted.
    static func etag(_ bytes: [UInt8]) -> String { "\"" + Secrets.sha256(bytes: bytes).prefix(32) + "\"" }
}
