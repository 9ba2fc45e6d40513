import Foundation
@testable import ISPMonServer
import Testing

/// The pages' templates, stylesheet, script and icon are files (Sources/ISPMonServer/Pages/
/// Templates and Static), carried in the binary as they are: each template registered by its
/// file's name, none left out, none without a file.
@Suite struct PageFilesTests {
    static let pages = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Sources/ISPMonServer/Pages")

    @Test func everyTemplateFileIsRegisteredByItsNameAsItIs() throws {
        let dir = Self.pages.appendingPathComponent("Templates")
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
        #expect(files.allSatisfy { $0.hasSuffix(".mustache") }, "\(files)")
        let names = files.map { String($0.dropLast(".mustache".count)) }
        #expect(names == PageTemplates.all.keys.sorted())
        for (file, name) in zip(files, names) {
            let text = try String(contentsOf: dir.appendingPathComponent(file), encoding: .utf8)
            #expect(PageTemplates.all[name] == text, "\(file) as the binary carries it")
        }
    }

    @Test func theStaticFilesAreCarriedAsTheyAre() throws {
        let dir = Self.pages.appendingPathComponent("Static")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == ["app.css", "app.js", "favicon.svg"])
        for (file, bytes) in [("app.css", PackageResources.app_css), ("app.js", PackageResources.app_js), ("favicon.svg", PackageResources.favicon_svg)] {
            #expect(Array(try Data(contentsOf: dir.appendingPathComponent(file))) == bytes, "\(file)")
        }
    }
}
