import Foundation

/// When to run a job again after a retryable error.
///
///     delay(n) = min(cap, base × 2^(n−1)) × U(1 − jitter, 1 + jitter)
///
/// where n is the attempt that just failed. With the defaults (base 5 s, cap
/// 1 h, jitter 0.2): about 5 s, 10 s, 20 s, 40 s, … never more than 72 min.
/// Jitter spreads a burst of failures (an API outage) so the retries do not
/// arrive together.
public struct RetryPolicy: Sendable, Equatable {
    public var base: Duration
    public var cap: Duration
    public var jitter: Double

    public init(base: Duration = .seconds(5), cap: Duration = .seconds(3600), jitter: Double = 0.2) {
        self.base = base
        self.cap = cap
        self.jitter = min(max(jitter, 0), 1)
    }

    public static let standard = RetryPolicy()

    /// The un-jittered delay, in seconds.
    public func nominalDelay(afterAttempt attempt: Int) -> Double {
        let exponent = Double(max(attempt, 1) - 1)
        return min(cap.seconds, base.seconds * pow(2, min(exponent, 62)))
    }

    public func delay(afterAttempt attempt: Int, random: Double = Double.random(in: 0...1)) -> Double {
        nominalDelay(afterAttempt: attempt) * (1 - jitter + 2 * jitter * random)
    }
}
