#if canImport(Glibc)
import Glibc
#endif
public import ISPMonConfig
public import Logging

/// Makes the configured channels (`notify:`): reads their secrets from their files now, once,
/// and, for mqtt, starts the connection to the broker.
public enum ChannelFactory {
    public typealias Settings = MonitorConfig.NotifyChannel

    /// All of them, or the first that cannot be made as an error naming it and its file.
    public static func make(_ channels: [Settings], site: String, logger: Logger) throws(ChannelSetupError) -> [any NotificationChannel] {
        var out: [any NotificationChannel] = []
        for c in channels { out.append(try make(c, site: site, logger: logger)) }
        return out
    }

    /// `clientIDSuffix`: added to an mqtt channel's client id, for a second connection beside the
    /// notifier's (a test): a broker drops the older of two connections with one id.
    public static func make(_ c: Settings, site: String, logger: Logger, clientIDSuffix: String = "") throws(ChannelSetupError) -> any NotificationChannel {
        func required(_ value: String?, _ key: String) throws(ChannelSetupError) -> String {
            guard let value, !value.isEmpty else {
                throw ChannelSetupError(channel: c.name, message: "kind \(c.kind.rawValue) needs \(key)", code: "config")
            }
            return value
        }
        switch c.kind {
        case .ntfy:
            return NtfyChannel(name: c.name, url: try required(c.url, "url"), caFile: c.caFile)
        case .webhook:
            let secret = try c.secretFile.map { f throws(ChannelSetupError) in try SecretFile.read(f, key: "secret_file", channel: c.name) }
            return WebhookChannel(name: c.name, url: try required(c.url, "url"), caFile: c.caFile, secret: secret)
        case .email:
            let password = try c.passwordFile.map { f throws(ChannelSetupError) in try SecretFile.text(f, key: "password_file", channel: c.name) }
            let server = SMTPServer(url: try required(c.smtp, "smtp"), username: c.username, password: password, caFile: c.caFile)
            guard !c.to.isEmpty else { throw ChannelSetupError(channel: c.name, message: "kind email needs to", code: "config") }
            return EmailChannel(name: c.name, server: server, from: try required(c.from, "from"), to: c.to)
        case .sms:
            let token = try SecretFile.text(try required(c.tokenFile, "token_file"), key: "token_file", channel: c.name)
            guard !c.to.isEmpty else { throw ChannelSetupError(channel: c.name, message: "kind sms needs to", code: "config") }
            return SMSChannel(name: c.name, url: try required(c.url, "url"), caFile: c.caFile, account: try required(c.account, "account"),
                              token: token, from: try required(c.from, "from"), to: c.to)
        case .apprise:
            return AppriseChannel(name: c.name, url: try required(c.url, "url"), caFile: c.caFile, tag: c.tag)
        case .mqtt:
            let url = try required(c.url, "url")
            guard let address = ReceiverAddress(url), address.scheme == "mqtt" || address.scheme == "mqtts" else {
                throw ChannelSetupError(channel: c.name, message: "url '\(url)' is not mqtt:// or mqtts://", code: "config")
            }
            let password = try c.passwordFile.map { f throws(ChannelSetupError) in try SecretFile.text(f, key: "password_file", channel: c.name) }
            let tls = address.scheme == "mqtts"
            let settings = MQTTConnection.Settings(host: address.host, port: address.port ?? (tls ? 8883 : 1883), tls: tls,
                                                   caFile: c.caFile, username: c.username, password: password,
                                                   clientID: "ispmon-\(site)-\(c.name)-\(getpid())" + clientIDSuffix)
            let connection: MQTTConnection
            do { connection = try MQTTConnection(settings, logger: logger) } catch {
                throw ChannelSetupError(channel: c.name, message: error.description, code: error.code)
            }
            return MQTTChannel(name: c.name, site: site, topicPrefix: c.topicPrefix, discoveryPrefix: c.discoveryPrefix, connection: connection)
        }
    }
}
