import Foundation
public import ISPMonCore
public import ISPMonQuery
import ZIPFoundation

/// `ispmon evidence OUTAGE_ID` (docs/reports.md): one zip to mail as it is, holding `outage.pdf`,
/// `events.ndjson` (the window's events, as `ispmon export` prints them), `SHA256SUMS` of both
/// (`sha256sum -c SHA256SUMS` checks them) and `README.txt`, which says what they are and how to
/// check them. Made in memory: it is written whole or not at all.
public enum EvidenceZip {
    public static func make(_ e: EvidenceAnswer, site: String, zone: CalendarPeriods.Zone, paper: ReportPDF.Paper,
                            version: String = ISPMonVersion.current) throws -> [UInt8] {
        let o = e.detail.outage
        let pdf = try EvidencePDF.make(e, site: site, zone: zone, paper: paper)
        let sums = "\(try SHA256Hex.of(pdf))  outage.pdf\n\(try SHA256Hex.of(e.ndjson))  events.ndjson\n"
        let readme = """
            Evidence of an internet outage, from ispmon \(version) at \(site).

            Outage \(o.id): \(o.kind == .connectivity ? "internet (connectivity)" : "DNS"), from \(Timestamp(microseconds: o.start))\
            \(o.end.map { " to \(Timestamp(microseconds: $0))" } ?? ", under way when this was made") (UTC), \
            \(NumberText.duration(o.duration)); cause: \(o.cause.inWords).

            outage.pdf     the outage: its times, cause, culprits and explanation, its timeline, and every event of its
                           window (10 minutes either side), runs of the same result folded into one row. Times in \(zone).
            events.ndjson  exactly the events of that window (\(e.eventCount)), one JSON object a line, as this command prints
                           them on the machine that keeps the log:
                               \(e.exportCommand)
            SHA256SUMS     the SHA-256 of both files.

            To check that nothing was changed: sha256sum -c SHA256SUMS
            To check that events.ndjson is the log's: run the command above there and compare (cmp, or sha256sum).

            """
        let archive = try Archive(data: Data(), accessMode: .create)
        // One time for every entry (the outage's start): the same outage gives the same zip.
        let date = Date(timeIntervalSince1970: Double(o.start / 1_000_000))
        for (name, bytes) in [("README.txt", Array(readme.utf8)), ("outage.pdf", pdf), ("events.ndjson", e.ndjson), ("SHA256SUMS", Array(sums.utf8))] {
            let data = Data(bytes)
            try archive.addEntry(with: name, type: .file, uncompressedSize: Int64(data.count), modificationDate: date,
                                 permissions: 0o644, compressionMethod: .deflate) { position, size in
                data.subdata(in: Int(position)..<Int(position) + size)
            }
        }
        guard let data = archive.data else { throw PDFError("the zip was not made in memory") }
        return Array(data)
    }
}
