import ISPMonStore

/// What the live feeds of one ``Queries`` share, so that 64 clients cost about what one
/// does: one watcher of another process's commits (see ``LogWatch``). The status they
/// give is the one ``Queries/status(asOf:)`` keeps until the next commit, so every client
/// woken by a commit gets the one computed for the first.
final class LiveShared: Sendable {
    let watch: LogWatch

    init(store: EventStore) { watch = LogWatch(store: store) }
}
