import Foundation
public import ISPMonCore

/// An email as the SMTP transport sends it: the envelope, the headers a reader sees, a text body
/// and attachments.
public struct MailMessage: Sendable, Equatable {
    public var from: String
    public var to: [String]
    public var subject: String
    public var date: Timestamp
    /// Without the angle brackets: `c-20260301T120005Z.outage@home.ispmon`.
    public var messageID: String
    public var text: String
    public var attachments: [Notification.Attachment]

    public init(from: String, to: [String], subject: String, date: Timestamp, messageID: String, text: String,
                attachments: [Notification.Attachment] = []) {
        self.from = from
        self.to = to
        self.subject = subject
        self.date = date
        self.messageID = messageID
        self.text = text
        self.attachments = attachments
    }

    /// The Message-ID of a notification: its key made a dot-atom (`/` and `:` are not all
    /// allowed there), at the site: `c-20260301T120005Z.outage@home.ispmon`. A repeat of a
    /// notification carries the same one, so that a mail client can tell.
    public static func messageID(key: String, site: String) -> String {
        func atom(_ s: String) -> String {
            String(s.unicodeScalars.map { c -> Character in
                c.isASCII && (c.properties.isAlphabetic || ("0"..."9").contains(c) || c == "." || c == "-" || c == "_")
                    ? Character(c) : (c == "/" ? "." : "-")
            })
        }
        return atom(key) + "@" + atom(site) + ".ispmon"
    }

    /// The headers libcurl writes before the MIME body. A header value with other than printable
    /// ASCII is an RFC 2047 encoded word; line breaks in a value are removed (no header injection).
    var headers: [String] {
        [
            "Date: " + MailMessage.rfc5322Date(date),
            "From: " + MailMessage.clean(from),
            "To: " + to.map(MailMessage.clean).joined(separator: ", "),
            "Subject: " + MailMessage.encodedWord(subject),
            "Message-ID: <" + MailMessage.clean(messageID) + ">",
        ]
    }

    static func clean(_ value: String) -> String {
        String(value.unicodeScalars.filter { $0 != "\r" && $0 != "\n" }.map(Character.init))
    }

    static func encodedWord(_ value: String) -> String {
        let v = clean(value)
        guard v.unicodeScalars.contains(where: { !$0.isASCII || $0.value < 0x20 }) else { return v }
        return "=?UTF-8?B?" + Data(v.utf8).base64EncodedString() + "?="
    }

    /// `Mon, 07 Dec 2026 07:40:19 +0000`, in English whatever the locale.
    static func rfc5322Date(_ t: Timestamp) -> String {
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        var seconds = time_t(t.microseconds / 1_000_000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(days[Int(parts.tm_wday) % 7]), \(two(parts.tm_mday)) \(months[Int(parts.tm_mon) % 12]) \(parts.tm_year + 1900) "
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) +0000"
    }
}
