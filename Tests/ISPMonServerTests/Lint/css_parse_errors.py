# The parse errors of a stylesheet (tinycss2, Debian python3-tinycss2), one "line:column: why"
# a line; exit 1 when there are any. Inside @media and the like too. Used by PageLintTests.
import sys, tinycss2
problems = []
def declarations(content):
    for d in tinycss2.parse_declaration_list(content, skip_comments=True, skip_whitespace=True):
        if d.type == "error": problems.append("%d:%d: %s" % (d.source_line, d.source_column, d.message))
def rules(nodes):
    for n in nodes:
        if n.type == "error": problems.append("%d:%d: %s" % (n.source_line, n.source_column, n.message))
        elif n.type == "qualified-rule": declarations(n.content)
        elif n.type == "at-rule" and n.content is not None:
            rules(tinycss2.parse_rule_list(n.content, skip_comments=True, skip_whitespace=True))
rules(tinycss2.parse_stylesheet(open(sys.argv[1], encoding="utf-8").read(), skip_comments=True, skip_whitespace=True))
print("\n".join(problems))
sys.exit(1 if problems else 0)
