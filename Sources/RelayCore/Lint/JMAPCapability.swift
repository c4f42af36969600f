/// Capability URNs, and which one a method needs in the request's `using` (RFC 8620 §3.3).
public enum JMAPCapability {
    public static let core = "urn:ietf:params:jmap:core"
    public static let mail = "urn:ietf:params:jmap:mail"
    public static let submission = "urn:ietf:params:jmap:submission"
    public static let vacationResponse = "urn:ietf:params:jmap:vacationresponse"
    public static let mdn = "urn:ietf:params:jmap:mdn"
    public static let blob = "urn:ietf:params:jmap:blob"
    public static let quota = "urn:ietf:params:jmap:quota"
    public static let sieve = "urn:ietf:params:jmap:sieve"
    public static let principals = "urn:ietf:params:jmap:principals"
    public static let contacts = "urn:ietf:params:jmap:contacts"
    public static let calendars = "urn:ietf:params:jmap:calendars"
    public static let webSocket = "urn:ietf:params:jmap:websocket"

    /// Data types and the capability that defines them: RFC 8620 (Core, Blob/copy,
    /// PushSubscription), 8621 (mail, submission, vacation), 9007 (MDN), 9404 (Blob), 9425
    /// (Quota), 9661 (Sieve), 9670 (Principals), 9610 (contacts).
    static let byType: [String: String] = [
        "Core": core,
        "Mailbox": mail, "Email": mail, "Thread": mail, "SearchSnippet": mail,
        "Identity": submission, "EmailSubmission": submission,
        "VacationResponse": vacationResponse,
        "MDN": mdn,
        "Blob": blob,
        "Quota": quota,
        "SieveScript": sieve,
        "Principal": principals, "ShareNotification": principals,
        "AddressBook": contacts, "ContactCard": contacts,
        "Calendar": calendars, "CalendarEvent": calendars, "CalendarEventNotification": calendars,
        "ParticipantIdentity": calendars,
    ]

    /// The capability `method` needs in `using`; nil when none beyond what any request has
    /// (PushSubscription) or when the method is not known.
    public static func required(by method: String) -> String? {
        if method == "Blob/copy" { return core }
        let type = String(method.split(separator: "/", maxSplits: 1).first ?? "")
        return byType[type]
    }
}
