public import ISPMonCore
import ISPMonStore

extension Queries {
    /// Appends a `note` event to the outage `outage` (history is never rewritten) and
    /// returns it with its sequence number. The text must be 1 to 4096 bytes of plain
    /// text (a tab is the only control character allowed: a line break would break
    /// the tables); the outage must exist now.
    public func addNote(outage: String, text: String, at time: Timestamp) throws -> LoggedEvent {
        guard !text.isEmpty, text.utf8.count <= EventJSON.maxNoteBytes else {
            throw QueryError(.invalid(parameter: "text", reason: "must be 1 to \(EventJSON.maxNoteBytes) bytes"))
        }
        guard EventJSON.isPlainText(text) else {
            throw QueryError(.invalid(parameter: "text", reason: "has control characters (a tab is the only one allowed)"))
        }
        guard try outages().contains(where: { $0.id == outage }) else { throw QueryError(.notFound("outage \(outage)")) }
        let event = Event(time: time, body: .note(Note(outage: outage, text: text)))
        let range = try store.append([event])
        return LoggedEvent(seq: range.lowerBound, event: event)
    }
}
