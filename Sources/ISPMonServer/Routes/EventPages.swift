import Hummingbird
import ISPMonCore
import ISPMonQuery
import NIOCore
import NIOPosix

/// The answer of `GET /api/v1/events` (NDJSON or CSV), read and written a page at a time: up to
/// 10 000 events are a few megabytes, which a client that reads slowly, or not at all, would
/// otherwise hold in memory whole until it read them (100 such clients took the server from 44
/// to 390 MB). Each page is read and put in its form on the store's threads, then written,
/// and the next is read only once the connection has taken it (Hummingbird's writer waits while
/// the connection is not writable): a connection holds one page, whatever it asked for.
///
/// The pages follow each other by sequence number (after the last one written, in the query's
/// order), so together they are the events the whole query selects. An answer of one page
/// (the usual 100 events) is written at once, with its length.
struct EventPages {
    /// Events a page, about 32 kB of NDJSON (as much as a connection holds unsent, SendBufferCap).
    static let pageSize = 128

    enum Form { case ndjson, csv }

    let queries: Queries
    let pool: NIOThreadPool

    /// One page: its bytes, how many events it holds and the last one's sequence number.
    struct Page: Sendable {
        var bytes: ByteBuffer
        var count: Int
        var lastSeq: UInt64?
    }

    func response(_ q: EventQuery, _ form: Form, headers: HTTPFields) async throws -> Response {
        let first = try await page(q, form, isFirst: true)
        let left = q.limit - first.count
        guard let cursor = first.lastSeq, first.count == min(q.limit, EventPages.pageSize), left > 0 else {
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: first.bytes))
        }
        return Response(status: .ok, headers: headers, body: .init { writer in
            try await writer.write(first.bytes)
            var rest = q
            rest.limit = left
            var next = cursor
            while rest.limit > 0 {
                rest.move(after: next)
                let piece = try await page(rest, form, isFirst: false)
                if piece.count > 0 { try await writer.write(piece.bytes) }
                guard let last = piece.lastSeq, piece.count == min(rest.limit, EventPages.pageSize) else { break }
                rest.limit -= piece.count
                next = last
            }
            try await writer.finish(nil)
        })
    }

    /// The first `pageSize` events of `q` in `form` (the CSV's header line with the first).
    func page(_ q: EventQuery, _ form: Form, isFirst: Bool) async throws -> Page {
        var q = q
        q.limit = min(q.limit, EventPages.pageSize)
        return try await pool.runIfActive { [queries, q] in
            let events = try queries.events(q)
            let bytes = switch form {
            case .ndjson: ByteBuffer(bytes: JSONForms.ndjson(events))
            case .csv: ByteBuffer(string: CSVForms.events(events, withHeader: isFirst))
            }
            return Page(bytes: bytes, count: events.count, lastSeq: events.last?.seq)
        }
    }
}

extension EventQuery {
    /// The rest of the query after the event `seq`, in its order.
    mutating func move(after seq: UInt64) {
        switch order {
        case .desc: beforeSeq = seq
        case .asc: afterSeq = seq
        }
    }
}
