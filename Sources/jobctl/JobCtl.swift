import ArgumentParser
import WorkerCLI

/// `jobctl`: the operator's tool. One file per subcommand; all SQL lives in JobQueue.
@main
struct JobCtl: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jobctl",
        abstract: "Operate the marketplace job queue.",
        subcommands: [
            MigrateCommand.self,
            EnqueueCommand.self,
            ListCommand.self,
            ShowCommand.self,
            RunNowCommand.self,
            RetryCommand.self,
            CancelCommand.self,
            StatsCommand.self,
            PruneCommand.self,
            SchedulesCommand.self,
            NotificationsCommand.self,
            ZortoutCommand.self,
            AmazonCommand.self,
            UsersCommand.self,
        ]
    )
}
