/// The pages' Mustache templates (docs/web.md): the files in `Templates/`, carried in the binary
/// (Package.swift embeds them: ispmon installs as one file and reads nothing from disk), parsed
/// once at start. `{{x}}` escapes for HTML (what comes from the store: a target's name, a note,
/// an error's detail); `{{{x}}}` is only for HTML ispmon made itself (a chart's SVG, a page's
/// body), never for stored text.
///
/// Besides one template per page: `layout` (every signed-in page: navigation, the CSRF token's
/// `<meta>`), `publicLayout` (the pages anyone may see, sign-in and the public status page: no
/// navigation, which would only lead to the sign-in page), `head` (the start of every page: its
/// title, the stylesheet and the icon), `outageTable`, `availabilityTable` (the recent spans'
/// availability, on the overview and the status page) and `ranges` (links to the usual spans back
/// from the newest event, as explicit times: what the API takes) and `reportLinks` (the report
/// buttons of the speed tests and outages pages).
enum PageTemplates {
    static let all: [String: String] = [
        "layout": text(PackageResources.layout_mustache),
        "overview": text(PackageResources.overview_mustache),
        "outages": text(PackageResources.outages_mustache),
        "outage": text(PackageResources.outage_mustache),
        "outageTable": text(PackageResources.outageTable_mustache),
        "latency": text(PackageResources.latency_mustache),
        "speedtests": text(PackageResources.speedtests_mustache),
        "events": text(PackageResources.events_mustache),
        "path": text(PackageResources.path_mustache),
        "ranges": text(PackageResources.ranges_mustache),
        "settings": text(PackageResources.settings_mustache),
        "tools": text(PackageResources.tools_mustache),
        "status": text(PackageResources.status_mustache),
        "login": text(PackageResources.login_mustache),
        "publicLayout": text(PackageResources.publicLayout_mustache),
        "availabilityTable": text(PackageResources.availabilityTable_mustache),
        "head": text(PackageResources.head_mustache),
        "reportLinks": text(PackageResources.reportLinks_mustache),
    ]

    static func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }
}
