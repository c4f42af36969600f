import JMAPRelay

extension FakeUpstream {
    /// A server as careless as some real ones: it answers every request, preflights included,
    /// reflecting any `Origin` with `Access-Control-Allow-Credentials: true`, and says in its
    /// JSON body whether the request carried a credential (`{"sawCredential": true}`), so a
    /// test sees what a web page would read through the relay.
    public static func corsReflecting() throws -> FakeUpstream {
        try FakeUpstream { head, _ in
            var headers: HTTPHeaders = ["Content-Type": "application/json"]
            if let origin = head.headers["origin"] {
                headers.add("Access-Control-Allow-Origin", origin)
                headers.add("Access-Control-Allow-Credentials", "true")
                headers.add("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
                headers.add("Access-Control-Allow-Headers", "Authorization, Content-Type")
            }
            let saw: JSONValue = ["sawCredential": .bool(head.headers["authorization"] != nil)]
            return .respond(status: head.method == "OPTIONS" ? 204 : 200, headers: headers,
                            body: head.method == "OPTIONS" ? [] : saw.serialized())
        }
    }

    /// The requests that reached this server carrying an `Authorization`.
    public var requestsWithCredential: [HTTPRequestHead] { requests.filter { $0.headers["authorization"] != nil } }
}
