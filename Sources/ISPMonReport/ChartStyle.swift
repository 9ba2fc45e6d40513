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
}
