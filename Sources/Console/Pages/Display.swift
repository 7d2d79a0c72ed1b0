import Foundation
import WorkerCLI

/// How pages write values: the same timestamps jobctl prints.
enum Display {
    static func time(_ date: Date?) -> String { Output.timestamp(date) }

    static func relative(_ date: Date) -> String { Output.relative(date) }

    static func duration(_ seconds: Int) -> String { Output.duration(seconds) }
}
