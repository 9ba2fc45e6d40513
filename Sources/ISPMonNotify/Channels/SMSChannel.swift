/// `kind: sms`: a Twilio-style REST API, a form POST of `To`, `From` and `Body` with basic auth
/// `account:token`, one request per number of `to` (the API takes one `To` per message). Each
/// request's `Idempotency-Key` is the key and the number (`KEY:+15551234567`): one key per
/// message, so that a receiver that drops repeats drops no other number's message.
public struct SMSChannel: NotificationChannel {
    public let name: String
    let url: String
    let caFile: String?
    let account: String
    let token: String
    let from: String
    let to: [String]

    /// The longest body sent (Twilio's limit for one message of concatenated parts).
    static let maxBody = 1600

    public init(name: String, url: String, caFile: String?, account: String, token: String, from: String, to: [String]) {
        self.name = name
        self.url = url
        self.caFile = caFile
        self.account = account
        self.token = token
        self.from = from
        self.to = to
    }

    static func text(_ n: Notification) -> String {
        let whole = n.text.hasPrefix(n.title) ? n.text : n.title + "\n" + n.text
        return whole.count > maxBody ? String(whole.prefix(maxBody - 1)) + "…" : whole
    }

    func request(_ n: Notification, number: String) -> HTTPRequest {
        HTTPRequest(method: "POST", url: url,
                    headers: [ChannelHeaders.idempotency(n.key + ":" + number), "Content-Type: application/x-www-form-urlencoded"],
                    body: FormEncoding.encode([("To", number), ("From", from), ("Body", SMSChannel.text(n))]),
                    basicAuth: HTTPRequest.BasicAuth(user: account, password: token), caFile: caFile)
    }

    /// Every number, in order; the first failure ends the attempt (a retry sends to every number
    /// again, each with its key, so a receiver that keeps keys sends each message once).
    public func deliver(_ notification: Notification) throws(DeliveryError) -> String {
        var answers: [String] = []
        for number in to {
            do {
                answers.append("\(number): " + (try HTTPTransport.send(request(notification, number: number)).requireSuccess().summary))
            } catch {
                throw DeliveryError(code: error.code, detail: "\(number): \(error.detail)")
            }
        }
        return answers.joined(separator: "; ")
    }
}
