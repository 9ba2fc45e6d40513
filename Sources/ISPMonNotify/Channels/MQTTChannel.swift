/// `kind: mqtt`: not messages but state, for Home Assistant (docs/notify.md). Retained topics
/// `PREFIX/SITE/connectivity` and `…/dns` (`up` or `down`), `…/outage` (the open or last outage,
/// JSON) and `…/speedtest` (the last test, JSON), and the discovery configs; the connection
/// publishes them all again on every reconnect. A notification without a state (`notify test`)
/// publishes the discovery configs, and waits for the broker to acknowledge them.
public final class MQTTChannel: NotificationChannel {
    public let name: String
    let connection: MQTTConnection
    let site: String
    let topicPrefix: String
    let discovery: [(topic: String, payload: [UInt8])]

    public init(name: String, site: String, topicPrefix: String, discoveryPrefix: String, connection: MQTTConnection) {
        self.name = name
        self.site = site
        self.topicPrefix = topicPrefix
        self.connection = connection
        discovery = HomeAssistantDiscovery.configs(site: site, topicPrefix: topicPrefix, discoveryPrefix: discoveryPrefix)
        connection.keep(discovery)
    }

    /// The state's topics; an outage or a test not known yet is left as it was.
    func topics(_ state: SiteState) -> [(topic: String, payload: [UInt8])] {
        let base = topicPrefix + "/" + site + "/"
        var out: [(topic: String, payload: [UInt8])] = [
            (base + "connectivity", Array((state.connectivityUp ? "up" : "down").utf8)),
            (base + "dns", Array((state.dnsUp ? "up" : "down").utf8)),
        ]
        if let o = state.outageJSON { out.append((base + "outage", Array(o.utf8))) }
        if let s = state.speedtestJSON { out.append((base + "speedtest", Array(s.utf8))) }
        return out
    }

    public func deliver(_ notification: Notification) throws(DeliveryError) -> String {
        let publish = notification.state.map(topics) ?? discovery
        try connection.publish(publish)
        return "\(publish.count) retained topics acknowledged by \(connection.endpoint)"
    }
}
