/// The monitor's scheduled jobs (events.md, the `job` event's `job`): what `ispmon job`, the
/// config's `jobs:` and the settings page name.
public enum JobName: String, Sendable, CaseIterable {
    case probes, speedtest, trace
}
