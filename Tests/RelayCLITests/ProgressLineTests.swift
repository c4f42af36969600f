import Foundation
import JMAPRelay
import Testing

@testable import RelayCLI

/// The progress line of the commands that read a whole recording, and `--quiet`.
@Suite struct ProgressLineTests {
    @Test func theLineSaysBytesExchangesAndRate() {
        let p = RecordingReader.Progress(bytesRead: 412_000_000, totalBytes: 1_030_000_000, exchanges: 290_000)
        #expect(ProgressLine.text(p, elapsed: .seconds(2)) == "412 MB of 1.0 GB (40%), 290000 exchanges, 206 MB/s")
    }

    @Test func everyCommandThatReadsARecordingTakesQuiet() throws {
        #expect(try InspectOptions.command.parse(["f", "--quiet"]).quiet)
        #expect(try LintOptions.command.parse(["f", "--quiet"]).quiet)
        #expect(try ExportHAROptions.command.parse(["f", "--quiet"]).quiet)
        #expect(try NormalizeOptions.command.parse(["f", "--in-place", "--quiet"]).quiet)
        #expect(try !InspectOptions.command.parse(["f"]).quiet)
    }

    @Test func onlyALargeFileOnATerminalWithoutQuietGetsTheLine() {
        #expect(ProgressLine(totalBytes: 60_000_000, quiet: false, interactive: true).enabled)
        #expect(!ProgressLine(totalBytes: 60_000_000, quiet: true, interactive: true).enabled)
        #expect(!ProgressLine(totalBytes: 60_000_000, quiet: false, interactive: false).enabled)
        #expect(!ProgressLine(totalBytes: 40_000_000, quiet: false, interactive: true).enabled)
    }
}
