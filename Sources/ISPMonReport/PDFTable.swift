/// A table drawn across pages: a header row in small bold, repeated at the top of each page the
/// table continues on, rows of small text that wrap within their columns, a rule under each.
struct PDFTable {
    struct Column {
        var title: String
        /// A share of the page's content width.
        var share: Double
        /// The font of this column's cells (the id column's monospace); nil: the table's.
        var font: String?
    }

    var columns: [Column]
    /// Points of padding above and below a row's text.
    var padding: Double = 2

    func draw(_ rows: [[String]], in doc: PDFDocument) {
        let widths = columns.map { $0.share * doc.contentWidth }
        func row(_ cells: [String], header: Bool) {
            let fonts = columns.map { header ? PDFDocument.Font.smallBold : $0.font ?? PDFDocument.Font.small }
            let h = (zip(zip(cells, widths), fonts).map { doc.measure($0.0, font: $1, width: $0.1 - 4) }.max() ?? 0) + 2 * padding
            if doc.y + h > doc.bottom {
                doc.newPage()
                if !header { row(columns.map(\.title), header: true) }
            }
            var x = doc.margin
            for ((cell, width), font) in zip(zip(cells, widths), fonts) {
                doc.text(cell, at: x, doc.y + padding, width: width - 4, font: font)
                x += width
            }
            doc.y += h
            doc.rule()
        }
        row(columns.map(\.title), header: true)
        for cells in rows { row(cells, header: false) }
    }
}
