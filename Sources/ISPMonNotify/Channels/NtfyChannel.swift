/// `kind: ntfy`: a POST of the text to the topic's URL, with ntfy's headers for the title, the
/// priority (outage 4, recovery 3), the tags and the link to open (docs/notify.md).
public struct NtfyChannel: NotificationChannel {
    public let name: String
    let url: String
    let caFile: String?

    public init(name: String, url: String, caFile: String?) {
        self.name = name
        self.url = url
        self.caFile = caFile
    }

    func request(_ n: Notification) -> HTTPRequest {
        var headers = [
            ChannelHeaders.idempotency(n.key),
            "Content-Type: text/plain; charset=utf-8",
            "Title: " + HeaderValue.text(n.title),
            "Priority: \(min(5, max(1, n.priority)))",
        ]
        if !n.tags.isEmpty { headers.append("Tags: " + HeaderValue.text(n.tags.joined(separator: ","))) }
        if let link = n.link { headers.append("Click: " + HeaderValue.clean(link)) }
        return HTTPRequest(method: "POST", url: url, headers: headers, body: Array(n.text.utf8), caFile: caFile)
    }

    public func deliver(_ notification: Notification) throws(DeliveryError) -> String {
        try HTTPTransport.send(request(notification)).requireSuccess().summary
    }
}
