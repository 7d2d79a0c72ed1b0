import Testing

@testable import JobQueue

@Suite("RetryPolicy (no database)")
struct RetryPolicyTests {
    @Test("the nominal delay doubles per attempt from the base and stops at the cap")
    func doublesThenCaps() {
        let policy = RetryPolicy(base: .seconds(5), cap: .seconds(60), jitter: 0.2)
        #expect((1...6).map { policy.nominalDelay(afterAttempt: $0) } == [5, 10, 20, 40, 60, 60])
        #expect(policy.nominalDelay(afterAttempt: 0) == 5, "attempt 0 counts as the first")
        #expect(policy.nominalDelay(afterAttempt: 10_000) == 60, "no overflow for huge attempt counts")
    }

    @Test("jitter spreads the delay within ±jitter of the nominal delay")
    func jitterBounds() {
        let policy = RetryPolicy(base: .seconds(10), cap: .seconds(3600), jitter: 0.2)
        #expect(abs(policy.delay(afterAttempt: 1, random: 0) - 8) < 1e-9)
        #expect(abs(policy.delay(afterAttempt: 1, random: 1) - 12) < 1e-9)
        #expect(abs(policy.delay(afterAttempt: 1, random: 0.5) - 10) < 1e-9)
        for _ in 0..<1000 {
            let delay = policy.delay(afterAttempt: 3)
            #expect(delay >= 32 && delay <= 48)
        }
    }

    @Test("jitter is clamped to 0...1, and the standard policy is 5 s doubling to 1 h")
    func clampAndStandard() {
        #expect(RetryPolicy(jitter: 3).jitter == 1)
        #expect(RetryPolicy(jitter: -1).jitter == 0)
        #expect(abs(RetryPolicy(jitter: 0).delay(afterAttempt: 2, random: 0.9) - 10) < 1e-9)
        #expect(RetryPolicy.standard.nominalDelay(afterAttempt: 1) == 5)
        #expect(RetryPolicy.standard.nominalDelay(afterAttempt: 20) == 3600)
    }
}
