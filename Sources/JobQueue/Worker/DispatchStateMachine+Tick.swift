extension DispatchStateMachine {
    /// When the driver must tick again if no event arrives first.
    func deadline(now: ContinuousClock.Instant) -> ContinuousClock.Instant {
        var deadline = now + configuration.pollInterval
        let idle = claimsInFlight == 0 && lookupsInFlight == 0 && !writingOther
        if !wantClaim && !shuttingDown && idle { deadline = min(deadline, nextWake) }
        if shuttingDown, !stoppedRunning, let shutdownDeadline { deadline = min(deadline, shutdownDeadline) }
        if let retryAt { deadline = min(deadline, retryAt) }
        return deadline
    }

    /// Ends a turn: backoff, shutdown, starting buffered jobs, writes, claims, exit.
    mutating func tick(now: ContinuousClock.Instant) -> [Action] {
        var actions: [Action] = []

        // 1. A write or claim failed this turn: back off, and during shutdown
        //    give up once well past the grace period.
        if let error = failure {
            failure = nil
            actions.append(.databaseUnavailable(error, retryIn: failureBackoff, pendingWrites: pendingWrites))
            retryAt = now + .milliseconds(Int(failureBackoff * 1000))
            failureBackoff = min(failureBackoff * 2, 5)
            if shuttingDown, let shutdownDeadline, now > shutdownDeadline + .seconds(10) {
                exited = true
                return actions + [.giveUp(pendingWrites: pendingWrites), .exit(idle: false)]
            }
        }

        // 2. Shutdown: no new claims, buffered jobs released at once, running
        //    jobs stopped when the grace period is over.
        if shutdownRequested && !shuttingDown {
            shuttingDown = true
            shutdownDeadline = now + (shutdownNowRequested ? .zero : configuration.shutdownGrace)
            actions.append(.shutdownBegan(running: runningJobs, released: buffer.count))
        } else if shutdownNowRequested, let deadline = shutdownDeadline, deadline > now {
            shutdownDeadline = now
        }
        if shuttingDown && !buffer.isEmpty {
            otherOutcomes += buffer.map { CompletionRecord(jobID: $0.id, attempt: $0.attempt, completion: .release) }
            actions.append(.forget(buffer.map(\.id)))
            buffer.removeAll()
        }
        if shuttingDown, !stoppedRunning, let shutdownDeadline, now >= shutdownDeadline {
            stoppedRunning = true
            if runningJobs > 0 { actions.append(.stopRunning) }
        }

        // 3. Buffered jobs into free slots: needs no database, so not held up by a backoff.
        for unit in takeUnits(freeSlots: configuration.concurrency - runningJobs) {
            runningJobs += unit.count
            actions.append(.start(unit))
        }

        if let retryAt, now < retryAt { return actions + exitIfSettled() }
        retryAt = nil

        // 4. Done outcomes to the completer; one write in flight at a time.
        if !writingDone && !doneOutcomes.isEmpty {
            writingDone = true
            actions.append(.writeDone(doneOutcomes))
            doneOutcomes.removeAll(keepingCapacity: true)
        }

        // 5. A looked-drained lane: find out when the next job is due, unless
        //    a claim is wanted again or outcomes will go with a claim anyway.
        if let lane = lookupLane {
            lookupLane = nil
            if wantClaim || !otherOutcomes.isEmpty || shuttingDown {
                idleLanes.append(lane)
            } else {
                lookupsInFlight += 1
                actions.append(.lookUpNextDue(lane: lane))
            }
        }

        // 6. Claims. Other outcomes go first, with a claim pipelined behind
        //    them; no claim goes out while they are unwritten.
        if !wantClaim && !shuttingDown && claimsInFlight == 0 && lookupsInFlight == 0 && !writingOther
            && otherOutcomes.isEmpty && now >= nextWake
        {
            wantClaim = true
        }
        let limit = (shuttingDown || !wantClaim) ? 0 : min(claimCapacity, configuration.claimBatchSize)
        if !otherOutcomes.isEmpty && !writingOther, let lane = takeLane() {
            writingOther = true
            reserved += limit
            noteClaimSent(on: lane)
            actions.append(.writeAndClaim(lane: lane, outcomes: otherOutcomes, limit: limit, generation: wakeGeneration))
            otherOutcomes.removeAll(keepingCapacity: true)
        } else if otherOutcomes.isEmpty && !writingOther && limit > 0
            && (claimsInFlight == 0 || limit >= overlapClaimMinimum), let lane = takeLane()
        {
            claimsInFlight += 1
            reserved += limit
            noteClaimSent(on: lane)
            actions.append(.claim(lane: lane, limit: limit, generation: wakeGeneration))
        }

        return actions + exitIfSettled()
    }

    private mutating func noteClaimSent(on lane: Int) {
        laneClaimSequence[lane] = nextClaimSequence
        claimSequencesInFlight.append(nextClaimSequence)
        nextClaimSequence += 1
    }

    /// Lane 0 first: it is opened first, so a write there does not wait for a connect.
    private mutating func takeLane() -> Int? {
        if let index = idleLanes.firstIndex(of: 0) { return idleLanes.remove(at: index) }
        return idleLanes.popLast()
    }

    /// Leaves when nothing is left to do: after shutdown, or idle with `exitWhenIdle`.
    private mutating func exitIfSettled() -> [Action] {
        let settled =
            runningJobs == 0 && buffer.isEmpty && doneOutcomes.isEmpty && otherOutcomes.isEmpty
            && !writingDone && !writingOther && claimsInFlight == 0 && lookupsInFlight == 0
        if settled && shuttingDown {
            exited = true
            return [.exit(idle: false)]
        }
        if settled && configuration.exitWhenIdle && !wantClaim && lookupLane == nil {
            exited = true
            return [.exit(idle: true)]
        }
        return []
    }

    /// Takes units to start from the buffer, in claim order, into `freeSlots`
    /// slots. A job of a batch type gathers the buffered jobs of its type and
    /// account into one unit, up to the type's batch size; a batch of k jobs
    /// takes k slots.
    mutating func takeUnits(freeSlots: Int) -> [[ClaimedJob]] {
        guard freeSlots > 0, !buffer.isEmpty else { return [] }
        var slots = freeSlots
        var units: [[ClaimedJob]] = []
        var open: [BatchKey: Int] = [:]
        var rest: [ClaimedJob] = []
        for job in buffer {
            let limit = min(configuration.batchLimits[job.jobType] ?? 1, configuration.concurrency)
            let key = BatchKey(jobType: job.jobType, accountID: job.accountID)
            if limit > 1, slots > 0, let index = open[key], units[index].count < limit {
                units[index].append(job)
                slots -= 1
            } else if slots > 0 {
                units.append([job])
                slots -= 1
                if limit > 1 { open[key] = units.count - 1 }
            } else {
                rest.append(job)
            }
        }
        buffer = rest
        return units
    }
}
