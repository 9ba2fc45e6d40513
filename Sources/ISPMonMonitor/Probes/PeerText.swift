/// Text that a network peer sent (a DNS name, an HTTP status line), made fit for the detail of
/// a probe event: events.md wants free text without control characters, and `ispmon import`
/// rejects a line whose detail has any, so an export would not import again. Each control
/// character becomes `\xNN`, and the text is cut at `maxBytes` (on a character boundary).
enum PeerText {
    static func quoted(_ text: String, maxBytes: Int) -> String {
        var out = ""
        var bytes = 0
        for scalar in text.unicodeScalars {
            let piece: String
            if scalar.value < 0x20 || scalar.value == 0x7F {
                let hex = String(scalar.value, radix: 16, uppercase: true)
                piece = "\\x" + (hex.count < 2 ? "0" + hex : hex)
            } else {
                piece = String(scalar)
            }
            bytes += piece.utf8.count
            guard bytes <= maxBytes else { break }
            out += piece
        }
        return out
    }
}
