import CCairo
import Foundation
import ISPMonCore

/// A PDF being drawn with cairo: pages of a paper size, text set by pango in the system's fonts
/// (real text, which `pdftotext` reads and a viewer searches), lines and boxes, and SVG drawn by
/// librsvg as vectors. Points (1/72 inch) throughout, from the page's top left. The bytes are
/// kept in memory and given whole by ``finish()``: a report is written whole or not at all.
///
/// Drawn on an image surface instead (``Target/firstPagePNG(scale:)``), the same drawing gives its
/// first page as a PNG: the README's picture of a report, made by the code that makes the PDF.
final class PDFDocument {
    enum Target: Sendable, Equatable {
        case pdf
        /// Page 1 as a PNG, `scale` pixels per point.
        case firstPagePNG(scale: Double)
    }

    enum Paper: Sendable {
        case a4, letter

        /// Width and height in points.
        var size: (Double, Double) {
            switch self {
            case .a4: (595.276, 841.89)
            case .letter: (612, 792)
            }
        }
    }

    /// Where cairo writes the PDF's bytes (its stream callback's closure).
    final class Sink {
        var bytes: [UInt8] = []
    }

    let width: Double
    let height: Double
    let margin: Double = 48
    private let sink = Sink()
    private let target: Target
    /// The PNG of page 1 once it is drawn (``Target/firstPagePNG(scale:)``).
    private var firstPage: [UInt8]?
    private let surface: OpaquePointer
    let cr: OpaquePointer
    /// The drawing position on the current page.
    var y: Double
    var pages = 1

    var contentWidth: Double { width - 2 * margin }
    var bottom: Double { height - margin - 14 }

    /// `date`: the document's creation date in its metadata (µs), so that the same input gives
    /// the same bytes (cairo would write the time of the run).
    init(paper: Paper, title: String, footer: String, date: Int64, target: Target = .pdf) throws {
        (width, height) = paper.size
        y = margin
        self.target = target
        switch target {
        case .pdf:
            surface = cairo_pdf_surface_create_for_stream(Self.write, Unmanaged.passUnretained(sink).toOpaque(), width, height)
            cr = cairo_create(surface)
        case .firstPagePNG(let scale):
            surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, Int32((width * scale).rounded(.up)), Int32((height * scale).rounded(.up)))
            cr = cairo_create(surface)
            cairo_scale(cr, scale, scale)
        }
        self.footer = footer
        if let status = Self.failure(cairo_surface_status(surface)) { throw PDFError("cannot make a PDF: \(status)") }
        guard target == .pdf else {
            paintPaper()
            return
        }
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, title)
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "ispmon")
        let iso = String(Timestamp(microseconds: date).description.prefix(19))  // 2026-03-01T07:00:00
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATE_DATE, iso)
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_MOD_DATE, iso)
    }

    /// Where cairo writes the document's bytes: the ``Sink`` behind `closure`.
    private static let write: cairo_write_func_t = { closure, data, length in
        guard let closure, let data else { return CAIRO_STATUS_WRITE_ERROR }
        Unmanaged<Sink>.fromOpaque(closure).takeUnretainedValue().bytes.append(contentsOf: UnsafeBufferPointer(start: data, count: Int(length)))
        return CAIRO_STATUS_SUCCESS
    }

    /// An image's page starts white (a PDF's page is paper already).
    private func paintPaper() {
        cairo_set_source_rgb(cr, 1, 1, 1)
        cairo_paint(cr)
    }

    /// Keeps the image of page 1 as a PNG; later pages are drawn and dropped.
    private func keepFirstPage() throws {
        guard case .firstPagePNG = target, firstPage == nil else { return }
        cairo_surface_flush(surface)
        let png = Sink()
        let status = cairo_surface_write_to_png_stream(surface, Self.write, Unmanaged.passUnretained(png).toOpaque())
        if let failure = Self.failure(status) { throw PDFError("cannot make the PNG: \(failure)") }
        firstPage = png.bytes
    }

    deinit {
        cairo_destroy(cr)
        cairo_surface_destroy(surface)
    }

    /// Each page's foot: what the document is, and the page's number.
    let footer: String

    static func failure(_ status: cairo_status_t) -> String? {
        status == CAIRO_STATUS_SUCCESS ? nil : String(cString: cairo_status_to_string(status))
    }

    /// The finished PDF (or page 1's PNG).
    func finish() throws -> [UInt8] {
        drawFooter()
        if case .firstPagePNG = target {
            try keepFirstPage()
            return firstPage ?? []
        }
        cairo_show_page(cr)
        cairo_surface_finish(surface)
        if let status = Self.failure(cairo_surface_status(surface)) { throw PDFError("cannot finish the PDF: \(status)") }
        return sink.bytes
    }

    func newPage() {
        drawFooter()
        if case .firstPagePNG = target {
            // Only the drawing's failure to encode could throw; page 1 then stays missing and
            // finish() keeps the last page's instead: a picture either way.
            try? keepFirstPage()
            paintPaper()
        } else {
            cairo_show_page(cr)
        }
        pages += 1
        y = margin
    }

    /// A new page unless `height` points fit below the current position.
    func keep(_ height: Double) {
        if y + height > bottom { newPage() }
    }

    private func drawFooter() {
        let layout = self.layout(footer + " · page \(pages)", font: Font.small, width: contentWidth)
        defer { g_object_unref(UnsafeMutableRawPointer(layout)) }
        cairo_set_source_rgb(cr, 0.36, 0.39, 0.44)
        cairo_move_to(cr, margin, height - margin + 4)
        pango_cairo_show_layout(cr, layout)
    }

    // MARK: Text

    enum Font {
        static let title = "DejaVu Sans Bold 17"
        static let heading = "DejaVu Sans Bold 12.5"
        static let body = "DejaVu Sans 9.5"
        static let bold = "DejaVu Sans Bold 9.5"
        static let small = "DejaVu Sans 7.5"
        /// A table's header.
        static let smallBold = "DejaVu Sans Bold 7.5"
        static let mono = "DejaVu Sans Mono 8"
        static let id = "DejaVu Sans Mono 6.8"
    }

    /// A pango layout of plain `text` (no markup: what the log holds is shown as it is),
    /// wrapped at `width` points (words, else characters). Unref it after use.
    func layout(_ text: String, font: String, width: Double) -> OpaquePointer {
        let layout = pango_cairo_create_layout(cr)!
        // Points are the PDF's units: a 9.5 pt font is 9.5 units high (pango's default is 96 dpi).
        pango_cairo_context_set_resolution(pango_layout_get_context(layout), 72)
        pango_layout_context_changed(layout)
        let description = pango_font_description_from_string(font)
        pango_layout_set_font_description(layout, description)
        pango_font_description_free(description)
        pango_layout_set_width(layout, Int32(width * Double(PANGO_SCALE)))
        pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR)
        pango_layout_set_text(layout, text, -1)
        return layout
    }

    /// The height in points of `text` set at `width`.
    func measure(_ text: String, font: String, width: Double) -> Double {
        let l = layout(text, font: font, width: width)
        defer { g_object_unref(UnsafeMutableRawPointer(l)) }
        var w: Int32 = 0, h: Int32 = 0
        pango_layout_get_pixel_size(l, &w, &h)
        return Double(h)
    }

    /// Draws `text` at (x, y) within `width`; returns its height.
    @discardableResult
    func text(_ text: String, at x: Double, _ y: Double, width: Double, font: String = Font.body,
              color: (Double, Double, Double) = (0.11, 0.14, 0.19)) -> Double {
        let l = layout(text, font: font, width: width)
        defer { g_object_unref(UnsafeMutableRawPointer(l)) }
        var w: Int32 = 0, h: Int32 = 0
        pango_layout_get_pixel_size(l, &w, &h)
        cairo_set_source_rgb(cr, color.0, color.1, color.2)
        cairo_move_to(cr, x, y)
        pango_cairo_show_layout(cr, l)
        return Double(h)
    }

    /// A paragraph at the current position, across the page; a new page first when it does not fit.
    func paragraph(_ text: String, font: String = Font.body, after: Double = 4) {
        let h = measure(text, font: font, width: contentWidth)
        keep(h)
        self.text(text, at: margin, y, width: contentWidth, font: font)
        y += h + after
    }

    /// A section's heading, kept with at least `with` points of what follows.
    func heading(_ text: String, with: Double = 60) {
        keep(30 + with)
        y += 8
        paragraph(text, font: Font.heading, after: 6)
    }

    func rule() {
        cairo_set_source_rgb(cr, 0.84, 0.85, 0.87)
        cairo_set_line_width(cr, 0.6)
        cairo_move_to(cr, margin, y)
        cairo_line_to(cr, width - margin, y)
        cairo_stroke(cr)
    }

    // MARK: Pictures

    /// Draws an SVG document scaled into the box (x, y, width, height), keeping its aspect.
    func svg(_ document: String, at x: Double, _ y: Double, width: Double, height: Double) throws {
        var error: UnsafeMutablePointer<GError>?
        let bytes = Array(document.utf8)
        guard let handle = bytes.withUnsafeBufferPointer({ rsvg_handle_new_from_data($0.baseAddress, $0.count, &error) }) else {
            defer { if let error { g_error_free(error) } }
            throw PDFError("a chart's SVG does not parse: " + (error.map { String(cString: $0.pointee.message) } ?? "unknown"))
        }
        defer { g_object_unref(UnsafeMutableRawPointer(handle)) }
        var viewport = RsvgRectangle(x: x, y: y, width: width, height: height)
        guard rsvg_handle_render_document(handle, cr, &viewport, &error) != 0 else {
            defer { if let error { g_error_free(error) } }
            throw PDFError("a chart cannot be drawn: " + (error.map { String(cString: $0.pointee.message) } ?? "unknown"))
        }
    }
}

/// The PDF could not be made (cairo or librsvg said why).
struct PDFError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
