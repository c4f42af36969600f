// libFuzzer entry point for one fuzz target, compiled by tools/fuzz.sh together with the
// RelayCore sources and the checks in Sources/RelayTestSupport/Fuzz (one module, no package).
// The target is picked at compile time: -D FUZZ_HTTP_REQUEST, -D FUZZ_HTTP_RESPONSE or
// -D FUZZ_RECORDING. A broken invariant traps, so libFuzzer keeps the input as a crash file.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let input = Array(UnsafeBufferPointer(start: data, count: size))
    // Limits, method and splits come from the input itself, so a crash file reproduces.
    var rng = FuzzRandom(hashing: input)
    #if FUZZ_HTTP_REQUEST
    let outcome = HTTPFuzzCheck.check(input, side: .request, rng: &rng)
    #elseif FUZZ_HTTP_RESPONSE
    let outcome = HTTPFuzzCheck.check(input, side: .response, rng: &rng)
    #else
    _ = rng.next()
    let outcome = RecordingFuzzCheck.check(input)
    #endif
    if case .failed(let message) = outcome { fatalError("invariant broken: \(message)") }
    return 0
}
