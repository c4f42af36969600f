import Foundation
import Testing

@testable import RelayCore

private typealias F = LintFixtures

/// The linter as a whole: a clean conversation, incremental use, ignoring rules, reports and
/// the reference's rules table.
@Suite struct LinterTests {
    /// A conversation a strict server would accept without a word.
    static let clean: [RecordedExchange] = [
        F.session(1),
        F.api(2, ##"["Email/query",{"accountId":"A1"},"q"],["Email/get",{"accountId":"A1","#ids":{"resultOf":"q","name":"Email/query","path":"/ids"}},"g"]"##,
              responses: #"["Email/query",{"accountId":"A1","queryState":"q1","ids":[]},"q"],["Email/get",{"accountId":"A1","state":"e1","list":[],"notFound":[]},"g"]"#),
        F.api(3, #"["Email/set",{"accountId":"A1","create":{"k1":{}},"update":{"M1":{"keywords/$seen":true}}},"s"]"#),
        F.api(4, #"["Email/changes",{"accountId":"A1","sinceState":"e1"},"c"]"#),
    ]

    @Test func aCleanConversationHasNoFindings() {
        var linter = Linter()
        #expect(linter.lint(Self.clean).isEmpty)
        #expect(linter.context.exchangeCount == 4)
        #expect(linter.context.receivedStates["Email"] == ["e1", "n1"])
    }

    @Test func incrementalCheckEqualsWholeRun() {
        let conversation = Self.clean + [F.api(5, #"["Email/get",{"accountId":"B9"},"x"],["Email/get",{"accountId":"A1"},"x"]"#, using: [F.mail])]
        var whole = Linter()
        let all = whole.lint(conversation)
        var live = Linter()
        var fed: [LintFinding] = []
        for e in conversation { fed += live.check(e) }
        #expect(fed == all)
        #expect(all.map(\.ruleId) == ["capability-not-in-using", "duplicate-call-id", "unknown-account"])
    }

    @Test func ignoredRulesDoNotRun() {
        let bad = F.api(1, #"["Email/get",{"accountId":"A1"},"x"],["Email/get",{"accountId":"A1"},"x"]"#, using: [F.mail])
        var linter = Linter(ignoring: ["duplicate-call-id"])
        #expect(linter.rules.count == LintRules.all.count - 1)
        #expect(linter.lint([bad]).map(\.ruleId) == ["capability-not-in-using"])
    }

    @Test func ruleIdsAreUniqueAndEveryRuleHasItsParts() {
        #expect(Set(LintRules.ids).count == LintRules.all.count)
        for rule in LintRules.all {
            #expect(rule.section.hasPrefix("RFC "), "\(rule.id)")
            #expect(!rule.summary.isEmpty && rule.id == rule.id.lowercased(), "\(rule.id)")
        }
    }

    @Test func textReportGroupsByRuleErrorsFirst() {
        var linter = Linter()
        let findings = linter.lint([F.session(1) { $0["apiUrl"] = "/api/" },
                                    F.api(2, #"["Email/get",{"accountId":"A1"},"x"],["Email/get",{"accountId":"A1"},"x"]"#, using: [F.core])])
        let report = LintReport(findings: findings, exchangeCount: 2, rules: linter.rules, ignored: ["too-many-calls"])
        #expect(report.hasErrors)
        let text = report.text()
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.first == "error: capability-not-in-using (RFC 8620 §3.3) ×2")
        #expect(text.contains("    #2 [x] Email/get needs urn:ietf:params:jmap:mail in `using`"))
        #expect(text.contains("warning: duplicate-call-id (RFC 8620 §3.2) ×1"))
        #expect(text.contains("warning: session-relative-url (RFC 8620 §2) ×1"))
        #expect(text.hasSuffix("4 findings (2 errors, 2 warnings, 0 info) in 2 exchanges; \(linter.rules.count) rules run, 1 ignored\n"))
    }

    @Test func jsonReportIsMachineReadable() throws {
        let finding = LintFinding(ruleId: "duplicate-call-id", level: .warning, section: "RFC 8620 §3.2", message: "m", seq: 3, callId: "a")
        let report = LintReport(findings: [finding], exchangeCount: 5, rules: LintRules.all)
        let back = try JSONParser.parse(report.json().serialized())
        #expect(back["findings"]?[0]?["ruleId"] == "duplicate-call-id")
        #expect(back["findings"]?[0]?["callId"] == "a")
        #expect(back["findings"]?[0]?["seq"] == 3)
        #expect(back["summary"]?["warning"] == 1)
        #expect(back["summary"]?["error"] == 0)
        #expect(back["summary"]?["exchanges"] == 5)
        #expect(!report.hasErrors)
    }

    /// The reference's rules table is generated from the rules; `RECORD_SNAPSHOTS=1 swift test
    /// --filter rulesTableInTheReference` rewrites it.
    @Test func rulesTableInTheReferenceMatchesTheCode() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let url = root.appendingPathComponent("Sources/JMAPRelay/JMAPRelay.docc/LintRules.md")
        let readme = try String(contentsOf: url, encoding: .utf8)
        let begin = try #require(readme.range(of: "<!-- lint-rules:begin -->\n"))
        let end = try #require(readme.range(of: "<!-- lint-rules:end -->"))
        let table = LintRules.markdownTable()
        if ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] == "1" {
            try readme.replacingCharacters(in: begin.upperBound..<end.lowerBound, with: table).write(to: url, atomically: true, encoding: .utf8)
            return
        }
        #expect(String(readme[begin.upperBound..<end.lowerBound]) == table)
    }
}
