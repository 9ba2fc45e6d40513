import ISPMonConfig
import ISPMonCore

/// `kind: webhook`: a POST of the notification as JSON (docs/notify.md), signed with
/// `X-Ispmon-Signature: sha256=HEX` (HMAC-SHA256 of the exact body) when the channel has a
/// `secret_file`.
public struct WebhookChannel: NotificationChannel {
    public let name: String
    let url: String
    let caFile: String?
    /// The signature's key; nil: unsigned.
    let secret: [UInt8]?

    public init(name: String, url: String, caFile: String?, secret: [UInt8]?) {
        self.name = name
        self.url = url
        self.caFile = caFile
        self.secret = secret
    }

    /// `{"key","site","trigger","time","text","outage","speedtest"}`: the outage and the speed
    /// test as their commands' JSON, embedded as they are, or null.
    static func body(_ n: Notification) -> [UInt8] {
        var out: [UInt8] = Array("{\"key\":".utf8)
        JSONWriter.appendString(n.key, to: &out)
        out += Array(",\"site\":".utf8)
        JSONWriter.appendString(n.site, to: &out)
        out += Array(",\"trigger\":".utf8)
        if let t = n.trigger { JSONWriter.appendString(t.rawValue, to: &out) } else { out += Array("null".utf8) }
        out += Array(",\"time\":\"".utf8)
        n.time.appendRFC3339(to: &out)
        out += Array("\",\"text\":".utf8)
        JSONWriter.appendString(n.text, to: &out)
        out += Array(",\"outage\":".utf8)
        out += Array((n.outageJSON ?? "null").utf8)
        out += Array(",\"speedtest\":".utf8)
        out += Array((n.speedtestJSON ?? "null").utf8)
        out.append(UInt8(ascii: "}"))
        return out
    }

    func request(_ n: Notification) -> HTTPRequest {
        let body = WebhookChannel.body(n)
        var headers = [ChannelHeaders.idempotency(n.key), "Content-Type: application/json"]
        if let secret { headers.append("X-Ispmon-Signature: sha256=" + HMACSHA256.hex(key: secret, message: body)) }
        return HTTPRequest(method: "POST", url: url, headers: headers, body: body, caFile: caFile)
    }

    public func deliver(_ notification: Notification) throws(DeliveryError) -> String {
        try HTTPTransport.send(request(notification)).requireSuccess().summary
    }
}
