import Foundation
import Testing

@testable import JobQueue

@Suite("Dispatch state machine (no database)")
struct DispatchStateMachineTests {
    @Test("claims never exceed free slots plus prefetch, and starts never exceed the slots, over 3,000 random events")
    func claimsNeverExceedCapacity() {
        let concurrency = 3
        let prefetch = 4
        var driver = MachineDriver(concurrency: concurrency, prefetch: prefetch, claimBatch: 5)
        var generator = SplitMix(seed: 42)
        var nextID: Int64 = 1
        var claimsOut: [(lane: Int, limit: Int, generation: Int)] = []
        var roundTripsOut: [(lane: Int, outcomes: [CompletionRecord], limit: Int, generation: Int)] = []
        var doneWritesOut: [[CompletionRecord]] = []
        var unitsRunning: [[ClaimedJob]] = []
        var lookupsOut: [Int] = []
        var held = 0  // claimed and not yet finished or released
        var maxHeldPlusPromised = 0
        var maxRunning = 0
        var started = 0

        func absorb(_ actions: [DispatchStateMachine.Action]) {
            claimsOut += actions.claims
            roundTripsOut += actions.writeAndClaims
            doneWritesOut += actions.doneWrites
            unitsRunning += actions.starts
            lookupsOut += actions.compactMap { if case .lookUpNextDue(let lane) = $0 { lane } else { nil } }
            started += actions.startedIDs.count
            held -= actions.forgotten.count
            let promised = claimsOut.map(\.limit).reduce(0, +) + roundTripsOut.map(\.limit).reduce(0, +)
            maxHeldPlusPromised = max(maxHeldPlusPromised, held + promised)
            maxRunning = max(maxRunning, unitsRunning.map(\.count).reduce(0, +))
        }
        func claimed(_ limit: Int) -> [ClaimedJob] {
            let count = Int(generator.next() % UInt64(limit + 1))
            defer { nextID += Int64(count) }
            held += count
            return (0..<count).map { job(nextID + Int64($0)) }
        }

        absorb(driver.turn())
        for _ in 0..<3000 {
            var events: [DispatchStateMachine.Event] = []
            switch generator.next() % 5 {
            case 0 where !claimsOut.isEmpty:
                let claim = claimsOut.removeFirst()
                events.append(
                    .claimed(
                        lane: claim.lane, limit: claim.limit, generation: claim.generation,
                        jobs: claimed(claim.limit), error: nil))
            case 1 where !unitsRunning.isEmpty:
                let unit = unitsRunning.remove(at: Int(generator.next() % UInt64(unitsRunning.count)))
                held -= unit.count
                let retry = generator.next() % 3 == 0
                events.append(.finished(unit.map { record($0, retry ? .retry(error: "x", at: Date()) : .done(result: Data())) }))
            case 2 where !roundTripsOut.isEmpty:
                let trip = roundTripsOut.removeFirst()
                events.append(
                    .wroteAndClaimed(
                        lane: trip.lane, written: trip.outcomes, limit: trip.limit,
                        generation: trip.generation, claimed: claimed(trip.limit),
                        writeError: nil, claimError: nil, earliestDue: nil))
            case 3 where !doneWritesOut.isEmpty:
                let fail = generator.next() % 4 == 0
                events.append(.written(doneWritesOut.removeFirst(), error: fail ? WriteFailed() : nil))
            case 4 where !lookupsOut.isEmpty:
                events.append(.nextDue(lane: lookupsOut.removeFirst(), at: driver.now + .milliseconds(100)))
            default:
                events.append(.wake)
            }
            var actions: [DispatchStateMachine.Action] = []
            for event in events { actions += driver.machine.handle(event) }
            driver.now += .milliseconds(Int(generator.next() % 300))
            actions += driver.machine.handle(.tick(driver.now))
            absorb(actions)
            let machine = driver.machine
            #expect(machine.runningJobs <= concurrency)
            #expect(machine.runningJobs + machine.buffer.count + machine.parkedCount + machine.reserved <= concurrency + prefetch)
        }
        #expect(maxHeldPlusPromised <= concurrency + prefetch)
        #expect(maxHeldPlusPromised == concurrency + prefetch, "the buffer was never used")
        #expect(maxRunning <= concurrency)
        #expect(started > 100)
    }

    @Test("with every slot busy, a claim still fills the buffer, and a freed slot takes the next buffered job at once")
    func claimAheadFillsTheBuffer() {
        var driver = MachineDriver(concurrency: 2, prefetch: 3)
        let first = driver.turn().claims
        #expect(first.map(\.limit) == [5])
        let jobs = (1...5).map { job(Int64($0)) }
        let turn = driver.turn(.claimed(lane: first[0].lane, limit: 5, generation: first[0].generation, jobs: jobs, error: nil))
        #expect(turn.startedIDs == [1, 2])
        #expect(driver.machine.buffer.map(\.id) == [3, 4, 5])
        #expect(turn.claims.isEmpty, "no capacity left: 2 running + 3 buffered")
        let next = driver.turn(.finished([record(jobs[0], .done(result: Data()))]))
        #expect(next.startedIDs == [3])
        #expect(next.doneWrites.map { $0.map(\.jobID) } == [[1]])
        #expect(next.claims.map(\.limit) == [1], "the freed place is claimed ahead again")
    }

    @Test("shutdown releases claimed-but-unstarted jobs at once, also those a claim in flight brings back")
    func shutdownReleasesBufferedJobs() {
        var driver = MachineDriver(concurrency: 1, prefetch: 3, claimBatch: 2)
        let claims = driver.turn().claims
        #expect(claims.map(\.limit) == [2])
        let jobs = (1...4).map { job(Int64($0)) }
        let afterFirst = driver.turn(
            .claimed(lane: claims[0].lane, limit: 2, generation: 0, jobs: Array(jobs[0..<2]), error: nil))
        #expect(afterFirst.startedIDs == [1])
        let second = afterFirst.claims
        #expect(second.map(\.limit) == [2])

        let shutdown = driver.turn(.shutdown)
        #expect(shutdown.forgotten == [2])
        let release = shutdown.writeAndClaims
        #expect(release.count == 1)
        #expect(release.first?.limit == 0, "no claim during shutdown")
        #expect(release.first?.outcomes.map(\.jobID) == [2])
        #expect(release.first?.outcomes.allSatisfy { $0.completion == .release && $0.startedAt == nil } == true)

        // The claim that was in flight comes back: its jobs are released too, never started.
        let late = driver.turn(
            .claimed(lane: second[0].lane, limit: 2, generation: 0, jobs: Array(jobs[2..<4]), error: nil),
            .wroteAndClaimed(
                lane: release[0].lane, written: release[0].outcomes, limit: 0, generation: 0,
                claimed: [], writeError: nil, claimError: nil, earliestDue: nil))
        #expect(late.startedIDs.isEmpty)
        #expect(late.forgotten == [3, 4])
        #expect(late.writeAndClaims.first?.outcomes.map(\.jobID) == [3, 4])
        #expect(late.writeAndClaims.first?.outcomes.allSatisfy { $0.completion == .release } == true)
        #expect(!late.exits, "job 1 still runs")

        let finished = driver.turn(
            .finished([record(jobs[0], .done(result: Data()))]),
            .wroteAndClaimed(
                lane: late.writeAndClaims[0].lane, written: late.writeAndClaims[0].outcomes,
                limit: 0, generation: 0, claimed: [], writeError: nil, claimError: nil,
                earliestDue: nil))
        #expect(finished.doneWrites.map { $0.map(\.jobID) } == [[1]])
        #expect(!finished.exits, "the done write is still in flight")
        let last = driver.turn(.written(finished.doneWrites[0], error: nil))
        #expect(last.exits)
        #expect(last.claims.isEmpty)
    }

    @Test("a failed write loses no outcome: it is kept, retried after a backoff, ahead of newer outcomes")
    func failedWritesAreKept() {
        var driver = MachineDriver(concurrency: 2, prefetch: 0)
        let claim = driver.turn().claims[0]
        let jobs = [job(1), job(2)]
        _ = driver.turn(.claimed(lane: claim.lane, limit: 2, generation: 0, jobs: jobs, error: nil))
        let write = driver.turn(.finished([record(jobs[0], .done(result: Data("{}".utf8)))])).doneWrites
        #expect(write.map { $0.map(\.jobID) } == [[1]])

        let failed = driver.turn(.written(write[0], error: WriteFailed()), .finished([record(jobs[1], .done(result: Data()))]))
        #expect(failed.failures == 1)
        #expect(failed.doneWrites.isEmpty, "backing off")
        #expect(driver.machine.doneOutcomes.map(\.jobID) == [1, 2])

        let retried = driver.turn(after: .milliseconds(150))
        #expect(retried.doneWrites.map { $0.map(\.jobID) } == [[1, 2]])

        // Other outcomes: a failed write-then-claim puts them back too.
        var other = MachineDriver(concurrency: 1, prefetch: 0)
        let first = other.turn().claims[0]
        let job3 = job(3)
        _ = other.turn(.claimed(lane: first.lane, limit: first.limit, generation: first.generation, jobs: [job3], error: nil))
        let trips = other.turn(.finished([record(job3, .retry(error: "later", at: Date()))])).writeAndClaims
        #expect(trips.map { $0.outcomes.map(\.jobID) } == [[3]])
        guard let trip = trips.first else { return }
        let lost = other.turn(
            .wroteAndClaimed(
                lane: trip.lane, written: trip.outcomes, limit: trip.limit,
                generation: trip.generation, claimed: [], writeError: WriteFailed(),
                claimError: nil, earliestDue: nil))
        #expect(lost.failures == 1)
        #expect(lost.claims.isEmpty && lost.writeAndClaims.isEmpty, "backing off")
        #expect(other.machine.otherOutcomes.map(\.jobID) == [3])
        let again = other.turn(after: .seconds(1))
        #expect(again.writeAndClaims.map { $0.outcomes.map(\.jobID) } == [[3]])
        #expect(again.claims.isEmpty, "the claim rides behind the write, never ahead of it")
    }

    @Test("a retry, snooze or release outcome is written before the next claim goes out")
    func otherOutcomesAreWrittenBeforeTheNextClaim() {
        var driver = MachineDriver(concurrency: 2, prefetch: 0)
        let claim = driver.turn().claims[0]
        let jobs = [job(1), job(2)]
        let full = driver.turn(.claimed(lane: claim.lane, limit: 2, generation: 0, jobs: jobs, error: nil))
        #expect(full.claims.isEmpty, "every slot busy")

        let retried = driver.turn(.finished([record(jobs[0], .retry(error: "again", at: Date()))]))
        #expect(retried.claims.isEmpty, "no bare claim while a retry is unwritten")
        #expect(retried.writeAndClaims.count == 1)
        #expect(retried.writeAndClaims[0].outcomes.map(\.jobID) == [1])
        #expect(retried.writeAndClaims[0].limit == 1, "the claim rides behind the write")

        // While that write is in flight, a snooze arrives and a slot frees: still no claim.
        let snoozed = driver.turn(.finished([record(jobs[1], .snooze(note: "429", until: Date()))]), .wake)
        #expect(snoozed.claims.isEmpty)
        #expect(snoozed.writeAndClaims.isEmpty, "one write of other outcomes at a time")

        let trip = retried.writeAndClaims[0]
        let back = driver.turn(
            .wroteAndClaimed(
                lane: trip.lane, written: trip.outcomes, limit: trip.limit,
                generation: trip.generation, claimed: [], writeError: nil, claimError: nil,
                earliestDue: nil))
        #expect(back.claims.isEmpty)
        #expect(back.writeAndClaims.map { $0.outcomes.map(\.jobID) } == [[2]])
    }

    @Test("jobs start in the order their claims were sent, even when a later claim comes back first")
    func claimOrderIsKept() {
        var driver = MachineDriver(concurrency: 1, prefetch: 3, claimBatch: 1)
        let first = driver.turn().claims
        let second = driver.turn(.wake).claims
        #expect(first.count == 1 && second.count == 1, "two claims in flight, one per lane")
        guard let a = first.first, let b = second.first else { return }
        let early = driver.turn(.claimed(lane: b.lane, limit: 1, generation: b.generation, jobs: [job(2)], error: nil))
        #expect(early.startedIDs.isEmpty, "job 2 waits for the claim sent before its own")
        let late = driver.turn(.claimed(lane: a.lane, limit: 1, generation: a.generation, jobs: [job(1)], error: nil))
        #expect(late.startedIDs == [1])
        #expect(driver.machine.buffer.map(\.id) == [2])
    }

    @Test("jobs of a batch type start as one unit per type and account, up to the batch size; a batch of k takes k slots")
    func batchUnits() {
        var driver = MachineDriver(concurrency: 4, prefetch: 2, batchLimits: ["b": 3])
        let claim = driver.turn().claims[0]
        let jobs = [
            job(1, type: "b", account: 1), job(2, type: "s"), job(3, type: "b", account: 1),
            job(4, type: "b", account: 2), job(5, type: "b", account: 1), job(6, type: "b", account: 1),
        ]
        let turn = driver.turn(.claimed(lane: claim.lane, limit: claim.limit, generation: 0, jobs: jobs, error: nil))
        #expect(turn.starts.map { $0.map(\.id) } == [[1, 3], [2], [4]])
        #expect(driver.machine.runningJobs == 4)
        #expect(driver.machine.buffer.map(\.id) == [5, 6])
        let next = driver.turn(.finished([record(jobs[0], .done(result: Data())), record(jobs[2], .done(result: Data()))]))
        #expect(next.starts.map { $0.map(\.id) } == [[5, 6]])
    }

    @Test("a buffered job that is cancelled or loses its lease never starts")
    func abandonedBufferedJobNeverStarts() {
        var driver = MachineDriver(concurrency: 1, prefetch: 2)
        let claim = driver.turn().claims[0]
        let jobs = [job(1), job(2), job(3)]
        _ = driver.turn(.claimed(lane: claim.lane, limit: claim.limit, generation: 0, jobs: jobs, error: nil))
        let abandoned = driver.turn(.abandoned(2))
        #expect(abandoned.forgotten == [2])
        let next = driver.turn(.finished([record(jobs[0], .done(result: Data()))]))
        #expect(next.startedIDs == [3])
        #expect(driver.machine.buffer.isEmpty)
    }

    @Test("exit-when-idle leaves once a claim comes back short and nothing runs or waits to be written")
    func exitWhenIdle() {
        var driver = MachineDriver(concurrency: 2, prefetch: 2, exitWhenIdle: true)
        let claim = driver.turn().claims[0]
        let short = driver.turn(.claimed(lane: claim.lane, limit: claim.limit, generation: 0, jobs: [], error: nil))
        let lookups = short.compactMap { if case .lookUpNextDue(let lane) = $0 { lane } else { nil } }
        #expect(lookups == [claim.lane])
        #expect(!short.exits)
        let done = driver.turn(.nextDue(lane: claim.lane, at: driver.now + .seconds(5)))
        #expect(done.exits)
    }

    @Test(
        "exit-when-idle claims once more after a done write: the write may have freed a concurrency slot a racing claim found taken"
    )
    func exitWhenIdleLooksAgainAfterAWrite() throws {
        var driver = MachineDriver(concurrency: 1, prefetch: 0, exitWhenIdle: true)
        let first = driver.turn().claims[0]
        let started = driver.turn(.claimed(lane: first.lane, limit: first.limit, generation: 0, jobs: [job(1)], error: nil))
        #expect(started.startedIDs == [1])
        let finished = driver.turn(.finished([record(job(1), .done(result: Data()))]))
        let write = try #require(finished.doneWrites.first)
        // The claim racing the write comes back empty (the job's slot is not free yet)…
        var generation = 0
        if let racing = finished.claims.first {
            generation = racing.generation
            let short = driver.turn(
                .claimed(lane: racing.lane, limit: racing.limit, generation: racing.generation, jobs: [], error: nil))
            for case .lookUpNextDue(let lane) in short {
                #expect(!driver.turn(.nextDue(lane: lane, at: driver.now + .seconds(5))).exits)
            }
        }
        // …so once the write is in, the drain claims again instead of leaving.
        let written = driver.turn(.written(write, error: nil))
        #expect(!written.exits)
        let again = try #require(written.claims.first, "no claim after the write")
        #expect(again.generation != generation)
        let short = driver.turn(
            .claimed(lane: again.lane, limit: again.limit, generation: again.generation, jobs: [], error: nil))
        let lookup = short.compactMap { if case .lookUpNextDue(let lane) = $0 { lane } else { nil } }
        #expect(lookup.count == 1)
        #expect(driver.turn(.nextDue(lane: lookup[0], at: driver.now + .seconds(5))).exits)
    }
}

/// A small seeded generator, so the random walk is the same on every run.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
