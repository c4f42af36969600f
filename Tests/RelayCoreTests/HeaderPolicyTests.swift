import RelayCore
import Testing

/// Hop-by-hop handling, which now skips work for the usual `Connection` values: what a
/// `Connection` header names must still go, whatever its case and spacing.
@Suite struct HeaderPolicyTests {
    @Test(arguments: ["X-Hop", "keep-alive, X-Hop", " x-hop ,Upgrade", "CLOSE,x-HOP"])
    func fieldsNamedByConnectionAreDropped(_ connection: String) {
        let h: HTTPHeaders = ["Connection": connection, "X-Hop": "1", "Content-Type": "application/json", "Keep-Alive": "timeout=5"]
        let out = HeaderPolicy.clientResponseHeaders(h, upgrading: false)
        #expect(out.fields.map(\.name) == ["Content-Type"])
    }

    @Test(arguments: ["keep-alive", "Keep-Alive", "close", "Upgrade"])
    func theUsualConnectionValuesDropOnlyTheStandardFields(_ connection: String) {
        let h: HTTPHeaders = ["Server": "x", "Connection": connection, "Transfer-Encoding": "chunked", "X-Kept": "1"]
        #expect(HeaderPolicy.clientResponseHeaders(h, upgrading: false).fields.map(\.name) == ["Server", "X-Kept"])
    }

    @Test func headersWithNothingToDropComeBackUnchanged() {
        let h: HTTPHeaders = ["Content-Type": "application/json", "Content-Length": "2"]
        #expect(HeaderPolicy.stripHopByHop(h) == h)
    }

    @Test func tokensAreFoundIgnoringCaseAndSpaces() {
        let h: HTTPHeaders = ["Connection": "Keep-Alive ,  UPGRADE", "connection": "x-a"]
        #expect(h.hasToken("upgrade", for: "connection"))
        #expect(h.hasToken("keep-alive", for: "Connection"))
        #expect(h.hasToken("X-A", for: "connection"))
        #expect(!h.hasToken("keep", for: "connection"))
        #expect(!h.hasToken("", for: "connection"))
    }
}
