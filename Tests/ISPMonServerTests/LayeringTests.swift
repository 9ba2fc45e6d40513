import Foundation
import Testing

/// The layers of docs/architecture: the server is a front end, so it asks the query layer and
/// reads neither the store nor the monitor. Checked on the sources, as a reader would: an import
/// that crept in fails here, whatever the build graph lets through transitively.
@Suite struct LayeringTests {
    static let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Sources")

    func imports(of target: String) throws -> [String: Set<String>] {
        let root = Self.sources.appendingPathComponent(target)
        var found: [String: Set<String>] = [:]
        let files = FileManager.default.enumerator(atPath: root.path)?.compactMap { $0 as? String }.filter { $0.hasSuffix(".swift") } ?? []
        #expect(!files.isEmpty, "the sources of \(target) are at \(root.path)")
        for file in files {
            let text = try String(contentsOf: root.appendingPathComponent(file), encoding: .utf8)
            for line in text.split(separator: "\n") {
                let words = line.split(separator: " ")
                guard let i = words.firstIndex(of: "import"), words[..<i].allSatisfy({ ["public", "package", "internal", "@testable", "@preconcurrency"].contains($0) }),
                      i + 1 < words.count else { continue }
                found[String(words[i + 1]), default: []].insert(file)
            }
        }
        return found
    }

    @Test func theServerImportsNeitherTheStoreNorTheMonitor() throws {
        let imports = try imports(of: "ISPMonServer")
        #expect(imports["ISPMonQuery"] != nil, "the check reads imports at all")
        for module in ["ISPMonStore", "ISPMonMonitor", "LMDB", "CLMDB"] {
            #expect(imports[module] == nil, "\(module) imported by \(imports[module]?.sorted() ?? [])")
        }
    }

    @Test func theReportsAndChartsImportNeitherTheStoreNorTheMonitor() throws {
        for target in ["ISPMonReport", "ISPMonCharts"] {
            let imports = try imports(of: target)
            for module in ["ISPMonStore", "ISPMonMonitor", "ISPMonServer", "LMDB", "CLMDB"] {
                #expect(imports[module] == nil, "\(target) imports \(module) in \(imports[module]?.sorted() ?? [])")
            }
        }
        #expect(try imports(of: "ISPMonReport")["ISPMonQuery"] != nil, "the check reads imports at all")
    }

    /// The notifier follows the log as a durable reader (the store's follower and cursors, the seam
    /// the restructuring made for it and the shipper) and asks the query layer for every answer;
    /// it never reaches the monitor, the server or LMDB itself.
    @Test func theNotifierImportsNeitherTheMonitorNorTheServerNorLMDB() throws {
        let imports = try imports(of: "ISPMonNotify")
        #expect(imports["ISPMonQuery"] != nil, "the check reads imports at all")
        for module in ["ISPMonMonitor", "ISPMonServer", "LMDB", "CLMDB", "Hummingbird"] {
            #expect(imports[module] == nil, "ISPMonNotify imports \(module) in \(imports[module]?.sorted() ?? [])")
        }
    }

    @Test func theQueryLayerAndTheConfigImportNoFrontEndAndNoMonitor() throws {
        for target in ["ISPMonQuery", "ISPMonConfig", "ISPMonControl", "ISPMonCore", "ISPMonStore"] {
            let imports = try imports(of: target)
            for module in ["ISPMonServer", "ISPMonMonitor", "ISPMonReport", "ISPMonNotify", "Hummingbird"] {
                #expect(imports[module] == nil, "\(target) imports \(module) in \(imports[module]?.sorted() ?? [])")
            }
        }
    }
}
