/// `kind: email`: the notification as a text email over SMTP with TLS or STARTTLS and AUTH, the
/// report PDFs the notifier attached as attachments; `Message-ID` carries the key.
public struct EmailChannel: NotificationChannel {
    public let name: String
    let server: SMTPServer
    let from: String
    let to: [String]

    public init(name: String, server: SMTPServer, from: String, to: [String]) {
        self.name = name
        self.server = server
        self.from = from
        self.to = to
    }

    func message(_ n: Notification) -> MailMessage {
        var text = n.text
        if let link = n.link { text += "\n\n" + link }
        return MailMessage(from: from, to: to, subject: n.title, date: n.time,
                           messageID: MailMessage.messageID(key: n.key, site: n.site), text: text + "\n",
                           attachments: n.attachments)
    }

    public func deliver(_ notification: Notification) throws(DeliveryError) -> String {
        try SMTPTransport.send(message(notification), via: server)
    }
}
