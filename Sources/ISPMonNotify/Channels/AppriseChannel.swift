import ISPMonConfig
import ISPMonCore

/// `kind: apprise`: a POST of `{"title","body","type","format","tag"}` to an Apprise API
/// server's `/notify/KEY` (its stored configuration KEY, whose URLs it notifies; `tag` picks
/// among them). A URL whose path has no `/notify` gets `/notify` added (the stateless form,
/// for a server whose default configuration is set).
public struct AppriseChannel: NotificationChannel {
    public let name: String
    let url: String
    let caFile: String?
    let tag: String?

    public init(name: String, url: String, caFile: String?, tag: String?) {
        self.name = name
        self.url = AppriseChannel.notifyURL(url)
        self.caFile = caFile
        self.tag = tag
    }

    static func notifyURL(_ url: String) -> String {
        let parts = url.split(separator: "://", maxSplits: 1, omittingEmptySubsequences: false)
        let afterScheme = parts.count == 2 ? parts[1] : Substring(url)
        let path = afterScheme.drop { $0 != "/" }.prefix { $0 != "?" && $0 != "#" }
        if path.hasSuffix("/notify") || path.contains("/notify/") { return url }
        return (url.hasSuffix("/") ? String(url.dropLast()) : url) + "/notify"
    }

    /// Apprise's message types: the colour and icon its services show.
    static func type(_ n: Notification) -> String {
        switch n.trigger {
        case .outage?, .slowSpeed?: return "failure"
        case .recovery?: return "success"
        case .monitor?: return "warning"
        case .report?, nil: return "info"
        }
    }

    func body(_ n: Notification) -> [UInt8] {
        var out: [UInt8] = Array("{\"title\":".utf8)
        JSONWriter.appendString(n.title, to: &out)
        out += Array(",\"body\":".utf8)
        JSONWriter.appendString(n.link.map { n.text + "\n\n" + $0 } ?? n.text, to: &out)
        out += Array(",\"type\":".utf8)
        JSONWriter.appendString(AppriseChannel.type(n), to: &out)
        out += Array(",\"format\":\"text\"".utf8)
        if let tag {
            out += Array(",\"tag\":".utf8)
            JSONWriter.appendString(tag, to: &out)
        }
        out.append(UInt8(ascii: "}"))
        return out
    }

    func request(_ n: Notification) -> HTTPRequest {
        HTTPRequest(method: "POST", url: url, headers: [ChannelHeaders.idempotency(n.key), "Content-Type: application/json"],
                    body: body(n), caFile: caFile)
    }

    public func deliver(_ notification: Notification) throws(DeliveryError) -> String {
        try HTTPTransport.send(request(notification)).requireSuccess().summary
    }
}
