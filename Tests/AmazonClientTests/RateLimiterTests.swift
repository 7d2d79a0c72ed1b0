import Amazon
import Foundation
import JobQueue
import MarketplaceSim
import Postgres
import TestSupport
import Testing

/// The PostgreSQL rate limiter (migration 0005), shared by "workers" that
/// are separate limiters on separate connection pools of one real database.
@Suite("Shared rate limiter")
struct RateLimiterTests {
    @Test func bucketIsSharedAcrossTwoWorkers() async throws {
        let db = try await TestDatabase.create(label: "ratelimit")
        let poolA = db.pool(size: 3)
        let poolB = db.pool(size: 3)
        let workerA = RateLimiter(database: poolA)
        let workerB = RateLimiter(database: poolB)
        let limit = RateLimit.bucket("amazon:S@host:createFeed", rate: Decimal(string: "0.0083")!, burst: 15)
        // 40 concurrent takes from two workers: exactly the burst gets through.
        let waits = try await withThrowingTaskGroup(of: Double.self) { group in
            for index in 0..<40 {
                let limiter = index.isMultiple(of: 2) ? workerA : workerB
                group.addTask { try await limiter.take([limit]).wait }
            }
            return try await group.reduce(into: [Double]()) { $0.append($1) }
        }
        #expect(waits.filter { $0 == 0 }.count == 15)
        // The refused ones are told about one token's refill time (1 / 0.0083 s ≈ 120 s).
        let refused = waits.filter { $0 > 0 }
        #expect(refused.count == 25)
        #expect(refused.allSatisfy { $0 > 110 && $0 <= 121 })
        await poolA.close(); await poolB.close(); await db.drop()
    }

    @Test func windowAllowsFivePerFiveMinutesAndSaysWhenTheNextIs() async throws {
        let db = try await TestDatabase.create(label: "ratewindow")
        let pool = db.pool(size: 2)
        let workerA = RateLimiter(database: pool)
        let workerB = RateLimiter(database: db.pool(size: 1))
        let window = RateLimit.window("amazon:S@host:submit:JSON_LISTINGS_FEED", limit: 5, seconds: 300)
        var waits: [Double] = []
        for index in 0..<7 { waits.append(try await (index < 3 ? workerA : workerB).take([window]).wait) }
        #expect(waits.prefix(5).allSatisfy { $0 == 0 })
        #expect(waits.suffix(2).allSatisfy { $0 > 240 && $0 <= 300 })
        await pool.close(); await db.drop()
    }

    @Test func refusalByALaterLimitGivesBackTheEarlierToken() async throws {
        let db = try await TestDatabase.create(label: "rategiveback")
        let pool = db.pool(size: 2)
        let limiter = RateLimiter(database: pool)
        let bucket = RateLimit.bucket("k:bucket", rate: Decimal(string: "0.001")!, burst: 2)
        let window = RateLimit.window("k:window", limit: 1, seconds: 600)
        #expect(try await limiter.take([bucket, window]).wait == 0)
        let refused = try await limiter.take([bucket, window])
        #expect(refused.wait > 0)
        #expect(refused.limit == window)
        // The bucket still holds its second token: the refused call did not spend it.
        #expect(try await limiter.take([bucket]).wait == 0)
        #expect(try await limiter.take([bucket]).wait > 0)
        await pool.close(); await db.drop()
    }

    @Test func acquireSleepsThroughShortWaitsAndDefersLongOnes() async throws {
        let db = try await TestDatabase.create(label: "rateacquire")
        let pool = db.pool(size: 2)
        let limiter = RateLimiter(database: pool, maxSleep: .seconds(1))
        let fast = RateLimit.bucket("k:fast", rate: 5, burst: 1)
        // Both takes are timed by the database clock, so the second cannot
        // succeed before 0.2 s after the first: it slept rather than deferring.
        let start = ContinuousClock.now
        try await limiter.acquire([fast], context: "test")
        try await limiter.acquire([fast], context: "test")
        #expect(ContinuousClock.now - start >= .milliseconds(195))
        let slow = RateLimit.bucket("k:slow", rate: Decimal(string: "0.0222")!, burst: 1)
        try await limiter.acquire([slow], context: "getFeedDocument for account 7")
        do {
            try await limiter.acquire([slow], context: "getFeedDocument for account 7")
            Issue.record("expected a deferral")
        } catch let JobError.retryAfter(date, message) {
            #expect(date.timeIntervalSinceNow > 40)
            #expect(message.hasPrefix("getFeedDocument for account 7: rate limit k:slow (0.0222/s, burst 1) has no token for"))
        }
        await pool.close(); await db.drop()
    }

    @Test func clientDefersTheSixthListingsFeedWithoutCallingAmazon() async throws {
        let fixture = try await AmazonClientFixture.start(database: true, label: "ratefeeds")
        defer { Task { await fixture.stop() } }
        // Two workers, each with its own pool and client, share the seller's quota.
        let secondPool = fixture.db!.pool(size: 1)
        let clients = [
            fixture.client(rateLimiter: RateLimiter(database: fixture.pool!)),
            fixture.client(rateLimiter: RateLimiter(database: secondPool)),
        ]
        let feed = AmazonClientFixture.feed(skus: ["R-1"])
        let start = Date()
        for index in 0..<5 { _ = try await clients[index % 2].submitFeed(feed) }
        do {
            _ = try await clients[1].submitFeed(feed)
            Issue.record("expected the sixth submission to be deferred")
        } catch {
            guard case .retryAfter(let date, let message) = error.jobError else { Issue.record("got \(error)"); return }
            // The first submission leaves the window 300 s after it was counted,
            // which was after `start`, however long the five took on a loaded machine.
            #expect(date.timeIntervalSince(start) > 299)
            #expect(date.timeIntervalSinceNow <= 300)
            #expect(message.contains("submit:JSON_LISTINGS_FEED (5 per 300 s)"))
            #expect(message.contains("account 7 (Amazon US test)"))
        }
        let stats = await fixture.simulator.stats()
        #expect(stats.operations["createFeed"] == 5)
        #expect(stats.operations["createFeedDocument"] == 5)  // the deferred one created no document
        await secondPool.close()
    }

    @Test func amazons429EmptiesTheSharedBucketForEveryWorker() async throws {
        // A refill of 100 s, not the model's 2 s: on a loaded machine two
        // seconds can pass between the 429 and worker B's call.
        let fixture = try await AmazonClientFixture.start(
            faults: AmazonFaults(tooManyRequests: 1), database: true, label: "rate429",
            rateLimits: ["createFeedDocument": AmazonRateLimitOverride(rate: Decimal(string: "0.01")!)])
        defer { Task { await fixture.stop() } }
        let secondPool = fixture.db!.pool(size: 1)
        let workerA = fixture.client(rateLimiter: RateLimiter(database: fixture.pool!))
        let workerB = fixture.client(rateLimiter: RateLimiter(database: secondPool))
        do {
            _ = try await workerA.createFeedDocument()
            Issue.record("expected Amazon's 429")
        } catch {
            guard case .throttled = error else { Issue.record("got \(error)"); return }
        }
        // Worker B's bucket says "none left" now, although it never called: it defers without asking Amazon.
        do {
            _ = try await workerB.createFeedDocument()
            Issue.record("expected a local deferral")
        } catch {
            guard case .retryAfter(let date, let message) = error.jobError else { Issue.record("got \(error)"); return }
            #expect(date.timeIntervalSinceNow > 1)
            #expect(message.contains("createFeedDocument (0.01/s, burst 15) has no token"))
        }
        #expect(await fixture.simulator.stats().operations["createFeedDocument"] == 1)
        await secondPool.close()
    }
}
