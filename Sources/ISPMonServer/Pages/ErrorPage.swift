import Hummingbird
import NIOCore

/// An error on a page, as a page: its status in words, the one message naming what was wrong
/// (escaped: it may quote what was asked for), and the way back. Made without the templates'
/// layout: it needs no store, no session and no navigation to say what went wrong.
enum ErrorPage {
    static func response(_ error: APIError) -> Response {
        let title = "\(error.status.code) \(error.status.reasonPhrase)"
        let html = """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(HTML.escape(title)) · ispmon</title><link rel="stylesheet" href="/static/app.css"></head>
            <body><main><h1>\(HTML.escape(title))</h1><p class="error">\(HTML.escape(error.message))</p>
            <p><a href="/">The overview</a></p></main></body></html>

            """
        var headers = error.headers
        headers[.contentType] = "text/html; charset=utf-8"
        return Response(status: error.status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
    }
}
