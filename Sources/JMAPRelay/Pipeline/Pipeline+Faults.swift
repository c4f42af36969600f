import Foundation
import RelayCore

/// What fault planning tells `Pipeline.handle`.
enum FaultOutcome {
    /// Answer the client after `delayMs` (delay faults that fired before); the upstream is not asked.
    case reply(RelayReply, delayMs: Int)
    /// Go on, with this plan for the answer.
    case proceed(FaultPlan)
}

extension Pipeline {
    /// Decides the faults for an exchange and does what must happen before the upstream is
    /// asked: delays, made-up answers, refusals for limits, taking failed calls out of the batch.
    /// `body` is replaced when the request going up changes.
    func planFaults(_ draft: ExchangeDraft, head: HTTPRequestHead, body: inout any BodySource) -> FaultOutcome {
        var plan = FaultPlan()
        // Method names and call ids come from the trace's scan; the request is parsed whole
        // only when a rule needs account ids or rewrites calls.
        if draft.kind == .api, faults.needsAccounts { plan.batch = Self.parseBatch(draft.requestBody) }
        let calls = plan.batch?.contextCalls
            ?? zip(draft.jmapMethods, draft.callIds).map { FaultContext.Call(name: $0, callId: $1) }
        let context = FaultContext(method: head.method, path: String(head.path), kind: draft.kind, calls: calls)
        let (fired, session, standing) = faults.decide(context)
        // Nothing fired and nothing standing: the common case with rules that do not match.
        if fired.isEmpty, session.isEmpty, !faults.strictLimits { return .proceed(plan) }
        plan.session = session
        let limits = faults.enforcedLimits(session)
        if draft.kind == .api, plan.batch == nil,
            fired.contains(where: { $0.rule.action.rewritesCalls }) || !session.droppedCapabilities.isEmpty || !limits.isEmpty
        {
            plan.batch = Self.parseBatch(draft.requestBody)
        }
        var working = plan.batch
        var splitBefore: Set<Int> = []

        for f in fired {
            draft.faults.append(f.rule.label)
            let description = f.rule.detail ?? "injected by jmap-relay fault \(f.rule.id)"
            switch f.rule.action {
            case .status(let code, let retryAfter):
                var extra = HTTPHeaders()
                if let retryAfter { extra.add("Retry-After", String(retryAfter)) }
                let problem = ProblemDetails.relay(
                    "fault", title: HTTPStatus.reason(for: code), status: code,
                    detail: f.rule.detail ?? "Injected by fault rule \(f.rule.id) (\(f.rule.spec)).")
                return .reply(.response(.problem(problem, extraHeaders: extra)), delayMs: plan.requestDelayMs)
            case .delay(let ms, .request):
                plan.requestDelayMs += ms
            case .delay(let ms, .response):
                plan.responseDelayMs += ms
            case .reset:
                draft.error = "connection reset by fault \(f.rule.id)"
                return .reply(.reset, delayMs: plan.requestDelayMs)
            case .hang:
                draft.error = "hung by fault \(f.rule.id)"
                return .reply(.hang, delayMs: plan.requestDelayMs)
            case .truncate(let n):
                plan.truncateAfter = min(plan.truncateAfter ?? Int.max, n)
            case .bandwidth(let rate):
                plan.bytesPerSecond = min(plan.bytesPerSecond ?? Int.max, rate)
            case .requestError(let type, let limit):
                let problem = limit.map { LimitCheck.problem(limit: $0, detail: description) }
                    ?? LimitCheck.requestProblem(type, detail: description)
                return .reply(.response(.problem(problem)), delayMs: plan.requestDelayMs)
            case .methodError(let type, let phase):
                for i in f.calls {
                    plan.errors[i] = FaultPlan.CallError(type: type, description: f.rule.detail)
                    if phase == .before { splitBefore.insert(i) }
                }
            case .setError(let type, let op, let target, let index):
                guard var w = working else { continue }
                for i in f.calls where w.calls[i].name.hasSuffix("/set") {
                    let ids = SetErrorInjection.pick(w.calls[i].arguments, operation: op, target: target, index: index)
                    guard !ids.isEmpty else { continue }
                    if canSplitBatches { w.calls[i].arguments = SetErrorInjection.strip(w.calls[i].arguments, operation: op, ids: ids) }
                    plan.setErrors.append(.init(call: i, operation: op, ids: ids, type: type, description: f.rule.detail))
                }
                working = w
            case .bumpSessionState, .dropCapability, .limit, .dropEvent, .duplicateEvent, .delayEvent, .cutAfter:
                break
            }
        }

        if let refusal = enforceStanding(draft, plan: &plan, standing: standing, limits: limits, splitBefore: &splitBefore) {
            return .reply(.response(refusal), delayMs: plan.requestDelayMs)
        }
        guard let batch = plan.batch, var working else { return .proceed(plan) }

        // Calls that reference a call that failed before the server saw it fail as well.
        let dependents = batch.dependents(of: splitBefore)
        for i in dependents {
            plan.errors[i] = FaultPlan.CallError(
                type: "invalidResultReference", description: "refers to call '\(batch.calls[i].callId)' whose result is an error")
        }
        let removed = splitBefore.union(dependents)
        if canSplitBatches, !removed.isEmpty || working != batch {
            working.calls = working.calls.enumerated().filter { !removed.contains($0.offset) }.map(\.element)
            if working.calls.isEmpty {
                plan.answerLocally = true
            } else {
                let bytes = working.requestKeeping(Array(working.calls.indices)).serialized()
                draft.upstreamRequestBody = bytes
                body = BufferedBody(bytes)
            }
        }
        return .proceed(plan)
    }

    /// Dropped capabilities and lowered (or, under `--limits strict`, advertised) limits: a
    /// refusal for the client, or `requestTooLarge` for the calls over a limit.
    private func enforceStanding(_ draft: ExchangeDraft, plan: inout FaultPlan, standing: [FaultRule],
                                 limits: [String: Int], splitBefore: inout Set<Int>) -> RelayResponse? {
        func blame(_ limit: String?) {
            let rule = standing.first { r in
                if case .limit(let name, _) = r.action { return limit == nil || name == limit }
                return false
            }
            if let rule {
                faults.noteStanding(rule.id)
                draft.faults.append(rule.label)
            } else {
                draft.faults.append("limits strict" + (limit.map { " \($0)" } ?? ""))
            }
        }
        if draft.kind == .upload, let max = limits["maxSizeUpload"], let length = draft.request.headers["content-length"].flatMap(Int.init),
            length > max
        {
            blame("maxSizeUpload")
            return .problem(.relay("upload-too-large", title: "Content Too Large", status: 413,
                                   detail: "The upload is \(length) bytes; the session's maxSizeUpload is \(max)."))
        }
        guard draft.kind == .api else { return nil }
        if let using = plan.batch?.request["using"]?.arrayValue?.compactMap(\.stringValue),
            let dropped = using.first(where: plan.session.droppedCapabilities.contains)
        {
            if let rule = standing.first(where: { $0.action == .dropCapability(dropped) }) {
                faults.noteStanding(rule.id)
                draft.faults.append(rule.label)
            }
            return .problem(LimitCheck.requestProblem(
                "unknownCapability", detail: "The request uses '\(dropped)', which this session does not offer."))
        }
        guard !limits.isEmpty else { return nil }
        if let max = limits["maxConcurrentRequests"] {
            guard faults.takeConcurrencySlot(limit: max) else {
                blame("maxConcurrentRequests")
                return .problem(LimitCheck.problem(
                    limit: "maxConcurrentRequests", detail: "More than \(max) API requests at once; the session's maxConcurrentRequests is \(max)."))
            }
            plan.holdsConcurrencySlot = true
        }
        switch LimitCheck.check(plan.batch, size: draft.requestBody?.count ?? 0, limits: limits) {
        case .pass:
            return nil
        case .requestLimit(let name, let detail):
            blame(name)
            if plan.holdsConcurrencySlot {
                faults.releaseConcurrencySlot()
                plan.holdsConcurrencySlot = false
            }
            return .problem(LimitCheck.problem(limit: name, detail: detail))
        case .callsTooLarge(let calls):
            blame(nil)
            for (i, detail) in calls {
                plan.errors[i] = FaultPlan.CallError(type: "requestTooLarge", description: detail)
                splitBefore.insert(i)
            }
            return nil
        }
    }

    static func parseBatch(_ body: [UInt8]?) -> JMAPBatch? {
        body.flatMap { try? JSONParser.parse($0) }.flatMap(JMAPBatch.init)
    }

    /// Whether calls can be taken out of a batch before it goes up: not when the upstream is
    /// a recording, which is matched by the whole request (the calls then get their errors in
    /// the answer instead).
    var canSplitBatches: Bool { !upstream.matchesWholeRequests }

    /// The API answer the client gets under `plan`, from the upstream's decoded bytes.
    func applyResponseFaults(_ plan: FaultPlan, upstreamBody: [UInt8]?) -> [UInt8]? {
        guard plan.rewritesResponse else { return nil }
        let parsed = upstreamBody.flatMap { try? JSONParser.parse($0) }
        if let s = parsed?["sessionState"]?.stringValue { faults.learn(sessionState: s) }
        return plan.rewrite(parsed, sessionState: faults.sessionState)?.serialized()
    }
}
