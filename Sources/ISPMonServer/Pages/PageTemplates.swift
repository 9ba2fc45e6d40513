/// The pages' Mustache templates (docs/web.md). Compiled into the binary (ispmon installs as
/// one file), parsed once at start. `{{x}}` escapes for HTML (what comes from the store: a
/// target's name, a note, an error's detail); `{{{x}}}` is only for HTML ispmon made itself
/// (a chart's SVG, a page's body), never for stored text.
enum PageTemplates {
    static let all: [String: String] = [
        "layout": layout, "overview": overview, "outages": outages, "outage": outage, "outageTable": outageTable,
        "latency": latency, "speedtests": speedtests, "events": events, "path": path, "ranges": ranges,
        "settings": settings, "tools": tools, "status": status, "login": login, "publicLayout": publicLayout,
        "availabilityTable": availabilityTable, "head": head,
    ]

    /// The start of every page: its title (the site's name in it), the stylesheet and the icon.
    static let head = """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{title}} · {{site}} · ispmon</title>
        <link rel="stylesheet" href="/static/app.css?v={{version}}">
        <link rel="icon" href="/favicon.ico" type="image/svg+xml">

        """

    static let layout = """
        {{> head}}
        {{#csrf}}<meta name="csrf-token" content="{{csrf}}">{{/csrf}}
        <script src="/static/app.js?v={{version}}" defer></script>
        </head>
        <body data-page="{{page}}">
        <header class="top">
        <a class="brand" href="/">ispmon <small>{{site}}</small></a>
        <nav>
        {{#nav}}<a href="{{href}}"{{#current}} aria-current="page"{{/current}}>{{label}}</a>{{/nav}}
        </nav>
        </header>
        <main>
        {{{body}}}
        </main>
        <footer>Times in {{zone}}. <form method="post" action="/logout" class="inline"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit" class="link">Sign out</button></form></footer>
        </body>
        </html>

        """

    static let overview = """
        <section class="state" aria-live="polite" data-shown="{{shown}}">
        <div class="big state-{{internet.state}}"><span class="label">Internet</span> <strong>{{internet.word}}</strong> <small>{{#internet.since}}since {{internet.since}}{{/internet.since}}</small></div>
        <div class="big state-{{dns.state}}"><span class="label">DNS</span> <strong>{{dns.word}}</strong> <small>{{#dns.since}}since {{dns.since}}{{/dns.since}}</small></div>
        </section>
        {{#open}}
        <section class="alert">
        <h2>Outage under way <small>{{duration}} so far</small></h2>
        <p>Cause: <strong>{{cause}}</strong>{{#has_culprits}} — {{#culprits}}<span class="culprit">{{.}}</span> {{/culprits}}{{/has_culprits}}</p>
        <p>{{explanation}}</p>
        <p><a href="/outages/{{id}}">The outage {{id}}</a></p>
        </section>
        {{/open}}
        <p class="activity" data-live="activity">{{activity}}</p>
        <section>
        <h2>The path</h2>
        <ol class="path">
        {{#path}}<li class="node state-{{state}}"><a href="{{href}}"><span class="role">{{role}}</span> <span class="name">{{name}}</span> <span class="rtt">{{rtt}}</span></a></li>{{/path}}
        </ol>
        {{^path}}<p class="empty">No targets yet.</p>{{/path}}
        </section>
        {{#charts}}
        <section>
        <h2>{{title}}</h2>
        <figure>{{{svg}}}</figure>
        </section>
        {{/charts}}
        {{> availabilityTable}}
        {{#speedtest}}
        <section>
        <h2>The last speed test</h2>
        <p>{{time}}: {{#failed}}<span class="bad">failed: {{failed}}</span>{{/failed}}{{^failed}}download <strong>{{down}}</strong>, upload <strong>{{up}}</strong>{{#plan}}: {{plan}}{{/plan}}{{#slow}} <em class="bad">(slow)</em>{{/slow}}{{/failed}}. <a href="/speedtests">Every speed test</a></p>
        </section>
        {{/speedtest}}
        <section>
        <h2>Latest outages</h2>
        {{> outageTable}}
        <p><a href="/outages">Every outage</a></p>
        </section>

        """

    static let outageTable = """
        {{#has_outages}}
        <table class="outages">
        <thead><tr><th>Start</th><th>Duration</th><th>Kind</th><th>Cause</th>{{#with_ids}}<th>Id</th>{{/with_ids}}</tr></thead>
        <tbody>
        {{#outages}}<tr><td><a href="/outages/{{id}}">{{start}}</a></td><td>{{duration}}{{#open}} <em>(under way)</em>{{/open}}</td><td>{{kind}}</td><td class="text">{{cause}}</td>{{#with_ids}}<td class="id">{{id}}</td>{{/with_ids}}</tr>{{/outages}}
        </tbody>
        </table>
        {{/has_outages}}
        {{^outages}}<p class="empty">No outages.</p>{{/outages}}

        """

    static let outages = """
        <h1>Outages</h1>
        <form method="get" action="/outages" class="filters">
        <label>Since <input name="since" value="{{since}}" placeholder="7d"></label>
        <label>Until <input name="until" value="{{until}}"></label>
        <label>At least (s) <input name="min_duration" value="{{min_duration}}" inputmode="numeric"></label>
        <label>Kind <select name="kind"><option value="">any</option>{{#kinds}}<option value="{{name}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/kinds}}</select></label>
        <label>Cause <select name="cause"><option value="">any</option>{{#causes}}<option value="{{name}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/causes}}</select></label>
        <input type="hidden" name="per" value="{{per}}">
        <button type="submit">Show</button>
        </form>
        {{#error}}<p class="error">{{error}}</p>{{/error}}
        {{#availability.whole}}
        <section id="availability">
        <h2>Availability</h2>
        <p>Of the monitored time of the range: the internet <strong>{{internet}}</strong>, DNS <strong>{{dns}}</strong>; down {{down}}; not monitored {{unmonitored}}.</p>
        {{/availability.whole}}
        {{#availability}}{{#chart}}
        <p class="ranges">{{#units}}<a href="{{href}}"{{#current}} aria-current="true"{{/current}}>{{label}}</a> {{/units}}</p>
        <figure>{{{chart}}}</figure>
        <details><summary>Each {{per}}'s numbers</summary>
        <table class="availability">
        <thead><tr><th>{{per}}</th><th>Internet</th><th>DNS</th><th>Down</th><th>Not monitored</th></tr></thead>
        <tbody>
        {{#rows}}<tr><td>{{label}}</td><td class="{{internet_class}}">{{internet}}</td><td>{{dns}}</td><td>{{down}}</td><td>{{unmonitored}}</td></tr>{{/rows}}
        </tbody>
        </table>
        </details>
        </section>
        {{/chart}}{{/availability}}
        <section id="list">
        <h2>The outages</h2>
        <p>{{count}} outage{{^one}}s{{/one}}{{#shown}}, {{shown}}{{/shown}}. <a href="{{csv}}" download>CSV</a></p>
        {{> outageTable}}
        {{#newer}}<a href="{{newer}}">Newer outages</a> {{/newer}}{{#older}}<a href="{{older}}">Older outages</a>{{/older}}
        </section>

        """

    static let outage = """
        <h1>Outage {{id}}</h1>
        <dl class="facts">
        <dt>Kind</dt><dd>{{kind}}</dd>
        <dt>Start</dt><dd>{{start}}</dd>
        <dt>End</dt><dd>{{#end}}{{end}}{{/end}}{{^end}}under way{{/end}}</dd>
        <dt>Duration</dt><dd>{{duration}}</dd>
        <dt>Cause</dt><dd><strong>{{cause}}</strong></dd>
        {{#has_culprits}}<dt>Culprits</dt><dd>{{#culprits}}<span class="culprit">{{.}}</span> {{/culprits}}</dd>{{/has_culprits}}
        </dl>
        <p class="explanation">{{explanation}}</p>
        <section>
        <h2>Timeline</h2>
        <figure>{{{timeline}}}</figure>
        </section>
        <section>
        <h2>Notes</h2>
        {{#has_notes}}<ul class="notes">{{#notes}}<li><time>{{time}}</time> {{text}}</li>{{/notes}}</ul>{{/has_notes}}
        {{^notes}}<p class="empty">No notes yet.</p>{{/notes}}
        <form method="post" action="/outages/{{id}}/notes" class="note">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <label>Add a note <textarea name="text" maxlength="4096" required></textarea></label>
        <button type="submit">Add note</button>
        </form>
        </section>
        <section>
        <h2>Events of the window</h2>
        <table class="events">
        <thead><tr><th>Time</th><th>Event</th><th>Result</th><th>Times</th></tr></thead>
        <tbody>
        {{#events}}<tr><td>{{time}}</td><td class="text">{{what}}</td><td class="text {{result_class}}">{{result}}</td><td>{{count}}</td></tr>{{/events}}
        </tbody>
        </table>
        </section>

        """

    /// Links to the usual spans back from the newest event, as explicit times (what the API takes).
    static let ranges = """
        <p class="ranges">{{#ranges}}<a href="{{href}}"{{#current}} aria-current="true"{{/current}}>{{label}}</a> {{/ranges}}</p>

        """

    static let latency = """
        <h1>Latency</h1>
        <form method="get" action="/latency" class="filters">
        <label>Target <select name="target">{{#targets}}<option value="{{name}}"{{#selected}} selected{{/selected}}>{{name}} ({{role}})</option>{{/targets}}</select></label>
        <label>Since <input name="since" value="{{since}}"></label>
        <label>Until <input name="until" value="{{until}}"></label>
        <label>Period <select name="period"><option value="hour"{{#hourly}} selected{{/hourly}}>hour</option><option value="day"{{^hourly}} selected{{/hourly}}>day</option></select></label>
        <button type="submit">Show</button>
        </form>
        {{> ranges}}
        {{#error}}<p class="error">{{error}}</p>{{/error}}
        {{#target}}
        <figure>{{{chart}}}</figure>
        <p class="legend"><span class="key median">median</span> <span class="key p95">median to p95</span> <span class="key minmax">min to max</span> <span class="key loss">loss</span> <span class="key outage">outage</span></p>
        <p><a href="{{json}}">JSON</a> <a href="{{csv}}" download>CSV</a></p>
        <table class="latency">
        <thead><tr><th>{{period}}</th><th>Sent</th><th>Lost</th><th>Loss</th><th>Median</th><th>p95</th><th>Min</th><th>Max</th></tr></thead>
        <tbody>
        {{#rows}}<tr><td>{{start}}</td><td>{{sent}}</td><td>{{lost}}</td><td>{{loss}}</td><td>{{p50}}</td><td>{{p95}}</td><td>{{min}}</td><td>{{max}}</td></tr>{{/rows}}
        </tbody>
        </table>
        {{^rows}}<p class="empty">No probes of {{target}} in this range.</p>{{/rows}}
        {{/target}}
        {{^target}}<p class="empty">No targets yet.</p>{{/target}}

        """

    static let speedtests = """
        <h1>Speed tests</h1>
        {{> ranges}}
        {{#error}}<p class="error">{{error}}</p>{{/error}}
        <figure>{{{chart}}}</figure>
        <p class="legend"><span class="key down">download</span> <span class="key up">upload</span>{{#plan}} <span class="key plan">the plan: {{down}} down, {{up}} up; under {{below}} % of it is slow</span>{{/plan}}</p>
        <table>
        <thead><tr><th>Time</th><th>Server</th><th>Download</th><th>Upload</th><th>Idle RTT</th></tr></thead>
        <tbody>
        {{#tests}}<tr><td>{{time}}</td><td>{{server}}</td><td class="{{result_class}}">{{down}}{{#slow}} <em>(slow)</em>{{/slow}}</td><td>{{up}}</td><td>{{rtt}}</td></tr>{{/tests}}
        </tbody>
        </table>
        {{^tests}}<p class="empty">No speed tests in this range.</p>{{/tests}}
        <p>{{#more_tests}}The newest 100 are listed; {{more_tests}} older ones are in the chart and in the {{/more_tests}}<a href="{{csv}}" download>CSV</a>{{#more_tests}}.{{/more_tests}}</p>
        <h2>By {{summary_period}}</h2>
        <p class="ranges">{{#periods}}<a href="{{href}}"{{#current}} aria-current="true"{{/current}}>{{label}}</a> {{/periods}}</p>
        <table>
        <thead><tr><th>{{summary_period}}</th><th>Tests</th><th>Failed</th><th>Download median (min–max)</th><th>Upload median (min–max)</th></tr></thead>
        <tbody>
        {{#summaries}}<tr><td>{{period}}</td><td>{{count}}</td><td>{{failures}}</td><td>{{down}}</td><td>{{up}}</td></tr>{{/summaries}}
        </tbody>
        </table>

        """

    static let events = """
        <h1>Events</h1>
        <form method="get" action="/events" class="filters">
        <label>Type <select name="type"><option value="">any</option>{{#types}}<option value="{{name}}"{{#selected}} selected{{/selected}}>{{name}}</option>{{/types}}</select></label>
        <label>Target <input name="target" value="{{target}}"></label>
        <label>Search <input name="q" value="{{q}}" type="search"></label>
        <label>Since <input name="since" value="{{since}}"></label>
        <label>Until <input name="until" value="{{until}}"></label>
        <button type="submit">Show</button>
        </form>
        {{#error}}<p class="error">{{error}}</p>{{/error}}
        <p><label class="inline-check"><input type="checkbox" id="live"{{^live_possible}} disabled{{/live_possible}}> Live: show new events as they come</label> <a href="{{ndjson}}">NDJSON</a> <a href="{{csv}}" download>CSV</a></p>
        <table class="log" data-after="{{newest_seq}}" data-filter="{{filter_json}}">
        <thead><tr><th>Seq</th><th>Time</th><th>Type</th><th>Event</th></tr></thead>
        <tbody id="log">
        {{#events}}<tr><td>{{seq}}</td><td>{{time}}</td><td>{{type}}</td><td class="text {{result_class}}">{{text}}</td></tr>{{/events}}
        </tbody>
        </table>
        {{^events}}<p class="empty">No events match.</p>{{/events}}
        {{#older}}<p><a href="{{older}}">Older events</a></p>{{/older}}

        """

    static let path = """
        <h1>The path</h1>
        {{#trace}}
        <p>Path discovery to {{destination}} at {{time}}.</p>
        <figure class="hops">{{{diagram}}}</figure>
        {{/trace}}
        {{^trace}}<p class="empty">No path discovery yet (it runs when a target is <code>host: auto</code>, and needs CAP_NET_RAW).</p>{{/trace}}
        <h2>Changes of the first hops</h2>
        {{#has_changes}}<table><thead><tr><th>From</th><th>First hops</th></tr></thead><tbody>
        {{#changes}}<tr><td>{{time}}</td><td>{{hops}}</td></tr>{{/changes}}
        </tbody></table>{{/has_changes}}
        {{^changes}}<p class="empty">No changes recorded.</p>{{/changes}}

        """
}
