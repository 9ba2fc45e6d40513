public import ISPMonCore
public import ISPMonStore
import Synchronization

/// The questions people ask of a store, answered from its stored views: one
/// object for every front end (the CLI, the web server), so that they answer
/// with the same numbers and, through ``JSONForms``, the same bytes.
///
/// Each answer is computed from one consistent snapshot of the views. Where the
/// stored views are not current and cannot be made so here (a store this process
/// may only read, written by an ispmon that defines a view differently), the
/// answer comes from a replay of the log in memory instead: correct, slower, and
/// said once through `notice` rather than silently on every request. The replay is
/// kept while the log does not grow.
public final class Queries: Sendable {
    /// Front ends ask questions; only the query layer reads the store and its raw views.
    let store: EventStore
    let notice: @Sendable (String) -> Void
    /// The stale views already reported (by name), so each is said once.
    let reported = Mutex<Set<String>>([])
    /// The last replay, by the sequence number it reflects.
    let replayed = Mutex<Projection?>(nil)
    /// What the live feeds of this object share (started only when one is used).
    let live: LiveShared
    /// The answers asked most often, kept until the store's next commit.
    public let answers: AnswerCache

    /// `notice` receives, once per cause, what is done when the stored views are not current.
    public init(store: EventStore, notice: @escaping @Sendable (String) -> Void = { _ in }) {
        self.store = store
        self.notice = notice
        live = LiveShared(store: store)
        answers = AnswerCache(store: store)
    }

    /// Which views an answer needs: the outages view always comes along (it names the targets).
    public typealias View = EventStore.View

    /// The views `which` as they are now, or with `asOf`, as they were at that time (a
    /// replay of every event at or before it, in log order, in memory). `hoursOf`
    /// limits the latency view to one target.
    /// `hours` limits it to the hours that start in that range.
    func views(_ which: Set<View> = [], hoursOf target: String? = nil, hours: ClosedRange<Int64>? = nil,
                      asOf: Timestamp? = nil) throws -> Projection {
        if let asOf { return try store.project(asOf: asOf) }
        if let stored = try store.loadViews(which, hoursOf: target, hours: hours) { return stored }
        let stale = try store.viewStatus().filter { $0.problem != nil && (which.contains($0.view) || $0.view == .outages) }
        for view in stale where reported.withLock({ $0.insert(view.view.rawValue).inserted }) {
            notice("the \(view.view.rawValue) view is not current (\(view.problem ?? "")): answering from a replay of the log in memory")
        }
        let last = try store.lastSeq()
        if let p = replayed.withLock({ $0 }), p.lastSeq == last { return p }
        let p = try store.project(through: last)
        replayed.withLock { $0 = p }
        return p
    }

    /// The store's directory: where a front end finds the monitor's control socket and the web's
    /// sign-in files, which live beside the log.
    public var directory: String { store.directory }

    /// The sequence number of the log's last commit (0: an empty log).
    public func lastSeq() throws -> UInt64 { try store.lastSeq() }

    /// Whether a monitor process holds the store now (its lock), whatever the log says.
    public var monitorRunning: Bool { MonitorLock.holder(directory: store.directory) != nil }
}
