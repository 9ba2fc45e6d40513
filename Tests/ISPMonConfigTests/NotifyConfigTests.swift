import Testing
@testable import ISPMonConfig
import ISPMonCore

/// `notify:` and `heartbeat:` (docs/config.md): every kind with its keys, and each mistake as one
/// error naming the line and the key.
@Suite struct NotifyConfigTests {
    static let example = """
        notify:
          - name: phone
            kind: ntfy
            url: https://ntfy.example.net/my-topic
            on: [outage, recovery, slow_speed, monitor]
          - name: mail
            kind: email
            smtp: smtps://mail.example.net:465
            username: me@example.net
            password_file: /etc/ispmon/secrets/smtp
            from: ispmon@example.net
            to: [me@example.net]
            reports: [weekly]
            min_interval: 10m
            max_age: 12h
          - name: lan-sms
            kind: webhook
            url: http://sms-gateway.lan/api/send
            secret_file: /etc/ispmon/secrets/hook
          - name: twilio
            kind: sms
            url: https://api.twilio.com/2010-04-01/Accounts/AC1/Messages.json
            account: AC1
            token_file: /etc/ispmon/secrets/twilio
            from: "+15550000000"
            to: ["+15551111111", "+15552222222"]
            ca_file: /etc/ispmon/ca.pem
          - name: apprise
            kind: apprise
            url: http://apprise.lan:8000/notify/ispmon
            tag: family
          - name: ha
            kind: mqtt
            url: mqtt://broker.lan:1883
            topic_prefix: home/ispmon
          - name: relay
            kind: email
            smtp: smtp://127.0.0.1:25
            from: ispmon@example.net
            to: root@example.net
        heartbeat:
          url: https://hc.example.net/ping/0f3c
          interval: 1m
        """

    @Test func everyKindParses() throws {
        let c = try MonitorConfig.parse(NotifyConfigTests.example, file: "x.yaml")
        #expect(c.notify.map(\.name) == ["phone", "mail", "lan-sms", "twilio", "apprise", "ha", "relay"])
        let phone = c.notify[0]
        #expect(phone.kind == .ntfy && phone.url == "https://ntfy.example.net/my-topic")
        #expect(phone.on == [.outage, .recovery, .slowSpeed, .monitor])
        #expect(phone.minInterval == 300_000_000 && phone.maxAge == 86_400_000_000)
        let mail = c.notify[1]
        #expect(mail.smtp == "smtps://mail.example.net:465" && mail.username == "me@example.net")
        #expect(mail.passwordFile == "/etc/ispmon/secrets/smtp" && mail.from == "ispmon@example.net" && mail.to == ["me@example.net"])
        #expect(mail.reports == [.weekly] && mail.on == [.outage, .recovery])
        #expect(mail.minInterval == 600_000_000 && mail.maxAge == 43_200_000_000)
        #expect(c.notify[2].secretFile == "/etc/ispmon/secrets/hook")
        let sms = c.notify[3]
        #expect(sms.account == "AC1" && sms.tokenFile == "/etc/ispmon/secrets/twilio" && sms.to == ["+15551111111", "+15552222222"])
        #expect(sms.caFile == "/etc/ispmon/ca.pem")
        #expect(c.notify[4].tag == "family")
        #expect(c.notify[5].topicPrefix == "home/ispmon" && c.notify[5].discoveryPrefix == "homeassistant")
        #expect(c.notify[6].to == ["root@example.net"])
        #expect(c.heartbeat?.url.description == "https://hc.example.net/ping/0f3c")
        #expect(c.heartbeat?.interval == 60_000_000)
    }

    @Test func noNotifyIsNone() throws {
        let c = try MonitorConfig.parse("site: home\n", file: "x.yaml")
        #expect(c.notify.isEmpty && c.heartbeat == nil)
    }

    @Test(arguments: [
        ("notify:\n  name: phone\n", 2, "notify must be a list of channels"),
        ("notify:\n  - {kind: ntfy, url: 'http://n/t'}\n", 2, "notify[0]: name is required"),
        ("notify:\n  - {name: 'my phone', kind: ntfy, url: 'http://n/t'}\n", 2, "notify[0].name: 'my phone' must be 1 to 64"),
        ("notify:\n  - {name: p, url: 'http://n/t'}\n", 2, "notify channel p: kind is required"),
        ("notify:\n  - {name: p, kind: pager, url: 'http://n/t'}\n", 2, "notify channel p.kind: 'pager' is not one of ntfy, webhook, email, sms, apprise, mqtt"),
        ("notify:\n  - {name: p, kind: ntfy, url: 'http://n/t'}\n  - {name: p, kind: ntfy, url: 'http://n/u'}\n", 3, "duplicate notify channel name 'p' (first at line 2)"),
        ("notify:\n  - name: p\n    kind: ntfy\n    url: http://n/t\n    colour: red\n", 5, "unknown key 'colour' in notify[0]"),
        ("notify:\n  - name: p\n    kind: ntfy\n    url: http://n/t\n    smtp: smtps://m\n", 5, "notify channel p.smtp: not used by kind ntfy"),
        ("notify:\n  - name: p\n    kind: webhook\n    url: http://n/t\n    tag: x\n", 5, "notify channel p.tag: not used by kind webhook"),
        ("notify:\n  - name: p\n    kind: ntfy\n", 2, "notify channel p: kind ntfy needs url"),
        ("notify:\n  - name: p\n    kind: ntfy\n    url: ftp://n/t\n", 4, "notify channel p.url: 'ftp://n/t' is not an http:// or https:// URL"),
        ("notify:\n  - name: h\n    kind: mqtt\n    url: http://broker:1883\n", 4, "notify channel h.url: 'http://broker:1883' is not an mqtt:// or mqtts:// URL"),
        ("notify:\n  - name: m\n    kind: email\n    smtp: imap://mail\n    from: a@b\n    to: [c@d]\n", 4, "notify channel m.smtp: 'imap://mail' is not smtps://host[:port]"),
        ("notify:\n  - name: m\n    kind: email\n    smtp: smtps://mail\n    to: [c@d]\n", 2, "notify channel m: kind email needs from"),
        ("notify:\n  - name: m\n    kind: email\n    smtp: smtps://mail\n    from: a@b\n", 2, "notify channel m: kind email needs to"),
        ("notify:\n  - name: m\n    kind: email\n    smtp: smtps://mail\n    from: a@b\n    to: [c@d, nobody]\n", 6, "notify channel m.to: 'nobody' is not an email address"),
        ("notify:\n  - name: m\n    kind: email\n    smtp: smtps://mail\n    from: a@b\n    to: c@d\n    username: a@b\n", 7, "username and password_file go together"),
        ("notify:\n  - name: m\n    kind: email\n    smtp: smtps://mail\n    from: a@b\n    to: c@d\n    reports: [daily]\n", 7, "notify channel m.reports: 'daily' is not weekly or monthly"),
        ("notify:\n  - name: s\n    kind: sms\n    url: https://api/x\n    from: '+1555'\n    to: ['+1556']\n", 2, "notify channel s: kind sms needs account"),
        ("notify:\n  - name: s\n    kind: sms\n    url: https://api/x\n    account: A\n    token_file: /t\n    from: '+1555'\n    to: [call me]\n", 8, "notify channel s.to: 'call me' is not a phone number"),
        ("notify:\n  - name: p\n    kind: ntfy\n    url: http://n/t\n    on: [outage, flood]\n", 5, "notify channel p.on: 'flood' is not one of outage, recovery, slow_speed, monitor"),
        ("notify:\n  - name: p\n    kind: ntfy\n    url: http://n/t\n    on: []\n", 5, "notify channel p.on must be a list"),
        ("notify:\n  - name: p\n    kind: ntfy\n    url: http://n/t\n    min_interval: often\n", 5, "notify channel p.min_interval: 'often' is not a duration"),
        ("notify:\n  - name: h\n    kind: mqtt\n    url: mqtt://b\n    topic_prefix: 'ispmon/#'\n", 5, "notify channel h.topic_prefix: 'ispmon/#' is not an MQTT topic"),
        ("heartbeat:\n  interval: 1m\n", 2, "heartbeat: url is required"),
        ("heartbeat:\n  url: hc.example.net\n", 2, "heartbeat.url: 'hc.example.net' is not an http:// or https:// URL"),
        ("heartbeat:\n  url: https://hc/p\n  interval: 500ms\n", 3, "heartbeat.interval must be at least 1s"),
        ("heartbeat:\n  url: https://hc/p\n  every: 1m\n", 3, "unknown key 'every' in heartbeat"),
    ])
    func aBadChannelIsOneErrorNamingTheLine(text: String, line: Int, message: String) {
        expectOneConfigError(text, line: line, message: message)
    }

    @Test func plainSMTPToANetworkHostIsAllowedInTheConfig() throws {
        // STARTTLS is then required when sending (the channel's rule, not the parser's).
        let c = try MonitorConfig.parse("notify:\n  - {name: m, kind: email, smtp: 'smtp://mail.example.net:587', from: a@b, to: c@d}\n", file: "x")
        #expect(c.notify.first?.smtp == "smtp://mail.example.net:587")
    }
}
