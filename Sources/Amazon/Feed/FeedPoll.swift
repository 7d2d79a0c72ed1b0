import Foundation
import JobQueue

/// The one polling rule of every job that follows a submitted feed (listings,
/// acknowledgements, refunds): come back `base` seconds later, doubling with
/// each poll up to 15 minutes. It is a `retryAfter`, so waiting on Amazon
/// never spends an attempt and never holds a worker slot; the cap keeps a feed
/// that Amazon sits on for hours from being asked about only once a day.
enum FeedPoll {
    /// The longest wait between two looks at one feed.
    static let maxDelay: Double = 900

    /// Seconds until the next look, after `polls` earlier ones.
    static func delay(base: Double, polls: Int) -> Double { min(base * pow(2, Double(min(polls, 10))), maxDelay) }

    /// The error that reschedules the job, saying what Amazon answered and when it asks again.
    static func again(_ feed: String, status: String, base: Double, polls: Int, now: Date) -> JobError {
        let delay = delay(base: base, polls: polls)
        return .retryAfter(now.addingTimeInterval(delay), "\(feed) is \(status); polling again in \(Int(delay.rounded())) s")
    }
}

/// The payload of a job that follows one submitted feed (`amazon.feed_status`,
/// `amazon.orders_ack_status`): which feed, and the base of `FeedPoll`'s backoff.
public struct FeedPollPayload: Decodable, Sendable {
    /// Amazon's feedId.
    public var feedID: String
    /// Base of the poll backoff (each job has its default).
    public var pollSeconds: Double?
    enum CodingKeys: String, CodingKey { case feedID = "feed_id", pollSeconds = "poll_seconds" }
}
