import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Reads a password without echo from the terminal, or one line of stdin
/// when stdin is a pipe (scripts, the demo).
enum PasswordReader {
    static func read(prompt: String) throws -> String {
        if isatty(STDIN_FILENO) == 1 {
            guard let pointer = getpass(prompt) else { throw JobctlError.badInput("no password given") }
            return String(cString: pointer)
        }
        guard let line = readLine(strippingNewline: true), !line.isEmpty else {
            throw JobctlError.badInput("no password on stdin; pipe one line, e.g.: printf '%s\\n' \"$PW\" | jobctl users add …")
        }
        return line
    }
}
