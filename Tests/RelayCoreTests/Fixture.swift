import Foundation
import RelayCore

/// Files the core tests read: golden files in `Fixtures/` (copied into the test bundle) and
/// the recordings shipped in `recordings/`.
enum Fixture {
    /// The repository's root, found from this file's place in it.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// A shipped recording, loaded.
    static func recording(_ name: String) throws -> Recording {
        let data = try Data(contentsOf: root.appendingPathComponent("recordings/\(name)"))
        return try RecordingCodec.load(Array(data)) { _ in nil }
    }

    /// Where a golden file is read from (the bundle copy) and recorded to (the source tree).
    static func golden(_ name: String) -> (read: String, record: String) {
        let source = root.appendingPathComponent("Tests/RelayCoreTests/Fixtures/\(name)").path
        let bundled = Bundle.module.url(forResource: "Fixtures/\(name)", withExtension: nil)?.path
        return (bundled ?? source, source)
    }
}
