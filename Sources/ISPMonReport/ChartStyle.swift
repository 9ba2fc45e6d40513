import Foundation
import ISPMonCharts

/// The charts' colours on paper: `Resources/print.css` put into each chart's SVG, which librsvg
/// styles by (the web UI's stylesheet is the page's, not the SVG's).
enum ChartStyle {
    static let css = String(decoding: PackageResources.print_css, as: UTF8.self)

    /// `svg` with the print stylesheet as its first child.
    static func styled(_ svg: String) -> String {
        guard let end = svg.firstIndex(of: ">") else { return svg }
        return String(svg[...end]) + "<style>" + css + "</style>" + String(svg[svg.index(after: end)...])
    }

    /// Height ÷ width of an SVG document, from its `viewBox` (a chart whose height follows its content).
    static func aspect(_ svg: String) -> Double {
        guard let range = svg.range(of: "viewBox=\""), let close = svg[range.upperBound...].firstIndex(of: "\"") else { return 0.3 }
        let numbers = svg[range.upperBound..<close].split(separator: " ").compactMap { Double($0) }
        guard numbers.count == 4, numbers[2] > 0 else { return 0.3 }
        return numbers[3] / numbers[2]
    }
}
