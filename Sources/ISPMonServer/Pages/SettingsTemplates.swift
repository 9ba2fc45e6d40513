extension PageTemplates {
    static let settings = """
        <h1>Settings</h1>
        {{#done}}<p class="done" role="status">{{done}}</p>{{/done}}
        <section id="jobs">
        <h2>Jobs</h2>
        {{#monitor_running}}
        <table class="jobs">
        <thead><tr><th>Job</th><th>State</th><th>Change</th></tr></thead>
        <tbody>
        {{#jobs}}<tr><td>{{job}}</td><td class="job-state">{{state}}</td><td>{{#actions}}<form method="post" action="/settings/jobs/{{job}}" class="inline"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit" name="state" value="{{state}}" id="job-{{job}}-{{state}}"{{#current}} disabled{{/current}}>{{label}}</button></form> {{/actions}}</td></tr>{{/jobs}}
        </tbody>
        </table>
        <p class="hint">Pause keeps a job's schedule and skips its runs; disable removes it. Each change is a <code>job</code> event in the <a href="/events?type=job">log</a>.</p>
        {{/monitor_running}}
        {{^monitor_running}}<p class="empty">No monitor is running on this store: its jobs can be changed while one runs (<code>ispmon run</code>).</p>{{/monitor_running}}
        </section>
        <section id="log">
        <h2>The monitor's log</h2>
        {{#console}}
        <form method="post" action="/settings/log-level" class="filters">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <label>Log level <select name="level" id="log-level">{{#levels}}<option value="{{name}}"{{#selected}} selected{{/selected}}>{{name}}</option>{{/levels}}</select></label>
        <button type="submit">Set</button>
        </form>
        <form method="get" action="/settings#log" class="filters">
        <label>Show <select name="log_level">{{#filters}}<option value="{{name}}"{{#selected}} selected{{/selected}}>{{name}} and above</option>{{/filters}}</select></label>
        <button type="submit">Show</button>
        </form>
        {{#has_lines}}
        <table class="log monitor-log">
        <thead><tr><th>Time</th><th>Level</th><th>Line</th></tr></thead>
        <tbody>
        {{#lines}}<tr class="level-{{level}}"><td>{{time}}</td><td>{{#serious}}<strong>{{level}}</strong>{{/serious}}{{^serious}}{{level}}{{/serious}}</td><td class="text">{{text}}</td></tr>{{/lines}}
        </tbody>
        </table>
        {{/has_lines}}
        {{^lines}}<p class="empty">No log lines at this level.</p>{{/lines}}
        <p class="hint">Newest first; the last {{capacity}} lines since the monitor started are kept in memory.</p>
        {{/console}}
        {{^console}}<p class="empty">The log level and the monitor's log lines are shown by the web UI of <code>ispmon run</code>, where the monitor runs; this is <code>ispmon serve</code>.</p>{{/console}}
        </section>
        <section id="config">
        <h2>The running config</h2>
        {{#config}}
        {{#has_path}}<p><code>{{path}}</code> (secrets masked):</p>{{/has_path}}
        {{^has_path}}<p>No config file: the monitor runs what it detected at start.</p>{{/has_path}}
        <pre class="config">{{text}}</pre>
        {{/config}}
        {{^config}}<p class="empty">This server runs no monitor, so there is no running config to show.</p>{{/config}}
        </section>
        <section id="password">
        <h2>Password</h2>
        {{#password_error}}<p class="error" role="alert">{{password_error}}</p>{{/password_error}}
        <form method="post" action="/settings/password" class="stacked">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <label>Current password <input type="password" name="current" autocomplete="current-password" required></label>
        <label>New password <input type="password" name="password" autocomplete="new-password" minlength="10" required></label>
        <label>New password again <input type="password" name="again" autocomplete="new-password" minlength="10" required></label>
        <button type="submit">Change the password</button>
        </form>
        <p class="hint">At least 10 characters. Every other session ends.</p>
        </section>
        <section id="tokens">
        <h2>API tokens</h2>
        {{#new_token}}<div class="done" role="status"><p>The {{access}} token <strong>{{name}}</strong>; copy it now, it is shown only this once:</p><pre class="secret" id="new-token">{{secret}}</pre><p class="hint">Send it as <code>Authorization: Bearer …</code>.</p></div>{{/new_token}}
        {{#token_error}}<p class="error" role="alert">{{token_error}}</p>{{/token_error}}
        {{#has_tokens}}
        <table class="tokens">
        <thead><tr><th>Name</th><th>Access</th><th>Created</th><th></th></tr></thead>
        <tbody>
        {{#tokens}}<tr><td>{{name}}</td><td>{{access}}</td><td>{{created}}</td><td><form method="post" action="/settings/tokens/{{name}}/revoke" class="inline"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit" class="danger">Revoke</button></form></td></tr>{{/tokens}}
        </tbody>
        </table>
        {{/has_tokens}}
        {{^tokens}}<p class="empty">No tokens.</p>{{/tokens}}
        <form method="post" action="/settings/tokens" class="filters">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <label>Name <input name="name" pattern="[A-Za-z0-9._\\-]{1,64}" maxlength="64" required></label>
        <label class="inline-check"><input type="checkbox" name="read_only" value="1" checked> read-only (the API's GETs and /metrics)</label>
        <button type="submit">Create a token</button>
        </form>
        </section>

        """
}

extension PageTemplates {
    static let tools = """
        <h1>Tools</h1>
        <p class="hint">Run a check now with the monitor's own probes, against a host or URL you type. Nothing is recorded.</p>
        <form method="post" action="/tools" id="check-form" class="stacked">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <label>Check <select name="tool" id="tool">{{#tools}}<option value="{{name}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/tools}}</select></label>
        <label>Host <input name="host" value="{{host}}" placeholder="192.0.2.1 or a name" autocapitalize="off" spellcheck="false"></label>
        <label>Port <input name="port" value="{{port}}" inputmode="numeric" placeholder="tcp; dns: 53"></label>
        <label>DNS name <input name="query" value="{{query}}" placeholder="example.com or example.com AAAA" autocapitalize="off" spellcheck="false"></label>
        <label>URL <input name="url" value="{{url}}" placeholder="http://… (http, speed test)" autocapitalize="off" spellcheck="false"></label>
        <label>Tries <input name="count" value="{{count}}" inputmode="numeric" placeholder="1 to 10"></label>
        <button type="submit" id="run-check">Run</button>
        </form>
        <p class="hint">ping and trace take a host; tcp a host and a port; dns the resolver's host and a name; http and the speed test a URL.</p>
        {{#error}}<p class="error" role="alert">{{error}}</p>{{/error}}
        <section id="check-result" aria-live="polite">
        {{#result}}
        <table class="check"><tbody>
        {{#rows}}<tr><td>{{label}}</td><td class="text{{#bad}} bad{{/bad}}">{{text}}</td></tr>{{/rows}}
        </tbody></table>
        <p class="summary {{#ok}}good{{/ok}}{{^ok}}bad{{/ok}}">{{summary}}</p>
        {{/result}}
        </section>

        """
}

extension PageTemplates {
    /// The layout of the pages anyone may see (sign-in, the public status page): no
    /// navigation, which would only lead to the sign-in page.
    static let publicLayout = """
        {{> head}}
        </head>
        <body data-page="{{page}}">
        <header class="top">
        <span class="brand">ispmon <small>{{site}}</small></span>
        </header>
        <main>
        {{{body}}}
        </main>
        <footer>Times in {{zone}}.</footer>
        </body>
        </html>

        """

    static let login = """
        <h1>Sign in</h1>
        {{^password_set}}<p class="error">No admin password is set yet: run <code>ispmon passwd</code> on the machine that keeps this store.</p>{{/password_set}}
        {{#error}}<p class="error" role="alert">{{error}}</p>{{/error}}
        <form method="post" action="/login" class="stacked login">
        <label>Password <input type="password" name="password" autocomplete="current-password" required autofocus></label>
        {{#totp}}<label>Code <input name="totp" inputmode="numeric" autocomplete="one-time-code" required></label>{{/totp}}
        <button type="submit">Sign in</button>
        </form>
        {{#public_status}}<p><a href="/status">The public status page</a></p>{{/public_status}}

        """

    static let status = """
        <h1>Is the internet up?</h1>
        <section class="state">
        <div class="big state-{{internet.state}}"><span class="label">Internet</span> <strong>{{internet.word}}</strong> <small>{{#internet.since}}since {{internet.since}}{{/internet.since}}</small></div>
        <div class="big state-{{dns.state}}"><span class="label">DNS</span> <strong>{{dns.word}}</strong> <small>{{#dns.since}}since {{dns.since}}{{/dns.since}}</small></div>
        </section>
        {{#open}}<section class="alert"><h2>Outage under way <small>{{duration}} so far</small></h2><p>Cause: <strong>{{cause}}</strong></p></section>{{/open}}
        {{> availabilityTable}}
        <section>
        <h2>Outages</h2>
        {{#has_outages}}
        <table class="outages">
        <thead><tr><th>Start</th><th>Duration</th><th>Kind</th><th>Cause</th></tr></thead>
        <tbody>
        {{#outages}}<tr><td>{{start}}</td><td>{{duration}}{{#open}} <em>(under way)</em>{{/open}}</td><td>{{kind}}</td><td class="text">{{cause}}</td></tr>{{/outages}}
        </tbody>
        </table>
        {{/has_outages}}
        {{^outages}}<p class="empty">No outages.</p>{{/outages}}
        </section>
        <p class="hint">As of {{as_of}}. <a href="/login">Sign in</a></p>

        """

    /// Availability of the recent spans (the overview, the status page).
    static let availabilityTable = """
        {{#has_availability}}
        <section>
        <h2>Availability</h2>
        <table class="availability">
        <thead><tr><th></th><th>Internet</th><th>DNS</th><th>Not monitored</th></tr></thead>
        <tbody>
        {{#availability}}<tr><td>{{label}}</td><td class="{{internet_class}}">{{internet}}</td><td>{{dns}}</td><td>{{unmonitored}}</td></tr>{{/availability}}
        </tbody>
        </table>
        </section>
        {{/has_availability}}

        """
}
