import CCurl

/// Where an email channel hands its messages: `smtps://host[:port]` (TLS from the start) or
/// `smtp://host[:port]` (STARTTLS, required unless the host is loopback), and the AUTH login.
public struct SMTPServer: Sendable, Equatable {
    public var url: String
    public var username: String?
    public var password: String?
    public var caFile: String?
    /// libcurl's CURLOPT_RESOLVE entries (`host:port:address`): lets a test give a name that is not
    /// loopback to a server on loopback.
    var resolve: [String] = []

    public init(url: String, username: String? = nil, password: String? = nil, caFile: String? = nil) {
        self.url = url
        self.username = username
        self.password = password
        self.caFile = caFile
    }

    /// Plain `smtp://` to a host other than loopback must upgrade with STARTTLS or fail: a
    /// password is never sent in the clear over a network.
    var requiresSTARTTLS: Bool {
        guard let address = ReceiverAddress(url), address.scheme == "smtp" else { return false }
        return !LoopbackHost.contains(address.host)
    }
}

/// Sends one email with libcurl: the envelope (MAIL FROM, RCPT TO), the headers, and a MIME
/// body made with curl_mime (the text, then each attachment in base64). One blocking attempt of
/// at most 10 s.
public enum SMTPTransport {
    public static func send(_ message: MailMessage, via server: SMTPServer, timeoutMilliseconds: Int = 10_000) throws(DeliveryError) -> String {
        // For SMTP, libcurl's connect phase includes the greeting, STARTTLS and AUTH: the whole limit.
        guard let curl = CurlHandle(totalTimeoutMilliseconds: timeoutMilliseconds, connectTimeoutMilliseconds: timeoutMilliseconds),
              let mime = curl.makeMime() else {
            throw DeliveryError(code: "internal", detail: "libcurl could not make a message")
        }
        curl.set(CURLOPT_URL, server.url)
        curl.set(CURLOPT_PROTOCOLS_STR, "smtp,smtps")
        if server.requiresSTARTTLS {
            curl.set(CURLOPT_USE_SSL, Int(CURLUSESSL_ALL.rawValue))
        } else if server.url.lowercased().hasPrefix("smtp://") {
            // Loopback: STARTTLS when the server offers it.
            curl.set(CURLOPT_USE_SSL, Int(CURLUSESSL_TRY.rawValue))
        }
        if let caFile = server.caFile { curl.set(CURLOPT_CAINFO, caFile) }
        if let user = server.username { curl.set(CURLOPT_USERNAME, user) }
        if let password = server.password { curl.set(CURLOPT_PASSWORD, password) }
        if !server.resolve.isEmpty { curl.set(CURLOPT_RESOLVE, list: server.resolve) }
        curl.set(CURLOPT_MAIL_FROM, "<\(MailMessage.clean(message.from))>")
        curl.set(CURLOPT_MAIL_RCPT, list: message.to.map { "<\(MailMessage.clean($0))>" })
        curl.set(CURLOPT_HTTPHEADER, list: message.headers)

        let text = Array(message.text.utf8)
        guard add(to: mime, bytes: text, type: "text/plain; charset=utf-8", encoder: "quoted-printable", filename: nil) else {
            throw DeliveryError(code: "internal", detail: "libcurl could not make a message")
        }
        for a in message.attachments {
            guard add(to: mime, bytes: a.bytes, type: a.contentType, encoder: "base64", filename: a.filename) else {
                throw DeliveryError(code: "internal", detail: "libcurl could not attach \(a.filename)")
            }
        }
        _ = ispmon_curl_setopt_mime(curl.handle, mime)

        let (code, words) = curl.perform()
        let reply = curl.info(CURLINFO_RESPONSE_CODE)
        guard code == CURLE_OK else {
            let detail = reply > 0 && !words.contains(String(reply)) ? "\(words) (server's last reply \(reply))" : words
            throw CurlFailure.error(code, words: detail, osErrno: curl.info(CURLINFO_OS_ERRNO), smtp: true)
        }
        let recipients = message.to.count == 1 ? "1 recipient" : "\(message.to.count) recipients"
        return "SMTP \(reply) accepted for \(recipients)"
    }

    private static func add(to mime: OpaquePointer, bytes: [UInt8], type: String, encoder: String, filename: String?) -> Bool {
        guard let part = curl_mime_addpart(mime) else { return false }
        // libcurl copies the data (curl_mime_data(3)); an empty part still needs a valid pointer.
        let data = bytes.isEmpty ? [0] : bytes.map { CChar(bitPattern: $0) }
        let copied = data.withUnsafeBufferPointer { c in curl_mime_data(part, c.baseAddress, bytes.count) }
        guard copied == CURLE_OK, curl_mime_type(part, type) == CURLE_OK, curl_mime_encoder(part, encoder) == CURLE_OK else {
            return false
        }
        if let filename { return curl_mime_filename(part, filename) == CURLE_OK }
        return true
    }
}
