/// One cell of a CSV row as ispmon writes it: a number it formatted itself, or text, which may
/// have come from foreign bytes (an HTTP reason phrase, a DNS answer, a note) and is defused
/// before it is written.
struct CSVCell: Sendable, Equatable {
    /// The characters a spreadsheet reads, at the start of a cell, as the start of a formula
    /// (OWASP's list "CSV Injection", with the full-width forms some spreadsheets also accept).
    static let formulaStarts: Set<Character> = ["=", "+", "-", "@", "\t", "\r", "\u{FF1D}", "\u{FF0B}", "\u{FF0D}", "\u{FF20}"]

    /// What goes between the commas, before RFC 4180's quoting.
    let content: String

    /// Text: a cell that would start a formula gets a leading `'` (OWASP's advice), which a
    /// spreadsheet shows as text and a program can strip; other text is written as it is.
    static func text(_ s: String) -> CSVCell {
        CSVCell(content: s.first.map { formulaStarts.contains($0) } == true ? "'" + s : s)
    }

    /// A number (or an empty cell for none), written as it is: `-3.5` stays a number.
    static func number(_ s: String) -> CSVCell { CSVCell(content: s) }
}
