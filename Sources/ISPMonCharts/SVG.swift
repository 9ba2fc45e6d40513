/// An SVG document built as text: elements appended in drawing order, every text and
/// attribute value escaped here (a target's name or a note can hold anything), numbers with
/// at most two decimals. Sized by its `viewBox` and drawn at the width of its container,
/// so a chart scales with the page (and with the PDF's column) instead of fixed pixels.
public struct SVG: Sendable {
    public let width: Double
    public let height: Double
    var body: String = ""

    public init(width: Double, height: Double) {
        self.width = width
        self.height = height
    }

    /// The finished document. `label`: what the chart shows, for screen readers (`aria-label`).
    public func document(label: String, className: String = "chart") -> String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(SVG.number(width)) \(SVG.number(height))\""
            + " class=\"\(SVG.escape(className))\" role=\"img\" aria-label=\"\(SVG.escape(label))\""
            + " preserveAspectRatio=\"xMidYMid meet\">" + body + "</svg>"
    }

    /// An element with attributes (values escaped) and optional children (already SVG) or a title.
    public mutating func element(_ name: String, _ attributes: [(String, String)], title: String? = nil, children: String = "") {
        body += "<" + name
        for (k, v) in attributes { body += " \(k)=\"\(SVG.escape(v))\"" }
        let inner = (title.map { "<title>\(SVG.escape($0))</title>" } ?? "") + children
        body += inner.isEmpty ? "/>" : ">" + inner + "</\(name)>"
    }

    public mutating func rect(x: Double, y: Double, width: Double, height: Double, className: String, title: String? = nil) {
        element("rect", [("x", SVG.number(x)), ("y", SVG.number(y)), ("width", SVG.number(max(0, width))),
                         ("height", SVG.number(max(0, height))), ("class", className)], title: title)
    }

    public mutating func line(x1: Double, y1: Double, x2: Double, y2: Double, className: String) {
        element("line", [("x1", SVG.number(x1)), ("y1", SVG.number(y1)), ("x2", SVG.number(x2)), ("y2", SVG.number(y2)),
                         ("class", className)])
    }

    public mutating func text(_ text: String, x: Double, y: Double, className: String, anchor: String = "middle") {
        body += "<text x=\"\(SVG.number(x))\" y=\"\(SVG.number(y))\" class=\"\(SVG.escape(className))\""
            + " text-anchor=\"\(SVG.escape(anchor))\">\(SVG.escape(text))</text>"
    }

    /// A time axis's label under `x`: centred, but kept inside the plot at its ends.
    public mutating func tickLabel(_ text: String, x: Double, y: Double, left: Double, right: Double) {
        let half = Double(text.count) * 3.2
        let anchor = x - half < left - 30 ? "start" : x + half > right + 6 ? "end" : "middle"
        self.text(text, x: anchor == "start" ? max(x, left - 30) : anchor == "end" ? min(x, right + 6) : x, y: y, className: "axis", anchor: anchor)
    }

    /// A polyline through `points`; runs separated by nil (a gap: no data) become separate lines.
    public mutating func polyline(_ points: [(Double, Double)?], className: String) {
        for run in SVG.runs(points) where !run.isEmpty {
            element("polyline", [("points", run.map { "\(SVG.number($0.0)),\(SVG.number($0.1))" }.joined(separator: " ")),
                                 ("class", className), ("fill", "none")])
        }
    }

    /// A band between an upper and a lower edge (a polygon for each run without gaps).
    public mutating func band(_ edges: [(x: Double, low: Double, high: Double)?], className: String) {
        for run in SVG.runs(edges) where !run.isEmpty {
            let upper = run.map { "\(SVG.number($0.x)),\(SVG.number($0.high))" }
            let lower = run.reversed().map { "\(SVG.number($0.x)),\(SVG.number($0.low))" }
            element("polygon", [("points", (upper + lower).joined(separator: " ")), ("class", className)])
        }
    }

    /// Splits at the nils.
    static func runs<T>(_ items: [T?]) -> [[T]] {
        var runs: [[T]] = [[]]
        for item in items {
            if let item { runs[runs.count - 1].append(item) } else if !(runs.last?.isEmpty ?? true) { runs.append([]) }
        }
        return runs
    }

    /// `12`, `12.5`, `12.25`: two decimals at most, no trailing zeros, never `-0`, never NaN.
    public static func number(_ v: Double) -> String {
        guard v.isFinite else { return "0" }
        let r = (v * 100).rounded() / 100
        if r == r.rounded() { return String(Int64(r == 0 ? 0 : r)) }
        var s = String(format2(r))
        while s.hasSuffix("0") { s.removeLast() }
        return s
    }

    static func format2(_ v: Double) -> String {
        let negative = v < 0
        let hundredths = Int64((abs(v) * 100).rounded())
        let whole = hundredths / 100, frac = hundredths % 100
        return (negative ? "-" : "") + "\(whole)." + (frac < 10 ? "0" : "") + "\(frac)"
    }

    /// Text made safe as SVG (XML) content or a quoted attribute; characters XML forbids are dropped.
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for c in text.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\t", "\n", "\r": out.unicodeScalars.append(c)
            default:
                // XML 1.0 allows no other control characters, nor U+FFFE/U+FFFF.
                if c.value < 0x20 || c.value == 0xFFFE || c.value == 0xFFFF { continue }
                out.unicodeScalars.append(c)
            }
        }
        return out
    }
}
